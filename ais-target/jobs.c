/*
 * jobs.c: this target's part of the jobs of the cluster (prefetch, evict;
 * lib/job.h has the model and the JSON shapes).
 *
 * DESIGN
 * A job runs on threads of its own, so client GETs keep the event loops
 * and the cold workers.  A runner thread counts the names of the
 * selection this target owns (a prefix is counted page by page as it is
 * listed), starts the job's workers and waits for them.  A worker takes
 * the next owned name under the job's lock -- with a prefix, the worker
 * that empties the page lists the next one from the backend -- and works
 * on one object at a time: a prefetch joins or starts the object's fill
 * (cold.c), so a client GET and any number of overlapping jobs fetch it
 * once; an object already cached is skipped unless the job asks for the
 * latest version; an evict removes the local copy.  Failures are counted
 * and named, and never stop the other objects.  Workers look at the stop
 * flag between objects.  The newest JOBS_KEPT jobs stay for their status.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include "backend.h"
#include "hrw.h"
#include "job.h"
#include "log.h"
#include "target.h"
#include "template.h"
#include "thread.h"

#define JOBS_KEPT	64
#define LIST_PAGE	1000

enum sel_kind { SEL_NAMES, SEL_TEMPLATE, SEL_PREFIX };

struct job {
	LIST_ENTRY(job)	 link;
	struct target	*t;
	char		 id[JOB_ID_MAX];
	enum job_kind	 kind;
	struct bucket	 bck;
	json_t		*spec;		/* owned */
	enum sel_kind	 sel;
	json_t		*names;		/* borrowed from spec */
	struct template	 tmpl;
	const char	*prefix;	/* borrowed from spec */
	bool		 latest;
	int		 nworkers;
	pthread_t	 runner;
	bool		 has_runner;
	pthread_t	*workers;
	atomic_bool	 stop;		/* read between objects */

	pthread_mutex_t	 mu;		/* guards all below */
	enum job_state	 state;
	uint64_t	 next;		/* names, template: the next index */
	json_t		*page;		/* prefix: the listed page */
	size_t		 page_at;
	char		*token;		/* its continuation, "" at the end */
	bool		 listed;
	bool		 total_known;
	int64_t		 total, done, changed, skipped, failed;
	int64_t		 bytes, bytes_total;
	json_t		*errors;
	long long	 started, ended;
};

static pthread_mutex_t jobs_mu = PTHREAD_MUTEX_INITIALIZER;
static LIST_HEAD(, job) jobs = LIST_HEAD_INITIALIZER(jobs);
static size_t njobs;

/* ---- the selection ---- */

/*
 * HRW of the name as it is: a bad name (a backend's listing may hold one)
 * has one owner too, which reports it once.
 */
static bool
owned(struct job *j, const char *name)
{
	char uname[PROVIDER_MAX + FS_BUCKET_MAX + FS_OBJNAME_MAX + 8];
	const struct snode *owner;
	size_t n;

	n = hrw_uname(uname, sizeof(uname), j->bck.provider, j->bck.name,
	    name);
	owner = smap_owner(snap_get(&j->t->smap), hrw_digest(uname,
	    n < sizeof(uname) ? n : sizeof(uname) - 1));
	return owner != NULL && strcmp(owner->id, j->t->self.id) == 0;
}

static void
note_error(struct job *j, const char *name, const char *msg)
{
	j->failed++;
	if (json_array_size(j->errors) < JOB_ERRORS_KEPT)
		json_array_append_new(j->errors, json_pack("{s:s, s:s}",
		    "object", name, "message", msg));
}

/* Lists the next page of a prefix (j->mu held). */
static bool
list_page(struct job *j)
{
	char err[AIS_ERRBUF_SIZE] = "", *next = NULL;
	json_t *entries = NULL, *ent;
	const char *name, *size;
	int status = 0;
	size_t i;

	if (backend_list(&j->bck, j->prefix, j->token ? j->token : "",
	    LIST_PAGE, &entries, &next, &status, err, sizeof(err)) != AIS_OK ||
	    status != 200) {
		note_error(j, j->prefix, err[0] ? err : "listing failed");
		json_decref(entries);
		free(next);
		j->listed = j->total_known = true;
		return false;
	}
	json_array_foreach(entries, i, ent)
		if ((name = json_string_value(json_object_get(ent, "name"))) &&
		    owned(j, name)) {
			j->total++;
			size = json_string_value(json_object_get(ent, "size"));
			j->bytes_total += size ? strtoll(size, NULL, 10) : 0;
		}
	json_decref(j->page);
	j->page = entries;
	j->page_at = 0;
	free(j->token);
	j->token = next;
	j->listed = j->total_known = next == NULL || *next == '\0';
	return true;
}

/* Any next name of the selection, owned or not (j->mu held). */
static bool
next_any(struct job *j, char *buf, size_t len)
{
	const char *s;

	switch (j->sel) {
	case SEL_NAMES:
		if (j->next >= json_array_size(j->names))
			return false;
		strlcpy(buf, json_string_value(json_array_get(j->names,
		    j->next++)), len);
		return true;
	case SEL_TEMPLATE:
		if (j->next >= j->tmpl.count)
			return false;
		return template_name(&j->tmpl, j->next++, buf, len) == AIS_OK;
	case SEL_PREFIX:
		while (j->page == NULL || j->page_at >= json_array_size(
		    j->page))
			if (j->listed || !list_page(j))
				return false;
		s = json_string_value(json_object_get(json_array_get(j->page,
		    j->page_at++), "name"));
		strlcpy(buf, s != NULL ? s : "", len);
		return true;
	}
	return false;
}

/* The next name this target owns (j->mu held); false at the end. */
static bool
next_owned(struct job *j, char *buf, size_t len)
{
	while (!j->stop && next_any(j, buf, len))
		if (owned(j, buf))
			return true;
	return false;
}

/* Counts what this target owns of a list or template. */
static void
count_owned(struct job *j)
{
	char name[FS_OBJNAME_MAX + 1];
	uint64_t i, n = j->sel == SEL_NAMES ? json_array_size(j->names) :
	    j->tmpl.count;
	int64_t mine = 0;

	for (i = 0; i < n && !j->stop; i++) {
		if (j->sel == SEL_NAMES)
			strlcpy(name, json_string_value(json_array_get(
			    j->names, i)), sizeof(name));
		else if (template_name(&j->tmpl, i, name, sizeof(name)) !=
		    AIS_OK)
			continue;
		mine += owned(j, name);
	}
	pthread_mutex_lock(&j->mu);
	j->total = mine;
	j->total_known = true;
	pthread_mutex_unlock(&j->mu);
}

/* ---- one object ---- */

/* Is the cached copy still the backend's object?  *gone when it is not
 * there any more. */
static bool
current(struct job *j, const struct objref *o, const struct lom_md *have,
    bool *gone, char *err, size_t errlen)
{
	struct bk_attrs now;
	int status = 0;

	*gone = false;
	if (backend_head(&j->bck, o->object, &now, &status, err, errlen) !=
	    AIS_OK)
		return true;	/* cannot tell: keep the copy */
	*gone = status == 404;
	return status == 200 && !backend_changed(have, &now);
}

static void
prefetch_one(struct job *j, const struct objref *o, const char *name)
{
	char fqn[PATH_MAX], err[AIS_ERRBUF_SIZE] = "";
	int64_t size = 0;
	struct lom_md md;
	int status = 0;
	bool gone;

	if (fs_object_path(fqn, sizeof(fqn), fs_mountpath_for(&j->t->fs,
	    o->digest), o->provider, o->bucket, o->object) == AIS_OK &&
	    lom_load_path(fqn, &md) == AIS_OK) {
		if (!j->latest || current(j, o, &md, &gone, err,
		    sizeof(err))) {
			pthread_mutex_lock(&j->mu);
			j->skipped++;
			j->done++;
			pthread_mutex_unlock(&j->mu);
			return;
		}
		obj_remove(j->t, o, &size);	/* stale, or gone */
	}
	if (cold_fetch(j->t, o, &j->bck, &size, &status, err, sizeof(err)) ==
	    AIS_OK) {
		pthread_mutex_lock(&j->mu);
		j->changed++;
		j->bytes += size;
	} else {
		if (status == 404)
			snprintf(err, sizeof(err), "not found on the backend");
		pthread_mutex_lock(&j->mu);
		note_error(j, name, err);
	}
	j->done++;
	pthread_mutex_unlock(&j->mu);
}

static void
evict_one(struct job *j, const struct objref *o)
{
	int64_t size = 0;
	bool removed = obj_remove(j->t, o, &size) == AIS_OK;

	pthread_mutex_lock(&j->mu);
	if (removed) {
		j->changed++;
		j->bytes += size;
	} else
		j->skipped++;
	j->done++;
	pthread_mutex_unlock(&j->mu);
}

static void *
job_worker(void *arg)
{
	struct job *j = arg;
	char name[FS_OBJNAME_MAX + 1];
	struct objref o;
	bool more;

	for (;;) {
		pthread_mutex_lock(&j->mu);
		more = next_owned(j, name, sizeof(name));
		pthread_mutex_unlock(&j->mu);
		if (!more)
			break;
		if (objref_set(&o, j->bck.provider, j->bck.name, name) !=
		    AIS_OK) {
			pthread_mutex_lock(&j->mu);
			note_error(j, name, "bad object name");
			j->done++;
			pthread_mutex_unlock(&j->mu);
		} else if (j->kind == JOB_PREFETCH)
			prefetch_one(j, &o, name);
		else
			evict_one(j, &o);
	}
	return NULL;
}

static void *
job_run(void *arg)
{
	struct job *j = arg;
	int i, started = 0;

	if (j->sel != SEL_PREFIX)
		count_owned(j);
	for (i = 0; i < j->nworkers; i++)
		if (pthread_create(&j->workers[i], NULL, job_worker, j) == 0) {
			thread_name(j->workers[i], "job", i);
			started++;
		} else
			break;
	for (i = 0; i < started; i++)
		pthread_join(j->workers[i], NULL);
	pthread_mutex_lock(&j->mu);
	j->state = j->stop || started == 0 ? JOB_ABORTED : JOB_FINISHED;
	j->ended = job_now_ms();
	log_info("TGT-JOB-END", "job=%s kind=%s bucket=%s://%s state=%s "
	    "objects=%lld fetched=%lld skipped=%lld failed=%lld bytes=%lld",
	    j->id, job_kind_name(j->kind), j->bck.provider, j->bck.name,
	    job_state_name(j->state), (long long)j->done,
	    (long long)j->changed, (long long)j->skipped, (long long)j->failed,
	    (long long)j->bytes);
	pthread_mutex_unlock(&j->mu);
	return NULL;
}

/* ---- the table of jobs ---- */

static void
job_free(struct job *j)
{
	if (j->has_runner)
		pthread_join(j->runner, NULL);
	template_free(&j->tmpl);
	json_decref(j->page);
	json_decref(j->errors);
	json_decref(j->spec);
	free(j->token);
	free(j->workers);
	pthread_mutex_destroy(&j->mu);
	free(j);
}

static struct job *
job_find(const char *id)
{
	struct job *j;

	LIST_FOREACH(j, &jobs, link)
		if (strcmp(j->id, id) == 0)
			return j;
	return NULL;
}

/* Drops the oldest ended job once over JOBS_KEPT (jobs_mu held). */
static void
jobs_trim(void)
{
	struct job *j, *oldest = NULL;
	bool ended;

	if (njobs <= JOBS_KEPT)
		return;
	LIST_FOREACH(j, &jobs, link) {
		pthread_mutex_lock(&j->mu);
		ended = j->state != JOB_RUNNING;
		pthread_mutex_unlock(&j->mu);
		if (ended)
			oldest = j;	/* the list is newest first */
	}
	if (oldest != NULL) {
		LIST_REMOVE(oldest, link);
		njobs--;
		job_free(oldest);
	}
}

static json_t *
job_status(struct job *j)
{
	json_t *st;

	pthread_mutex_lock(&j->mu);
	st = json_pack("{s:s, s:s, s:s++, s:s, s:O, s:s, s:I, s:b, s:I, "
	    "s:I, s:I, s:I, s:I, s:I, s:O, s:I, s:I, s:i}",
	    "id", j->id, "kind", job_kind_name(j->kind),
	    "bucket", strcmp(j->bck.provider, "aws") == 0 ? "s3" :
	    j->bck.provider, "://", j->bck.name,
	    "target", j->t->self.id,
	    "targets", json_object_get(j->spec, "targets"),
	    "state", job_state_name(j->state),
	    "objects_total", (json_int_t)j->total,
	    "total_known", j->total_known,
	    "objects_done", (json_int_t)j->done,
	    "objects_changed", (json_int_t)j->changed,
	    "objects_skipped", (json_int_t)j->skipped,
	    "objects_failed", (json_int_t)j->failed,
	    "bytes", (json_int_t)j->bytes,
	    "bytes_total", (json_int_t)(j->sel == SEL_PREFIX ?
	    j->bytes_total : -1),
	    "errors", j->errors,
	    "started", (json_int_t)j->started,
	    "ended", (json_int_t)j->ended,
	    "workers", j->nworkers);
	pthread_mutex_unlock(&j->mu);
	return st;
}

/* Reads the spec into a new job; errbuf says what is wrong. */
static struct job *
job_from_spec(struct target *t, json_t *spec, char *errbuf, size_t errlen)
{
	json_t *sel = json_object_get(spec, "selection");
	const char *id, *kind, *tmpl = NULL;
	json_int_t workers = JOB_WORKERS_DEFAULT;
	struct job *j;
	int latest = 0;

	if (json_unpack(spec, "{s:s, s:s, s?I, s?b}", "id", &id, "kind",
	    &kind, "workers", &workers, "latest", &latest) != 0 ||
	    strlen(id) >= JOB_ID_MAX || workers < 1 ||
	    workers > JOB_WORKERS_MAX ||
	    job_selection_check(sel, errbuf, errlen) != AIS_OK) {
		if (errbuf[0] == '\0')
			snprintf(errbuf, errlen, "bad job spec");
		return NULL;
	}
	if ((j = calloc(1, sizeof(*j))) == NULL ||
	    (j->workers = calloc((size_t)workers, sizeof(pthread_t))) == NULL) {
		free(j);
		snprintf(errbuf, errlen, "out of memory");
		return NULL;
	}
	j->t = t;
	strlcpy(j->id, id, sizeof(j->id));
	j->spec = json_incref(spec);
	j->latest = latest;
	j->nworkers = (int)workers;
	j->errors = json_array();
	j->started = job_now_ms();
	pthread_mutex_init(&j->mu, NULL);
	if ((j->names = json_object_get(sel, "names")) != NULL)
		j->sel = SEL_NAMES;
	else if (json_unpack(sel, "{s:s}", "template", &tmpl) == 0) {
		j->sel = SEL_TEMPLATE;
		template_parse(&j->tmpl, tmpl);	/* checked above */
	} else {
		j->sel = SEL_PREFIX;
		j->prefix = json_string_value(json_object_get(sel, "prefix"));
	}
	if (job_kind_parse(kind, &j->kind) != AIS_OK || bucket_from_json(
	    json_object_get(spec, "bucket"), &j->bck) != AIS_OK ||
	    !BUCKET_IS_REMOTE(&j->bck)) {
		snprintf(errbuf, errlen, "bad job kind or bucket");
		job_free(j);
		return NULL;
	}
	return j;
}

static json_t *
ctl_job_start(struct target *t, json_t *req)
{
	char err[AIS_ERRBUF_SIZE] = "";
	json_t *spec = json_object_get(req, "spec");
	struct job *j;

	if ((j = job_from_spec(t, spec, err, sizeof(err))) == NULL)
		return ctl_reply_error(400, "%s", err);
	pthread_mutex_lock(&jobs_mu);
	if (job_find(j->id) != NULL) {
		pthread_mutex_unlock(&jobs_mu);
		job_free(j);
		return ctl_reply_error(409, "job %s exists", j->id);
	}
	if (pthread_create(&j->runner, NULL, job_run, j) != 0) {
		pthread_mutex_unlock(&jobs_mu);
		job_free(j);
		return ctl_reply_error(503, "cannot start a thread: %s",
		    strerror(errno));
	}
	thread_name(j->runner, "jobrun", -1);
	j->has_runner = true;
	LIST_INSERT_HEAD(&jobs, j, link);
	njobs++;
	jobs_trim();
	pthread_mutex_unlock(&jobs_mu);
	log_info("TGT-JOB-START", "job=%s kind=%s bucket=%s://%s workers=%d",
	    j->id, job_kind_name(j->kind), j->bck.provider, j->bck.name,
	    j->nworkers);
	return ctl_reply_ok();
}

/* job_status, job_stop: one job by id. */
static json_t *
ctl_job_one(json_t *req, bool stop)
{
	const char *id = json_string_value(json_object_get(req, "id"));
	json_t *reply;
	struct job *j;

	pthread_mutex_lock(&jobs_mu);
	if (id == NULL || (j = job_find(id)) == NULL) {
		pthread_mutex_unlock(&jobs_mu);
		return ctl_reply_error(404, "no job %s", id ? id : "");
	}
	if (stop)
		j->stop = true;
	reply = ctl_reply_ok();
	json_object_set_new(reply, "job", job_status(j));
	pthread_mutex_unlock(&jobs_mu);
	return reply;
}

static json_t *
ctl_job_list(void)
{
	json_t *reply = ctl_reply_ok(), *arr = json_array();
	struct job *j;

	pthread_mutex_lock(&jobs_mu);
	LIST_FOREACH(j, &jobs, link)
		json_array_append_new(arr, job_status(j));
	pthread_mutex_unlock(&jobs_mu);
	json_object_set_new(reply, "jobs", arr);
	return reply;
}

json_t *
jobs_control(struct target *t, const char *op, json_t *req)
{
	if (strcmp(op, "job_start") == 0)
		return ctl_job_start(t, req);
	if (strcmp(op, "job_status") == 0)
		return ctl_job_one(req, false);
	if (strcmp(op, "job_stop") == 0)
		return ctl_job_one(req, true);
	if (strcmp(op, "job_list") == 0)
		return ctl_job_list();
	return NULL;
}

void
jobs_fini(void)
{
	struct job *j;

	pthread_mutex_lock(&jobs_mu);
	LIST_FOREACH(j, &jobs, link)
		j->stop = true;
	while ((j = LIST_FIRST(&jobs)) != NULL) {
		LIST_REMOVE(j, link);
		job_free(j);
	}
	njobs = 0;
	pthread_mutex_unlock(&jobs_mu);
}
