/*
 * test_chunked.c: chunked framing, fed whole and split at every byte;
 * bare LFs, bad sizes, overflow and endless extensions are refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "chunked.h"

struct decoded {
	enum chunked_step	 end;	/* DONE, BAD or MORE (ran out) */
	char			 data[256];
	size_t			 len;
	size_t			 used;	/* input bytes up to the end */
};

/* Decodes in[0, len) fed in pieces of `piece` bytes. */
static struct decoded
decode(const char *in, size_t len, size_t piece)
{
	struct decoded d = { .end = CHUNKED_MORE };
	struct chunked ck;
	const char *p, *end;
	size_t off, n;

	chunked_init(&ck);
	for (off = 0; off < len; off += piece) {
		p = in + off;
		end = in + (off + piece < len ? off + piece : len);
		while ((d.end = chunked_next(&ck, &p, end, &n)) ==
		    CHUNKED_DATA) {
			assert_true(n > 0 && d.len + n <= sizeof(d.data));
			memcpy(d.data + d.len, p, n);
			d.len += n;
			p += n;
			chunked_took(&ck, n);
		}
		if (d.end != CHUNKED_MORE) {
			d.used = (size_t)(p - in);
			return d;
		}
	}
	return d;
}

/* The same outcome whatever the pieces the input arrives in. */
static struct decoded
decode_all_ways(const char *in)
{
	struct decoded whole = decode(in, strlen(in), strlen(in)), d;
	size_t piece;

	for (piece = 1; piece < strlen(in); piece++) {
		d = decode(in, strlen(in), piece);
		assert_int_equal(d.end, whole.end);
		assert_int_equal(d.len, whole.len);
		assert_memory_equal(d.data, whole.data, d.len);
		if (d.end == CHUNKED_DONE)
			assert_int_equal(d.used, whole.used);
	}
	return whole;
}

static void
test_bodies_decode_in_any_split(void **state)
{
	static const char body[] = "5\r\nhello\r\n6;x=1\r\n world\r\n"
	    "A \t;y\r\n0123456789\r\n0\r\nT: v\r\nU: w\r\n\r\nNEXT";
	struct decoded d;

	(void)state;
	d = decode_all_ways(body);
	assert_int_equal(d.end, CHUNKED_DONE);
	assert_int_equal(d.len, 21);
	assert_memory_equal(d.data, "hello world0123456789", 21);
	assert_int_equal(d.used, sizeof(body) - 1 - 4);	/* NEXT stays */
	d = decode_all_ways("0\r\n\r\n");
	assert_int_equal(d.end, CHUNKED_DONE);
	assert_int_equal(d.len, 0);
	d = decode_all_ways("00000003\r\nabc\r\n0;last\r\n\r\n");
	assert_int_equal(d.end, CHUNKED_DONE);
	assert_int_equal(d.len, 3);
}

static void
test_truncated_body_wants_more(void **state)
{
	(void)state;
	assert_int_equal(decode_all_ways("5\r\nhel").end, CHUNKED_MORE);
	assert_int_equal(decode_all_ways("5\r\nhello\r\n0\r\n").end,
	    CHUNKED_MORE);
	assert_int_equal(decode_all_ways("5\r\nhello\r\n0\r\nT: v\r\n").end,
	    CHUNKED_MORE);
}

static void
test_bare_lf_is_refused(void **state)
{
	(void)state;
	assert_int_equal(decode_all_ways("5\nhello\r\n0\r\n\r\n").end,
	    CHUNKED_BAD);
	assert_int_equal(decode_all_ways("5;x\nhello\r\n0\r\n\r\n").end,
	    CHUNKED_BAD);
	assert_int_equal(decode_all_ways("5\r\nhello\n0\r\n\r\n").end,
	    CHUNKED_BAD);
	assert_int_equal(decode_all_ways("0\r\nT: v\n\r\n").end,
	    CHUNKED_BAD);
	assert_int_equal(decode_all_ways("0\r\n\n").end, CHUNKED_BAD);
}

static void
test_bad_sizes_are_refused(void **state)
{
	(void)state;
	assert_int_equal(decode_all_ways("zz\r\n").end, CHUNKED_BAD);
	assert_int_equal(decode_all_ways("\r\nhello").end, CHUNKED_BAD);
	assert_int_equal(decode_all_ways(";x\r\n").end, CHUNKED_BAD);
	assert_int_equal(decode_all_ways("-5\r\n").end, CHUNKED_BAD);
	assert_int_equal(decode_all_ways("5\r\nhelloX\r\n").end, CHUNKED_BAD);
	assert_int_equal(decode_all_ways("5\r\nhello\rX").end, CHUNKED_BAD);
	/* 2^64 + 5 must not wrap into a small chunk */
	assert_int_equal(decode_all_ways("10000000000000005\r\nhello").end,
	    CHUNKED_BAD);
	assert_int_equal(decode_all_ways("7fffffffffffffff\r\nab").end,
	    CHUNKED_MORE);
}

static void
test_endless_extension_or_trailer_is_refused(void **state)
{
	char in[2 * CHUNKED_LINE_MAX];
	struct decoded d;

	(void)state;
	memset(in, 'x', sizeof(in));
	memcpy(in, "1;", 2);
	d = decode(in, sizeof(in), sizeof(in));
	assert_int_equal(d.end, CHUNKED_BAD);
	memcpy(in, "0\r\nT", 4);
	d = decode(in, sizeof(in), sizeof(in));
	assert_int_equal(d.end, CHUNKED_BAD);
	/* an extension of exactly the limit is fine */
	memset(in, 'x', sizeof(in));
	memcpy(in, "1;", 2);
	memcpy(in + 2 + CHUNKED_LINE_MAX, "\r\nZ\r\n0\r\n\r\n", 10);
	d = decode(in, 2 + CHUNKED_LINE_MAX + 10, 7);
	assert_int_equal(d.end, CHUNKED_DONE);
	assert_int_equal(d.len, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bodies_decode_in_any_split),
		cmocka_unit_test(test_truncated_body_wants_more),
		cmocka_unit_test(test_bare_lf_is_refused),
		cmocka_unit_test(test_bad_sizes_are_refused),
		cmocka_unit_test(test_endless_extension_or_trailer_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
