/*
 * xferq.h: threads that run curl transfers, each keeping any number in
 * flight on one multi handle (cmulti.h): the counterpart of workq.h for
 * work that is a transfer.  A backend GET that streams into a file runs
 * here, not on a thread of its own.
 */
#ifndef AIS_XFERQ_H
#define AIS_XFERQ_H

#include <sys/queue.h>

#include <curl/curl.h>

#include "ais_err.h"

struct xferq;

/* A transfer to run; the caller owns it (it is usually embedded). */
struct xferq_task {
	TAILQ_ENTRY(xferq_task)	 link;
	/*
	 * On the loop: sets up h (a reset handle) for the transfer.
	 * Non-zero when there is nothing to run; done is not called then.
	 */
	int	(*start)(struct xferq_task *, CURL *h);
	/*
	 * On the loop, once the transfer has ended with rc; h is NULL (and
	 * rc CURLE_OUT_OF_MEMORY) when the loop had no handle to start it.
	 */
	void	(*done)(struct xferq_task *, CURL *h, CURLcode rc);
	/*
	 * On the loop, if not NULL, while the transfer runs: whenever no
	 * socket of the loop has bytes ready and it is about to wait.
	 */
	void	(*idle)(struct xferq_task *);
};

/*
 * nloops threads named name0, name1, ...  setup, if not NULL, is called on
 * each loop's multi handle; init, if not NULL, first thing on each loop's
 * thread (to set its priority, say).
 */
ais_err	xferq_start(struct xferq **, int nloops, const char *name,
	    void (*setup)(CURLM *), void (*init)(void));
/* Hands the task to the next loop; never blocks. */
void	xferq_submit(struct xferq *, struct xferq_task *);
/* Runs what is queued and in flight to its end, then frees the loops. */
void	xferq_stop(struct xferq *);

#endif
