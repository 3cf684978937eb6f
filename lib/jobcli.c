/*
 * jobcli.c: the client side of jobs (see jobcli.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "clock.h"
#include "jobcli.h"

#define JOBCLI_TIMEOUT_MS	60000	/* a start may add a bucket first */
#define BAR_WIDTH		24

/* A string member, "" when missing. */
static const char *
str(const json_t *job, const char *key)
{
	const char *s = json_string_value(json_object_get(job, key));

	return s != NULL ? s : "";
}

/* ---- the control endpoint ---- */

static bool
same_url(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	while (la > 0 && a[la - 1] == '/')
		la--;
	while (lb > 0 && b[lb - 1] == '/')
		lb--;
	return la == lb && strncmp(a, b, la) == 0;
}

/* The control URL of the proxy at the endpoint (or of the primary). */
static ais_err
discover(struct jobcli *jc, struct client *http)
{
	struct client_req req = { .method = "GET",
	    .path = "/v1/cluster?what=smap" };
	const char *primary, *url = NULL, *ep = cli_endpoint();
	struct client_resp r;
	json_t *sm, *n;
	size_t i;
	ais_err e;

	if ((e = client_do(http, &req, &r)) != AIS_OK || r.status != 200) {
		snprintf(jc->err, sizeof(jc->err), "%s", client_error(http));
		if (e == AIS_OK)
			e = client_status_err(r.status);
		client_resp_free(&r);
		return e;
	}
	sm = json_loadb(r.body, r.body_len, 0, NULL);
	client_resp_free(&r);
	primary = str(sm, "primary");
	json_array_foreach(json_object_get(sm, "proxies"), i, n)
		if (same_url(str(n, "url"), ep) || (url == NULL &&
		    strcmp(primary, str(n, "id")) == 0))
			url = json_string_value(json_object_get(n,
			    "control_url"));
	if (url == NULL || strlcpy(jc->url, url, sizeof(jc->url)) >=
	    sizeof(jc->url)) {
		snprintf(jc->err, sizeof(jc->err), "%s: the cluster map names "
		    "no control URL", ep);
		json_decref(sm);
		return AIS_EPROTO;
	}
	json_decref(sm);
	return AIS_OK;
}

ais_err
jobcli_open(struct jobcli *jc, struct client *http)
{
	const char *env = getenv("AIS_CONTROL");
	ais_err e;

	memset(jc, 0, sizeof(*jc));
	if (env != NULL && *env != '\0')
		strlcpy(jc->url, env, sizeof(jc->url));
	else if ((e = discover(jc, http)) != AIS_OK)
		return e;
	if ((e = ctl_client_new(&jc->cc)) != AIS_OK)
		snprintf(jc->err, sizeof(jc->err), "%s", ais_strerror(e));
	return e;
}

void
jobcli_close(struct jobcli *jc)
{
	if (jc->cc != NULL)
		ctl_client_free(jc->cc);
	jc->cc = NULL;
	ctl_fini();
}

ais_err
jobcli_call(struct jobcli *jc, json_t *req, json_t **reply)
{
	const char *msg;
	ais_err e;
	int status;

	*reply = NULL;
	if ((e = ctl_call(jc->cc, jc->url, req, JOBCLI_TIMEOUT_MS, reply)) !=
	    AIS_OK) {
		snprintf(jc->err, sizeof(jc->err), "%s: %s", jc->url,
		    ais_strerror(e));
		return e;
	}
	if ((status = ctl_reply_status(*reply)) == 200)
		return AIS_OK;
	msg = json_string_value(json_object_get(*reply, "message"));
	snprintf(jc->err, sizeof(jc->err), "%s", msg ? msg : "error");
	json_decref(*reply);
	*reply = NULL;
	return client_status_err(status);
}

/* ---- selections ---- */

static json_t *
read_names(const char *path, bool *missing, char *errbuf, size_t errlen)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	json_t *names;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (f == NULL) {
		*missing = true;
		snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	names = json_array();
	while ((n = getline(&line, &cap, f)) > 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n > 0 && line[0] != '#')
			json_array_append_new(names, json_stringn(line,
			    (size_t)n));
	}
	free(line);
	if (f != stdin)
		fclose(f);
	if (json_array_size(names) == 0) {
		snprintf(errbuf, errlen, "%s: no object names", path);
		json_decref(names);
		return NULL;
	}
	return names;
}

json_t *
jobcli_selection(int n, char *const *operands, const char *list,
    const char *prefix, bool *missing, char *errbuf, size_t errlen)
{
	json_t *names;
	int i;

	*missing = false;
	if ((n > 0) + (list != NULL) + (prefix != NULL) > 1) {
		snprintf(errbuf, errlen, "give names or a template, --list, or "
		    "--prefix: one of them");
		return NULL;
	}
	if (list != NULL)
		return (names = read_names(list, missing, errbuf, errlen)) ?
		    json_pack("{s:o}", "names", names) : NULL;
	if (prefix != NULL)
		return json_pack("{s:s}", "prefix", prefix);
	if (n == 0)
		return json_pack("{s:s}", "prefix", "");
	if (n == 1 && strchr(operands[0], '{') != NULL)
		return json_pack("{s:s}", "template", operands[0]);
	names = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(names, json_string(operands[i]));
	return json_pack("{s:o}", "names", names);
}

/* ---- following a job ---- */

static bool
running(const json_t *job)
{
	const char *s = json_string_value(json_object_get(job, "state"));

	return s != NULL && strcmp(s, "running") == 0;
}

ais_err
jobcli_wait(struct jobcli *jc, const char *id, long long timeout_ms,
    long long interval_ms, void (*tick)(const json_t *, void *), void *arg,
    json_t **job)
{
	json_t *req = json_pack("{s:s, s:s}", "op", "job_status", "id", id);
	long long deadline = mono_ms() + timeout_ms, left;
	long long pause_ms = interval_ms < 10 ? interval_ms : 10;
	json_t *reply;
	ais_err e;

	*job = NULL;
	for (;;) {
		if ((e = jobcli_call(jc, req, &reply)) != AIS_OK)
			break;
		json_decref(*job);
		*job = json_incref(json_object_get(reply, "job"));
		json_decref(reply);
		if (tick != NULL)
			tick(*job, arg);
		if (!running(*job))
			break;
		left = deadline - mono_ms();
		if (timeout_ms > 0 && left <= 0) {
			snprintf(jc->err, sizeof(jc->err), "job %s still "
			    "running after the timeout", id);
			e = AIS_ETIMEDOUT;
			break;
		}
		usleep((useconds_t)(timeout_ms > 0 && left < pause_ms ?
		    left : pause_ms) * 1000);
		/* a short job ends within ms of its end, a long one costs a
		 * status call per interval: 10 ms, doubling up to interval */
		pause_ms = pause_ms * 2 < interval_ms ? pause_ms * 2 :
		    interval_ms;
	}
	json_decref(req);
	return e;
}

/* ---- printing ---- */

static long long
num(const json_t *job, const char *key)
{
	return (long long)json_integer_value(json_object_get(job, key));
}

static bool
is_evict(const json_t *job)
{
	return strcmp(str(job, "kind"), "evict") == 0;
}

/* Seconds since the job started, or its whole run once ended. */
static double
elapsed_s(const json_t *job)
{
	struct timespec now;
	long long end;

	clock_gettime(CLOCK_REALTIME, &now);
	end = num(job, "ended") > 0 ? num(job, "ended") :
	    (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;

	return num(job, "started") > 0 && end > num(job, "started") ?
	    (double)(end - num(job, "started")) / 1000 : 0;
}

/* "1234/2000" or "1234/?" while a prefix is being listed. */
static void
fmt_count(char *buf, size_t len, const json_t *job)
{
	if (json_is_true(json_object_get(job, "total_known")))
		snprintf(buf, len, "%lld/%lld", num(job, "objects_done"),
		    num(job, "objects_total"));
	else
		snprintf(buf, len, "%lld/%lld+", num(job, "objects_done"),
		    num(job, "objects_total"));
}

static void
fmt_eta(char *buf, size_t len, const json_t *job)
{
	double t = elapsed_s(job), done = (double)num(job, "objects_done");
	long long left;

	if (!json_is_true(json_object_get(job, "total_known")) || done <= 0 ||
	    t <= 0) {
		snprintf(buf, len, "--:--");
		return;
	}
	left = (long long)((double)(num(job, "objects_total") - num(job,
	    "objects_done")) * t / done);
	snprintf(buf, len, "%lld:%02lld", left / 60, left % 60);
}

void
jobcli_progress(FILE *f, const char *prog, const json_t *job, bool tty)
{
	char count[48], bytes[16], rate[16], eta[24], bar[BAR_WIDTH + 1];
	long long total = num(job, "objects_total");
	double t = elapsed_s(job);
	int i, fill = 0;

	fmt_count(count, sizeof(count), job);
	cli_human_size(num(job, "bytes"), bytes, sizeof(bytes));
	cli_human_size(t > 0 ? (int64_t)((double)num(job, "bytes") / t) : 0,
	    rate, sizeof(rate));
	fmt_eta(eta, sizeof(eta), job);
	if (!tty) {
		fprintf(f, "%s: %s %s: %s objects, %lld failed, %s, %s/s, "
		    "ETA %s\n", prog, str(job, "id"), str(job, "state"), count,
		    num(job, "objects_failed"), bytes, rate, eta);
		fflush(f);
		return;
	}
	if (total > 0)
		fill = (int)(num(job, "objects_done") * BAR_WIDTH / total);
	for (i = 0; i < BAR_WIDTH; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[BAR_WIDTH] = '\0';
	fprintf(f, "\r%s %s [%s] %s objects  %s  %s/s  ETA %s\033[K",
	    str(job, "kind"), str(job, "id"), bar, count, bytes, rate, eta);
	if (!running(job))
		fputc('\n', f);
	fflush(f);
}

void
jobcli_summary(FILE *f, const char *prog, const json_t *job)
{
	char bytes[16];

	cli_human_size(num(job, "bytes"), bytes, sizeof(bytes));
	fprintf(f, "%s: %s %s: %lld objects (%lld %s, %lld %s, %lld failed), "
	    "%s in %.1fs\n", prog, str(job, "id"), str(job, "state"),
	    num(job, "objects_done"), num(job, "objects_changed"),
	    is_evict(job) ? "evicted" : "fetched", num(job, "objects_skipped"),
	    is_evict(job) ? "not cached" : "cached", num(job,
	    "objects_failed"), bytes, elapsed_s(job));
}

bool
jobcli_report(FILE *f, const char *prog, const json_t *job)
{
	const char *bucket = str(job, "bucket");
	long long listed = 0;
	json_t *e;
	size_t i;

	json_array_foreach(json_object_get(job, "errors"), i, e) {
		fprintf(f, "%s: %s/%s: %s\n", prog, bucket, str(e, "object"),
		    str(e, "message"));
		listed++;
	}
	if (num(job, "objects_failed") > listed)
		fprintf(f, "%s: and %lld more failed objects\n", prog,
		    num(job, "objects_failed") - listed);
	json_array_foreach(json_object_get(job, "lost"), i, e)
		fprintf(f, "%s: target %s lost job %s (restarted?): its "
		    "objects were not all done; run the job again\n", prog,
		    json_string_value(e), str(job, "id"));
	return strcmp(str(job, "state"), "finished") == 0 &&
	    num(job, "objects_failed") == 0;
}

static void
fmt_time(char *buf, size_t len, long long ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (ms <= 0) {
		snprintf(buf, len, "-");
		return;
	}
	localtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
}

void
jobcli_table(FILE *f, const json_t *jobs)
{
	char count[48], failed[24], bytes[16], started[32];
	struct table *t = table_new(8, "ID", "KIND", "BUCKET", "STATE",
	    "OBJECTS", "FAILED", "BYTES", "STARTED");
	json_t *j;
	size_t i;

	json_array_foreach(jobs, i, j) {
		fmt_count(count, sizeof(count), j);
		snprintf(failed, sizeof(failed), "%lld", num(j,
		    "objects_failed"));
		cli_human_size(num(j, "bytes"), bytes, sizeof(bytes));
		fmt_time(started, sizeof(started), num(j, "started"));
		table_add(t, str(j, "id"), str(j, "kind"), str(j, "bucket"),
		    str(j, "state"), count, failed, bytes, started);
	}
	table_print(t, f);
	table_free(t);
}

void
jobcli_show(FILE *f, const json_t *job)
{
	char count[48], bytes[16], started[32], ended[32], done[24];
	char failed[24];
	struct table *t;
	json_t *p;
	size_t i;

	fmt_count(count, sizeof(count), job);
	cli_human_size(num(job, "bytes"), bytes, sizeof(bytes));
	fmt_time(started, sizeof(started), num(job, "started"));
	fmt_time(ended, sizeof(ended), num(job, "ended"));
	fprintf(f, "id\t%s\nkind\t%s\nbucket\t%s\nstate\t%s\nobjects\t%s\n"
	    "%s\t%lld\n%s\t%lld\nfailed\t%lld\nbytes\t%s\nstarted\t%s\n"
	    "ended\t%s\n\n", str(job, "id"), str(job, "kind"),
	    str(job, "bucket"), str(job, "state"), count,
	    is_evict(job) ? "evicted" : "fetched", num(job, "objects_changed"),
	    is_evict(job) ? "not cached" : "cached",
	    num(job, "objects_skipped"), num(job, "objects_failed"), bytes,
	    started, ended);
	t = table_new(5, "TARGET", "STATE", "OBJECTS", "FAILED", "BYTES");
	json_array_foreach(json_object_get(job, "parts"), i, p) {
		snprintf(done, sizeof(done), "%lld/%lld", num(p,
		    "objects_done"), num(p, "objects_total"));
		snprintf(failed, sizeof(failed), "%lld", num(p,
		    "objects_failed"));
		cli_human_size(num(p, "bytes"), bytes, sizeof(bytes));
		table_add(t, str(p, "target"), str(p, "state"), done, failed,
		    bytes);
	}
	json_array_foreach(json_object_get(job, "lost"), i, p)
		table_add(t, json_string_value(p), "lost", "-", "-", "-");
	table_print(t, f);
	table_free(t);
}
