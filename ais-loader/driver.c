/*
 * driver.c: one thread that keeps its share of the workers' requests in
 * flight at once, on one curl multi handle and one epoll (cmulti.h).  A
 * thread per worker, blocked in curl_easy_perform, spent a fifth of the
 * loader's CPU switching between threads; a thread per CPU does not.
 */
#include <err.h>
#include <sysexits.h>

#include "loader.h"

/* how soon a driver sees ld->stop */
#define STOP_POLL_MS	20

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

void *
driver_main(void *arg)
{
	struct driver *d = arg;
	struct loader *ld = d->ld;
	struct worker *w;
	int i;

	if (cmulti_init(&d->cm) != AIS_OK)
		errx(EX_OSERR, "cannot start a driver: out of resources");
	for (i = d->id; i < ld->conf.numworkers; i += ld->ndrivers) {
		w = &ld->w[i];
		if (!worker_init(w))
			errx(EX_OSERR, "out of memory");
		if (worker_next(w)) {
			curl_multi_add_handle(d->cm.m, w->h);
			d->active++;
		} else
			w->done_at = loader_now();
	}
	while (d->active > 0 && !atomic_load(&ld->stop))
		cmulti_step(&d->cm, STOP_POLL_MS, on_done, d);
	for (i = d->id; i < ld->conf.numworkers; i += ld->ndrivers) {
		curl_multi_remove_handle(d->cm.m, ld->w[i].h);
		worker_fini(&ld->w[i]);
	}
	cmulti_fini(&d->cm);
	return NULL;
}
