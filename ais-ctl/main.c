/*
 * ais-ctl: administration of an ais cluster; see ais-ctl(8).
 *
 * "ais-ctl NOUN VERB [options] [operands]".  Words may be abbreviated to
 * any unique prefix; a wrong word lists the valid ones (relayctl).
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "ctl.h"

struct client *api;
const char *cmd_noun;

static const struct {
	const char	*noun, *verb;
	cmd_fn		 fn;
	const char	*what;
} cmds[] = {
	{ "cluster", "show", cmd_cluster_show, "the nodes, their state and "
	    "usage" },
	{ "cluster", "up", cmd_cluster_up, "start a local cluster" },
	{ "cluster", "down", cmd_cluster_down, "stop a local cluster" },
	{ "node", "kill", cmd_node_kill, "SIGKILL one node of a local "
	    "cluster" },
	{ "node", "start", cmd_node_start, "start a stopped node again" },
	{ "bucket", "create", cmd_bucket_create, "create buckets" },
	{ "bucket", "ls", cmd_bucket_ls, "list buckets" },
	{ "bucket", "rm", cmd_bucket_rm, "destroy buckets and their data" },
	{ "bucket", "evict", cmd_bucket_evict, "drop the cluster's copies of "
	    "a remote bucket" },
	{ "object", "put", cmd_object_put, "store a file or stdin" },
	{ "object", "get", cmd_object_get, "read an object" },
	{ "object", "head", cmd_object_head, "show an object's properties" },
	{ "object", "ls", cmd_object_ls, "list the objects of a bucket" },
	{ "object", "rm", cmd_object_rm, "delete objects" },
	{ "object", "evict", cmd_object_evict, "drop the cluster's copy of "
	    "remote objects" },
	{ "job", "start", cmd_job_start, "start a prefetch or evict job" },
	{ "job", "ls", cmd_job_ls, "list the jobs of the cluster" },
	{ "job", "show", cmd_job_show, "one job, per target" },
	{ "job", "stop", cmd_job_stop, "stop a job" },
	{ "job", "wait", cmd_job_wait, "wait for a job to end" },
};
#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

static void
usage(FILE *f, int status)
{
	size_t i;

	fprintf(f, "usage: %s NOUN VERB [-h] [options] [operands]\n",
	    getprogname());
	for (i = 0; i < NCMDS; i++)
		fprintf(f, "  %-8s %-7s %s\n", cmds[i].noun, cmds[i].verb,
		    cmds[i].what);
	fprintf(f, "Words may be abbreviated; '%s NOUN VERB -h' shows the "
	    "options.\nEnvironment: AIS_ENDPOINT (default %s); AIS_CONTROL, "
	    "the control URL of jobs\n(default: from the cluster map).\n",
	    getprogname(), CLI_DEFAULT_ENDPOINT);
	exit(status);
}

/* Resolves word (or a unique prefix of one) at position pos; -1 if none. */
static const char *
match(const char *word, const char *noun)
{
	const char *found = NULL, *w;
	size_t i, n = strlen(word);
	bool exact;

	for (i = 0; i < NCMDS; i++) {
		if (noun != NULL && strcmp(cmds[i].noun, noun) != 0)
			continue;
		w = noun != NULL ? cmds[i].verb : cmds[i].noun;
		exact = strcmp(w, word) == 0;
		if (exact)
			return w;
		if (strncmp(w, word, n) == 0 && n > 0) {
			if (found != NULL && strcmp(found, w) != 0)
				return NULL;	/* ambiguous */
			found = w;
		}
	}
	return found;
}

static void
bad_word(const char *word, const char *noun)
{
	const char *last = "";
	size_t i;

	if (*word == '\0')
		fprintf(stderr, "%s: %s needs a verb; valid:", getprogname(),
		    noun);
	else
		fprintf(stderr, "%s: %s '%s'; valid:", getprogname(), noun ?
		    "unknown or ambiguous verb" : "unknown or ambiguous noun",
		    word);
	for (i = 0; i < NCMDS; i++) {
		if (noun != NULL && strcmp(cmds[i].noun, noun) != 0)
			continue;
		if (noun == NULL && strcmp(last, cmds[i].noun) == 0)
			continue;
		last = cmds[i].noun;
		fprintf(stderr, " %s", noun != NULL ? cmds[i].verb :
		    cmds[i].noun);
	}
	fputc('\n', stderr);
	exit(EX_USAGE);
}

int
parse_cmd(const struct opt *t, int argc, char **argv, const char *synopsis,
    int *argind)
{
	char errbuf[256], prog[64];
	bool help = false;

	snprintf(prog, sizeof(prog), "%s %s %s", getprogname(), cmd_noun,
	    argv[0]);
	if (opt_defaults(t, errbuf, sizeof(errbuf)) != AIS_OK ||
	    opt_parse(t, argc, argv, argind, &help, NULL, errbuf,
	    sizeof(errbuf)) != AIS_OK) {
		warnx("%s", errbuf);
		opt_usage(stderr, prog, synopsis, t);
		exit(EX_USAGE);
	}
	if (help) {
		opt_usage(stdout, prog, synopsis, t);
		exit(0);
	}
	return 0;
}

int
api_json(const char *method, const char *path, const char *body,
    json_t **reply)
{
	struct client_req req = { .method = method, .path = path,
	    .body = body, .body_len = body ? strlen(body) : 0 };
	struct client_resp r;
	json_error_t jerr;
	ais_err e;

	*reply = NULL;
	if ((e = client_do(api, &req, &r)) != AIS_OK) {
		warnx("%s", client_error(api));
		return cli_exit_code(e);
	}
	if (r.status >= 400) {
		warnx("%s", client_error(api));
		e = client_status_err(r.status);
		client_resp_free(&r);
		return cli_exit_code(e);
	}
	if (r.body_len > 0 && (*reply = json_loadb(r.body, r.body_len, 0,
	    &jerr)) == NULL) {
		warnx("%s: invalid JSON from the cluster", path);
		client_resp_free(&r);
		return EX_PROTOCOL;
	}
	client_resp_free(&r);
	return 0;
}

void
print_json(json_t *j)
{
	json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	putchar('\n');
}

int
main(int argc, char **argv)
{
	const char *noun, *verb;
	size_t i;
	int rc;

	if (argc < 2 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0)
		usage(argc < 2 ? stderr : stdout, argc < 2 ? EX_USAGE : 0);
	if ((noun = match(argv[1], NULL)) == NULL)
		bad_word(argv[1], NULL);
	if (argc < 3)
		bad_word("", noun);
	if ((verb = match(argv[2], noun)) == NULL)
		bad_word(argv[2], noun);
	cmd_noun = noun;
	if (client_new(&api, cli_endpoint()) != AIS_OK)
		errx(EX_OSERR, "cannot initialise libcurl");
	rc = EX_SOFTWARE;
	for (i = 0; i < NCMDS; i++)
		if (strcmp(cmds[i].noun, noun) == 0 &&
		    strcmp(cmds[i].verb, verb) == 0) {
			rc = cmds[i].fn(argc - 2, argv + 2);
			break;
		}
	client_free(api);
	return rc;
}
