/*
 * driver.c: one thread that keeps its share of the workers' requests in
 * flight at once, on one curl multi handle and one epoll (cmulti.h), or in
 * a lean run on the workers' hget clients and one epoll.  A thread per
 * worker, blocked in curl_easy_perform, spent a fifth of the loader's CPU
 * switching between threads; a thread per CPU does not.
 */
#include <err.h>
#include <sys/epoll.h>
#include <sysexits.h>
#include <unistd.h>

#include "clock.h"
#include "loader.h"

/* how soon a driver sees ld->stop */
#define STOP_POLL_MS	20
/* how often connects are checked for their timeout */
#define TIMEOUT_CHECK_MS 100

/* Records a finished request and starts its worker's next. */
static void
on_done(void *arg, CURL *h, CURLcode rc)
{
	struct driver *d = arg;
	struct worker *w;

	curl_easy_getinfo(h, CURLINFO_PRIVATE, (char **)&w);
	worker_done(w, rc);
	if (worker_next(w))
		curl_multi_add_handle(d->cm.m, h);
	else {
		w->done_at = loader_now();
		d->active--;
	}
}

void
driver_lean_next(struct worker *w)
{
	/* a request that cannot start is an error, and the next one goes */
	while (worker_next(w)) {
		if (hget_start(w->hg, w->url) == AIS_OK)
			return;
		worker_done_lean(w, 0, 0);
	}
	w->done_at = loader_now();
	w->drv->active--;
}

static void
lean_main(struct driver *d)
{
	struct loader *ld = d->ld;
	struct epoll_event evs[64];
	long long checked = mono_ms();
	int i, n;

	if ((d->ep = epoll_create1(EPOLL_CLOEXEC)) < 0)
		errx(EX_OSERR, "cannot start a driver: out of resources");
	for (i = d->id; i < ld->conf.numworkers; i += ld->ndrivers) {
		ld->w[i].drv = d;
		if (!worker_init(&ld->w[i], d->ep))
			errx(EX_OSERR, "out of memory");
		d->active++;
		driver_lean_next(&ld->w[i]);
	}
	while (d->active > 0 && !atomic_load(&ld->stop)) {
		n = epoll_wait(d->ep, evs, 64, STOP_POLL_MS);
		for (i = 0; i < n; i++)
			hget_event(evs[i].data.ptr);
		if (mono_ms() - checked >= TIMEOUT_CHECK_MS) {
			checked = mono_ms();
			for (i = d->id; i < ld->conf.numworkers;
			    i += ld->ndrivers)
				hget_check_timeout(ld->w[i].hg, checked);
		}
	}
	for (i = d->id; i < ld->conf.numworkers; i += ld->ndrivers)
		worker_fini(&ld->w[i]);
	close(d->ep);
}

void *
driver_main(void *arg)
{
	struct driver *d = arg;
	struct loader *ld = d->ld;
	struct worker *w;
	int i;

	if (ld->lean) {
		lean_main(d);
		return NULL;
	}
	if (cmulti_init(&d->cm) != AIS_OK)
		errx(EX_OSERR, "cannot start a driver: out of resources");
	for (i = d->id; i < ld->conf.numworkers; i += ld->ndrivers) {
		w = &ld->w[i];
		w->drv = d;
		if (!worker_init(w, -1))
			errx(EX_OSERR, "out of memory");
		if (worker_next(w)) {
			curl_multi_add_handle(d->cm.m, w->h);
			d->active++;
		} else
			w->done_at = loader_now();
	}
	while (d->active > 0 && !atomic_load(&ld->stop))
		cmulti_step(&d->cm, STOP_POLL_MS, on_done, NULL, d);
	for (i = d->id; i < ld->conf.numworkers; i += ld->ndrivers) {
		curl_multi_remove_handle(d->cm.m, ld->w[i].h);
		worker_fini(&ld->w[i]);
	}
	cmulti_fini(&d->cm);
	return NULL;
}
