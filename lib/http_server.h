/*
 * http_server.h: the event-driven HTTP/1.1 server of the proxy and target.
 *
 * DESIGN
 * One event loop per thread over epoll (ev.h), each with its own listening
 * socket on the same port (SO_REUSEPORT), so the kernel spreads connections
 * over the loops and a connection stays on one loop for its life.  A
 * connection is a small state machine: read headers -> dispatch to the
 * handler -> (read body) -> send response -> keep-alive or close.
 *
 * The handler is called on the loop thread once a request's headers are
 * complete.  It must not block.  It either responds at once (http_resp_*),
 * starts reading the body (http_conn_read_body), or defers the request
 * (http_conn_defer) to another thread which later hands it back with
 * http_conn_resume.
 *
 * Responses are built in the connection's own buffer and sent with
 * writev/sendfile; a warm GET is header bytes plus sendfile and allocates
 * nothing.  For a HEAD request the server sends the headers of the
 * response (Content-Length included) and suppresses the body.
 *
 * Rules the server enforces:
 * - a malformed request line or header -> 400, headers over
 *   max_header_bytes -> 431, then close;
 * - a request whose body the handler did not read completely before
 *   responding: the connection is closed after the response;
 * - idle keep-alive connections are closed after idle_timeout_ms; a request
 *   that makes no progress (headers, body, or a client that does not read
 *   the response) for io_timeout_ms is closed; a body that is cut short is
 *   reported to the handler (HTTP_BODY_CUT);
 * - "Expect: 100-continue" is answered with "100 Continue" when the handler
 *   starts reading the body, never otherwise.
 *
 * Ownership: the server owns connections.  A connection is never freed
 * inside a callback; if the peer goes away while a request is deferred the
 * connection is kept until http_conn_resume's callback runs, and responding
 * on it is then a harmless no-op.
 */
#ifndef AIS_HTTP_SERVER_H
#define AIS_HTTP_SERVER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <jansson.h>

#include "ais_err.h"
#include "slice.h"

#define HTTP_MAX_HEADERS 64

enum http_method {
	HTTP_GET, HTTP_HEAD, HTTP_PUT, HTTP_POST, HTTP_DELETE, HTTP_PATCH,
	HTTP_OPTIONS, HTTP_OTHER
};

struct http_header {
	struct slice	 name;
	struct slice	 value;
};

/* A parsed request.  Valid until the response to it has been sent. */
struct http_request {
	enum http_method	 method;
	struct slice		 method_str;
	struct slice		 target;	/* raw request-target */
	struct slice		 path;		/* target up to '?', raw */
	struct slice		 query;		/* after '?', raw, may be empty */
	int			 version_minor;	/* HTTP/1.0 or HTTP/1.1 */
	struct http_header	 headers[HTTP_MAX_HEADERS];
	int			 nheaders;
	int64_t			 content_length; /* -1 when absent */
	bool			 chunked;	/* Transfer-Encoding: chunked */
	bool			 keepalive;
	bool			 expect_continue;
};

struct http_conn;
struct http_server;

typedef void (*http_handler_fn)(struct http_conn *, struct http_request *,
    void *arg);

struct http_server_opts {
	const char	*host;			/* "127.0.0.1", "0.0.0.0", ... */
	int		 port;
	int		 nloops;		/* 0: one per online CPU */
	int		 idle_timeout_ms;	/* keep-alive idle; 0: 60000 */
	int		 io_timeout_ms;		/* no progress; 0: 30000 */
	size_t		 max_header_bytes;	/* 0: 16384 */
	http_handler_fn	 handler;
	void		*arg;
};

/*
 * Binds, listens and starts the loop threads.  On failure nothing is left
 * running and errbuf says why (e.g. "bind 127.0.0.1:8080: Address in use").
 */
ais_err	http_server_start(struct http_server **, const struct http_server_opts *,
	    char *errbuf, size_t errlen);

/*
 * Stops accepting, lets in-flight responses finish for at most drain_ms,
 * closes every connection, joins the threads and frees the server.
 */
void	http_server_stop(struct http_server *, int drain_ms);

/* The port actually bound (useful with port 0). */
int	http_server_port(const struct http_server *);

/* ---- request helpers (pure functions, usable anywhere) ---- */

/* Case-insensitive header lookup; SLICE_NULL (ptr NULL) when absent. */
struct slice	http_req_header(const struct http_request *, const char *name);

/*
 * Finds key in a raw query string ("a=1&b=2") and returns its raw value
 * (not decoded).  A key without '=' has an empty value.
 */
bool		http_query_get(struct slice query, const char *key,
		    struct slice *value);

/*
 * Percent-decodes src into dst (dstlen bytes, result NUL-terminated).
 * With plus_is_space '+' becomes ' ' (query values).  Returns AIS_EINVAL on
 * a bad escape or a decoded NUL byte, AIS_ETOOLONG when dst is too small.
 */
ais_err		http_url_decode(struct slice src, char *dst, size_t dstlen,
		    size_t *outlen, bool plus_is_space);

/*
 * The Host header value of a URL's authority: its length, with the
 * scheme's default port (":80", or ":443" with https) left out, as libcurl
 * sends it and as a SigV4 signature names it.
 */
size_t		http_host_len(struct slice authority, bool https);

/* Reason phrase of a status code ("Not Found"). */
const char	*http_status_text(int status);

/* "Sun, 06 Nov 1994 08:49:37 GMT": the HTTP date of t, with its NUL */
#define HTTP_DATE_LEN	29
void		http_date(char buf[HTTP_DATE_LEN + 1], time_t t);

/* ---- responding (loop thread only) ---- */

/* Starts the response; headers follow, then exactly one http_resp_send*. */
void	http_resp_start(struct http_conn *, int status);
void	http_resp_header(struct http_conn *, const char *name,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A header whose value is a number */
void	http_resp_header_int(struct http_conn *, const char *name,
	    int64_t value);
/* A header whose value is a string as it is (a GET has a dozen: no printf) */
void	http_resp_header_str(struct http_conn *, const char *name,
	    const char *value);

/* Sends body (copied); sets Content-Length.  body may be NULL with len 0. */
void	http_resp_send(struct http_conn *, const void *body, size_t len);

/*
 * For a HEAD request only: the headers, with the Content-Length of the
 * body a GET would get.
 */
void	http_resp_head(struct http_conn *, size_t content_length);

/* Same, but takes ownership of a malloc'ed body and frees it when sent. */
void	http_resp_send_owned(struct http_conn *, void *body, size_t len);

/*
 * Sends len bytes of fd from off with sendfile; takes ownership of fd and
 * closes it when done (also on error).
 */
void	http_resp_sendfile(struct http_conn *, int fd, off_t off, size_t len);

/*
 * A complete error response: status and a JSON body
 * {"message":"...","status":N}.
 */
void	http_resp_error(struct http_conn *, int status, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/* A complete response whose body is j as compact JSON (j stays the caller's). */
void	http_resp_json(struct http_conn *, int status, const json_t *j);

/* Closes the connection after this response even if keep-alive. */
void	http_conn_close_after(struct http_conn *);

/* ---- request bodies ---- */

enum http_body_status {
	HTTP_BODY_OK,		/* the whole body arrived */
	HTTP_BODY_ABORTED,	/* on_data returned non-zero */
	HTTP_BODY_CUT,		/* peer closed, timed out, or bad chunking */
};

struct http_body_ops {
	/*
	 * Called on the loop thread with each piece of the decoded body (no
	 * chunk framing).  Return 0 to go on; non-zero stops reading.
	 */
	int	(*on_data)(void *arg, const char *buf, size_t len);
	/*
	 * Called exactly once.  With HTTP_BODY_OK or HTTP_BODY_ABORTED the
	 * handler responds (or defers) from here; after ABORTED the connection
	 * is closed once the response is sent.  With HTTP_BODY_CUT no response
	 * is possible: the handler only cleans up.
	 */
	void	(*on_end)(void *arg, enum http_body_status);
};

/* Starts reading the request body (Content-Length or chunked). */
void	http_conn_read_body(struct http_conn *, const struct http_body_ops *,
	    void *arg);

/* ---- deferring work to other threads ---- */

/* Marks the current request as answered later; stops its timeouts. */
void	http_conn_defer(struct http_conn *);

/*
 * Thread-safe: queues fn(conn, arg) to run on the connection's loop, where
 * it responds.  Call exactly once per http_conn_defer.
 */
void	http_conn_resume(struct http_conn *,
	    void (*fn)(struct http_conn *, void *arg), void *arg);

/*
 * Thread-safe: queues fn(conn, arg) to run on the connection's loop.  The
 * caller must hold the connection (or have deferred it) so that it is not
 * freed before fn runs.
 */
void	http_conn_post(struct http_conn *,
	    void (*fn)(struct http_conn *, void *arg), void *arg);

/*
 * Thread-safe: keeps the connection's memory (not its socket) alive until
 * the matching release, so that other threads may post to it.  Release
 * on the connection's loop (from a posted function).
 */
void	http_conn_hold(struct http_conn *);
void	http_conn_release(struct http_conn *);

/*
 * A body that another thread is still writing to fd (a cold GET): len
 * bytes from off are sent as they become valid; bytes before avail (a
 * file offset) are valid now.  Takes ownership of fd.
 */
void	http_resp_stream(struct http_conn *, int fd, off_t off, size_t len,
	    off_t avail);
/* Loop thread: the streamed file is valid up to avail now. */
void	http_conn_stream_avail(struct http_conn *, off_t avail);

/* Cuts the connection at once (a streamed body that went wrong). */
void	http_conn_abort(struct http_conn *);

/* True once the peer has gone; responding is then a no-op. */
bool	http_conn_is_closed(const struct http_conn *);

/* "127.0.0.1:54321" of the peer, for log lines. */
const char	*http_conn_peer(const struct http_conn *);

#endif
