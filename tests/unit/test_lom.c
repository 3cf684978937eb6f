/*
 * test_lom.c: object metadata round-trips through the xattr, and a torn or
 * foreign record is never taken for metadata.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "lom.h"

static struct lom_md
sample(void)
{
	struct lom_md md;

	lom_init(&md);
	md.size = 1234567;
	md.cktype = CKSUM_MD5;
	strlcpy(md.ckval, "9e107d9d372bb6826bd81d3542a419d6", sizeof(md.ckval));
	strlcpy(md.version, "7", sizeof(md.version));
	strlcpy(md.etag, "\"abc\"", sizeof(md.etag));
	assert_int_equal(lom_custom_parse(&md, "k1=v1, k2 = v 2", 15), AIS_OK);
	return md;
}

static void
test_encode_decode_round_trip(void **state)
{
	unsigned char buf[LOM_MAX_RECORD];
	struct lom_md md = sample(), out;
	char custom[256];
	size_t len;

	(void)state;
	assert_int_equal(lom_encode(&md, buf, sizeof(buf), &len), AIS_OK);
	assert_int_equal(lom_decode(&out, buf, len), AIS_OK);
	assert_int_equal(out.size, 1234567);
	assert_int_equal(out.cktype, CKSUM_MD5);
	assert_string_equal(out.ckval, md.ckval);
	assert_string_equal(out.version, "7");
	assert_string_equal(out.etag, "\"abc\"");
	lom_custom_format(&out, custom, sizeof(custom));
	assert_string_equal(custom, "k1=v1,k2=v 2");
}

static void
test_torn_record_is_rejected(void **state)
{
	unsigned char buf[LOM_MAX_RECORD];
	struct lom_md md = sample(), out;
	size_t len, cut;

	(void)state;
	assert_int_equal(lom_encode(&md, buf, sizeof(buf), &len), AIS_OK);
	for (cut = 0; cut < len; cut++)
		assert_int_equal(lom_decode(&out, buf, cut), AIS_ENOENT);
	buf[10] ^= 1;
	assert_int_equal(lom_decode(&out, buf, len), AIS_ENOENT);
}

static void
test_custom_metadata_limits(void **state)
{
	struct lom_md md;
	char big[LOM_CUSTOM_MAX + 10];

	(void)state;
	lom_init(&md);
	assert_int_equal(lom_custom_parse(&md, "novalue", 7), AIS_EINVAL);
	lom_init(&md);
	assert_int_equal(lom_custom_parse(&md, "=v", 2), AIS_EINVAL);
	memset(big, 'x', sizeof(big));
	big[0] = 'k';
	big[1] = '=';
	lom_init(&md);
	assert_int_equal(lom_custom_parse(&md, big, sizeof(big)),
	    AIS_ETOOLONG);
}

static void
test_store_and_load_on_a_file(void **state)
{
	char path[] = "/tmp/test_lom.XXXXXX";
	struct lom_md md = sample(), out;
	int fd;

	(void)state;
	assert_true((fd = mkstemp(path)) >= 0);
	assert_int_equal(lom_load_fd(fd, &out), AIS_ENOENT);
	assert_int_equal(lom_store_fd(fd, &md), AIS_OK);
	assert_int_equal(lom_load_fd(fd, &out), AIS_OK);
	assert_string_equal(out.ckval, md.ckval);
	assert_int_equal(lom_load_path(path, &out), AIS_OK);
	assert_int_equal(out.size, md.size);
	close(fd);
	unlink(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_decode_round_trip),
		cmocka_unit_test(test_torn_record_is_rejected),
		cmocka_unit_test(test_custom_metadata_limits),
		cmocka_unit_test(test_store_and_load_on_a_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
