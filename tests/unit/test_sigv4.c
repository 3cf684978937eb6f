/*
 * test_sigv4.c: signatures of S3 requests against a reference.
 *
 * The expected signatures are botocore's (Debian's python3-botocore
 * 1.29, S3SigV4Auth at a fixed time), printed by
 * tests/helpers/sigv4-vectors.py; botocore reproduces the two examples
 * of AWS's documentation used here ("Signature Calculations for the
 * Authorization Header": GET Bucket, GET Bucket lifecycle).  s3rver does
 * not check V4 signatures; these vectors and tests/helpers/sigv4-origin.py
 * do.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "sigv4.h"

#define EMPTY_SHA256 \
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

static const time_t aws_example = 1369353600;	/* 2013-05-24T00:00:00Z */
static const time_t dec1 = 1796149805;		/* 2026-12-01T18:30:05Z */
static const time_t dec2 = 1796169601;		/* 2026-12-02T00:00:01Z */

/* The Signature= part of what s signs. */
static const char *
signature(struct sigv4 *s, const char *method, const char *url,
    const char *payload, time_t now, struct sigv4_headers *h)
{
	const char *sig;

	assert_int_equal(sigv4_sign(s, method, url, payload, now, h), AIS_OK);
	sig = strstr(h->auth, "Signature=");
	assert_non_null(sig);
	return sig + strlen("Signature=");
}

static void
test_aws_examples(void **state)
{
	struct sigv4_headers h;
	struct sigv4 *s;

	(void)state;
	assert_int_equal(sigv4_new(&s, "AKIAIOSFODNN7EXAMPLE",
	    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "us-east-1"), AIS_OK);
	assert_string_equal(signature(s, "GET",
	    "https://examplebucket.s3.amazonaws.com/?max-keys=2&prefix=J",
	    EMPTY_SHA256, aws_example, &h),
	    "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
	assert_string_equal(h.auth, "Authorization: AWS4-HMAC-SHA256 "
	    "Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/"
	    "aws4_request, SignedHeaders=host;x-amz-content-sha256;"
	    "x-amz-date, Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc"
	    "59db6670ed5711ef69dc6f7");
	assert_string_equal(h.host, "Host: examplebucket.s3.amazonaws.com");
	assert_string_equal(h.date, "x-amz-date: 20130524T000000Z");
	/* a parameter without a value signs as "lifecycle=" */
	assert_string_equal(signature(s, "GET",
	    "https://examplebucket.s3.amazonaws.com/?lifecycle", EMPTY_SHA256,
	    aws_example, &h),
	    "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
	sigv4_free(s);
}

static void
test_unsigned_payload_requests(void **state)
{
	struct sigv4_headers h;
	struct sigv4 *s;

	(void)state;
	assert_int_equal(sigv4_new(&s, "S3RVER", "S3RVER", "us-east-1"),
	    AIS_OK);
	assert_string_equal(signature(s, "GET",
	    "http://127.0.0.1:9000/bench/m1-001", SIGV4_UNSIGNED, dec1, &h),
	    "03a5b1794cf3a11c8e820df651fc25ffc64ac0ec8b2b0a16fceab0b5da5b06a4");
	assert_string_equal(h.host, "Host: 127.0.0.1:9000");
	/* space, '+', '%', '~' and UTF-8 in a key, HEAD */
	assert_string_equal(signature(s, "HEAD",
	    "http://127.0.0.1:9000/bench/dir/a%20b%2Bc%25d~%C3%A9",
	    SIGV4_UNSIGNED, dec1, &h),
	    "3b6b3354635acfa87eb57fb1b5a91e5c0e8713ee56a35999d1fc10ea33f84de8");
	/* the same key with '~' sent as %7E signs the same */
	assert_string_equal(signature(s, "HEAD",
	    "http://127.0.0.1:9000/bench/dir/a%20b%2Bc%25d%7E%c3%a9",
	    SIGV4_UNSIGNED, dec1, &h),
	    "3b6b3354635acfa87eb57fb1b5a91e5c0e8713ee56a35999d1fc10ea33f84de8");
	/* the next day's key is derived again */
	assert_string_equal(signature(s, "GET",
	    "http://127.0.0.1:9000/bench/m1-001", SIGV4_UNSIGNED, dec2, &h),
	    "ce3a012232d3f98265178bcd90bde57ef5a6aea274b00f92978c5d7ca1f1f7cf");
	assert_string_equal(h.date, "x-amz-date: 20261202T000001Z");
	sigv4_free(s);
}

static void
test_query_is_sorted_and_encoded(void **state)
{
	static const char *want =
	    "05106ea41ddfbe7059bb929284ac4c5e243e34168fc6bd70230239a5a0d887d4";
	struct sigv4_headers h;
	struct sigv4 *s;

	(void)state;
	assert_int_equal(sigv4_new(&s, "S3RVER", "S3RVER", "us-east-1"),
	    AIS_OK);
	assert_string_equal(signature(s, "GET", "http://127.0.0.1:9000/bench"
	    "?list-type=2&max-keys=1000&prefix=dir%2Fsub%2F"
	    "&continuation-token=ab%2Bc%3D", SIGV4_UNSIGNED, dec1, &h), want);
	/* '/' left as it is in a value, other order: the same canonical query */
	assert_string_equal(signature(s, "GET", "http://127.0.0.1:9000/bench"
	    "?continuation-token=ab%2Bc%3D&prefix=dir/sub/&list-type=2"
	    "&max-keys=1000", SIGV4_UNSIGNED, dec1, &h), want);
	sigv4_free(s);
}

static void
test_default_port_and_region(void **state)
{
	static const char *want =
	    "277980a8e26896c0f9eea6e34d1882a94865fac3c57e2626881857832b160127";
	struct sigv4_headers h;
	struct sigv4 *s;

	(void)state;
	assert_int_equal(sigv4_new(&s, "S3RVER", "S3RVER", "eu-central-1"),
	    AIS_OK);
	assert_string_equal(signature(s, "GET",
	    "https://s3.eu-central-1.amazonaws.com/bucket/key.tar",
	    SIGV4_UNSIGNED, dec1, &h), want);
	assert_string_equal(signature(s, "GET",
	    "https://s3.eu-central-1.amazonaws.com:443/bucket/key.tar",
	    SIGV4_UNSIGNED, dec1, &h), want);
	assert_string_equal(h.host, "Host: s3.eu-central-1.amazonaws.com");
	assert_non_null(strstr(h.auth, "/20261201/eu-central-1/s3/"));
	sigv4_free(s);
}

static void
test_bad_input_is_refused(void **state)
{
	char url[20000];
	struct sigv4_headers h;
	struct sigv4 *s;

	(void)state;
	memset(url, 'a', sizeof(url));
	url[sizeof(url) - 1] = '\0';
	/* a secret key longer than HMAC's block */
	assert_int_equal(sigv4_new(&s, "AK", url + sizeof(url) - 200,
	    "us-east-1"), AIS_ETOOLONG);
	assert_int_equal(sigv4_new(&s, "AK", "SK", "us-east-1"), AIS_OK);
	assert_int_equal(sigv4_sign(s, "GET", "/no/scheme", SIGV4_UNSIGNED,
	    dec1, &h), AIS_EINVAL);
	assert_int_equal(sigv4_sign(s, "GET", "http://user@host/x",
	    SIGV4_UNSIGNED, dec1, &h), AIS_EINVAL);
	/* a broken escape, a NUL, in the path and in the query */
	assert_int_equal(sigv4_sign(s, "GET", "http://h/a%zz", SIGV4_UNSIGNED,
	    dec1, &h), AIS_EINVAL);
	assert_int_equal(sigv4_sign(s, "GET", "http://h/a%00b", SIGV4_UNSIGNED,
	    dec1, &h), AIS_EINVAL);
	assert_int_equal(sigv4_sign(s, "GET", "http://h/b?prefix=%4",
	    SIGV4_UNSIGNED, dec1, &h), AIS_EINVAL);
	memcpy(url, "http://h/", 9);
	assert_int_equal(sigv4_sign(s, "GET", url, SIGV4_UNSIGNED, dec1, &h),
	    AIS_ETOOLONG);
	sigv4_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aws_examples),
		cmocka_unit_test(test_unsigned_payload_requests),
		cmocka_unit_test(test_query_is_sorted_and_encoded),
		cmocka_unit_test(test_default_port_and_region),
		cmocka_unit_test(test_bad_input_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
