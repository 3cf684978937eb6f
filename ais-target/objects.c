/*
 * objects.c: GET, HEAD, PUT and DELETE of objects on a target.
 *
 * An object is the file <mountpath>/@<provider>/<bucket>/%ob/<name> on the
 * mountpath HRW picks for its uname, with its metadata in the user.ais.lom
 * xattr.  GET opens it, reads the xattr and sendfile()s it: no allocation.
 * PUT streams the body into a work file on the same mountpath while hashing
 * it, stores the metadata on the work file, and rename()s it into place:
 * readers see the old object or the new one, never a part.  A body cut
 * short removes the work file.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "lom.h"
#include "range.h"
#include "target.h"

static const struct mountpath *
obj_mountpath(struct target *t, const struct objref *o)
{
	return fs_mountpath_for(&t->fs, o->digest);
}

/* The metadata headers of GET and HEAD (and, partly, of PUT replies). */
void
obj_headers(struct http_conn *c, const struct lom_md *md,
    const struct stat *st)
{
	char buf[LOM_CUSTOM_MAX];
	size_t n;

	if (md->cktype != CKSUM_NONE) {
		http_resp_header_str(c, "Ais-Checksum-Type",
		    cksum_type_name(md->cktype));
		http_resp_header_str(c, "Ais-Checksum-Value", md->ckval);
	}
	if (md->version[0] != '\0')
		http_resp_header_str(c, "Ais-Version", md->version);
	http_resp_header_int(c, "Ais-Atime",
	    (int64_t)st->st_atim.tv_sec * 1000000000 + st->st_atim.tv_nsec);
	if (md->last_modified[0] != '\0')
		http_resp_header_str(c, "Last-Modified", md->last_modified);
	else {
		http_date(buf, st->st_mtim.tv_sec);
		http_resp_header_str(c, "Last-Modified", buf);
	}
	if (md->etag[0] != '\0')
		http_resp_header_str(c, "ETag", md->etag);
	else if (md->ckval[0] != '\0') {
		n = strlen(md->ckval);
		buf[0] = '"';
		memcpy(buf + 1, md->ckval, n);
		memcpy(buf + 1 + n, "\"", 2);
		http_resp_header_str(c, "ETag", buf);
	}
	if (md->custom_len > 0) {
		lom_custom_format(md, buf, sizeof(buf));
		http_resp_header_str(c, "Ais-Custom-Md", buf);
	}
}

/*
 * Opens an object and loads its metadata; AIS_ENOENT when there is no
 * object by that name (no file, a folder, or a file without metadata).
 */
static ais_err
obj_open(const char *fqn, int *fdp, struct lom_md *md, struct stat *st)
{
	int fd;

	if ((fd = open(fqn, O_RDONLY | O_CLOEXEC)) < 0)
		return errno == ENOENT || errno == ENOTDIR ? AIS_ENOENT :
		    ais_err_from_errno(errno);
	if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode) ||
	    lom_load_fd(fd, md) != AIS_OK) {
		close(fd);
		return AIS_ENOENT;
	}
	*fdp = fd;
	return AIS_OK;
}

/* Asks the backend first?  The bucket says so, or ?latest=true. */
static bool
wants_latest(const struct bucket *b, const struct http_request *req)
{
	struct slice v;

	if (!BUCKET_IS_REMOTE(b))
		return false;
	return b->validate_warm_get || (http_query_get(req->query, "latest",
	    &v) && slice_eq(v, "true"));
}

void
obj_get(struct target *t, struct http_conn *c, struct http_request *req,
    const struct objref *o, const struct bucket *b)
{
	obj_serve(t, c, req, o, b, wants_latest(b, req));
}

void
obj_serve(struct target *t, struct http_conn *c, struct http_request *req,
    const struct objref *o, const struct bucket *b, bool validate)
{
	char fqn[PATH_MAX];
	struct lom_md md;
	struct stat st;
	int64_t off = 0, len;
	ais_err e;
	int fd = -1;

	if (fs_object_path(fqn, sizeof(fqn), obj_mountpath(t, o), o->provider,
	    o->bucket, o->object) != AIS_OK) {
		http_resp_error(c, 400, "object name too long");
		return;
	}
again:
	if ((e = obj_open(fqn, &fd, &md, &st)) == AIS_ENOENT &&
	    BUCKET_IS_REMOTE(b)) {
		if (req->method == HTTP_HEAD)
			remote_head(t, c, o, b);
		else if (cold_get(t, c, req, o, b) == 1)
			goto again;
		return;
	}
	if (e != AIS_OK) {
		http_resp_error(c, ais_err_http_status(e), "%s://%s/%s: %s",
		    o->provider, o->bucket, o->object, e == AIS_ENOENT ?
		    "object not found" : ais_strerror(e));
		return;
	}
	if (validate) {
		close(fd);
		remote_validate(t, c, req, o, b);
		return;
	}
	len = st.st_size;
	switch (range_parse(http_req_header(req, "Range"), st.st_size, &off,
	    &len)) {
	case RANGE_UNSAT:
		close(fd);
		http_resp_start(c, 416);
		http_resp_header(c, "Content-Range", "bytes */%lld",
		    (long long)st.st_size);
		http_resp_send(c, NULL, 0);
		return;
	case RANGE_OK:
		http_resp_start(c, 206);
		http_resp_header(c, "Content-Range", "bytes %lld-%lld/%lld",
		    (long long)off, (long long)(off + len - 1),
		    (long long)st.st_size);
		break;
	case RANGE_NONE:
		http_resp_start(c, 200);
		break;
	}
	obj_headers(c, &md, &st);
	if (BUCKET_IS_REMOTE(b))
		http_resp_header_str(c, "Ais-Present", "true");
	http_resp_header_str(c, "Accept-Ranges", "bytes");
	http_resp_header_str(c, "Content-Type", "application/octet-stream");
	http_resp_sendfile(c, fd, off, (size_t)len);
}

/* ---- PUT ---- */

struct put {
	struct target		*t;
	struct http_conn	*c;
	struct objref		 o;
	int			 fd;
	int64_t			 received;
	struct cksum		 ck;		/* the bucket's type */
	struct cksum		 client_ck;	/* the client's, if another */
	char			 client_val[CKSUM_VALUE_MAX];
	bool			 client_sent;
	int			 err;		/* errno of a failed write */
	struct lom_md		 md;
	char			 work[PATH_MAX];
	char			 fqn[PATH_MAX];
};

static void
put_free(struct put *p, bool remove_work)
{
	if (p->fd >= 0)
		close(p->fd);
	if (remove_work && p->work[0] != '\0')
		unlink(p->work);
	cksum_abort(&p->ck);
	cksum_abort(&p->client_ck);
	free(p);
}

static int
put_on_data(void *arg, const char *buf, size_t len)
{
	struct put *p = arg;
	ssize_t n;
	size_t off = 0;

	while (off < len) {
		if ((n = write(p->fd, buf + off, len - off)) < 0) {
			if (errno == EINTR)
				continue;
			p->err = errno;
			return 1;
		}
		off += (size_t)n;
	}
	cksum_update(&p->ck, buf, len);
	cksum_update(&p->client_ck, buf, len);
	p->received += (int64_t)len;
	return 0;
}

/* The version after the one on disk: AIS versions count from 1. */
static void
put_next_version(struct put *p)
{
	struct lom_md old;
	long long v = 0;
	const char *errstr;

	if (lom_load_path(p->fqn, &old) == AIS_OK && old.version[0] != '\0')
		v = strtonum(old.version, 0, LLONG_MAX - 1, &errstr);
	snprintf(p->md.version, sizeof(p->md.version), "%lld", v + 1);
}

static ais_err
put_commit(struct put *p, int *status, char *err, size_t errlen)
{
	char value[CKSUM_VALUE_MAX];

	cksum_final(&p->ck, p->md.ckval);
	if (p->client_sent) {
		if (p->client_ck.type == CKSUM_NONE)
			strlcpy(value, p->md.ckval, sizeof(value));
		else
			cksum_final(&p->client_ck, value);
		if (strcasecmp(value, p->client_val) != 0) {
			*status = 422;
			snprintf(err, errlen, "checksum mismatch: client sent "
			    "%s, content has %s", p->client_val, value);
			return AIS_ECHECKSUM;
		}
	}
	p->md.size = p->received;
	put_next_version(p);
	if (lom_store_fd(p->fd, &p->md) != AIS_OK ||
	    (p->t->conf.fsync && fsync(p->fd) != 0) ||
	    fs_mkparents(p->fqn) != AIS_OK || rename(p->work, p->fqn) != 0) {
		ais_err e = ais_err_from_errno(errno);

		*status = e == AIS_ECONFLICT ? 409 : ais_err_http_status(e);
		snprintf(err, errlen, "%s://%s/%s: %s", p->o.provider,
		    p->o.bucket, p->o.object, e == AIS_ECONFLICT ?
		    "a folder or file of that name is in the way" :
		    strerror(errno));
		return e;
	}
	p->work[0] = '\0';
	return AIS_OK;
}

static void
put_on_end(void *arg, enum http_body_status st)
{
	struct put *p = arg;
	struct http_conn *c = p->c;
	char err[AIS_ERRBUF_SIZE];
	int status = 500;

	if (st == HTTP_BODY_CUT) {
		log_debug("TGT-PUT-CUT", "object=%s://%s/%s received=%lld",
		    p->o.provider, p->o.bucket, p->o.object,
		    (long long)p->received);
		put_free(p, true);
		return;
	}
	if (st == HTTP_BODY_ABORTED) {
		status = ais_err_http_status(ais_err_from_errno(p->err));
		http_resp_error(c, status, "writing %s://%s/%s: %s",
		    p->o.provider, p->o.bucket, p->o.object, strerror(p->err));
		put_free(p, true);
		return;
	}
	if (put_commit(p, &status, err, sizeof(err)) != AIS_OK) {
		http_resp_error(c, status, "%s", err);
		put_free(p, true);
		return;
	}
	http_resp_start(c, 200);
	if (p->md.cktype != CKSUM_NONE) {
		http_resp_header_str(c, "Ais-Checksum-Type",
		    cksum_type_name(p->md.cktype));
		http_resp_header_str(c, "Ais-Checksum-Value", p->md.ckval);
	}
	http_resp_header_str(c, "Ais-Version", p->md.version);
	http_resp_send(c, NULL, 0);
	put_free(p, false);
}

static const struct http_body_ops put_ops = { put_on_data, put_on_end };

/* Reads the client's checksum and custom metadata headers. */
static int
put_headers(struct put *p, struct http_request *req, char *err,
    size_t errlen)
{
	struct slice type = http_req_header(req, "Ais-Checksum-Type");
	struct slice value = http_req_header(req, "Ais-Checksum-Value");
	struct slice custom = http_req_header(req, "Ais-Custom-Md");
	enum cksum_type ct;

	if (custom.ptr != NULL &&
	    lom_custom_parse(&p->md, custom.ptr, custom.len) != AIS_OK) {
		snprintf(err, errlen, "invalid or over %d bytes of "
		    "Ais-Custom-Md", LOM_CUSTOM_MAX);
		return 400;
	}
	if (value.ptr == NULL)
		return 0;
	if (type.ptr == NULL)
		ct = p->md.cktype;
	else if (cksum_type_parse(type.ptr, type.len, &ct) != AIS_OK) {
		snprintf(err, errlen, "unknown checksum type '%.*s'",
		    (int)(type.len > 16 ? 16 : type.len), type.ptr);
		return 400;
	}
	if (ct == CKSUM_NONE || value.len == 0 ||
	    value.len >= sizeof(p->client_val)) {
		snprintf(err, errlen, "invalid Ais-Checksum-Value");
		return 400;
	}
	memcpy(p->client_val, value.ptr, value.len);
	p->client_val[value.len] = '\0';
	p->client_sent = true;
	if (ct != p->md.cktype && cksum_init(&p->client_ck, ct) != AIS_OK)
		return 500;
	return 0;
}

void
obj_put(struct target *t, struct http_conn *c, struct http_request *req,
    const struct objref *o, const struct bucket *b)
{
	const struct mountpath *mp = obj_mountpath(t, o);
	char err[AIS_ERRBUF_SIZE];
	struct put *p;
	ais_err e;
	int status;

	if (req->content_length < 0 && !req->chunked) {
		http_resp_error(c, 411, "PUT needs Content-Length or chunked "
		    "transfer encoding");
		return;
	}
	if ((p = calloc(1, sizeof(*p))) == NULL) {
		http_resp_error(c, 500, "out of memory");
		return;
	}
	p->t = t;
	p->c = c;
	p->o = *o;
	p->fd = -1;
	lom_init(&p->md);
	p->md.cktype = b->cktype;
	cksum_init(&p->client_ck, CKSUM_NONE);
	if ((status = put_headers(p, req, err, sizeof(err))) != 0 ||
	    cksum_init(&p->ck, b->cktype) != AIS_OK) {
		http_resp_error(c, status ? status : 500, "%s",
		    status ? err : "checksum init failed");
		put_free(p, false);
		return;
	}
	e = fs_object_path(p->fqn, sizeof(p->fqn), mp, o->provider, o->bucket,
	    o->object);
	if (e == AIS_OK)
		e = fs_open_work(p->work, sizeof(p->work), mp, o->provider,
		    o->bucket, "put", &p->fd);
	if (e != AIS_OK) {
		p->work[0] = '\0';
		http_resp_error(c, ais_err_http_status(e), "%s://%s/%s: %s",
		    o->provider, o->bucket, o->object, ais_strerror(e));
		put_free(p, false);
		return;
	}
	http_conn_read_body(c, &put_ops, p);
}

/* ---- DELETE ---- */

/* Removes folders left empty by a delete, up to the bucket's %ob. */
static void
obj_prune_dirs(char *fqn, size_t base)
{
	char *slash;

	while ((slash = strrchr(fqn, '/')) != NULL &&
	    (size_t)(slash - fqn) > base) {
		*slash = '\0';
		if (rmdir(fqn) != 0)
			break;
	}
}

ais_err
obj_remove(struct target *t, const struct objref *o, int64_t *size)
{
	char fqn[PATH_MAX];
	struct lom_md md;

	if (fs_object_path(fqn, sizeof(fqn), obj_mountpath(t, o), o->provider,
	    o->bucket, o->object) != AIS_OK ||
	    lom_load_path(fqn, &md) != AIS_OK || unlink(fqn) != 0)
		return AIS_ENOENT;
	*size = md.size;
	obj_prune_dirs(fqn, strlen(fqn) - o->objlen);
	return AIS_OK;
}

void
obj_delete(struct target *t, struct http_conn *c, struct http_request *req,
    const struct objref *o, const struct bucket *b)
{
	struct slice v;
	int64_t size;

	/* the cluster keeps copies of remote objects: it can only evict */
	if (BUCKET_IS_REMOTE(b) && !(http_query_get(req->query, "evict", &v) &&
	    slice_eq(v, "true"))) {
		http_resp_error(c, 405, "%s://%s/%s: a remote object can only "
		    "be evicted (?evict=true); the backend keeps it",
		    o->provider, o->bucket, o->object);
		return;
	}
	if (obj_remove(t, o, &size) != AIS_OK) {
		http_resp_error(c, 404, "%s://%s/%s: object not %s",
		    o->provider, o->bucket, o->object, BUCKET_IS_REMOTE(b) ?
		    "cached" : "found");
		return;
	}
	http_resp_start(c, 200);
	http_resp_send(c, NULL, 0);
}
