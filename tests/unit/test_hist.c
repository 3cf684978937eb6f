/*
 * test_hist.c: the latency histogram: exact small values, bounded error
 * of quantiles, merging, and a JSON round trip (how loader hosts send it).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "hist.h"

static void
test_quantiles_within_one_sixteenth(void **state)
{
	struct hist h;
	uint64_t v, q;

	(void)state;
	hist_init(&h);
	for (v = 1; v <= 100000; v++)
		hist_add(&h, v);
	assert_int_equal(h.count, 100000);
	assert_int_equal(h.min_us, 1);
	assert_int_equal(h.max_us, 100000);
	q = hist_quantile(&h, 0.5);
	assert_true(q >= 50000 && q <= 50000 + 50000 / 16 + 1);
	q = hist_quantile(&h, 0.99);
	assert_true(q >= 99000 && q <= 100000);
	assert_int_equal(hist_quantile(&h, 1.0), 100000);
}

static void
test_small_values_are_exact(void **state)
{
	struct hist h;

	(void)state;
	hist_init(&h);
	hist_add(&h, 3);
	hist_add(&h, 7);
	assert_int_equal(hist_quantile(&h, 0.5), 3);
	assert_int_equal(hist_quantile(&h, 0.9), 7);
}

static void
test_merge_and_json(void **state)
{
	struct hist a, b, c;
	json_t *j;

	(void)state;
	hist_init(&a);
	hist_init(&b);
	hist_add(&a, 10);
	hist_add(&b, 1000000);
	hist_merge(&a, &b);
	assert_int_equal(a.count, 2);
	assert_int_equal(a.max_us, 1000000);
	j = hist_to_json(&a);
	assert_int_equal(hist_from_json(j, &c), AIS_OK);
	assert_int_equal(c.count, 2);
	assert_int_equal(hist_quantile(&c, 1.0), 1000000);
	assert_int_equal(hist_quantile(&c, 0.5), 10);
	json_decref(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quantiles_within_one_sixteenth),
		cmocka_unit_test(test_small_values_are_exact),
		cmocka_unit_test(test_merge_and_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
