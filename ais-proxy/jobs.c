/*
 * jobs.c: jobs on a proxy (lib/job.h).  A proxy keeps no job state: it
 * checks a start, sends the spec to every target of the cluster map and
 * answers status, stop and list by asking every target and adding their
 * parts up.  So any proxy answers for any job, and a job outlives the
 * proxy that started it.  These run on control-server threads.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "job.h"
#include "proxy.h"

/* Replies of every target to one request; n is the number of targets. */
struct fanout {
	struct smap	*sm;
	json_t		**replies;
	ais_err		*errs;
	size_t		 n;
};

static ais_err
fanout(struct proxy *p, struct smap *sm, json_t *req, struct fanout *f)
{
	const char **urls;
	size_t i;

	f->sm = sm;
	f->n = f->sm->ntargets;
	urls = calloc(f->n + 1, sizeof(*urls));
	f->replies = calloc(f->n + 1, sizeof(*f->replies));
	f->errs = calloc(f->n + 1, sizeof(*f->errs));
	if (urls == NULL || f->replies == NULL || f->errs == NULL) {
		free(urls);
		free(f->replies);
		free(f->errs);
		memset(f, 0, sizeof(*f));
		return AIS_ENOMEM;
	}
	for (i = 0; i < f->n; i++)
		urls[i] = f->sm->targets[i].control_url;
	ctl_call_many(p->cc, urls, f->n, req, PROXY_CTL_TIMEOUT_MS,
	    f->replies, f->errs);
	free(urls);
	return AIS_OK;
}

static bool
replied(const struct fanout *f, size_t i)
{
	return f->errs[i] == AIS_OK && ctl_reply_status(f->replies[i]) == 200;
}

static void
fanout_free(struct fanout *f)
{
	size_t i;

	for (i = 0; f->replies != NULL && i < f->n; i++)
		json_decref(f->replies[i]);
	free(f->replies);
	free(f->errs);
}

/* The remote bucket of a job, added to the bucket table on first use. */
static json_t *
job_bucket(struct proxy *p, const char *provider, const char *name,
    struct bucket *out)
{
	const struct bucket *b;
	struct bucket nb;
	json_t *reply;

	if ((provider = bmd_provider_norm(provider, strlen(provider))) == NULL ||
	    fs_check_bucket(name, strlen(name)) != AIS_OK)
		return ctl_reply_error(400, "bad bucket");
	if (strcmp(provider, "ais") == 0)
		return ctl_reply_error(400, "ais://%s has no backend: there is "
		    "nothing to prefetch or evict", name);
	if ((b = bmd_find(snap_get(&p->bmd), provider, name,
	    strlen(name))) == NULL && strcmp(provider, "aws") == 0) {
		memset(&nb, 0, sizeof(nb));
		strlcpy(nb.name, name, sizeof(nb.name));
		strlcpy(nb.provider, provider, sizeof(nb.provider));
		nb.cktype = CKSUM_XXHASH;
		nb.created = (int64_t)time(NULL);
		reply = remote_bucket_add(p, &nb);
		if (ctl_reply_status(reply) != 200)
			return reply;
		json_decref(reply);
		b = bmd_find(snap_get(&p->bmd), provider, name, strlen(name));
	}
	if (b == NULL)
		return ctl_reply_error(404, "bucket %s://%s does not exist",
		    strcmp(provider, "aws") == 0 ? "s3" : provider, name);
	*out = *b;
	return NULL;
}

/* Stops a job on every target that took it (a start that failed). */
static void
stop_everywhere(struct proxy *p, const char *id)
{
	json_t *req = json_pack("{s:s, s:s}", "op", "job_stop", "id", id);
	struct fanout f = { 0 };

	if (fanout(p, snap_get(&p->smap), req, &f) == AIS_OK)
		fanout_free(&f);
	json_decref(req);
}

static json_t *
job_start(struct proxy *p, json_t *req)
{
	const char *provider, *name, *kind;
	char err[AIS_ERRBUF_SIZE] = "", id[JOB_ID_MAX];
	json_int_t workers = JOB_WORKERS_DEFAULT;
	json_t *sel, *spec, *targets, *call, *reply;
	struct fanout f = { 0 };
	struct smap *sm;
	enum job_kind k;
	struct bucket b;
	int latest = 0;
	size_t i;

	if (json_unpack(req, "{s:s, s:s, s:s, s:o, s?I, s?b}", "kind", &kind,
	    "provider", &provider, "bucket", &name, "selection", &sel,
	    "workers", &workers, "latest", &latest) != 0 ||
	    job_kind_parse(kind, &k) != AIS_OK)
		return ctl_reply_error(400, "a job needs kind (prefetch or "
		    "evict), provider, bucket and selection");
	if (workers < 1 || workers > JOB_WORKERS_MAX)
		return ctl_reply_error(400, "workers: 1 to %d",
		    JOB_WORKERS_MAX);
	if (job_selection_check(sel, err, sizeof(err)) != AIS_OK)
		return ctl_reply_error(400, "%s", err);
	if ((reply = job_bucket(p, provider, name, &b)) != NULL)
		return reply;
	job_new_id(id);
	sm = snap_get(&p->smap);
	targets = json_array();
	for (i = 0; i < sm->ntargets; i++)
		json_array_append_new(targets, json_string(sm->targets[i].id));
	spec = json_pack("{s:s, s:s, s:o, s:O, s:I, s:b, s:o, s:I}", "id", id,
	    "kind", kind, "bucket", bucket_to_json(&b), "selection", sel,
	    "workers", workers, "latest", latest, "targets", targets,
	    "started", (json_int_t)job_now_ms());
	call = json_pack("{s:s, s:o}", "op", "job_start", "spec", spec);
	if (fanout(p, sm, call, &f) != AIS_OK) {
		json_decref(call);
		return ctl_reply_error(500, "out of memory");
	}
	reply = NULL;
	for (i = 0; i < f.n && reply == NULL; i++)
		if (!replied(&f, i))
			reply = ctl_reply_error(503, "job not started: target "
			    "%s: %s", f.sm->targets[i].id, f.errs[i] != AIS_OK ?
			    ais_strerror(f.errs[i]) : json_string_value(
			    json_object_get(f.replies[i], "message")));
	if (f.n == 0)
		reply = ctl_reply_error(503, "job not started: no targets");
	fanout_free(&f);
	json_decref(call);
	if (reply != NULL) {
		stop_everywhere(p, id);
		return reply;
	}
	reply = ctl_reply_ok();
	json_object_set_new(reply, "id", json_string(id));
	return reply;
}

/* The parts of one job that the targets sent (borrowed from f). */
static size_t
parts_of(const struct fanout *f, const char *id, json_t **parts)
{
	const char *pid;
	json_t *job;
	size_t i, n = 0;

	for (i = 0; i < f->n; i++) {
		if (!replied(f, i))
			continue;
		job = json_object_get(f->replies[i], "job");
		if ((pid = json_string_value(json_object_get(job, "id"))) !=
		    NULL && strcmp(pid, id) == 0)
			parts[n++] = job;
	}
	return n;
}

/* job_status and job_stop: {"id"} -> {"job": the aggregate}. */
static json_t *
job_one(struct proxy *p, json_t *req, const char *op)
{
	const char *id = json_string_value(json_object_get(req, "id"));
	json_t *call, *reply, **parts;
	struct fanout f = { 0 };
	size_t n;

	if (id == NULL)
		return ctl_reply_error(400, "%s needs a job id", op);
	call = json_pack("{s:s, s:s}", "op", op, "id", id);
	if (fanout(p, snap_get(&p->smap), call, &f) != AIS_OK ||
	    (parts = calloc(f.n + 1, sizeof(*parts))) == NULL) {
		fanout_free(&f);
		json_decref(call);
		return ctl_reply_error(500, "out of memory");
	}
	if ((n = parts_of(&f, id, parts)) == 0)
		reply = ctl_reply_error(404, "no job %s", id);
	else {
		reply = ctl_reply_ok();
		json_object_set_new(reply, "job", job_aggregate(parts, n));
	}
	free(parts);
	fanout_free(&f);
	json_decref(call);
	return reply;
}

static int
by_start_desc(const void *a, const void *b)
{
	json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a,
	    "started"));
	json_int_t y = json_integer_value(json_object_get(*(json_t *const *)b,
	    "started"));

	return x < y ? 1 : x > y ? -1 : 0;
}

/* Groups every target's jobs by id; each group is added up. */
static json_t *
job_list(struct proxy *p)
{
	json_t *call = json_pack("{s:s}", "op", "job_list"), *ids, *reply;
	json_t **parts, *j, *arr, **sorted;
	struct fanout f = { 0 };
	const char *id;
	size_t i, k, n, total = 0;
	void *it;

	if (fanout(p, snap_get(&p->smap), call, &f) != AIS_OK) {
		json_decref(call);
		return ctl_reply_error(500, "out of memory");
	}
	ids = json_object();		/* id -> array of parts */
	for (i = 0; i < f.n; i++)
		json_array_foreach(replied(&f, i) ? json_object_get(
		    f.replies[i], "jobs") : NULL, k, j) {
			if ((id = json_string_value(json_object_get(j,
			    "id"))) == NULL)
				continue;
			if (json_object_get(ids, id) == NULL)
				json_object_set_new(ids, id, json_array());
			json_array_append(json_object_get(ids, id), j);
			total++;
		}
	parts = calloc(total + 1, sizeof(*parts));
	sorted = calloc(json_object_size(ids) + 1, sizeof(*sorted));
	n = 0;
	for (it = json_object_iter(ids); it != NULL && parts != NULL &&
	    sorted != NULL; it = json_object_iter_next(ids, it)) {
		arr = json_object_iter_value(it);
		json_array_foreach(arr, k, j)
			parts[k] = j;
		if ((j = job_aggregate(parts, json_array_size(arr))) != NULL)
			sorted[n++] = j;
	}
	if (n > 0)
		qsort(sorted, n, sizeof(*sorted), by_start_desc);
	arr = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(arr, sorted[i]);
	reply = ctl_reply_ok();
	json_object_set_new(reply, "jobs", arr);
	free(parts);
	free(sorted);
	json_decref(ids);
	fanout_free(&f);
	json_decref(call);
	return reply;
}

json_t *
proxy_job_control(struct proxy *p, const char *op, json_t *req)
{
	if (strcmp(op, "job_start") == 0)
		return job_start(p, req);
	if (strcmp(op, "job_status") == 0 || strcmp(op, "job_stop") == 0)
		return job_one(p, req, op);
	if (strcmp(op, "job_list") == 0)
		return job_list(p);
	return NULL;
}
