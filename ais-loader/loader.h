/*
 * loader.h: the parts of ais-loader.
 *
 * main.c reads the flags and the object list and runs the load; worker.c
 * is one worker thread (its own curl handle, so connections stay alive,
 * and one reused buffer); report.c prints interval and final lines from
 * the workers' histograms; agent.c lets one ais-loader drive others over
 * nng and merge what they measured.
 */
#ifndef AIS_LOADER_H
#define AIS_LOADER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "hist.h"
#include "smap.h"

enum op_kind { OP_GET, OP_PUT, OP_NKINDS };

/* What one worker (or a whole run) measured for one kind of operation. */
struct op_stats {
	struct hist	 lat;
	uint64_t	 ops;
	uint64_t	 bytes;
	uint64_t	 errors;
};

struct loader_conf {
	char		*bucket;
	char		*provider;
	char		*duration;	/* "30s", "2m"; "" or "0": no limit */
	long long	 numworkers;
	long long	 pctput;
	long long	 minsize;
	long long	 maxsize;
	long long	 totalputsize;
	long long	 maxputs;
	long long	 epochs;
	bool		 cleanup;
	char		*statsinterval;
	long long	 seed;
	char		*filelist;
	long long	 readoff;
	long long	 readlen;
	bool		 verifyhash;
	bool		 randomproxy;
	char		*s3endpoint;
	char		*urls;		/* a file of plain URLs to GET */
	bool		 direct;	/* to the owner, no redirect */
	bool		 json;
	bool		 quiet;
	char		*agents;	/* coordinate these loaders */
	char		*listen;	/* be a loader others coordinate */
	char		*prefix;	/* of the names PUTs make */
};

struct worker {
	struct loader	*ld;
	int		 id;
	pthread_t	 thread;
	uint64_t	 rng;
	pthread_mutex_t	 mu;		/* guards st */
	struct op_stats	 st[OP_NKINDS];
	char		*buf;		/* PUT content, reused */
	uint64_t	 puts;
	double		 done_at;	/* loader_now() when it ran out */
};

struct loader {
	struct loader_conf	 conf;
	const char		*endpoint;
	struct smap		*smap;		/* direct and randomproxy */
	char			**names;	/* objects to GET */
	size_t			 nnames, capnames;
	pthread_mutex_t		 names_mu;
	struct worker		*w;
	long long		 duration_ms;
	atomic_bool		 stop;
	atomic_ullong		 get_seq;	/* next name of an epoch */
	atomic_ullong		 put_bytes;
	atomic_ullong		 puts;
	char			**put_names;	/* for -cleanup */
	size_t			 nput_names;
	uint64_t		 total_gets;	/* epochs * names, or 0 */
};

/* worker.c */
void	*worker_main(void *);
void	 loader_add_name(struct loader *, const char *);
/* Remembers a PUT's name for -cleanup. */
void	 loader_add_put(struct loader *, const char *);
/* Deletes the objects the run PUT. */
int	 loader_cleanup(struct loader *);

/* report.c: print the per-kind lines of stats. */
void	report_header(const struct loader *);
void	report_lines(const struct loader *, const struct op_stats *,
	    double elapsed_s, double interval_s, bool final);
void	report_collect(struct loader *, struct op_stats *out, bool reset);
/* Adds the stats of every op kind of src to dst's. */
void	stats_add(struct op_stats *dst, const struct op_stats *src);

/* agent.c */
int	agent_serve(struct loader *, const char *url);
int	agent_coordinate(struct loader *, int argc, char **argv);

/* main.c: monotonic seconds */
double	loader_now(void);
/* main.c: one run, with the stats of every kind out */
int	loader_run(struct loader *, struct op_stats *total, double *elapsed);
/* A whole run from a command line; prints the summary when print. */
int	loader_main(int argc, char **argv, struct op_stats *total,
	    double *elapsed, bool print);

#endif
