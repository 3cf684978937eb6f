/*
 * remote.c: remote buckets on a proxy.  An s3:// bucket is added to the
 * bucket table on first access when the backend has it; a listing of a
 * remote bucket is the backend's, each entry flagged when the cluster
 * holds a copy.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend.h"
#include "proxy.h"

#define ENTRY_IS_CACHED 64	/* AIStore's EntryIsCached */

/* ---- first access ---- */

struct first_access {
	struct proxy		*p;
	struct http_conn	*c;
	struct http_request	*req;	/* valid while the request waits */
	struct objref		 o;
	int			 status;
	char			 msg[AIS_ERRBUF_SIZE];
};

/*
 * Adds a remote bucket the backend has (the primary checks nothing more:
 * a bucket created meanwhile by another request is as good).
 */
json_t *
remote_bucket_add(struct proxy *p, const struct bucket *b)
{
	char err[AIS_ERRBUF_SIZE] = "";
	json_t *bj, *reply;
	int status;
	ais_err e;

	e = backend_head_bucket(b, &status, err, sizeof(err));
	if (e != AIS_OK || status != 200)
		return status == 404 || status == 403 ? ctl_reply_error(
		    status == 404 ? 404 : 403, "bucket %s://%s: %s on its "
		    "backend", b->provider, b->name, status == 404 ?
		    "does not exist" : "access denied") :
		    ctl_reply_error(backend_err_status(e, status), "bucket "
		    "%s://%s: %s", b->provider, b->name, err[0] ? err :
		    "backend error");
	bj = bucket_to_json(b);
	reply = proxy_bucket_create(p, bj);
	json_decref(bj);
	if (ctl_reply_status(reply) == 409) {	/* someone was quicker */
		json_decref(reply);
		reply = ctl_reply_ok();
	}
	return reply;
}

static void
first_access_reply(struct http_conn *c, void *arg)
{
	struct first_access *fa = arg;

	if (fa->status != 200)
		http_resp_error(c, fa->status, "%s", fa->msg);
	else
		proxy_http(c, fa->req, fa->p);	/* now the bucket is known */
	free(fa);
}

static void
first_access_run(void *arg)
{
	struct first_access *fa = arg;
	struct bucket b;
	json_t *reply;

	memset(&b, 0, sizeof(b));
	strlcpy(b.name, fa->o.bucket, sizeof(b.name));
	strlcpy(b.provider, fa->o.provider, sizeof(b.provider));
	b.cktype = CKSUM_XXHASH;
	b.created = (int64_t)time(NULL);
	reply = remote_bucket_add(fa->p, &b);
	fa->status = ctl_reply_status(reply);
	if (fa->status != 200)
		strlcpy(fa->msg, json_string_value(json_object_get(reply,
		    "message")) != NULL ? json_string_value(json_object_get(
		    reply, "message")) : "backend error", sizeof(fa->msg));
	json_decref(reply);
	http_conn_resume(fa->c, first_access_reply, fa);
}

void
remote_first_access(struct proxy *p, struct http_conn *c,
    struct http_request *req, const struct objref *o)
{
	struct first_access *fa;

	if (strcmp(o->provider, "ht") == 0) {
		http_resp_error(c, 404, "bucket ht://%s does not exist: create "
		    "it with its origin URL", o->bucket);
		return;
	}
	if ((fa = calloc(1, sizeof(*fa))) == NULL) {
		http_resp_error(c, 500, "out of memory");
		return;
	}
	fa->p = p;
	fa->c = c;
	fa->req = req;
	fa->o = *o;
	http_conn_defer(c);
	if (workq_submit(p->wq, first_access_run, fa) != AIS_OK) {
		fa->status = 500;
		strlcpy(fa->msg, "out of memory", sizeof(fa->msg));
		http_conn_resume(c, first_access_reply, fa);
	}
}

/* ---- listing ---- */

/* Asks every target which of the names it holds; flags those entries. */
static ais_err
mark_cached(struct proxy *p, const struct bucket *b, json_t *entries)
{
	struct smap *sm = snap_get(&p->smap);
	const char **urls = calloc(sm->ntargets + 1, sizeof(*urls));
	json_t **replies = calloc(sm->ntargets + 1, sizeof(*replies));
	ais_err *errs = calloc(sm->ntargets + 1, sizeof(*errs)), e = AIS_OK;
	json_t *names = json_array(), *req, *ent, *have, *n;
	size_t i, k, j;

	if (urls == NULL || replies == NULL || errs == NULL)
		e = AIS_ENOMEM;
	json_array_foreach(entries, i, ent)
		json_array_append(names, json_object_get(ent, "name"));
	for (i = 0; e == AIS_OK && i < sm->ntargets; i++)
		urls[i] = sm->targets[i].control_url;
	req = json_pack("{s:s, s:s, s:s, s:o}", "op", "cached", "provider",
	    b->provider, "bucket", b->name, "names", names);
	if (e == AIS_OK)
		e = ctl_call_many(p->cc, urls, sm->ntargets, req,
		    PROXY_CTL_TIMEOUT_MS, replies, errs);
	json_array_foreach(entries, i, ent) {
		json_object_set_new(ent, "flags", json_integer(0));
		json_object_set_new(ent, "cached", json_false());
	}
	for (k = 0; e == AIS_OK && k < sm->ntargets; k++) {
		have = json_object_get(replies[k], "cached");
		json_array_foreach(have, j, n) {
			i = (size_t)json_integer_value(n);
			ent = json_array_get(entries, i);
			json_object_set_new(ent, "flags",
			    json_integer(ENTRY_IS_CACHED));
			json_object_set_new(ent, "cached", json_true());
		}
	}
	for (k = 0; replies != NULL && k < sm->ntargets; k++)
		json_decref(replies[k]);
	json_decref(req);
	free(urls);
	free(replies);
	free(errs);
	return e;
}

json_t *
remote_list(struct proxy *p, const struct bucket *b, const char *prefix,
    const char *token, int pagesize)
{
	char err[AIS_ERRBUF_SIZE] = "", *next = NULL;
	json_t *entries = NULL, *reply;
	int status;
	ais_err e;

	e = backend_list(b, prefix, token, pagesize, &entries, &next, &status,
	    err, sizeof(err));
	if (e != AIS_OK || status != 200) {
		json_decref(entries);
		free(next);
		return ctl_reply_error(e == AIS_ENOTSUP ? 501 :
		    backend_err_status(e, status), "listing %s://%s: %s",
		    b->provider, b->name, err[0] ? err : "backend error");
	}
	if ((e = mark_cached(p, b, entries)) != AIS_OK) {
		json_decref(entries);
		free(next);
		return ctl_reply_error(503, "listing incomplete: %s",
		    ais_strerror(e));
	}
	reply = ctl_reply_ok();
	json_object_set_new(reply, "body", json_pack("{s:s, s:s, s:o, s:i}",
	    "uuid", "", "continuation_token", next, "entries", entries,
	    "flags", 0));
	free(next);
	return reply;
}
