/*
 * daemon.c: common daemon start-up (see daemon.h).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <stdio.h>
#include <string.h>

#include "backend.h"
#include "daemon.h"
#include "state.h"

ais_err
daemon_backend_init(const struct daemon_backend *b)
{
	struct backend_conf bc = { .s3_endpoint = b->s3_endpoint,
	    .region = b->s3_region, .access_key = b->s3_access_key,
	    .secret_key = b->s3_secret_key, .timeout_ms = (long)b->timeout };

	return backend_init(&bc);
}

ais_err
daemon_identity(struct snode *self, enum node_role role,
    const struct daemon_net *n, const char *id_path, char *errbuf,
    size_t errlen)
{
	ais_err e;

	memset(self, 0, sizeof(*self));
	if ((e = state_node_id(id_path, n->id, self->id,
	    sizeof(self->id))) != AIS_OK) {
		snprintf(errbuf, errlen, "%s: %s", id_path, ais_strerror(e));
		return e;
	}
	self->role = role;
	if (n->public_url != NULL)
		strlcpy(self->url, n->public_url, sizeof(self->url));
	else
		snprintf(self->url, sizeof(self->url), "http://%s:%lld",
		    n->host, n->port);
	snprintf(self->control_url, sizeof(self->control_url),
	    "tcp://%s:%lld", n->host, n->control_port);
	return AIS_OK;
}

struct http_server_opts
daemon_http_opts(const struct daemon_net *n, http_handler_fn fn, void *arg)
{
	return (struct http_server_opts){
		.host = n->host, .port = (int)n->port, .nloops = (int)n->loops,
		.idle_timeout_ms = (int)n->idle_timeout,
		.io_timeout_ms = (int)n->io_timeout, .handler = fn, .arg = arg,
	};
}

ais_err
daemon_parse(const struct opt *t, int argc, char **argv,
    struct daemon_common *dc, int *argind, char *errbuf, size_t errlen)
{
	char *config;
	ais_err e;

	if ((e = opt_defaults(t, errbuf, errlen)) != AIS_OK ||
	    (e = opt_parse(t, argc, argv, argind, &dc->help, &dc->version,
	    errbuf, errlen)) != AIS_OK || dc->config == NULL)
		return e;
	/* Again, with the file between the defaults and the command line. */
	config = dc->config;
	dc->config = NULL;
	if ((e = opt_defaults(t, errbuf, errlen)) == AIS_OK &&
	    (e = opt_load_file(t, config, errbuf, errlen)) == AIS_OK)
		e = opt_parse(t, argc, argv, argind, &dc->help, &dc->version,
		    errbuf, errlen);
	free(config);
	return e;
}

ais_err
daemon_detach(const struct daemon_common *dc)
{
	if (dc->foreground)
		return AIS_OK;
	return daemon(1, 1) == 0 ? AIS_OK : ais_err_from_errno(errno);
}

void
daemon_block_signals(void)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
}

int
daemon_wait_signal(void)
{
	sigset_t set;
	int sig = 0;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	while (sigwait(&set, &sig) != 0)
		;
	return sig;
}
