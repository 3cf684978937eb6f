/*
 * hist.c: log-linear latency histogram (see hist.h).  Bucket i covers
 * [lo, lo + width) with lo and width from the power of two of i / 16;
 * the relative error of a reported value is at most 1/16.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hist.h"

void
hist_init(struct hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min_us = UINT64_MAX;
}

static int
bucket_of(uint64_t v)
{
	int k, i;

	if (v < HIST_SUB)
		return (int)v;
	k = 63 - __builtin_clzll(v);		/* v in [2^k, 2^(k+1)) */
	i = (k - 3) * HIST_SUB + (int)((v >> (k - 4)) & (HIST_SUB - 1));
	return i < HIST_BUCKETS ? i : HIST_BUCKETS - 1;
}

/* The upper end of bucket i. */
static uint64_t
bucket_top(int i)
{
	int k;

	if (i < HIST_SUB)
		return (uint64_t)i;
	k = i / HIST_SUB + 3;
	return (1ULL << k) + ((uint64_t)(i % HIST_SUB + 1) << (k - 4)) - 1;
}

void
hist_add(struct hist *h, uint64_t us)
{
	h->count++;
	h->sum_us += us;
	if (us < h->min_us)
		h->min_us = us;
	if (us > h->max_us)
		h->max_us = us;
	h->b[bucket_of(us)]++;
}

void
hist_merge(struct hist *dst, const struct hist *src)
{
	int i;

	if (src->count == 0)
		return;
	dst->count += src->count;
	dst->sum_us += src->sum_us;
	if (src->min_us < dst->min_us)
		dst->min_us = src->min_us;
	if (src->max_us > dst->max_us)
		dst->max_us = src->max_us;
	for (i = 0; i < HIST_BUCKETS; i++)
		dst->b[i] += src->b[i];
}

uint64_t
hist_quantile(const struct hist *h, double q)
{
	uint64_t want, seen = 0, v;
	int i;

	if (h->count == 0)
		return 0;
	want = (uint64_t)(q * (double)h->count + 0.5);
	if (want == 0)
		want = 1;
	for (i = 0; i < HIST_BUCKETS; i++) {
		seen += h->b[i];
		if (seen >= want) {
			v = bucket_top(i);
			return v > h->max_us ? h->max_us : v < h->min_us ?
			    h->min_us : v;
		}
	}
	return h->max_us;
}

json_t *
hist_to_json(const struct hist *h)
{
	json_t *b = json_object();
	char key[8];
	int i;

	for (i = 0; i < HIST_BUCKETS; i++)
		if (h->b[i] != 0) {
			snprintf(key, sizeof(key), "%d", i);
			json_object_set_new(b, key, json_integer((json_int_t)
			    h->b[i]));
		}
	return json_pack("{s:I, s:I, s:I, s:I, s:o}", "count",
	    (json_int_t)h->count, "sum_us", (json_int_t)h->sum_us, "min_us",
	    (json_int_t)(h->count ? h->min_us : 0), "max_us",
	    (json_int_t)h->max_us, "buckets", b);
}

ais_err
hist_from_json(const json_t *j, struct hist *h)
{
	json_int_t count, sum, min, max;
	const char *key;
	json_t *b, *v;
	long i;

	hist_init(h);
	if (json_unpack((json_t *)j, "{s:I, s:I, s:I, s:I, s:o}", "count",
	    &count, "sum_us", &sum, "min_us", &min, "max_us", &max,
	    "buckets", &b) != 0 || !json_is_object(b))
		return AIS_EINVAL;
	h->count = (uint64_t)count;
	h->sum_us = (uint64_t)sum;
	h->min_us = count ? (uint64_t)min : UINT64_MAX;
	h->max_us = (uint64_t)max;
	json_object_foreach(b, key, v) {
		i = strtol(key, NULL, 10);
		if (i < 0 || i >= HIST_BUCKETS)
			return AIS_EINVAL;
		h->b[i] = (uint64_t)json_integer_value(v);
	}
	return AIS_OK;
}
