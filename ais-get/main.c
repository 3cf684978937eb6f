/*
 * ais-get: read objects of an ais cluster into a pipeline; see ais-get(1).
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "cksum.h"
#include "cli.h"
#include "client.h"
#include "fs.h"
#include "opt.h"

#define SYNOPSIS "[-hqv] [--verify] [--range A-B] [-o file | -O dir] " \
	"ais://bucket/object ..."

static struct {
	char		*output;
	char		*outdir;
	char		*range;
	bool		 verify;
	bool		 quiet;
	bool		 verbose;
} o;

static const struct opt options[] = {
	{ "output", 'o', OPT_STR, &o.output, "FILE", NULL,
	    "write the object to FILE instead of stdout (one object)", 0, 0,
	    true },
	{ "output-dir", 'O', OPT_STR, &o.outdir, "DIR", NULL,
	    "write each object to DIR/<object name>", 0, 0, true },
	{ "range", 'r', OPT_STR, &o.range, "A-B", NULL,
	    "read bytes A to B (A-, -N as in HTTP Range)", 0, 0, true },
	{ "verify", 0, OPT_FLAG, &o.verify, NULL, NULL,
	    "recompute the checksum and fail on a mismatch", 0, 0, true },
	{ "quiet", 'q', OPT_FLAG, &o.quiet, NULL, NULL,
	    "print nothing but errors", 0, 0, true },
	{ "verbose", 'v', OPT_FLAG, &o.verbose, NULL, NULL,
	    "print each object read, with its size, on stderr", 0, 0, true },
	{ NULL, 0, 0, NULL, NULL, NULL, NULL, 0, 0, false },
};

struct sink {
	FILE		*f;
	struct cksum	 ck;
	int64_t		 bytes;
};

static int
sink_write(void *arg, const char *buf, size_t len)
{
	struct sink *s = arg;

	cksum_update(&s->ck, buf, len);
	s->bytes += (int64_t)len;
	return fwrite(buf, 1, len, s->f) == len ? 0 : -1;
}

/* Opens where one object goes: stdout, -o FILE or -O DIR/NAME. */
static FILE *
open_output(const struct cli_uri *u, char *path, size_t len)
{
	if (o.outdir != NULL) {
		snprintf(path, len, "%s/%s", o.outdir, u->object);
		if (fs_mkparents(path) != AIS_OK)
			return NULL;
		return fopen(path, "w");
	}
	if (o.output != NULL) {
		strlcpy(path, o.output, len);
		return fopen(path, "w");
	}
	strlcpy(path, "-", len);
	return stdout;
}

static ais_err
verify(struct client *c, struct sink *s, const struct client_resp *r,
    const char *name)
{
	char type[32], want[CKSUM_VALUE_MAX], got[CKSUM_VALUE_MAX];

	(void)c;
	if (client_resp_header(r, "Ais-Checksum-Value", want,
	    sizeof(want)) == NULL) {
		warnx("%s: the cluster sent no checksum to verify", name);
		return AIS_ECHECKSUM;
	}
	cksum_final(&s->ck, got);
	if (strcasecmp(got, want) != 0) {
		warnx("%s: checksum mismatch: %s %s expected, %s received",
		    name, client_resp_header(r, "Ais-Checksum-Type", type,
		    sizeof(type)) ? type : "", want, got);
		return AIS_ECHECKSUM;
	}
	return AIS_OK;
}

/* Prepares the checksum --verify needs, from a HEAD of the object. */
static ais_err
verify_init(struct client *c, const char *path, struct sink *s)
{
	struct client_req req = { .method = "HEAD", .path = path,
	    .follow = true };
	struct client_resp r;
	enum cksum_type t = CKSUM_NONE;
	char type[32];
	ais_err e;

	if ((e = client_do(c, &req, &r)) != AIS_OK)
		return e;
	if (r.status >= 400) {
		e = client_status_err(r.status);
		client_resp_free(&r);
		return e;
	}
	if (client_resp_header(&r, "Ais-Checksum-Type", type, sizeof(type)))
		cksum_type_parse(type, strlen(type), &t);
	client_resp_free(&r);
	return cksum_init(&s->ck, t);
}

static ais_err
get_one(struct client *c, const char *arg)
{
	char name[FS_OBJNAME_MAX + 64], out[PATH_MAX], rng[96];
	const char *hdrs[2] = { NULL, NULL };
	struct client_req req = { .method = "GET", .follow = true,
	    .sink = sink_write, .headers = hdrs };
	struct client_resp r;
	struct sink s = { NULL, { 0 }, 0 };
	struct cli_uri u;
	char *path;
	ais_err e;

	if (cli_parse_uri(arg, &u) != AIS_OK || u.object[0] == '\0') {
		warnx("%s: not an object URI (ais://bucket/object)", arg);
		return AIS_EINVAL;
	}
	cli_uri_format(&u, name, sizeof(name));
	if ((path = cli_object_path(&u)) == NULL)
		return AIS_ENOMEM;
	if (o.range != NULL) {
		snprintf(rng, sizeof(rng), "Range: bytes=%s", o.range);
		hdrs[0] = rng;
	}
	cksum_init(&s.ck, CKSUM_NONE);
	if (o.verify && (e = verify_init(c, path, &s)) != AIS_OK)
		goto fail;
	if ((s.f = open_output(&u, out, sizeof(out))) == NULL) {
		warn("%s", out);
		free(path);
		cksum_abort(&s.ck);
		return AIS_EIO;
	}
	req.path = path;
	req.sink_arg = &s;
	if ((e = client_do(c, &req, &r)) == AIS_OK) {
		if (r.status >= 400)
			e = client_status_err(r.status);
		else if (o.verify)
			e = verify(c, &s, &r, name);
		else if (fflush(s.f) != 0)
			e = AIS_EIO;
		client_resp_free(&r);
	}
	if (s.f != stdout && fclose(s.f) != 0 && e == AIS_OK)
		e = AIS_EIO;
	if (e == AIS_OK && o.verbose)
		fprintf(stderr, "%s: %s: %lld bytes\n", getprogname(), name,
		    (long long)s.bytes);
	if (e == AIS_OK || e == AIS_ECHECKSUM)
		goto out;
	if (s.f != stdout)
		unlink(out);
fail:
	warnx("%s: %s", name, e == AIS_ENOENT ? "not found" :
	    client_error(c)[0] ? client_error(c) : ais_strerror(e));
out:
	cksum_abort(&s.ck);
	free(path);
	return e;
}

int
main(int argc, char **argv)
{
	char errbuf[256];
	bool help = false;
	struct client *c;
	ais_err e, worst = AIS_OK;
	int argind, i, nfail = 0;

	if (opt_parse(options, argc, argv, &argind, &help, NULL, errbuf,
	    sizeof(errbuf)) != AIS_OK) {
		warnx("%s", errbuf);
		opt_usage_exit(stderr, SYNOPSIS, options, EX_USAGE);
	}
	if (help)
		opt_usage_exit(stdout, SYNOPSIS, options, 0);
	if (argind == argc || (o.output != NULL && argc - argind > 1) ||
	    (o.output != NULL && o.outdir != NULL) ||
	    (o.verify && o.range != NULL)) {
		warnx("%s", argind == argc ? "no object given" :
		    o.verify && o.range ? "--verify needs the whole object" :
		    "-o takes one object; use -O DIR for several");
		opt_usage_exit(stderr, SYNOPSIS, options, EX_USAGE);
	}
	if (client_new(&c, cli_endpoint()) != AIS_OK)
		errx(EX_OSERR, "cannot initialise libcurl");
	for (i = argind; i < argc; i++) {
		if ((e = get_one(c, argv[i])) == AIS_OK)
			continue;
		nfail++;
		worst = e;
	}
	client_free(c);
	opt_free(options);
	if (nfail == 0)
		return 0;
	/* one failure keeps its specific code; mixed failures are 1 */
	return nfail == argc - argind || nfail == 1 ? cli_exit_code(worst) : 1;
}
