/*
 * xferq.c: loops of curl transfers (see xferq.h).  Tasks go to the loops
 * in turn; a loop takes its queue when woken, starts each task on a
 * handle from its pool of idle ones, and steps the multi handle.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>

#include "cmulti.h"
#include "thread.h"
#include "xferq.h"

#define IDLE_HANDLES	64	/* kept per loop for the next transfers */
/* how long a loop waits with nothing to do before it looks again */
#define IDLE_WAIT_MS	1000

struct loop {
	pthread_t		 thread;
	void			(*init)(void);
	bool			 started;
	struct cmulti		 cm;
	pthread_mutex_t		 mu;
	TAILQ_HEAD(, xferq_task) queue;
	bool			 stopping;
	TAILQ_HEAD(, xferq_task) run;		/* transfers on cm */
	CURL			*idle[IDLE_HANDLES];
	int			 nidle;
};

struct xferq {
	struct loop		*loops;
	int			 nloops;
	atomic_uint		 next;
};

static CURL *
handle_get(struct loop *l)
{
	return l->nidle > 0 ? l->idle[--l->nidle] : curl_easy_init();
}

static void
handle_put(struct loop *l, CURL *h)
{
	if (l->nidle == IDLE_HANDLES) {
		curl_easy_cleanup(h);
		return;
	}
	curl_easy_reset(h);
	l->idle[l->nidle++] = h;
}

static void
on_done(void *arg, CURL *h, CURLcode rc)
{
	struct loop *l = arg;
	struct xferq_task *t;

	curl_easy_getinfo(h, CURLINFO_PRIVATE, (char **)&t);
	TAILQ_REMOVE(&l->run, t, link);
	t->done(t, h, rc);
	handle_put(l, h);
}

static void
start_task(struct loop *l, struct xferq_task *t)
{
	CURL *h;

	if ((h = handle_get(l)) == NULL) {
		t->done(t, NULL, CURLE_OUT_OF_MEMORY);
		return;
	}
	if (t->start(t, h) != 0) {
		handle_put(l, h);
		return;
	}
	curl_easy_setopt(h, CURLOPT_PRIVATE, t);
	if (curl_multi_add_handle(l->cm.m, h) != CURLM_OK) {
		t->done(t, h, CURLE_OUT_OF_MEMORY);
		handle_put(l, h);
		return;
	}
	TAILQ_INSERT_TAIL(&l->run, t, link);
}

static void
on_idle(void *arg)
{
	struct loop *l = arg;
	struct xferq_task *t;

	TAILQ_FOREACH(t, &l->run, link)
		if (t->idle != NULL)
			t->idle(t);
}

/* Starts what was queued; false once stopping with nothing left. */
static bool
take_queue(struct loop *l)
{
	TAILQ_HEAD(, xferq_task) q = TAILQ_HEAD_INITIALIZER(q);
	struct xferq_task *t;
	bool stopping;

	pthread_mutex_lock(&l->mu);
	TAILQ_CONCAT(&q, &l->queue, link);
	stopping = l->stopping;
	pthread_mutex_unlock(&l->mu);
	while ((t = TAILQ_FIRST(&q)) != NULL) {
		TAILQ_REMOVE(&q, t, link);
		start_task(l, t);
	}
	return !stopping || !TAILQ_EMPTY(&l->run);
}

static void *
loop_main(void *arg)
{
	struct loop *l = arg;
	bool woken = true;

	if (l->init != NULL)
		l->init();
	for (;;) {
		if (woken && !take_queue(l))
			break;
		woken = cmulti_step(&l->cm, IDLE_WAIT_MS, on_done, on_idle, l);
		/* a stop that came while the last transfers ran */
		if (TAILQ_EMPTY(&l->run))
			woken = true;
	}
	return NULL;
}

static void
loop_fini(struct loop *l)
{
	while (l->nidle > 0)
		curl_easy_cleanup(l->idle[--l->nidle]);
	cmulti_fini(&l->cm);
	pthread_mutex_destroy(&l->mu);
}

ais_err
xferq_start(struct xferq **out, int nloops, const char *name,
    void (*setup)(CURLM *), void (*init)(void))
{
	struct xferq *q;
	struct loop *l;
	ais_err e = AIS_OK;
	int i;

	if ((q = calloc(1, sizeof(*q))) == NULL ||
	    (q->loops = calloc((size_t)nloops, sizeof(*q->loops))) == NULL) {
		free(q);
		return AIS_ENOMEM;
	}
	for (i = 0; i < nloops && e == AIS_OK; i++) {
		l = &q->loops[i];
		pthread_mutex_init(&l->mu, NULL);
		TAILQ_INIT(&l->queue);
		TAILQ_INIT(&l->run);
		l->init = init;
		q->nloops++;
		if ((e = cmulti_init(&l->cm)) != AIS_OK)
			break;
		if (setup != NULL)
			setup(l->cm.m);
		if (pthread_create(&l->thread, NULL, loop_main, l) != 0)
			e = AIS_ENOMEM;
		else
			thread_name(l->thread, name, i);
		l->started = e == AIS_OK;
	}
	*out = q;
	if (e != AIS_OK) {
		xferq_stop(q);
		*out = NULL;
	}
	return e;
}

void
xferq_submit(struct xferq *q, struct xferq_task *t)
{
	struct loop *l = &q->loops[atomic_fetch_add(&q->next, 1) %
	    (unsigned)q->nloops];

	pthread_mutex_lock(&l->mu);
	TAILQ_INSERT_TAIL(&l->queue, t, link);
	pthread_mutex_unlock(&l->mu);
	cmulti_wake(&l->cm);
}

void
xferq_stop(struct xferq *q)
{
	struct loop *l;
	int i;

	for (i = 0; i < q->nloops; i++) {
		l = &q->loops[i];
		pthread_mutex_lock(&l->mu);
		l->stopping = true;
		pthread_mutex_unlock(&l->mu);
		if (l->started) {
			cmulti_wake(&l->cm);
			pthread_join(l->thread, NULL);
		}
		loop_fini(l);
	}
	free(q->loops);
	free(q);
}
