/*
 * test_smap.c: the cluster map and bucket table survive a JSON round trip,
 * owners follow HRW, nodes in maintenance own nothing, and a node installs
 * only newer maps (or, joining, another cluster's).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "bmd.h"
#include "hrw.h"
#include "member.h"
#include "smap.h"

static struct snode
node(const char *id, enum node_role role)
{
	struct snode n;

	memset(&n, 0, sizeof(n));
	strlcpy(n.id, id, sizeof(n.id));
	n.role = role;
	strlcpy(n.url, "http://127.0.0.1:1", sizeof(n.url));
	strlcpy(n.control_url, "tcp://127.0.0.1:2", sizeof(n.control_url));
	return n;
}

static struct smap *
five_targets(void)
{
	static const char *ids[] = { "tAlpha01", "tBravo02", "tCharlie03",
	    "tDelta04", "tEcho05" };
	struct smap *m = smap_new("uuid1");
	struct snode p = node("p1", NODE_PROXY), t;
	size_t i;

	assert_true(smap_put_node(m, &p));
	for (i = 0; i < 5; i++) {
		t = node(ids[i], NODE_TARGET);
		assert_true(smap_put_node(m, &t));
	}
	return m;
}

static void
test_owner_matches_vector(void **state)
{
	struct smap *m = five_targets();
	const char *uname = "ais/@#/imagenet/train/shard-000000.tar";

	(void)state;
	/* tests/data/hrw-vectors.tsv: target_of_5 is tEcho05. */
	assert_string_equal(smap_owner(m, hrw_digest_str(uname))->id,
	    "tEcho05");
	smap_free(m);
}

static void
test_maintenance_node_owns_nothing(void **state)
{
	struct smap *m = five_targets();
	const char *uname = "ais/@#/imagenet/train/shard-000000.tar";
	struct snode t = node("tEcho05", NODE_TARGET);

	(void)state;
	t.flags = SNODE_MAINT;
	assert_true(smap_put_node(m, &t));
	assert_string_not_equal(smap_owner(m, hrw_digest_str(uname))->id,
	    "tEcho05");
	smap_free(m);
}

static void
test_put_same_node_is_no_change(void **state)
{
	struct smap *m = five_targets();
	struct snode t = node("tAlpha01", NODE_TARGET);

	(void)state;
	assert_false(smap_put_node(m, &t));
	strlcpy(t.url, "http://127.0.0.1:3", sizeof(t.url));
	assert_true(smap_put_node(m, &t));
	assert_int_equal(m->ntargets, 5);
	assert_true(smap_del_node(m, "tAlpha01"));
	assert_int_equal(m->ntargets, 4);
	assert_false(smap_del_node(m, "nope"));
	smap_free(m);
}

static void
test_smap_json_round_trip(void **state)
{
	struct smap *m = five_targets(), *back;
	json_t *j;

	(void)state;
	m->version = 42;
	strlcpy(m->primary, "p1", sizeof(m->primary));
	j = smap_to_json(m);
	assert_int_equal(smap_from_json(j, &back), AIS_OK);
	assert_int_equal(back->version, 42);
	assert_int_equal(back->ntargets, 5);
	assert_int_equal(back->nproxies, 1);
	assert_string_equal(back->primary, "p1");
	assert_int_equal(back->targets[2].digest,
	    hrw_digest_str(back->targets[2].id));
	json_decref(j);
	smap_free(back);
	smap_free(m);
}

static void
test_bmd_json_round_trip_and_bad_names(void **state)
{
	struct bucket b = { .name = "imagenet", .provider = "ais",
	    .cktype = CKSUM_MD5, .created = 1 };
	struct bmd *t = bmd_new(), *back;
	json_t *j;

	(void)state;
	assert_int_equal(bmd_add(t, &b), AIS_OK);
	assert_int_equal(bmd_add(t, &b), AIS_EEXIST);
	t->version = 3;
	j = bmd_to_json(t);
	assert_int_equal(bmd_from_json(j, &back), AIS_OK);
	assert_non_null(bmd_find(back, "ais", "imagenet", 8));
	assert_int_equal(bmd_find(back, "ais", "imagenet", 8)->cktype,
	    CKSUM_MD5);
	assert_null(bmd_find(back, "aws", "imagenet", 8));
	json_decref(j);
	bmd_free(back);
	j = json_pack("{s:I, s:[{s:s, s:s}]}", "version", (json_int_t)1,
	    "buckets", "name", "../x", "provider", "ais");
	back = NULL;
	assert_int_equal(bmd_from_json(j, &back), AIS_EINVAL);
	assert_null(back);
	json_decref(j);
	assert_string_equal(bmd_provider_norm("s3", 2), "aws");
	assert_null(bmd_provider_norm("gcp", 3));
	bmd_free(back);
	bmd_free(t);
}

/* version v of a table with v buckets, as JSON */
static json_t *
table_json(int v)
{
	struct bmd *t = bmd_new();
	struct bucket b = { .provider = "ais", .cktype = CKSUM_XXHASH };
	json_t *j;
	int i;

	for (i = 0; i < v; i++) {
		snprintf(b.name, sizeof(b.name), "b%d", i);
		assert_int_equal(bmd_add(t, &b), AIS_OK);
	}
	t->version = v;
	j = bmd_to_json(t);
	bmd_free(t);
	return j;
}

static void
install(struct snap *sm, struct snap *bm, const char *uuid, int v, bool join)
{
	struct smap *m = smap_new(uuid);
	json_t *mj, *bj = table_json(v);

	m->version = v;
	mj = smap_to_json(m);
	smap_free(m);
	meta_install(sm, bm, mj, bj, join);
	json_decref(mj);
	json_decref(bj);
}

static int64_t
version(struct snap *bm)
{
	return ((struct bmd *)snap_get(bm))->version;
}

/*
 * The answer to a join is built before a bucket create's push and can
 * arrive after it: it must not take the new bucket away.
 */
static void
test_join_answer_older_than_a_push_is_not_taken(void **state)
{
	struct snap sm, bm;

	(void)state;
	snap_init(&sm, NULL, smap_free_any);
	snap_init(&bm, NULL, bmd_free_any);
	install(&sm, &bm, "uuid1", 2, false);	/* the push */
	install(&sm, &bm, "uuid1", 1, true);	/* the late join answer */
	assert_int_equal(version(&bm), 2);
	assert_non_null(bmd_find(snap_get(&bm), "ais", "b1", 2));
	install(&sm, &bm, "uuid1", 1, false);	/* an old push */
	assert_int_equal(version(&bm), 2);
	/* a primary restarted with a fresh state folder is another cluster */
	install(&sm, &bm, "uuid2", 1, true);
	assert_int_equal(version(&bm), 1);
	assert_string_equal(((struct smap *)snap_get(&sm))->uuid, "uuid2");
	snap_fini(&sm);
	snap_fini(&bm);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_owner_matches_vector),
		cmocka_unit_test(test_maintenance_node_owns_nothing),
		cmocka_unit_test(test_put_same_node_is_no_change),
		cmocka_unit_test(test_smap_json_round_trip),
		cmocka_unit_test(test_bmd_json_round_trip_and_bad_names),
		cmocka_unit_test(test_join_answer_older_than_a_push_is_not_taken),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
