/*
 * ais-target: the storage node.  Serves objects over HTTP from its
 * mountpaths and takes control requests over nng; see ais-target(8).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "daemon.h"
#include "log.h"
#include "state.h"
#include "target.h"

#define SYNOPSIS "[-dhnv] [-f file] [-m mountpath] [option ...]"

static struct target tgt;
static struct daemon_common dc;

static const struct opt options[] = {
	DAEMON_COMMON_OPTS(dc),
	{ "port", 'p', OPT_INT, &tgt.conf.port, "N", "8081",
	    "HTTP port", 0, 65535, false },
	{ "host", 0, OPT_STR, &tgt.conf.host, "ADDR", "127.0.0.1",
	    "address to bind", 0, 0, false },
	{ "public-url", 0, OPT_STR, &tgt.conf.public_url, "URL", NULL,
	    "URL advertised to clients (default http://HOST:PORT)", 0, 0,
	    false },
	{ "control-port", 0, OPT_INT, &tgt.conf.control_port, "N", "9081",
	    "nng control port", 0, 65535, false },
	{ "mountpath", 'm', OPT_LIST, &tgt.conf.mountpaths, "DIR", NULL,
	    "a folder (disk) to store objects in; repeat or comma-separate",
	    0, 0, false },
	{ "primary", 0, OPT_STR, &tgt.conf.primary, "URL",
	    "tcp://127.0.0.1:9080", "control URL of the primary proxy", 0, 0,
	    false },
	{ "id", 0, OPT_STR, &tgt.conf.id, "ID", NULL,
	    "node id (default: made once, kept in MOUNTPATH/.ais-node-id)",
	    0, 0, false },
	{ "keepalive-interval", 0, OPT_INT, &tgt.conf.keepalive_interval,
	    "MS", "1000", "keepalive period", 50, 600000, false },
	{ "loops", 0, OPT_INT, &tgt.conf.loops, "N", "0",
	    "event loops (0: one per CPU)", 0, 256, false },
	{ "idle-timeout", 0, OPT_INT, &tgt.conf.idle_timeout, "MS", "60000",
	    "close idle keep-alive connections after MS", 100, 86400000,
	    false },
	{ "io-timeout", 0, OPT_INT, &tgt.conf.io_timeout, "MS", "30000",
	    "close requests that make no progress for MS", 100, 86400000,
	    false },
	{ "fsync", 0, OPT_FLAG, &tgt.conf.fsync, NULL, "false",
	    "fsync each object before it becomes visible", 0, 0, false },
	{ NULL, 0, 0, NULL, NULL, NULL, NULL, 0, 0, false },
};

static void
usage(FILE *f, int status)
{
	opt_usage(f, getprogname(), SYNOPSIS, options);
	exit(status);
}

/* Fills in the node's identity: id, public and control URLs. */
static ais_err
target_identity(struct target *t, char *err, size_t errlen)
{
	char path[PATH_MAX];
	ais_err e;

	snprintf(path, sizeof(path), "%s/.ais-node-id", t->fs.mps[0].path);
	if ((e = state_node_id(path, t->conf.id, t->self.id,
	    sizeof(t->self.id))) != AIS_OK) {
		snprintf(err, errlen, "%s: %s", path, ais_strerror(e));
		return e;
	}
	t->self.role = NODE_TARGET;
	if (t->conf.public_url != NULL)
		strlcpy(t->self.url, t->conf.public_url, sizeof(t->self.url));
	else
		snprintf(t->self.url, sizeof(t->self.url), "http://%s:%lld",
		    t->conf.host, t->conf.port);
	snprintf(t->self.control_url, sizeof(t->self.control_url),
	    "tcp://%s:%lld", t->conf.host, t->conf.control_port);
	return AIS_OK;
}

static ais_err
target_start(struct target *t, char *err, size_t errlen)
{
	struct http_server_opts ho = {
		.host = t->conf.host, .port = (int)t->conf.port,
		.nloops = (int)t->conf.loops,
		.idle_timeout_ms = (int)t->conf.idle_timeout,
		.io_timeout_ms = (int)t->conf.io_timeout,
		.handler = target_http, .arg = t,
	};
	size_t removed;
	ais_err e;

	if ((e = fs_init(&t->fs, &t->conf.mountpaths, err, errlen)) != AIS_OK ||
	    (e = target_identity(t, err, errlen)) != AIS_OK)
		return e;
	removed = fs_cleanup_work(&t->fs);
	if (removed > 0)
		log_info("TGT-CLEANUP", "work_files_removed=%zu", removed);
	snap_init(&t->smap, smap_new(""), smap_free_any);
	snap_init(&t->bmd, bmd_new(), bmd_free_any);
	if ((e = ctl_server_start(&t->ctl, t->self.control_url, 4,
	    target_control, t, err, errlen)) != AIS_OK)
		return e;
	if ((e = http_server_start(&t->http, &ho, err, errlen)) != AIS_OK)
		return e;
	return member_start(&t->member, &t->self, t->conf.primary,
	    (int)t->conf.keepalive_interval, &t->smap, &t->bmd);
}

static void
target_stop(struct target *t)
{
	member_stop(&t->member);
	http_server_stop(t->http, 5000);
	ctl_server_stop(t->ctl);
	snap_fini(&t->smap);
	snap_fini(&t->bmd);
	fs_fini(&t->fs);
}

int
main(int argc, char **argv)
{
	char err[AIS_ERRBUF_SIZE];
	int argind, sig;

	log_init("ais-target", 0);
	if (daemon_parse(options, argc, argv, &dc, &argind, err,
	    sizeof(err)) != AIS_OK) {
		fprintf(stderr, "%s: %s\n", getprogname(), err);
		usage(stderr, EX_USAGE);
	}
	if (dc.help)
		usage(stdout, 0);
	if (dc.version) {
		printf("ais-target %s\n", AIS_VERSION);
		return 0;
	}
	if (argind != argc || tgt.conf.mountpaths.n == 0) {
		fprintf(stderr, "%s: %s\n", getprogname(), argind != argc ?
		    "unexpected operand" : "at least one --mountpath needed");
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
	if (target_start(&tgt, err, sizeof(err)) != AIS_OK) {
		log_error("TGT-START-FAIL", "error=\"%s\"", err);
		return EX_UNAVAILABLE;
	}
	log_info("TGT-READY", "id=%s url=%s control=%s mountpaths=%zu",
	    tgt.self.id, tgt.self.url, tgt.self.control_url, tgt.fs.n);
	while ((sig = daemon_wait_signal()) == SIGHUP)
		log_info("TGT-HUP", "note=\"settings apply at restart\"");
	log_info("TGT-STOP", "signal=%d", sig);
	target_stop(&tgt);
	opt_free(options);
	ctl_fini();
	return 0;
}
