/*
 * client.c: libcurl glue of the tools (see client.h).
 */
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>

#include "client.h"

struct client {
	CURL		*curl;
	char		 endpoint[512];
	char		 error[CURL_ERROR_SIZE + 256];
};

struct xfer {
	CURL			*cu;
	const struct client_req	*req;
	struct client_resp	*resp;
	int			 sink_failed;
};

ais_err
client_new(struct client **out, const char *endpoint)
{
	struct client *c;
	size_t n;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0 ||
	    (c = calloc(1, sizeof(*c))) == NULL)
		return AIS_ENOMEM;
	if ((c->curl = curl_easy_init()) == NULL) {
		free(c);
		return AIS_ENOMEM;
	}
	strlcpy(c->endpoint, endpoint, sizeof(c->endpoint));
	n = strlen(c->endpoint);
	while (n > 0 && c->endpoint[n - 1] == '/')
		c->endpoint[--n] = '\0';
	*out = c;
	return AIS_OK;
}

void
client_free(struct client *c)
{
	if (c == NULL)
		return;
	curl_easy_cleanup(c->curl);
	free(c);
	curl_global_cleanup();
}

const char *
client_error(const struct client *c)
{
	return c->error;
}

static int
append(char **buf, size_t *len, const char *data, size_t n)
{
	char *grown;

	if ((grown = realloc(*buf, *len + n + 1)) == NULL)
		return -1;
	memcpy(grown + *len, data, n);
	*len += n;
	grown[*len] = '\0';
	*buf = grown;
	return 0;
}

static size_t
on_header(char *data, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;

	/* a new status line (after a redirect) starts a new header set */
	if (n * size >= 5 && strncmp(data, "HTTP/", 5) == 0)
		x->resp->headers_len = 0;
	return append(&x->resp->headers, &x->resp->headers_len, data,
	    size * n) == 0 ? size * n : 0;
}

static size_t
on_body(char *data, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;
	long status = 0;

	curl_easy_getinfo(x->cu, CURLINFO_RESPONSE_CODE, &status);
	if (x->req->sink != NULL && status < 300) {
		if (x->req->sink(x->req->sink_arg, data, size * n) != 0) {
			x->sink_failed = 1;
			return 0;
		}
		return size * n;
	}
	return append(&x->resp->body, &x->resp->body_len, data, size * n) ==
	    0 ? size * n : 0;
}

static size_t
on_read(char *buf, size_t size, size_t n, void *arg)
{
	FILE *f = arg;
	size_t got = fread(buf, 1, size * n, f);

	if (got == 0 && ferror(f))
		return CURL_READFUNC_ABORT;
	return got;
}

const char *
client_resp_header(const struct client_resp *r, const char *name, char *buf,
    size_t len)
{
	const char *p = r->headers, *end = r->headers + r->headers_len, *eol;
	size_t n = strlen(name), vlen;

	while (p != NULL && p < end) {
		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
			eol = end;
		if ((size_t)(eol - p) > n && strncasecmp(p, name, n) == 0 &&
		    p[n] == ':') {
			p += n + 1;
			while (p < eol && (*p == ' ' || *p == '\t'))
				p++;
			vlen = (size_t)(eol - p);
			while (vlen > 0 && (p[vlen - 1] == '\r' ||
			    p[vlen - 1] == ' '))
				vlen--;
			if (vlen >= len)
				vlen = len - 1;
			memcpy(buf, p, vlen);
			buf[vlen] = '\0';
			return buf;
		}
		p = eol + 1;
	}
	return NULL;
}

ais_err
client_status_err(long status)
{
	if (status < 400)
		return AIS_OK;
	switch (status) {
	case 400: case 431: return AIS_EINVAL;
	case 404: return AIS_ENOENT;
	case 409: return AIS_EEXIST;
	case 422: return AIS_ECHECKSUM;
	case 502: case 503: case 504: return AIS_EBACKEND;
	case 507: return AIS_ENOSPC;
	default: return AIS_EIO;
	}
}

/* Puts the server's JSON "message" (or the status) into c->error. */
static void
client_server_error(struct client *c, const struct client_resp *r)
{
	json_error_t jerr;
	const char *msg;
	json_t *j = NULL;

	if (r->body != NULL)
		j = json_loadb(r->body, r->body_len, 0, &jerr);
	msg = json_string_value(json_object_get(j, "message"));
	if (msg != NULL)
		strlcpy(c->error, msg, sizeof(c->error));
	else if (r->status == 404)
		strlcpy(c->error, "not found", sizeof(c->error));
	else
		snprintf(c->error, sizeof(c->error), "HTTP status %ld",
		    r->status);
	json_decref(j);
}

static ais_err
client_transport_err(struct client *c, CURLcode rc, const char *url)
{
	char detail[CURL_ERROR_SIZE];

	strlcpy(detail, c->error[0] ? c->error : curl_easy_strerror(rc),
	    sizeof(detail));
	snprintf(c->error, sizeof(c->error), "%s: %s", url, detail);
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
		return AIS_ECONNREFUSED;
	case CURLE_OPERATION_TIMEDOUT:
		return AIS_ETIMEDOUT;
	case CURLE_WRITE_ERROR:
		return AIS_EIO;
	default:
		return AIS_EBACKEND;
	}
}

static ais_err
client_perform(struct client *c, const char *url,
    const struct client_req *req, struct client_resp *resp, bool with_body)
{
	struct xfer x = { c->curl, req, resp, 0 };
	struct curl_slist *hdrs = NULL;
	const char *const *h;
	CURL *cu = c->curl;
	CURLcode rc;

	curl_easy_reset(cu);
	c->error[0] = '\0';
	curl_easy_setopt(cu, CURLOPT_URL, url);
	curl_easy_setopt(cu, CURLOPT_ERRORBUFFER, c->error);
	curl_easy_setopt(cu, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(cu, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
	curl_easy_setopt(cu, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(cu, CURLOPT_HEADERDATA, &x);
	curl_easy_setopt(cu, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(cu, CURLOPT_WRITEDATA, &x);
	/* the PUT probe for the owner must not follow: it has no body */
	curl_easy_setopt(cu, CURLOPT_FOLLOWLOCATION, req->follow &&
	    (with_body || req->upload == NULL) ? 1L : 0L);
	curl_easy_setopt(cu, CURLOPT_USERAGENT, "ais-tools/" AIS_VERSION);
	for (h = req->headers; h != NULL && *h != NULL; h++)
		hdrs = curl_slist_append(hdrs, *h);
	if (strcmp(req->method, "HEAD") == 0)
		curl_easy_setopt(cu, CURLOPT_NOBODY, 1L);
	else if (strcmp(req->method, "PUT") == 0 && with_body &&
	    req->upload != NULL) {
		curl_easy_setopt(cu, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(cu, CURLOPT_READFUNCTION, on_read);
		curl_easy_setopt(cu, CURLOPT_READDATA, req->upload);
		if (req->upload_size >= 0)
			curl_easy_setopt(cu, CURLOPT_INFILESIZE_LARGE,
			    (curl_off_t)req->upload_size);
		/* no 1 s wait for "100 Continue" */
		hdrs = curl_slist_append(hdrs, "Expect:");
	} else {
		curl_easy_setopt(cu, CURLOPT_CUSTOMREQUEST, req->method);
		if (req->body != NULL || strcmp(req->method, "PUT") == 0) {
			curl_easy_setopt(cu, CURLOPT_POSTFIELDS,
			    req->body != NULL ? req->body : "");
			curl_easy_setopt(cu, CURLOPT_POSTFIELDSIZE,
			    (long)req->body_len);
			hdrs = curl_slist_append(hdrs,
			    "Content-Type: application/json");
		}
	}
	curl_easy_setopt(cu, CURLOPT_HTTPHEADER, hdrs);
	rc = curl_easy_perform(cu);
	curl_slist_free_all(hdrs);
	curl_easy_getinfo(cu, CURLINFO_RESPONSE_CODE, &resp->status);
	/* on failure nothing is left for the caller to free */
	if (rc != CURLE_OK && !(x.sink_failed && rc == CURLE_WRITE_ERROR)) {
		client_resp_free(resp);
		return client_transport_err(c, rc, url);
	}
	if (x.sink_failed) {
		client_resp_free(resp);
		snprintf(c->error, sizeof(c->error), "write failed");
		return AIS_EIO;
	}
	if (resp->status >= 400)
		client_server_error(c, resp);
	return AIS_OK;
}

ais_err
client_do(struct client *c, const struct client_req *req,
    struct client_resp *resp)
{
	char url[8192], loc[8192];
	ais_err e;

	memset(resp, 0, sizeof(*resp));
	if (snprintf(url, sizeof(url), "%s%s", c->endpoint, req->path) >=
	    (int)sizeof(url))
		return AIS_ETOOLONG;
	if (strcmp(req->method, "PUT") != 0 || req->upload == NULL)
		return client_perform(c, url, req, resp, true);
	/* PUT: learn the owner with an empty body, then send the body there */
	if ((e = client_perform(c, url, req, resp, false)) != AIS_OK)
		return e;
	if (resp->status != 307 ||
	    client_resp_header(resp, "Location", loc, sizeof(loc)) == NULL)
		return AIS_OK;
	client_resp_free(resp);
	return client_perform(c, loc, req, resp, true);
}

void
client_resp_free(struct client_resp *r)
{
	free(r->body);
	free(r->headers);
	memset(r, 0, sizeof(*r));
}

size_t
client_escape_to(char *out, size_t len, const char *name)
{
	return client_uri_encode(out, len, name, true);
}

size_t
client_uri_encode(char *out, size_t len, const char *s, bool slash)
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char ch;
	size_t o = 0;

	for (; *s != '\0'; s++) {
		ch = (unsigned char)*s;
		if (o + 4 > len)
			return 0;
		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || strchr("-._~", ch) != NULL ||
		    (slash && ch == '/'))
			out[o++] = (char)ch;
		else {
			out[o++] = '%';
			out[o++] = hex[ch >> 4];
			out[o++] = hex[ch & 15];
		}
	}
	if (len == 0)
		return 0;
	out[o] = '\0';
	return o;
}

char *
client_escape(const char *name)
{
	size_t len = 3 * strlen(name) + 4;
	char *out;

	if ((out = malloc(len)) == NULL)
		return NULL;
	if (client_escape_to(out, len, name) == 0 && *name != '\0') {
		free(out);
		return NULL;
	}
	return out;
}
