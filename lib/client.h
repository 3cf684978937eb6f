/*
 * client.h: the HTTP client of the command-line tools (libcurl).
 *
 * One client holds one curl handle, so successive requests reuse the
 * keep-alive connections to the proxy and the targets.  Object requests
 * go to the proxy, which redirects them; the client follows the redirect
 * (for a PUT it first asks where the object goes with an empty body, then
 * streams the real body there, so that stdin needs no rewinding).
 */
#ifndef AIS_CLIENT_H
#define AIS_CLIENT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ais_err.h"

struct client;

struct client_req {
	const char	*method;	/* "GET", "PUT", "HEAD", ... */
	const char	*path;		/* "/v1/...", encoded, with any query */
	const char	*body;		/* small request body, or NULL */
	size_t		 body_len;
	FILE		*upload;	/* PUT body from a stream */
	int64_t		 upload_size;	/* -1: unknown, sent chunked */
	const char	*const *headers; /* "Name: value", NULL-terminated */
	bool		 follow;	/* follow 301/307 */
	/* response body sink; NULL collects it in client_resp.body */
	int		(*sink)(void *arg, const char *buf, size_t len);
	void		*sink_arg;
};

struct client_resp {
	long		 status;
	char		*body;		/* collected body (NUL-terminated) */
	size_t		 body_len;
	char		*headers;	/* raw response header lines */
	size_t		 headers_len;
};

ais_err	client_new(struct client **, const char *endpoint);
void	client_free(struct client *);

/*
 * Performs the request.  Transport failures are errors (detail in
 * client_error); an HTTP error status is AIS_OK here with resp->status
 * set, and client_error() then holds the server's message.  After an
 * error resp holds nothing; after AIS_OK free it with client_resp_free.
 */
ais_err	client_do(struct client *, const struct client_req *,
	    struct client_resp *);
void	client_resp_free(struct client_resp *);

/* A response header's value (copied into buf), or NULL. */
const char *client_resp_header(const struct client_resp *, const char *name,
	    char *buf, size_t len);

/* Detail of the last failure: a transport error or the server's message. */
const char *client_error(const struct client *);

/* Percent-encodes an object name for a path; '/' is kept. */
char	*client_escape(const char *name);
/* The same into out[len]: the length, or 0 when it does not fit. */
size_t	 client_escape_to(char *out, size_t len, const char *name);
/*
 * RFC 3986 / AWS UriEncode of s into out[len]: unreserved bytes kept, '/'
 * kept only with slash (a query value has it encoded), the rest %XX.  The
 * length, or 0 when it does not fit.
 */
size_t	 client_uri_encode(char *out, size_t len, const char *s, bool slash);

/* Maps an HTTP status to an ais_err (404 -> AIS_ENOENT, ...). */
ais_err	client_status_err(long status);

#endif
