/*
 * ctl.h: the control plane over nng.
 *
 * Control messages are small JSON objects (jansson) carried by nng REQ/REP.
 * Every request has an "op" string; every reply has an integer "status"
 * (200 on success, an HTTP-like code otherwise) and, on error, "message".
 *
 * A node runs one ctl_server on its control URL ("tcp://127.0.0.1:9080").
 * The server owns a REP socket and nworkers threads, each with its own nng
 * context, so slow requests (a bucket destroy that waits for every target)
 * do not hold up fast ones (keepalives).
 *
 * A ctl_client caches one REQ socket per peer URL and opens an nng context
 * per call, so any number of threads may call it at once.  Calls time out;
 * an unreachable peer is AIS_ECONNREFUSED or AIS_ETIMEDOUT, never a hang.
 */
#ifndef AIS_CTL_H
#define AIS_CTL_H

#include <jansson.h>
#include <stddef.h>

#include "ais_err.h"

/*
 * Handles one request.  Called on a worker thread; req is borrowed.
 * Returns a new reply object (the server takes the reference); NULL is
 * answered with {"status":500,"message":"internal error"}.
 */
typedef json_t *(*ctl_handler_fn)(json_t *req, void *arg);

struct ctl_server;
struct ctl_client;

ais_err	ctl_server_start(struct ctl_server **, const char *url, int nworkers,
	    ctl_handler_fn, void *arg, char *errbuf, size_t errlen);
void	ctl_server_stop(struct ctl_server *);

ais_err	ctl_client_new(struct ctl_client **);
void	ctl_client_free(struct ctl_client *);

/*
 * Sends req (borrowed) to url and waits at most timeout_ms for the reply,
 * which is returned in *reply (caller owns it).  A reply with a non-200
 * "status" is still AIS_OK here: the caller reads the status.
 */
ais_err	ctl_call(struct ctl_client *, const char *url, json_t *req,
	    int timeout_ms, json_t **reply);

/*
 * The same request to n peers in parallel.  replies[i] and errs[i] are
 * filled for each peer.  Returns AIS_OK when every call got a reply.
 */
ais_err	ctl_call_many(struct ctl_client *, const char *const *urls, size_t n,
	    json_t *req, int timeout_ms, json_t **replies, ais_err *errs);

/*
 * Releases nng's own threads and memory; the last call of a program that
 * used the control plane (so leak checkers see a clean exit).
 */
void	ctl_fini(void);

/* Builds {"status":status,"message":<formatted>}. */
json_t	*ctl_reply_error(int status, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* Builds {"status":200}. */
json_t	*ctl_reply_ok(void);

/* The "status" of a reply, 500 when missing. */
int	ctl_reply_status(const json_t *reply);

#endif
