/*
 * workq.c: a mutex-and-condition-variable FIFO served by N threads.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/queue.h>

#include "thread.h"
#include "workq.h"

struct work {
	void			(*fn)(void *);
	void			 *arg;
	STAILQ_ENTRY(work)	  link;
};

struct workq {
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	STAILQ_HEAD(, work)	 items;
	bool			 stopping;
	pthread_t		*threads;
	int			 nthreads;
};

static void *
workq_main(void *arg)
{
	struct workq *q = arg;
	struct work *w;

	pthread_mutex_lock(&q->mu);
	for (;;) {
		while (STAILQ_EMPTY(&q->items) && !q->stopping)
			pthread_cond_wait(&q->cv, &q->mu);
		if ((w = STAILQ_FIRST(&q->items)) == NULL)
			break;
		STAILQ_REMOVE_HEAD(&q->items, link);
		pthread_mutex_unlock(&q->mu);
		w->fn(w->arg);
		free(w);
		pthread_mutex_lock(&q->mu);
	}
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

ais_err
workq_start(struct workq **out, int nthreads, const char *name)
{
	struct workq *q;
	int i;

	if ((q = calloc(1, sizeof(*q))) == NULL ||
	    (q->threads = calloc((size_t)nthreads, sizeof(pthread_t))) == NULL) {
		free(q);
		return AIS_ENOMEM;
	}
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cv, NULL);
	STAILQ_INIT(&q->items);
	for (i = 0; i < nthreads; i++) {
		if (pthread_create(&q->threads[i], NULL, workq_main, q) != 0)
			break;
		thread_name(q->threads[i], name, i);
		q->nthreads++;
	}
	if (q->nthreads == 0) {
		workq_stop(q);
		return AIS_ENOMEM;
	}
	*out = q;
	return AIS_OK;
}

ais_err
workq_submit(struct workq *q, void (*fn)(void *), void *arg)
{
	struct work *w;

	if ((w = malloc(sizeof(*w))) == NULL)
		return AIS_ENOMEM;
	w->fn = fn;
	w->arg = arg;
	pthread_mutex_lock(&q->mu);
	STAILQ_INSERT_TAIL(&q->items, w, link);
	pthread_cond_signal(&q->cv);
	pthread_mutex_unlock(&q->mu);
	return AIS_OK;
}

void
workq_stop(struct workq *q)
{
	int i;

	pthread_mutex_lock(&q->mu);
	q->stopping = true;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
	for (i = 0; i < q->nthreads; i++)
		pthread_join(q->threads[i], NULL);
	pthread_cond_destroy(&q->cv);
	pthread_mutex_destroy(&q->mu);
	free(q->threads);
	free(q);
}
