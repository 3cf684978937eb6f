/*
 * primary.c: what only the primary proxy does.
 *
 * It owns the cluster map and the bucket table and keeps both in its state
 * folder, so a restarted primary knows its cluster.  Changes are made one
 * at a time under change_mu: clone, modify, bump the version, save,
 * publish, push to every other node.  Nodes prove they are alive with
 * keepalives; the monitor thread drops a node silent for keepalive_factor
 * intervals.  A non-primary proxy forwards bucket changes here over nng.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "log.h"
#include "proxy.h"
#include "state.h"
#include "thread.h"

#define PUSH_TIMEOUT_MS 2000

static void
seen_touch(struct proxy *p, const char *id)
{
	struct seen *grown;
	size_t i;

	pthread_mutex_lock(&p->seen_mu);
	for (i = 0; i < p->nseen; i++)
		if (strcmp(p->seen[i].id, id) == 0)
			break;
	if (i == p->nseen) {
		grown = reallocarray(p->seen, p->nseen + 1, sizeof(*grown));
		if (grown == NULL) {
			pthread_mutex_unlock(&p->seen_mu);
			return;
		}
		p->seen = grown;
		strlcpy(p->seen[p->nseen++].id, id, NODE_ID_MAX);
	}
	p->seen[i].at_ms = mono_ms();
	pthread_mutex_unlock(&p->seen_mu);
}

static long long
seen_at(struct proxy *p, const char *id)
{
	long long at = -1;
	size_t i;

	pthread_mutex_lock(&p->seen_mu);
	for (i = 0; i < p->nseen; i++)
		if (strcmp(p->seen[i].id, id) == 0)
			at = p->seen[i].at_ms;
	pthread_mutex_unlock(&p->seen_mu);
	return at;
}

static void
state_path(struct proxy *p, const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", p->conf.dir, name);
}

static void
save(struct proxy *p, const char *name, json_t *j)
{
	char path[PATH_MAX];
	ais_err e;

	state_path(p, name, path, sizeof(path));
	if ((e = state_save_json(path, j)) != AIS_OK)
		log_warnx("PRX-SAVE-FAIL", "path=%s error=\"%s\"", path,
		    ais_strerror(e));
	json_decref(j);
}

/*
 * Sends the current map and bucket table to every other node.  Returns how
 * many did not take them; why (if not NULL) names the first and its error.
 * A node that misses a push catches up at its next keepalive.
 */
static size_t
push_meta(struct proxy *p, char *why, size_t whylen)
{
	struct smap *sm = snap_get(&p->smap);
	size_t i, n = 0, failed = 0, total = sm->nproxies + sm->ntargets;
	const char **urls = calloc(total + 1, sizeof(*urls));
	const char **ids = calloc(total + 1, sizeof(*ids));
	json_t **replies = calloc(total + 1, sizeof(*replies));
	ais_err *errs = calloc(total + 1, sizeof(*errs));
	json_t *req;

	if (urls == NULL || ids == NULL || replies == NULL || errs == NULL) {
		if (why != NULL)
			snprintf(why, whylen, "out of memory");
		failed = total;
		goto out;
	}
	for (i = 0; i < total; i++) {
		const struct snode *nd = i < sm->nproxies ? &sm->proxies[i] :
		    &sm->targets[i - sm->nproxies];

		if (strcmp(nd->id, p->self.id) == 0)
			continue;
		ids[n] = nd->id;
		urls[n++] = nd->control_url;
	}
	req = json_pack("{s:s, s:o, s:o}", "op", "meta", "smap",
	    smap_to_json(sm), "bmd", bmd_to_json(snap_get(&p->bmd)));
	ctl_call_many(p->cc, urls, n, req, PUSH_TIMEOUT_MS, replies, errs);
	json_decref(req);
	for (i = 0; i < n; i++) {
		if (errs[i] != AIS_OK || ctl_reply_status(replies[i]) != 200) {
			const char *e = errs[i] != AIS_OK ?
			    ais_strerror(errs[i]) : "refused";

			log_warnx("PRX-PUSH-FAIL", "node=%s error=\"%s\"", ids[i],
			    e);
			if (failed++ == 0 && why != NULL)
				snprintf(why, whylen, "node %s: %s", ids[i], e);
		}
		json_decref(replies[i]);
	}
out:
	free(urls);
	free(ids);
	free(replies);
	free(errs);
	return failed;
}

/* Publishes a changed map (caller holds change_mu and the smap lock). */
static void
publish_smap(struct proxy *p, struct smap *m)
{
	m->version++;
	save(p, "smap.json", smap_to_json(m));
	snap_publish(&p->smap, m);
}

static void
publish_bmd(struct proxy *p, struct bmd *b)
{
	b->version++;
	save(p, "bmd.json", bmd_to_json(b));
	snap_publish(&p->bmd, b);
}

static json_t *
primary_join(struct proxy *p, json_t *req)
{
	struct snode node;
	struct smap *m;
	bool changed;
	json_t *reply;

	if (snode_from_json(json_object_get(req, "node"), &node) != AIS_OK)
		return ctl_reply_error(400, "invalid node");
	if (strcmp(node.id, p->self.id) == 0)
		return ctl_reply_error(409, "node id %s is the primary's",
		    node.id);
	pthread_mutex_lock(&p->change_mu);
	snap_lock(&p->smap);
	if ((m = smap_clone(snap_get(&p->smap))) == NULL) {
		snap_unlock(&p->smap);
		pthread_mutex_unlock(&p->change_mu);
		return ctl_reply_error(500, "out of memory");
	}
	if ((changed = smap_put_node(m, &node)))
		publish_smap(p, m);
	else
		smap_free(m);
	snap_unlock(&p->smap);
	seen_touch(p, node.id);
	if (changed) {
		log_info("PRX-NODE-JOIN", "id=%s role=%s url=%s", node.id,
		    smap_role_name(node.role), node.url);
		push_meta(p, NULL, 0);
	}
	pthread_mutex_unlock(&p->change_mu);
	reply = ctl_reply_ok();
	json_object_set_new(reply, "smap", smap_to_json(snap_get(&p->smap)));
	json_object_set_new(reply, "bmd", bmd_to_json(snap_get(&p->bmd)));
	return reply;
}

static json_t *
primary_keepalive(struct proxy *p, json_t *req)
{
	struct smap *sm = snap_get(&p->smap);
	struct bmd *bm = snap_get(&p->bmd);
	json_int_t sv = 0, bv = 0;
	const char *id;
	json_t *reply;

	if (json_unpack(req, "{s:s, s?I, s?I}", "id", &id, "smap_version", &sv,
	    "bmd_version", &bv) != 0)
		return ctl_reply_error(400, "invalid keepalive");
	if (smap_find(sm, id) == NULL)
		return ctl_reply_error(404, "node %s is not in the cluster",
		    id);
	seen_touch(p, id);
	reply = ctl_reply_ok();
	if (sv < sm->version)
		json_object_set_new(reply, "smap", smap_to_json(sm));
	if (bv < bm->version)
		json_object_set_new(reply, "bmd", bmd_to_json(bm));
	return reply;
}

/* Removes nodes that missed keepalive_factor intervals. */
static void
primary_check_nodes(struct proxy *p)
{
	long long limit = p->conf.net.keepalive_interval *
	    p->conf.keepalive_factor, now = mono_ms(), at;
	struct smap *m, *cur;
	bool changed = false;
	size_t i;

	pthread_mutex_lock(&p->change_mu);
	snap_lock(&p->smap);
	cur = snap_get(&p->smap);
	if ((m = smap_clone(cur)) == NULL)
		goto out;
	for (i = 0; i < cur->nproxies + cur->ntargets; i++) {
		const struct snode *n = i < cur->nproxies ? &cur->proxies[i] :
		    &cur->targets[i - cur->nproxies];

		if (strcmp(n->id, p->self.id) == 0)
			continue;
		if ((at = seen_at(p, n->id)) < 0)
			seen_touch(p, n->id);	/* known from the saved map */
		else if (now - at > limit) {
			log_warnx("PRX-NODE-DROP", "id=%s role=%s silent_ms=%lld",
			    n->id, smap_role_name(n->role), now - at);
			smap_del_node(m, n->id);
			changed = true;
		}
	}
	if (changed)
		publish_smap(p, m);
	else
		smap_free(m);
out:
	snap_unlock(&p->smap);
	if (changed)
		push_meta(p, NULL, 0);
	pthread_mutex_unlock(&p->change_mu);
}

static void *
primary_monitor(void *arg)
{
	struct proxy *p = arg;
	struct timespec ts;

	pthread_mutex_lock(&p->stop_mu);
	while (!p->stopping) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += p->conf.net.keepalive_interval / 1000;
		ts.tv_nsec += (p->conf.net.keepalive_interval % 1000) * 1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&p->stop_cv, &p->stop_mu, &ts);
		if (p->stopping)
			break;
		pthread_mutex_unlock(&p->stop_mu);
		primary_check_nodes(p);
		pthread_mutex_lock(&p->stop_mu);
	}
	pthread_mutex_unlock(&p->stop_mu);
	return NULL;
}

/* Loads the saved map and table, or starts a new cluster. */
static ais_err
primary_load(struct proxy *p, struct smap **mp, struct bmd **bp)
{
	char path[PATH_MAX], uuid[17];
	json_t *j;

	*mp = NULL;
	*bp = NULL;
	state_path(p, "smap.json", path, sizeof(path));
	if (state_load_json(path, &j) == AIS_OK) {
		if (smap_from_json(j, mp) != AIS_OK)
			log_warnx("PRX-STATE-BAD", "path=%s", path);
		json_decref(j);
	}
	state_path(p, "bmd.json", path, sizeof(path));
	if (state_load_json(path, &j) == AIS_OK) {
		if (bmd_from_json(j, bp) != AIS_OK)
			log_warnx("PRX-STATE-BAD", "path=%s", path);
		json_decref(j);
	}
	if (*mp == NULL) {
		state_random_id(uuid, sizeof(uuid));
		*mp = smap_new(uuid);
	}
	if (*bp == NULL)
		*bp = bmd_new();
	return *mp != NULL && *bp != NULL ? AIS_OK : AIS_ENOMEM;
}

ais_err
primary_start(struct proxy *p, char *err, size_t errlen)
{
	struct smap *m;
	struct bmd *b;

	if (primary_load(p, &m, &b) != AIS_OK) {
		snprintf(err, errlen, "out of memory");
		return AIS_ENOMEM;
	}
	/* The proxy that starts as primary is the primary. */
	smap_put_node(m, &p->self);
	strlcpy(m->primary, p->self.id, sizeof(m->primary));
	snap_init(&p->smap, NULL, smap_free_any);
	snap_init(&p->bmd, NULL, bmd_free_any);
	publish_smap(p, m);
	snap_publish(&p->bmd, b);
	pthread_mutex_init(&p->change_mu, NULL);
	pthread_mutex_init(&p->seen_mu, NULL);
	pthread_mutex_init(&p->stop_mu, NULL);
	pthread_cond_init(&p->stop_cv, NULL);
	if (pthread_create(&p->monitor, NULL, primary_monitor, p) != 0) {
		snprintf(err, errlen, "cannot start the monitor thread");
		return AIS_ENOMEM;
	}
	thread_name(p->monitor, "monitor", -1);
	return AIS_OK;
}

void
primary_stop(struct proxy *p)
{
	pthread_mutex_lock(&p->stop_mu);
	p->stopping = true;
	pthread_cond_signal(&p->stop_cv);
	pthread_mutex_unlock(&p->stop_mu);
	pthread_join(p->monitor, NULL);
	free(p->seen);
	pthread_cond_destroy(&p->stop_cv);
	pthread_mutex_destroy(&p->stop_mu);
	pthread_mutex_destroy(&p->seen_mu);
	pthread_mutex_destroy(&p->change_mu);
}

/* ---- bucket changes ---- */

/* A non-primary proxy hands the change to the primary. */
static json_t *
forward(struct proxy *p, json_t *req)
{
	json_t *reply = NULL;
	ais_err e;

	e = ctl_call(p->cc, p->conf.primary, req, PROXY_CTL_TIMEOUT_MS, &reply);
	json_decref(req);
	if (e != AIS_OK)
		return ctl_reply_error(503, "primary proxy unreachable: %s",
		    ais_strerror(e));
	return reply;
}

/*
 * Adds bucket add to the table, or (add NULL) removes provider://name, and
 * publishes the new table.  The caller holds change_mu.
 */
static ais_err
table_edit(struct proxy *p, const struct bucket *add, const char *provider,
    const char *name)
{
	struct bmd *b;
	ais_err e;

	snap_lock(&p->bmd);
	if ((b = bmd_clone(snap_get(&p->bmd))) == NULL)
		e = AIS_ENOMEM;
	else if ((e = add != NULL ? bmd_add(b, add) :
	    bmd_del(b, provider, name)) == AIS_OK)
		publish_bmd(p, b);
	if (e != AIS_OK)
		bmd_free(b);
	snap_unlock(&p->bmd);
	return e;
}

/*
 * A create is all or nothing.  A node that does not take the new table in
 * time (down but not yet dropped, frozen, cut off) would answer 404 for the
 * bucket, so the bucket is taken out again and the caller told which node:
 * an OK means every node has it.
 */
json_t *
proxy_bucket_create(struct proxy *p, json_t *bj)
{
	struct bucket bck;
	char why[256];
	ais_err e;

	if (!p->is_primary)
		return forward(p, json_pack("{s:s, s:O}", "op",
		    "bucket_create", "bucket", bj));
	if (bucket_from_json(bj, &bck) != AIS_OK)
		return ctl_reply_error(400, "invalid bucket");
	pthread_mutex_lock(&p->change_mu);
	if ((e = table_edit(p, &bck, NULL, NULL)) == AIS_OK &&
	    push_meta(p, why, sizeof(why)) > 0) {
		table_edit(p, NULL, bck.provider, bck.name);
		push_meta(p, NULL, 0);
		pthread_mutex_unlock(&p->change_mu);
		log_warnx("PRX-BUCKET-CREATE-UNDONE", "bucket=%s://%s why=\"%s\"",
		    bck.provider, bck.name, why);
		return ctl_reply_error(503, "bucket %s://%s not created: a node "
		    "did not take the new bucket table (%s)", bck.provider,
		    bck.name, why);
	}
	pthread_mutex_unlock(&p->change_mu);
	if (e == AIS_OK)
		log_info("PRX-BUCKET-CREATE", "bucket=%s://%s checksum=%s",
		    bck.provider, bck.name, cksum_type_name(bck.cktype));
	if (e == AIS_EEXIST)
		return ctl_reply_error(409, "bucket %s://%s already exists",
		    bck.provider, bck.name);
	return e == AIS_OK ? ctl_reply_ok() : ctl_reply_error(500, "%s",
	    ais_strerror(e));
}

json_t *
proxy_remove_data(struct proxy *p, const char *provider, const char *name)
{
	struct smap *sm = snap_get(&p->smap);
	const char **urls = calloc(sm->ntargets + 1, sizeof(*urls));
	json_t **replies = calloc(sm->ntargets + 1, sizeof(*replies));
	ais_err *errs = calloc(sm->ntargets + 1, sizeof(*errs));
	json_t *req, *reply = NULL;
	size_t i;

	if (urls == NULL || replies == NULL || errs == NULL) {
		reply = ctl_reply_error(500, "out of memory");
		goto out;
	}
	for (i = 0; i < sm->ntargets; i++)
		urls[i] = sm->targets[i].control_url;
	req = json_pack("{s:s, s:s, s:s}", "op", "bucket_rm", "provider",
	    provider, "bucket", name);
	ctl_call_many(p->cc, urls, sm->ntargets, req, PROXY_CTL_TIMEOUT_MS,
	    replies, errs);
	json_decref(req);
	for (i = 0; i < sm->ntargets; i++) {
		if (reply == NULL && (errs[i] != AIS_OK ||
		    ctl_reply_status(replies[i]) != 200))
			reply = ctl_reply_error(500, "bucket removed, but "
			    "target %s failed to remove its data",
			    sm->targets[i].id);
		json_decref(replies[i]);
	}
out:
	free(urls);
	free(replies);
	free(errs);
	return reply != NULL ? reply : ctl_reply_ok();
}

json_t *
proxy_bucket_destroy(struct proxy *p, const char *provider, const char *name)
{
	json_t *reply;
	ais_err e;

	if (!p->is_primary)
		return forward(p, json_pack("{s:s, s:s, s:s}", "op",
		    "bucket_destroy", "provider", provider, "name", name));
	pthread_mutex_lock(&p->change_mu);
	if ((e = table_edit(p, NULL, provider, name)) != AIS_OK) {
		pthread_mutex_unlock(&p->change_mu);
		return e == AIS_ENOENT ? ctl_reply_error(404, "bucket %s://%s "
		    "does not exist", provider, name) :
		    ctl_reply_error(500, "%s", ais_strerror(e));
	}
	log_info("PRX-BUCKET-DESTROY", "bucket=%s://%s", provider, name);
	push_meta(p, NULL, 0);
	reply = proxy_remove_data(p, provider, name);
	pthread_mutex_unlock(&p->change_mu);
	return reply;
}

json_t *
primary_control(struct proxy *p, const char *op, json_t *req)
{
	const char *provider, *name;

	if (strcmp(op, "join") == 0)
		return primary_join(p, req);
	if (strcmp(op, "keepalive") == 0)
		return primary_keepalive(p, req);
	if (strcmp(op, "bucket_create") == 0)
		return proxy_bucket_create(p, json_object_get(req, "bucket"));
	if (strcmp(op, "bucket_destroy") == 0) {
		if (json_unpack(req, "{s:s, s:s}", "provider", &provider,
		    "name", &name) != 0)
			return ctl_reply_error(400, "invalid request");
		return proxy_bucket_destroy(p, provider, name);
	}
	return NULL;
}
