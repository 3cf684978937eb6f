/*
 * member.c: join, keepalive and map updates of a non-primary node.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "member.h"
#include "thread.h"

#define MEMBER_CALL_TIMEOUT_MS 3000

void
meta_install(struct snap *smap, struct snap *bmd, json_t *smap_json,
    json_t *bmd_json, bool join)
{
	struct smap *m, *cur_m;
	struct bmd *b, *cur_b;
	bool new_cluster = false;

	if (smap_json != NULL && smap_from_json(smap_json, &m) == AIS_OK) {
		snap_lock(smap);
		cur_m = snap_get(smap);
		new_cluster = join && (cur_m == NULL ||
		    strcmp(m->uuid, cur_m->uuid) != 0);
		if (new_cluster || cur_m == NULL || m->version > cur_m->version) {
			snap_publish(smap, m);
			log_debug("SMAP-NEW", "version=%lld targets=%zu",
			    (long long)m->version, m->ntargets);
		} else
			smap_free(m);
		snap_unlock(smap);
	}
	if (bmd_json != NULL && bmd_from_json(bmd_json, &b) == AIS_OK) {
		snap_lock(bmd);
		cur_b = snap_get(bmd);
		if (new_cluster || cur_b == NULL || b->version > cur_b->version)
			snap_publish(bmd, b);
		else
			bmd_free(b);
		snap_unlock(bmd);
	}
}

json_t *
member_on_meta(struct member *m, json_t *req)
{
	meta_install(m->smap, m->bmd, json_object_get(req, "smap"),
	    json_object_get(req, "bmd"), false);
	return ctl_reply_ok();
}

/* Calls the primary and installs the maps its reply carries. */
static int
member_call(struct member *m, json_t *req, bool join, json_t **reply)
{
	ais_err e;
	int status;

	e = ctl_call(m->cc, m->primary_url, req, MEMBER_CALL_TIMEOUT_MS, reply);
	json_decref(req);
	if (e != AIS_OK)
		return -1;
	status = ctl_reply_status(*reply);
	if (status == 200)
		meta_install(m->smap, m->bmd, json_object_get(*reply, "smap"),
		    json_object_get(*reply, "bmd"), join);
	return status;
}

static void
member_join(struct member *m)
{
	json_t *reply = NULL;
	int status;

	status = member_call(m, json_pack("{s:s, s:o}", "op", "join", "node",
	    snode_to_json(&m->self)), true, &reply);
	if (status == 200) {
		atomic_store(&m->joined, true);
		log_info("NODE-JOINED", "id=%s primary=%s", m->self.id,
		    m->primary_url);
	} else if (status > 0)
		log_warnx("NODE-JOIN-REFUSED", "status=%d message=\"%s\"",
		    status, json_string_value(json_object_get(reply,
		    "message")));
	json_decref(reply);
}

static void
member_keepalive(struct member *m)
{
	struct smap *sm = snap_get(m->smap);
	struct bmd *bm = snap_get(m->bmd);
	json_t *reply = NULL;
	int status;

	status = member_call(m, json_pack("{s:s, s:s, s:I, s:I}", "op",
	    "keepalive", "id", m->self.id, "smap_version",
	    (json_int_t)(sm != NULL ? sm->version : 0), "bmd_version",
	    (json_int_t)(bm != NULL ? bm->version : 0)), false, &reply);
	json_decref(reply);
	if (status == 404) {
		log_warnx("NODE-REJOIN", "id=%s reason=\"unknown to primary\"",
		    m->self.id);
		atomic_store(&m->joined, false);
	} else if (status < 0)
		log_debug("NODE-KEEPALIVE-FAIL", "primary=%s", m->primary_url);
}

static void *
member_main(void *arg)
{
	struct member *m = arg;
	struct timespec ts;

	pthread_mutex_lock(&m->mu);
	while (!m->stopping) {
		pthread_mutex_unlock(&m->mu);
		if (!atomic_load(&m->joined))
			member_join(m);
		else
			member_keepalive(m);
		pthread_mutex_lock(&m->mu);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += m->interval_ms / 1000;
		ts.tv_nsec += (long)(m->interval_ms % 1000) * 1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		if (!m->stopping)
			pthread_cond_timedwait(&m->cv, &m->mu, &ts);
	}
	pthread_mutex_unlock(&m->mu);
	return NULL;
}

ais_err
member_start(struct member *m, const struct snode *self,
    const char *primary_url, int interval_ms, struct snap *smap,
    struct snap *bmd)
{
	ais_err e;

	memset(m, 0, sizeof(*m));
	m->self = *self;
	strlcpy(m->primary_url, primary_url, sizeof(m->primary_url));
	m->interval_ms = interval_ms;
	m->smap = smap;
	m->bmd = bmd;
	atomic_init(&m->joined, false);
	if ((e = ctl_client_new(&m->cc)) != AIS_OK)
		return e;
	pthread_mutex_init(&m->mu, NULL);
	pthread_cond_init(&m->cv, NULL);
	if (pthread_create(&m->thread, NULL, member_main, m) != 0) {
		ctl_client_free(m->cc);
		return AIS_ENOMEM;
	}
	thread_name(m->thread, "member", -1);
	return AIS_OK;
}

void
member_stop(struct member *m)
{
	pthread_mutex_lock(&m->mu);
	m->stopping = true;
	pthread_cond_signal(&m->cv);
	pthread_mutex_unlock(&m->mu);
	pthread_join(m->thread, NULL);
	ctl_client_free(m->cc);
	pthread_cond_destroy(&m->cv);
	pthread_mutex_destroy(&m->mu);
}
