/*
 * worker.c: one load worker's requests: the next GET or PUT set up on the
 * worker's own curl handle, or its hget client in a lean run (either keeps
 * its connections alive), and how it went recorded in the worker's
 * histograms.  Every PUT sends a prefix of one buffer of random content; a
 * GET's body is discarded as it arrives (or only hashed, with
 * -verifyhash).  The URL is built in the worker's buffer; on hget, nothing
 * at all is allocated per request.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "cksum.h"
#include "client.h"
#include "clock.h"
#include "fs.h"
#include "hrw.h"
#include "loader.h"

static uint64_t
rng_next(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

void
loader_add_name(struct loader *ld, const char *name)
{
	char **grown;

	pthread_mutex_lock(&ld->names_mu);
	if (ld->nnames == ld->capnames) {
		ld->capnames = ld->capnames ? 2 * ld->capnames : 1024;
		if ((grown = reallocarray(ld->names, ld->capnames,
		    sizeof(*grown))) == NULL)
			abort();
		ld->names = grown;
	}
	if ((ld->names[ld->nnames] = strdup(name)) == NULL)
		abort();
	ld->nnames++;
	pthread_mutex_unlock(&ld->names_mu);
}

void
loader_add_put(struct loader *ld, const char *name)
{
	char **grown;

	if (!ld->conf.cleanup)
		return;
	pthread_mutex_lock(&ld->names_mu);
	grown = reallocarray(ld->put_names, ld->nput_names + 1,
	    sizeof(*grown));
	if (grown == NULL || (grown[ld->nput_names] = strdup(name)) == NULL)
		abort();
	ld->put_names = grown;
	ld->nput_names++;
	pthread_mutex_unlock(&ld->names_mu);
}

/* The URL of an object, in buf; false when it does not fit. */
static bool
object_url(struct loader *ld, struct worker *w, const char *name, char *buf,
    size_t len)
{
	const struct loader_conf *c = &ld->conf;
	const struct snode *node;
	const char *base = ld->endpoint;
	char uname[FS_OBJNAME_MAX + 128];
	size_t n;
	int r;

	if (c->urls != NULL)
		return strlcpy(buf, name, len) < len;
	if (c->s3endpoint != NULL)
		r = snprintf(buf, len, "%s/%s/", c->s3endpoint, c->bucket);
	else {
		if (c->direct) {
			n = hrw_uname(uname, sizeof(uname), c->provider,
			    c->bucket, name);
			if ((node = smap_owner(ld->smap, hrw_digest(uname,
			    n))) != NULL)
				base = node->url;
		} else if (c->randomproxy && ld->smap->nproxies > 0)
			base = ld->smap->proxies[rng_next(&w->rng) %
			    ld->smap->nproxies].url;
		r = snprintf(buf, len, "%s/v1/objects/%s/", base, c->bucket);
	}
	if (r < 0 || (size_t)r >= len || (n = client_escape_to(buf + r,
	    len - (size_t)r, name)) == 0)
		return false;
	if (c->s3endpoint != NULL)
		return true;
	r += (int)n;
	n = (size_t)snprintf(buf + r, len - (size_t)r, "?provider=%s",
	    c->provider);
	return n < len - (size_t)r;
}

static size_t
discard(char *data, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;

	cksum_update(&x->ck, data, size * n);
	return size * n;
}

/* -verifyhash: the checksum headers come before the body they describe. */
static void
checksum_header(struct xfer *x, struct slice name, struct slice value)
{
	enum cksum_type t;

	if (slice_caseeq(name, "Ais-Checksum-Type") &&
	    value.len < sizeof(x->type) &&
	    cksum_type_parse(value.ptr, value.len, &t) == AIS_OK) {
		memcpy(x->type, value.ptr, value.len);
		x->type[value.len] = '\0';
		cksum_abort(&x->ck);
		cksum_init(&x->ck, t);
	} else if (slice_caseeq(name, "Ais-Checksum-Value") &&
	    value.len < sizeof(x->value)) {
		memcpy(x->value, value.ptr, value.len);
		x->value[value.len] = '\0';
	}
}

/* curl's header lines, "Name: value\r\n", to checksum_header */
static size_t
header(char *line, size_t size, size_t n, void *arg)
{
	struct slice name, value;
	size_t len = size * n, end = len;
	char *colon = memchr(line, ':', len);

	if (colon == NULL)
		return len;
	while (end > 0 && (line[end - 1] == '\r' || line[end - 1] == '\n'))
		end--;
	name = (struct slice){ line, (size_t)(colon - line) };
	value = slice_trim_ows((struct slice){ colon + 1, end > name.len ?
	    end - name.len - 1 : 0 });
	checksum_header(arg, name, value);
	return len;
}

static void
lean_header(void *arg, struct slice name, struct slice value)
{
	struct worker *w = arg;

	if (w->ld->conf.verifyhash)
		checksum_header(&w->x, name, value);
}

static void
lean_body(void *arg, const char *data, size_t len)
{
	struct worker *w = arg;

	cksum_update(&w->x.ck, data, len);
}

static void
lean_done(void *arg, int status, uint64_t bytes, ais_err e, const char *why)
{
	struct worker *w = arg;

	(void)e;
	(void)why;
	worker_done_lean(w, status, bytes);
	driver_lean_next(w);
}

static const struct hget_ops lean_ops = { lean_header, lean_body,
	lean_done };

static size_t
put_read(char *buf, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;
	size_t want = size * n;

	if (want > x->len - x->off)
		want = x->len - x->off;
	memcpy(buf, x->body + x->off, want);
	x->off += want;
	return want;
}

/* curl rewinds the body to resend it after the proxy's 307. */
static int
put_seek(void *arg, curl_off_t off, int origin)
{
	struct xfer *x = arg;

	if (origin != SEEK_SET || off < 0 || (size_t)off > x->len)
		return CURL_SEEKFUNC_FAIL;
	x->off = (size_t)off;
	return CURL_SEEKFUNC_OK;
}

static void
record(struct worker *w, enum op_kind k, uint64_t us, uint64_t bytes,
    bool ok)
{
	pthread_mutex_lock(&w->mu);
	if (ok) {
		hist_add(&w->st[k].lat, us);
		w->st[k].ops++;
		w->st[k].bytes += bytes;
	} else
		w->st[k].errors++;
	pthread_mutex_unlock(&w->mu);
}

/* Is the GET's content what its checksum header says? */
static bool
verified(struct xfer *x)
{
	char got[CKSUM_VALUE_MAX];

	if (x->ck.type == CKSUM_NONE)
		return true;
	cksum_final(&x->ck, got);
	return strcmp(got, x->value) == 0;
}

/* The room of each signature line: see sig_headers_new. */
static const size_t sig_cap[3] = {
	sizeof(((struct sigv4_headers *)0)->host),
	sizeof(((struct sigv4_headers *)0)->date),
	sizeof(((struct sigv4_headers *)0)->auth),
};

/*
 * For a signed S3 run: ld->hdrs and three lines, as long as the longest
 * Host, x-amz-date and Authorization, that sign_request rewrites in
 * place.  NULL when the run is not signed or memory ran out (*ok false).
 */
static struct curl_slist *
sig_headers_new(const struct loader *ld, struct curl_slist *lines[3],
    bool *ok)
{
	char pad[sizeof(((struct sigv4_headers *)0)->auth)];
	struct curl_slist *l = NULL, *n, *tail;
	const struct curl_slist *h;
	size_t i;

	*ok = true;
	if (ld->signer == NULL)
		return NULL;
	for (h = ld->hdrs; h != NULL; h = h->next) {
		if ((n = curl_slist_append(l, h->data)) == NULL)
			goto fail;
		l = n;
	}
	for (i = 0; i < 3; i++) {
		memset(pad, 'x', sig_cap[i] - 1);
		pad[sig_cap[i] - 1] = '\0';
		if ((n = curl_slist_append(l, pad)) == NULL)
			goto fail;
		for (l = n, tail = n; tail->next != NULL; tail = tail->next)
			;
		lines[i] = tail;
	}
	return l;
fail:
	curl_slist_free_all(l);
	*ok = false;
	return NULL;
}

/*
 * Signs a request of method to url: into lines (curl), else into extra
 * (hget: the signature's lines, then ld->hdrs_lean; hget sends the Host
 * signed, as both leave a default port out).  False if the request cannot
 * be signed.
 */
static bool
sign_request(const struct loader *ld, struct curl_slist *lines[3],
    char *extra, size_t extralen, const char *method, const char *url)
{
	struct sigv4_headers h;
	int n;

	if (sigv4_sign(ld->signer, method, url, SIGV4_UNSIGNED, time(NULL),
	    &h) != AIS_OK)
		return false;
	if (lines == NULL) {
		n = snprintf(extra, extralen, "%s\r\n%s\r\n%s", h.date, h.auth,
		    ld->hdrs_lean);
		return n > 0 && (size_t)n < extralen;
	}
	strlcpy(lines[0]->data, h.host, sig_cap[0]);
	strlcpy(lines[1]->data, h.date, sig_cap[1]);
	strlcpy(lines[2]->data, h.auth, sig_cap[2]);
	return true;
}

/* Signs w's next request if the run is signed. */
static bool
sign_next(struct worker *w)
{
	if (w->ld->signer == NULL)
		return true;
	return sign_request(w->ld, w->hg == NULL ? w->sig_lines : NULL,
	    w->sig_extra, sizeof(w->sig_extra), w->kind == OP_PUT ? "PUT" :
	    "GET", w->url);
}

static void
set_put(struct worker *w)
{
	CURL *h = w->h;

	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)w->size);
}

/* The next object to GET; NULL when an epoch-bounded run is done. */
static const char *
next_name(struct worker *w)
{
	struct loader *ld = w->ld;
	unsigned long long seq;
	const char *name;

	pthread_mutex_lock(&ld->names_mu);
	if (ld->nnames == 0)
		name = NULL;
	else if (ld->total_gets > 0) {
		seq = atomic_fetch_add(&ld->get_seq, 1);
		name = seq < ld->total_gets ? ld->names[seq % ld->nnames] :
		    NULL;
	} else
		name = ld->names[rng_next(&w->rng) % ld->nnames];
	pthread_mutex_unlock(&ld->names_mu);
	return name;
}

/* May this worker PUT once more (-maxputs, -totalputsize)? */
static bool
may_put(struct loader *ld)
{
	const struct loader_conf *c = &ld->conf;

	if (c->maxputs > 0 && atomic_fetch_add(&ld->puts, 1) >=
	    (unsigned long long)c->maxputs)
		return false;
	return c->totalputsize <= 0 || atomic_load(&ld->put_bytes) <
	    (unsigned long long)c->totalputsize;
}

/* Names the next PUT and picks its size. */
static void
next_put(struct worker *w)
{
	const struct loader_conf *c = &w->ld->conf;

	w->size = (uint64_t)c->minsize + (c->maxsize > c->minsize ?
	    rng_next(&w->rng) % (uint64_t)(c->maxsize - c->minsize + 1) : 0);
	snprintf(w->name, sizeof(w->name), "%s%llx-%d-%llu", c->prefix,
	    (unsigned long long)c->seed, w->id, (unsigned long long)w->puts++);
}

bool
worker_next(struct worker *w)
{
	struct loader *ld = w->ld;
	const char *name;

	for (;;) {
		if (atomic_load(&ld->stop))
			return false;
		if (ld->conf.pctput > 0 && (int)(rng_next(&w->rng) % 100) <
		    ld->conf.pctput && may_put(ld)) {
			w->kind = OP_PUT;
			next_put(w);
			name = w->name;
		} else if (ld->conf.pctput == 100)
			return false;	/* PUT limits reached */
		else if ((name = next_name(w)) == NULL)
			return false;	/* epochs done, or nothing to read */
		else
			w->kind = OP_GET;
		memset(&w->x, 0, sizeof(w->x));
		cksum_init(&w->x.ck, CKSUM_NONE);
		if (object_url(ld, w, name, w->url, sizeof(w->url)) &&
		    sign_next(w))
			break;
		record(w, w->kind, 0, 0, false);	/* too long a URL */
	}
	w->t0 = (uint64_t)mono_us();
	if (w->hg != NULL)
		return true;
	curl_easy_setopt(w->h, CURLOPT_URL, w->url);
	if (w->kind == OP_PUT) {
		w->x.body = w->buf;
		w->x.len = w->size;
		set_put(w);
	} else
		curl_easy_setopt(w->h, CURLOPT_HTTPGET, 1L);
	return true;
}

/* Records a request that ended, ok or not, having read got body bytes. */
static void
request_done(struct worker *w, bool ok, uint64_t got)
{
	struct loader *ld = w->ld;

	if (w->kind == OP_PUT && ok) {
		atomic_fetch_add(&ld->put_bytes, w->size);
		loader_add_name(ld, w->name);
		loader_add_put(ld, w->name);
	}
	/* a request that ends after the run does is not counted */
	if (!atomic_load(&ld->stop)) {
		if (w->kind == OP_GET) {
			record(w, OP_GET, (uint64_t)mono_us() - w->t0, got,
			    ok && verified(&w->x));
		} else
			record(w, OP_PUT, (uint64_t)mono_us() - w->t0, w->size, ok);
	}
	cksum_abort(&w->x.ck);
}

void
worker_done(struct worker *w, CURLcode rc)
{
	curl_off_t got = 0;
	long code = 0;

	curl_easy_getinfo(w->h, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_getinfo(w->h, CURLINFO_SIZE_DOWNLOAD_T, &got);
	request_done(w, rc == CURLE_OK && code >= 200 && code <= 299,
	    (uint64_t)got);
}

void
worker_done_lean(struct worker *w, int status, uint64_t bytes)
{
	request_done(w, status >= 200 && status <= 299, bytes);
}

struct curl_slist *
loader_headers(struct loader *ld)
{
	static const char sha[] = "x-amz-content-sha256: " SIGV4_UNSIGNED;
	struct curl_slist *h = curl_slist_append(NULL, "Expect:");
	char range[96];

	ld->hdrs_lean[0] = '\0';
	if (ld->conf.s3endpoint != NULL) {
		h = curl_slist_append(h, sha);
		snprintf(ld->hdrs_lean, sizeof(ld->hdrs_lean), "%s\r\n", sha);
	}
	if (ld->conf.readlen > 0 || ld->conf.readoff > 0) {
		if (ld->conf.readlen > 0)
			snprintf(range, sizeof(range), "Range: bytes=%lld-%lld",
			    ld->conf.readoff, ld->conf.readoff +
			    ld->conf.readlen - 1);
		else
			snprintf(range, sizeof(range), "Range: bytes=%lld-",
			    ld->conf.readoff);
		h = curl_slist_append(h, range);
		strlcat(ld->hdrs_lean, range, sizeof(ld->hdrs_lean));
		strlcat(ld->hdrs_lean, "\r\n", sizeof(ld->hdrs_lean));
	}
	return h;
}

/* curl's connections get -rcvbuf, as hget's do */
static int
set_rcvbuf(void *arg, curl_socket_t fd, curlsocktype purpose)
{
	const struct loader *ld = arg;

	if (purpose == CURLSOCKTYPE_IPCXN)
		hget_set_rcvbuf(fd, (int)ld->conf.rcvbuf);
	return CURL_SOCKOPT_OK;
}

static void
setup_handle(const struct loader *ld, CURL *h, struct curl_slist *hdrs)
{
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_BUFFERSIZE, (long)READ_SIZE);
	curl_easy_setopt(h, CURLOPT_SOCKOPTFUNCTION, set_rcvbuf);
	curl_easy_setopt(h, CURLOPT_SOCKOPTDATA, ld);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs != NULL ? hdrs : ld->hdrs);
}

bool
worker_init(struct worker *w, int ep)
{
	bool ok;

	if (w->ld->lean) {
		if ((w->hg = malloc(sizeof(*w->hg))) == NULL ||
		    (w->rbuf = malloc(READ_SIZE)) == NULL)
			return false;
		hget_init(w->hg, ep, &lean_ops, w, w->rbuf, READ_SIZE,
		    w->ld->signer != NULL ? w->sig_extra : w->ld->hdrs_lean);
		w->hg->rcvbuf = (int)w->ld->conf.rcvbuf;
		return true;
	}
	w->sig_hdrs = sig_headers_new(w->ld, w->sig_lines, &ok);
	if (!ok || (w->h = curl_easy_init()) == NULL)
		return false;
	setup_handle(w->ld, w->h, w->sig_hdrs);
	curl_easy_setopt(w->h, CURLOPT_PRIVATE, w);
	curl_easy_setopt(w->h, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(w->h, CURLOPT_WRITEDATA, &w->x);
	curl_easy_setopt(w->h, CURLOPT_READFUNCTION, put_read);
	curl_easy_setopt(w->h, CURLOPT_READDATA, &w->x);
	curl_easy_setopt(w->h, CURLOPT_SEEKFUNCTION, put_seek);
	curl_easy_setopt(w->h, CURLOPT_SEEKDATA, &w->x);
	/* -verifyhash reads the checksum headers; without it, curl gets no
	 * header function (it would hand headers to the write function if
	 * HEADERDATA were set) */
	if (w->ld->conf.verifyhash) {
		curl_easy_setopt(w->h, CURLOPT_HEADERFUNCTION, header);
		curl_easy_setopt(w->h, CURLOPT_HEADERDATA, &w->x);
	}
	return true;
}

void
worker_fini(struct worker *w)
{
	if (w->hg != NULL)
		hget_fini(w->hg);
	free(w->hg);
	free(w->rbuf);
	w->hg = NULL;
	w->rbuf = NULL;
	curl_easy_cleanup(w->h);
	w->h = NULL;
	curl_slist_free_all(w->sig_hdrs);
	w->sig_hdrs = NULL;
}

int
loader_cleanup(struct loader *ld)
{
	CURL *h = curl_easy_init();
	struct curl_slist *lines[3], *hdrs;
	char url[LOADER_URL_MAX];
	int failed = 0;
	size_t i;
	bool ok;

	hdrs = sig_headers_new(ld, lines, &ok);
	if (h == NULL || !ok) {
		curl_easy_cleanup(h);
		return -1;
	}
	setup_handle(ld, h, hdrs);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, "DELETE");
	curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	for (i = 0; i < ld->nput_names; i++) {
		if (!object_url(ld, &ld->w[0], ld->put_names[i], url,
		    sizeof(url)) || (hdrs != NULL && !sign_request(ld, lines,
		    NULL, 0, "DELETE", url))) {
			failed++;
			continue;
		}
		curl_easy_setopt(h, CURLOPT_URL, url);
		if (curl_easy_perform(h) != CURLE_OK)
			failed++;
	}
	curl_easy_cleanup(h);
	curl_slist_free_all(hdrs);
	return failed;
}
