/*
 * test_hrw.c: HRW placement reproduces every row of the independent vectors
 * in tests/data/hrw-vectors.tsv (target of 5, target of the first 3,
 * mountpath of 4), and the uname format.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hrw.h"

static const char *targets[] = { "tAlpha01", "tBravo02", "tCharlie03",
    "tDelta04", "tEcho05" };
static const char *mpaths[] = { "/data/disk0", "/data/disk1", "/data/disk2",
    "/data/disk3" };

static const char *
pick(const char **names, size_t n, uint64_t digest)
{
	uint64_t d[8];
	size_t i;

	for (i = 0; i < n; i++)
		d[i] = hrw_digest_str(names[i]);
	return names[hrw_pick(d, n, digest)];
}

static FILE *
open_vectors(void)
{
	const char *dir = getenv("AIS_TESTDATA");
	char path[1024];

	snprintf(path, sizeof(path), "%s/hrw-vectors.tsv",
	    dir != NULL ? dir : "tests/data");
	return fopen(path, "r");
}

static void
test_every_vector_row(void **state)
{
	char line[2048], *f[5], *p;
	char hex[17];
	int rows = 0, i;
	uint64_t d;
	FILE *fp;

	(void)state;
	fp = open_vectors();
	assert_non_null(fp);
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (line[0] == '#' || strncmp(line, "uname\t", 6) == 0)
			continue;
		line[strcspn(line, "\n")] = '\0';
		p = line;
		for (i = 0; i < 5; i++)
			f[i] = strsep(&p, "\t");
		assert_non_null(f[4]);
		d = hrw_digest_str(f[0]);
		snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)d);
		assert_string_equal(hex, f[1]);
		assert_string_equal(pick(targets, 5, d), f[2]);
		assert_string_equal(pick(targets, 3, d), f[3]);
		assert_string_equal(pick(mpaths, 4, d), f[4]);
		rows++;
	}
	fclose(fp);
	assert_int_equal(rows, 20);
}

static void
test_uname_format(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(hrw_uname(buf, sizeof(buf), "ais", "b", "o"), 10);
	assert_string_equal(buf, "ais/@#/b/o");
	assert_true(hrw_uname(buf, 8, "ais", "b", "obj") >= 8);
}

static void
test_empty_candidate_set(void **state)
{
	(void)state;
	assert_int_equal(hrw_pick(NULL, 0, 42), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_vector_row),
		cmocka_unit_test(test_uname_format),
		cmocka_unit_test(test_empty_candidate_set),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
