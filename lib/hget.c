/*
 * hget.c: the lean GET client (see hget.h).  A request goes connect (new
 * connections only) -> send -> head -> body; its state is in struct hget
 * and g->cur is the connection it runs on.  A redirect's body is read and
 * dropped, so that its connection stays usable, and the request goes on
 * to the Location.  A kept connection that the server closed while it was
 * idle fails the first send or read: the request is sent once more on a
 * new one, as browsers and libcurl do.
 */
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "hget.h"
#include "http_server.h"

/* what a step of a response leaves: read on, or the request is over */
enum step { GO_ON, OVER };

static ais_err	begin(struct hget *);

static bool
split_url(const char *url, struct slice *auth, const char **path)
{
	const char *a, *p;

	if (strncasecmp(url, "http://", 7) != 0)
		return false;
	a = url + 7;
	p = a + strcspn(a, "/?");
	if (p == a || (size_t)(p - a) >= sizeof(((struct hget_conn *)0)->
	    authority))
		return false;
	*auth = (struct slice){ a, (size_t)(p - a) };
	*path = p;
	return true;
}

bool
hget_supports(const char *url)
{
	struct slice auth;
	const char *path;

	return split_url(url, &auth, &path);
}

/*
 * The kernel sizes an autotuned buffer by what the reader copied in one
 * round trip.  A loopback round trip is microseconds, so buffers stayed
 * at 128-370 KiB (ss -tm) with a reader of 64 connections: the sender
 * filled the window again and again, and the reader paid for each
 * window update.  With 64 KiB reads, a 4 MiB buffer took the loader from
 * 6800 to 10000 MiB/s there (1 MiB objects, one target).
 */
void
hget_set_rcvbuf(int fd, int bytes)
{
	if (bytes > 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes));
}

void
hget_init(struct hget *g, int ep, const struct hget_ops *ops, void *arg,
    char *buf, size_t readsize, const char *extra)
{
	int i;

	memset(g, 0, sizeof(*g));
	g->ep = ep;
	g->ops = ops;
	g->arg = arg;
	g->buf = buf;
	g->readsize = readsize;
	g->extra = extra != NULL ? extra : "";
	for (i = 0; i < HGET_CONNS; i++) {
		g->conns[i].g = g;
		g->conns[i].fd = -1;
	}
}

static void
conn_close(struct hget_conn *c)
{
	if (c->fd < 0)
		return;
	epoll_ctl(c->g->ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	c->fd = -1;
}

void
hget_fini(struct hget *g)
{
	int i;

	for (i = 0; i < HGET_CONNS; i++)
		conn_close(&g->conns[i]);
}

static void
watch(struct hget_conn *c, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = c };

	if (c->events != events && epoll_ctl(c->g->ep, EPOLL_CTL_MOD, c->fd,
	    &ev) == 0)
		c->events = events;
}

/* The kept connection to auth, or a slot for a new one (the LRU's). */
static struct hget_conn *
conn_for(struct hget *g, struct slice auth)
{
	struct hget_conn *c, *slot = NULL;
	int i;

	for (i = 0; i < HGET_CONNS; i++) {
		c = &g->conns[i];
		if (c->fd >= 0 && c->alen == auth.len &&
		    memcmp(c->authority, auth.ptr, auth.len) == 0)
			return c;
		if (slot == NULL || (slot->fd >= 0 && (c->fd < 0 ||
		    c->last_use < slot->last_use)))
			slot = c;
	}
	conn_close(slot);
	memcpy(slot->authority, auth.ptr, auth.len);
	slot->authority[auth.len] = '\0';
	slot->alen = auth.len;
	return slot;
}

/* A non-blocking connect of c to its authority. */
static ais_err
conn_open(struct hget_conn *c, char *why, size_t len)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
	    .ai_flags = AI_NUMERICSERV }, *ai;
	struct epoll_event ev = { .events = EPOLLOUT, .data.ptr = c };
	char host[256];
	const char *port = "80", *colon;
	int fd, one = 1, r;

	strlcpy(host, c->authority[0] == '[' ? c->authority + 1 :
	    c->authority, sizeof(host));
	colon = strrchr(host, c->authority[0] == '[' ? ']' : ':');
	if (colon != NULL) {
		host[colon - host] = '\0';
		if (colon[1] == ':')
			colon++;
		if (colon[1] != '\0')
			port = colon + 1;
	}
	if ((r = getaddrinfo(host, port, &hints, &ai)) != 0) {
		snprintf(why, len, "%s: %s", c->authority, gai_strerror(r));
		return AIS_ECONNREFUSED;
	}
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd >= 0) {
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		hget_set_rcvbuf(fd, c->g->rcvbuf);
		r = connect(fd, ai->ai_addr, ai->ai_addrlen);
	}
	freeaddrinfo(ai);
	if (fd < 0 || (r != 0 && errno != EINPROGRESS) ||
	    epoll_ctl(c->g->ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
		snprintf(why, len, "%s: %s", c->authority, strerror(errno));
		if (fd >= 0)
			close(fd);
		return AIS_ECONNREFUSED;
	}
	c->fd = fd;
	c->events = EPOLLOUT;
	return AIS_OK;
}

/* Ends the request with an error; the connection goes, whatever it held. */
static enum step
fail(struct hget *g, ais_err e, const char *why)
{
	if (g->cur != NULL)
		conn_close(g->cur);
	g->cur = NULL;
	g->state = HG_IDLE;
	g->ops->on_done(g->arg, 0, g->bytes, e, why);
	return OVER;
}

/* The connection broke: resend on a new one if a kept one had gone stale. */
static enum step
lost(struct hget *g, const char *why)
{
	ais_err e;

	if (g->fresh || g->answered)
		return fail(g, AIS_ECLOSED, why);
	conn_close(g->cur);
	if ((e = begin(g)) != AIS_OK)
		return fail(g, e, g->why);
	return OVER;
}

static enum step
send_request(struct hget *g)
{
	ssize_t n;

	while (g->req_off < g->req_len) {
		n = send(g->cur->fd, g->req + g->req_off, g->req_len -
		    g->req_off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			watch(g->cur, EPOLLOUT);
			return OVER;
		}
		if (n < 0)
			return lost(g, strerror(errno));
		g->req_off += (size_t)n;
	}
	watch(g->cur, EPOLLIN);
	g->state = HG_HEAD;
	return GO_ON;
}

/* Sends the request for g->url, on a kept connection when there is one. */
static ais_err
begin(struct hget *g)
{
	struct slice auth;
	const char *path;
	int n;

	if (!split_url(g->url, &auth, &path)) {
		snprintf(g->why, sizeof(g->why), "not an http:// URL: %.100s",
		    g->url);
		return AIS_EINVAL;
	}
	n = snprintf(g->req, sizeof(g->req), "GET %s%s HTTP/1.1\r\n"
	    "Host: %.*s\r\n%s\r\n", *path == '/' ? "" : "/", path,
	    (int)http_host_len(auth, false), auth.ptr, g->extra);
	if (n < 0 || (size_t)n >= sizeof(g->req)) {
		snprintf(g->why, sizeof(g->why), "URL too long");
		return AIS_ETOOLONG;
	}
	g->req_len = (size_t)n;
	g->req_off = g->head_len = 0;
	g->status = 0;
	g->redirect = g->close_after = g->answered = false;
	g->cur = conn_for(g, auth);
	g->cur->last_use = ++g->uses;
	g->fresh = g->cur->fd < 0;
	if (g->fresh) {
		if (conn_open(g->cur, g->why, sizeof(g->why)) != AIS_OK) {
			g->cur = NULL;
			return AIS_ECONNREFUSED;
		}
		g->state = HG_CONNECT;
		g->started_ms = mono_ms();
		return AIS_OK;
	}
	g->state = HG_SEND;
	send_request(g);	/* the response comes as an event */
	return AIS_OK;
}

ais_err
hget_start(struct hget *g, const char *url)
{
	g->hops = 0;
	g->bytes = 0;
	if (strlcpy(g->url, url, sizeof(g->url)) >= sizeof(g->url)) {
		snprintf(g->why, sizeof(g->why), "URL too long");
		return AIS_ETOOLONG;
	}
	return begin(g);
}

/* The request is over: on to the Location, or done. */
static enum step
finish(struct hget *g)
{
	struct hget_conn *c = g->cur;
	ais_err e;

	if (g->close_after)
		conn_close(c);
	g->state = HG_IDLE;
	if (!g->redirect) {
		g->cur = NULL;
		g->ops->on_done(g->arg, g->status, g->bytes, AIS_OK, NULL);
		return OVER;
	}
	if (++g->hops > HGET_HOPS_MAX)
		return fail(g, AIS_EPROTO, "too many redirects");
	if (g->location[0] == '/') {
		if ((size_t)snprintf(g->url, sizeof(g->url), "http://%s%s",
		    c->authority, g->location) >= sizeof(g->url))
			return fail(g, AIS_ETOOLONG, "Location too long");
	} else
		strlcpy(g->url, g->location, sizeof(g->url));
	if ((e = begin(g)) != AIS_OK)
		return fail(g, e, g->why);
	return OVER;
}

static void
deliver(struct hget *g, const char *data, size_t len)
{
	if (g->redirect || len == 0)
		return;
	g->bytes += len;
	g->ops->on_body(g->arg, data, len);
}

/* Bytes of a chunked body: data goes out, the framing is checked. */
static enum step
chunked_bytes(struct hget *g, const char *p, size_t len)
{
	const char *end = p + len;
	size_t n;

	for (;;) {
		switch (chunked_next(&g->chunked, &p, end, &n)) {
		case CHUNKED_DATA:
			deliver(g, p, n);
			p += n;
			chunked_took(&g->chunked, n);
			break;
		case CHUNKED_MORE:
			return GO_ON;
		case CHUNKED_DONE:
			g->close_after |= p < end;	/* bytes past the body */
			return finish(g);
		case CHUNKED_BAD:
			return fail(g, AIS_EPROTO, "bad chunked framing");
		}
	}
}

static enum step
body_bytes(struct hget *g, const char *data, size_t len)
{
	size_t n;

	switch (g->framing) {
	case HF_CHUNKED:
		return chunked_bytes(g, data, len);
	case HF_EOF:
		deliver(g, data, len);
		return GO_ON;
	case HF_LENGTH:
		break;
	}
	n = len < (uint64_t)g->left ? len : (size_t)g->left;
	deliver(g, data, n);
	g->left -= (int64_t)n;
	if (g->left > 0)
		return GO_ON;
	g->close_after |= n < len;	/* bytes past the body: not HTTP */
	return finish(g);
}

static bool
has_token(struct slice v, const char *token)
{
	size_t n = strlen(token), i;

	for (i = 0; i + n <= v.len; i++)
		if (strncasecmp(v.ptr + i, token, n) == 0)
			return true;
	return false;
}

/* One header field of the head; false when it breaks HTTP. */
static bool
head_field(struct hget *g, struct slice line, int64_t *clen, bool *chunked)
{
	const char *colon = memchr(line.ptr, ':', line.len);
	struct slice name, v;
	char *end;

	if (colon == NULL || colon == line.ptr)
		return false;
	name = (struct slice){ line.ptr, (size_t)(colon - line.ptr) };
	v = slice_trim_ows((struct slice){ colon + 1, line.len - name.len -
	    1 });
	if (slice_caseeq(name, "Content-Length")) {
		if (v.len == 0 || !isdigit((unsigned char)*v.ptr))
			return false;
		*clen = strtoll(v.ptr, &end, 10);
		return end == v.ptr + v.len && *clen >= 0;
	}
	if (slice_caseeq(name, "Transfer-Encoding"))
		*chunked = has_token(v, "chunked");
	else if (slice_caseeq(name, "Connection"))
		g->close_after |= has_token(v, "close");
	else if (slice_caseeq(name, "Location") && g->redirect) {
		if (v.len >= sizeof(g->location))
			return false;
		memcpy(g->location, v.ptr, v.len);
		g->location[v.len] = '\0';
	} else if (!g->redirect && g->ops->on_header != NULL)
		g->ops->on_header(g->arg, name, v);
	return true;
}

/* Parses head[0, end): the status, the fields, how the body is framed. */
static bool
parse_head(struct hget *g, size_t end)
{
	const char *p = g->head, *lim = g->head + end, *eol;
	int64_t clen = -1;
	bool chunked = false;
	size_t n;

	if (end < 16 || memcmp(p, "HTTP/1.", 7) != 0 || p[8] != ' ' ||
	    !isdigit((unsigned char)p[9]) || !isdigit((unsigned char)p[10]) ||
	    !isdigit((unsigned char)p[11]))
		return false;
	g->status = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
	g->close_after = p[7] == '0';		/* HTTP/1.0 */
	g->redirect = g->status == 301 || g->status == 302 ||
	    g->status == 303 || g->status == 307 || g->status == 308;
	g->location[0] = '\0';
	p = (const char *)memchr(p, '\n', (size_t)(lim - p)) + 1;
	while ((eol = memchr(p, '\n', (size_t)(lim - p))) != NULL) {
		n = (size_t)(eol - p) - (eol > p && eol[-1] == '\r');
		if (n == 0)
			break;
		if (!head_field(g, (struct slice){ p, n }, &clen, &chunked))
			return false;
		p = eol + 1;
	}
	g->redirect &= g->location[0] != '\0';
	g->left = 0;
	if (g->status < 200 || g->status == 204 || g->status == 304)
		g->framing = HF_LENGTH;
	else if (chunked) {
		g->framing = HF_CHUNKED;
		chunked_init(&g->chunked);
	} else if (clen >= 0) {
		g->framing = HF_LENGTH;
		g->left = clen;
	} else {
		g->framing = HF_EOF;
		g->close_after = true;
	}
	return true;
}

/* Bytes of the head arrived: once it is whole, the body starts. */
static enum step
head_bytes(struct hget *g)
{
	const char *e;
	size_t end, rest;

	for (;;) {
		e = memmem(g->head, g->head_len, "\r\n\r\n", 4);
		if (e == NULL) {
			if (g->head_len == sizeof(g->head))
				return fail(g, AIS_EPROTO,
				    "response head over 8 KiB");
			return GO_ON;
		}
		end = (size_t)(e - g->head) + 4;
		if (!parse_head(g, end))
			return fail(g, AIS_EPROTO, "malformed response head");
		rest = g->head_len - end;
		if (g->status >= 200)
			break;
		/* 1xx: an interim response, the real one follows */
		memmove(g->head, g->head + end, rest);
		g->head_len = rest;
	}
	g->state = HG_BODY;
	if (g->framing == HF_LENGTH && g->left == 0) {
		g->close_after |= rest > 0;
		return finish(g);
	}
	return rest > 0 ? body_bytes(g, g->head + end, rest) : GO_ON;
}

/* The server closed the connection. */
static enum step
eof(struct hget *g)
{
	if (g->state == HG_BODY && g->framing == HF_EOF) {
		g->close_after = true;
		return finish(g);
	}
	return lost(g, g->answered ? "the server closed the connection "
	    "mid-response" : "the server closed the connection");
}

static void
read_response(struct hget *g)
{
	size_t want;
	ssize_t n;
	enum step s;

	for (;;) {
		if (g->state == HG_HEAD)
			n = recv(g->cur->fd, g->head + g->head_len,
			    sizeof(g->head) - g->head_len, 0);
		else {
			want = g->readsize;
			if (g->framing == HF_LENGTH && (uint64_t)g->left < want)
				want = (size_t)g->left;
			n = recv(g->cur->fd, g->buf, want, 0);
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n < 0) {
			lost(g, strerror(errno));
			return;
		}
		if (n == 0) {
			eof(g);
			return;
		}
		g->answered = true;
		if (g->state == HG_HEAD) {
			g->head_len += (size_t)n;
			s = head_bytes(g);
		} else
			s = body_bytes(g, g->buf, (size_t)n);
		if (s == OVER)
			return;
	}
}

static void
connected(struct hget *g)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(int), slen = sizeof(ss);
	int err = 0;

	getsockopt(g->cur->fd, SOL_SOCKET, SO_ERROR, &err, &len);
	/* an event of the slot's last socket, closed in this epoll batch */
	if (err == 0 && getpeername(g->cur->fd, (struct sockaddr *)&ss,
	    &slen) != 0 && errno == ENOTCONN)
		return;
	if (err != 0) {
		snprintf(g->why, sizeof(g->why), "%s: %s", g->cur->authority,
		    strerror(err));
		fail(g, AIS_ECONNREFUSED, g->why);
		return;
	}
	g->state = HG_SEND;
	if (send_request(g) == GO_ON)
		read_response(g);
}

void
hget_event(struct hget_conn *c)
{
	struct hget *g = c->g;

	if (c != g->cur) {
		/* a kept connection: the server closed it, or broke HTTP */
		conn_close(c);
		return;
	}
	switch (g->state) {
	case HG_CONNECT:
		connected(g);
		break;
	case HG_SEND:
		if (send_request(g) == GO_ON)
			read_response(g);
		break;
	case HG_HEAD:
	case HG_BODY:
		read_response(g);
		break;
	case HG_IDLE:
		break;
	}
}

void
hget_check_timeout(struct hget *g, long long now_ms)
{
	if (g->state == HG_CONNECT && now_ms - g->started_ms >=
	    HGET_CONNECT_MS) {
		snprintf(g->why, sizeof(g->why), "%s: connect timed out",
		    g->cur->authority);
		fail(g, AIS_ETIMEDOUT, g->why);
	}
}
