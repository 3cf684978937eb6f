/*
 * ais-loader: load generator and benchmark of ais clusters, and of any
 * HTTP or S3 server with the same client; see ais-loader(1).  Flag names
 * are aisloader's.
 */
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "backend.h"
#include "cli.h"
#include "client.h"
#include "clock.h"
#include "ctl.h"
#include "loader.h"
#include "opt.h"
#include "thread.h"

#define SYNOPSIS "-bucket NAME [-provider ais|aws|ht] [-duration D] " \
	"[-numworkers N] [-pctput P] [option ...]"

static struct loader_conf cf;

static const struct opt options[] = {
	{ "bucket", 0, OPT_STR, &cf.bucket, "NAME", NULL,
	    "bucket to load", 0, 0, true },
	{ "provider", 0, OPT_STR, &cf.provider, "P", "ais",
	    "ais, aws (s3) or ht", 0, 0, true },
	{ "duration", 0, OPT_STR, &cf.duration, "D", "60s",
	    "how long (30s, 5m, 1h; 0: until -epochs or PUT limits)", 0, 0,
	    true },
	{ "numworkers", 0, OPT_INT, &cf.numworkers, "N", "10",
	    "concurrent requests (one connection each)", 1, 4096,
	    true },
	{ "pctput", 0, OPT_INT, &cf.pctput, "P", "0",
	    "percentage of PUTs", 0, 100, true },
	{ "minsize", 0, OPT_INT, &cf.minsize, "B", "1048576",
	    "smallest PUT", 0, 1LL << 40, true },
	{ "maxsize", 0, OPT_INT, &cf.maxsize, "B", "1048576",
	    "largest PUT", 0, 1LL << 40, true },
	{ "totalputsize", 0, OPT_INT, &cf.totalputsize, "B", "0",
	    "stop PUTs after this many bytes (0: no limit)", 0, 1LL << 60,
	    true },
	{ "maxputs", 0, OPT_INT, &cf.maxputs, "N", "0",
	    "stop PUTs after N (0: no limit)", 0, 1LL << 60, true },
	{ "epochs", 0, OPT_INT, &cf.epochs, "N", "0",
	    "read every object N times, then stop (0: random reads)", 0,
	    1000000, true },
	{ "cleanup", 0, OPT_FLAG, &cf.cleanup, NULL, NULL,
	    "delete the objects the run PUT, at the end", 0, 0, true },
	{ "statsinterval", 0, OPT_STR, &cf.statsinterval, "D", "10s",
	    "print stats every D (0: only the summary)", 0, 0, true },
	{ "seed", 0, OPT_INT, &cf.seed, "N", "0",
	    "random seed (0: from the clock)", 0, 1LL << 62, true },
	{ "filelist", 0, OPT_STR, &cf.filelist, "FILE", NULL,
	    "object names to GET, one a line (instead of the listing)", 0, 0,
	    true },
	{ "readoff", 0, OPT_INT, &cf.readoff, "B", "0",
	    "GET from this offset (a Range request)", 0, 1LL << 60, true },
	{ "readlen", 0, OPT_INT, &cf.readlen, "B", "0",
	    "GET this many bytes (0: to the end)", 0, 1LL << 60, true },
	{ "verifyhash", 0, OPT_FLAG, &cf.verifyhash, NULL, NULL,
	    "check each GET against its Ais-Checksum header", 0, 0, true },
	{ "randomproxy", 0, OPT_FLAG, &cf.randomproxy, NULL, NULL,
	    "spread requests over every proxy of the cluster", 0, 0, true },
	{ "direct", 0, OPT_FLAG, &cf.direct, NULL, NULL,
	    "send requests to the owning target (cluster map), no redirect",
	    0, 0, true },
	{ "s3endpoint", 0, OPT_STR, &cf.s3endpoint, "URL", NULL,
	    "load an S3 endpoint directly (SigV4 from AWS_* variables)", 0, 0,
	    true },
	{ "urls", 0, OPT_STR, &cf.urls, "FILE", NULL,
	    "GET these URLs, one a line (nginx, any HTTP server)", 0, 0,
	    true },
	{ "prefix", 0, OPT_STR, &cf.prefix, "P", "loader-",
	    "name prefix of the objects PUTs make", 0, 0, true },
	{ "rcvbuf", 0, OPT_INT, &cf.rcvbuf, "B", "4194304",
	    "receive buffer of each connection (0: the kernel's autotuning)",
	    0, 1 << 30, true },
	{ "curl", 0, OPT_FLAG, &cf.curl, NULL, NULL,
	    "GET with libcurl also where the lean client would", 0, 0, true },
	{ "json", 0, OPT_FLAG, &cf.json, NULL, NULL,
	    "print JSON lines", 0, 0, true },
	{ "quiet", 'q', OPT_FLAG, &cf.quiet, NULL, NULL,
	    "print only the summary", 0, 0, true },
	{ "agents", 0, OPT_STR, &cf.agents, "URLS", NULL,
	    "run on these loaders (-listen) at once and merge their stats",
	    0, 0, true },
	{ "listen", 0, OPT_STR, &cf.listen, "URL", NULL,
	    "wait for runs from a coordinating ais-loader (-agents)", 0, 0,
	    true },
	{ NULL, 0, 0, NULL, NULL, NULL, NULL, 0, 0, false },
};

static int
read_lines(struct loader *ld, const char *path)
{
	char line[8192];
	FILE *f;

	if ((f = fopen(path, "r")) == NULL) {
		warn("%s", path);
		return EX_NOINPUT;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] != '\0' && line[0] != '#')
			loader_add_name(ld, line);
	}
	fclose(f);
	return 0;
}

static int
cluster_json(struct client *c, const char *path, json_t **out)
{
	struct client_req req = { .method = "GET", .path = path };
	struct client_resp r;
	json_error_t jerr;
	ais_err e;

	*out = NULL;
	if ((e = client_do(c, &req, &r)) != AIS_OK) {
		warnx("%s", client_error(c));
		return cli_exit_code(e);
	}
	if (r.status >= 400) {
		warnx("%s", client_error(c));
		e = client_status_err(r.status);
		client_resp_free(&r);
		return cli_exit_code(e);
	}
	*out = json_loadb(r.body, r.body_len, 0, &jerr);
	client_resp_free(&r);
	return *out != NULL ? 0 : EX_PROTOCOL;
}

/* The bucket's objects, page after page, from the cluster. */
static int
list_cluster(struct loader *ld, struct client *c)
{
	char *token = strdup(""), *path, *etok;
	json_t *page, *e;
	size_t i;
	int rc = 0;

	do {
		etok = client_escape(token);
		if (asprintf(&path, "/v1/buckets/%s?provider=%s&pagesize=10000"
		    "&continuation_token=%s", cf.bucket, cf.provider, etok) < 0)
			path = NULL;
		free(etok);
		rc = path == NULL ? EX_OSERR : cluster_json(c, path, &page);
		free(path);
		if (rc != 0)
			break;
		json_array_foreach(json_object_get(page, "entries"), i, e)
			loader_add_name(ld, json_string_value(json_object_get(e,
			    "name")));
		free(token);
		token = strdup(json_string_value(json_object_get(page,
		    "continuation_token")) != NULL ? json_string_value(
		    json_object_get(page, "continuation_token")) : "");
		json_decref(page);
	} while (token != NULL && *token != '\0');
	free(token);
	return rc;
}

/* The bucket's objects from an S3 endpoint's own listing. */
static int
list_s3(struct loader *ld)
{
	struct backend_conf bc = { .s3_endpoint = cf.s3endpoint };
	struct bucket b;
	char err[AIS_ERRBUF_SIZE], *token = strdup(""), *next = NULL;
	json_t *entries, *e;
	int status, rc = 0;
	ais_err be;
	size_t i;

	if ((be = backend_init(&bc)) != AIS_OK) {
		warnx("cannot use the S3 credentials: %s", ais_strerror(be));
		free(token);
		return EX_CONFIG;
	}
	memset(&b, 0, sizeof(b));
	strlcpy(b.name, cf.bucket, sizeof(b.name));
	strlcpy(b.provider, "aws", sizeof(b.provider));
	do {
		if (backend_list(&b, "", token, 1000, &entries, &next, &status,
		    err, sizeof(err)) != AIS_OK || status != 200) {
			warnx("listing %s/%s: %s", cf.s3endpoint, cf.bucket,
			    err[0] ? err : "failed");
			rc = status == 404 ? EX_NOINPUT : EX_UNAVAILABLE;
			break;
		}
		json_array_foreach(entries, i, e)
			loader_add_name(ld, json_string_value(json_object_get(e,
			    "name")));
		json_decref(entries);
		free(token);
		token = next;
	} while (token != NULL && *token != '\0');
	free(token);
	return rc;
}

/* -s3endpoint with AWS_* credentials: the signer of its requests. */
static int
make_signer(struct loader *ld)
{
	const char *key = getenv("AWS_ACCESS_KEY_ID");
	const char *secret = getenv("AWS_SECRET_ACCESS_KEY");
	const char *region = getenv("AWS_REGION");
	ais_err e;

	if (key == NULL || secret == NULL)
		return 0;
	if (region == NULL || *region == '\0')
		region = "us-east-1";
	if ((e = sigv4_new(&ld->signer, key, secret, region)) != AIS_OK) {
		warnx("cannot sign with the AWS_* credentials: %s",
		    ais_strerror(e));
		return EX_CONFIG;
	}
	return 0;
}

/* Objects to read, and the cluster map when requests need it. */
static int
prepare(struct loader *ld)
{
	struct client *c;
	json_t *smap = NULL;
	int rc = 0;

	if (cf.urls != NULL)
		return read_lines(ld, cf.urls);
	if (cf.s3endpoint != NULL) {
		if ((rc = make_signer(ld)) != 0)
			return rc;
		return cf.filelist ? read_lines(ld, cf.filelist) :
		    cf.pctput < 100 ? list_s3(ld) : 0;
	}
	if (client_new(&c, ld->endpoint) != AIS_OK)
		return EX_OSERR;
	if (cf.direct || cf.randomproxy) {
		if ((rc = cluster_json(c, "/v1/cluster?what=smap", &smap)) ==
		    0 && smap_from_json(smap, &ld->smap) != AIS_OK)
			rc = EX_PROTOCOL;
		json_decref(smap);
	}
	if (rc == 0)
		rc = cf.filelist != NULL ? read_lines(ld, cf.filelist) :
		    list_cluster(ld, c);
	client_free(c);
	return rc;
}

/*
 * Runs of GETs alone over plain http:// go on hget, which takes 35-40 us
 * less of CPU a request than curl, S3 ones too (signed by the worker);
 * PUTs, https and -curl runs stay on curl.
 */
static bool
lean_possible(const struct loader *ld)
{
	size_t i;

	if (cf.curl || cf.pctput > 0)
		return false;
	if (cf.s3endpoint != NULL)
		return hget_supports(cf.s3endpoint);
	if (cf.urls != NULL) {
		for (i = 0; i < ld->nnames; i++)
			if (!hget_supports(ld->names[i]))
				return false;
		return true;
	}
	if (!hget_supports(ld->endpoint))
		return false;
	for (i = 0; ld->smap != NULL && i < ld->smap->nproxies; i++)
		if (!hget_supports(ld->smap->proxies[i].url))
			return false;
	for (i = 0; ld->smap != NULL && i < ld->smap->ntargets; i++)
		if (!hget_supports(ld->smap->targets[i].url))
			return false;
	return true;
}

double
loader_now(void)
{
	return (double)mono_us() / 1e6;
}

static int
start_workers(struct loader *ld)
{
	uint64_t seed = (uint64_t)cf.seed;
	long long i;
	long ncpu;
	size_t j;

	if ((ld->w = calloc((size_t)cf.numworkers, sizeof(*ld->w))) == NULL)
		return EX_OSERR;
	for (i = 0; i < cf.numworkers; i++) {
		struct worker *w = &ld->w[i];

		w->ld = ld;
		w->id = (int)i;
		w->rng = (seed + 1) * 0x9e3779b97f4a7c15ULL + (uint64_t)i * 7919 +
		    1;
		pthread_mutex_init(&w->mu, NULL);
		hist_init(&w->st[OP_GET].lat);
		hist_init(&w->st[OP_PUT].lat);
		if (cf.pctput > 0) {
			if ((w->buf = malloc((size_t)cf.maxsize + 1)) == NULL)
				return EX_OSERR;
			for (j = 0; j < (size_t)cf.maxsize; j++)
				w->buf[j] = (char)(w->rng >> (j % 56));
		}
	}
	/*
	 * A thread a CPU; but up to two workers a CPU get a thread each: two
	 * connections on one thread put the p99 of 4 workers' warm GETs at
	 * 6-10 ms, against 1.9-2.2 ms with a thread each (p50 0.4 ms).
	 */
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	if (ncpu < 1)
		ncpu = 1;
	ld->ndrivers = (int)(cf.numworkers <= 2 * ncpu ? cf.numworkers :
	    ncpu);
	if ((ld->d = calloc((size_t)ld->ndrivers, sizeof(*ld->d))) == NULL ||
	    (ld->hdrs = loader_headers(ld)) == NULL)
		return EX_OSERR;
	ld->per_driver = (int)((cf.numworkers + ld->ndrivers - 1) /
	    ld->ndrivers);
	for (i = 0; i < ld->ndrivers; i++) {
		ld->d[i].ld = ld;
		ld->d[i].id = (int)i;
		if (pthread_create(&ld->d[i].thread, NULL, driver_main,
		    &ld->d[i]) != 0)
			abort();
		thread_name(ld->d[i].thread, "driver", (int)i);
	}
	return 0;
}

/* Have all workers run out of work (epochs, PUT limits)? */
static bool
workers_done(struct loader *ld)
{
	int i;

	for (i = 0; i < ld->ndrivers; i++) {
		if (ld->d[i].joined)
			continue;
		if (pthread_tryjoin_np(ld->d[i].thread, NULL) != 0)
			return false;
		ld->d[i].joined = true;
	}
	return true;
}

int
loader_run(struct loader *ld, struct op_stats *total, double *elapsed)
{
	long long interval = cli_parse_duration(cf.statsinterval), i;
	double t0, last, now, end, done_at = 0;
	struct op_stats st[OP_NKINDS];
	bool ran_out;
	int rc, k;

	for (k = 0; k < OP_NKINDS; k++) {
		memset(&total[k], 0, sizeof(total[k]));
		hist_init(&total[k].lat);
	}
	if ((rc = start_workers(ld)) != 0)
		return rc;
	report_header(ld);
	t0 = last = loader_now();
	for (;;) {
		usleep(50000);
		now = loader_now();
		if ((ran_out = workers_done(ld)) || (ld->duration_ms > 0 &&
		    (now - t0) * 1000 >= ld->duration_ms))
			break;
		if (interval > 0 && (now - last) * 1000 >= interval) {
			report_collect(ld, st, true);
			stats_add(total, st);
			report_lines(ld, st, now - t0, now - last, false);
			last = now;
		}
	}
	end = loader_now();
	atomic_store(&ld->stop, true);
	for (i = 0; i < ld->ndrivers; i++)
		if (!ld->d[i].joined)
			pthread_join(ld->d[i].thread, NULL);
	for (i = 0; i < cf.numworkers; i++)
		if (ld->w[i].done_at > done_at)
			done_at = ld->w[i].done_at;
	/* a run that ran out of work ends with its last worker, not with
	 * the poll that noticed it; one that timed out ends at the stop,
	 * after which no request is counted */
	*elapsed = (ran_out ? done_at : end) - t0;
	report_collect(ld, st, true);
	stats_add(total, st);
	return 0;
}

static void
loader_free(struct loader *ld)
{
	long long i;
	size_t j;

	for (i = 0; ld->w != NULL && i < cf.numworkers; i++) {
		free(ld->w[i].buf);
		pthread_mutex_destroy(&ld->w[i].mu);
	}
	free(ld->w);
	free(ld->d);
	curl_slist_free_all(ld->hdrs);
	sigv4_free(ld->signer);
	for (j = 0; j < ld->nnames; j++)
		free(ld->names[j]);
	free(ld->names);
	for (j = 0; j < ld->nput_names; j++)
		free(ld->put_names[j]);
	free(ld->put_names);
	smap_free(ld->smap);
	pthread_mutex_destroy(&ld->names_mu);
}

/* Checks the flags; returns 0 or an exit status. */
static int
check_conf(struct loader *ld)
{
	const char *norm;

	if (cf.bucket == NULL && cf.urls == NULL) {
		warnx("-bucket is required (or -urls)");
		return EX_USAGE;
	}
	if (cf.bucket == NULL)
		cf.bucket = strdup("urls");
	if (bmd_provider_norm(cf.provider, strlen(cf.provider)) == NULL ||
	    fs_check_bucket(cf.bucket, strlen(cf.bucket)) != AIS_OK) {
		warnx("invalid -bucket or -provider");
		return EX_USAGE;
	}
	norm = bmd_provider_norm(cf.provider, strlen(cf.provider));
	free(cf.provider);
	cf.provider = strdup(norm);
	if ((ld->duration_ms = cli_parse_duration(cf.duration)) < 0 ||
	    cli_parse_duration(cf.statsinterval) < 0) {
		warnx("invalid -duration or -statsinterval");
		return EX_USAGE;
	}
	if (cf.maxsize < cf.minsize || (cf.urls != NULL && cf.pctput > 0) ||
	    (cf.direct && (cf.s3endpoint != NULL || cf.urls != NULL))) {
		warnx("-maxsize below -minsize, or PUTs or -direct with "
		    "-urls/-s3endpoint");
		return EX_USAGE;
	}
	if (ld->duration_ms == 0 && cf.epochs == 0 && cf.pctput < 100 &&
	    cf.urls == NULL) {
		warnx("nothing ends the run: give -duration, -epochs, or PUT "
		    "limits with -pctput 100");
		return EX_USAGE;
	}
	if (cf.seed == 0)
		cf.seed = (long long)time(NULL);
	return 0;
}

/* One run from argv: for the command line and for an agent's job. */
int
loader_main(int argc, char **argv, struct op_stats *total, double *elapsed,
    bool print)
{
	struct loader ld;
	char errbuf[256];
	bool help = false;
	int argind, rc;

	memset(&ld, 0, sizeof(ld));
	pthread_mutex_init(&ld.names_mu, NULL);
	ld.endpoint = cli_endpoint();
	opt_free(options);
	if (opt_defaults(options, errbuf, sizeof(errbuf)) != AIS_OK ||
	    opt_parse_long_only(options, argc, argv, &argind, &help, errbuf,
	    sizeof(errbuf)) != AIS_OK) {
		warnx("%s", errbuf);
		opt_usage_exit(stderr, SYNOPSIS, options, EX_USAGE);
	}
	if (help)
		opt_usage_exit(stdout, SYNOPSIS, options, 0);
	ld.conf = cf;
	if (argind != argc) {
		warnx("unexpected operand '%s'", argv[argind]);
		opt_usage_exit(stderr, SYNOPSIS, options, EX_USAGE);
	}
	if (cf.listen != NULL)
		return agent_serve(&ld, cf.listen);
	if ((rc = check_conf(&ld)) != 0)
		return rc;
	ld.conf = cf;
	if (cf.agents != NULL)
		return agent_coordinate(&ld, argc, argv);
	if ((rc = prepare(&ld)) != 0) {
		loader_free(&ld);
		return rc;
	}
	if (ld.nnames == 0 && cf.pctput == 0) {
		warnx("%s://%s has no objects to GET", cf.provider, cf.bucket);
		loader_free(&ld);
		return EX_NOINPUT;
	}
	ld.total_gets = (uint64_t)cf.epochs * ld.nnames;
	ld.lean = lean_possible(&ld);
	if ((rc = loader_run(&ld, total, elapsed)) == 0 && print)
		report_lines(&ld, total, *elapsed, *elapsed, true);
	if (rc == 0 && cf.cleanup && loader_cleanup(&ld) != 0) {
		warnx("-cleanup: some objects could not be deleted");
		rc = 1;
	}
	loader_free(&ld);
	return rc;
}

int
main(int argc, char **argv)
{
	struct op_stats total[OP_NKINDS];
	double elapsed = 0;
	int rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = loader_main(argc, argv, total, &elapsed, true);
	opt_free(options);
	curl_global_cleanup();
	return rc;
}
