/*
 * control.c: control-plane requests a target serves (from the proxies):
 * map pushes, object listing pages, bucket removal and statistics.
 * They run on the control server's worker threads, never on an event loop.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "log.h"
#include "hrw.h"
#include "lom.h"
#include "target.h"

#define LIST_MAX 10000

struct list_entry {
	char		*name;
	json_t		*json;
};

struct lister {
	struct target		*t;
	const char		*after;
	struct list_entry	*v;
	size_t			 n, cap;
};

static json_t *
list_entry_json(struct target *t, const char *name, const char *fqn,
    const struct mountpath *mp, const struct lom_md *md)
{
	char size[32], atime[HTTP_DATE_LEN + 1], loc[NODE_ID_MAX + PATH_MAX + 2];
	struct stat st;

	if (stat(fqn, &st) != 0)
		return NULL;
	http_date(atime, st.st_atim.tv_sec);
	snprintf(size, sizeof(size), "%lld", (long long)md->size);
	snprintf(loc, sizeof(loc), "%s:%s", t->self.id, mp->path);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:i}", "name", name,
	    "size", size, "checksum", md->ckval, "atime", atime,
	    "version", md->version, "location", loc, "flags", 64);
}

static int
list_collect(const char *name, const char *fqn, const struct mountpath *mp,
    void *arg)
{
	struct lister *l = arg;
	struct list_entry *grown;
	struct lom_md md;
	json_t *j;

	if (strcmp(name, l->after) <= 0 || lom_load_path(fqn, &md) != AIS_OK)
		return 0;
	if ((j = list_entry_json(l->t, name, fqn, mp, &md)) == NULL)
		return 0;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 256;
		grown = reallocarray(l->v, l->cap, sizeof(*l->v));
		if (grown == NULL) {
			json_decref(j);
			return 1;
		}
		l->v = grown;
	}
	l->v[l->n].name = strdup(name);
	l->v[l->n++].json = j;
	return 0;
}

static int
list_cmp(const void *a, const void *b)
{
	return strcmp(((const struct list_entry *)a)->name,
	    ((const struct list_entry *)b)->name);
}

/*
 * One page of this target's objects of a bucket: names after "after" that
 * start with "prefix", sorted, at most "limit".  The proxy merges pages.
 */
static json_t *
ctl_list(struct target *t, json_t *req)
{
	const char *provider, *bucket, *prefix = "", *after = "";
	struct lister l = { t, NULL, NULL, 0, 0 };
	json_int_t limit = 1000;
	json_t *reply, *arr;
	size_t i;

	if (json_unpack(req, "{s:s, s:s, s?s, s?s, s?I}", "provider",
	    &provider, "bucket", &bucket, "prefix", &prefix, "after", &after,
	    "limit", &limit) != 0 || limit < 1 || limit > LIST_MAX ||
	    fs_check_bucket(bucket, strlen(bucket)) != AIS_OK)
		return ctl_reply_error(400, "bad list request");
	l.after = after;
	fs_walk_objects(&t->fs, provider, bucket, prefix, list_collect, &l);
	if (l.n > 0)
		qsort(l.v, l.n, sizeof(*l.v), list_cmp);
	arr = json_array();
	for (i = 0; i < l.n; i++) {
		if (i < (size_t)limit)
			json_array_append(arr, l.v[i].json);
		json_decref(l.v[i].json);
		free(l.v[i].name);
	}
	free(l.v);
	reply = ctl_reply_ok();
	json_object_set_new(reply, "entries", arr);
	json_object_set_new(reply, "more", json_boolean(l.n > (size_t)limit));
	return reply;
}

struct tally {
	long long	objects;
	long long	bytes;
};

static int
stats_count(const char *name, const char *fqn, const struct mountpath *mp,
    void *arg)
{
	struct tally *tl = arg;
	struct stat st;

	if (lstat(fqn, &st) == 0) {
		tl->objects++;
		tl->bytes += st.st_size;
	}
	return 0;
}

static json_t *
ctl_stats(struct target *t)
{
	struct tally tl = { 0, 0 };
	unsigned long long cap = 0, avail = 0;
	struct bmd *bmd = snap_get(&t->bmd);
	struct statvfs sv;
	json_t *reply;
	size_t i;

	for (i = 0; bmd != NULL && i < bmd->n; i++)
		fs_walk_objects(&t->fs, bmd->bcks[i].provider,
		    bmd->bcks[i].name, "", stats_count, &tl);
	for (i = 0; i < t->fs.n; i++)
		if (statvfs(t->fs.mps[i].path, &sv) == 0) {
			cap += (unsigned long long)sv.f_blocks * sv.f_frsize;
			avail += (unsigned long long)sv.f_bavail * sv.f_frsize;
		}
	reply = ctl_reply_ok();
	json_object_set_new(reply, "objects", json_integer(tl.objects));
	json_object_set_new(reply, "used_bytes", json_integer(tl.bytes));
	json_object_set_new(reply, "mountpaths", json_integer((json_int_t)
	    t->fs.n));
	json_object_set_new(reply, "capacity_bytes", json_integer((json_int_t)
	    cap));
	json_object_set_new(reply, "avail_bytes", json_integer((json_int_t)
	    avail));
	return reply;
}

static json_t *
ctl_bucket_rm(struct target *t, json_t *req)
{
	const char *provider, *bucket;
	ais_err e;

	if (json_unpack(req, "{s:s, s:s}", "provider", &provider, "bucket",
	    &bucket) != 0 || fs_check_bucket(bucket, strlen(bucket)) != AIS_OK)
		return ctl_reply_error(400, "bad bucket removal request");
	if ((e = fs_remove_bucket(&t->fs, provider, bucket)) != AIS_OK)
		return ctl_reply_error(500, "removing %s://%s: %s", provider,
		    bucket, ais_strerror(e));
	log_info("TGT-BUCKET-RM", "bucket=%s://%s", provider, bucket);
	return ctl_reply_ok();
}

/* Which of the names (indexes into the array) this target holds. */
static json_t *
ctl_cached(struct target *t, json_t *req)
{
	const char *provider, *bucket, *name;
	char fqn[PATH_MAX], uname[FS_OBJNAME_MAX + 128];
	json_t *names, *have, *reply, *n;
	struct lom_md md;
	size_t i, len;

	if (json_unpack(req, "{s:s, s:s, s:o}", "provider", &provider,
	    "bucket", &bucket, "names", &names) != 0 ||
	    fs_check_bucket(bucket, strlen(bucket)) != AIS_OK)
		return ctl_reply_error(400, "bad cached request");
	have = json_array();
	json_array_foreach(names, i, n) {
		if ((name = json_string_value(n)) == NULL ||
		    fs_check_object(name, strlen(name)) != AIS_OK)
			continue;
		len = hrw_uname(uname, sizeof(uname), provider, bucket, name);
		if (fs_object_path(fqn, sizeof(fqn), fs_mountpath_for(&t->fs,
		    hrw_digest(uname, len)), provider, bucket, name) == AIS_OK &&
		    lom_load_path(fqn, &md) == AIS_OK)
			json_array_append_new(have, json_integer((json_int_t)i));
	}
	reply = ctl_reply_ok();
	json_object_set_new(reply, "cached", have);
	return reply;
}

json_t *
target_control(json_t *req, void *arg)
{
	struct target *t = arg;
	const char *op = json_string_value(json_object_get(req, "op"));
	json_t *reply;

	if (op == NULL)
		return ctl_reply_error(400, "missing op");
	if (strcmp(op, "meta") == 0)
		return member_on_meta(&t->member, req);
	if ((reply = jobs_control(t, op, req)) != NULL)
		return reply;
	if (strcmp(op, "list") == 0)
		return ctl_list(t, req);
	if (strcmp(op, "stats") == 0)
		return ctl_stats(t);
	if (strcmp(op, "bucket_rm") == 0)
		return ctl_bucket_rm(t, req);
	if (strcmp(op, "cached") == 0)
		return ctl_cached(t, req);
	if (strcmp(op, "health") == 0)
		return ctl_reply_ok();
	return ctl_reply_error(400, "unknown op '%s'", op);
}
