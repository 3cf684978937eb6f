/*
 * buckets.c: bucket requests on a proxy: list buckets, create, destroy,
 * and list objects (pages merged from every target).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend.h"
#include "proxy.h"

#define BODY_MAX	(1 << 20)
#define PAGE_DEFAULT	1000
#define PAGE_MAX	10000

/* ---- a small JSON request body, read before the handler runs ---- */

typedef void (*json_body_fn)(struct proxy *, struct http_conn *,
    struct http_request *, const struct objref *, json_t *body);

struct json_body {
	struct proxy		*p;
	struct http_conn	*c;
	struct http_request	*req;
	struct objref		 o;
	json_body_fn		 fn;
	char			*buf;
	size_t			 len;
};

static int
json_body_data(void *arg, const char *data, size_t len)
{
	struct json_body *jb = arg;
	char *grown;

	if (jb->len + len > BODY_MAX ||
	    (grown = realloc(jb->buf, jb->len + len + 1)) == NULL)
		return 1;
	jb->buf = grown;
	memcpy(jb->buf + jb->len, data, len);
	jb->len += len;
	return 0;
}

static void
json_body_end(void *arg, enum http_body_status st)
{
	struct json_body *jb = arg;
	json_error_t jerr;
	json_t *j = NULL;

	if (st == HTTP_BODY_ABORTED)
		http_resp_error(jb->c, 413, "request body over %d bytes",
		    BODY_MAX);
	else if (st == HTTP_BODY_OK && jb->len > 0 &&
	    (j = json_loadb(jb->buf, jb->len, 0, &jerr)) == NULL)
		http_resp_error(jb->c, 400, "invalid JSON body: %s", jerr.text);
	else if (st == HTTP_BODY_OK)
		jb->fn(jb->p, jb->c, jb->req, &jb->o, j);
	json_decref(j);
	free(jb->buf);
	free(jb);
}

static const struct http_body_ops json_body_ops = { json_body_data,
    json_body_end };

static void
with_json_body(struct proxy *p, struct http_conn *c, struct http_request *req,
    const struct objref *o, json_body_fn fn)
{
	struct json_body *jb;

	if (req->content_length <= 0 && !req->chunked) {
		fn(p, c, req, o, NULL);
		return;
	}
	if ((jb = calloc(1, sizeof(*jb))) == NULL) {
		http_resp_error(c, 500, "out of memory");
		return;
	}
	*jb = (struct json_body){ p, c, req, *o, fn, NULL, 0 };
	http_conn_read_body(c, &json_body_ops, jb);
}

/* ---- create and destroy ---- */

struct bucket_op {
	struct bucket	 bck;
	json_t		*props;
};

static json_t *
work_create(struct proxy *p, void *arg)
{
	struct bucket_op *op = arg;
	char err[AIS_ERRBUF_SIZE] = "";
	json_t *bj, *reply;
	int status;
	ais_err e;

	/* a remote bucket must exist on its backend */
	if (BUCKET_IS_REMOTE(&op->bck) && ((e = backend_head_bucket(&op->bck,
	    &status, err, sizeof(err))) != AIS_OK || status != 200))
		return ctl_reply_error(status == 404 ? 404 : status == 400 ?
		    400 : backend_err_status(e, status), "bucket %s://%s: %s",
		    op->bck.provider, op->bck.name, err[0] ? err :
		    "not on its backend");
	bj = bucket_to_json(&op->bck);
	reply = proxy_bucket_create(p, bj);
	json_decref(bj);
	return reply;
}

static json_t *
work_evict(struct proxy *p, void *arg)
{
	struct bucket_op *op = arg;

	return proxy_remove_data(p, op->bck.provider, op->bck.name);
}

static json_t *
work_destroy(struct proxy *p, void *arg)
{
	struct bucket_op *op = arg;

	return proxy_bucket_destroy(p, op->bck.provider, op->bck.name);
}

static const char *
body_action(json_t *body)
{
	return json_string_value(json_object_get(body, "action"));
}

static void
bucket_create(struct proxy *p, struct http_conn *c, struct http_request *req,
    const struct objref *o, json_t *body)
{
	const char *action = body_action(body), *ck = "xxhash", *url = "";
	int vcold = 0, vwarm = 0;
	struct bucket_op *op;
	json_t *props;

	if (action == NULL || strcmp(action, "create-bck") != 0) {
		http_resp_error(c, 400, "expected {\"action\":\"create-bck\"}");
		return;
	}
	/* AIStore's shapes: checksum.{type,validate_cold_get},
	 * versioning.validate_warm_get, and the backend's URL */
	props = json_object_get(body, "value");
	if (props != NULL && json_unpack(props, "{s?{s?s, s?b}, s?{s?b}, "
	    "s?s}", "checksum", "type", &ck, "validate_cold_get", &vcold,
	    "versioning", "validate_warm_get", &vwarm, "backend_url",
	    &url) != 0) {
		http_resp_error(c, 400, "invalid bucket properties");
		return;
	}
	if ((op = calloc(1, sizeof(*op))) == NULL) {
		http_resp_error(c, 500, "out of memory");
		return;
	}
	if (strlcpy(op->bck.backend_url, url, sizeof(op->bck.backend_url)) >=
	    sizeof(op->bck.backend_url) || (*url != '\0' &&
	    strncmp(url, "http://", 7) != 0 &&
	    strncmp(url, "https://", 8) != 0)) {
		free(op);
		http_resp_error(c, 400, "backend_url must be an http(s) URL");
		return;
	}
	op->bck.validate_cold_get = vcold;
	op->bck.validate_warm_get = vwarm;
	strlcpy(op->bck.name, o->bucket, sizeof(op->bck.name));
	strlcpy(op->bck.provider, o->provider, sizeof(op->bck.provider));
	if (cksum_type_parse(ck, strlen(ck), &op->bck.cktype) != AIS_OK) {
		free(op);
		http_resp_error(c, 400, "unknown checksum type '%s'", ck);
		return;
	}
	op->bck.created = (int64_t)time(NULL);
	proxy_defer(p, c, work_create, op);
}

static void
bucket_destroy(struct proxy *p, struct http_conn *c, struct http_request *req,
    const struct objref *o, json_t *body)
{
	const char *action = body_action(body);
	struct bucket_op *op;

	bool evict = action != NULL && strcmp(action, "evict-remote-bck") == 0;

	if (body != NULL && (action == NULL || (!evict &&
	    strcmp(action, "destroy-bck") != 0))) {
		http_resp_error(c, 400, "expected {\"action\":\"destroy-bck\"} "
		    "or {\"action\":\"evict-remote-bck\"}");
		return;
	}
	if (evict && strcmp(o->provider, "ais") == 0) {
		http_resp_error(c, 400, "ais://%s has no backend to evict to",
		    o->bucket);
		return;
	}
	if ((op = calloc(1, sizeof(*op))) == NULL) {
		http_resp_error(c, 500, "out of memory");
		return;
	}
	strlcpy(op->bck.name, o->bucket, sizeof(op->bck.name));
	strlcpy(op->bck.provider, o->provider, sizeof(op->bck.provider));
	proxy_defer(p, c, evict ? work_evict : work_destroy, op);
}

/* ---- list objects ---- */

#define LS_CACHED 1	/* AIStore's list flag: only what the cluster holds */

struct list_op {
	struct objref	 o;
	struct bucket	 bck;
	char		 prefix[FS_OBJNAME_MAX + 1];
	char		 token[FS_OBJNAME_MAX + 1];
	long long	 pagesize;
	bool		 cached;
};

static int
entry_cmp(const void *a, const void *b)
{
	return strcmp(json_string_value(json_object_get(*(json_t *const *)a,
	    "name")), json_string_value(json_object_get(*(json_t *const *)b,
	    "name")));
}

/*
 * Asks every target for its next page after the token and keeps the
 * smallest pagesize names.  The token of the next page is the name of the
 * last entry returned, as in AIStore; empty when the listing is done.
 */
static json_t *
work_list(struct proxy *p, void *arg)
{
	struct list_op *op = arg;
	struct smap *sm = snap_get(&p->smap);
	const char **urls;
	json_t *req, **replies, **all, *arr, *body, *reply;
	size_t i, j, n = 0, total = 0;
	ais_err *errs;
	bool more = false;

	if (BUCKET_IS_REMOTE(&op->bck) && !op->cached)
		return remote_list(p, &op->bck, op->prefix, op->token,
		    (int)op->pagesize);

	urls = calloc(sm->ntargets + 1, sizeof(*urls));
	replies = calloc(sm->ntargets + 1, sizeof(*replies));
	errs = calloc(sm->ntargets + 1, sizeof(*errs));
	for (i = 0; urls != NULL && i < sm->ntargets; i++)
		urls[i] = sm->targets[i].control_url;
	req = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I}", "op", "list",
	    "provider", op->o.provider, "bucket", op->o.bucket, "prefix",
	    op->prefix, "after", op->token, "limit",
	    (json_int_t)op->pagesize);
	if (urls == NULL || replies == NULL || errs == NULL) {
		reply = ctl_reply_error(500, "out of memory");
		goto out;
	}
	ctl_call_many(p->cc, urls, sm->ntargets, req, PROXY_CTL_TIMEOUT_MS,
	    replies, errs);
	for (i = 0; i < sm->ntargets; i++) {
		if (errs[i] != AIS_OK || ctl_reply_status(replies[i]) != 200) {
			reply = ctl_reply_error(503, "listing incomplete: "
			    "target %s: %s", sm->targets[i].id, errs[i] !=
			    AIS_OK ? ais_strerror(errs[i]) : "error");
			goto out;
		}
		total += json_array_size(json_object_get(replies[i],
		    "entries"));
		more |= json_is_true(json_object_get(replies[i], "more"));
	}
	if ((all = calloc(total + 1, sizeof(*all))) == NULL) {
		reply = ctl_reply_error(500, "out of memory");
		goto out;
	}
	for (i = 0; i < sm->ntargets; i++)
		json_array_foreach(json_object_get(replies[i], "entries"), j,
		    arr)
			all[n++] = arr;
	qsort(all, n, sizeof(*all), entry_cmp);
	arr = json_array();
	for (i = 0; i < n && i < (size_t)op->pagesize; i++)
		json_array_append(arr, all[i]);
	more |= n > (size_t)op->pagesize;
	body = json_pack("{s:s, s:s, s:o, s:i}", "uuid", "",
	    "continuation_token", more && i > 0 ? json_string_value(
	    json_object_get(all[i - 1], "name")) : "", "entries", arr,
	    "flags", 0);
	free(all);
	reply = ctl_reply_ok();
	json_object_set_new(reply, "body", body);
out:
	for (i = 0; replies != NULL && i < sm->ntargets; i++)
		json_decref(replies[i]);
	json_decref(req);
	free(urls);
	free(replies);
	free(errs);
	return reply;
}

/* Copies a decoded query parameter; false if malformed or too long. */
static bool
query_param(struct slice query, const char *key, char *out, size_t outlen)
{
	struct slice v;
	size_t n;

	out[0] = '\0';
	if (!http_query_get(query, key, &v))
		return true;
	return http_url_decode(v, out, outlen, &n, true) == AIS_OK;
}

static bool
list_params_json(struct list_op *op, json_t *body)
{
	const char *prefix = "", *token = "", *flags = "0";
	json_int_t pagesize = 0;
	json_t *v = json_object_get(body, "value");

	if (v == NULL)
		return true;
	/* flags is a JSON string holding a number, as in AIStore */
	if (json_unpack(v, "{s?s, s?s, s?I, s?s}", "prefix", &prefix,
	    "continuation_token", &token, "pagesize", &pagesize, "flags",
	    &flags) != 0 ||
	    strlcpy(op->prefix, prefix, sizeof(op->prefix)) >=
	    sizeof(op->prefix) ||
	    strlcpy(op->token, token, sizeof(op->token)) >= sizeof(op->token))
		return false;
	if (pagesize != 0)
		op->pagesize = pagesize;
	if (strtoll(flags, NULL, 10) & LS_CACHED)
		op->cached = true;
	return true;
}

static void
bucket_list(struct proxy *p, struct http_conn *c, struct http_request *req,
    const struct objref *o, json_t *body)
{
	char num[24];
	const char *errstr = NULL;
	const struct bucket *bck;
	struct list_op *op;
	struct slice v;

	if ((op = calloc(1, sizeof(*op))) == NULL) {
		http_resp_error(c, 500, "out of memory");
		return;
	}
	op->o = *o;
	if ((bck = bmd_find(snap_get(&p->bmd), o->provider, o->bucket,
	    strlen(o->bucket))) == NULL) {
		free(op);
		http_resp_error(c, 404, "bucket %s://%s does not exist",
		    o->provider, o->bucket);
		return;
	}
	op->bck = *bck;
	op->pagesize = PAGE_DEFAULT;
	op->cached = http_query_get(req->query, "cached", &v) &&
	    slice_eq(v, "true");
	if (!query_param(req->query, "prefix", op->prefix,
	    sizeof(op->prefix)) || !query_param(req->query,
	    "continuation_token", op->token, sizeof(op->token)) ||
	    !query_param(req->query, "pagesize", num, sizeof(num)) ||
	    (num[0] != '\0' && (op->pagesize = strtonum(num, 1, PAGE_MAX,
	    &errstr), errstr != NULL)) || !list_params_json(op, body) ||
	    op->pagesize < 1 || op->pagesize > PAGE_MAX) {
		free(op);
		http_resp_error(c, 400, "invalid list parameters (pagesize "
		    "1..%d)", PAGE_MAX);
		return;
	}
	proxy_defer(p, c, work_list, op);
}

/* ---- routing ---- */

static void
list_buckets(struct proxy *p, struct http_conn *c)
{
	struct bmd *b = snap_get(&p->bmd);
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < b->n; i++)
		json_array_append_new(arr, bucket_to_json(&b->bcks[i]));
	http_resp_json(c, 200, arr);
	json_decref(arr);
}

void
bucket_http(struct proxy *p, struct http_conn *c, struct http_request *req)
{
	struct slice name = { req->path.ptr + strlen("/v1/buckets"),
	    req->path.len - strlen("/v1/buckets") };
	char err[AIS_ERRBUF_SIZE];
	struct objref o;

	if (name.len > 0) {		/* skip the '/' */
		name.ptr++;
		name.len--;
	}
	if (name.len == 0) {
		if (req->method == HTTP_GET)
			list_buckets(p, c);
		else
			http_resp_error(c, 405, "use GET to list buckets");
		return;
	}
	if (objref_parse_bucket(&o, name, req->query, err, sizeof(err)) !=
	    AIS_OK) {
		http_resp_error(c, 400, "%s", err);
		return;
	}
	if (req->method != HTTP_POST && bmd_find(snap_get(&p->bmd),
	    o.provider, o.bucket, strlen(o.bucket)) == NULL) {
		if (strcmp(o.provider, "ais") != 0 &&
		    (req->method == HTTP_GET || req->method == HTTP_HEAD))
			remote_first_access(p, c, req, &o);
		else
			http_resp_error(c, 404, "bucket %s://%s does not exist",
			    o.provider, o.bucket);
		return;
	}
	switch (req->method) {
	case HTTP_HEAD:
		http_resp_start(c, 200);
		http_resp_header_str(c, "Ais-Provider", o.provider);
		http_resp_send(c, NULL, 0);
		break;
	case HTTP_POST:
		with_json_body(p, c, req, &o, bucket_create);
		break;
	case HTTP_DELETE:
		with_json_body(p, c, req, &o, bucket_destroy);
		break;
	case HTTP_GET:
		with_json_body(p, c, req, &o, bucket_list);
		break;
	default:
		http_resp_error(c, 405, "method not allowed on buckets");
	}
}
