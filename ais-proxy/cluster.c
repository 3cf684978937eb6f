/*
 * cluster.c: cluster queries on a proxy: health, the cluster map, and
 * per-node statistics gathered from every node over nng.
 */
#include <stdlib.h>
#include <string.h>

#include "proxy.h"

static json_t *
node_stats(const struct snode *n, json_t *reply, ais_err e)
{
	bool up = e == AIS_OK && ctl_reply_status(reply) == 200;
	json_t *j = snode_to_json(n);

	json_object_set_new(j, "state", json_string(up ? "online" :
	    "offline"));
	json_object_set_new(j, "objects", json_integer(up ? json_integer_value(
	    json_object_get(reply, "objects")) : 0));
	json_object_set_new(j, "used_bytes", json_integer(up ?
	    json_integer_value(json_object_get(reply, "used_bytes")) : 0));
	json_object_set_new(j, "mountpaths", json_integer(up ?
	    json_integer_value(json_object_get(reply, "mountpaths")) : 0));
	json_object_set_new(j, "capacity_bytes", json_integer(up ?
	    json_integer_value(json_object_get(reply, "capacity_bytes")) : 0));
	json_object_set_new(j, "avail_bytes", json_integer(up ?
	    json_integer_value(json_object_get(reply, "avail_bytes")) : 0));
	return j;
}

static json_t *
work_stats(struct proxy *p, void *arg)
{
	struct smap *sm = snap_get(&p->smap);
	size_t i, n = sm->nproxies + sm->ntargets;
	const struct snode **nodes;
	const char **urls;
	json_t **replies, *req, *arr, *reply;
	ais_err *errs;

	nodes = calloc(n + 1, sizeof(*nodes));
	urls = calloc(n + 1, sizeof(*urls));
	replies = calloc(n + 1, sizeof(*replies));
	errs = calloc(n + 1, sizeof(*errs));
	if (nodes == NULL || urls == NULL || replies == NULL || errs == NULL) {
		reply = ctl_reply_error(500, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		nodes[i] = i < sm->nproxies ? &sm->proxies[i] :
		    &sm->targets[i - sm->nproxies];
		urls[i] = nodes[i]->control_url;
	}
	req = json_pack("{s:s}", "op", "stats");
	ctl_call_many(p->cc, urls, n, req, PROXY_CTL_TIMEOUT_MS, replies,
	    errs);
	json_decref(req);
	arr = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(arr, node_stats(nodes[i], replies[i],
		    errs[i]));
	reply = ctl_reply_ok();
	json_object_set_new(reply, "body", json_pack("{s:o, s:I}", "nodes",
	    arr, "smap_version", (json_int_t)sm->version));
out:
	for (i = 0; replies != NULL && i < n; i++)
		json_decref(replies[i]);
	free(nodes);
	free(urls);
	free(replies);
	free(errs);
	return reply;
}

void
cluster_http(struct proxy *p, struct http_conn *c, struct http_request *req)
{
	struct slice what = SLICE_NULL;
	json_t *j;

	if (req->method != HTTP_GET && req->method != HTTP_HEAD) {
		http_resp_error(c, 405, "use GET");
		return;
	}
	if (slice_eq(req->path, "/v1/health")) {
		j = json_pack("{s:s, s:s, s:s, s:b}", "status", "ok", "role",
		    "proxy", "id", p->self.id, "primary", p->is_primary);
		http_resp_json(c, 200, j);
		json_decref(j);
		return;
	}
	http_query_get(req->query, "what", &what);
	if (slice_eq(what, "smap")) {
		j = smap_to_json(snap_get(&p->smap));
		http_resp_json(c, 200, j);
		json_decref(j);
	} else if (slice_eq(what, "stats"))
		proxy_defer(p, c, work_stats, NULL);
	else
		http_resp_error(c, 400, "unknown ?what=: use smap or stats");
}
