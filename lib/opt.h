/*
 * opt.h: one option table per program.
 *
 * The same table drives getopt_long parsing, the -h text (every option with
 * its default) and, for the daemons, the config file: a config key is the
 * option's long name, a line reads "key = value", '#' starts a comment.
 * Defaults are applied from the table before the file and the command line,
 * so precedence is: command line > config file > default.
 */
#ifndef AIS_OPT_H
#define AIS_OPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "ais_err.h"

enum opt_type {
	OPT_FLAG,	/* bool; takes no argument */
	OPT_INT,	/* long long within [min, max] */
	OPT_STR,	/* char *, strdup'ed; freed by opt_free */
	OPT_LIST,	/* struct strlist; repeatable, or comma-separated */
};

struct strlist {
	char	**items;
	size_t	  n;
};

struct opt {
	const char	*name;		/* long name and config key */
	int		 shortname;	/* 0 when none */
	enum opt_type	 type;
	void		*dest;		/* bool *, long long *, char **, struct strlist * */
	const char	*argname;	/* "N", "DIR"; NULL for flags */
	const char	*dflt;		/* default, as text; NULL for none */
	const char	*help;
	long long	 min, max;	/* OPT_INT bounds */
	bool		 cmdline_only;	/* not accepted in a config file */
};

/* Applies the defaults of every option of the table (ends with name NULL). */
ais_err	opt_defaults(const struct opt *, char *errbuf, size_t errlen);

/* Sets one option by long name from text (used by files and -D). */
ais_err	opt_set(const struct opt *, const char *name, const char *value,
	    char *errbuf, size_t errlen);

/*
 * Parses argv with getopt_long.  "-h"/"--help" sets *help, "--version" sets
 * *version (either may be NULL to reject them).  On success *argind is the
 * index of the first operand.
 */
ais_err	opt_parse(const struct opt *, int argc, char **argv, int *argind,
	    bool *help, bool *version, char *errbuf, size_t errlen);

/*
 * The same with getopt_long_only: long options also with one dash
 * ("-duration 30s"), the habit of aisloader whose flags ais-loader keeps.
 */
ais_err	opt_parse_long_only(const struct opt *, int argc, char **argv,
	    int *argind, bool *help, char *errbuf, size_t errlen);

/* Reads "key = value" lines; errors name the file and line. */
ais_err	opt_load_file(const struct opt *, const char *path, char *errbuf,
	    size_t errlen);

/* Prints "usage: prog SYNOPSIS" and the option list with defaults. */
void	opt_usage(FILE *, const char *progname, const char *synopsis,
	    const struct opt *);

/*
 * opt_usage, then exit(status); on stderr (bad usage) it ends with a hint
 * to try -h.
 */
void	opt_usage_exit(FILE *, const char *synopsis, const struct opt *,
	    int status) __attribute__((noreturn));

/* Frees strings and lists that parsing allocated. */
void	opt_free(const struct opt *);

void	strlist_add(struct strlist *, const char *);
void	strlist_free(struct strlist *);

#endif
