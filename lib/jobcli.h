/*
 * jobcli.h: the client side of jobs, shared by ais-prefetch and ais-ctl:
 * finding a proxy's control endpoint, the control calls, a selection
 * from command-line operands, following a job, and printing it.
 *
 * The control endpoint is $AIS_CONTROL when set; otherwise the proxy at
 * $AIS_ENDPOINT is asked for the cluster map, which names its control
 * URL.
 */
#ifndef AIS_JOBCLI_H
#define AIS_JOBCLI_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "ais_err.h"
#include "client.h"
#include "ctl.h"
#include "smap.h"

struct jobcli {
	struct ctl_client	*cc;
	char			 url[NODE_URL_MAX];
	char			 err[AIS_ERRBUF_SIZE];	/* the last error */
};

ais_err	jobcli_open(struct jobcli *, struct client *http);
void	jobcli_close(struct jobcli *);

/*
 * Sends req (borrowed) and returns the reply; a reply whose status is
 * not 200 is an error (404 AIS_ENOENT, 400 AIS_EINVAL, ...) with the
 * cluster's message in jc->err.
 */
ais_err	jobcli_call(struct jobcli *, json_t *req, json_t **reply);

/*
 * A selection from operands (one template with ranges, or names), a
 * file of names (- for stdin) or a prefix; none of them: the whole
 * bucket.  NULL with errbuf set when they are mixed or unreadable;
 * *missing tells a file that cannot be read.
 */
json_t	*jobcli_selection(int n, char *const *operands, const char *list,
	    const char *prefix, bool *missing, char *errbuf, size_t errlen);

/*
 * Polls a job until it is no longer running, or for at most timeout_ms
 * (0: no limit; AIS_ETIMEDOUT then): 10 ms after the start, then each
 * pause twice the last, up to interval_ms.  tick, if set, sees
 * every status.  *job is the last status (caller owns it).
 */
ais_err	jobcli_wait(struct jobcli *, const char *id, long long timeout_ms,
	    long long interval_ms, void (*tick)(const json_t *, void *),
	    void *arg, json_t **job);

/* A progress bar (tty: redrawn with \r) or one plain line per call. */
void	jobcli_progress(FILE *, const char *prog, const json_t *job,
	    bool tty);

/* "PROG: ID finished: N objects (...), BYTES in T" */
void	jobcli_summary(FILE *, const char *prog, const json_t *job);

/*
 * Names each failed object and each target that lost the job, one line
 * each; returns whether the job did all it was asked.
 */
bool	jobcli_report(FILE *, const char *prog, const json_t *job);

/* The table of jobs for ais-ctl job ls; the details for job show. */
void	jobcli_table(FILE *, const json_t *jobs);
void	jobcli_show(FILE *, const json_t *job);

#endif
