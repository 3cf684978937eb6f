/*
 * test_job.c: selections are checked, ids are fresh, and a job's parts
 * add up, with a silent target reported lost and the job aborted.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "job.h"

static void
test_selections(void **state)
{
	static const char *good[] = { "{\"names\":[\"a\",\"b/c\"]}",
	    "{\"template\":\"shard-{0000..0999}.tar\"}", "{\"prefix\":\"\"}" };
	static const char *bad[] = { "{}", "{\"names\":[]}",
	    "{\"names\":[\"../x\"]}", "{\"template\":\"a{2..1}\"}",
	    "{\"prefix\":\"a\",\"template\":\"b\"}", "[]",
	    "{\"template\":\"../x{1..2}\"}", "{\"template\":\"a//{1..2}\"}" };
	char err[128];
	json_t *j;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		j = json_loads(good[i], 0, NULL);
		assert_int_equal(job_selection_check(j, err, sizeof(err)),
		    AIS_OK);
		json_decref(j);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		j = json_loads(bad[i], 0, NULL);
		err[0] = '\0';
		if (job_selection_check(j, err, sizeof(err)) != AIS_EINVAL)
			fail_msg("accepted %s", bad[i]);
		assert_true(err[0] != '\0');
		json_decref(j);
	}
}

static void
test_ids_and_kinds(void **state)
{
	char a[JOB_ID_MAX], b[JOB_ID_MAX];
	enum job_kind k;

	(void)state;
	job_new_id(a);
	job_new_id(b);
	assert_int_equal(strlen(a), 10);
	assert_string_not_equal(a, b);
	assert_int_equal(job_kind_parse("evict", &k), AIS_OK);
	assert_int_equal(k, JOB_EVICT);
	assert_string_equal(job_kind_name(JOB_PREFETCH), "prefetch");
	assert_int_equal(job_kind_parse("copy", &k), AIS_EINVAL);
}

static json_t *
part(const char *target, const char *state, int done, int total, int failed,
    long long started, long long ended)
{
	return json_pack("{s:s, s:s, s:s, s:[sss], s:s, s:s, s:i, s:b, s:i, "
	    "s:i, s:i, s:i, s:i, s:i, s:[{s:s, s:s}], s:I, s:I}", "id", "jX",
	    "kind", "prefetch", "bucket", "s3://b", "targets", "t1", "t2", "t3",
	    "target", target, "state", state, "objects_total", total,
	    "total_known", 1, "objects_done", done, "objects_changed", done,
	    "objects_skipped", 0, "objects_failed", failed, "bytes", done * 10,
	    "bytes_total", -1, "errors", "object", target, "message", "boom",
	    "started", (json_int_t)started, "ended", (json_int_t)ended);
}

static void
test_parts_add_up(void **state)
{
	json_t *p[3], *a;
	size_t i;

	(void)state;
	p[0] = part("t1", "finished", 5, 5, 1, 1000, 3000);
	p[1] = part("t2", "running", 2, 6, 0, 900, 0);
	p[2] = part("t3", "finished", 4, 4, 0, 1100, 2500);
	a = job_aggregate(p, 3);
	assert_string_equal(json_string_value(json_object_get(a, "state")),
	    "running");
	assert_int_equal(json_integer_value(json_object_get(a,
	    "objects_done")), 11);
	assert_int_equal(json_integer_value(json_object_get(a,
	    "objects_total")), 15);
	assert_int_equal(json_integer_value(json_object_get(a, "started")),
	    900);
	assert_int_equal(json_integer_value(json_object_get(a, "ended")), 0);
	assert_int_equal(json_array_size(json_object_get(a, "errors")), 3);
	assert_int_equal(json_array_size(json_object_get(a, "lost")), 0);
	json_decref(a);

	/* t2 ended, t3 forgot the job: lost, and the job is aborted */
	json_decref(p[1]);
	p[1] = part("t2", "finished", 6, 6, 0, 900, 4000);
	a = job_aggregate(p, 2);
	assert_string_equal(json_string_value(json_object_get(a, "state")),
	    "aborted");
	assert_string_equal(json_string_value(json_array_get(json_object_get(
	    a, "lost"), 0)), "t3");
	assert_int_equal(json_integer_value(json_object_get(a, "ended")),
	    4000);
	json_decref(a);

	a = job_aggregate(p, 3);
	assert_string_equal(json_string_value(json_object_get(a, "state")),
	    "finished");
	json_decref(a);
	for (i = 0; i < 3; i++)
		json_decref(p[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_selections),
		cmocka_unit_test(test_ids_and_kinds),
		cmocka_unit_test(test_parts_add_up),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
