/*
 * hget.h: a lean HTTP/1.1 GET client for load generation, driven by the
 * caller's epoll.  One struct hget runs one request at a time over a few
 * keep-alive connections (a proxy and the targets it redirects to), follows
 * redirects, and reads bodies into the caller's buffer: after the first
 * request to a server, a GET is a send and reads, with no allocation.
 *
 * libcurl does the same with 35-40 us more of CPU a request (URL parsing,
 * header copies, allocations): at one connection that is a third of the
 * time of a small GET, and for a GET through a proxy it counts twice.
 * Plain http:// only; TLS stays with libcurl.  A signed request (S3) has
 * its signature among the caller's extra header lines.
 *
 * Each connection is in the caller's epoll with data.ptr pointing at its
 * struct hget_conn; the caller hands every event to hget_event.
 */
#ifndef AIS_HGET_H
#define AIS_HGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ais_err.h"
#include "chunked.h"
#include "slice.h"

#define HGET_CONNS	8		/* kept alive, per client */
#define HGET_URL_MAX	8192
#define HGET_HEAD_MAX	8192		/* a response head, at most */
#define HGET_HOPS_MAX	10		/* redirects followed, at most */
#define HGET_CONNECT_MS	10000

struct hget_ops {
	/* a header field of the final response (none of a redirect's) */
	void	(*on_header)(void *arg, struct slice name, struct slice value);
	/* bytes of the final response's body, in order */
	void	(*on_body)(void *arg, const char *data, size_t len);
	/*
	 * The request ended: the final status, or 0 with e set when it
	 * failed; body bytes read.  May start the client's next request.
	 */
	void	(*on_done)(void *arg, int status, uint64_t bytes, ais_err e,
		    const char *why);
};

struct hget;

struct hget_conn {
	struct hget	*g;
	int		 fd;		/* -1: a free slot */
	uint32_t	 events;	/* what epoll watches for */
	uint64_t	 last_use;
	size_t		 alen;
	char		 authority[256];	/* host:port, as in URLs */
};

enum hget_state { HG_IDLE, HG_CONNECT, HG_SEND, HG_HEAD, HG_BODY };
enum hget_framing { HF_LENGTH, HF_CHUNKED, HF_EOF };

struct hget {
	int			 ep;		/* the caller's epoll */
	const struct hget_ops	*ops;
	void			*arg;
	const char		*extra;		/* header lines, "…\r\n" */
	char			*buf;		/* the caller's, for bodies */
	size_t			 readsize;	/* bytes of buf a read takes */
	int			 rcvbuf;	/* SO_RCVBUF; 0: the kernel's */

	struct hget_conn	 conns[HGET_CONNS];
	struct hget_conn	*cur;
	uint64_t		 uses;
	enum hget_state		 state;
	long long		 started_ms;	/* of the connect */
	bool			 fresh;		/* cur is a new connection */
	bool			 answered;	/* a response byte arrived */
	int			 hops;
	int			 status;
	bool			 redirect, close_after;
	enum hget_framing	 framing;
	int64_t			 left;		/* of a Content-Length body */
	struct chunked		 chunked;
	uint64_t		 bytes;
	size_t			 req_len, req_off, head_len;
	char			 url[HGET_URL_MAX];
	char			 location[HGET_URL_MAX];
	char			 req[HGET_URL_MAX + 1024];
	char			 head[HGET_HEAD_MAX];
	char			 why[160];	/* what failed */
};

/* Sets g up; buf (readsize bytes or more) stays the caller's. */
void	hget_init(struct hget *g, int ep, const struct hget_ops *ops,
	    void *arg, char *buf, size_t readsize, const char *extra);
/*
 * Starts a GET of url (http:// only), which ends with on_done.  An error
 * here (g->why says what) calls no on_done: a caller that starts the next
 * request from on_done loops instead of recursing.  Only when a kept
 * connection is found dead at the send and the new one is refused does
 * on_done run before this returns AIS_OK.
 */
ais_err	hget_start(struct hget *g, const char *url);
/* An epoll event of one of g's connections (data.ptr). */
void	hget_event(struct hget_conn *c);
/* Fails a connect that has taken over HGET_CONNECT_MS. */
void	hget_check_timeout(struct hget *g, long long now_ms);
/* Closes the connections. */
void	hget_fini(struct hget *g);
/*
 * Sets fd's receive buffer to bytes (the kernel caps it at
 * net.core.rmem_max); 0 leaves it to the kernel's autotuning.
 */
void	hget_set_rcvbuf(int fd, int bytes);
/* Can hget fetch url (http://, an authority that fits)? */
bool	hget_supports(const char *url);

#endif
