/*
 * test_http_parser.c: request heads, good and hostile, whole and in
 * pieces.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "http_parser.h"

static enum http_parse_result
parse(const char *s, struct http_request *req, size_t *used)
{
	size_t scanned = 0;

	return http_parse_request(s, strlen(s), 16384, &scanned, req, used);
}

static void
test_get_with_query_and_headers(void **state)
{
	const char *s = "GET /v1/objects/b/o?provider=ais&x=1 HTTP/1.1\r\n"
	    "Host: h\r\nRange:  bytes=0-9 \r\n\r\nNEXT";
	struct http_request req;
	struct slice v;
	size_t used;

	(void)state;
	assert_int_equal(parse(s, &req, &used), HTTP_PARSE_OK);
	assert_int_equal(used, strlen(s) - 4);
	assert_int_equal(req.method, HTTP_GET);
	assert_true(slice_eq(req.path, "/v1/objects/b/o"));
	assert_true(slice_eq(req.query, "provider=ais&x=1"));
	assert_true(slice_eq(http_req_header(&req, "range"), "bytes=0-9"));
	assert_true(http_query_get(req.query, "x", &v) && slice_eq(v, "1"));
	assert_false(http_query_get(req.query, "provider=", &v));
	assert_true(req.keepalive);
	assert_int_equal(req.content_length, -1);
}

static void
test_keepalive_rules(void **state)
{
	struct http_request req;
	size_t used;

	(void)state;
	assert_int_equal(parse("GET / HTTP/1.0\r\n\r\n", &req, &used),
	    HTTP_PARSE_OK);
	assert_false(req.keepalive);
	assert_int_equal(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n"
	    "\r\n", &req, &used), HTTP_PARSE_OK);
	assert_true(req.keepalive);
	assert_int_equal(parse("GET / HTTP/1.1\r\nConnection: x, close\r\n"
	    "\r\n", &req, &used), HTTP_PARSE_OK);
	assert_false(req.keepalive);
}

static void
test_bodies_framing(void **state)
{
	struct http_request req;
	size_t used;

	(void)state;
	assert_int_equal(parse("PUT /a HTTP/1.1\r\nContent-Length: 42\r\n"
	    "Expect: 100-continue\r\n\r\n", &req, &used), HTTP_PARSE_OK);
	assert_int_equal(req.content_length, 42);
	assert_true(req.expect_continue);
	assert_int_equal(parse("PUT /a HTTP/1.1\r\nTransfer-Encoding: chunked"
	    "\r\n\r\n", &req, &used), HTTP_PARSE_OK);
	assert_true(req.chunked);
	assert_int_equal(parse("PUT /a HTTP/1.1\r\nContent-Length: 4\r\n"
	    "Content-Length: 4\r\n\r\n", &req, &used), HTTP_PARSE_OK);
}

static void
test_hostile_heads_are_refused(void **state)
{
	static const struct {
		const char *req;
		enum http_parse_result r;
	} cases[] = {
		{ "GARBAGE\r\n\r\n", HTTP_PARSE_BAD },
		{ "GET\r\n\r\n", HTTP_PARSE_BAD },
		{ "GET / HTTP/1.1 x\r\n\r\n", HTTP_PARSE_BAD },
		{ "GET  / HTTP/1.1\r\n\r\n", HTTP_PARSE_BAD },
		{ "GET http://x/ HTTP/1.1\r\n\r\n", HTTP_PARSE_BAD },
		{ "G(T / HTTP/1.1\r\n\r\n", HTTP_PARSE_BAD },
		{ "GET /a\x01 HTTP/1.1\r\n\r\n", HTTP_PARSE_BAD },
		{ "GET / HTTP/2.0\r\n\r\n", HTTP_PARSE_VERSION },
		{ "GET / HTTX/1.1\r\n\r\n", HTTP_PARSE_BAD },
		{ "GET / HTTP/1.1\nHost: x\n\n", HTTP_PARSE_BAD },
		{ "GET / HTTP/1.1\r\nBad Name: x\r\n\r\n", HTTP_PARSE_BAD },
		{ "GET / HTTP/1.1\r\nNoColon\r\n\r\n", HTTP_PARSE_BAD },
		{ "GET / HTTP/1.1\r\n: x\r\n\r\n", HTTP_PARSE_BAD },
		{ "GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n", HTTP_PARSE_BAD },
		{ "GET / HTTP/1.1\r\nA: b\rc\r\n\r\n", HTTP_PARSE_BAD },
		{ "GET / HTTP/1.1\r\nA: \x7f\r\n\r\n", HTTP_PARSE_BAD },
		{ "PUT / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
		    HTTP_PARSE_BAD },
		{ "PUT / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n",
		    HTTP_PARSE_BAD },
		{ "PUT / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n"
		    "\r\n", HTTP_PARSE_BAD },
		{ "PUT / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n"
		    "\r\n", HTTP_PARSE_BAD },
		{ "PUT / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: "
		    "chunked\r\n\r\n", HTTP_PARSE_BAD },
		{ "PUT / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n",
		    HTTP_PARSE_TE },
	};
	struct http_request req;
	size_t i, used;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum http_parse_result r = parse(cases[i].req, &req, &used);

		if (r != cases[i].r)
			fail_msg("case %zu: %d, expected %d", i, r, cases[i].r);
	}
}

static void
test_too_big_and_too_many(void **state)
{
	char big[20000], many[8192];
	struct http_request req;
	size_t used, scanned = 0, n;
	int i;

	(void)state;
	memset(big, 'a', sizeof(big));
	memcpy(big, "GET / HTTP/1.1\r\nX: ", 19);
	assert_int_equal(http_parse_request(big, sizeof(big), 16384, &scanned,
	    &req, &used), HTTP_PARSE_TOO_BIG);
	n = (size_t)snprintf(many, sizeof(many), "GET / HTTP/1.1\r\n");
	for (i = 0; i < HTTP_MAX_HEADERS + 1; i++)
		n += (size_t)snprintf(many + n, sizeof(many) - n, "H%d: v\r\n", i);
	n += (size_t)snprintf(many + n, sizeof(many) - n, "\r\n");
	scanned = 0;
	assert_int_equal(http_parse_request(many, n, 16384, &scanned, &req,
	    &used), HTTP_PARSE_TOO_BIG);
}

static void
test_split_at_every_byte(void **state)
{
	const char *s = "PUT /v1/objects/b/o HTTP/1.1\r\nHost: h\r\n"
	    "Content-Length: 5\r\n\r\n";
	struct http_request req;
	size_t len = strlen(s), cut, scanned, used;

	(void)state;
	for (cut = 0; cut < len; cut++) {
		scanned = 0;
		assert_int_equal(http_parse_request(s, cut, 16384, &scanned,
		    &req, &used), HTTP_PARSE_AGAIN);
		assert_int_equal(http_parse_request(s, len, 16384, &scanned,
		    &req, &used), HTTP_PARSE_OK);
		assert_int_equal(used, len);
		assert_int_equal(req.content_length, 5);
	}
}

static void
test_url_decode(void **state)
{
	char out[16];
	size_t n;

	(void)state;
	assert_int_equal(http_url_decode(slice_from("a%20b+c"), out,
	    sizeof(out), &n, true), AIS_OK);
	assert_string_equal(out, "a b c");
	assert_int_equal(http_url_decode(slice_from("a+b"), out, sizeof(out),
	    &n, false), AIS_OK);
	assert_string_equal(out, "a+b");
	assert_int_equal(http_url_decode(slice_from("%0"), out, sizeof(out),
	    &n, false), AIS_EINVAL);
	assert_int_equal(http_url_decode(slice_from("%00"), out, sizeof(out),
	    &n, false), AIS_EINVAL);
	assert_int_equal(http_url_decode(slice_from("0123456789abcdefX"), out,
	    sizeof(out), &n, false), AIS_ETOOLONG);
}

/* The Host a client sends and a signature names: no default port. */
static void
test_host_leaves_out_the_default_port(void **state)
{
	(void)state;
	assert_int_equal(http_host_len(slice_from("s3.example:80"), false), 10);
	assert_int_equal(http_host_len(slice_from("[::1]:80"), false), 5);
	assert_int_equal(http_host_len(slice_from("h:8080"), false), 6);
	assert_int_equal(http_host_len(slice_from("h:180"), false), 5);
	assert_int_equal(http_host_len(slice_from("h:80"), true), 4);
	assert_int_equal(http_host_len(slice_from("h:443"), true), 1);
	assert_int_equal(http_host_len(slice_from("h:443"), false), 5);
	assert_int_equal(http_host_len(slice_from(":80"), false), 3);
}

/* http_date formats as strftime does in the C locale, leap days too */
static void
test_http_date_matches_strftime(void **state)
{
	static const time_t at[] = { 0, 784111777, 951782400, 951868799,
	    1709164800, 2147483647, 4102444800, 253402300799 };
	char got[HTTP_DATE_LEN + 1], want[64];
	struct tm tm;
	time_t t;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		gmtime_r(&at[i], &tm);
		strftime(want, sizeof(want), "%a, %d %b %Y %H:%M:%S GMT", &tm);
		http_date(got, at[i]);
		assert_string_equal(got, want);
	}
	/* every day of four years, at a time of day that changes */
	for (t = 946684800; t < 946684800 + 4 * 366 * 86400; t += 86400 + 3607) {
		gmtime_r(&t, &tm);
		strftime(want, sizeof(want), "%a, %d %b %Y %H:%M:%S GMT", &tm);
		http_date(got, t);
		assert_string_equal(got, want);
	}
	http_date(got, 784111777);
	assert_string_equal(got, "Sun, 06 Nov 1994 08:49:37 GMT");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get_with_query_and_headers),
		cmocka_unit_test(test_keepalive_rules),
		cmocka_unit_test(test_bodies_framing),
		cmocka_unit_test(test_hostile_heads_are_refused),
		cmocka_unit_test(test_too_big_and_too_many),
		cmocka_unit_test(test_split_at_every_byte),
		cmocka_unit_test(test_url_decode),
		cmocka_unit_test(test_host_leaves_out_the_default_port),
		cmocka_unit_test(test_http_date_matches_strftime),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
