/*
 * cli.c: helpers of the command-line tools (see cli.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "cli.h"
#include "client.h"

const char *
cli_endpoint(void)
{
	const char *e = getenv("AIS_ENDPOINT");

	return e != NULL && *e != '\0' ? e : CLI_DEFAULT_ENDPOINT;
}

ais_err
cli_parse_uri(const char *s, struct cli_uri *u)
{
	const char *sep = strstr(s, "://"), *name = s, *slash, *norm;
	size_t blen;

	memset(u, 0, sizeof(*u));
	if (sep != NULL) {
		if ((size_t)(sep - s) >= sizeof(u->scheme))
			return AIS_EINVAL;
		memcpy(u->scheme, s, (size_t)(sep - s));
		name = sep + 3;
	} else
		strlcpy(u->scheme, "ais", sizeof(u->scheme));
	if ((norm = bmd_provider_norm(u->scheme, strlen(u->scheme))) == NULL ||
	    strcmp(u->scheme, "") == 0)
		return AIS_EINVAL;
	strlcpy(u->provider, norm, sizeof(u->provider));
	slash = strchr(name, '/');
	blen = slash != NULL ? (size_t)(slash - name) : strlen(name);
	if (fs_check_bucket(name, blen) != AIS_OK)
		return AIS_EINVAL;
	memcpy(u->bucket, name, blen);
	if (slash == NULL || slash[1] == '\0')
		return AIS_OK;
	if (fs_check_object(slash + 1, strlen(slash + 1)) != AIS_OK)
		return AIS_EINVAL;
	strlcpy(u->object, slash + 1, sizeof(u->object));
	return AIS_OK;
}

void
cli_uri_format(const struct cli_uri *u, char *buf, size_t len)
{
	snprintf(buf, len, "%s://%s%s%s", u->scheme, u->bucket,
	    u->object[0] ? "/" : "", u->object);
}

char *
cli_object_path(const struct cli_uri *u)
{
	char *enc, *path;

	if ((enc = client_escape(u->object)) == NULL)
		return NULL;
	if (asprintf(&path, "/v1/objects/%s/%s?provider=%s", u->bucket, enc,
	    u->provider) < 0)
		path = NULL;
	free(enc);
	return path;
}

int
cli_exit_code(ais_err e)
{
	switch (e) {
	case AIS_OK:		return 0;
	case AIS_ENOENT:	return EX_NOINPUT;
	case AIS_EINVAL:	return EX_USAGE;
	case AIS_ECHECKSUM:	return EX_DATAERR;
	case AIS_ECONNREFUSED:
	case AIS_ETIMEDOUT:
	case AIS_EBACKEND:	return EX_UNAVAILABLE;
	case AIS_EIO:		return EX_IOERR;
	default:		return 1;
	}
}

void
cli_human_size(int64_t n, char *buf, size_t len)
{
	static const char *units[] = { "B", "KiB", "MiB", "GiB", "TiB",
	    "PiB" };
	double v = (double)n;
	int u = 0;

	while (v >= 1024 && u < 5) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%lld%s", (long long)n, units[0]);
	else
		snprintf(buf, len, "%.1f%s", v, units[u]);
}

struct table {
	int	  ncols;
	char	**cells;	/* rows * ncols, row 0 the header */
	size_t	  nrows;
};

static void
table_addv(struct table *t, va_list ap)
{
	char **grown;
	const char *s;
	int i;

	grown = reallocarray(t->cells, (t->nrows + 1) * (size_t)t->ncols,
	    sizeof(*grown));
	if (grown == NULL)
		abort();
	t->cells = grown;
	for (i = 0; i < t->ncols; i++) {
		s = va_arg(ap, const char *);
		if ((t->cells[t->nrows * (size_t)t->ncols + (size_t)i] =
		    strdup(s != NULL ? s : "")) == NULL)
			abort();
	}
	t->nrows++;
}

struct table *
table_new(int ncols, ...)
{
	struct table *t;
	va_list ap;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		abort();
	t->ncols = ncols;
	va_start(ap, ncols);
	table_addv(t, ap);
	va_end(ap);
	return t;
}

void
table_add(struct table *t, ...)
{
	va_list ap;

	va_start(ap, t);
	table_addv(t, ap);
	va_end(ap);
}

void
table_print(const struct table *t, FILE *f)
{
	size_t width[32] = { 0 }, r, w;
	int c;

	for (r = 0; r < t->nrows; r++)
		for (c = 0; c < t->ncols && c < 32; c++) {
			w = strlen(t->cells[r * (size_t)t->ncols + (size_t)c]);
			if (w > width[c])
				width[c] = w;
		}
	for (r = 0; r < t->nrows; r++) {
		for (c = 0; c < t->ncols; c++) {
			const char *cell = t->cells[r * (size_t)t->ncols +
			    (size_t)c];

			if (c + 1 < t->ncols)
				fprintf(f, "%-*s  ", (int)width[c], cell);
			else
				fprintf(f, "%s\n", cell);
		}
	}
}

void
table_free(struct table *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nrows * (size_t)t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}

long long
cli_parse_duration(const char *s)
{
	char *end;
	double v;

	if (s == NULL || *s == '\0')
		return 0;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || v < 0)
		return -1;
	if (strcmp(end, "ms") == 0)
		return (long long)v;
	if (*end == '\0' || strcmp(end, "s") == 0)
		return (long long)(v * 1000);
	if (strcmp(end, "m") == 0)
		return (long long)(v * 60000);
	if (strcmp(end, "h") == 0)
		return (long long)(v * 3600000);
	return -1;
}
