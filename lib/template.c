/*
 * template.c: range templates (see template.h).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "template.h"

/* Reads digits at *p; -1 when there are none or too many. */
static int64_t
read_num(const char **p, int *ndigits)
{
	int64_t v = 0;
	int n = 0;

	while (isdigit((unsigned char)**p)) {
		if (++n > 18)
			return -1;
		v = v * 10 + (**p - '0');
		(*p)++;
	}
	*ndigits = n;
	return n > 0 ? v : -1;
}

/* Parses "{a..b}" or "{a..b..s}" at p (after '{'); returns past '}'. */
static const char *
parse_range(const char *p, struct template_range *r)
{
	bool zero_padded = p[0] == '0' && isdigit((unsigned char)p[1]);
	int wa, wb, ws;

	if ((r->start = read_num(&p, &wa)) < 0 || strncmp(p, "..", 2) != 0)
		return NULL;
	p += 2;
	if ((r->end = read_num(&p, &wb)) < 0)
		return NULL;
	r->step = 1;
	if (strncmp(p, "..", 2) == 0) {
		p += 2;
		if ((r->step = read_num(&p, &ws)) <= 0)
			return NULL;
	}
	if (*p != '}' || r->end < r->start)
		return NULL;
	/* "0000" keeps four digits; "1" or "10" pads nothing */
	r->width = zero_padded ? wa : 0;
	(void)wb;
	return p + 1;
}

ais_err
template_parse(struct template *t, const char *s)
{
	const char *p, *lit, *next;
	struct template_range *r;
	uint64_t n;

	memset(t, 0, sizeof(*t));
	if ((t->text = strdup(s)) == NULL)
		return AIS_ENOMEM;
	t->count = 1;
	for (lit = p = t->text; (p = strchr(p, '{')) != NULL; p = lit) {
		if (t->nranges == TEMPLATE_MAX_RANGES)
			goto bad;
		r = &t->r[t->nranges];
		if ((next = parse_range(p + 1, r)) == NULL)
			goto bad;
		r->text_off = (size_t)(lit - t->text);
		r->text_len = (size_t)(p - lit);
		n = (uint64_t)((r->end - r->start) / r->step + 1);
		if (n > TEMPLATE_MAX_NAMES || t->count * n > TEMPLATE_MAX_NAMES)
			goto bad;
		t->count *= n;
		t->nranges++;
		lit = next;
	}
	if (strchr(lit, '}') != NULL)
		goto bad;
	t->tail_off = (size_t)(lit - t->text);
	return AIS_OK;
bad:
	template_free(t);
	return AIS_EINVAL;
}

void
template_free(struct template *t)
{
	free(t->text);
	t->text = NULL;
}

ais_err
template_name(const struct template *t, uint64_t i, char *buf, size_t len)
{
	uint64_t idx[TEMPLATE_MAX_RANGES], n;
	size_t off = 0;
	int k, w;

	for (k = t->nranges - 1; k >= 0; k--) {
		n = (uint64_t)((t->r[k].end - t->r[k].start) / t->r[k].step + 1);
		idx[k] = i % n;
		i /= n;
	}
	for (k = 0; k < t->nranges; k++) {
		w = snprintf(buf + off, len - off, "%.*s%0*lld",
		    (int)t->r[k].text_len, t->text + t->r[k].text_off,
		    t->r[k].width, (long long)(t->r[k].start +
		    (int64_t)idx[k] * t->r[k].step));
		if (w < 0 || (size_t)w >= len - off)
			return AIS_ETOOLONG;
		off += (size_t)w;
	}
	w = snprintf(buf + off, len - off, "%s", t->text + t->tail_off);
	return w < 0 || (size_t)w >= len - off ? AIS_ETOOLONG : AIS_OK;
}
