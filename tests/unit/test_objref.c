/*
 * test_objref.c: request names: percent-decoding, providers, and every
 * hostile name (traversal, NUL, over-long) refused before any path is made.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "hrw.h"
#include "objref.h"

static ais_err
parse(struct objref *o, const char *rest, const char *query)
{
	char err[256];

	return objref_parse(o, slice_from(rest), slice_from(query), err,
	    sizeof(err));
}

static void
test_decoded_name_and_digest(void **state)
{
	struct objref o;

	(void)state;
	assert_int_equal(parse(&o, "ds/x%20y%20z/%C3%BCn%C3%AFcode%20%E2%98%83"
	    ".bin", ""), AIS_OK);
	assert_string_equal(o.bucket, "ds");
	assert_string_equal(o.provider, "ais");
	assert_string_equal(o.object, "x y z/ünïcode ☃.bin");
	/* the row of tests/data/hrw-vectors.tsv for this uname */
	assert_int_equal(o.digest, 0xbed85cbf92f0b55fULL);
}

static void
test_provider_aliases(void **state)
{
	struct objref o;

	(void)state;
	assert_int_equal(parse(&o, "b/o", "provider=s3"), AIS_OK);
	assert_string_equal(o.provider, "aws");
	assert_int_equal(parse(&o, "b/o", "x=1&provider=ais"), AIS_OK);
	assert_string_equal(o.provider, "ais");
	assert_int_equal(parse(&o, "b/o", "provider=gopher"), AIS_EINVAL);
}

static void
test_hostile_names(void **state)
{
	char big[4000];
	struct objref o;

	(void)state;
	assert_int_equal(parse(&o, "b/../x", ""), AIS_EINVAL);
	assert_int_equal(parse(&o, "b/%2e%2e/x", ""), AIS_EINVAL);
	assert_int_equal(parse(&o, "b/a/%2E%2E", ""), AIS_EINVAL);
	assert_int_equal(parse(&o, "b/a%00b", ""), AIS_EINVAL);
	assert_int_equal(parse(&o, "b/a%zz", ""), AIS_EINVAL);
	assert_int_equal(parse(&o, "b/", ""), AIS_EINVAL);
	assert_int_equal(parse(&o, "b", ""), AIS_EINVAL);
	assert_int_equal(parse(&o, "..%2f/x", ""), AIS_EINVAL);
	assert_int_equal(parse(&o, "b/a%2f%2fb", ""), AIS_EINVAL);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	big[1] = '/';
	assert_int_equal(parse(&o, big, ""), AIS_ETOOLONG);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decoded_name_and_digest),
		cmocka_unit_test(test_provider_aliases),
		cmocka_unit_test(test_hostile_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
