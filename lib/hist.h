/*
 * hist.h: a latency histogram with bounded relative error (log-linear
 * buckets: each power of two of microseconds split in 16), so that
 * percentiles come from counts, not from a kept sample, and histograms of
 * several workers or loader hosts merge by addition.
 */
#ifndef AIS_HIST_H
#define AIS_HIST_H

#include <jansson.h>
#include <stdint.h>

#include "ais_err.h"

#define HIST_SUB	16
#define HIST_BUCKETS	(40 * HIST_SUB)

struct hist {
	uint64_t	count;
	uint64_t	sum_us;
	uint64_t	min_us;
	uint64_t	max_us;
	uint64_t	b[HIST_BUCKETS];
};

void		hist_init(struct hist *);
void		hist_add(struct hist *, uint64_t us);
void		hist_merge(struct hist *dst, const struct hist *src);
/* The value below which a fraction q (0..1) of samples fall, in us. */
uint64_t	hist_quantile(const struct hist *, double q);

json_t		*hist_to_json(const struct hist *);
ais_err		 hist_from_json(const json_t *, struct hist *);

#endif
