/*
 * workq.h: a small pool of threads for work that blocks (control-plane
 * calls, tree walks) so that it never runs on an event loop.
 */
#ifndef AIS_WORKQ_H
#define AIS_WORKQ_H

#include "ais_err.h"

struct workq;

/* nthreads threads named name0, name1, ... */
ais_err	workq_start(struct workq **, int nthreads, const char *name);
/* Queues fn(arg); never blocks the caller.  AIS_ENOMEM if it can't. */
ais_err	workq_submit(struct workq *, void (*fn)(void *), void *arg);
/* Runs what is queued, then joins the threads and frees the pool. */
void	workq_stop(struct workq *);

#endif
