/*
 * ais-proxy: the gateway.  Redirects object requests to their target,
 * serves bucket and cluster requests, and (the primary) owns the cluster
 * map; see ais-proxy(8).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "daemon.h"
#include "log.h"
#include "proxy.h"
#include "state.h"

#define SYNOPSIS "[-dhnv] [-f file] [--primary URL] [option ...]"

static struct proxy prx;
static struct daemon_common dc;

static const struct opt options[] = {
	DAEMON_COMMON_OPTS(dc),
	{ "port", 'p', OPT_INT, &prx.conf.port, "N", "8080",
	    "HTTP port", 0, 65535, false },
	{ "host", 0, OPT_STR, &prx.conf.host, "ADDR", "127.0.0.1",
	    "address to bind", 0, 0, false },
	{ "public-url", 0, OPT_STR, &prx.conf.public_url, "URL", NULL,
	    "URL advertised to clients (default http://HOST:PORT)", 0, 0,
	    false },
	{ "control-port", 0, OPT_INT, &prx.conf.control_port, "N", "9080",
	    "nng control port", 0, 65535, false },
	{ "primary", 0, OPT_STR, &prx.conf.primary, "URL", NULL,
	    "control URL of the primary; without it this proxy is the primary",
	    0, 0, false },
	{ "dir", 0, OPT_STR, &prx.conf.dir, "DIR", "/var/lib/ais/proxy",
	    "state folder: node id, cluster map, bucket table", 0, 0, false },
	{ "id", 0, OPT_STR, &prx.conf.id, "ID", NULL,
	    "node id (default: made once, kept in DIR/node-id)", 0, 0, false },
	{ "keepalive-interval", 0, OPT_INT, &prx.conf.keepalive_interval,
	    "MS", "1000", "keepalive period", 50, 600000, false },
	{ "keepalive-factor", 0, OPT_INT, &prx.conf.keepalive_factor, "N",
	    "5", "drop a node silent for N periods (primary)", 2, 100, false },
	{ "loops", 0, OPT_INT, &prx.conf.loops, "N", "0",
	    "event loops (0: one per CPU)", 0, 256, false },
	{ "idle-timeout", 0, OPT_INT, &prx.conf.idle_timeout, "MS", "60000",
	    "close idle keep-alive connections after MS", 100, 86400000,
	    false },
	{ "io-timeout", 0, OPT_INT, &prx.conf.io_timeout, "MS", "30000",
	    "close requests that make no progress for MS", 100, 86400000,
	    false },
	{ NULL, 0, 0, NULL, NULL, NULL, NULL, 0, 0, false },
};

static void
usage(FILE *f, int status)
{
	opt_usage(f, getprogname(), SYNOPSIS, options);
	exit(status);
}

static ais_err
proxy_identity(struct proxy *p, char *err, size_t errlen)
{
	char path[PATH_MAX];
	ais_err e;

	snprintf(path, sizeof(path), "%s/node-id", p->conf.dir);
	if ((e = state_node_id(path, p->conf.id, p->self.id,
	    sizeof(p->self.id))) != AIS_OK) {
		snprintf(err, errlen, "%s: %s", path, ais_strerror(e));
		return e;
	}
	p->self.role = NODE_PROXY;
	if (p->conf.public_url != NULL)
		strlcpy(p->self.url, p->conf.public_url, sizeof(p->self.url));
	else
		snprintf(p->self.url, sizeof(p->self.url), "http://%s:%lld",
		    p->conf.host, p->conf.port);
	snprintf(p->self.control_url, sizeof(p->self.control_url),
	    "tcp://%s:%lld", p->conf.host, p->conf.control_port);
	return AIS_OK;
}

static ais_err
proxy_start(struct proxy *p, char *err, size_t errlen)
{
	struct http_server_opts ho = {
		.host = p->conf.host, .port = (int)p->conf.port,
		.nloops = (int)p->conf.loops,
		.idle_timeout_ms = (int)p->conf.idle_timeout,
		.io_timeout_ms = (int)p->conf.io_timeout,
		.handler = proxy_http, .arg = p,
	};
	ais_err e;

	p->is_primary = p->conf.primary == NULL;
	if ((e = proxy_identity(p, err, errlen)) != AIS_OK ||
	    (e = ctl_client_new(&p->cc)) != AIS_OK ||
	    (e = workq_start(&p->wq, 4)) != AIS_OK)
		return e;
	if (p->is_primary)
		e = primary_start(p, err, errlen);
	else {
		snap_init(&p->smap, smap_new(""), smap_free_any);
		snap_init(&p->bmd, bmd_new(), bmd_free_any);
	}
	if (e != AIS_OK || (e = ctl_server_start(&p->ctl, p->self.control_url,
	    4, proxy_control, p, err, errlen)) != AIS_OK ||
	    (e = http_server_start(&p->http, &ho, err, errlen)) != AIS_OK)
		return e;
	if (!p->is_primary)
		e = member_start(&p->member, &p->self, p->conf.primary,
		    (int)p->conf.keepalive_interval, &p->smap, &p->bmd);
	return e;
}

static void
proxy_stop(struct proxy *p)
{
	if (!p->is_primary)
		member_stop(&p->member);
	http_server_stop(p->http, 5000);
	ctl_server_stop(p->ctl);
	workq_stop(p->wq);
	if (p->is_primary)
		primary_stop(p);
	ctl_client_free(p->cc);
	snap_fini(&p->smap);
	snap_fini(&p->bmd);
}

int
main(int argc, char **argv)
{
	char err[AIS_ERRBUF_SIZE];
	int argind, sig;

	log_init("ais-proxy", 0);
	if (daemon_parse(options, argc, argv, &dc, &argind, err,
	    sizeof(err)) != AIS_OK) {
		fprintf(stderr, "%s: %s\n", getprogname(), err);
		usage(stderr, EX_USAGE);
	}
	if (dc.help)
		usage(stdout, 0);
	if (dc.version) {
		printf("ais-proxy %s\n", AIS_VERSION);
		return 0;
	}
	if (argind != argc) {
		fprintf(stderr, "%s: unexpected operand\n", getprogname());
		usage(stderr, EX_USAGE);
	}
	if (dc.check) {
		printf("configuration OK\n");
		return 0;
	}
	log_set_verbosity(dc.verbose);
	if (daemon_detach(&dc) != AIS_OK) {
		fprintf(stderr, "%s: cannot detach\n", getprogname());
		return EX_OSERR;
	}
	daemon_block_signals();
	if (proxy_start(&prx, err, sizeof(err)) != AIS_OK) {
		log_error("PRX-START-FAIL", "error=\"%s\"", err);
		return EX_UNAVAILABLE;
	}
	log_info("PRX-READY", "id=%s url=%s control=%s primary=%s", prx.self.id,
	    prx.self.url, prx.self.control_url, prx.is_primary ? "self" :
	    prx.conf.primary);
	while ((sig = daemon_wait_signal()) == SIGHUP)
		log_info("PRX-HUP", "note=\"settings apply at restart\"");
	log_info("PRX-STOP", "signal=%d", sig);
	proxy_stop(&prx);
	opt_free(options);
	ctl_fini();
	return 0;
}
