/*
 * test_cli.c: URIs of the tools, hostile ones included; sizes; exit codes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <cmocka.h>

#include "cli.h"
#include "client.h"

static void
test_uris(void **state)
{
	struct cli_uri u;
	char buf[128], *path;

	(void)state;
	assert_int_equal(cli_parse_uri("ais://b/x y/z", &u), AIS_OK);
	assert_string_equal(u.provider, "ais");
	assert_string_equal(u.bucket, "b");
	assert_string_equal(u.object, "x y/z");
	path = cli_object_path(&u);
	assert_string_equal(path, "/v1/objects/b/x%20y/z?provider=ais");
	free(path);
	assert_int_equal(cli_parse_uri("s3://data", &u), AIS_OK);
	assert_string_equal(u.provider, "aws");
	cli_uri_format(&u, buf, sizeof(buf));
	assert_string_equal(buf, "s3://data");
	assert_int_equal(cli_parse_uri("plain/o", &u), AIS_OK);
	assert_string_equal(u.provider, "ais");
	assert_int_equal(cli_parse_uri("gopher://b", &u), AIS_EINVAL);
	assert_int_equal(cli_parse_uri("ais://b/../x", &u), AIS_EINVAL);
	assert_int_equal(cli_parse_uri("ais://../x", &u), AIS_EINVAL);
	assert_int_equal(cli_parse_uri("ais://", &u), AIS_EINVAL);
	assert_int_equal(cli_parse_uri("://b", &u), AIS_EINVAL);
}

static void
test_escape(void **state)
{
	char *s;

	(void)state;
	s = client_escape("a/b c%?#\xe2\x98\x83");
	assert_string_equal(s, "a/b%20c%25%3F%23%E2%98%83");
	free(s);
}

static void
test_sizes_and_exit_codes(void **state)
{
	char buf[32];

	(void)state;
	cli_human_size(0, buf, sizeof(buf));
	assert_string_equal(buf, "0B");
	cli_human_size(1536, buf, sizeof(buf));
	assert_string_equal(buf, "1.5KiB");
	cli_human_size(3LL << 30, buf, sizeof(buf));
	assert_string_equal(buf, "3.0GiB");
	assert_int_equal(cli_exit_code(AIS_OK), 0);
	assert_int_equal(cli_exit_code(AIS_ENOENT), EX_NOINPUT);
	assert_int_equal(cli_exit_code(AIS_ECONNREFUSED), EX_UNAVAILABLE);
	assert_int_equal(cli_exit_code(AIS_ECHECKSUM), EX_DATAERR);
	assert_int_equal(client_status_err(404), AIS_ENOENT);
	assert_int_equal(client_status_err(200), AIS_OK);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uris),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_sizes_and_exit_codes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
