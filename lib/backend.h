/*
 * backend.h: the buckets' backends: S3 (provider "aws", SigV4 by
 * libcurl, path-style) and HTTP origins (provider "ht": object o of the
 * bucket is <origin>/o).
 *
 * Calls block (libcurl easy): they run on worker threads, never on an
 * event loop; a GET of an object instead runs on the caller's curl multi
 * handle.  Errors: an unreachable backend is AIS_ECONNREFUSED (503),
 * one that times out AIS_ETIMEDOUT, a backend that answers with an error
 * reports it in *status (404, 403, ...), a transfer cut short or
 * otherwise broken is AIS_EBACKEND (502); errbuf has the detail.
 */
#ifndef AIS_BACKEND_H
#define AIS_BACKEND_H

#include <jansson.h>
#include <stdint.h>

#include <curl/curl.h>

#include "ais_err.h"
#include "bmd.h"
#include "lom.h"

struct backend_conf {
	const char	*s3_endpoint;	/* default S3 endpoint URL */
	const char	*region;
	const char	*access_key;
	const char	*secret_key;
	long		 timeout_ms;	/* connect and stall timeout */
};

/*
 * Sets the process-wide defaults; fields left NULL come from AWS_*
 * variables (AWS_ENDPOINT_URL, AWS_REGION or AWS_DEFAULT_REGION,
 * AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY).  The strings must outlive
 * every call.  AIS_ETOOLONG for credentials too long to sign with.
 */
ais_err	backend_init(const struct backend_conf *);
/* At exit, once every thread that fetched has ended. */
void	backend_fini(void);

/* What a backend says of an object: its metadata, size and MD5 if any. */
struct bk_attrs {
	struct lom_md	 md;		/* etag, version, last_modified, custom */
	int64_t		 size;		/* -1 when not announced */
	char		 md5[33];	/* from a single-part ETag, or empty */
};

struct bk_get_ops {
	/* Once, before any data, for a 2xx; non-zero aborts the transfer. */
	int	(*on_headers)(void *arg, const struct bk_attrs *);
	int	(*on_data)(void *arg, const char *buf, size_t len);
};

/*
 * A GET of an object on the caller's curl multi handle: start sets h up
 * (the caller then adds it to its multi handle); once the multi handle
 * reports it done with rc, end says how it went, as the blocking calls
 * do, and frees the bk_get.  ops are called on the multi's thread.
 */
struct bk_get;
ais_err	backend_get_start(CURL *h, const struct bucket *, const char *object,
	    const struct bk_get_ops *, void *arg, struct bk_get **,
	    char *errbuf, size_t errlen);
ais_err	backend_get_end(struct bk_get *, CURLcode rc, int *status,
	    char *errbuf, size_t errlen);
/* Sets up a multi handle that runs backend GETs (its connection cache). */
void	backend_multi_init(CURLM *);
ais_err	backend_head(const struct bucket *, const char *object,
	    struct bk_attrs *, int *status, char *errbuf, size_t errlen);

/* Does the bucket exist on its backend?  *status 200 when it does. */
ais_err	backend_head_bucket(const struct bucket *, int *status,
	    char *errbuf, size_t errlen);

/*
 * One page of the backend's listing (S3 ListObjectsV2): entries are
 * {"name","size","etag","last_modified"}; *next is the continuation
 * token (malloc'ed, empty at the end).
 */
ais_err	backend_list(const struct bucket *, const char *prefix,
	    const char *token, int max, json_t **entries, char **next,
	    int *status, char *errbuf, size_t errlen);

/*
 * GET of the bucket's own URL with a query (s3list.c): the whole body,
 * malloc'ed, when *status is 200.
 */
ais_err	backend_fetch_body(const struct bucket *, const char *query,
	    char **body, size_t *len, int *status, char *errbuf,
	    size_t errlen);

/* "s3://b/o" or the origin URL: where an object comes from. */
void	backend_source(const struct bucket *, const char *object, char *buf,
	    size_t len);

/*
 * Is the backend's object (a HEAD) another than the copy described by
 * have?  ETag and version decide, when the backend has them.
 */
bool	backend_changed(const struct lom_md *have, const struct bk_attrs *now);

/* HTTP status to report for a backend error. */
int	backend_err_status(ais_err, int status);

#endif
