/*
 * ctl.c: the control plane over nng request/reply (see ctl.h).
 *
 * Server: one REP socket, nworkers threads, each with its own context
 * and aio, looping receive -> handle -> send; closing the socket wakes
 * them with NNG_ECLOSED.  Client: one REQ socket per peer URL, dialled in
 * the background (an absent peer is a timeout, not an error at dial), a
 * fresh context per call so calls from many threads run side by side.
 * Resends are disabled: a request is delivered at most once.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nng/nng.h>
#include <nng/protocol/reqrep0/rep.h>
#include <nng/protocol/reqrep0/req.h>

#include "ctl.h"
#include "thread.h"

#define CTL_MAX_MSG	(64 * 1024 * 1024)
#define CTL_NO_RESEND	(24 * 3600 * 1000)

struct ctl_worker {
	struct ctl_server	*srv;
	pthread_t		 thread;
	nng_ctx			 ctx;
	nng_aio			*aio;
};

struct ctl_server {
	nng_socket		 sock;
	ctl_handler_fn		 fn;
	void			*arg;
	struct ctl_worker	*workers;
	int			 nworkers;
};

struct ctl_peer {
	char			*url;
	nng_socket		 sock;
};

struct ctl_client {
	pthread_mutex_t		 mu;
	struct ctl_peer		*peers;
	size_t			 npeers;
};

static ais_err
ctl_err(int rv)
{
	switch (rv) {
	case 0:			return AIS_OK;
	case NNG_ETIMEDOUT:	return AIS_ETIMEDOUT;
	case NNG_ECONNREFUSED:	return AIS_ECONNREFUSED;
	case NNG_ENOMEM:	return AIS_ENOMEM;
	case NNG_ECLOSED:	return AIS_ECLOSED;
	case NNG_EINVAL:
	case NNG_EADDRINVAL:	return AIS_EINVAL;
	default:		return AIS_EBACKEND;
	}
}

json_t *
ctl_reply_error(int status, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return json_pack("{s:i, s:s}", "status", status, "message", msg);
}

json_t *
ctl_reply_ok(void)
{
	return json_pack("{s:i}", "status", 200);
}

int
ctl_reply_status(const json_t *reply)
{
	json_t *s = json_object_get(reply, "status");

	return json_is_integer(s) ? (int)json_integer_value(s) : 500;
}

/* JSON document -> new nng message; NULL on failure. */
static nng_msg *
ctl_msg_from_json(const json_t *j)
{
	nng_msg *msg;
	char *s;

	if ((s = json_dumps(j, JSON_COMPACT)) == NULL)
		return NULL;
	if (nng_msg_alloc(&msg, 0) != 0 ||
	    nng_msg_append(msg, s, strlen(s)) != 0) {
		free(s);
		return NULL;
	}
	free(s);
	return msg;
}

static json_t *
ctl_msg_to_json(nng_msg *msg)
{
	json_error_t jerr;

	return json_loadb(nng_msg_body(msg), nng_msg_len(msg), 0, &jerr);
}

void
ctl_fini(void)
{
	nng_fini();
}

/* ---- server ---- */

static json_t *
ctl_serve_one(struct ctl_server *srv, nng_msg *msg)
{
	json_t *req, *reply;

	if ((req = ctl_msg_to_json(msg)) == NULL || !json_is_object(req)) {
		json_decref(req);
		return ctl_reply_error(400, "request is not a JSON object");
	}
	reply = srv->fn(req, srv->arg);
	json_decref(req);
	return reply != NULL ? reply : ctl_reply_error(500, "internal error");
}

static void *
ctl_worker_main(void *arg)
{
	struct ctl_worker *w = arg;
	nng_msg *msg;
	json_t *reply;

	for (;;) {
		nng_ctx_recv(w->ctx, w->aio);
		nng_aio_wait(w->aio);
		if (nng_aio_result(w->aio) == NNG_ECLOSED)
			break;
		if (nng_aio_result(w->aio) != 0)
			continue;
		msg = nng_aio_get_msg(w->aio);
		reply = ctl_serve_one(w->srv, msg);
		nng_msg_free(msg);
		msg = ctl_msg_from_json(reply);
		json_decref(reply);
		if (msg == NULL)
			continue;
		nng_aio_set_msg(w->aio, msg);
		nng_ctx_send(w->ctx, w->aio);
		nng_aio_wait(w->aio);
		if (nng_aio_result(w->aio) != 0) {
			nng_msg_free(msg);
			if (nng_aio_result(w->aio) == NNG_ECLOSED)
				break;
		}
	}
	return NULL;
}

ais_err
ctl_server_start(struct ctl_server **out, const char *url, int nworkers,
    ctl_handler_fn fn, void *arg, char *errbuf, size_t errlen)
{
	struct ctl_server *srv;
	struct ctl_worker *w;
	int rv, i;

	if ((srv = calloc(1, sizeof(*srv))) == NULL ||
	    (srv->workers = calloc((size_t)nworkers, sizeof(*w))) == NULL) {
		free(srv);
		return AIS_ENOMEM;
	}
	srv->fn = fn;
	srv->arg = arg;
	if ((rv = nng_rep0_open(&srv->sock)) != 0 ||
	    (rv = nng_socket_set_size(srv->sock, NNG_OPT_RECVMAXSZ,
	    CTL_MAX_MSG)) != 0 ||
	    (rv = nng_listen(srv->sock, url, NULL, 0)) != 0) {
		snprintf(errbuf, errlen, "control listen %s: %s", url,
		    nng_strerror(rv));
		nng_close(srv->sock);
		free(srv->workers);
		free(srv);
		return ctl_err(rv);
	}
	for (i = 0; i < nworkers; i++) {
		w = &srv->workers[i];
		w->srv = srv;
		if (nng_ctx_open(&w->ctx, srv->sock) != 0 ||
		    nng_aio_alloc(&w->aio, NULL, NULL) != 0 ||
		    pthread_create(&w->thread, NULL, ctl_worker_main, w) != 0)
			break;
		thread_name(w->thread, "ctl", i);
		srv->nworkers++;
	}
	*out = srv;
	if (srv->nworkers < nworkers) {
		snprintf(errbuf, errlen, "control workers: out of resources");
		ctl_server_stop(srv);
		return AIS_ENOMEM;
	}
	return AIS_OK;
}

void
ctl_server_stop(struct ctl_server *srv)
{
	int i;

	if (srv == NULL)
		return;
	nng_close(srv->sock);
	for (i = 0; i < srv->nworkers; i++) {
		pthread_join(srv->workers[i].thread, NULL);
		nng_aio_free(srv->workers[i].aio);
	}
	free(srv->workers);
	free(srv);
}

/* ---- client ---- */

ais_err
ctl_client_new(struct ctl_client **out)
{
	struct ctl_client *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return AIS_ENOMEM;
	pthread_mutex_init(&c->mu, NULL);
	*out = c;
	return AIS_OK;
}

void
ctl_client_free(struct ctl_client *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->npeers; i++) {
		nng_close(c->peers[i].sock);
		free(c->peers[i].url);
	}
	free(c->peers);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

static int
ctl_peer_open(const char *url, nng_socket *sock)
{
	int rv;

	if ((rv = nng_req0_open(sock)) != 0)
		return rv;
	if ((rv = nng_socket_set_ms(*sock, NNG_OPT_REQ_RESENDTIME,
	    CTL_NO_RESEND)) != 0 ||
	    (rv = nng_socket_set_ms(*sock, NNG_OPT_RECONNMINT, 50)) != 0 ||
	    (rv = nng_socket_set_ms(*sock, NNG_OPT_RECONNMAXT, 1000)) != 0 ||
	    (rv = nng_socket_set_size(*sock, NNG_OPT_RECVMAXSZ,
	    CTL_MAX_MSG)) != 0 ||
	    (rv = nng_dial(*sock, url, NULL, NNG_FLAG_NONBLOCK)) != 0) {
		nng_close(*sock);
		return rv;
	}
	return 0;
}

/* The cached socket of a peer, dialled on first use. */
static int
ctl_peer(struct ctl_client *c, const char *url, nng_socket *sock)
{
	struct ctl_peer *grown;
	size_t i;
	int rv;

	pthread_mutex_lock(&c->mu);
	for (i = 0; i < c->npeers; i++)
		if (strcmp(c->peers[i].url, url) == 0) {
			*sock = c->peers[i].sock;
			pthread_mutex_unlock(&c->mu);
			return 0;
		}
	grown = reallocarray(c->peers, c->npeers + 1, sizeof(*grown));
	if (grown == NULL) {
		pthread_mutex_unlock(&c->mu);
		return NNG_ENOMEM;
	}
	c->peers = grown;
	if ((rv = ctl_peer_open(url, sock)) == 0) {
		c->peers[c->npeers].sock = *sock;
		if ((c->peers[c->npeers].url = strdup(url)) == NULL) {
			nng_close(*sock);
			rv = NNG_ENOMEM;
		} else
			c->npeers++;
	}
	pthread_mutex_unlock(&c->mu);
	return rv;
}

/* One call in flight: its context, aio and result. */
struct ctl_op {
	nng_ctx		 ctx;
	nng_aio		*aio;
	bool		 open;
	int		 rv;
};

static int
ctl_op_send(struct ctl_client *c, struct ctl_op *op, const char *url,
    json_t *req, int timeout_ms)
{
	nng_socket sock;
	nng_msg *msg;
	int rv;

	if ((rv = ctl_peer(c, url, &sock)) != 0)
		return rv;
	if ((rv = nng_aio_alloc(&op->aio, NULL, NULL)) != 0)
		return rv;
	if ((rv = nng_ctx_open(&op->ctx, sock)) != 0)
		return rv;
	op->open = true;
	if ((msg = ctl_msg_from_json(req)) == NULL)
		return NNG_ENOMEM;
	nng_aio_set_timeout(op->aio, timeout_ms);
	nng_aio_set_msg(op->aio, msg);
	nng_ctx_send(op->ctx, op->aio);
	return 0;
}

static int
ctl_op_wait_sent(struct ctl_op *op, int timeout_ms)
{
	int rv;

	nng_aio_wait(op->aio);
	if ((rv = nng_aio_result(op->aio)) != 0) {
		nng_msg_free(nng_aio_get_msg(op->aio));
		return rv;
	}
	nng_aio_set_timeout(op->aio, timeout_ms);
	nng_ctx_recv(op->ctx, op->aio);
	return 0;
}

static int
ctl_op_reply(struct ctl_op *op, json_t **reply)
{
	nng_msg *msg;
	int rv;

	nng_aio_wait(op->aio);
	if ((rv = nng_aio_result(op->aio)) != 0)
		return rv;
	msg = nng_aio_get_msg(op->aio);
	*reply = ctl_msg_to_json(msg);
	nng_msg_free(msg);
	return *reply == NULL ? NNG_EPROTO : 0;
}

static void
ctl_op_fini(struct ctl_op *op)
{
	if (op->open)
		nng_ctx_close(op->ctx);
	if (op->aio != NULL)
		nng_aio_free(op->aio);
}

ais_err
ctl_call(struct ctl_client *c, const char *url, json_t *req, int timeout_ms,
    json_t **reply)
{
	ais_err err;

	err = ctl_call_many(c, &url, 1, req, timeout_ms, reply, &err);
	return err;
}

ais_err
ctl_call_many(struct ctl_client *c, const char *const *urls, size_t n,
    json_t *req, int timeout_ms, json_t **replies, ais_err *errs)
{
	struct ctl_op *ops;
	ais_err all = AIS_OK;
	size_t i;

	if ((ops = calloc(n + 1, sizeof(*ops))) == NULL)
		return AIS_ENOMEM;
	for (i = 0; i < n; i++)
		ops[i].rv = ctl_op_send(c, &ops[i], urls[i], req, timeout_ms);
	for (i = 0; i < n; i++)
		if (ops[i].rv == 0)
			ops[i].rv = ctl_op_wait_sent(&ops[i], timeout_ms);
	for (i = 0; i < n; i++) {
		replies[i] = NULL;
		if (ops[i].rv == 0)
			ops[i].rv = ctl_op_reply(&ops[i], &replies[i]);
		errs[i] = ctl_err(ops[i].rv);
		if (errs[i] != AIS_OK && all == AIS_OK)
			all = errs[i];
		ctl_op_fini(&ops[i]);
	}
	free(ops);
	return all;
}
