/*
 * job.c: "ais-ctl job start|ls|show|stop|wait", over the control plane
 * (lib/jobcli.c does the talking and the printing).
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "ctl.h"
#include "job.h"
#include "jobcli.h"

static struct {
	char		*list;
	char		*prefix;
	char		*timeout;
	long long	 workers;
	bool		 latest;
	bool		 wait;
	bool		 json;
} jo;

static const struct opt start_opts[] = {
	{ "list", 'l', OPT_STR, &jo.list, "FILE", NULL,
	    "object names, one per line, from FILE (- for stdin)", 0, 0,
	    true },
	{ "prefix", 'p', OPT_STR, &jo.prefix, "P", NULL,
	    "every object whose name starts with P", 0, 0, true },
	{ "workers", 'n', OPT_INT, &jo.workers, "N", "4",
	    "objects worked on at once by each target", 1, JOB_WORKERS_MAX,
	    true },
	{ "latest", 0, OPT_FLAG, &jo.latest, NULL, NULL,
	    "prefetch: fetch cached objects again when the backend changed",
	    0, 0, true },
	{ "wait", 'w', OPT_FLAG, &jo.wait, NULL, NULL,
	    "wait for the job to end", 0, 0, true },
	{ NULL, 0, 0, NULL, NULL, NULL, NULL, 0, 0, false },
};

static const struct opt json_opts[] = {
	{ "json", 'j', OPT_FLAG, &jo.json, NULL, NULL, "print JSON", 0, 0,
	    true },
	{ NULL, 0, 0, NULL, NULL, NULL, NULL, 0, 0, false },
};

static const struct opt wait_opts[] = {
	{ "timeout", 't', OPT_STR, &jo.timeout, "D", NULL,
	    "give up waiting after D (30s, 10m, 2h)", 0, 0, true },
	{ "json", 'j', OPT_FLAG, &jo.json, NULL, NULL,
	    "print the final status as JSON", 0, 0, true },
	{ NULL, 0, 0, NULL, NULL, NULL, NULL, 0, 0, false },
};

static const struct opt no_opts[] = {
	{ NULL, 0, 0, NULL, NULL, NULL, NULL, 0, 0, false },
};

static int
open_or_fail(struct jobcli *jc)
{
	if (jobcli_open(jc, api) != AIS_OK) {
		warnx("cannot reach the cluster: %s", jc->err);
		jobcli_close(jc);
		return EX_UNAVAILABLE;
	}
	return 0;
}

/* One call; prints the error and returns the exit status on failure. */
static int
call(struct jobcli *jc, json_t *req, json_t **reply)
{
	ais_err e = jobcli_call(jc, req, reply);

	json_decref(req);
	if (e != AIS_OK) {
		warnx("%s", jc->err);
		return e == AIS_EINVAL ? EX_USAGE : cli_exit_code(e);
	}
	return 0;
}

/* Follows a job to its end: 0 when it did all, 1 when not, 75 timeout. */
static int
wait_job(struct jobcli *jc, const char *id, const char *timeout)
{
	long long ms = timeout != NULL ? cli_parse_duration(timeout) : 0;
	json_t *job = NULL;
	ais_err e;
	int rc;

	if (ms < 0)
		errx(EX_USAGE, "durations look like 30s, 10m or 2h");
	e = jobcli_wait(jc, id, ms, 500, NULL, NULL, &job);
	if (e == AIS_ETIMEDOUT) {
		warnx("%s", jc->err);
		rc = EX_TEMPFAIL;
	} else if (e != AIS_OK) {
		warnx("%s", jc->err);
		rc = cli_exit_code(e);
	} else {
		rc = jobcli_report(stderr, getprogname(), job) ? 0 : 1;
		if (!jo.json)
			jobcli_summary(stdout, getprogname(), job);
	}
	if (jo.json && job != NULL)
		print_json(job);
	json_decref(job);
	return rc;
}

int
cmd_job_start(int argc, char **argv)
{
	char errbuf[AIS_ERRBUF_SIZE];
	json_t *sel, *reply;
	struct cli_uri u;
	struct jobcli jc;
	bool missing;
	enum job_kind k;
	int argind, rc;

	parse_cmd(start_opts, argc, argv, "prefetch|evict s3://bucket "
	    "[TEMPLATE | NAME ...]", &argind);
	if (argc - argind < 2 || job_kind_parse(argv[argind], &k) != AIS_OK)
		errx(EX_USAGE, "usage: job start prefetch|evict s3://bucket "
		    "[TEMPLATE | NAME ... | --list FILE | --prefix P]");
	if (cli_parse_uri(argv[argind + 1], &u) != AIS_OK ||
	    u.object[0] != '\0')
		errx(EX_USAGE, "%s: not a bucket", argv[argind + 1]);
	if ((sel = jobcli_selection(argc - argind - 2, argv + argind + 2,
	    jo.list, jo.prefix, &missing, errbuf, sizeof(errbuf))) == NULL)
		errx(missing ? EX_NOINPUT : EX_USAGE, "%s", errbuf);
	if ((rc = open_or_fail(&jc)) != 0) {
		json_decref(sel);
		return rc;
	}
	rc = call(&jc, json_pack("{s:s, s:s, s:s, s:s, s:o, s:I, s:b}", "op",
	    "job_start", "kind", job_kind_name(k), "provider", u.provider,
	    "bucket", u.bucket, "selection", sel, "workers",
	    (json_int_t)jo.workers, "latest", jo.latest), &reply);
	if (rc == 0) {
		printf("%s\n", json_string_value(json_object_get(reply, "id")));
		fflush(stdout);
		if (jo.wait)
			rc = wait_job(&jc, json_string_value(json_object_get(
			    reply, "id")), NULL);
		json_decref(reply);
	}
	jobcli_close(&jc);
	return rc;
}

int
cmd_job_ls(int argc, char **argv)
{
	struct jobcli jc;
	json_t *reply;
	int argind, rc;

	parse_cmd(json_opts, argc, argv, "[--json]", &argind);
	if ((rc = open_or_fail(&jc)) != 0)
		return rc;
	if ((rc = call(&jc, json_pack("{s:s}", "op", "job_list"), &reply)) ==
	    0) {
		if (jo.json)
			print_json(json_object_get(reply, "jobs"));
		else
			jobcli_table(stdout, json_object_get(reply, "jobs"));
		json_decref(reply);
	}
	jobcli_close(&jc);
	return rc;
}

/* show and stop: one job by id. */
static int
one_job(int argc, char **argv, const char *op)
{
	struct jobcli jc;
	json_t *reply;
	int argind, rc;

	parse_cmd(strcmp(op, "job_status") == 0 ? json_opts : no_opts, argc,
	    argv, strcmp(op, "job_status") == 0 ? "[--json] JOB_ID" : "JOB_ID",
	    &argind);
	if (argind != argc - 1)
		errx(EX_USAGE, "usage: job %s JOB_ID", argv[0]);
	if ((rc = open_or_fail(&jc)) != 0)
		return rc;
	rc = call(&jc, json_pack("{s:s, s:s}", "op", op, "id", argv[argind]),
	    &reply);
	if (rc == 0 && strcmp(op, "job_status") == 0) {
		if (jo.json)
			print_json(json_object_get(reply, "job"));
		else
			jobcli_show(stdout, json_object_get(reply, "job"));
	}
	json_decref(reply);
	jobcli_close(&jc);
	return rc;
}

int
cmd_job_show(int argc, char **argv)
{
	return one_job(argc, argv, "job_status");
}

int
cmd_job_stop(int argc, char **argv)
{
	return one_job(argc, argv, "job_stop");
}

int
cmd_job_wait(int argc, char **argv)
{
	struct jobcli jc;
	int argind, rc;

	parse_cmd(wait_opts, argc, argv, "[--timeout D] JOB_ID", &argind);
	if (argind != argc - 1)
		errx(EX_USAGE, "usage: job wait [--timeout D] JOB_ID");
	if ((rc = open_or_fail(&jc)) != 0)
		return rc;
	rc = wait_job(&jc, argv[argind], jo.timeout);
	jobcli_close(&jc);
	return rc;
}
