/*
 * http_srv.c: the event loops and connections of the HTTP server (the
 * contract is in http_server.h).
 *
 * DESIGN
 * Each loop thread owns an epoll set, a listening socket bound with
 * SO_REUSEPORT, an eventfd for work posted by other threads, and its
 * connections.  Nothing is shared between loops but the server's options
 * and their connection counts, so the hot path takes no lock.  The kernel
 * spreads connections over the listening sockets by a hash, which leaves
 * one loop with 12 of 16 connections as often as not, and the requests on
 * it waiting three times as long: a loop that accepts a connection hands
 * it to the loop with the fewest.
 *
 * Fairness within a loop: an event serves at most one request of its
 * connection.  A client that sends its next request as soon as it has the
 * last byte of a response (all of them do) would otherwise be served
 * again and again from one recv loop, for seconds, while the loop's other
 * connections wait.  Requests already in a connection's buffer (pipelined)
 * put it on the loop's ready list, served one request per pass with the
 * epoll events.
 *
 * A connection's buffer holds the request head at its start and body
 * bytes after it, so the slices of the request stay valid while the body
 * is read; bytes of a pipelined next request are moved to the start once
 * the response is sent.  Responses go out as header bytes (built in the
 * connection) plus either a memory body or a file range by sendfile(2).
 *
 * Connections are never freed while a callback may still use them: a
 * closed connection is moved to the loop's reap list and freed after the
 * current event has been handled.  Timeouts: connections sit in an LRU
 * list ordered by their last progress, which a once-a-second tick scans
 * from the oldest end.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/queue.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "chunked.h"
#include "clock.h"
#include "http_parser.h"
#include "http_server.h"
#include "log.h"
#include "thread.h"

#define CONN_BUF_SIZE	(128 * 1024)
#define HDR_BUF_SIZE	4096
/*
 * File bytes sent per event: as much as a socket's buffer takes (wmem_max
 * and a loader's SO_RCVBUF are 4 MiB here).  Warm GETs of 10 MiB at 16
 * connections read 0.91x nginx's throughput (the median of 18 rounds)
 * with 1 MiB turns, 0.94-0.96x with 2 MiB (nginx's sendfile_max_chunk),
 * 1.005x with 4 MiB; at 64 connections 0.96x and 1.04x.  A turn of 4 MiB
 * takes a few ms, against p99s of 100 ms and more at those loads.
 */
#define WRITE_TURN	(4 * 1024 * 1024)
#define LINGER_READS	16		/* buffers a lingering peer's event drops */
#define MAX_EVENTS	256

enum conn_state {
	CS_HEAD,	/* reading a request head */
	CS_HANDLER,	/* the handler has the request (or deferred it) */
	CS_BODY,	/* feeding the body to the handler */
	CS_WRITE,	/* sending the response */
	CS_LINGER,	/* sent, reading what the peer still sends, to close */
	CS_DEAD,	/* closed, waiting to be reaped */
};

struct loop;

struct http_conn {
	struct loop		*loop;
	int			 fd;
	enum conn_state		 state;
	bool			 deferred;
	atomic_int		 holds;		/* http_conn_hold() */
	bool			 close_after;
	bool			 peer_gone;
	bool			 in_lru;
	bool			 in_ready;
	uint32_t		 events;	/* what epoll watches for */
	unsigned long		 responses;	/* response cycles ended */
	long long		 last_ms;
	TAILQ_ENTRY(http_conn)	 lru;
	TAILQ_ENTRY(http_conn)	 ready;
	TAILQ_ENTRY(http_conn)	 reap;

	struct http_request	 req;
	size_t			 head_len;	/* bytes of the request head */
	size_t			 in_len;	/* bytes in buf */
	size_t			 scanned;
	size_t			 body_off;	/* next body byte in buf */

	/* request body */
	const struct http_body_ops *body_ops;
	void			*body_arg;
	int64_t			 body_left;	/* of a Content-Length body */
	struct chunked		 chunked;
	bool			 body_done;

	/* response */
	char			 hdr[HDR_BUF_SIZE];
	size_t			 hdr_len, hdr_off;
	bool			 hdr_overflow;
	int			 status;
	const char		*mem;
	char			*mem_owned;
	size_t			 mem_len, mem_off;
	int			 file_fd;
	off_t			 file_off;
	size_t			 file_left;
	bool			 streaming;	/* file still being written */
	bool			 corked;	/* TCP_CORK is on */
	off_t			 stream_avail;	/* valid bytes end here */

	char			 peer[64];
	char			 small[1024];	/* short response bodies */
	char			 buf[CONN_BUF_SIZE];
};

struct post {
	struct http_conn	*conn;
	void			(*fn)(struct http_conn *, void *);
	void			*arg;
	bool			 resume;	/* ends a deferral */
	STAILQ_ENTRY(post)	 link;
};

struct loop {
	struct http_server	*srv;
	pthread_t		 thread;
	int			 epfd, lfd, evfd;
	bool			 accepting;
	atomic_bool		 stopping;
	TAILQ_HEAD(, http_conn)	 lru;
	TAILQ_HEAD(, http_conn)	 reaplist;
	TAILQ_HEAD(, http_conn)	 readyq;	/* with buffered requests */
	size_t			 nready;
	atomic_int		 load;		/* its connections, adopted or on
						 * their way (for balancing) */
	pthread_mutex_t		 post_mu;
	STAILQ_HEAD(, post)	 posts;
	char			 date[HTTP_DATE_LEN + 1];
	time_t			 date_sec;
};

struct http_server {
	struct http_server_opts	 opts;
	struct loop		*loops;
	int			 nloops;
	int			 port;
	_Atomic long long	 drain_until;	/* 0 until stopping */
};

static void	conn_close(struct http_conn *);
static void	conn_write(struct http_conn *);
static void	conn_read(struct http_conn *);
static void	conn_feed_body(struct http_conn *);
static void	conn_progress(struct http_conn *);
static void	conn_ready(struct http_conn *);

static void
conn_touch(struct http_conn *c)
{
	c->last_ms = mono_ms();
	if (c->in_lru) {
		TAILQ_REMOVE(&c->loop->lru, c, lru);
		TAILQ_INSERT_TAIL(&c->loop->lru, c, lru);
	}
}

static void
conn_events(struct http_conn *c, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = c };

	/* most requests end with the mask they began with: no syscall */
	if (events == c->events)
		return;
	if (epoll_ctl(c->loop->epfd, EPOLL_CTL_MOD, c->fd, &ev) == 0)
		c->events = events;
}

/* ---- responses ---- */

static void
hdr_vappend(struct http_conn *c, const char *fmt, va_list ap)
{
	int n;

	n = vsnprintf(c->hdr + c->hdr_len, sizeof(c->hdr) - c->hdr_len, fmt,
	    ap);
	if (n < 0 || (size_t)n >= sizeof(c->hdr) - c->hdr_len)
		c->hdr_overflow = true;
	else
		c->hdr_len += (size_t)n;
}

/* n bytes at the end of the head, as they are: no format to parse */
static void
hdr_put(struct http_conn *c, const char *s, size_t n)
{
	if (n >= sizeof(c->hdr) - c->hdr_len)
		c->hdr_overflow = true;
	else {
		memcpy(c->hdr + c->hdr_len, s, n);
		c->hdr_len += n;
	}
}

#define HDR_LIT(c, s)	hdr_put((c), (s), sizeof(s) - 1)

/* v in decimal at the end of the head */
static void
hdr_put_int(struct http_conn *c, int64_t v)
{
	char d[21];
	size_t i = sizeof(d);
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;

	do
		d[--i] = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		d[--i] = '-';
	hdr_put(c, d + i, sizeof(d) - i);
}

static const char *
loop_date(struct loop *l)
{
	time_t now = time(NULL);

	if (now != l->date_sec) {
		http_date(l->date, now);
		l->date_sec = now;
	}
	return l->date;
}

/*
 * The head is put together with memcpy, not printf: a GET's dozen lines
 * through vsnprintf were 7% of the target's CPU on 1 KiB objects.
 */
void
http_resp_start(struct http_conn *c, int status)
{
	const char *text = http_status_text(status);

	c->status = status;
	c->hdr_len = c->hdr_off = 0;
	c->hdr_overflow = false;
	HDR_LIT(c, "HTTP/1.1 ");
	hdr_put_int(c, status);
	HDR_LIT(c, " ");
	hdr_put(c, text, strlen(text));
	HDR_LIT(c, "\r\nServer: ais\r\nDate: ");
	hdr_put(c, loop_date(c->loop), HTTP_DATE_LEN);
	HDR_LIT(c, "\r\n");
}

void
http_resp_header(struct http_conn *c, const char *name, const char *fmt, ...)
{
	va_list ap;

	hdr_put(c, name, strlen(name));
	hdr_put(c, ": ", 2);
	va_start(ap, fmt);
	hdr_vappend(c, fmt, ap);
	va_end(ap);
	hdr_put(c, "\r\n", 2);
}

void
http_resp_header_int(struct http_conn *c, const char *name, int64_t value)
{
	hdr_put(c, name, strlen(name));
	HDR_LIT(c, ": ");
	hdr_put_int(c, value);
	HDR_LIT(c, "\r\n");
}

void
http_resp_header_str(struct http_conn *c, const char *name, const char *value)
{
	hdr_put(c, name, strlen(name));
	hdr_put(c, ": ", 2);
	hdr_put(c, value, strlen(value));
	hdr_put(c, "\r\n", 2);
}

/* A request body the handler did not read makes keep-alive impossible. */
static bool
body_unread(const struct http_conn *c)
{
	if (c->body_ops != NULL)
		return !c->body_done;
	return c->req.chunked || c->req.content_length > 0;
}

static void
resp_finish(struct http_conn *c, size_t body_len)
{
	if (c->state == CS_DEAD)
		return;
	if (!c->req.keepalive || body_unread(c) || c->loop->srv->drain_until)
		c->close_after = true;
	HDR_LIT(c, "Content-Length: ");
	hdr_put_int(c, (int64_t)body_len);
	HDR_LIT(c, "\r\n");
	if (c->close_after)
		HDR_LIT(c, "Connection: close\r\n");
	HDR_LIT(c, "\r\n");
	if (c->hdr_overflow) {
		log_warnx("HTTP-HDR-OVERFLOW", "peer=%s status=%d", c->peer,
		    c->status);
		conn_close(c);
		return;
	}
	if (c->req.method == HTTP_HEAD) {
		c->mem_len = c->file_left = 0;
		free(c->mem_owned);
		c->mem_owned = NULL;
		if (c->file_fd >= 0)
			close(c->file_fd);
		c->file_fd = -1;
	}
	c->deferred = false;
	c->state = CS_WRITE;
	conn_write(c);
}

void
http_resp_send(struct http_conn *c, const void *body, size_t len)
{
	c->mem_off = 0;
	c->mem_len = len;
	if (len <= sizeof(c->small))
		c->mem = len > 0 ? memcpy(c->small, body, len) : NULL;
	else if ((c->mem = c->mem_owned = malloc(len)) != NULL)
		memcpy(c->mem_owned, body, len);
	else {
		conn_close(c);
		return;
	}
	resp_finish(c, len);
}

void
http_resp_head(struct http_conn *c, size_t content_length)
{
	c->mem = NULL;
	c->mem_len = c->mem_off = 0;
	resp_finish(c, content_length);
}

void
http_resp_send_owned(struct http_conn *c, void *body, size_t len)
{
	c->mem = c->mem_owned = body;
	c->mem_len = len;
	c->mem_off = 0;
	resp_finish(c, len);
}

void
http_resp_sendfile(struct http_conn *c, int fd, off_t off, size_t len)
{
	c->file_fd = fd;
	c->file_off = off;
	c->file_left = len;
	resp_finish(c, len);
	if (c->state == CS_DEAD && c->file_fd >= 0) {
		close(c->file_fd);
		c->file_fd = -1;
	}
}

void
http_resp_stream(struct http_conn *c, int fd, off_t off, size_t len,
    off_t avail)
{
	c->streaming = true;
	c->stream_avail = avail;
	http_resp_sendfile(c, fd, off, len);
}

void
http_conn_stream_avail(struct http_conn *c, off_t avail)
{
	if (c->state == CS_DEAD || !c->streaming)
		return;
	c->stream_avail = avail;
	if (c->state == CS_WRITE)
		conn_write(c);
}

void
http_conn_abort(struct http_conn *c)
{
	c->peer_gone = true;
	conn_close(c);
}

void
http_conn_hold(struct http_conn *c)
{
	atomic_fetch_add(&c->holds, 1);
}

void
http_conn_release(struct http_conn *c)
{
	atomic_fetch_sub(&c->holds, 1);
}

void
http_resp_error(struct http_conn *c, int status, const char *fmt, ...)
{
	char msg[512], body[1200], *o = body;
	const char *m;
	va_list ap;
	int n;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	o += snprintf(o, 32, "{\"message\":\"");
	for (m = msg; *m != '\0' && o < body + sizeof(body) - 48; m++) {
		if (*m == '"' || *m == '\\')
			*o++ = '\\';
		if ((unsigned char)*m < 0x20)
			o += snprintf(o, 8, "\\u%04x", (unsigned char)*m);
		else
			*o++ = *m;
	}
	n = snprintf(o, 40, "\",\"status\":%d}", status);
	http_resp_start(c, status);
	http_resp_header_str(c, "Content-Type", "application/json");
	if (status == 503)	/* every 503 of ours is transient */
		http_resp_header_str(c, "Retry-After", "1");
	http_resp_send(c, body, (size_t)(o - body) + (size_t)n);
}

void
http_resp_json(struct http_conn *c, int status, const json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT);

	if (s == NULL) {
		http_resp_error(c, 500, "out of memory");
		return;
	}
	http_resp_start(c, status);
	http_resp_header_str(c, "Content-Type", "application/json");
	http_resp_send_owned(c, s, strlen(s));
}

void
http_conn_close_after(struct http_conn *c)
{
	c->close_after = true;
}

bool
http_conn_is_closed(const struct http_conn *c)
{
	return c->state == CS_DEAD || c->peer_gone;
}

const char *
http_conn_peer(const struct http_conn *c)
{
	return c->peer;
}

/* ---- writing ---- */

/* Frees what the response held and prepares for the next request. */
static void
resp_reset(struct http_conn *c)
{
	free(c->mem_owned);
	c->mem_owned = NULL;
	c->mem = NULL;
	c->mem_len = c->mem_off = 0;
	if (c->file_fd >= 0)
		close(c->file_fd);
	c->file_fd = -1;
	c->file_left = 0;
	c->streaming = false;
	c->hdr_len = c->hdr_off = 0;
}

static void
conn_next_request(struct http_conn *c)
{
	size_t used = c->body_off > c->head_len ? c->body_off : c->head_len;

	resp_reset(c);
	/* bytes of a pipelined request move to the start */
	if (c->in_len > used)
		memmove(c->buf, c->buf + used, c->in_len - used);
	c->in_len = c->in_len > used ? c->in_len - used : 0;
	c->head_len = c->body_off = c->scanned = 0;
	c->body_ops = NULL;
	c->body_arg = NULL;
	c->body_done = false;
	c->deferred = false;
	c->state = CS_HEAD;
	c->responses++;
	conn_events(c, EPOLLIN | EPOLLRDHUP);
	conn_touch(c);
	/* buffered pipelined bytes are parsed by conn_progress */
}

static int
write_head_and_mem(struct http_conn *c)
{
	struct iovec iov[2];
	ssize_t n;
	int cnt = 0;
	size_t hleft = c->hdr_len - c->hdr_off;

	if (hleft > 0)
		iov[cnt++] = (struct iovec){ c->hdr + c->hdr_off, hleft };
	if (c->mem_len > c->mem_off)
		iov[cnt++] = (struct iovec){ (char *)c->mem + c->mem_off,
		    c->mem_len - c->mem_off };
	if (cnt == 0)
		return 0;
	if (c->file_left > 0 && hleft > 0) {
		/* header now, file right after: one segment on the wire */
		n = send(c->fd, c->hdr + c->hdr_off, hleft,
		    MSG_NOSIGNAL | MSG_MORE);
	} else
		n = writev(c->fd, iov, cnt);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 1 : -1;
	if ((size_t)n >= hleft) {
		c->hdr_off = c->hdr_len;
		c->mem_off += (size_t)n - hleft;
	} else
		c->hdr_off += (size_t)n;
	return c->hdr_off < c->hdr_len || c->mem_off < c->mem_len ? 1 : 0;
}

/*
 * 0 done, 1 wait for the socket, 2 wait for a streamed file to grow, 3
 * turn over: after WRITE_TURN bytes the loop's other connections get
 * their turn before a fast reader of a large file gets more.
 */
static int
write_file(struct http_conn *c)
{
	size_t want, sent = 0;
	ssize_t n;

	while (c->file_left > 0) {
		if (sent >= WRITE_TURN)
			return 3;
		want = c->file_left < WRITE_TURN - sent ? c->file_left :
		    WRITE_TURN - sent;
		if (c->streaming) {
			if (c->file_off >= c->stream_avail)
				return 2;
			if ((off_t)want > c->stream_avail - c->file_off)
				want = (size_t)(c->stream_avail - c->file_off);
		}
		n = sendfile(c->fd, c->file_fd, &c->file_off, want);
		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 1 : -1;
		if (n == 0)	/* the file shrank under us */
			return -1;
		c->file_left -= (size_t)n;
		sent += (size_t)n;
	}
	return 0;
}

/*
 * A file reply is corked from the head to its last byte, as nginx's
 * tcp_nopush does.  Uncorked, with TCP_NODELAY, a 1 MiB GET at one
 * connection went out in 24-30 segments, 8-14 of them short, against 17
 * corked (16 full and the tail), as nginx sends it.  Corked, a 10 MiB GET
 * ran 1.15x as fast (the median of 10 paired runs) and a 1 MiB GET 1.03x.
 * Not for a file still being written: its last bytes would wait for the
 * cork's 200 ms.
 */
static void
conn_cork(struct http_conn *c, bool on)
{
	int v = on;

	if (setsockopt(c->fd, IPPROTO_TCP, TCP_CORK, &v, sizeof(v)) == 0)
		c->corked = on;
}

/* Reads and drops what a lingering peer sends; closes at its end. */
static void
conn_drain(struct http_conn *c)
{
	ssize_t n;
	int i;

	for (i = 0; i < LINGER_READS; i++) {
		n = recv(c->fd, c->buf, sizeof(c->buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			conn_close(c);
			return;
		}
	}
}

/*
 * Closes c once its peer stops sending (nginx's lingering close).  A
 * response sent before the request's body was read (a 507 to an upload
 * bigger than the disk) reaches a client still uploading only if the rest
 * is read: a close with bytes unread sends a reset, and the reset can
 * take the response with it before the client reads it.  A peer that goes
 * on sending is closed by the tick, io_timeout_ms after the response.
 */
static void
conn_linger(struct http_conn *c)
{
	if (shutdown(c->fd, SHUT_WR) != 0) {
		conn_close(c);
		return;
	}
	resp_reset(c);
	c->state = CS_LINGER;
	conn_events(c, EPOLLIN | EPOLLRDHUP);
	conn_drain(c);
}

static void
conn_write(struct http_conn *c)
{
	int r;

	if (c->state != CS_WRITE)
		return;
	if (!c->corked && !c->streaming && c->file_left > 0)
		conn_cork(c, true);
	if ((r = write_head_and_mem(c)) == 0)
		r = write_file(c);
	if (r == 0 && c->corked)
		conn_cork(c, false);
	if (r < 0) {
		c->peer_gone = true;
		conn_close(c);
		return;
	}
	conn_touch(c);
	if (r == 1) {
		conn_events(c, EPOLLOUT);
		return;
	}
	if (r == 2) {		/* the producer calls http_conn_stream_avail */
		conn_events(c, 0);
		return;
	}
	if (r == 3) {		/* the socket has room: no wait for EPOLLOUT */
		conn_ready(c);
		return;
	}
	if (!c->close_after)
		conn_next_request(c);
	else if (body_unread(c) && !c->peer_gone)
		conn_linger(c);
	else
		conn_close(c);
}

/* ---- request bodies ---- */

void
http_conn_read_body(struct http_conn *c, const struct http_body_ops *ops,
    void *arg)
{
	static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";

	c->body_ops = ops;
	c->body_arg = arg;
	c->body_off = c->head_len;
	c->body_done = false;
	chunked_init(&c->chunked);
	c->body_left = c->req.chunked ? 0 : c->req.content_length > 0 ?
	    c->req.content_length : 0;
	c->state = CS_BODY;
	if (c->req.expect_continue && c->in_len == c->head_len &&
	    c->body_left + c->req.chunked > 0)
		(void)!send(c->fd, cont, sizeof(cont) - 1, MSG_NOSIGNAL);
	conn_events(c, EPOLLIN | EPOLLRDHUP);
	conn_touch(c);
	conn_feed_body(c);
}

/* Ends the body: tells the handler, which may respond from on_end. */
static void
body_end(struct http_conn *c, enum http_body_status st)
{
	const struct http_body_ops *ops = c->body_ops;

	c->body_done = st == HTTP_BODY_OK;
	c->state = CS_HANDLER;
	if (st == HTTP_BODY_CUT) {
		c->peer_gone = true;
		ops->on_end(c->body_arg, st);
		conn_close(c);
		return;
	}
	if (st == HTTP_BODY_ABORTED)
		c->close_after = true;
	ops->on_end(c->body_arg, st);
	if (c->state == CS_HANDLER && !c->deferred) {
		log_warnx("HTTP-NO-RESPONSE", "peer=%s", c->peer);
		http_resp_error(c, 500, "no response");
	}
}

/* Hands buffered body bytes to the handler; reports the end. */
static void
conn_feed_body(struct http_conn *c)
{
	const char *p = c->buf + c->body_off, *end = c->buf + c->in_len;
	enum chunked_step st;
	size_t n;

	while (c->state == CS_BODY) {
		if (c->req.chunked)
			st = chunked_next(&c->chunked, &p, end, &n);
		else if (c->body_left == 0)
			st = CHUNKED_DONE;
		else if (p == end)
			st = CHUNKED_MORE;
		else {
			st = CHUNKED_DATA;
			n = (size_t)(end - p) < (uint64_t)c->body_left ?
			    (size_t)(end - p) : (size_t)c->body_left;
		}
		if (st == CHUNKED_MORE)
			break;
		if (st != CHUNKED_DATA) {
			c->body_off = (size_t)(p - c->buf);
			body_end(c, st == CHUNKED_DONE ? HTTP_BODY_OK :
			    HTTP_BODY_CUT);
			return;
		}
		if (c->body_ops->on_data(c->body_arg, p, n) != 0) {
			c->body_off = (size_t)(p + n - c->buf);
			body_end(c, HTTP_BODY_ABORTED);
			return;
		}
		p += n;
		if (c->req.chunked)
			chunked_took(&c->chunked, n);
		else
			c->body_left -= (int64_t)n;
	}
	c->body_off = (size_t)(p - c->buf);
	/* keep only unconsumed framing bytes, right after the head */
	if (c->state == CS_BODY && c->body_off > c->head_len) {
		memmove(c->buf + c->head_len, c->buf + c->body_off,
		    c->in_len - c->body_off);
		c->in_len -= c->body_off - c->head_len;
		c->body_off = c->head_len;
	}
}

/* ---- reading ---- */

static void
conn_dispatch(struct http_conn *c)
{
	struct http_server *srv = c->loop->srv;

	c->state = CS_HANDLER;
	srv->opts.handler(c, &c->req, srv->opts.arg);
	if (c->state == CS_HANDLER && !c->deferred) {
		log_warnx("HTTP-NO-RESPONSE", "peer=%s", c->peer);
		http_resp_error(c, 500, "no response");
	}
}

static void
conn_parse(struct http_conn *c)
{
	size_t max = c->loop->srv->opts.max_header_bytes, used;
	enum http_parse_result r;

	r = http_parse_request(c->buf, c->in_len, max, &c->scanned, &c->req,
	    &used);
	if (r == HTTP_PARSE_AGAIN)
		return;
	if (r != HTTP_PARSE_OK) {
		memset(&c->req, 0, sizeof(c->req));
		c->req.content_length = -1;
		c->close_after = true;
		c->state = CS_HANDLER;
		http_resp_error(c, r == HTTP_PARSE_TOO_BIG ? 431 :
		    r == HTTP_PARSE_VERSION ? 505 : r == HTTP_PARSE_TE ? 501 :
		    400, "%s", r == HTTP_PARSE_TOO_BIG ?
		    "request header fields too large" :
		    r == HTTP_PARSE_VERSION ? "HTTP version not supported" :
		    r == HTTP_PARSE_TE ? "transfer coding not supported" :
		    "malformed request");
		return;
	}
	c->head_len = c->body_off = used;
	conn_dispatch(c);
}

/* Reads and serves up to the end of one response (see DESIGN). */
static void
conn_read(struct http_conn *c)
{
	unsigned long responses = c->responses;
	size_t room;
	ssize_t n;

	for (;;) {
		if (c->state == CS_HEAD && c->in_len > 0) {
			conn_parse(c);
			if (c->state != CS_HEAD || c->responses != responses)
				return;
		}
		if (c->state == CS_BODY && c->body_off < c->in_len) {
			conn_feed_body(c);
			if (c->state != CS_BODY)
				return;
		}
		if (c->state != CS_HEAD && c->state != CS_BODY)
			return;
		room = sizeof(c->buf) - c->in_len;
		if (c->state == CS_BODY && !c->req.chunked &&
		    (uint64_t)c->body_left < room)
			room = (size_t)c->body_left;	/* not past the body */
		if (room == 0) {
			/* a head longer than the buffer: parse says 431 */
			conn_parse(c);
			return;
		}
		n = recv(c->fd, c->buf + c->in_len, room, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			c->peer_gone = true;
			if (c->state == CS_BODY)
				body_end(c, HTTP_BODY_CUT);
			else
				conn_close(c);
			return;
		}
		c->in_len += (size_t)n;
		conn_touch(c);
	}
}

/* ---- deferral ---- */

void
http_conn_defer(struct http_conn *c)
{
	c->deferred = true;
	conn_events(c, 0);
}

static void
conn_post(struct http_conn *c, void (*fn)(struct http_conn *, void *),
    void *arg, bool resume)
{
	struct loop *l = c->loop;
	struct post *p;
	uint64_t one = 1;

	/* Posting must not fail: the request would hang.  Retry on ENOMEM. */
	while ((p = malloc(sizeof(*p))) == NULL)
		usleep(1000);
	p->conn = c;
	p->fn = fn;
	p->arg = arg;
	p->resume = resume;
	pthread_mutex_lock(&l->post_mu);
	STAILQ_INSERT_TAIL(&l->posts, p, link);
	pthread_mutex_unlock(&l->post_mu);
	(void)!write(l->evfd, &one, sizeof(one));
}

void
http_conn_resume(struct http_conn *c, void (*fn)(struct http_conn *, void *),
    void *arg)
{
	conn_post(c, fn, arg, true);
}

void
http_conn_post(struct http_conn *c, void (*fn)(struct http_conn *, void *),
    void *arg)
{
	conn_post(c, fn, arg, false);
}

static void
loop_run_posts(struct loop *l)
{
	STAILQ_HEAD(, post) batch = STAILQ_HEAD_INITIALIZER(batch);
	struct post *p;
	uint64_t n;

	(void)!read(l->evfd, &n, sizeof(n));
	pthread_mutex_lock(&l->post_mu);
	STAILQ_CONCAT(&batch, &l->posts);
	pthread_mutex_unlock(&l->post_mu);
	while ((p = STAILQ_FIRST(&batch)) != NULL) {
		STAILQ_REMOVE_HEAD(&batch, link);
		if (p->resume) {
			p->conn->deferred = false;
			if (p->conn->state == CS_HANDLER)
				conn_touch(p->conn);
		}
		p->fn(p->conn, p->arg);
		if (p->resume && p->conn->state == CS_HANDLER &&
		    !p->conn->deferred)
			http_resp_error(p->conn, 500, "no response");
		conn_progress(p->conn);
		free(p);
	}
}

/* ---- connections ---- */

static void
conn_close(struct http_conn *c)
{
	struct loop *l = c->loop;

	if (c->state == CS_DEAD)
		return;
	if (c->state == CS_BODY && c->body_ops != NULL) {
		c->state = CS_HANDLER;
		c->body_ops->on_end(c->body_arg, HTTP_BODY_CUT);
	}
	c->state = CS_DEAD;
	if (c->in_ready) {
		TAILQ_REMOVE(&l->readyq, c, ready);
		l->nready--;
	}
	c->in_ready = false;
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	c->fd = -1;
	if (c->in_lru)
		TAILQ_REMOVE(&l->lru, c, lru);
	c->in_lru = false;
	/* a deferred request is freed when its resume arrives */
	TAILQ_INSERT_TAIL(&l->reaplist, c, reap);
}

static void
loop_reap(struct loop *l)
{
	struct http_conn *c, *tmp;

	TAILQ_FOREACH_SAFE(c, &l->reaplist, reap, tmp) {
		if (c->deferred || atomic_load(&c->holds) > 0)
			continue;
		TAILQ_REMOVE(&l->reaplist, c, reap);
		resp_reset(c);
		atomic_fetch_sub(&l->load, 1);
		free(c);
	}
}

/* The loop with the fewest connections, l itself on a tie. */
static struct loop *
least_loaded(struct loop *l)
{
	struct http_server *srv = l->srv;
	struct loop *best = l;
	int i;

	for (i = 0; i < srv->nloops; i++)
		if (atomic_load(&srv->loops[i].load) < atomic_load(&best->load))
			best = &srv->loops[i];
	return best;
}

/* On the connection's loop: start watching it. */
static void
conn_adopt(struct http_conn *c, void *arg)
{
	struct loop *l = c->loop;
	struct epoll_event ev = { EPOLLIN | EPOLLRDHUP, { .ptr = c } };

	(void)arg;
	c->in_lru = true;
	TAILQ_INSERT_TAIL(&l->lru, c, lru);
	c->last_ms = mono_ms();
	c->events = ev.events;
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, c->fd, &ev) != 0)
		conn_close(c);
}

static void
loop_accept(struct loop *l)
{
	struct sockaddr_storage ss;
	socklen_t slen;
	struct http_conn *c;
	char host[INET6_ADDRSTRLEN];
	int fd, one = 1;

	for (;;) {
		slen = sizeof(ss);
		fd = accept4(l->lfd, (struct sockaddr *)&ss, &slen,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE ||
			    errno == ENOMEM || errno == ENOBUFS) {
				/* pause; the tick resumes accepting */
				log_warn("HTTP-ACCEPT-PAUSE", "conns=%d",
				    atomic_load(&l->load));
				epoll_ctl(l->epfd, EPOLL_CTL_DEL, l->lfd, NULL);
				l->accepting = false;
			}
			return;
		}
		if ((c = calloc(1, sizeof(*c))) == NULL) {
			close(fd);
			continue;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		c->fd = fd;
		c->file_fd = -1;
		c->state = CS_HEAD;
		if (getnameinfo((struct sockaddr *)&ss, slen, host,
		    sizeof(host), NULL, 0, NI_NUMERICHOST) == 0)
			snprintf(c->peer, sizeof(c->peer), "%s:%u", host,
			    ntohs(ss.ss_family == AF_INET ?
			    ((struct sockaddr_in *)&ss)->sin_port :
			    ((struct sockaddr_in6 *)&ss)->sin6_port));
		c->loop = least_loaded(l);
		atomic_fetch_add(&c->loop->load, 1);
		if (c->loop == l)
			conn_adopt(c, NULL);
		else
			conn_post(c, conn_adopt, NULL, false);
	}
}

/* Closes connections that sat idle or made no progress too long. */
static void
loop_tick(struct loop *l)
{
	const struct http_server_opts *o = &l->srv->opts;
	long long now = mono_ms(), age;
	struct http_conn *c, *tmp;
	struct epoll_event ev = { EPOLLIN, { .ptr = NULL } };

	if (!l->accepting && !atomic_load(&l->stopping) &&
	    epoll_ctl(l->epfd, EPOLL_CTL_ADD, l->lfd, &ev) == 0)
		l->accepting = true;
	TAILQ_FOREACH_SAFE(c, &l->lru, lru, tmp) {
		age = now - c->last_ms;
		if (age < o->idle_timeout_ms && age < o->io_timeout_ms)
			break;
		if (c->deferred || (c->streaming && c->file_off >=
		    c->stream_avail))
			continue;
		if (c->state == CS_HEAD && c->in_len == 0 ?
		    age >= o->idle_timeout_ms : age >= o->io_timeout_ms) {
			log_debug("HTTP-TIMEOUT", "peer=%s state=%d", c->peer,
			    c->state);
			conn_close(c);
		}
	}
}

/* Queues c to be served in the loop's next pass, without an event. */
static void
conn_ready(struct http_conn *c)
{
	if (c->in_ready)
		return;
	c->in_ready = true;
	TAILQ_INSERT_TAIL(&c->loop->readyq, c, ready);
	c->loop->nready++;
}

/* A connection with bytes of a next request in its buffer is ready. */
static void
conn_progress(struct http_conn *c)
{
	if (c->state == CS_HEAD && c->in_len > 0 && c->scanned < c->in_len)
		conn_ready(c);
}

/*
 * One request, or one write turn, of each connection that was ready when
 * the pass began.
 */
static void
loop_serve_ready(struct loop *l)
{
	size_t n = l->nready;
	struct http_conn *c;

	/* those served again go back to the tail, for the next pass */
	while (n-- > 0 && (c = TAILQ_FIRST(&l->readyq)) != NULL) {
		TAILQ_REMOVE(&l->readyq, c, ready);
		l->nready--;
		c->in_ready = false;
		if (c->state == CS_WRITE)
			conn_write(c);
		else
			conn_read(c);
		conn_progress(c);
		loop_reap(l);
	}
}

static void
loop_event(struct loop *l, struct epoll_event *ev)
{
	struct http_conn *c = ev->data.ptr;

	if (c == NULL) {
		loop_accept(l);
		return;
	}
	if ((void *)c == (void *)l) {
		loop_run_posts(l);
		return;
	}
	if (c->state == CS_DEAD)
		return;
	if (ev->events & EPOLLOUT) {
		if (!c->in_ready)	/* else its turn comes in this pass */
			conn_write(c);
	} else if (ev->events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
		if (c->state == CS_HEAD || c->state == CS_BODY)
			conn_read(c);
		else if (c->state == CS_LINGER)
			conn_drain(c);
		else if (ev->events & (EPOLLHUP | EPOLLERR))
			conn_close(c);
	}
	conn_progress(c);
}

/* True when draining is over: nothing in flight, or the deadline. */
static bool
loop_drained(struct loop *l)
{
	struct http_conn *c, *tmp;
	bool busy = false;

	TAILQ_FOREACH_SAFE(c, &l->lru, lru, tmp) {
		/* idle, or lingering: its response is out already */
		if ((c->state == CS_HEAD && c->in_len == 0 && !c->deferred) ||
		    c->state == CS_LINGER)
			conn_close(c);
		else
			busy = true;
	}
	TAILQ_FOREACH(c, &l->reaplist, reap)
		busy |= c->deferred || atomic_load(&c->holds) > 0;
	return !busy || mono_ms() >= l->srv->drain_until;
}

static void *
loop_main(void *arg)
{
	struct loop *l = arg;
	struct epoll_event evs[MAX_EVENTS];
	long long last_tick = mono_ms();
	int i, n;

	for (;;) {
		n = epoll_wait(l->epfd, evs, MAX_EVENTS, l->nready > 0 ? 0 :
		    1000);
		for (i = 0; i < n; i++)
			loop_event(l, &evs[i]);
		/*
		 * Not before the batch is done: an event (a post that aborts
		 * a waiter) can close a connection whose own event (a reset)
		 * is further on in evs.  Closed, it is CS_DEAD there; freed,
		 * its memory could be anything.
		 */
		loop_reap(l);
		loop_serve_ready(l);
		if (mono_ms() - last_tick >= 1000) {
			loop_tick(l);
			loop_reap(l);
			last_tick = mono_ms();
		}
		if (atomic_load(&l->stopping)) {
			if (l->accepting) {
				epoll_ctl(l->epfd, EPOLL_CTL_DEL, l->lfd, NULL);
				l->accepting = false;
			}
			if (loop_drained(l))
				break;
		}
	}
	return NULL;
}

/* ---- server ---- */

/*
 * A listening socket shared by the loops through SO_REUSEPORT.  With
 * exclusive, the port is first bound without SO_REUSEPORT: that fails if
 * another process (even another ais daemon, which would otherwise share
 * the port silently) holds it.
 */
static int
listen_socket(const char *host, int port, bool exclusive, char *errbuf,
    size_t errlen)
{
	struct addrinfo hints = { .ai_flags = AI_PASSIVE | AI_NUMERICSERV,
	    .ai_socktype = SOCK_STREAM }, *ai;
	char portstr[16];
	int fd, one = 1, r;

	snprintf(portstr, sizeof(portstr), "%d", port);
	if ((r = getaddrinfo(host, portstr, &hints, &ai)) != 0) {
		snprintf(errbuf, errlen, "%s: %s", host, gai_strerror(r));
		return -1;
	}
	if (exclusive && port != 0 && ((fd = socket(ai->ai_family,
	    SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 || setsockopt(fd, SOL_SOCKET,
	    SO_REUSEADDR, &one, sizeof(one)) != 0 || bind(fd, ai->ai_addr,
	    ai->ai_addrlen) != 0)) {
		snprintf(errbuf, errlen, "listen %s:%d: %s", host, port,
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		freeaddrinfo(ai);
		return -1;
	}
	if (exclusive && port != 0)
		close(fd);
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
	    sizeof(one)) != 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one,
	    sizeof(one)) != 0 || bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 ||
	    listen(fd, 1024) != 0) {
		snprintf(errbuf, errlen, "listen %s:%d: %s", host, port,
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	return fd;
}

static int
bound_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
		return -1;
	return ntohs(ss.ss_family == AF_INET ?
	    ((struct sockaddr_in *)&ss)->sin_port :
	    ((struct sockaddr_in6 *)&ss)->sin6_port);
}

static ais_err
loop_init(struct loop *l, struct http_server *srv, int port, char *errbuf,
    size_t errlen)
{
	struct epoll_event ev;

	l->srv = srv;
	l->lfd = l->evfd = l->epfd = -1;
	TAILQ_INIT(&l->lru);
	TAILQ_INIT(&l->reaplist);
	TAILQ_INIT(&l->readyq);
	STAILQ_INIT(&l->posts);
	pthread_mutex_init(&l->post_mu, NULL);
	atomic_init(&l->stopping, false);
	atomic_init(&l->load, 0);
	if ((l->lfd = listen_socket(srv->opts.host, port, l == srv->loops,
	    errbuf, errlen)) < 0)
		return AIS_EIO;
	if ((l->epfd = epoll_create1(EPOLL_CLOEXEC)) < 0 ||
	    (l->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0) {
		snprintf(errbuf, errlen, "epoll: %s", strerror(errno));
		return AIS_EIO;
	}
	ev = (struct epoll_event){ EPOLLIN, { .ptr = NULL } };
	epoll_ctl(l->epfd, EPOLL_CTL_ADD, l->lfd, &ev);
	ev = (struct epoll_event){ EPOLLIN, { .ptr = l } };
	epoll_ctl(l->epfd, EPOLL_CTL_ADD, l->evfd, &ev);
	l->accepting = true;
	return AIS_OK;
}

static void
loop_fini(struct loop *l)
{
	struct http_conn *c, *tmp;

	loop_run_posts(l);	/* connections handed over as the loop ended */
	TAILQ_FOREACH_SAFE(c, &l->lru, lru, tmp)
		conn_close(c);
	loop_reap(l);
	if (l->lfd >= 0)
		close(l->lfd);
	if (l->evfd >= 0)
		close(l->evfd);
	if (l->epfd >= 0)
		close(l->epfd);
	pthread_mutex_destroy(&l->post_mu);
}

ais_err
http_server_start(struct http_server **out, const struct http_server_opts *o,
    char *errbuf, size_t errlen)
{
	struct http_server *srv;
	int i, port = o->port;
	long n;

	if ((srv = calloc(1, sizeof(*srv))) == NULL)
		return AIS_ENOMEM;
	srv->opts = *o;
	if (srv->opts.idle_timeout_ms <= 0)
		srv->opts.idle_timeout_ms = 60000;
	if (srv->opts.io_timeout_ms <= 0)
		srv->opts.io_timeout_ms = 30000;
	if (srv->opts.max_header_bytes == 0)
		srv->opts.max_header_bytes = 16384;
	if (srv->opts.max_header_bytes > CONN_BUF_SIZE / 2)
		srv->opts.max_header_bytes = CONN_BUF_SIZE / 2;
	n = o->nloops > 0 ? o->nloops : sysconf(_SC_NPROCESSORS_ONLN);
	srv->nloops = n > 0 ? (int)n : 1;
	if ((srv->loops = calloc((size_t)srv->nloops, sizeof(*srv->loops))) ==
	    NULL) {
		free(srv);
		return AIS_ENOMEM;
	}
	for (i = 0; i < srv->nloops; i++) {
		if (loop_init(&srv->loops[i], srv, port, errbuf, errlen) !=
		    AIS_OK) {
			while (i >= 0)
				loop_fini(&srv->loops[i--]);
			free(srv->loops);
			free(srv);
			return AIS_EIO;
		}
		if (port == 0)	/* the other loops share the picked port */
			port = bound_port(srv->loops[i].lfd);
	}
	srv->port = port;
	for (i = 0; i < srv->nloops; i++)
		if (pthread_create(&srv->loops[i].thread, NULL, loop_main,
		    &srv->loops[i]) == 0)
			thread_name(srv->loops[i].thread, "http", i);
	*out = srv;
	return AIS_OK;
}

int
http_server_port(const struct http_server *srv)
{
	return srv->port;
}

void
http_server_stop(struct http_server *srv, int drain_ms)
{
	uint64_t one = 1;
	int i;

	if (srv == NULL)
		return;
	srv->drain_until = mono_ms() + drain_ms;
	for (i = 0; i < srv->nloops; i++) {
		atomic_store(&srv->loops[i].stopping, true);
		(void)!write(srv->loops[i].evfd, &one, sizeof(one));
	}
	for (i = 0; i < srv->nloops; i++)
		pthread_join(srv->loops[i].thread, NULL);
	for (i = 0; i < srv->nloops; i++)
		loop_fini(&srv->loops[i]);
	free(srv->loops);
	free(srv);
}
