/*
 * loader.h: the parts of ais-loader.
 *
 * main.c reads the flags and the object list and runs the load; driver.c
 * is one thread per CPU that runs its share of the workers' requests at
 * once on one curl multi handle; worker.c makes a worker's next request
 * (its own curl handle and buffers, reused) and records how it went;
 * report.c prints interval and final lines from the workers' histograms;
 * agent.c lets one ais-loader drive others over nng and merge what they
 * measured.
 */
#ifndef AIS_LOADER_H
#define AIS_LOADER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <curl/curl.h>

#include "cksum.h"
#include "cmulti.h"
#include "hget.h"
#include "hist.h"
#include "sigv4.h"
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
	bool		 curl;		/* no lean GETs (hget) */
	bool		 json;
	bool		 quiet;
	char		*agents;	/* coordinate these loaders */
	char		*listen;	/* be a loader others coordinate */
	char		*prefix;	/* of the names PUTs make */
	long long	 rcvbuf;	/* SO_RCVBUF; 0: the kernel's */
};

/*
 * What one read of a body takes: 64 KiB read fastest at every count of
 * connections, with -rcvbuf or without.  1 MiB objects direct from one
 * target at 16 connections, in MiB/s: 10000 against 8000 with 8 KiB
 * reads (wrk's) and a 1 MiB -rcvbuf; 7500 against 5600 with the kernel's
 * autotuning.
 */
#define READ_SIZE	(64 * 1024)

/* Room for a URL: a base, /v1/objects/bucket/, an escaped name, a query;
 * -urls lines are shorter. */
#define LOADER_URL_MAX	8192

/* The state of one request in flight, for curl's callbacks. */
struct xfer {
	struct cksum	 ck;
	char		 type[16];
	char		 value[CKSUM_VALUE_MAX];
	const char	*body;
	size_t		 len, off;
};

struct driver;

/*
 * One worker: one request at a time, one after the other.  Its GETs run
 * on hget (lean runs, see struct loader) or on its curl handle.
 */
struct worker {
	struct loader	*ld;
	struct driver	*drv;
	int		 id;
	uint64_t	 rng;
	pthread_mutex_t	 mu;		/* guards st */
	struct op_stats	 st[OP_NKINDS];
	char		*buf;		/* PUT content, reused */
	uint64_t	 puts;
	double		 done_at;	/* loader_now() when it ran out */
	CURL		*h;		/* kept: its connection stays alive */
	struct hget	*hg;		/* lean runs: kept too */
	char		*rbuf;		/* lean runs: bodies are read here */
	/*
	 * S3 with credentials: hdrs and the three signature lines, whose
	 * strings are rewritten for each request (no allocation).
	 */
	struct curl_slist *sig_hdrs;
	struct curl_slist *sig_lines[3];
	char		 sig_extra[1024];	/* on hget: its header lines */
	struct xfer	 x;		/* of the request in flight */
	enum op_kind	 kind;
	uint64_t	 t0, size;
	char		 name[256];	/* of the PUT in flight */
	char		 url[LOADER_URL_MAX];
};

/* A thread that runs workers id, id + ndrivers, ... on one multi handle. */
struct driver {
	struct loader	*ld;
	int		 id;
	pthread_t	 thread;
	bool		 joined;
	struct cmulti	 cm;
	int		 ep;		/* lean runs: the epoll of hget */
	int		 active;	/* workers with a request in flight */
};

struct loader {
	struct loader_conf	 conf;
	const char		*endpoint;
	struct smap		*smap;		/* direct and randomproxy */
	char			**names;	/* objects to GET */
	size_t			 nnames, capnames;
	pthread_mutex_t		 names_mu;
	struct worker		*w;
	struct driver		*d;
	int			 ndrivers;
	struct curl_slist	*hdrs;		/* of every request */
	struct sigv4		*signer;	/* S3 with credentials */
	/*
	 * GETs alone over plain http:// run on hget, not curl: a lean run
	 * (hdrs_lean are its header lines).
	 */
	bool			 lean;
	char			 hdrs_lean[128];
	int			 per_driver;	/* workers a driver runs */
	long long		 duration_ms;
	atomic_bool		 stop;		/* requests after it not counted */
	atomic_ullong		 get_seq;	/* next name of an epoch */
	atomic_ullong		 put_bytes;
	atomic_ullong		 puts;
	char			**put_names;	/* for -cleanup */
	size_t			 nput_names;
	uint64_t		 total_gets;	/* epochs * names, or 0 */
};

/* worker.c */
/* Sets up w's curl handle (lean: its hget on ep); false: out of memory. */
bool	 worker_init(struct worker *w, int ep);
void	 worker_fini(struct worker *w);
/* Prepares w's next request; false when there is no more work. */
bool	 worker_next(struct worker *w);
/* Records how w's request went, on curl and on hget. */
void	 worker_done(struct worker *w, CURLcode rc);
void	 worker_done_lean(struct worker *w, int status, uint64_t bytes);
/* The headers of every request (Range, S3's); lean runs' in hdrs_lean. */
struct curl_slist *loader_headers(struct loader *);
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

/* driver.c: runs until its workers run out of work or ld->stop. */
void	*driver_main(void *);
/* driver.c: a lean worker's request ended; starts its next. */
void	 driver_lean_next(struct worker *w);

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
