/*
 * test_range.c: the Range header of GET, including hostile values.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "range.h"

static enum range_result
parse(const char *h, int64_t size, int64_t *off, int64_t *len)
{
	return range_parse(slice_from(h), size, off, len);
}

static void
test_satisfiable_ranges(void **state)
{
	int64_t off, len;

	(void)state;
	assert_int_equal(parse("bytes=0-9", 100, &off, &len), RANGE_OK);
	assert_int_equal(off, 0);
	assert_int_equal(len, 10);
	assert_int_equal(parse("bytes=90-", 100, &off, &len), RANGE_OK);
	assert_int_equal(off, 90);
	assert_int_equal(len, 10);
	assert_int_equal(parse("bytes=-5", 100, &off, &len), RANGE_OK);
	assert_int_equal(off, 95);
	assert_int_equal(len, 5);
	assert_int_equal(parse("bytes=-500", 100, &off, &len), RANGE_OK);
	assert_int_equal(off, 0);
	assert_int_equal(len, 100);
	assert_int_equal(parse("bytes=50-1000", 100, &off, &len), RANGE_OK);
	assert_int_equal(len, 50);
}

static void
test_unsatisfiable_ranges(void **state)
{
	int64_t off, len;

	(void)state;
	assert_int_equal(parse("bytes=100-", 100, &off, &len), RANGE_UNSAT);
	assert_int_equal(parse("bytes=200-300", 100, &off, &len), RANGE_UNSAT);
	assert_int_equal(parse("bytes=-0", 100, &off, &len), RANGE_UNSAT);
	assert_int_equal(parse("bytes=0-0", 0, &off, &len), RANGE_UNSAT);
}

static void
test_malformed_ranges_are_ignored(void **state)
{
	int64_t off, len;

	(void)state;
	assert_int_equal(parse("bytes=9-1", 100, &off, &len), RANGE_NONE);
	assert_int_equal(parse("bytes=a-b", 100, &off, &len), RANGE_NONE);
	assert_int_equal(parse("items=0-1", 100, &off, &len), RANGE_NONE);
	assert_int_equal(parse("bytes=0-1,5-6", 100, &off, &len), RANGE_NONE);
	assert_int_equal(parse("bytes=99999999999999999999-", 100, &off, &len),
	    RANGE_NONE);
	assert_int_equal(range_parse(SLICE_NULL, 100, &off, &len), RANGE_NONE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_satisfiable_ranges),
		cmocka_unit_test(test_unsatisfiable_ranges),
		cmocka_unit_test(test_malformed_ranges_are_ignored),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
