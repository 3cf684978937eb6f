/*
 * range.c: single byte-range parsing: "bytes=a-b", "bytes=a-", "bytes=-n".
 * A syntactically invalid header is ignored (RFC 9110: the server may
 * ignore Range), an unsatisfiable one answers 416.
 */
#include <ctype.h>

#include "range.h"

/* Parses digits in [p, end); -1 if none or overflow. */
static int64_t
range_num(const char *p, const char *end)
{
	int64_t v = 0;

	if (p == end)
		return -1;
	for (; p < end; p++) {
		if (!isdigit((unsigned char)*p) || v > (INT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (*p - '0');
	}
	return v;
}

enum range_result
range_parse(struct slice h, int64_t size, int64_t *off, int64_t *len)
{
	const char *p = h.ptr, *end = h.ptr + h.len, *dash;
	int64_t a, b;

	if (h.ptr == NULL || h.len < 7 || strncasecmp(p, "bytes=", 6) != 0)
		return RANGE_NONE;
	p += 6;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (memchr(p, ',', (size_t)(end - p)) != NULL ||
	    (dash = memchr(p, '-', (size_t)(end - p))) == NULL)
		return RANGE_NONE;
	if (dash == p) {		/* suffix: the last n bytes */
		if ((b = range_num(dash + 1, end)) < 0)
			return RANGE_NONE;
		if (b == 0 || size == 0)
			return RANGE_UNSAT;
		*len = b < size ? b : size;
		*off = size - *len;
		return RANGE_OK;
	}
	if ((a = range_num(p, dash)) < 0)
		return RANGE_NONE;
	b = dash + 1 == end ? size - 1 : range_num(dash + 1, end);
	if (b < 0 && dash + 1 != end)
		return RANGE_NONE;
	if (dash + 1 != end && b < a)
		return RANGE_NONE;
	if (a >= size)
		return RANGE_UNSAT;
	if (b >= size)
		b = size - 1;
	*off = a;
	*len = b - a + 1;
	return RANGE_OK;
}
