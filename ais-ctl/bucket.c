/*
 * bucket.c: "bucket create|ls|rm".
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "ctl.h"

static struct {
	bool	 json;
	char	*checksum;
	char	*backend_url;
	bool	 validate_cold_get;
	bool	 validate_warm_get;
} o;

static const struct opt create_opts[] = {
	{ "checksum", 'c', OPT_STR, &o.checksum, "TYPE", "xxhash",
	    "checksum of the bucket's objects: xxhash, md5, sha256, none",
	    0, 0, true },
	{ "backend-url", 'u', OPT_STR, &o.backend_url, "URL", "",
	    "ht:// origin URL, or the S3 endpoint of this s3:// bucket", 0, 0,
	    true },
	{ "validate-cold-get", 0, OPT_FLAG, &o.validate_cold_get, NULL, NULL,
	    "check the backend's MD5 of each object fetched", 0, 0, true },
	{ "validate-warm-get", 0, OPT_FLAG, &o.validate_warm_get, NULL, NULL,
	    "ask the backend whether a cached object changed on every GET",
	    0, 0, true },
	{ NULL, 0, 0, NULL, NULL, NULL, NULL, 0, 0, false },
};

static const struct opt ls_opts[] = {
	{ "json", 'j', OPT_FLAG, &o.json, NULL, NULL, "print JSON", 0, 0,
	    true },
	{ NULL, 0, 0, NULL, NULL, NULL, NULL, 0, 0, false },
};

static const struct opt rm_opts[] = {
	{ NULL, 0, 0, NULL, NULL, NULL, NULL, 0, 0, false },
};

/* Runs fn on each bucket operand; returns the last failure's status. */
static int
each_bucket(int argc, char **argv, int argind, const char *synopsis,
    int (*fn)(const struct cli_uri *))
{
	struct cli_uri u;
	int i, rc = 0, r;

	if (argind == argc) {
		warnx("%s: no bucket given", argv[0]);
		fprintf(stderr, "usage: %s %s %s\n", getprogname(), argv[0],
		    synopsis);
		return EX_USAGE;
	}
	for (i = argind; i < argc; i++) {
		if (cli_parse_uri(argv[i], &u) != AIS_OK ||
		    u.object[0] != '\0') {
			warnx("%s: not a bucket (ais://name)", argv[i]);
			rc = EX_USAGE;
			continue;
		}
		if ((r = fn(&u)) != 0)
			rc = r;
	}
	return rc;
}

static int
create_one(const struct cli_uri *u)
{
	char path[256], *body;
	json_t *reply, *req;
	int rc;

	snprintf(path, sizeof(path), "/v1/buckets/%s?provider=%s", u->bucket,
	    u->provider);
	req = json_pack("{s:s, s:{s:{s:s, s:b}, s:{s:b}, s:s}}", "action",
	    "create-bck", "value", "checksum", "type", o.checksum,
	    "validate_cold_get", o.validate_cold_get, "versioning",
	    "validate_warm_get", o.validate_warm_get, "backend_url",
	    o.backend_url);
	body = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	rc = api_json("POST", path, body, &reply);
	free(body);
	json_decref(reply);
	return rc;
}

#define CREATE_SYNOPSIS "[-c TYPE] [-u URL] [--validate-cold-get] " \
	"[--validate-warm-get] ais://bucket|s3://bucket|ht://bucket ..."

int
cmd_bucket_create(int argc, char **argv)
{
	int argind;

	parse_cmd(create_opts, argc, argv, CREATE_SYNOPSIS, &argind);
	return each_bucket(argc, argv, argind, CREATE_SYNOPSIS, create_one);
}

static int
evict_one(const struct cli_uri *u)
{
	char path[256];
	json_t *reply;
	int rc;

	snprintf(path, sizeof(path), "/v1/buckets/%s?provider=%s", u->bucket,
	    u->provider);
	rc = api_json("DELETE", path, "{\"action\":\"evict-remote-bck\"}",
	    &reply);
	json_decref(reply);
	return rc;
}

int
cmd_bucket_evict(int argc, char **argv)
{
	int argind;

	parse_cmd(rm_opts, argc, argv, "s3://bucket ...", &argind);
	return each_bucket(argc, argv, argind, "s3://bucket ...", evict_one);
}

static int
rm_one(const struct cli_uri *u)
{
	char path[256];
	json_t *reply;
	int rc;

	snprintf(path, sizeof(path), "/v1/buckets/%s?provider=%s", u->bucket,
	    u->provider);
	rc = api_json("DELETE", path, "{\"action\":\"destroy-bck\"}", &reply);
	json_decref(reply);
	return rc;
}

int
cmd_bucket_rm(int argc, char **argv)
{
	int argind;

	parse_cmd(rm_opts, argc, argv, "ais://bucket ...", &argind);
	return each_bucket(argc, argv, argind, "ais://bucket ...", rm_one);
}

int
cmd_bucket_ls(int argc, char **argv)
{
	char created[32], name[128];
	json_t *list, *b;
	struct table *t;
	struct tm tm;
	time_t when;
	int argind, rc;
	size_t i;

	parse_cmd(ls_opts, argc, argv, "[--json]", &argind);
	if ((rc = api_json("GET", "/v1/buckets", NULL, &list)) != 0)
		return rc;
	if (o.json) {
		print_json(list);
		json_decref(list);
		return 0;
	}
	t = table_new(4, "NAME", "CHECKSUM", "CREATED", "BACKEND");
	json_array_foreach(list, i, b) {
		snprintf(name, sizeof(name), "%s://%s",
		    strcmp(json_string_value(json_object_get(b, "provider")),
		    "aws") == 0 ? "s3" : json_string_value(json_object_get(b,
		    "provider")), json_string_value(json_object_get(b,
		    "name")));
		when = (time_t)json_integer_value(json_object_get(b,
		    "created"));
		gmtime_r(&when, &tm);
		strftime(created, sizeof(created), "%Y-%m-%d %H:%M:%SZ", &tm);
		table_add(t, name, json_string_value(json_object_get(b,
		    "checksum")), created, json_string_value(json_object_get(b,
		    "backend_url")));
	}
	table_print(t, stdout);
	table_free(t);
	json_decref(list);
	return 0;
}
