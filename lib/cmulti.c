/*
 * cmulti.c: curl's multi_socket interface on epoll (see cmulti.h).
 * curl says which sockets to watch (on_socket) and when its next timeout
 * is due (on_timer); the step waits for either and hands the events back
 * with curl_multi_socket_action, which also runs the expired timers.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "cmulti.h"

#define MAX_EVENTS	64

static int
on_socket(CURL *e, curl_socket_t s, int what, void *arg, void *sockp)
{
	struct cmulti *cm = arg;
	struct epoll_event ev = { 0 };

	(void)e;
	if (what == CURL_POLL_REMOVE) {
		/* curl may have closed s already */
		epoll_ctl(cm->ep, EPOLL_CTL_DEL, s, NULL);
		return 0;
	}
	ev.events = (what & CURL_POLL_IN ? EPOLLIN : 0) |
	    (what & CURL_POLL_OUT ? EPOLLOUT : 0);
	ev.data.fd = s;
	if (sockp == NULL) {
		/* socketp marks a socket epoll knows */
		curl_multi_assign(cm->m, s, cm);
		if (epoll_ctl(cm->ep, EPOLL_CTL_ADD, s, &ev) == 0 ||
		    errno != EEXIST)
			return 0;
	}
	epoll_ctl(cm->ep, EPOLL_CTL_MOD, s, &ev);
	return 0;
}

static int
on_timer(CURLM *m, long timeout_ms, void *arg)
{
	struct cmulti *cm = arg;

	(void)m;
	cm->timeout_ms = timeout_ms;
	return 0;
}

ais_err
cmulti_init(struct cmulti *cm)
{
	struct epoll_event ev = { .events = EPOLLIN };

	cm->timeout_ms = -1;
	cm->ep = epoll_create1(EPOLL_CLOEXEC);
	cm->wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	cm->m = curl_multi_init();
	ev.data.fd = cm->wake;
	if (cm->ep < 0 || cm->wake < 0 || cm->m == NULL ||
	    epoll_ctl(cm->ep, EPOLL_CTL_ADD, cm->wake, &ev) != 0) {
		cmulti_fini(cm);
		return cm->m == NULL ? AIS_ENOMEM : ais_err_from_errno(errno);
	}
	curl_multi_setopt(cm->m, CURLMOPT_SOCKETFUNCTION, on_socket);
	curl_multi_setopt(cm->m, CURLMOPT_SOCKETDATA, cm);
	curl_multi_setopt(cm->m, CURLMOPT_TIMERFUNCTION, on_timer);
	curl_multi_setopt(cm->m, CURLMOPT_TIMERDATA, cm);
	return AIS_OK;
}

void
cmulti_fini(struct cmulti *cm)
{
	if (cm->m != NULL)
		curl_multi_cleanup(cm->m);
	if (cm->ep >= 0)
		close(cm->ep);
	if (cm->wake >= 0)
		close(cm->wake);
	cm->m = NULL;
	cm->ep = cm->wake = -1;
}

static int
cselect(uint32_t events)
{
	return (events & EPOLLIN ? CURL_CSELECT_IN : 0) |
	    (events & EPOLLOUT ? CURL_CSELECT_OUT : 0) |
	    (events & (EPOLLERR | EPOLLHUP) ? CURL_CSELECT_ERR : 0);
}

static void
reap(struct cmulti *cm, cmulti_done_fn *done, void *arg)
{
	CURLMsg *msg;
	CURLcode rc;
	CURL *h;
	int left;

	while ((msg = curl_multi_info_read(cm->m, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		h = msg->easy_handle;
		rc = msg->data.result;
		curl_multi_remove_handle(cm->m, h);	/* frees msg */
		done(arg, h, rc);
	}
}

bool
cmulti_step(struct cmulti *cm, int max_ms, cmulti_done_fn *done,
    cmulti_idle_fn *idle, void *arg)
{
	struct epoll_event evs[MAX_EVENTS];
	int n, i, running, wait_ms;
	bool woken = false;
	uint64_t v;

	wait_ms = cm->timeout_ms < 0 || cm->timeout_ms > max_ms ? max_ms :
	    (int)cm->timeout_ms;
	n = epoll_wait(cm->ep, evs, MAX_EVENTS, idle != NULL ? 0 : wait_ms);
	if (n == 0 && idle != NULL) {
		idle(arg);
		n = epoll_wait(cm->ep, evs, MAX_EVENTS, wait_ms);
	}
	if (n <= 0)
		curl_multi_socket_action(cm->m, CURL_SOCKET_TIMEOUT, 0,
		    &running);
	for (i = 0; i < n; i++) {
		if (evs[i].data.fd == cm->wake) {
			(void)!read(cm->wake, &v, sizeof(v));
			woken = true;
			continue;
		}
		curl_multi_socket_action(cm->m, evs[i].data.fd,
		    cselect(evs[i].events), &running);
	}
	reap(cm, done, arg);
	return woken;
}

void
cmulti_wake(struct cmulti *cm)
{
	uint64_t one = 1;

	/* EAGAIN only when the counter is full: a wake is pending then */
	(void)!write(cm->wake, &one, sizeof(one));
}
