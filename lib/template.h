/*
 * template.h: range templates that name many objects at once, as in
 * AIStore's prefetch and evict: "shard-{0000..0999}.tar", with a step
 * "{0..1000..10}", and several ranges in one template (their product).
 * A range's width is that of its start ("0000" keeps four digits).
 */
#ifndef AIS_TEMPLATE_H
#define AIS_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ais_err.h"

#define TEMPLATE_MAX_RANGES	8
#define TEMPLATE_MAX_NAMES	10000000	/* AIStore's cap */

struct template_range {
	int64_t		 start, end, step;
	int		 width;		/* zero-padded digits, 0: none */
	size_t		 text_off;	/* literal text before the range */
	size_t		 text_len;
};

struct template {
	char			*text;		/* the template, owned */
	struct template_range	 r[TEMPLATE_MAX_RANGES];
	int			 nranges;
	size_t			 tail_off;	/* literal text after the last */
	uint64_t		 count;		/* names it expands to */
};

/*
 * Parses a template; a text without ranges is a single name (callers
 * treat it as a prefix).  AIS_EINVAL on malformed ranges, a zero step,
 * an end before the start, or over TEMPLATE_MAX_NAMES names.
 */
ais_err	template_parse(struct template *, const char *);
void	template_free(struct template *);

/*
 * Writes the i-th name (0 <= i < count) into buf; AIS_ETOOLONG when it
 * does not fit.  Names come in order: the last range varies fastest.
 */
ais_err	template_name(const struct template *, uint64_t i, char *buf,
	    size_t len);

#endif
