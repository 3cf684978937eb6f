/*
 * opt.c: option tables shared by the command line, -h and config files.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opt.h"

#define OPT_MAX 128

void
strlist_add(struct strlist *l, const char *s)
{
	char **items;

	items = reallocarray(l->items, l->n + 1, sizeof(*items));
	if (items == NULL)
		abort();
	l->items = items;
	if ((l->items[l->n] = strdup(s)) == NULL)
		abort();
	l->n++;
}

void
strlist_free(struct strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->items[i]);
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

static const struct opt *
opt_find(const struct opt *t, const char *name, size_t len)
{
	for (; t->name != NULL; t++)
		if (strlen(t->name) == len && strncmp(t->name, name, len) == 0)
			return t;
	return NULL;
}

/* Sets the value of one option; a list value may hold several, by commas. */
static ais_err
opt_assign(const struct opt *o, const char *value, char *errbuf,
    size_t errlen)
{
	const char *errstr;
	char *copy, *p, *item;
	long long n;

	switch (o->type) {
	case OPT_FLAG:
		if (value == NULL || strcmp(value, "true") == 0 ||
		    strcmp(value, "yes") == 0 || strcmp(value, "1") == 0)
			*(bool *)o->dest = true;
		else if (strcmp(value, "false") == 0 ||
		    strcmp(value, "no") == 0 || strcmp(value, "0") == 0)
			*(bool *)o->dest = false;
		else
			goto bad;
		return AIS_OK;
	case OPT_INT:
		n = strtonum(value, o->min, o->max, &errstr);
		if (errstr != NULL) {
			snprintf(errbuf, errlen, "--%s %s: %s (range %lld..%lld)",
			    o->name, value, errstr, o->min, o->max);
			return AIS_EINVAL;
		}
		*(long long *)o->dest = n;
		return AIS_OK;
	case OPT_STR:
		free(*(char **)o->dest);
		if ((*(char **)o->dest = strdup(value)) == NULL)
			return AIS_ENOMEM;
		return AIS_OK;
	case OPT_LIST:
		if ((copy = strdup(value)) == NULL)
			return AIS_ENOMEM;
		for (p = copy; (item = strsep(&p, ",")) != NULL;)
			if (*item != '\0')
				strlist_add(o->dest, item);
		free(copy);
		return AIS_OK;
	}
bad:
	snprintf(errbuf, errlen, "--%s: invalid value '%s'", o->name,
	    value == NULL ? "" : value);
	return AIS_EINVAL;
}

ais_err
opt_defaults(const struct opt *t, char *errbuf, size_t errlen)
{
	ais_err e;

	for (; t->name != NULL; t++) {
		if (t->type == OPT_LIST)
			strlist_free(t->dest);
		if (t->dflt == NULL)
			continue;
		if ((e = opt_assign(t, t->dflt, errbuf, errlen)) != AIS_OK)
			return e;
	}
	return AIS_OK;
}

ais_err
opt_set(const struct opt *t, const char *name, const char *value,
    char *errbuf, size_t errlen)
{
	const struct opt *o;

	if ((o = opt_find(t, name, strlen(name))) == NULL) {
		snprintf(errbuf, errlen, "unknown option '%s'", name);
		return AIS_EINVAL;
	}
	return opt_assign(o, value, errbuf, errlen);
}

static ais_err
opt_parse_any(const struct opt *t, int argc, char **argv, int *argind,
    bool *help, bool *version, bool long_only, char *errbuf, size_t errlen)
{
	struct option lopts[OPT_MAX + 3];
	char sopts[OPT_MAX * 2 + 4], *sp = sopts;
	const struct opt *o;
	size_t i, n = 0;
	ais_err e;
	int c, li;

	*sp++ = ':';
	*sp++ = 'h';
	for (o = t; o->name != NULL && n < OPT_MAX; o++, n++) {
		lopts[n] = (struct option){ o->name,
		    o->type == OPT_FLAG ? no_argument : required_argument,
		    NULL, 256 + (int)n };
		if (o->shortname != 0) {
			*sp++ = (char)o->shortname;
			if (o->type != OPT_FLAG)
				*sp++ = ':';
		}
	}
	*sp = '\0';
	lopts[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	lopts[n++] = (struct option){ "version", no_argument, NULL, 1 };
	lopts[n] = (struct option){ NULL, 0, NULL, 0 };
	optind = 1;
	opterr = 0;
	while ((c = long_only ? getopt_long_only(argc, argv, sopts, lopts,
	    &li) : getopt_long(argc, argv, sopts, lopts, &li)) != -1) {
		if (c == 'h' && help != NULL) {
			*help = true;
			continue;
		}
		if (c == 1 && version != NULL) {
			*version = true;
			continue;
		}
		if (c == '?' || c == ':' || c == 'h' || c == 1) {
			if (optopt != 0 && isprint(optopt))
				snprintf(errbuf, errlen, "%s: -%c",
				    c == ':' ? "missing argument" :
				    "unknown option", optopt);
			else
				snprintf(errbuf, errlen, "%s: %s",
				    c == ':' ? "missing argument" :
				    "unknown option", argv[optind - 1]);
			return AIS_EINVAL;
		}
		o = NULL;
		if (c >= 256)
			o = &t[c - 256];
		else
			for (i = 0; t[i].name != NULL; i++)
				if (t[i].shortname == c)
					o = &t[i];
		if (o == NULL)
			continue;
		if ((e = opt_assign(o, optarg, errbuf, errlen)) != AIS_OK)
			return e;
	}
	*argind = optind;
	return AIS_OK;
}

ais_err
opt_parse(const struct opt *t, int argc, char **argv, int *argind,
    bool *help, bool *version, char *errbuf, size_t errlen)
{
	return opt_parse_any(t, argc, argv, argind, help, version, false,
	    errbuf, errlen);
}

ais_err
opt_parse_long_only(const struct opt *t, int argc, char **argv, int *argind,
    bool *help, char *errbuf, size_t errlen)
{
	return opt_parse_any(t, argc, argv, argind, help, NULL, true, errbuf,
	    errlen);
}

static char *
opt_trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

ais_err
opt_load_file(const struct opt *t, const char *path, char *errbuf,
    size_t errlen)
{
	char line[4096], msg[256], *key, *value, *hash;
	const struct opt *o;
	int lineno = 0;
	ais_err e = AIS_OK;
	FILE *f;

	if ((f = fopen(path, "r")) == NULL) {
		snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
		return ais_err_from_errno(errno);
	}
	while (e == AIS_OK && fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		if ((hash = strchr(line, '#')) != NULL)
			*hash = '\0';
		key = opt_trim(line);
		if (*key == '\0')
			continue;
		if ((value = strchr(key, '=')) == NULL) {
			snprintf(errbuf, errlen, "%s:%d: expected key = value",
			    path, lineno);
			e = AIS_EINVAL;
			break;
		}
		*value++ = '\0';
		key = opt_trim(key);
		value = opt_trim(value);
		o = opt_find(t, key, strlen(key));
		if (o == NULL || o->cmdline_only) {
			snprintf(errbuf, errlen, "%s:%d: unknown key '%s'",
			    path, lineno, key);
			e = AIS_EINVAL;
		} else if ((e = opt_assign(o, value, msg, sizeof(msg))) !=
		    AIS_OK)
			snprintf(errbuf, errlen, "%s:%d: %s", path, lineno, msg);
	}
	fclose(f);
	return e;
}

void
opt_usage(FILE *f, const char *progname, const char *synopsis,
    const struct opt *t)
{
	char left[64];

	fprintf(f, "usage: %s %s\n", progname, synopsis);
	for (; t->name != NULL; t++) {
		if (t->shortname != 0)
			snprintf(left, sizeof(left), "-%c, --%s%s%s",
			    t->shortname, t->name, t->argname ? " " : "",
			    t->argname ? t->argname : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", t->name,
			    t->argname ? " " : "", t->argname ? t->argname : "");
		fprintf(f, "  %-30s %s", left, t->help);
		if (t->dflt != NULL)
			fprintf(f, " (default: %s)", *t->dflt ? t->dflt : "\"\"");
		fputc('\n', f);
	}
	fprintf(f, "  %-30s %s\n", "-h, --help", "show this help and exit");
}

void
opt_free(const struct opt *t)
{
	for (; t->name != NULL; t++) {
		if (t->type == OPT_STR) {
			free(*(char **)t->dest);
			*(char **)t->dest = NULL;
		} else if (t->type == OPT_LIST)
			strlist_free(t->dest);
	}
}

void
opt_usage_exit(FILE *f, const char *synopsis, const struct opt *t,
    int status)
{
	opt_usage(f, getprogname(), synopsis, t);
	if (f == stderr)
		fprintf(f, "Try '%s -h' for more.\n", getprogname());
	exit(status);
}
