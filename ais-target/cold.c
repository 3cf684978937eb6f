/*
 * cold.c: GET of an object of a remote bucket that is not on disk yet.
 *
 * DESIGN
 * One fill per object at a time: a table keyed by uname holds the fill
 * of every object being fetched, so any number of concurrent GETs of one
 * cold object cause one backend GET.  A fill loop (xferq.h: a thread
 * running any number of curl transfers) runs the fetch: it writes the
 * bytes to a work file on the object's mountpath while hashing them, then
 * stores the metadata and puts the file in place, as a PUT does; the work
 * file has no name until then (a spare, see open_work).  The GETs waiting
 * on a fill are its waiters: as soon as the backend's headers arrive each
 * waiter gets its response headers and streams the work file with
 * sendfile as it grows (the loop posts the new length to the waiters'
 * loops), so the first byte reaches the client long before the backend's
 * last; the last byte goes out only once the object is known to be whole
 * (its size and checksum), which is checked as soon as that byte is
 * written, while its metadata is stored and it is put in place.  If the
 * fetch fails, waiters still waiting get an error and waiters already
 * streaming are cut; the work file goes and the next GET retries.
 * A job (prefetch) has no connection: cold_fetch joins the fill in
 * flight, or starts one, and sleeps on its condition variable.
 * A cold worker stores the verified object (its metadata, its name and
 * with --fsync the fsync): on the fill loop, which runs ahead of the
 * event loops, the store held up the waiters' last bytes (by 80 us at the
 * median of 1 MiB cold GETs at one connection) and every other fill.
 *
 * Why loops and not a thread per fetch: with 16 fetches at once on a busy
 * CPU, each thread waited its turn for 60-100 ms while its socket filled;
 * the backend, its window shut, stalled for 200 ms retransmit timeouts.
 *
 * Locks: table_mu, then a fill's mu.  A waiter holds its connection (and
 * each post holds it again) so that the connection outlives the posts.
 * A fill is freed when its loop and every post have dropped it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdatomic.h>
#include <sys/queue.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend.h"
#include "clock.h"
#include "log.h"
#include "range.h"
#include "target.h"
#include "workq.h"
#include "xferq.h"

#define FILL_BUCKETS	256
/*
 * Bytes between progress posts while the backend's bytes keep coming:
 * each wakes the waiter's loop.  At 64 KiB a 1 MiB cold GET cost the
 * target 32 context switches, at 256 KiB 22, with the client's bytes no
 * later at the end (the post that lets the last byte go sends all that is
 * left).  Once the fill loop has nothing to read, fill_idle posts the
 * rest.
 */
#define NOTIFY_STEP	(256 * 1024)
#define FILL_BUF	(64 * 1024)	/* bytes gathered per write */
/*
 * fill_idle posts no sooner than this after the last post: a backend that
 * streams leaves its fill loop idle between reads, and a post (and a
 * short write) at each gave 1 MiB cold GETs 15-20% more posts and
 * sendfile calls; one that trickles still gets a post a piece.
 */
#define IDLE_POST_MS	5

enum fill_state { F_WAIT, F_STREAM, F_DONE, F_FAIL };

struct waiter {
	struct http_conn	*c;
	char			 range[96];	/* the Range header, or "" */
	bool			 notified;	/* the first post (resume) is out */
	bool			 pending;	/* a post not yet run */
	bool			 started;	/* response headers sent */
	bool			 detached;
	int64_t			 end;		/* file offset its bytes end at */
};

struct fill {
	LIST_ENTRY(fill)	 link;
	struct target		*t;
	struct bucket		 bck;
	struct objref		 o;
	pthread_mutex_t		 mu;
	pthread_cond_t		 ended;		/* state is DONE or FAIL */
	int			 refs;
	enum fill_state		 state;
	int			 fail_status;
	char			 fail_msg[AIS_ERRBUF_SIZE];
	struct bk_attrs		 attrs;
	struct lom_md		 md;		/* what is stored, once done */
	int64_t			 avail;		/* bytes in the work file */
	int64_t			 posted_at;
	long long		 posted_ms;	/* mono_ms() then */
	char			 work[PATH_MAX];	/* "" while unnamed */
	char			 fqn[PATH_MAX];
	int			 wfd;
	struct xferq_task	 task;		/* the backend GET */
	struct bk_get		*get;
	char			*buf;		/* FILL_BUF, for small pieces */
	size_t			 nbuf;
	struct cksum		 ck;
	bool			 check_md5;
	bool			 write_failed;	/* by fill_idle */
	bool			 checked;	/* fill_check has run */
	bool			 verified;	/* whole and right: all visible */
	struct waiter		*w;
	size_t			 nw;
};

static pthread_mutex_t table_mu = PTHREAD_MUTEX_INITIALIZER;
static LIST_HEAD(, fill) table[FILL_BUCKETS];
static struct xferq *fill_q;		/* the fills' backend GETs */
static int fill_nice;
static struct workq *cold_wq;		/* blocking backend calls */

static void
fill_unref(struct fill *f)
{
	bool last;

	pthread_mutex_lock(&f->mu);
	last = --f->refs == 0;
	pthread_mutex_unlock(&f->mu);
	if (!last)
		return;
	cksum_abort(&f->ck);
	pthread_mutex_destroy(&f->mu);
	pthread_cond_destroy(&f->ended);
	free(f->w);
	free(f);
}

static void on_note(struct http_conn *, void *);

/*
 * The bytes waiters may send (f->mu held): all of them once the object is
 * verified, else all but the last, so that a fill failing at the end
 * (short, or a bad checksum) still shows its clients a cut transfer.
 */
static int64_t
visible(const struct fill *f)
{
	if (f->state == F_DONE || f->verified || f->attrs.size < 0)
		return f->avail;
	return f->avail < f->attrs.size ? f->avail : f->attrs.size - 1;
}

/*
 * Posts the fill's news to one waiter (f->mu held).  A post still queued
 * will read the news when it runs: no second one, which would wake the
 * waiter's loop once more for bytes the first sends anyway.
 */
static void
notify_one(struct fill *f, struct waiter *w)
{
	/* without a length, nothing can be sent before the end */
	if (w->detached || w->pending || (f->state == F_STREAM &&
	    f->attrs.size < 0 && !f->verified))
		return;
	w->pending = true;
	http_conn_hold(w->c);
	f->refs++;
	if (!w->notified) {
		w->notified = true;
		http_conn_resume(w->c, on_note, f);
	} else
		http_conn_post(w->c, on_note, f);
}

static void
notify_all(struct fill *f)
{
	size_t i;

	for (i = 0; i < f->nw; i++)
		notify_one(f, &f->w[i]);
	f->posted_at = f->avail;
	f->posted_ms = mono_ms();
}

static void
detach(struct waiter *w)
{
	w->detached = true;
	http_conn_release(w->c);
}

/* Sends a waiter its response headers and starts streaming (f->mu held). */
static void
start_response(struct fill *f, struct waiter *w)
{
	struct http_conn *c = w->c;
	int64_t off = 0, len = f->attrs.size >= 0 ? f->attrs.size : f->avail;
	int64_t size = len;
	struct stat st;
	int fd;

	switch (range_parse(slice_from(w->range), size, &off, &len)) {
	case RANGE_UNSAT:
		http_resp_start(c, 416);
		http_resp_header(c, "Content-Range", "bytes */%lld",
		    (long long)size);
		http_resp_send(c, NULL, 0);
		detach(w);
		return;
	case RANGE_OK:
		http_resp_start(c, 206);
		http_resp_header(c, "Content-Range", "bytes %lld-%lld/%lld",
		    (long long)off, (long long)(off + len - 1), (long long)size);
		break;
	case RANGE_NONE:
		http_resp_start(c, 200);
		break;
	}
	/* the work file's own description: sendfile reads at its offset */
	fd = f->state == F_DONE ? open(f->fqn, O_RDONLY | O_CLOEXEC) :
	    fcntl(f->wfd, F_DUPFD_CLOEXEC, 0);
	if (fd < 0 || fstat(fd, &st) != 0) {
		if (fd >= 0)
			close(fd);
		http_conn_abort(c);
		detach(w);
		return;
	}
	obj_headers(c, f->state == F_DONE ? &f->md : &f->attrs.md, &st);
	http_resp_header_str(c, "Accept-Ranges", "bytes");
	http_resp_header_str(c, "Content-Type", "application/octet-stream");
	http_resp_stream(c, fd, off, (size_t)len, visible(f));
	w->started = true;
	w->end = off + len;
}

/* On the waiter's loop: act on the fill's state. */
static void
on_note(struct http_conn *c, void *arg)
{
	struct fill *f = arg;
	struct waiter *w = NULL;
	size_t i;

	pthread_mutex_lock(&f->mu);
	for (i = 0; i < f->nw; i++)
		if (f->w[i].c == c && !f->w[i].detached)
			w = &f->w[i];
	if (w != NULL)
		w->pending = false;
	if (w != NULL && f->state == F_FAIL) {
		if (w->started)
			http_conn_abort(c);
		else
			http_resp_error(c, f->fail_status, "%s", f->fail_msg);
		detach(w);
	} else if (w != NULL) {
		if (!w->started)
			start_response(f, w);
		else
			http_conn_stream_avail(c, visible(f));
		if (!w->detached && (f->state == F_DONE || visible(f) >= w->end))
			detach(w);
	}
	pthread_mutex_unlock(&f->mu);
	http_conn_release(c);
	fill_unref(f);
}

/* ---- the fill loop ---- */

/*
 * The work file is opened before the request goes out, while the CPU
 * waits for the backend: opened once the bytes came, it cost a 1 MiB cold
 * GET 1.5 ms more at the median, the spare pool's thread making the next
 * file while the bytes streamed in.  A spare stays unnamed (f->work
 * empty) until the fill is stored: its name, a link, would cost every
 * cold GET 30 us before its request goes out, and its waiters read it
 * through the fill's own descriptor.
 */
static int
open_work(struct fill *f)
{
	const struct mountpath *mp = fs_mountpath_for(&f->t->fs, f->o.digest);
	ais_err e;

	f->work[0] = '\0';
	if ((f->wfd = fs_take_unnamed(mp)) >= 0)
		return 0;
	e = fs_open_work(f->work, sizeof(f->work), mp, f->o.provider,
	    f->o.bucket, "cold", &f->wfd);
	if (e == AIS_OK)
		return 0;
	f->wfd = -1;
	f->work[0] = '\0';
	f->fail_status = ais_err_http_status(e);
	snprintf(f->fail_msg, sizeof(f->fail_msg), "work file: %s",
	    ais_strerror(e));
	return 1;
}

static int
fill_on_headers(void *arg, const struct bk_attrs *a)
{
	struct fill *f = arg;
	enum cksum_type t = f->bck.cktype;

	pthread_mutex_lock(&f->mu);
	f->attrs = *a;
	/*
	 * The backend's MD5 (a single-part ETag) is the object's checksum,
	 * known before the first byte, so cold and warm GETs send the same
	 * headers; it is recomputed only when the bucket asks to validate.
	 */
	f->check_md5 = a->md5[0] != '\0' && f->bck.validate_cold_get;
	if (a->md5[0] != '\0') {
		t = f->check_md5 ? CKSUM_MD5 : CKSUM_NONE;
		f->attrs.md.cktype = CKSUM_MD5;
		strlcpy(f->attrs.md.ckval, a->md5, sizeof(f->attrs.md.ckval));
	}
	cksum_init(&f->ck, t);
	/*
	 * Reserving the announced size up front costs ext4 one extent
	 * instead of a delayed allocation per page, and a full disk fails
	 * here, before any client has been sent a header.
	 */
	if (a->size > 0 && fallocate(f->wfd, FALLOC_FL_KEEP_SIZE, 0,
	    a->size) != 0 && errno == ENOSPC) {
		snprintf(f->fail_msg, sizeof(f->fail_msg), "%s: no space for "
		    "%lld bytes", f->fqn, (long long)a->size);
		f->fail_status = 507;
		pthread_mutex_unlock(&f->mu);
		return 1;
	}
	f->state = F_STREAM;
	notify_all(f);
	pthread_mutex_unlock(&f->mu);
	return 0;
}

/* Checks what arrived and makes its metadata; fail_* say what is wrong. */
static bool
fill_verify(struct fill *f)
{
	char sum[CKSUM_VALUE_MAX];

	if (f->attrs.size >= 0 && f->avail != f->attrs.size) {
		snprintf(f->fail_msg, sizeof(f->fail_msg), "%s://%s/%s: "
		    "backend sent %lld of %lld bytes", f->o.provider,
		    f->o.bucket, f->o.object, (long long)f->avail,
		    (long long)f->attrs.size);
		return false;
	}
	f->md = f->attrs.md;
	cksum_final(&f->ck, sum);
	if (f->check_md5 && strcmp(sum, f->attrs.md5) != 0) {
		snprintf(f->fail_msg, sizeof(f->fail_msg), "%s://%s/%s: "
		    "MD5 mismatch: backend says %s, content has %s",
		    f->o.provider, f->o.bucket, f->o.object, f->attrs.md5, sum);
		return false;
	}
	if (f->attrs.md5[0] == '\0') {
		f->md.cktype = f->bck.cktype;
		strlcpy(f->md.ckval, sum, sizeof(f->md.ckval));
	}
	f->md.size = f->avail;
	backend_source(&f->bck, f->o.object, f->md.source,
	    sizeof(f->md.source));
	return true;
}

/*
 * Verifies the fill, once: when its last byte is written, or when a GET
 * of unknown length ends, and then lets the waiters have that byte.
 */
static bool
fill_check(struct fill *f)
{
	bool ok;

	if (f->checked)
		return f->verified;
	f->checked = true;
	ok = fill_verify(f);
	pthread_mutex_lock(&f->mu);
	f->verified = ok;
	if (ok || f->avail > f->posted_at)
		notify_all(f);
	pthread_mutex_unlock(&f->mu);
	return ok;
}

/* Writes bytes to the work file and tells the waiters. */
static int
fill_write(struct fill *f, const char *data, size_t len)
{
	size_t off = 0;
	ssize_t n;

	while (off < len) {
		if ((n = write(f->wfd, data + off, len - off)) < 0) {
			if (errno == EINTR)
				continue;
			snprintf(f->fail_msg, sizeof(f->fail_msg), "writing "
			    "%s: %s", f->fqn, strerror(errno));
			f->fail_status = errno == ENOSPC ? 507 : 500;
			return 1;
		}
		off += (size_t)n;
	}
	cksum_update(&f->ck, data, len);
	pthread_mutex_lock(&f->mu);
	f->avail += (int64_t)len;
	if (f->avail == f->attrs.size) {
		pthread_mutex_unlock(&f->mu);
		return fill_check(f) ? 0 : 1;
	}
	if (f->avail - f->posted_at >= NOTIFY_STEP)
		notify_all(f);
	pthread_mutex_unlock(&f->mu);
	return 0;
}

/* Writes the gathered bytes. */
static int
fill_flush(struct fill *f)
{
	int rc = fill_write(f, f->buf, f->nbuf);

	f->nbuf = 0;
	return rc;
}

/*
 * curl hands over what one read returned, up to its 64 KiB buffer.  Small
 * pieces are gathered, as ext4 takes 1 MiB in 64 KiB writes for 55% of
 * the CPU it needs in 16 KiB ones; a piece of half the buffer or more
 * goes to the file as it is, without a copy.
 */
static int
fill_on_data(void *arg, const char *buf, size_t len)
{
	struct fill *f = arg;
	size_t n;

	if (f->write_failed)
		return 1;
	if (len >= FILL_BUF / 2) {
		if (f->nbuf > 0 && fill_flush(f) != 0)
			return 1;
		return fill_write(f, buf, len);
	}
	if (f->buf == NULL && (f->buf = malloc(FILL_BUF)) == NULL) {
		snprintf(f->fail_msg, sizeof(f->fail_msg), "out of memory");
		f->fail_status = 500;
		return 1;
	}
	while (len > 0) {
		n = len < FILL_BUF - f->nbuf ? len : FILL_BUF - f->nbuf;
		memcpy(f->buf + f->nbuf, buf, n);
		f->nbuf += n;
		buf += n;
		len -= n;
		if ((f->nbuf == FILL_BUF || f->avail + (int64_t)f->nbuf ==
		    f->attrs.size) && fill_flush(f) != 0)
			return 1;
	}
	return 0;
}

static const struct bk_get_ops fill_ops = { fill_on_headers, fill_on_data };

/*
 * On the fill loop, when the backend has sent nothing new and the last
 * post is IDLE_POST_MS old: what came is written and the waiters are told
 * now, while the CPU would idle, not at the next FILL_BUF or NOTIFY_STEP,
 * so that a backend that trickles reaches the client as it comes.  A
 * failed write ends the transfer at its next bytes.
 */
static void
fill_idle(struct xferq_task *task)
{
	struct fill *f = (struct fill *)((char *)task -
	    offsetof(struct fill, task));
	bool due;

	pthread_mutex_lock(&f->mu);
	due = f->state == F_STREAM && mono_ms() - f->posted_ms >= IDLE_POST_MS;
	pthread_mutex_unlock(&f->mu);
	if (!due)
		return;
	if (f->nbuf > 0 && !f->write_failed && fill_flush(f) != 0)
		f->write_failed = true;
	pthread_mutex_lock(&f->mu);
	if (f->state == F_STREAM && f->avail > f->posted_at)
		notify_all(f);
	pthread_mutex_unlock(&f->mu);
}

/*
 * Stores the metadata with the work file (and with --fsync makes both
 * durable, as a PUT does) and makes room for its name.
 */
static bool
fill_store(struct fill *f)
{
	if (lom_store_fd(f->wfd, &f->md) != AIS_OK ||
	    (f->t->conf.fsync && fsync(f->wfd) != 0) ||
	    fs_mkparents(f->fqn) != AIS_OK) {
		snprintf(f->fail_msg, sizeof(f->fail_msg), "%s: cannot store: "
		    "%s", f->fqn, strerror(errno));
		f->fail_status = 500;
		return false;
	}
	return true;
}

/*
 * Puts a stored work file at its object's name.  An unnamed one is linked
 * there; over a copy that came meanwhile (a PUT) it is linked at a work
 * name and renamed over it, as a named one is.
 */
static bool
fill_place(struct fill *f)
{
	const struct mountpath *mp;
	ais_err e;

	if (f->work[0] == '\0') {
		if ((e = fs_link_unnamed(f->wfd, f->fqn)) != AIS_EEXIST)
			return e == AIS_OK;
		mp = fs_mountpath_for(&f->t->fs, f->o.digest);
		if (fs_work_name(f->work, sizeof(f->work), mp, f->o.provider,
		    f->o.bucket, "cold") != AIS_OK ||
		    fs_link_unnamed(f->wfd, f->work) != AIS_OK) {
			f->work[0] = '\0';
			return false;
		}
	}
	return rename(f->work, f->fqn) == 0;
}

/* The fill has ended, stored (ok) or not: tells everyone, lets go. */
static void
fill_finish(struct fill *f, bool ok)
{
	pthread_mutex_lock(&f->mu);
	if (ok && fill_place(f))
		f->state = F_DONE;
	else {
		if (f->work[0] != '\0')
			unlink(f->work);
		if (ok)
			snprintf(f->fail_msg, sizeof(f->fail_msg), "%s: %s",
			    f->fqn, strerror(errno));
		f->state = F_FAIL;
		(f->fail_status == 404 ? log_debug : log_warnx)("TGT-COLD-FAIL",
		    "object=%s://%s/%s status=%d "
		    "error=\"%s\"", f->o.provider, f->o.bucket, f->o.object,
		    f->fail_status, f->fail_msg);
	}
	if (f->wfd >= 0)
		close(f->wfd);
	f->wfd = -1;
	free(f->buf);
	f->buf = NULL;
	notify_all(f);
	pthread_cond_broadcast(&f->ended);
	pthread_mutex_unlock(&f->mu);
	pthread_mutex_lock(&table_mu);
	LIST_REMOVE(f, link);
	pthread_mutex_unlock(&table_mu);
	fill_unref(f);
}

/* On a cold worker: stores a verified fill. */
static void
store_on_worker(void *arg)
{
	struct fill *f = arg;

	fill_finish(f, fill_store(f));
}

/* On a fill loop: opens the work file and sets h up for the GET. */
static int
fill_start(struct xferq_task *task, CURL *h)
{
	struct fill *f = (struct fill *)((char *)task -
	    offsetof(struct fill, task));
	ais_err e;

	f->fail_status = 502;
	if (open_work(f) != 0) {
		fill_finish(f, false);
		return 1;
	}
	if ((e = backend_get_start(h, &f->bck, f->o.object, &fill_ops, f,
	    &f->get, f->fail_msg, sizeof(f->fail_msg))) == AIS_OK)
		return 0;
	f->fail_status = backend_err_status(e, 0);
	fill_finish(f, false);
	return 1;
}

/*
 * On the fill loop, once the GET has ended: checks what came (if the last
 * byte did not), and has it stored.
 */
static void
fill_done(struct xferq_task *task, CURL *h, CURLcode rc)
{
	struct fill *f = (struct fill *)((char *)task -
	    offsetof(struct fill, task));
	char err[AIS_ERRBUF_SIZE] = "out of memory";
	int status = 0;
	bool ok = false;
	ais_err e = AIS_ENOMEM;

	if (f->get != NULL)
		e = backend_get_end(f->get, rc, &status, err, sizeof(err));
	f->get = NULL;
	if (e == AIS_OK && status >= 200 && status <= 299 &&
	    !f->write_failed && (f->nbuf == 0 || fill_flush(f) == 0))
		ok = fill_check(f);
	else if (f->fail_msg[0] == '\0') {	/* not a write error */
		f->fail_status = backend_err_status(e, status);
		snprintf(f->fail_msg, sizeof(f->fail_msg), "%s://%s/%s: %s",
		    f->o.provider, f->o.bucket, f->o.object,
		    status == 404 ? "not found on the backend" : err);
	}
	if (ok && cold_submit(store_on_worker, f) == AIS_OK)
		return;
	fill_finish(f, ok && fill_store(f));
}

/* ---- the loop side ---- */

static bool
same_object(const struct fill *f, const struct objref *o)
{
	return f->o.digest == o->digest && strcmp(f->o.object, o->object) ==
	    0 && strcmp(f->o.bucket, o->bucket) == 0 &&
	    strcmp(f->o.provider, o->provider) == 0;
}

static struct fill *
fill_new(struct target *t, const struct objref *o, const struct bucket *b)
{
	struct fill *f;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return NULL;
	f->t = t;
	f->o = *o;
	f->bck = *b;
	f->refs = 1;		/* the fill loop's */
	f->wfd = -1;
	f->task.start = fill_start;
	f->task.done = fill_done;
	f->task.idle = fill_idle;
	pthread_mutex_init(&f->mu, NULL);
	pthread_cond_init(&f->ended, NULL);
	cksum_init(&f->ck, CKSUM_NONE);
	if (fs_object_path(f->fqn, sizeof(f->fqn), fs_mountpath_for(&t->fs,
	    o->digest), o->provider, o->bucket, o->object) != AIS_OK) {
		free(f);
		return NULL;
	}
	return f;
}

static bool
add_waiter(struct fill *f, struct http_conn *c, struct http_request *req)
{
	struct slice r = http_req_header(req, "Range");
	struct waiter *grown, *w;

	grown = reallocarray(f->w, f->nw + 1, sizeof(*grown));
	if (grown == NULL)
		return false;
	f->w = grown;
	w = &f->w[f->nw++];
	memset(w, 0, sizeof(*w));
	w->c = c;
	if (r.ptr != NULL && r.len < sizeof(w->range)) {
		memcpy(w->range, r.ptr, r.len);
		w->range[r.len] = '\0';
	}
	http_conn_hold(c);
	http_conn_defer(c);
	if (f->state != F_WAIT)
		notify_one(f, w);
	return true;
}

int
cold_get(struct target *t, struct http_conn *c, struct http_request *req,
    const struct objref *o, const struct bucket *b)
{
	struct fill *f;
	struct stat st;
	int rc = 0;

	pthread_mutex_lock(&table_mu);
	LIST_FOREACH(f, &table[o->digest % FILL_BUCKETS], link)
		if (same_object(f, o))
			break;
	if (f == NULL) {
		f = fill_new(t, o, b);
		/* a fill that just finished named its file before leaving */
		if (f != NULL && stat(f->fqn, &st) == 0) {
			fill_unref(f);
			pthread_mutex_unlock(&table_mu);
			return 1;
		}
		if (f == NULL) {
			pthread_mutex_unlock(&table_mu);
			http_resp_error(c, 500, "out of memory");
			return 0;
		}
		LIST_INSERT_HEAD(&table[o->digest % FILL_BUCKETS], f, link);
		xferq_submit(fill_q, &f->task);
	}
	pthread_mutex_lock(&f->mu);
	if (!add_waiter(f, c, req)) {
		http_resp_error(c, 500, "out of memory");
		rc = 0;
	}
	pthread_mutex_unlock(&f->mu);
	pthread_mutex_unlock(&table_mu);
	return rc;
}

ais_err
cold_fetch(struct target *t, const struct objref *o, const struct bucket *b,
    int64_t *size, int *status, char *errbuf, size_t errlen)
{
	struct fill *f;
	struct stat st;
	bool run = false;
	ais_err e = AIS_OK;

	pthread_mutex_lock(&table_mu);
	LIST_FOREACH(f, &table[o->digest % FILL_BUCKETS], link)
		if (same_object(f, o))
			break;
	if (f == NULL) {
		if ((f = fill_new(t, o, b)) == NULL) {
			pthread_mutex_unlock(&table_mu);
			*status = 500;
			snprintf(errbuf, errlen, "out of memory");
			return AIS_ENOMEM;
		}
		if (stat(f->fqn, &st) == 0) {	/* done meanwhile */
			pthread_mutex_unlock(&table_mu);
			fill_unref(f);
			*size = st.st_size;
			return AIS_OK;
		}
		LIST_INSERT_HEAD(&table[o->digest % FILL_BUCKETS], f, link);
		run = true;
	}
	pthread_mutex_lock(&f->mu);
	f->refs++;			/* this caller's */
	pthread_mutex_unlock(&f->mu);
	pthread_mutex_unlock(&table_mu);
	if (run)
		xferq_submit(fill_q, &f->task);
	pthread_mutex_lock(&f->mu);
	while (f->state != F_DONE && f->state != F_FAIL)
		pthread_cond_wait(&f->ended, &f->mu);
	if (f->state == F_DONE)
		*size = f->md.size;
	else {
		*status = f->fail_status;
		strlcpy(errbuf, f->fail_msg, errlen);
		e = AIS_EBACKEND;
	}
	pthread_mutex_unlock(&f->mu);
	fill_unref(f);
	return e;
}

/*
 * A fill loop runs ahead of the event loops and of other processes: one
 * that waits its turn leaves the backend's socket full, and the backend
 * pays for it (s3rver spent 28% more CPU a byte sending to loops at the
 * default priority, and served cold GETs 0.8x as fast as direct ones; at
 * nice -10, the same CPU and speed).  Raising a thread's priority takes
 * CAP_SYS_NICE or an RLIMIT_NICE (LimitNICE= in the systemd unit).
 */
static void
fill_loop_init(void)
{
	static atomic_bool warned;

	if (fill_nice == 0 || setpriority(PRIO_PROCESS, (id_t)gettid(),
	    fill_nice) == 0 || atomic_exchange(&warned, true))
		return;
	log_warnx("TGT-FILL-NICE", "nice=%d error=\"%s\" (fill loops run at "
	    "the process's priority)", fill_nice, strerror(errno));
}

ais_err
cold_init(int nloops, int nworkers, int nice)
{
	ais_err e;

	fill_nice = nice;
	if ((e = xferq_start(&fill_q, nloops, "fill", backend_multi_init,
	    fill_loop_init)) != AIS_OK)
		return e;
	return workq_start(&cold_wq, nworkers, "cold");
}

void
cold_fini(void)
{
	if (fill_q != NULL)
		xferq_stop(fill_q);
	if (cold_wq != NULL)
		workq_stop(cold_wq);
	fill_q = NULL;
	cold_wq = NULL;
}

ais_err
cold_submit(void (*fn)(void *), void *arg)
{
	return workq_submit(cold_wq, fn, arg);
}
