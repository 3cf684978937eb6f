/*
 * ais-prefetch: warm the cluster with objects of a remote bucket, from
 * cron or by hand; see ais-prefetch(1).
 *
 * It starts a prefetch job on a proxy over the control plane and, with
 * --wait, follows it to the end: a progress bar on a terminal, a plain
 * line every --interval otherwise.  The exit status says whether every
 * selected object is now in the cluster.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cli.h"
#include "clock.h"
#include "client.h"
#include "job.h"
#include "jobcli.h"
#include "opt.h"

#define SYNOPSIS "[-hqw] [--latest] [--workers N] [--timeout D] " \
	"[--interval D] [--json] s3://bucket [TEMPLATE | NAME ... | " \
	"--list FILE | --prefix P]"
#define EXIT_FAILED	1
#define EXIT_TIMEOUT	EX_TEMPFAIL

static struct {
	bool		 wait;
	char		*timeout;
	char		*interval;
	char		*list;
	char		*prefix;
	bool		 latest;
	long long	 workers;
	bool		 quiet;
	bool		 json;
} o;

static const struct opt options[] = {
	{ "wait", 'w', OPT_FLAG, &o.wait, NULL, NULL,
	    "follow the job to its end; without it, print the job id and exit",
	    0, 0, true },
	{ "timeout", 't', OPT_STR, &o.timeout, "D", NULL,
	    "with --wait: give up waiting after D (30s, 10m, 2h); implies "
	    "--wait", 0, 0, true },
	{ "interval", 'i', OPT_STR, &o.interval, "D", "10s",
	    "when not on a terminal: a progress line every D", 0, 0, true },
	{ "list", 'l', OPT_STR, &o.list, "FILE", NULL,
	    "object names, one per line, from FILE (- for stdin)", 0, 0,
	    true },
	{ "prefix", 'p', OPT_STR, &o.prefix, "P", NULL,
	    "every object whose name starts with P (listed on the backend)",
	    0, 0, true },
	{ "latest", 0, OPT_FLAG, &o.latest, NULL, NULL,
	    "fetch cached objects again when the backend has a newer version",
	    0, 0, true },
	{ "workers", 'n', OPT_INT, &o.workers, "N", "4",
	    "objects fetched at once by each target", 1, JOB_WORKERS_MAX,
	    true },
	{ "quiet", 'q', OPT_FLAG, &o.quiet, NULL, NULL,
	    "print nothing but errors", 0, 0, true },
	{ "json", 0, OPT_FLAG, &o.json, NULL, NULL,
	    "with --wait: print the job's final status as JSON on stdout", 0, 0,
	    true },
	{ NULL, 0, 0, NULL, NULL, NULL, NULL, 0, 0, false },
};

struct follow {
	bool		 tty;
	long long	 every_ms;	/* plain lines */
	long long	 last_ms;	/* when the last one was printed */
};

static void
tick(const json_t *job, void *arg)
{
	struct follow *fw = arg;
	const char *state = json_string_value(json_object_get(job, "state"));
	bool ended = state == NULL || strcmp(state, "running") != 0;

	if (o.quiet)
		return;
	if (fw->tty)
		jobcli_progress(stderr, getprogname(), job, true);
	else if (!ended && mono_ms() - fw->last_ms >= fw->every_ms) {
		jobcli_progress(stderr, getprogname(), job, false);
		fw->last_ms = mono_ms();
	}
}

/* Starts the job; exits on failure with a status that fits. */
static char *
start(struct jobcli *jc, const struct cli_uri *u, json_t *sel)
{
	json_t *req, *reply;
	char *id;
	ais_err e;

	req = json_pack("{s:s, s:s, s:s, s:s, s:o, s:I, s:b}", "op",
	    "job_start", "kind", "prefetch", "provider", u->provider, "bucket",
	    u->bucket, "selection", sel, "workers", (json_int_t)o.workers,
	    "latest", o.latest);
	e = jobcli_call(jc, req, &reply);
	json_decref(req);
	if (e != AIS_OK) {
		warnx("%s://%s: %s", u->scheme, u->bucket, jc->err);
		jobcli_close(jc);
		exit(e == AIS_EINVAL ? EX_USAGE : cli_exit_code(e));
	}
	id = strdup(json_string_value(json_object_get(reply, "id")));
	json_decref(reply);
	if (id == NULL)
		errx(EX_OSERR, "out of memory");
	return id;
}

static int
follow(struct jobcli *jc, const char *id, long long timeout_ms)
{
	struct follow fw = { isatty(STDERR_FILENO), 0, mono_ms() };
	long long poll_ms;
	json_t *job = NULL;
	ais_err e;
	int rc;

	fw.every_ms = cli_parse_duration(o.interval);
	poll_ms = fw.tty || fw.every_ms > 500 ? 500 : fw.every_ms;
	e = jobcli_wait(jc, id, timeout_ms, poll_ms, tick, &fw, &job);
	if (e == AIS_ETIMEDOUT) {
		if (fw.tty && !o.quiet)
			fputc('\n', stderr);
		warnx("job %s is still running after %s; it goes on: follow it "
		    "with 'ais-ctl job wait %s'", id, o.timeout, id);
		rc = EXIT_TIMEOUT;
	} else if (e != AIS_OK) {
		warnx("job %s: %s", id, jc->err);
		rc = cli_exit_code(e);
	} else {
		if (!o.quiet)
			jobcli_summary(stderr, getprogname(), job);
		rc = jobcli_report(stderr, getprogname(), job) ? 0 :
		    EXIT_FAILED;
	}
	if (o.json && job != NULL) {
		json_dumpf(job, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
	}
	json_decref(job);
	return rc;
}

int
main(int argc, char **argv)
{
	char errbuf[AIS_ERRBUF_SIZE];
	long long timeout_ms = 0;
	struct client *http;
	struct cli_uri u;
	struct jobcli jc;
	bool help = false, version = false, missing;
	json_t *sel;
	int argind, rc;
	char *id;

	if (opt_defaults(options, errbuf, sizeof(errbuf)) != AIS_OK ||
	    opt_parse(options, argc, argv, &argind, &help, &version, errbuf,
	    sizeof(errbuf)) != AIS_OK) {
		warnx("%s", errbuf);
		opt_usage_exit(stderr, SYNOPSIS, options, EX_USAGE);
	}
	if (help)
		opt_usage_exit(stdout, SYNOPSIS, options, 0);
	if (version) {
		printf("ais-prefetch %s\n", AIS_VERSION);
		return 0;
	}
	if (argind >= argc)
		opt_usage_exit(stderr, SYNOPSIS, options, EX_USAGE);
	if (cli_parse_uri(argv[argind], &u) != AIS_OK || u.object[0] != '\0' ||
	    strcmp(u.provider, "ais") == 0)
		errx(EX_USAGE, "%s: not a remote bucket (s3://bucket or "
		    "ht://bucket)", argv[argind]);
	if ((o.timeout != NULL && (timeout_ms = cli_parse_duration(o.timeout))
	    <= 0) || cli_parse_duration(o.interval) <= 0)
		errx(EX_USAGE, "durations look like 30s, 10m or 2h");
	o.wait = o.wait || o.timeout != NULL;
	if ((sel = jobcli_selection(argc - argind - 1, argv + argind + 1,
	    o.list, o.prefix, &missing, errbuf, sizeof(errbuf))) == NULL)
		errx(missing ? EX_NOINPUT : EX_USAGE, "%s", errbuf);
	if (client_new(&http, cli_endpoint()) != AIS_OK)
		errx(EX_OSERR, "cannot initialise libcurl");
	if (jobcli_open(&jc, http) != AIS_OK) {
		warnx("cannot reach the cluster: %s", jc.err);
		json_decref(sel);
		client_free(http);
		jobcli_close(&jc);
		return EX_UNAVAILABLE;
	}
	client_free(http);
	id = start(&jc, &u, sel);
	if (!o.wait) {
		printf("%s\n", id);
		rc = 0;
	} else
		rc = follow(&jc, id, timeout_ms);
	free(id);
	jobcli_close(&jc);
	opt_free(options);
	return rc;
}
