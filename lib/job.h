/*
 * job.h: jobs over many objects of a remote bucket (prefetch, evict), in
 * the shape the control plane carries them.
 *
 * A job is started on any proxy, which sends its spec to every target.
 * Each target expands the selection, keeps the names it owns (HRW) and
 * works on them with a bounded pool of threads of its own.  The status
 * lives on the targets: a proxy asks them all and adds their parts up
 * (job_aggregate), so any proxy answers for any job, and a target that
 * was part of a job but no longer knows it (it restarted) is reported as
 * lost instead of being silently left out.
 *
 * The spec:   {"id","kind","bucket":{..},"selection":{..},"workers",
 *              "latest","targets":[ids],"started"}
 * A part:     {"id","kind","bucket":"s3://b","target","targets","state",
 *              "objects_total","total_known","objects_done","objects_changed",
 *              "objects_skipped","objects_failed","bytes","bytes_total",
 *              "errors":[{"object","message"}],"started","ended"}
 * objects_changed counts the objects fetched (prefetch) or removed
 * (evict); objects_skipped those that were cached (prefetch) or not
 * (evict).  An aggregate has the same fields summed, "parts" (one line per target)
 * and "lost" (target ids).  Times are unix milliseconds, 0 when unset.
 */
#ifndef AIS_JOB_H
#define AIS_JOB_H

#include <jansson.h>
#include <stddef.h>

#include "ais_err.h"

#define JOB_ID_MAX		16
#define JOB_WORKERS_DEFAULT	4
#define JOB_WORKERS_MAX		64
#define JOB_ERRORS_KEPT		1000	/* failed objects named, per target */

enum job_kind { JOB_PREFETCH, JOB_EVICT };
enum job_state { JOB_RUNNING, JOB_FINISHED, JOB_ABORTED };

const char	*job_kind_name(enum job_kind);
ais_err		 job_kind_parse(const char *, enum job_kind *);
const char	*job_state_name(enum job_state);

/* A new random job id ("j" and 9 letters or digits). */
void		 job_new_id(char id[JOB_ID_MAX]);

/*
 * Checks a selection: {"names":[..]}, {"template":".."} or {"prefix":".."}
 * (an empty prefix is the whole bucket).  errbuf says what is wrong.
 */
ais_err		 job_selection_check(const json_t *sel, char *errbuf,
		    size_t errlen);

/*
 * Adds up the parts (borrowed) of one job; n > 0.  Targets named in a
 * part's "targets" that sent no part (restarted, or unreachable) are
 * lost, and a job with a lost target is aborted.  Returns a new object.
 */
json_t		*job_aggregate(json_t *const *parts, size_t n);

/* Unix time in milliseconds. */
long long	 job_now_ms(void);

#endif
