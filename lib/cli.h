/*
 * cli.h: what the command-line tools share: the endpoint, bucket and
 * object URIs ("ais://bucket/object"), exit codes, sizes and tables.
 */
#ifndef AIS_CLI_H
#define AIS_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "bmd.h"
#include "ais_err.h"
#include "fs.h"

#define CLI_DEFAULT_ENDPOINT "http://localhost:8080"

struct cli_uri {
	char	provider[PROVIDER_MAX];		/* normalised: ais, aws, ht */
	char	scheme[PROVIDER_MAX];		/* as written: ais, s3, ht */
	char	bucket[FS_BUCKET_MAX + 1];
	char	object[FS_OBJNAME_MAX + 1];	/* empty for a bucket */
};

/* $AIS_ENDPOINT, or the default. */
const char	*cli_endpoint(void);

/*
 * Parses "ais://bucket[/object]", "s3://...", "ht://..."; a name without
 * a scheme is an ais bucket.  The object name is checked as a target
 * would check it.
 */
ais_err		 cli_parse_uri(const char *, struct cli_uri *);

/* "ais://bucket/object" of a parsed URI, for messages. */
void		 cli_uri_format(const struct cli_uri *, char *buf, size_t len);

/* The request path "/v1/objects/<b>/<o>?provider=<p>" (malloc'ed). */
char		*cli_object_path(const struct cli_uri *);

/* sysexits-style exit status for an error (see the man pages). */
int		 cli_exit_code(ais_err);

/* "1.5MiB" */
void		 cli_human_size(int64_t, char *buf, size_t len);

/* A table of strings printed with aligned columns under a header row. */
struct table;
struct table	*table_new(int ncols, ...);	/* the header cells */
void		 table_add(struct table *, ...);	/* ncols cells */
void		 table_print(const struct table *, FILE *);
void		 table_free(struct table *);

/* "30s", "5m", "1h", "500ms", "2" (seconds) -> ms; 0 for "", -1 when
 * malformed. */
long long	 cli_parse_duration(const char *);

#endif
