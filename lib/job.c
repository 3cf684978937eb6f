/*
 * job.c: job names, ids, selections and the sum of a job's parts (see
 * job.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fs.h"
#include "job.h"
#include "template.h"

static const char *const kind_names[] = { "prefetch", "evict" };
static const char *const state_names[] = { "running", "finished",
    "aborted" };

const char *
job_kind_name(enum job_kind k)
{
	return kind_names[k];
}

ais_err
job_kind_parse(const char *s, enum job_kind *k)
{
	size_t i;

	for (i = 0; i < sizeof(kind_names) / sizeof(kind_names[0]); i++)
		if (s != NULL && strcmp(s, kind_names[i]) == 0) {
			*k = (enum job_kind)i;
			return AIS_OK;
		}
	return AIS_EINVAL;
}

const char *
job_state_name(enum job_state s)
{
	return state_names[s];
}

void
job_new_id(char id[JOB_ID_MAX])
{
	static const char abc[] = "abcdefghijkmnopqrstuvwxyz"
	    "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	int i;

	id[0] = 'j';
	for (i = 1; i < 10; i++)
		id[i] = abc[arc4random_uniform(sizeof(abc) - 1)];
	id[10] = '\0';
}

long long
job_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static ais_err
check_names(const json_t *names, char *errbuf, size_t errlen)
{
	const char *s;
	json_t *n;
	size_t i;

	if (!json_is_array(names) || json_array_size(names) == 0) {
		snprintf(errbuf, errlen, "the list of names is empty");
		return AIS_EINVAL;
	}
	json_array_foreach(names, i, n) {
		if ((s = json_string_value(n)) == NULL ||
		    fs_check_object(s, json_string_length(n)) != AIS_OK) {
			snprintf(errbuf, errlen, "bad object name '%.64s'",
			    s != NULL ? s : "(not a string)");
			return AIS_EINVAL;
		}
	}
	return AIS_OK;
}

/*
 * Only the digits of a template's names vary, and a digit neither makes
 * nor breaks a "." or ".." segment: if the first and the last (longest)
 * names are good, all are.
 */
static ais_err
template_names_check(const struct template *t)
{
	char name[FS_OBJNAME_MAX + 1];
	uint64_t ends[2] = { 0, t->count - 1 };
	int i;

	for (i = 0; i < 2; i++)
		if (template_name(t, ends[i], name, sizeof(name)) != AIS_OK ||
		    fs_check_object(name, strlen(name)) != AIS_OK)
			return AIS_EINVAL;
	return AIS_OK;
}

ais_err
job_selection_check(const json_t *sel, char *errbuf, size_t errlen)
{
	json_t *names = json_object_get(sel, "names");
	json_t *tmpl = json_object_get(sel, "template");
	json_t *prefix = json_object_get(sel, "prefix");
	struct template t;
	ais_err e;

	if (!json_is_object(sel) || (names != NULL) + (tmpl != NULL) +
	    (prefix != NULL) != 1) {
		snprintf(errbuf, errlen, "a selection is one of names, "
		    "template or prefix");
		return AIS_EINVAL;
	}
	if (names != NULL)
		return check_names(names, errbuf, errlen);
	if (prefix != NULL) {
		if (!json_is_string(prefix) || json_string_length(prefix) >
		    FS_OBJNAME_MAX) {
			snprintf(errbuf, errlen, "bad prefix");
			return AIS_EINVAL;
		}
		return AIS_OK;
	}
	if (!json_is_string(tmpl) || template_parse(&t,
	    json_string_value(tmpl)) != AIS_OK) {
		snprintf(errbuf, errlen, "bad template '%.64s': ranges are "
		    "{START..END} or {START..END..STEP}",
		    json_is_string(tmpl) ? json_string_value(tmpl) : "");
		return AIS_EINVAL;
	}
	e = template_names_check(&t);
	template_free(&t);
	if (e != AIS_OK)
		snprintf(errbuf, errlen, "template '%.64s' makes bad object "
		    "names ('..', empty segments, or too long)",
		    json_string_value(tmpl));
	return e;
}

/* ---- the sum of the parts ---- */

static const char *const summed[] = { "objects_total", "objects_done",
    "objects_changed", "objects_skipped", "objects_failed", "bytes",
    "bytes_total" };
#define NSUMMED (sizeof(summed) / sizeof(summed[0]))

static bool
has_part(json_t *const *parts, size_t n, const char *target)
{
	const char *t;
	size_t i;

	for (i = 0; i < n; i++)
		if ((t = json_string_value(json_object_get(parts[i],
		    "target"))) != NULL && strcmp(t, target) == 0)
			return true;
	return false;
}

static json_t *
part_line(const json_t *p)
{
	return json_pack("{s:O, s:O, s:O, s:O, s:O, s:O}", "target",
	    json_object_get(p, "target"), "state", json_object_get(p, "state"),
	    "objects_done", json_object_get(p, "objects_done"),
	    "objects_total", json_object_get(p, "objects_total"),
	    "objects_failed", json_object_get(p, "objects_failed"), "bytes",
	    json_object_get(p, "bytes"));
}

/* Adds the per-target counters and times of part p into a. */
static void
add_part(json_t *a, const json_t *p, long long *sums, bool *known,
    bool *bytes_known, long long *started, long long *ended)
{
	long long s = json_integer_value(json_object_get(p, "started"));
	long long e = json_integer_value(json_object_get(p, "ended"));
	json_t *errs = json_object_get(a, "errors"), *err;
	size_t k;

	for (k = 0; k < NSUMMED; k++)
		sums[k] += json_integer_value(json_object_get(p, summed[k]));
	*known = *known && json_is_true(json_object_get(p, "total_known"));
	*bytes_known = *bytes_known && json_integer_value(json_object_get(p,
	    "bytes_total")) >= 0;
	if (s > 0 && (*started == 0 || s < *started))
		*started = s;
	if (e > *ended)
		*ended = e;
	json_array_foreach(json_object_get(p, "errors"), k, err)
		json_array_append(errs, err);
}

json_t *
job_aggregate(json_t *const *parts, size_t n)
{
	long long sums[NSUMMED] = { 0 }, started = 0, ended = 0;
	bool known = true, bytes_known = true, running = false;
	bool aborted = false;
	json_t *a, *lines = json_array(), *lost = json_array(), *t;
	const char *state;
	size_t i, k;

	a = json_pack("{s:O, s:O, s:O, s:O, s:[]}", "id",
	    json_object_get(parts[0], "id"), "kind", json_object_get(parts[0],
	    "kind"), "bucket", json_object_get(parts[0], "bucket"), "targets",
	    json_object_get(parts[0], "targets"), "errors");
	for (i = 0; i < n; i++) {
		add_part(a, parts[i], sums, &known, &bytes_known, &started,
		    &ended);
		state = json_string_value(json_object_get(parts[i], "state"));
		running = running || (state && strcmp(state, "running") == 0);
		aborted = aborted || (state && strcmp(state, "aborted") == 0);
		json_array_append_new(lines, part_line(parts[i]));
	}
	json_array_foreach(json_object_get(parts[0], "targets"), k, t)
		if (json_is_string(t) && !has_part(parts, n,
		    json_string_value(t)))
			json_array_append(lost, t);
	aborted = aborted || json_array_size(lost) > 0;
	for (k = 0; k < NSUMMED; k++)
		json_object_set_new(a, summed[k], json_integer(sums[k]));
	if (!bytes_known)
		json_object_set_new(a, "bytes_total", json_integer(-1));
	json_object_set_new(a, "total_known", json_boolean(known));
	json_object_set_new(a, "state", json_string(running ? "running" :
	    aborted ? "aborted" : "finished"));
	json_object_set_new(a, "started", json_integer(started));
	json_object_set_new(a, "ended", json_integer(running ? 0 : ended));
	json_object_set_new(a, "parts", lines);
	json_object_set_new(a, "lost", lost);
	return a;
}
