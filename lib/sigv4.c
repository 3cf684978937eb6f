/*
 * sigv4.c: AWS Signature Version 4 of S3 requests (see sigv4.h).
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "cksum.h"
#include "client.h"
#include "http_server.h"
#include "sigv4.h"

#define SHA256_LEN	32
#define HMAC_BLOCK	64		/* SHA-256's block size */
#define CANON_MAX	16384		/* canonical request, at most */
#define QUERY_PAIRS	64		/* query parameters, at most */
#define SIGNED_HEADERS	"host;x-amz-content-sha256;x-amz-date"

struct sigv4 {
	char		 access_key[128];
	char		 secret[160];		/* "AWS4" and the secret key */
	char		 region[64];
	EVP_MD		*sha256;		/* fetched once, not per digest */
	pthread_mutex_t	 mu;			/* day and key */
	char		 day[9];		/* YYYYMMDD of key, or "" */
	unsigned char	 key[SHA256_LEN];
};

/* A run of bytes in a scratch buffer: one encoded query key or value. */
struct span {
	const char	*p;
	size_t		 n;
};

struct pair {
	struct span	 key, value;
};

static bool
digest(const struct sigv4 *s, EVP_MD_CTX *ctx, const void *a, size_t alen,
    const void *b, size_t blen, unsigned char out[SHA256_LEN])
{
	return EVP_DigestInit_ex2(ctx, s->sha256, NULL) == 1 &&
	    EVP_DigestUpdate(ctx, a, alen) == 1 &&
	    (blen == 0 || EVP_DigestUpdate(ctx, b, blen) == 1) &&
	    EVP_DigestFinal_ex(ctx, out, NULL) == 1;
}

/* HMAC-SHA256 (RFC 2104) of msg with a key of at most HMAC_BLOCK bytes. */
static bool
hmac(const struct sigv4 *s, EVP_MD_CTX *ctx, const void *key, size_t keylen,
    const void *msg, size_t len, unsigned char out[SHA256_LEN])
{
	unsigned char pad[HMAC_BLOCK], inner[SHA256_LEN];
	size_t i;
	bool ok;

	memset(pad, 0, sizeof(pad));
	memcpy(pad, key, keylen);
	for (i = 0; i < sizeof(pad); i++)
		pad[i] ^= 0x36;
	ok = digest(s, ctx, pad, sizeof(pad), msg, len, inner);
	for (i = 0; i < sizeof(pad); i++)
		pad[i] ^= 0x36 ^ 0x5c;
	ok = ok && digest(s, ctx, pad, sizeof(pad), inner, sizeof(inner), out);
	explicit_bzero(pad, sizeof(pad));	/* the key, or the secret */
	return ok;
}

ais_err
sigv4_new(struct sigv4 **out, const char *access_key, const char *secret_key,
    const char *region)
{
	struct sigv4 *s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return AIS_ENOMEM;
	if (strlcpy(s->access_key, access_key, sizeof(s->access_key)) >=
	    sizeof(s->access_key) || (size_t)snprintf(s->secret,
	    sizeof(s->secret), "AWS4%s", secret_key) >= sizeof(s->secret) ||
	    strlen(s->secret) > HMAC_BLOCK ||
	    strlcpy(s->region, region, sizeof(s->region)) >= sizeof(s->region)) {
		free(s);
		return AIS_ETOOLONG;
	}
	if ((s->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL)) == NULL) {
		free(s);
		return AIS_ENOMEM;
	}
	pthread_mutex_init(&s->mu, NULL);
	*out = s;
	return AIS_OK;
}

void
sigv4_free(struct sigv4 *s)
{
	if (s == NULL)
		return;
	EVP_MD_free(s->sha256);
	pthread_mutex_destroy(&s->mu);
	explicit_bzero(s, sizeof(*s));
	free(s);
}

/* The signing key of day, derived once a day. */
static bool
signing_key(struct sigv4 *s, EVP_MD_CTX *ctx, const char *day,
    unsigned char key[SHA256_LEN])
{
	unsigned char k[SHA256_LEN];
	bool ok = true;

	pthread_mutex_lock(&s->mu);
	if (strcmp(s->day, day) != 0) {
		ok = hmac(s, ctx, s->secret, strlen(s->secret), day,
		    strlen(day), k) &&
		    hmac(s, ctx, k, sizeof(k), s->region, strlen(s->region),
		    k) &&
		    hmac(s, ctx, k, sizeof(k), "s3", 2, k) &&
		    hmac(s, ctx, k, sizeof(k), "aws4_request", 12, s->key);
		if (ok)
			strlcpy(s->day, day, sizeof(s->day));
	}
	memcpy(key, s->key, SHA256_LEN);
	pthread_mutex_unlock(&s->mu);
	explicit_bzero(k, sizeof(k));
	return ok;
}

/*
 * Appends in[0..n) to out (at *o, of cap bytes) decoded and encoded again
 * as AWS's UriEncode does; '/' is kept when slash is set.
 */
static ais_err
uri_encode(char *out, size_t cap, size_t *o, const char *in, size_t n,
    bool slash)
{
	char raw[CANON_MAX];
	size_t len;
	ais_err e;

	if ((e = http_url_decode((struct slice){ in, n }, raw, sizeof(raw),
	    &len, false)) != AIS_OK)
		return e;
	if ((n = client_uri_encode(out + *o, cap - *o, raw, slash)) == 0 &&
	    len > 0)
		return AIS_ETOOLONG;
	*o += n;
	return AIS_OK;
}

static int
span_cmp(const struct span *a, const struct span *b)
{
	int c = memcmp(a->p, b->p, a->n < b->n ? a->n : b->n);

	return c != 0 ? c : (a->n > b->n) - (a->n < b->n);
}

static int
pair_cmp(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;
	int c = span_cmp(&x->key, &y->key);

	return c != 0 ? c : span_cmp(&x->value, &y->value);
}

/*
 * Appends the canonical form of query (n bytes) to out: its parameters
 * encoded one by one into scratch, sorted, joined by '&', each "key=value"
 * ("key=" without a value).
 */
static ais_err
canonical_query(char *out, size_t cap, size_t *o, const char *query,
    size_t n, char *scratch, size_t scap)
{
	struct pair pairs[QUERY_PAIRS];
	const char *p = query, *end = query + n, *amp, *eq;
	size_t np = 0, so = 0, i, start;
	ais_err e;

	while (p < end) {
		if ((amp = memchr(p, '&', (size_t)(end - p))) == NULL)
			amp = end;
		if (amp > p) {
			if (np == QUERY_PAIRS)
				return AIS_ETOOLONG;
			if ((eq = memchr(p, '=', (size_t)(amp - p))) == NULL)
				eq = amp;
			start = so;
			if ((e = uri_encode(scratch, scap, &so, p,
			    (size_t)(eq - p), false)) != AIS_OK)
				return e;
			pairs[np].key = (struct span){ scratch + start,
			    so - start };
			start = so;
			if (eq < amp && (e = uri_encode(scratch, scap, &so,
			    eq + 1, (size_t)(amp - eq - 1), false)) != AIS_OK)
				return e;
			pairs[np++].value = (struct span){ scratch + start,
			    so - start };
		}
		p = amp + 1;
	}
	qsort(pairs, np, sizeof(pairs[0]), pair_cmp);
	for (i = 0; i < np; i++) {
		if (*o + pairs[i].key.n + pairs[i].value.n + 3 >= cap)
			return AIS_ETOOLONG;
		if (i > 0)
			out[(*o)++] = '&';
		memcpy(out + *o, pairs[i].key.p, pairs[i].key.n);
		*o += pairs[i].key.n;
		out[(*o)++] = '=';
		memcpy(out + *o, pairs[i].value.p, pairs[i].value.n);
		*o += pairs[i].value.n;
	}
	out[*o] = '\0';
	return AIS_OK;
}

/* The Host header of an authority (no userinfo). */
static ais_err
host_of(const char *scheme, size_t slen, const char *auth, size_t alen,
    char *host, size_t cap)
{
	if (memchr(auth, '@', alen) != NULL || alen == 0)
		return AIS_EINVAL;
	alen = http_host_len((struct slice){ auth, alen }, slen == 5 &&
	    strncasecmp(scheme, "https", 5) == 0);
	if ((size_t)snprintf(host, cap, "%.*s", (int)alen, auth) >= cap)
		return AIS_ETOOLONG;
	return AIS_OK;
}

ais_err
sigv4_sign(struct sigv4 *s, const char *method, const char *url,
    const char *payload_hash, time_t now, struct sigv4_headers *out)
{
	char creq[CANON_MAX], scratch[CANON_MAX], host[256], date[17], day[9];
	char sts[256], sum[2 * SHA256_LEN + 1], sig[2 * SHA256_LEN + 1];
	unsigned char h[SHA256_LEN], key[SHA256_LEN];
	const char *sep, *auth, *path, *query, *end;
	EVP_MD_CTX *ctx;
	struct tm tm;
	size_t o = 0;
	ais_err e;
	int n;

	if ((sep = strstr(url, "://")) == NULL)
		return AIS_EINVAL;
	auth = sep + 3;
	path = auth + strcspn(auth, "/?#");
	query = path + strcspn(path, "?#");
	end = query + strcspn(query, "#");
	if ((e = host_of(url, (size_t)(sep - url), auth, (size_t)(path - auth),
	    host, sizeof(host))) != AIS_OK)
		return e;
	if (gmtime_r(&now, &tm) == NULL)
		return AIS_EINVAL;
	strftime(date, sizeof(date), "%Y%m%dT%H%M%SZ", &tm);
	memcpy(day, date, 8);
	day[8] = '\0';

	n = snprintf(creq, sizeof(creq), "%s\n", method);
	if (n < 0 || (size_t)n >= sizeof(creq))
		return AIS_ETOOLONG;
	o = (size_t)n;
	if (path == query)
		creq[o++] = '/';
	if ((e = uri_encode(creq, sizeof(creq), &o, path,
	    (size_t)(query - path), true)) != AIS_OK)
		return e;
	if (o + 1 >= sizeof(creq))
		return AIS_ETOOLONG;
	creq[o++] = '\n';
	if (*query == '?' && (e = canonical_query(creq, sizeof(creq), &o,
	    query + 1, (size_t)(end - query - 1), scratch,
	    sizeof(scratch))) != AIS_OK)
		return e;
	n = snprintf(creq + o, sizeof(creq) - o, "\nhost:%s\n"
	    "x-amz-content-sha256:%s\nx-amz-date:%s\n\n" SIGNED_HEADERS "\n%s",
	    host, payload_hash, date, payload_hash);
	if (n < 0 || (size_t)n >= sizeof(creq) - o)
		return AIS_ETOOLONG;
	o += (size_t)n;

	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return AIS_ENOMEM;
	e = AIS_ENOMEM;
	if (!digest(s, ctx, creq, o, NULL, 0, h))
		goto out;
	cksum_hex(h, sizeof(h), sum);
	n = snprintf(sts, sizeof(sts), "AWS4-HMAC-SHA256\n%s\n%s/%s/s3/"
	    "aws4_request\n%s", date, day, s->region, sum);
	if (n < 0 || (size_t)n >= sizeof(sts)) {
		e = AIS_ETOOLONG;
		goto out;
	}
	if (!signing_key(s, ctx, day, key) ||
	    !hmac(s, ctx, key, sizeof(key), sts, (size_t)n, h))
		goto out;
	cksum_hex(h, sizeof(h), sig);
	snprintf(out->host, sizeof(out->host), "Host: %s", host);
	snprintf(out->date, sizeof(out->date), "x-amz-date: %s", date);
	n = snprintf(out->auth, sizeof(out->auth), "Authorization: "
	    "AWS4-HMAC-SHA256 Credential=%s/%s/%s/s3/aws4_request, "
	    "SignedHeaders=" SIGNED_HEADERS ", Signature=%s", s->access_key,
	    day, s->region, sig);
	e = n < 0 || (size_t)n >= sizeof(out->auth) ? AIS_ETOOLONG : AIS_OK;
out:
	explicit_bzero(key, sizeof(key));
	EVP_MD_CTX_free(ctx);
	return e;
}
