/*
 * agent.c: several loader hosts.  "ais-loader -listen URL" waits for runs
 * over nng; "ais-loader -agents URL,URL ... flags" sends its own flags to
 * every agent at once, each runs them and answers with what it measured
 * (histograms, counters), and the coordinator prints the merged report,
 * as aisloader-composer does with Ansible.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "ctl.h"
#include "daemon.h"
#include "loader.h"

static const char *op_keys[OP_NKINDS] = { "GET", "PUT" };

static json_t *
stats_to_json(const struct op_stats *st, double elapsed)
{
	json_t *arr = json_array();
	int k;

	for (k = 0; k < OP_NKINDS; k++)
		json_array_append_new(arr, json_pack("{s:s, s:I, s:I, s:I, "
		    "s:o}", "op", op_keys[k], "ops", (json_int_t)st[k].ops,
		    "bytes", (json_int_t)st[k].bytes, "errors",
		    (json_int_t)st[k].errors, "latency",
		    hist_to_json(&st[k].lat)));
	return json_pack("{s:i, s:f, s:o}", "status", 200, "elapsed", elapsed,
	    "stats", arr);
}

static json_t *
agent_handle(json_t *req, void *arg)
{
	struct op_stats total[OP_NKINDS];
	json_t *args = json_object_get(req, "argv"), *v;
	double elapsed = 0;
	char **argv;
	size_t i, n = json_array_size(args);
	int rc;

	(void)arg;
	if (!json_is_array(args) || (argv = calloc(n + 2,
	    sizeof(*argv))) == NULL)
		return ctl_reply_error(400, "expected {\"op\":\"run\",\"argv\":[]}");
	argv[0] = "ais-loader";
	json_array_foreach(args, i, v)
		argv[i + 1] = (char *)json_string_value(v);
	rc = loader_main((int)n + 1, argv, total, &elapsed, false);
	free(argv);
	if (rc != 0)
		return ctl_reply_error(500, "the run failed with exit status %d "
		    "(see the agent's stderr)", rc);
	return stats_to_json(total, elapsed);
}

int
agent_serve(struct loader *ld, const char *url)
{
	struct ctl_server *srv;
	char err[256];

	(void)ld;
	daemon_block_signals();
	if (ctl_server_start(&srv, url, 1, agent_handle, NULL, err,
	    sizeof(err)) != AIS_OK) {
		warnx("%s", err);
		return EX_UNAVAILABLE;
	}
	fprintf(stderr, "%s: waiting for runs on %s\n", getprogname(), url);
	daemon_wait_signal();
	ctl_server_stop(srv);
	ctl_fini();
	return 0;
}

static bool
is_agents_flag(const char *a, bool *takes_next)
{
	const char *p = a;

	while (*p == '-')
		p++;
	*takes_next = strcmp(p, "agents") == 0;
	return *takes_next || strncmp(p, "agents=", 7) == 0;
}

/* The coordinator's flags less -agents, plus -quiet, as a JSON array. */
static json_t *
job_args(int argc, char **argv)
{
	json_t *a = json_array();
	bool next;
	int i;

	for (i = 1; i < argc; i++) {
		if (is_agents_flag(argv[i], &next)) {
			i += next;
			continue;
		}
		json_array_append_new(a, json_string(argv[i]));
	}
	json_array_append_new(a, json_string("-quiet"));
	return a;
}

static int
merge_reply(json_t *reply, struct op_stats *total, double *elapsed)
{
	json_t *st, *lat;
	struct hist h;
	size_t i;
	double e;

	if (ctl_reply_status(reply) != 200)
		return -1;
	e = json_real_value(json_object_get(reply, "elapsed"));
	if (e > *elapsed)
		*elapsed = e;
	json_array_foreach(json_object_get(reply, "stats"), i, st) {
		if (i >= OP_NKINDS || (lat = json_object_get(st, "latency")) ==
		    NULL || hist_from_json(lat, &h) != AIS_OK)
			return -1;
		hist_merge(&total[i].lat, &h);
		total[i].ops += (uint64_t)json_integer_value(json_object_get(st,
		    "ops"));
		total[i].bytes += (uint64_t)json_integer_value(json_object_get(
		    st, "bytes"));
		total[i].errors += (uint64_t)json_integer_value(json_object_get(
		    st, "errors"));
	}
	return 0;
}

int
agent_coordinate(struct loader *ld, int argc, char **argv)
{
	char *list = strdup(ld->conf.agents), *p = list, *u;
	const char *urls[64];
	json_t *req, *replies[64];
	ais_err errs[64];
	struct op_stats total[OP_NKINDS];
	struct ctl_client *cc;
	double elapsed = 0;
	size_t n = 0, i;
	int k, rc = 0;

	while (list != NULL && (u = strsep(&p, ",")) != NULL && n < 64)
		if (*u != '\0')
			urls[n++] = u;
	for (k = 0; k < OP_NKINDS; k++) {
		memset(&total[k], 0, sizeof(total[k]));
		hist_init(&total[k].lat);
	}
	if (n == 0 || ctl_client_new(&cc) != AIS_OK) {
		free(list);
		warnx("-agents: no agent URLs");
		return EX_USAGE;
	}
	req = json_pack("{s:s, s:o}", "op", "run", "argv", job_args(argc,
	    argv));
	ctl_call_many(cc, urls, n, req, (int)(ld->duration_ms + 120000),
	    replies, errs);
	for (i = 0; i < n; i++) {
		if (errs[i] != AIS_OK || merge_reply(replies[i], total,
		    &elapsed) != 0) {
			warnx("agent %s: %s", urls[i], errs[i] != AIS_OK ?
			    ais_strerror(errs[i]) : json_string_value(
			    json_object_get(replies[i], "message")));
			rc = EX_UNAVAILABLE;
		}
		json_decref(replies[i]);
	}
	json_decref(req);
	if (!ld->conf.json && !ld->conf.quiet)
		printf("%zu agents\n", n);
	report_header(ld);
	report_lines(ld, total, elapsed, elapsed, true);
	ctl_client_free(cc);
	ctl_fini();
	free(list);
	return rc;
}
