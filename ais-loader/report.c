/*
 * report.c: the stats lines: every interval (what happened in it) and
 * at the end (the whole run), one line per kind of operation, as a table
 * for people or JSON lines for scripts.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "loader.h"

static const char *op_names[OP_NKINDS] = { "GET", "PUT" };

void
stats_add(struct op_stats *dst, const struct op_stats *src)
{
	int k;

	for (k = 0; k < OP_NKINDS; k++) {
		hist_merge(&dst[k].lat, &src[k].lat);
		dst[k].ops += src[k].ops;
		dst[k].bytes += src[k].bytes;
		dst[k].errors += src[k].errors;
	}
}

void
report_collect(struct loader *ld, struct op_stats *out, bool reset)
{
	long long i;
	int k;

	for (k = 0; k < OP_NKINDS; k++) {
		memset(&out[k], 0, sizeof(out[k]));
		hist_init(&out[k].lat);
	}
	for (i = 0; i < ld->conf.numworkers; i++) {
		pthread_mutex_lock(&ld->w[i].mu);
		stats_add(out, ld->w[i].st);
		for (k = 0; reset && k < OP_NKINDS; k++) {
			memset(&ld->w[i].st[k], 0, sizeof(ld->w[i].st[k]));
			hist_init(&ld->w[i].st[k].lat);
		}
		pthread_mutex_unlock(&ld->w[i].mu);
	}
}

void
report_header(const struct loader *ld)
{
	if (ld->conf.json || ld->conf.quiet)
		return;
	printf("%-8s %-4s %9s %10s %11s %8s %8s %8s %8s %8s %8s %6s\n",
	    "TIME", "OP", "COUNT", "BYTES", "THROUGHPUT", "MIN", "AVG", "P50",
	    "P90", "P99", "MAX", "ERRORS");
}

static void
ms(char *buf, size_t len, uint64_t us)
{
	snprintf(buf, len, "%.2fms", (double)us / 1000.0);
}

void
report_lines(const struct loader *ld, const struct op_stats *st,
    double elapsed_s, double interval_s, bool final)
{
	char bytes[32], tput[32], lat[6][16], when[16];
	const struct op_stats *s;
	double bps;
	int k;

	if (ld->conf.quiet && !final)
		return;
	for (k = 0; k < OP_NKINDS; k++) {
		s = &st[k];
		/* a kind that did nothing is left out; a final GET line stays
		 * when nothing at all happened, to say so */
		if (s->ops == 0 && s->errors == 0 && !(final && k == OP_GET &&
		    st[OP_PUT].ops == 0 && st[OP_PUT].errors == 0))
			continue;
		bps = interval_s > 0 ? (double)s->bytes / interval_s : 0;
		if (ld->conf.json) {
			printf("{\"elapsed\":%.3f,\"op\":\"%s\",\"final\":%s,"
			    "\"ops\":%llu,\"bytes\":%llu,\"throughput_bps\":"
			    "%.0f,\"ops_per_sec\":%.1f,\"latency_us\":{\"min\":"
			    "%llu,\"avg\":%llu,\"p50\":%llu,\"p90\":%llu,\"p99\":"
			    "%llu,\"max\":%llu},\"errors\":%llu}\n", elapsed_s,
			    op_names[k], final ? "true" : "false",
			    (unsigned long long)s->ops,
			    (unsigned long long)s->bytes, bps, interval_s > 0 ?
			    (double)s->ops / interval_s : 0,
			    (unsigned long long)(s->ops ? s->lat.min_us : 0),
			    (unsigned long long)(s->ops ? s->lat.sum_us /
			    s->ops : 0),
			    (unsigned long long)hist_quantile(&s->lat, 0.5),
			    (unsigned long long)hist_quantile(&s->lat, 0.9),
			    (unsigned long long)hist_quantile(&s->lat, 0.99),
			    (unsigned long long)s->lat.max_us,
			    (unsigned long long)s->errors);
			continue;
		}
		cli_human_size((int64_t)s->bytes, bytes, sizeof(bytes));
		cli_human_size((int64_t)bps, tput, sizeof(tput));
		strlcat(tput, "/s", sizeof(tput));
		ms(lat[0], sizeof(lat[0]), s->ops ? s->lat.min_us : 0);
		ms(lat[1], sizeof(lat[1]), s->ops ? s->lat.sum_us / s->ops : 0);
		ms(lat[2], sizeof(lat[2]), hist_quantile(&s->lat, 0.5));
		ms(lat[3], sizeof(lat[3]), hist_quantile(&s->lat, 0.9));
		ms(lat[4], sizeof(lat[4]), hist_quantile(&s->lat, 0.99));
		ms(lat[5], sizeof(lat[5]), s->lat.max_us);
		snprintf(when, sizeof(when), final ? "TOTAL" : "%.1fs",
		    elapsed_s);
		printf("%-8s %-4s %9llu %10s %11s %8s %8s %8s %8s %8s %8s %6llu\n",
		    when, op_names[k], (unsigned long long)s->ops, bytes, tput,
		    lat[0], lat[1], lat[2], lat[3], lat[4], lat[5],
		    (unsigned long long)s->errors);
	}
	fflush(stdout);
}
