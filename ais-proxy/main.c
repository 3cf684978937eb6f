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

#include "backend.h"
#include "daemon.h"
#include "log.h"
#include "proxy.h"

#define SYNOPSIS "[-dhnv] [-f file] [--primary URL] [option ...]"

static struct proxy prx;
static struct daemon_common dc;

static const struct opt options[] = {
	DAEMON_COMMON_OPTS(dc),
	DAEMON_NET_OPTS(prx.conf.net, "8080", "9080",
	    "node id (default: made once, kept in DIR/node-id)"),
	{ "primary", 0, OPT_STR, &prx.conf.primary, "URL", NULL,
	    "control URL of the primary; without it this proxy is the primary",
	    0, 0, false },
	{ "dir", 0, OPT_STR, &prx.conf.dir, "DIR", "/var/lib/ais/proxy",
	    "state folder: node id, cluster map, bucket table", 0, 0, false },
	DAEMON_BACKEND_OPTS(prx.conf.backend),
	{ "keepalive-factor", 0, OPT_INT, &prx.conf.keepalive_factor, "N",
	    "5", "drop a node silent for N periods (primary)", 2, 100, false },
	{ NULL, 0, 0, NULL, NULL, NULL, NULL, 0, 0, false },
};

static void
usage(FILE *f, int status)
{
	opt_usage(f, getprogname(), SYNOPSIS, options);
	exit(status);
}

static ais_err
proxy_start(struct proxy *p, char *err, size_t errlen)
{
	struct http_server_opts ho = daemon_http_opts(&p->conf.net,
	    proxy_http, p);
	char idpath[PATH_MAX];
	ais_err e;

	p->is_primary = p->conf.primary == NULL;
	if ((e = daemon_backend_init(&p->conf.backend)) != AIS_OK) {
		snprintf(err, errlen, "cannot use the S3 credentials: %s",
		    ais_strerror(e));
		return e;
	}
	snprintf(idpath, sizeof(idpath), "%s/node-id", p->conf.dir);
	if ((e = daemon_identity(&p->self, NODE_PROXY, &p->conf.net, idpath,
	    err, errlen)) != AIS_OK ||
	    (e = ctl_client_new(&p->cc)) != AIS_OK ||
	    (e = workq_start(&p->wq, 4, "work")) != AIS_OK)
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
		    (int)p->conf.net.keepalive_interval, &p->smap, &p->bmd);
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
	backend_fini();
	opt_free(options);
	ctl_fini();
	return 0;
}
