/*
 * remote.c: object requests of remote buckets that must ask the backend
 * before they can be answered: HEAD of an object that is not cached, and
 * a warm GET that must first check that the copy is current
 * (versioning.validate_warm_get, or ?latest=true).  Both run on the cold
 * workers; the connection waits, deferred.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"
#include "log.h"
#include "target.h"

struct remote_job {
	struct target		*t;
	struct http_conn	*c;
	struct http_request	*req;	/* valid while the request waits */
	struct objref		 o;
	struct bucket		 b;
	int			 status;
	ais_err			 err;
	char			 msg[AIS_ERRBUF_SIZE];
	struct bk_attrs		 attrs;
	bool			 stale;
};

static struct remote_job *
job_new(struct target *t, struct http_conn *c, struct http_request *req,
    const struct objref *o, const struct bucket *b)
{
	struct remote_job *j;

	if ((j = calloc(1, sizeof(*j))) == NULL)
		return NULL;
	j->t = t;
	j->c = c;
	j->req = req;
	j->o = *o;
	j->b = *b;
	return j;
}

static void
job_submit(struct remote_job *j, void (*fn)(void *))
{
	http_conn_defer(j->c);
	if (cold_submit(fn, j) != AIS_OK) {
		j->err = AIS_ENOMEM;
		fn(j);
	}
}

static void
respond_backend_error(struct remote_job *j)
{
	int status = backend_err_status(j->err, j->status);

	if (j->err == AIS_OK && j->status == 404)
		http_resp_error(j->c, 404, "%s://%s/%s: not found on the "
		    "backend", j->o.provider, j->o.bucket, j->o.object);
	else
		http_resp_error(j->c, status, "%s", j->msg[0] ? j->msg :
		    ais_strerror(j->err));
}

/* ---- HEAD of an object that is not cached ---- */

static void
head_reply(struct http_conn *c, void *arg)
{
	struct remote_job *j = arg;
	char custom[LOM_CUSTOM_MAX];
	struct lom_md *md = &j->attrs.md;

	if (j->err != AIS_OK || j->status != 200) {
		respond_backend_error(j);
		free(j);
		return;
	}
	http_resp_start(c, 200);
	if (j->attrs.md5[0] != '\0') {
		http_resp_header_str(c, "Ais-Checksum-Type", "md5");
		http_resp_header_str(c, "Ais-Checksum-Value", j->attrs.md5);
	}
	if (md->version[0] != '\0')
		http_resp_header_str(c, "Ais-Version", md->version);
	if (md->etag[0] != '\0')
		http_resp_header_str(c, "ETag", md->etag);
	if (md->last_modified[0] != '\0')
		http_resp_header_str(c, "Last-Modified", md->last_modified);
	if (md->custom_len > 0) {
		lom_custom_format(md, custom, sizeof(custom));
		http_resp_header_str(c, "Ais-Custom-Md", custom);
	}
	http_resp_header_str(c, "Ais-Present", "false");
	http_resp_head(c, (size_t)(j->attrs.size > 0 ? j->attrs.size : 0));
	free(j);
}

static void
head_run(void *arg)
{
	struct remote_job *j = arg;

	if (j->err == AIS_OK)
		j->err = backend_head(&j->b, j->o.object, &j->attrs, &j->status,
		    j->msg, sizeof(j->msg));
	http_conn_resume(j->c, head_reply, j);
}

void
remote_head(struct target *t, struct http_conn *c, const struct objref *o,
    const struct bucket *b)
{
	struct remote_job *j;

	if ((j = job_new(t, c, NULL, o, b)) == NULL) {
		http_resp_error(c, 500, "out of memory");
		return;
	}
	job_submit(j, head_run);
}

/* ---- warm GET that checks the backend first ---- */

static void
validate_reply(struct http_conn *c, void *arg)
{
	struct remote_job *j = arg;

	(void)c;
	if (j->err != AIS_OK || (j->status != 200 && j->status != 404))
		respond_backend_error(j);
	else
		/* a stale copy is gone by now: this GET fetches it again */
		obj_serve(j->t, j->c, j->req, &j->o, &j->b, false);
	free(j);
}

static void
validate_run(void *arg)
{
	struct remote_job *j = arg;
	char fqn[PATH_MAX];
	struct lom_md have;

	if (j->err == AIS_OK)
		j->err = backend_head(&j->b, j->o.object, &j->attrs, &j->status,
		    j->msg, sizeof(j->msg));
	if (j->err == AIS_OK && (j->status == 200 || j->status == 404) &&
	    fs_object_path(fqn, sizeof(fqn), fs_mountpath_for(&j->t->fs,
	    j->o.digest), j->o.provider, j->o.bucket, j->o.object) ==
	    AIS_OK && lom_load_path(fqn, &have) == AIS_OK &&
	    (j->status == 404 || backend_changed(&have, &j->attrs))) {
		log_info("TGT-STALE", "object=%s://%s/%s backend_status=%d",
		    j->o.provider, j->o.bucket, j->o.object, j->status);
		unlink(fqn);
	}
	http_conn_resume(j->c, validate_reply, j);
}

void
remote_validate(struct target *t, struct http_conn *c,
    struct http_request *req, const struct objref *o,
    const struct bucket *b)
{
	struct remote_job *j;

	if ((j = job_new(t, c, req, o, b)) == NULL) {
		http_resp_error(c, 500, "out of memory");
		return;
	}
	job_submit(j, validate_run);
}
