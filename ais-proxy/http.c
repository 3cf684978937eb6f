/*
 * http.c: the proxy's HTTP front: routing, the redirect of object
 * requests to their owner, and hand-off of slow requests to the work queue.
 */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "proxy.h"

#define OBJECTS_PREFIX	"/v1/objects/"

/*
 * GET is answered 301, everything else 307 (so clients resend the body):
 * Location is the owner's URL with the original path and query.  No
 * allocation: the name is decoded on the stack, the map read lock-free.
 */
static void
redirect_object(struct proxy *p, struct http_conn *c,
    struct http_request *req)
{
	struct slice rest = { req->path.ptr + strlen(OBJECTS_PREFIX),
	    req->path.len - strlen(OBJECTS_PREFIX) };
	char err[AIS_ERRBUF_SIZE];
	const struct snode *owner;
	struct objref o;

	if (objref_parse(&o, rest, req->query, err, sizeof(err)) != AIS_OK) {
		http_resp_error(c, 400, "%s", err);
		return;
	}
	if (bmd_find(snap_get(&p->bmd), o.provider, o.bucket,
	    strlen(o.bucket)) == NULL) {
		if (strcmp(o.provider, "ais") != 0)
			remote_first_access(p, c, req, &o);
		else
			http_resp_error(c, 404, "bucket %s://%s does not exist",
			    o.provider, o.bucket);
		return;
	}
	if ((owner = smap_owner(snap_get(&p->smap), o.digest)) == NULL) {
		http_resp_error(c, 503, "no targets in the cluster");
		return;
	}
	http_resp_start(c, req->method == HTTP_GET ? 301 : 307);
	http_resp_header(c, "Location", "%s%.*s%s%.*s", owner->url,
	    (int)req->path.len, req->path.ptr, req->query.len ? "?" : "",
	    (int)req->query.len, req->query.ptr);
	http_resp_send(c, NULL, 0);
}

void
proxy_http(struct http_conn *c, struct http_request *req, void *arg)
{
	struct proxy *p = arg;

	if (req->path.len > strlen(OBJECTS_PREFIX) &&
	    memcmp(req->path.ptr, OBJECTS_PREFIX, strlen(OBJECTS_PREFIX)) == 0)
		redirect_object(p, c, req);
	else if (slice_eq(req->path, "/v1/buckets") ||
	    (req->path.len >= strlen("/v1/buckets/") &&
	    memcmp(req->path.ptr, "/v1/buckets/", strlen("/v1/buckets/")) == 0))
		bucket_http(p, c, req);
	else if (slice_eq(req->path, "/v1/cluster") ||
	    slice_eq(req->path, "/v1/health"))
		cluster_http(p, c, req);
	else
		http_resp_error(c, 404, "no such resource: %.*s",
		    (int)(req->path.len > 200 ? 200 : req->path.len),
		    req->path.ptr);
}

/* ---- work queue hand-off ---- */

struct deferred {
	struct proxy		*p;
	struct http_conn	*c;
	proxy_work_fn		 fn;
	void			*arg;
	json_t			*reply;
};

/* On the connection's loop: sends what the work produced. */
static void
deferred_reply(struct http_conn *c, void *arg)
{
	struct deferred *d = arg;
	int status = ctl_reply_status(d->reply);
	const char *msg = json_string_value(json_object_get(d->reply,
	    "message"));
	json_t *body = json_object_get(d->reply, "body");

	if (msg != NULL)
		http_resp_error(c, status, "%s", msg);
	else if (body != NULL)
		http_resp_json(c, status, body);
	else {
		http_resp_start(c, status);
		http_resp_send(c, NULL, 0);
	}
	json_decref(d->reply);
	free(d);
}

static void
deferred_run(void *arg)
{
	struct deferred *d = arg;

	d->reply = d->fn(d->p, d->arg);
	if (d->reply == NULL)
		d->reply = ctl_reply_error(500, "internal error");
	free(d->arg);
	http_conn_resume(d->c, deferred_reply, d);
}

void
proxy_defer(struct proxy *p, struct http_conn *c, proxy_work_fn fn,
    void *arg)
{
	struct deferred *d;

	if ((d = calloc(1, sizeof(*d))) == NULL) {
		free(arg);
		http_resp_error(c, 500, "out of memory");
		return;
	}
	d->p = p;
	d->c = c;
	d->fn = fn;
	d->arg = arg;
	http_conn_defer(c);
	if (workq_submit(p->wq, deferred_run, d) != AIS_OK) {
		free(arg);
		d->reply = ctl_reply_error(500, "out of memory");
		http_conn_resume(c, deferred_reply, d);
	}
}
