/*
 * backend.c: S3 and HTTP-origin backends over libcurl (see backend.h).
 *
 * Each worker thread keeps one curl handle (a thread-specific key frees
 * it); the handles share one connection cache, so a fetch on any thread
 * reuses whichever connection to the backend is idle, instead of each
 * thread holding its own that the backend may have timed out meanwhile.
 * S3 requests are signed with SigV4 (sigv4.h, not libcurl's, which costs
 * as much CPU as the rest of a request), x-amz-content-sha256 always sent
 * (UNSIGNED-PAYLOAD) as S3 and its emulators require.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "backend.h"
#include "client.h"
#include "sigv4.h"

/* idle connections kept to backends, at most */
#define BACKEND_MAX_IDLE	1024L

static struct backend_conf conf;
static struct sigv4 *signer;		/* with credentials only */
static pthread_key_t curl_key;
static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLSH *share;
static pthread_mutex_t share_mu[CURL_LOCK_DATA_LAST];

static const char *
env_or(const char *v, const char *name, const char *alt)
{
	const char *e;

	if (v != NULL && *v != '\0')
		return v;
	if ((e = getenv(name)) != NULL && *e != '\0')
		return e;
	if (alt != NULL && (e = getenv(alt)) != NULL && *e != '\0')
		return e;
	return NULL;
}

static void
curl_free_handle(void *h)
{
	curl_easy_cleanup(h);
}

static void
share_lock(CURL *h, curl_lock_data data, curl_lock_access access, void *arg)
{
	pthread_mutex_lock(&share_mu[data]);
}

static void
share_unlock(CURL *h, curl_lock_data data, void *arg)
{
	pthread_mutex_unlock(&share_mu[data]);
}

static void
curl_key_init(void)
{
	int i;

	pthread_key_create(&curl_key, curl_free_handle);
	for (i = 0; i < CURL_LOCK_DATA_LAST; i++)
		pthread_mutex_init(&share_mu[i], NULL);
	if ((share = curl_share_init()) != NULL) {
		curl_share_setopt(share, CURLSHOPT_LOCKFUNC, share_lock);
		curl_share_setopt(share, CURLSHOPT_UNLOCKFUNC, share_unlock);
		curl_share_setopt(share, CURLSHOPT_SHARE,
		    CURL_LOCK_DATA_CONNECT);
		curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
	}
}

ais_err
backend_init(const struct backend_conf *c)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	pthread_once(&curl_once, curl_key_init);
	conf = *c;
	conf.s3_endpoint = env_or(c->s3_endpoint, "AWS_ENDPOINT_URL", NULL);
	conf.region = env_or(c->region, "AWS_REGION", "AWS_DEFAULT_REGION");
	if (conf.region == NULL)
		conf.region = "us-east-1";
	conf.access_key = env_or(c->access_key, "AWS_ACCESS_KEY_ID", NULL);
	conf.secret_key = env_or(c->secret_key, "AWS_SECRET_ACCESS_KEY", NULL);
	if (conf.timeout_ms <= 0)
		conf.timeout_ms = 30000;
	sigv4_free(signer);
	signer = NULL;
	if (conf.access_key != NULL && conf.secret_key != NULL)
		return sigv4_new(&signer, conf.access_key, conf.secret_key,
		    conf.region);
	return AIS_OK;
}

/* This thread's handle, reset for a new request. */
static CURL *
thread_curl(void)
{
	CURL *h;

	pthread_once(&curl_once, curl_key_init);
	if ((h = pthread_getspecific(curl_key)) == NULL) {
		if ((h = curl_easy_init()) == NULL)
			return NULL;
		pthread_setspecific(curl_key, h);
	} else
		curl_easy_reset(h);
	if (share != NULL)
		curl_easy_setopt(h, CURLOPT_SHARE, share);
	return h;
}

void
backend_fini(void)
{
	if (share != NULL && curl_share_cleanup(share) == CURLSHE_OK)
		share = NULL;
	sigv4_free(signer);
	signer = NULL;
}

/* The URL of an object (object NULL: of the bucket). */
static ais_err
backend_url(const struct bucket *b, const char *object, const char *query,
    char *buf, size_t len, char *errbuf, size_t errlen)
{
	const char *base = b->backend_url[0] ? b->backend_url : NULL;
	char *enc = NULL, regional[128];
	int n;

	if (object != NULL && (enc = client_escape(object)) == NULL)
		return AIS_ENOMEM;
	if (strcmp(b->provider, "ht") == 0) {
		if (base == NULL) {
			snprintf(errbuf, errlen, "ht://%s has no origin URL",
			    b->name);
			free(enc);
			return AIS_EINVAL;
		}
		n = snprintf(buf, len, "%s/%s%s%s", base, enc ? enc : "",
		    query ? "?" : "", query ? query : "");
	} else {
		if (base == NULL)
			base = conf.s3_endpoint;
		if (base == NULL) {
			snprintf(regional, sizeof(regional),
			    "https://s3.%s.amazonaws.com", conf.region);
			base = regional;
		}
		n = snprintf(buf, len, "%s/%s%s%s%s%s", base, b->name,
		    enc ? "/" : "", enc ? enc : "", query ? "?" : "",
		    query ? query : "");
	}
	free(enc);
	return n < 0 || (size_t)n >= len ? AIS_ETOOLONG : AIS_OK;
}

void
backend_source(const struct bucket *b, const char *object, char *buf,
    size_t len)
{
	char err[64];

	if (backend_url(b, object, NULL, buf, len, err, sizeof(err)) != AIS_OK)
		snprintf(buf, len, "%s://%s/%s", b->provider, b->name, object);
}

int
backend_err_status(ais_err e, int status)
{
	if (e == AIS_OK)
		return status >= 400 ? status : 200;
	switch (e) {
	case AIS_ECONNREFUSED:	return 503;
	case AIS_ETIMEDOUT:	return 504;
	case AIS_ENOMEM:	return 500;
	default:		return 502;
	}
}

struct xfer {
	const struct bk_get_ops	*ops;
	void			*arg;
	struct bk_attrs		*attrs;
	int			 status;
	bool			 delivered;	/* on_headers called */
	bool			 aborted;	/* by on_headers or on_data */
	char			*errbody;	/* an error response, short */
	size_t			 errlen;
	struct curl_slist	*hdrs;
	char			 cerr[CURL_ERROR_SIZE];
};

static void
etag_md5(struct bk_attrs *a)
{
	const char *e = a->md.etag;
	size_t n, i;

	a->md5[0] = '\0';
	if (*e == '"')
		e++;
	n = strcspn(e, "\"");
	if (n != 32)
		return;
	for (i = 0; i < 32; i++)
		if (!isxdigit((unsigned char)e[i]))
			return;
	for (i = 0; i < 32; i++)
		a->md5[i] = (char)tolower((unsigned char)e[i]);
	a->md5[32] = '\0';
}

static void
copy_value(char *dst, size_t dstlen, const char *v, size_t len)
{
	if (len >= dstlen)
		len = dstlen - 1;
	memcpy(dst, v, len);
	dst[len] = '\0';
}

static size_t
on_header(char *line, size_t size, size_t nitems, void *arg)
{
	struct xfer *x = arg;
	size_t len = size * nitems, nlen, vlen;
	const char *colon, *v;
	struct lom_md *md = &x->attrs->md;

	if (len > 5 && strncmp(line, "HTTP/", 5) == 0) {
		x->status = (int)strtol(memchr(line, ' ', len) != NULL ?
		    (char *)memchr(line, ' ', len) + 1 : "0", NULL, 10);
		lom_init(md);
		x->attrs->size = -1;
		return len;
	}
	if ((colon = memchr(line, ':', len)) == NULL)
		return len;
	nlen = (size_t)(colon - line);
	for (v = colon + 1; v < line + len && (*v == ' ' || *v == '\t'); v++)
		;
	vlen = (size_t)(line + len - v);
	while (vlen > 0 && (v[vlen - 1] == '\r' || v[vlen - 1] == '\n' ||
	    v[vlen - 1] == ' '))
		vlen--;
#define IS(h) (nlen == strlen(h) && strncasecmp(line, h, nlen) == 0)
	if (IS("Content-Length"))
		x->attrs->size = strtoll(v, NULL, 10);
	else if (IS("ETag"))
		copy_value(md->etag, sizeof(md->etag), v, vlen);
	else if (IS("Last-Modified"))
		copy_value(md->last_modified, sizeof(md->last_modified), v,
		    vlen);
	else if (IS("x-amz-version-id"))
		copy_value(md->version, sizeof(md->version), v, vlen);
	else if (nlen > 11 && strncasecmp(line, "x-amz-meta-", 11) == 0)
		lom_custom_add(md, line + 11, nlen - 11, v, vlen);
#undef IS
	return len;
}

static bool
deliver_headers(struct xfer *x)
{
	x->delivered = true;
	etag_md5(x->attrs);
	if (x->ops != NULL && x->ops->on_headers(x->arg, x->attrs) != 0) {
		x->aborted = true;
		return false;
	}
	return true;
}

static size_t
on_body(char *data, size_t size, size_t nitems, void *arg)
{
	struct xfer *x = arg;
	size_t len = size * nitems;
	char *grown;

	if (x->status < 200 || x->status > 299) {
		if (x->errlen < 4096 && (grown = realloc(x->errbody,
		    x->errlen + len + 1)) != NULL) {
			memcpy(grown + x->errlen, data, len);
			x->errlen += len;
			grown[x->errlen] = '\0';
			x->errbody = grown;
		}
		return len;
	}
	if (!x->delivered && !deliver_headers(x))
		return 0;
	if (x->ops != NULL && x->ops->on_data(x->arg, data, len) != 0) {
		x->aborted = true;
		return 0;
	}
	return len;
}

static ais_err
curl_err(CURLcode rc)
{
	switch (rc) {
	case CURLE_OK:			return AIS_OK;
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY: return AIS_ECONNREFUSED;
	case CURLE_OPERATION_TIMEDOUT:	return AIS_ETIMEDOUT;
	case CURLE_OUT_OF_MEMORY:	return AIS_ENOMEM;
	default:			return AIS_EBACKEND;
	}
}

/* Appends line to x's request headers; false when out of memory. */
static bool
add_header(struct xfer *x, const char *line)
{
	struct curl_slist *l = curl_slist_append(x->hdrs, line);

	if (l == NULL)
		return false;
	x->hdrs = l;
	return true;
}

/* Sets h up for the headers of x's request, signed for S3. */
static ais_err
xfer_headers(CURL *h, const struct bucket *b, const char *url, bool head,
    struct xfer *x)
{
	struct sigv4_headers sig;
	ais_err e;

	if (strcmp(b->provider, "aws") == 0) {
		if (!add_header(x, "x-amz-content-sha256: " SIGV4_UNSIGNED))
			return AIS_ENOMEM;
		if (signer != NULL) {
			if ((e = sigv4_sign(signer, head ? "HEAD" : "GET", url,
			    SIGV4_UNSIGNED, time(NULL), &sig)) != AIS_OK)
				return e;
			if (!add_header(x, sig.host) ||
			    !add_header(x, sig.date) ||
			    !add_header(x, sig.auth))
				return AIS_ENOMEM;
		}
	}
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, x->hdrs);
	return AIS_OK;
}

/*
 * Sets h up for one request of x: a GET, or a HEAD when head is set.  On
 * failure x has no headers left and errbuf says why.
 */
static ais_err
xfer_setup(CURL *h, const struct bucket *b, const char *url, bool head,
    struct xfer *x, char *errbuf, size_t errlen)
{
	ais_err e;

	x->cerr[0] = '\0';
	curl_easy_setopt(h, CURLOPT_URL, url);
	/* the path goes out as signed: curl would squash "./" segments */
	curl_easy_setopt(h, CURLOPT_PATH_AS_IS, 1L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, x->cerr);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, conf.timeout_ms);
	/* a transfer stalled for the timeout fails */
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME,
	    conf.timeout_ms < 1000 ? 1L : conf.timeout_ms / 1000);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(h, CURLOPT_BUFFERSIZE, 64L * 1024);
	if (head)
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	if ((e = xfer_headers(h, b, url, head, x)) != AIS_OK) {
		curl_slist_free_all(x->hdrs);
		x->hdrs = NULL;
		snprintf(errbuf, errlen, "%s: cannot make the request: %s", url,
		    ais_strerror(e));
	}
	return e;
}

/* What the request of x, ended with rc, comes to. */
static ais_err
xfer_end(struct xfer *x, CURLcode rc, const char *url, int *status,
    char *errbuf, size_t errlen)
{
	ais_err e;

	curl_slist_free_all(x->hdrs);
	x->hdrs = NULL;
	*status = x->status;
	if (rc == CURLE_OK && x->status >= 200 && x->status <= 299 &&
	    !x->delivered && !deliver_headers(x))
		rc = CURLE_WRITE_ERROR;
	e = x->aborted ? AIS_EBACKEND : curl_err(rc);
	if (e != AIS_OK && !x->aborted)
		snprintf(errbuf, errlen, "%s: %s", url, x->cerr[0] ? x->cerr :
		    curl_easy_strerror(rc));
	else if (e == AIS_OK && (x->status < 200 || x->status > 299))
		snprintf(errbuf, errlen, "%s: backend answered %d", url,
		    x->status);
	free(x->errbody);
	x->errbody = NULL;
	return e;
}

/* Runs one request on this thread's handle. */
static ais_err
backend_do(const struct bucket *b, const char *url, bool head,
    struct xfer *x, int *status, char *errbuf, size_t errlen)
{
	CURL *h;
	ais_err e;

	if ((h = thread_curl()) == NULL)
		return AIS_ENOMEM;
	if ((e = xfer_setup(h, b, url, head, x, errbuf, errlen)) != AIS_OK)
		return e;
	/* the shared cache: see backend_multi_init */
	curl_easy_setopt(h, CURLOPT_MAXCONNECTS, BACKEND_MAX_IDLE);
	return xfer_end(x, curl_easy_perform(h), url, status, errbuf, errlen);
}

static int
collect_headers(void *arg, const struct bk_attrs *a)
{
	(void)arg;
	(void)a;
	return 0;
}

struct collect {
	char	*buf;
	size_t	 len;
};

static int
collect_data(void *arg, const char *data, size_t len)
{
	struct collect *c = arg;
	char *grown;

	if ((grown = realloc(c->buf, c->len + len + 1)) == NULL)
		return 1;
	memcpy(grown + c->len, data, len);
	c->len += len;
	grown[c->len] = '\0';
	c->buf = grown;
	return 0;
}

ais_err
backend_fetch_body(const struct bucket *b, const char *query, char **body,
    size_t *len, int *status, char *errbuf, size_t errlen)
{
	static const struct bk_get_ops ops = { collect_headers, collect_data };
	struct collect c = { NULL, 0 };
	struct bk_attrs attrs;
	struct xfer x = { .ops = &ops, .arg = &c, .attrs = &attrs };
	char url[8192];
	ais_err e;

	*status = 0;
	lom_init(&attrs.md);
	if ((e = backend_url(b, NULL, query, url, sizeof(url), errbuf,
	    errlen)) != AIS_OK)
		return e;
	e = backend_do(b, url, false, &x, status, errbuf, errlen);
	if (e != AIS_OK || *status != 200) {
		free(c.buf);
		return e;
	}
	*body = c.buf != NULL ? c.buf : strdup("");
	*len = c.len;
	return *body != NULL ? AIS_OK : AIS_ENOMEM;
}

/* A GET run by the caller's multi handle: its request and what came back. */
struct bk_get {
	struct xfer	 x;
	struct bk_attrs	 attrs;
	char		 url[8192];
};

ais_err
backend_get_start(CURL *h, const struct bucket *b, const char *object,
    const struct bk_get_ops *ops, void *arg, struct bk_get **out,
    char *errbuf, size_t errlen)
{
	struct bk_get *g;
	ais_err e;

	if ((g = calloc(1, sizeof(*g))) == NULL)
		return AIS_ENOMEM;
	lom_init(&g->attrs.md);
	g->attrs.size = -1;
	g->x.ops = ops;
	g->x.arg = arg;
	g->x.attrs = &g->attrs;
	if ((e = backend_url(b, object, NULL, g->url, sizeof(g->url), errbuf,
	    errlen)) != AIS_OK) {
		free(g);
		return e;
	}
	if ((e = xfer_setup(h, b, g->url, false, &g->x, errbuf,
	    errlen)) != AIS_OK) {
		free(g);
		return e;
	}
	*out = g;
	return AIS_OK;
}

ais_err
backend_get_end(struct bk_get *g, CURLcode rc, int *status, char *errbuf,
    size_t errlen)
{
	ais_err e = xfer_end(&g->x, rc, g->url, status, errbuf, errlen);

	free(g);
	return e;
}

/*
 * A cache keeps every connection its transfers may want: with curl's
 * default of 5, 16 concurrent cold GETs of 1 MiB made 3000 connections
 * for 512 objects, and s3rver spent as much CPU on them as on the data
 * (cold 0.5x direct GETs from it).  An easy handle in a multi ignores
 * CURLOPT_MAXCONNECTS; the multi's own setting counts.
 */
void
backend_multi_init(CURLM *m)
{
	curl_multi_setopt(m, CURLMOPT_MAXCONNECTS, BACKEND_MAX_IDLE);
}

ais_err
backend_head(const struct bucket *b, const char *object,
    struct bk_attrs *attrs, int *status, char *errbuf, size_t errlen)
{
	struct xfer x = { .attrs = attrs };
	char url[8192];
	ais_err e;

	*status = 0;
	lom_init(&attrs->md);
	attrs->size = -1;
	if ((e = backend_url(b, object, NULL, url, sizeof(url), errbuf,
	    errlen)) != AIS_OK)
		return e;
	e = backend_do(b, url, true, &x, status, errbuf, errlen);
	etag_md5(attrs);
	return e;
}

ais_err
backend_head_bucket(const struct bucket *b, int *status, char *errbuf,
    size_t errlen)
{
	struct bk_attrs attrs;
	struct xfer x = { .attrs = &attrs };
	char url[1024];
	ais_err e;

	*status = 0;
	if (strcmp(b->provider, "ht") == 0) {	/* an origin is always there */
		*status = b->backend_url[0] ? 200 : 400;
		if (*status != 200)
			snprintf(errbuf, errlen, "ht://%s needs an origin URL "
			    "(bucket property backend_url)", b->name);
		return AIS_OK;
	}
	if ((e = backend_url(b, NULL, NULL, url, sizeof(url), errbuf,
	    errlen)) != AIS_OK)
		return e;
	return backend_do(b, url, true, &x, status, errbuf, errlen);
}

bool
backend_changed(const struct lom_md *have, const struct bk_attrs *now)
{
	if (now->md.etag[0] != '\0' && strcmp(have->etag, now->md.etag) != 0)
		return true;
	return now->md.version[0] != '\0' &&
	    strcmp(have->version, now->md.version) != 0;
}
