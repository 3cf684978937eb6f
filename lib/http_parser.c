/*
 * http_parser.c: request heads (RFC 9112 sections 3 and 5), strictly: a
 * malformed line is refused rather than guessed at, since the proxy and
 * targets must agree on where one request ends and the next begins.
 */
#include <string.h>

#include "http_parser.h"

static const struct { const char *name; enum http_method m; } methods[] = {
	{ "GET", HTTP_GET }, { "HEAD", HTTP_HEAD }, { "PUT", HTTP_PUT },
	{ "POST", HTTP_POST }, { "DELETE", HTTP_DELETE },
	{ "PATCH", HTTP_PATCH }, { "OPTIONS", HTTP_OPTIONS },
};

static bool
is_tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' && strchr("!#$%&'*+-.^_`|~",
	    c) != NULL);
}

/* Finds the blank line ending the head; 0 when not there yet. */
static size_t
head_end(const char *buf, size_t len, size_t *scanned, bool *bare_lf)
{
	size_t i = *scanned > 3 ? *scanned - 3 : 0;

	*bare_lf = false;
	for (; i < len; i++) {
		if (buf[i] != '\n')
			continue;
		if (i == 0 || buf[i - 1] != '\r') {
			*bare_lf = true;
			return i + 1;
		}
		if (i >= 3 && buf[i - 2] == '\n' && buf[i - 3] == '\r')
			return i + 1;
	}
	*scanned = len;
	return 0;
}

static enum http_parse_result
parse_request_line(const char *p, const char *eol, struct http_request *req)
{
	const char *sp1, *sp2, *q;
	size_t i;

	if ((sp1 = memchr(p, ' ', (size_t)(eol - p))) == NULL || sp1 == p)
		return HTTP_PARSE_BAD;
	for (q = p; q < sp1; q++)
		if (!is_tchar((unsigned char)*q))
			return HTTP_PARSE_BAD;
	req->method_str = (struct slice){ p, (size_t)(sp1 - p) };
	req->method = HTTP_OTHER;
	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (slice_eq(req->method_str, methods[i].name))
			req->method = methods[i].m;
	if ((sp2 = memchr(sp1 + 1, ' ', (size_t)(eol - sp1 - 1))) == NULL ||
	    sp2 == sp1 + 1 || sp1[1] != '/')
		return HTTP_PARSE_BAD;
	for (q = sp1 + 1; q < sp2; q++)
		if ((unsigned char)*q <= 0x20 || (unsigned char)*q >= 0x7f)
			return HTTP_PARSE_BAD;
	req->target = (struct slice){ sp1 + 1, (size_t)(sp2 - sp1 - 1) };
	q = memchr(req->target.ptr, '?', req->target.len);
	req->path = (struct slice){ req->target.ptr, q != NULL ?
	    (size_t)(q - req->target.ptr) : req->target.len };
	req->query = q != NULL ? (struct slice){ q + 1, (size_t)(sp2 - q - 1) }
	    : (struct slice){ sp2, 0 };
	if (eol - sp2 - 1 != 8 || memcmp(sp2 + 1, "HTTP/", 5) != 0 ||
	    sp2[6] < '0' || sp2[6] > '9' || sp2[7] != '.' || sp2[8] < '0' ||
	    sp2[8] > '9')
		return HTTP_PARSE_BAD;
	if (sp2[6] != '1')
		return HTTP_PARSE_VERSION;
	req->version_minor = sp2[8] - '0';
	return HTTP_PARSE_OK;
}

/* Content-Length: digits only; a repeated field must repeat the value. */
static enum http_parse_result
parse_content_length(struct slice v, struct http_request *req)
{
	int64_t n = 0;
	size_t i;

	if (v.len == 0 || v.len > 18)
		return HTTP_PARSE_BAD;
	for (i = 0; i < v.len; i++) {
		if (v.ptr[i] < '0' || v.ptr[i] > '9')
			return HTTP_PARSE_BAD;
		n = n * 10 + (v.ptr[i] - '0');
	}
	if (req->content_length >= 0 && req->content_length != n)
		return HTTP_PARSE_BAD;
	req->content_length = n;
	return HTTP_PARSE_OK;
}

/* Does a comma-separated field value contain token (any case)? */
static bool
has_token(struct slice v, const char *token)
{
	const char *p = v.ptr, *end = v.ptr + v.len, *comma;
	size_t n = strlen(token), len;

	while (p < end) {
		while (p < end && (*p == ' ' || *p == '\t' || *p == ','))
			p++;
		if ((comma = memchr(p, ',', (size_t)(end - p))) == NULL)
			comma = end;
		len = (size_t)(comma - p);
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len == n && strncasecmp(p, token, n) == 0)
			return true;
		p = comma;
	}
	return false;
}

static enum http_parse_result
apply_header(struct http_request *req, struct http_header *h,
    bool *conn_close, bool *conn_keep)
{
	if (slice_caseeq(h->name, "Content-Length"))
		return parse_content_length(h->value, req);
	if (slice_caseeq(h->name, "Transfer-Encoding")) {
		if (!slice_caseeq(h->value, "chunked"))
			return HTTP_PARSE_TE;
		req->chunked = true;
	} else if (slice_caseeq(h->name, "Connection")) {
		*conn_close |= has_token(h->value, "close");
		*conn_keep |= has_token(h->value, "keep-alive");
	} else if (slice_caseeq(h->name, "Expect"))
		req->expect_continue = slice_caseeq(h->value, "100-continue");
	return HTTP_PARSE_OK;
}

static enum http_parse_result
parse_field(const char *p, const char *eol, struct http_header *h)
{
	const char *colon = memchr(p, ':', (size_t)(eol - p)), *v, *q;

	if (colon == NULL || colon == p)
		return HTTP_PARSE_BAD;
	for (q = p; q < colon; q++)
		if (!is_tchar((unsigned char)*q))
			return HTTP_PARSE_BAD;
	for (v = colon + 1; v < eol && (*v == ' ' || *v == '\t'); v++)
		;
	for (q = v; q < eol; q++)
		if (((unsigned char)*q < 0x20 && *q != '\t') || *q == 0x7f)
			return HTTP_PARSE_BAD;
	while (eol > v && (eol[-1] == ' ' || eol[-1] == '\t'))
		eol--;
	h->name = (struct slice){ p, (size_t)(colon - p) };
	h->value = (struct slice){ v, (size_t)(eol - v) };
	return HTTP_PARSE_OK;
}

enum http_parse_result
http_parse_request(const char *buf, size_t len, size_t max, size_t *scanned,
    struct http_request *req, size_t *consumed)
{
	bool bare_lf, conn_close = false, conn_keep = false;
	const char *p, *eol, *end;
	enum http_parse_result r;
	size_t n;

	if ((n = head_end(buf, len < max ? len : max, scanned, &bare_lf)) == 0)
		return len >= max ? HTTP_PARSE_TOO_BIG : HTTP_PARSE_AGAIN;
	if (bare_lf)
		return HTTP_PARSE_BAD;
	memset(req, 0, sizeof(*req));
	req->content_length = -1;
	end = buf + n - 2;		/* the final CRLF */
	eol = memchr(buf, '\r', (size_t)(end - buf));
	if (eol == NULL || eol[1] != '\n')	/* a lone CR */
		return HTTP_PARSE_BAD;
	if ((r = parse_request_line(buf, eol, req)) != HTTP_PARSE_OK)
		return r;
	for (p = eol + 2; p < end; p = eol + 2) {
		eol = memchr(p, '\r', (size_t)(end - p));
		if (eol == NULL || eol[1] != '\n')
			return HTTP_PARSE_BAD;
		if (*p == ' ' || *p == '\t')	/* obsolete line folding */
			return HTTP_PARSE_BAD;
		if (req->nheaders == HTTP_MAX_HEADERS)
			return HTTP_PARSE_TOO_BIG;
		if ((r = parse_field(p, eol, &req->headers[req->nheaders])) !=
		    HTTP_PARSE_OK || (r = apply_header(req,
		    &req->headers[req->nheaders], &conn_close, &conn_keep)) !=
		    HTTP_PARSE_OK)
			return r;
		req->nheaders++;
	}
	if (req->chunked && req->content_length >= 0)
		return HTTP_PARSE_BAD;
	req->keepalive = req->version_minor >= 1 ? !conn_close : conn_keep;
	*consumed = n;
	return HTTP_PARSE_OK;
}
