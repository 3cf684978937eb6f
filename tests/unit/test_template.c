/*
 * test_template.c: range templates expand like AIStore's: padding,
 * steps, several ranges, and malformed ones refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "template.h"

static void
name(const struct template *t, uint64_t i, const char *want)
{
	char buf[256];

	assert_int_equal(template_name(t, i, buf, sizeof(buf)), AIS_OK);
	assert_string_equal(buf, want);
}

static void
test_padded_range(void **state)
{
	struct template t;

	(void)state;
	assert_int_equal(template_parse(&t, "shard-{0000..0999}.tar"), AIS_OK);
	assert_int_equal(t.count, 1000);
	name(&t, 0, "shard-0000.tar");
	name(&t, 999, "shard-0999.tar");
	template_free(&t);
}

static void
test_step_and_several_ranges(void **state)
{
	struct template t;

	(void)state;
	assert_int_equal(template_parse(&t, "x{0..1000..10}"), AIS_OK);
	assert_int_equal(t.count, 101);
	name(&t, 1, "x10");
	name(&t, 100, "x1000");
	template_free(&t);
	assert_int_equal(template_parse(&t, "d{1..2}/f{00..02}.bin"), AIS_OK);
	assert_int_equal(t.count, 6);
	name(&t, 0, "d1/f00.bin");
	name(&t, 2, "d1/f02.bin");
	name(&t, 3, "d2/f00.bin");
	template_free(&t);
}

static void
test_no_range_is_one_name(void **state)
{
	struct template t;

	(void)state;
	assert_int_equal(template_parse(&t, "train/"), AIS_OK);
	assert_int_equal(t.count, 1);
	assert_int_equal(t.nranges, 0);
	name(&t, 0, "train/");
	template_free(&t);
}

static void
test_malformed_templates_are_refused(void **state)
{
	static const char *bad[] = { "a{1..}", "a{..2}", "a{2..1}",
	    "a{1..5..0}", "a{1-5}", "a{1..5", "a}b", "{0..9999999}{0..99}",
	    "a{x..y}" };
	struct template t;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (template_parse(&t, bad[i]) != AIS_EINVAL)
			fail_msg("accepted %s", bad[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_padded_range),
		cmocka_unit_test(test_step_and_several_ranges),
		cmocka_unit_test(test_no_range_is_one_name),
		cmocka_unit_test(test_malformed_templates_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
