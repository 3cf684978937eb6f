/*
 * driver.c: one thread that keeps its share of the workers' requests in
 * flight at once, on one curl multi handle and one epoll.  A thread per
 * worker, blocked in curl_easy_perform, spent a fifth of the loader's CPU
 * switching between threads; a thread per CPU does not.
 */
#include <err.h>
#include <errno.h>
#include <sys/epoll.h>
#include <sysexits.h>
#include <unistd.h>

#include "loader.h"

#define MAX_EVENTS	64
/* how soon a driver sees ld->stop */
#define STOP_POLL_MS	20

/* curl's socket callback: watch s for what curl wants. */
static int
on_socket(CURL *e, curl_socket_t s, int what, void *arg, void *sockp)
{
	struct driver *d = arg;
	struct epoll_event ev = { 0 };

	(void)e;
	if (what == CURL_POLL_REMOVE) {
		/* curl may have closed s already */
		epoll_ctl(d->ep, EPOLL_CTL_DEL, s, NULL);
		return 0;
	}
	ev.events = (what & CURL_POLL_IN ? EPOLLIN : 0) |
	    (what & CURL_POLL_OUT ? EPOLLOUT : 0);
	ev.data.fd = s;
	if (sockp == NULL) {
		/* socketp marks a socket epoll knows */
		curl_multi_assign(d->m, s, d);
		if (epoll_ctl(d->ep, EPOLL_CTL_ADD, s, &ev) == 0 ||
		    errno != EEXIST)
			return 0;
	}
	epoll_ctl(d->ep, EPOLL_CTL_MOD, s, &ev);
	return 0;
}

static int
on_timer(CURLM *m, long timeout_ms, void *arg)
{
	struct driver *d = arg;

	(void)m;
	d->timeout_ms = timeout_ms;
	return 0;
}

/* Records the finished requests and starts their workers' next. */
static void
reap(struct driver *d)
{
	struct worker *w;
	CURLMsg *msg;
	CURLcode rc;
	CURL *h;
	int left;

	while ((msg = curl_multi_info_read(d->m, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		h = msg->easy_handle;
		rc = msg->data.result;
		curl_easy_getinfo(h, CURLINFO_PRIVATE, (char **)&w);
		curl_multi_remove_handle(d->m, h);	/* frees msg */
		worker_done(w, rc);
		if (worker_next(w))
			curl_multi_add_handle(d->m, h);
		else {
			w->done_at = loader_now();
			d->active--;
		}
	}
}

static int
cselect(uint32_t events)
{
	return (events & EPOLLIN ? CURL_CSELECT_IN : 0) |
	    (events & EPOLLOUT ? CURL_CSELECT_OUT : 0) |
	    (events & (EPOLLERR | EPOLLHUP) ? CURL_CSELECT_ERR : 0);
}

static void
run(struct driver *d)
{
	struct epoll_event evs[MAX_EVENTS];
	int n, i, running, wait_ms;

	while (d->active > 0 && !atomic_load(&d->ld->stop)) {
		wait_ms = d->timeout_ms < 0 || d->timeout_ms > STOP_POLL_MS ?
		    STOP_POLL_MS : (int)d->timeout_ms;
		n = epoll_wait(d->ep, evs, MAX_EVENTS, wait_ms);
		if (n <= 0)
			curl_multi_socket_action(d->m, CURL_SOCKET_TIMEOUT, 0,
			    &running);
		for (i = 0; i < n; i++)
			curl_multi_socket_action(d->m, evs[i].data.fd,
			    cselect(evs[i].events), &running);
		reap(d);
	}
}

void *
driver_main(void *arg)
{
	struct driver *d = arg;
	struct loader *ld = d->ld;
	struct worker *w;
	int i;

	d->timeout_ms = -1;
	if ((d->ep = epoll_create1(EPOLL_CLOEXEC)) < 0)
		err(EX_OSERR, "epoll_create1");
	if ((d->m = curl_multi_init()) == NULL)
		errx(EX_OSERR, "out of memory");
	curl_multi_setopt(d->m, CURLMOPT_SOCKETFUNCTION, on_socket);
	curl_multi_setopt(d->m, CURLMOPT_SOCKETDATA, d);
	curl_multi_setopt(d->m, CURLMOPT_TIMERFUNCTION, on_timer);
	curl_multi_setopt(d->m, CURLMOPT_TIMERDATA, d);
	for (i = d->id; i < ld->conf.numworkers; i += ld->ndrivers) {
		w = &ld->w[i];
		if (!worker_init(w))
			errx(EX_OSERR, "out of memory");
		if (worker_next(w)) {
			curl_multi_add_handle(d->m, w->h);
			d->active++;
		} else
			w->done_at = loader_now();
	}
	run(d);
	for (i = d->id; i < ld->conf.numworkers; i += ld->ndrivers) {
		curl_multi_remove_handle(d->m, ld->w[i].h);
		worker_fini(&ld->w[i]);
	}
	curl_multi_cleanup(d->m);
	close(d->ep);
	return NULL;
}
