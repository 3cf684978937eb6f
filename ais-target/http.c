/*
 * http.c: routes the target's HTTP requests.
 */
#include <stdlib.h>
#include <string.h>

#include "target.h"

#define OBJECTS_PREFIX	"/v1/objects/"

/*
 * Until the primary's map lists this target, its bucket table may be
 * missing buckets that exist: a 404 then would be a lie.
 */
static bool
target_joined(struct target *t)
{
	return smap_find(snap_get(&t->smap), t->self.id) != NULL;
}

/* 503 while joining, so that "ready" means "serves every object it has". */
static void
send_health(struct target *t, struct http_conn *c)
{
	bool joined = target_joined(t);
	json_t *j = json_pack("{s:s, s:s, s:s}", "status", joined ? "ok" :
	    "joining", "role", "target", "id", t->self.id);

	http_resp_json(c, joined ? 200 : 503, j);
	json_decref(j);
}

static void
send_smap(struct target *t, struct http_conn *c)
{
	json_t *j = smap_to_json(snap_get(&t->smap));

	http_resp_json(c, 200, j);
	json_decref(j);
}

static void
route_objects(struct target *t, struct http_conn *c,
    struct http_request *req)
{
	struct slice rest = { req->path.ptr + strlen(OBJECTS_PREFIX),
	    req->path.len - strlen(OBJECTS_PREFIX) };
	const struct bucket *b;
	char err[AIS_ERRBUF_SIZE];
	struct objref o;

	if (objref_parse(&o, rest, req->query, err, sizeof(err)) != AIS_OK) {
		http_resp_error(c, 400, "%s", err);
		return;
	}
	if (!target_joined(t)) {
		http_resp_error(c, 503, "target %s has not joined the cluster "
		    "yet", t->self.id);
		return;
	}
	b = bmd_find(snap_get(&t->bmd), o.provider, o.bucket,
	    strlen(o.bucket));
	if (b == NULL) {
		http_resp_error(c, 404, "bucket %s://%s does not exist",
		    o.provider, o.bucket);
		return;
	}
	switch (req->method) {
	case HTTP_GET:
	case HTTP_HEAD:
		obj_get(t, c, req, &o, b);
		break;
	case HTTP_PUT:
		obj_put(t, c, req, &o, b);
		break;
	case HTTP_DELETE:
		obj_delete(t, c, req, &o, b);
		break;
	default:
		http_resp_error(c, 405, "method %.*s not allowed on objects",
		    (int)req->method_str.len, req->method_str.ptr);
	}
}

void
target_http(struct http_conn *c, struct http_request *req, void *arg)
{
	struct target *t = arg;

	if (req->path.len > strlen(OBJECTS_PREFIX) &&
	    memcmp(req->path.ptr, OBJECTS_PREFIX, strlen(OBJECTS_PREFIX)) == 0)
		route_objects(t, c, req);
	else if (slice_eq(req->path, "/v1/health"))
		send_health(t, c);
	else if (slice_eq(req->path, "/v1/cluster"))
		send_smap(t, c);
	else
		http_resp_error(c, 404, "no such resource: %.*s",
		    (int)(req->path.len > 200 ? 200 : req->path.len),
		    req->path.ptr);
}
