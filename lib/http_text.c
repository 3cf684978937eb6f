/*
 * http_text.c: text helpers of the HTTP server that need no connection:
 * header lookup, query parameters, percent-decoding, reason phrases.
 */
#include <string.h>
#include <strings.h>
#include <time.h>

#include "http_server.h"

struct slice
http_req_header(const struct http_request *req, const char *name)
{
	int i;

	for (i = 0; i < req->nheaders; i++)
		if (slice_caseeq(req->headers[i].name, name))
			return req->headers[i].value;
	return SLICE_NULL;
}

bool
http_query_get(struct slice q, const char *key, struct slice *value)
{
	const char *p = q.ptr, *end = q.ptr + q.len, *amp, *eq;
	size_t klen = strlen(key);

	while (p != NULL && p < end) {
		if ((amp = memchr(p, '&', (size_t)(end - p))) == NULL)
			amp = end;
		eq = memchr(p, '=', (size_t)(amp - p));
		if ((size_t)((eq != NULL ? eq : amp) - p) == klen &&
		    memcmp(p, key, klen) == 0) {
			*value = eq != NULL ? (struct slice){ eq + 1,
			    (size_t)(amp - eq - 1) } : (struct slice){ amp, 0 };
			return true;
		}
		p = amp + 1;
	}
	return false;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

ais_err
http_url_decode(struct slice src, char *dst, size_t dstlen, size_t *outlen,
    bool plus_is_space)
{
	size_t i, n = 0;
	int hi, lo;
	char c;

	for (i = 0; i < src.len; i++) {
		c = src.ptr[i];
		if (c == '%') {
			if (i + 2 >= src.len)
				return AIS_EINVAL;
			hi = hexval(src.ptr[i + 1]);
			lo = hexval(src.ptr[i + 2]);
			if (hi < 0 || lo < 0)
				return AIS_EINVAL;
			c = (char)(hi << 4 | lo);
			i += 2;
		} else if (c == '+' && plus_is_space)
			c = ' ';
		if (c == '\0')
			return AIS_EINVAL;
		if (n + 1 >= dstlen)
			return AIS_ETOOLONG;
		dst[n++] = c;
	}
	if (dstlen == 0)
		return AIS_ETOOLONG;
	dst[n] = '\0';
	*outlen = n;
	return AIS_OK;
}

size_t
http_host_len(struct slice a, bool https)
{
	const char *port = https ? ":443" : ":80";
	size_t n = strlen(port);

	if (a.len > n && memcmp(a.ptr + a.len - n, port, n) == 0)
		return a.len - n;
	return a.len;
}

/*
 * By hand: strftime, locale and all, was most of a Last-Modified header's
 * cost.  Years past 9999 do not fit the format; they print as 9999.
 */
void
http_date(char buf[HTTP_DATE_LEN + 1], time_t t)
{
	static const char days[] = "SunMonTueWedThuFriSat";
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	struct tm tm;
	int year;

	if (gmtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	year = tm.tm_year + 1900;
	if (year < 0)
		year = 0;
	if (year > 9999)
		year = 9999;
	memcpy(buf, days + 3 * tm.tm_wday, 3);
	buf[3] = ',';
	buf[4] = ' ';
	buf[5] = (char)('0' + tm.tm_mday / 10);
	buf[6] = (char)('0' + tm.tm_mday % 10);
	buf[7] = ' ';
	memcpy(buf + 8, months + 3 * tm.tm_mon, 3);
	buf[11] = ' ';
	buf[12] = (char)('0' + year / 1000);
	buf[13] = (char)('0' + year / 100 % 10);
	buf[14] = (char)('0' + year / 10 % 10);
	buf[15] = (char)('0' + year % 10);
	buf[16] = ' ';
	buf[17] = (char)('0' + tm.tm_hour / 10);
	buf[18] = (char)('0' + tm.tm_hour % 10);
	buf[19] = ':';
	buf[20] = (char)('0' + tm.tm_min / 10);
	buf[21] = (char)('0' + tm.tm_min % 10);
	buf[22] = ':';
	buf[23] = (char)('0' + tm.tm_sec / 10);
	buf[24] = (char)('0' + tm.tm_sec % 10);
	memcpy(buf + 25, " GMT", 5);
}

const char *
http_status_text(int status)
{
	switch (status) {
	case 100: return "Continue";
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 206: return "Partial Content";
	case 301: return "Moved Permanently";
	case 304: return "Not Modified";
	case 307: return "Temporary Redirect";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 409: return "Conflict";
	case 411: return "Length Required";
	case 413: return "Content Too Large";
	case 416: return "Range Not Satisfiable";
	case 422: return "Unprocessable Content";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	case 505: return "HTTP Version Not Supported";
	case 507: return "Insufficient Storage";
	}
	return "Unknown";
}
