/*
 * object.c: "object put|get|head|ls|rm".
 */
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "ctl.h"

static struct {
	bool		 json;
	bool		 cached;
	char		*prefix;
	long long	 limit;
	long long	 page_size;
} o;

static const struct opt no_opts[] = {
	{ NULL, 0, 0, NULL, NULL, NULL, NULL, 0, 0, false },
};

static const struct opt head_opts[] = {
	{ "json", 'j', OPT_FLAG, &o.json, NULL, NULL, "print JSON", 0, 0,
	    true },
	{ NULL, 0, 0, NULL, NULL, NULL, NULL, 0, 0, false },
};

static const struct opt ls_opts[] = {
	{ "json", 'j', OPT_FLAG, &o.json, NULL, NULL, "print JSON", 0, 0,
	    true },
	{ "prefix", 'p', OPT_STR, &o.prefix, "PREFIX", "",
	    "only names that start with PREFIX", 0, 0, true },
	{ "limit", 'n', OPT_INT, &o.limit, "N", "0",
	    "list at most N objects (0: all)", 0, 1LL << 40, true },
	{ "page-size", 0, OPT_INT, &o.page_size, "N", "1000",
	    "objects per request", 1, 10000, true },
	{ "cached", 'c', OPT_FLAG, &o.cached, NULL, NULL,
	    "remote bucket: only the objects the cluster holds", 0, 0, true },
	{ NULL, 0, 0, NULL, NULL, NULL, NULL, 0, 0, false },
};

/* Parses an operand that must name an object. */
static int
object_uri(const char *arg, struct cli_uri *u)
{
	if (cli_parse_uri(arg, u) != AIS_OK || u->object[0] == '\0') {
		warnx("%s: not an object (ais://bucket/object)", arg);
		return EX_USAGE;
	}
	return 0;
}

/* Reports a failed request on an object; returns the exit status. */
static int
object_fail(const struct cli_uri *u, ais_err e)
{
	char name[FS_OBJNAME_MAX + 64];

	cli_uri_format(u, name, sizeof(name));
	warnx("%s: %s", name, e == AIS_ENOENT ? "not found" :
	    client_error(api));
	return cli_exit_code(e);
}

static int
object_request(const struct cli_uri *u, struct client_req *req,
    struct client_resp *r)
{
	char *path = cli_object_path(u);
	ais_err e;

	if (path == NULL)
		return EX_OSERR;
	req->path = path;
	req->follow = true;
	e = client_do(api, req, r);
	free(path);
	if (e == AIS_OK && r->status >= 400) {
		e = client_status_err(r->status);
		client_resp_free(r);
	}
	return e == AIS_OK ? 0 : object_fail(u, e);
}

int
cmd_object_put(int argc, char **argv)
{
	struct client_req req = { .method = "PUT", .upload_size = -1 };
	struct client_resp r;
	struct cli_uri u;
	struct stat st;
	int argind, rc;
	FILE *f = stdin;

	parse_cmd(no_opts, argc, argv, "FILE|- ais://bucket/object", &argind);
	if (argc - argind != 2) {
		fprintf(stderr, "usage: %s object put FILE|- "
		    "ais://bucket/object\n", getprogname());
		return EX_USAGE;
	}
	if ((rc = object_uri(argv[argind + 1], &u)) != 0)
		return rc;
	if (strcmp(argv[argind], "-") != 0 &&
	    (f = fopen(argv[argind], "r")) == NULL) {
		warn("%s", argv[argind]);
		return EX_NOINPUT;
	}
	if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode))
		req.upload_size = st.st_size;
	req.upload = f;
	if ((rc = object_request(&u, &req, &r)) == 0)
		client_resp_free(&r);
	if (f != stdin)
		fclose(f);
	return rc;
}

static int
write_out(void *arg, const char *buf, size_t len)
{
	return fwrite(buf, 1, len, arg) == len ? 0 : -1;
}

int
cmd_object_get(int argc, char **argv)
{
	struct client_req req = { .method = "GET", .sink = write_out };
	struct client_resp r;
	const char *out = NULL;
	struct cli_uri u;
	int argind, rc;
	FILE *f = stdout;

	parse_cmd(no_opts, argc, argv, "ais://bucket/object [FILE|-]",
	    &argind);
	if (argc - argind < 1 || argc - argind > 2) {
		fprintf(stderr, "usage: %s object get ais://bucket/object "
		    "[FILE|-]\n", getprogname());
		return EX_USAGE;
	}
	if ((rc = object_uri(argv[argind], &u)) != 0)
		return rc;
	if (argc - argind == 2 && strcmp(argv[argind + 1], "-") != 0 &&
	    (f = fopen(out = argv[argind + 1], "w")) == NULL) {
		warn("%s", out);
		return EX_CANTCREAT;
	}
	req.sink_arg = f;
	if ((rc = object_request(&u, &req, &r)) == 0)
		client_resp_free(&r);
	if (f != stdout && fclose(f) != 0 && rc == 0) {
		warn("%s", out);
		rc = EX_IOERR;
	}
	if (rc != 0 && out != NULL)
		unlink(out);
	return rc;
}

int
cmd_object_head(int argc, char **argv)
{
	static const char *hdrs[] = { "Content-Length", "Ais-Checksum-Type",
	    "Ais-Checksum-Value", "Ais-Version", "Ais-Atime", "Last-Modified",
	    "ETag", "Ais-Custom-Md" };
	static const char *keys[] = { "size", "checksum_type",
	    "checksum_value", "version", "atime", "last_modified", "etag",
	    "custom" };
	struct client_req req = { .method = "HEAD" };
	struct client_resp r;
	char val[4096], name[FS_OBJNAME_MAX + 64];
	struct cli_uri u;
	struct table *t;
	int argind, rc;
	json_t *j;
	size_t i;

	parse_cmd(head_opts, argc, argv, "[--json] ais://bucket/object",
	    &argind);
	if (argc - argind != 1)
		return fprintf(stderr, "usage: %s object head [--json] "
		    "ais://bucket/object\n", getprogname()), EX_USAGE;
	if ((rc = object_uri(argv[argind], &u)) != 0 ||
	    (rc = object_request(&u, &req, &r)) != 0)
		return rc;
	cli_uri_format(&u, name, sizeof(name));
	j = json_pack("{s:s}", "name", name);
	t = table_new(2, "PROPERTY", "VALUE");
	table_add(t, "name", name);
	for (i = 0; i < sizeof(hdrs) / sizeof(hdrs[0]); i++) {
		if (client_resp_header(&r, hdrs[i], val, sizeof(val)) == NULL)
			continue;
		table_add(t, keys[i], val);
		if (i == 0)
			json_object_set_new(j, keys[i], json_integer(strtoll(
			    val, NULL, 10)));
		else
			json_object_set_new(j, keys[i], json_string(val));
	}
	if (o.json)
		print_json(j);
	else
		table_print(t, stdout);
	table_free(t);
	json_decref(j);
	client_resp_free(&r);
	return 0;
}

/* Prints one page; returns how many entries it had. */
static size_t
ls_page(json_t *entries, json_t *all, struct table *t, long long *left,
    bool remote)
{
	const char *cksum;
	char size[32];
	json_t *e;
	size_t i, n = 0;

	json_array_foreach(entries, i, e) {
		if (*left == 0)
			break;
		if (*left > 0)
			(*left)--;
		n++;
		if (all != NULL) {
			json_array_append(all, e);
			continue;
		}
		cli_human_size(strtoll(json_string_value(json_object_get(e,
		    "size")), NULL, 10), size, sizeof(size));
		cksum = json_string_value(json_object_get(e, "checksum"));
		if (cksum == NULL)	/* a backend's listing has the ETag */
			cksum = json_string_value(json_object_get(e, "etag"));
		/* a fifth cell is read only by a five-column table */
		table_add(t, json_string_value(json_object_get(e, "name")),
		    size, cksum, json_string_value(json_object_get(e,
		    "version")), !remote ? NULL : json_integer_value(
		    json_object_get(e, "flags")) & 64 ? "yes" : "no");
	}
	return n;
}

int
cmd_object_ls(int argc, char **argv)
{
	char *token = strdup(""), *prefix, *path, *etok;
	long long left;
	struct cli_uri u;
	struct table *t;
	json_t *page, *all = NULL;
	int argind, rc = 0;
	bool remote;

	parse_cmd(ls_opts, argc, argv, "[--json] [--prefix P] [--limit N] "
	    "[--page-size N] ais://bucket", &argind);
	if (argc - argind != 1 || cli_parse_uri(argv[argind], &u) != AIS_OK ||
	    u.object[0] != '\0') {
		fprintf(stderr, "usage: %s object ls [--json] [--prefix P] "
		    "[--limit N] ais://bucket\n", getprogname());
		free(token);
		return EX_USAGE;
	}
	left = o.limit > 0 ? o.limit : -1;
	prefix = client_escape(o.prefix);
	remote = strcmp(u.provider, "ais") != 0;
	t = remote ? table_new(5, "NAME", "SIZE", "CHECKSUM", "VERSION",
	    "CACHED") : table_new(4, "NAME", "SIZE", "CHECKSUM", "VERSION");
	if (o.json)
		all = json_array();
	do {
		etok = client_escape(token);
		if (asprintf(&path, "/v1/buckets/%s?provider=%s&prefix=%s&"
		    "pagesize=%lld&continuation_token=%s%s", u.bucket,
		    u.provider, prefix, o.page_size, etok, o.cached ?
		    "&cached=true" : "") < 0)
			path = NULL;
		free(etok);
		rc = path == NULL ? EX_OSERR : api_json("GET", path, NULL,
		    &page);
		free(path);
		if (rc != 0)
			break;
		ls_page(json_object_get(page, "entries"), all, t, &left,
		    remote);
		free(token);
		etok = (char *)json_string_value(json_object_get(page,
		    "continuation_token"));
		token = strdup(etok != NULL ? etok : "");
		json_decref(page);
	} while (token != NULL && *token != '\0' && left != 0);
	if (rc == 0 && all != NULL)
		print_json(all);
	else if (rc == 0)
		table_print(t, stdout);
	json_decref(all);
	table_free(t);
	free(prefix);
	free(token);
	return rc;
}

/* Like object_request, with "&evict=true" on the path. */
static int
evict_request(const struct cli_uri *u)
{
	struct client_req req = { .method = "DELETE", .follow = true };
	struct client_resp r;
	char *base = cli_object_path(u), *path = NULL;
	ais_err e;

	if (base == NULL || asprintf(&path, "%s&evict=true", base) < 0) {
		free(base);
		return EX_OSERR;
	}
	free(base);
	req.path = path;
	if ((e = client_do(api, &req, &r)) == AIS_OK && r.status >= 400) {
		e = client_status_err(r.status);
		client_resp_free(&r);
	} else if (e == AIS_OK)
		client_resp_free(&r);
	free(path);
	return e == AIS_OK ? 0 : object_fail(u, e);
}

int
cmd_object_evict(int argc, char **argv)
{
	struct cli_uri u;
	int argind, i, rc = 0, one;

	parse_cmd(no_opts, argc, argv, "s3://bucket/object ...", &argind);
	if (argind == argc) {
		fprintf(stderr, "usage: %s object evict s3://bucket/object ...\n",
		    getprogname());
		return EX_USAGE;
	}
	for (i = argind; i < argc; i++)
		if ((one = object_uri(argv[i], &u)) != 0 ||
		    (one = evict_request(&u)) != 0)
			rc = one;
	return rc;
}

int
cmd_object_rm(int argc, char **argv)
{
	struct client_req req = { .method = "DELETE" };
	struct client_resp r;
	struct cli_uri u;
	int argind, i, rc = 0, one;

	parse_cmd(no_opts, argc, argv, "ais://bucket/object ...", &argind);
	if (argind == argc) {
		fprintf(stderr, "usage: %s object rm ais://bucket/object ...\n",
		    getprogname());
		return EX_USAGE;
	}
	for (i = argind; i < argc; i++) {
		if ((one = object_uri(argv[i], &u)) == 0 &&
		    (one = object_request(&u, &req, &r)) == 0)
			client_resp_free(&r);
		if (one != 0)
			rc = one;
	}
	return rc;
}
