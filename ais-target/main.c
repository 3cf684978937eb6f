/*
 * ais-target: the storage node.  Serves objects over HTTP from its
 * mountpaths and takes control requests over nng; see ais-target(8).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "backend.h"
#include "daemon.h"
#include "log.h"
#include "target.h"

#define SYNOPSIS "[-dhnv] [-f file] [-m mountpath] [option ...]"

static struct target tgt;
static struct daemon_common dc;

static const struct opt options[] = {
	DAEMON_COMMON_OPTS(dc),
	DAEMON_NET_OPTS(tgt.conf.net, "8081", "9081",
	    "node id (default: made once, kept in MOUNTPATH/.ais-node-id)"),
	{ "mountpath", 'm', OPT_LIST, &tgt.conf.mountpaths, "DIR", NULL,
	    "a folder (disk) to store objects in; repeat or comma-separate",
	    0, 0, false },
	{ "primary", 0, OPT_STR, &tgt.conf.primary, "URL",
	    "tcp://127.0.0.1:9080", "control URL of the primary proxy", 0, 0,
	    false },
	DAEMON_BACKEND_OPTS(tgt.conf.backend),
	{ "fill-loops", 0, OPT_INT, &tgt.conf.fill_loops, "N", "0",
	    "threads fetching cold objects, any number each (0: one per CPU)",
	    0, 256, false },
	{ "fill-nice", 0, OPT_INT, &tgt.conf.fill_nice, "N", "-10",
	    "nice value of the fill loops, so they drain the backend's socket "
	    "first (0: the process's)", -20, 19, false },
	{ "cold-workers", 0, OPT_INT, &tgt.conf.cold_workers, "N", "64",
	    "threads for blocking backend calls (HEAD, validation)", 1, 1024,
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

static ais_err
target_start(struct target *t, char *err, size_t errlen)
{
	struct http_server_opts ho = daemon_http_opts(&t->conf.net,
	    target_http, t);
	char idpath[PATH_MAX];
	size_t removed;
	long long nloops;
	ais_err e;

	if ((e = fs_init(&t->fs, &t->conf.mountpaths, err, errlen)) != AIS_OK)
		return e;
	snprintf(idpath, sizeof(idpath), "%s/.ais-node-id", t->fs.mps[0].path);
	if ((e = daemon_identity(&t->self, NODE_TARGET, &t->conf.net, idpath,
	    err, errlen)) != AIS_OK)
		return e;
	removed = fs_cleanup_work(&t->fs);
	if (removed > 0)
		log_info("TGT-CLEANUP", "work_files_removed=%zu", removed);
	if ((e = fs_spares_start(&t->fs)) != AIS_OK) {
		snprintf(err, errlen, "cannot start the spare work files");
		return e;
	}
	snap_init(&t->smap, smap_new(""), smap_free_any);
	snap_init(&t->bmd, bmd_new(), bmd_free_any);
	if ((e = daemon_backend_init(&t->conf.backend)) != AIS_OK) {
		snprintf(err, errlen, "cannot use the S3 credentials: %s",
		    ais_strerror(e));
		return e;
	}
	nloops = t->conf.fill_loops > 0 ? t->conf.fill_loops :
	    sysconf(_SC_NPROCESSORS_ONLN);
	if ((e = cold_init(nloops > 0 ? (int)nloops : 1,
	    (int)t->conf.cold_workers, (int)t->conf.fill_nice)) != AIS_OK) {
		snprintf(err, errlen, "cannot start the fill loops and workers");
		return e;
	}
	if ((e = ctl_server_start(&t->ctl, t->self.control_url, 4,
	    target_control, t, err, errlen)) != AIS_OK)
		return e;
	if ((e = http_server_start(&t->http, &ho, err, errlen)) != AIS_OK)
		return e;
	return member_start(&t->member, &t->self, t->conf.primary,
	    (int)t->conf.net.keepalive_interval, &t->smap, &t->bmd);
}

static void
target_stop(struct target *t)
{
	member_stop(&t->member);
	ctl_server_stop(t->ctl);	/* no new jobs */
	jobs_fini();		/* before the fills that jobs wait on */
	cold_fini();		/* fetches in flight finish, streaming */
	http_server_stop(t->http, 5000);
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
	backend_fini();
	opt_free(options);
	ctl_fini();
	return 0;
}
