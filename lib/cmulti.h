/*
 * cmulti.h: a curl multi handle driven by epoll, for a thread that keeps
 * many transfers in flight at once (ais-loader's drivers, the target's
 * fill loops).  A thread per transfer, blocked in curl_easy_perform,
 * costs a context switch per read; with many of them on a busy CPU each
 * waits its turn for tens of milliseconds while its socket fills.
 *
 * The owner thread adds easy handles to cm->m and calls cmulti_step in a
 * loop; any thread may call cmulti_wake to make the step return early.
 */
#ifndef AIS_CMULTI_H
#define AIS_CMULTI_H

#include <stdbool.h>

#include <curl/curl.h>

#include "ais_err.h"

struct cmulti {
	CURLM	*m;
	int	 ep;		/* epoll of the transfers' sockets and wake */
	int	 wake;		/* eventfd */
	long	 timeout_ms;	/* curl's timer; -1: none */
};

/* A transfer that ended, already removed from the multi handle. */
typedef void	cmulti_done_fn(void *arg, CURL *h, CURLcode rc);
/* No socket is ready: the step is about to wait. */
typedef void	cmulti_idle_fn(void *arg);

ais_err	cmulti_init(struct cmulti *);
/* Frees the multi handle; the caller has removed its easy handles. */
void	cmulti_fini(struct cmulti *);
/*
 * Waits at most max_ms for a socket, curl's timer or a wake, drives the
 * transfers that can go on, then calls done for each one that ended.
 * If no socket is ready at once, idle (unless NULL) is called before the
 * wait.  True when it was woken.
 */
bool	cmulti_step(struct cmulti *, int max_ms, cmulti_done_fn *done,
	    cmulti_idle_fn *idle, void *arg);
void	cmulti_wake(struct cmulti *);

#endif
