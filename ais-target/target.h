/*
 * target.h: state shared by the parts of ais-target.
 *
 * main.c parses options and starts the parts: the HTTP server (http.c
 * routes, objects.c serves objects), the control server (control.c) and
 * the membership thread (lib/member.c).  The cluster map and bucket table
 * are snapshots read without locks by every event loop.
 */
#ifndef AIS_TARGET_H
#define AIS_TARGET_H

#include <stdbool.h>
#include <sys/stat.h>

#include "daemon.h"
#include "fs.h"
#include "lom.h"
#include "http_server.h"
#include "member.h"
#include "objref.h"
#include "snap.h"

struct target_conf {
	struct daemon_net net;
	struct daemon_backend backend;
	struct strlist	 mountpaths;
	char		*primary;
	bool		 fsync;
	long long	 cold_workers;
	long long	 fill_loops;
	long long	 fill_nice;
};

struct target {
	struct target_conf	 conf;
	struct snode		 self;
	struct fs		 fs;
	struct snap		 smap;
	struct snap		 bmd;
	struct member		 member;
	struct http_server	*http;
	struct ctl_server	*ctl;
};

/* http.c: the request handler of the HTTP server. */
void	target_http(struct http_conn *, struct http_request *, void *arg);

/* objects.c */
void	obj_get(struct target *, struct http_conn *, struct http_request *,
	    const struct objref *, const struct bucket *);
/* obj_get without asking the backend whether the copy is current. */
void	obj_serve(struct target *, struct http_conn *, struct http_request *,
	    const struct objref *, const struct bucket *, bool validate);
void	obj_put(struct target *, struct http_conn *, struct http_request *,
	    const struct objref *, const struct bucket *);
void	obj_delete(struct target *, struct http_conn *, struct http_request *,
	    const struct objref *, const struct bucket *);

void	obj_headers(struct http_conn *, const struct lom_md *,
	    const struct stat *);
/* Removes the local copy (delete, evict); AIS_ENOENT when there is none. */
ais_err	obj_remove(struct target *, const struct objref *, int64_t *size);

/*
 * cold.c: a GET of a remote object not on disk joins (or starts) the one
 * fetch of that object.  Returns 1 when the object turned out to be on
 * disk after all (serve it warm), 0 when the request is taken care of.
 */
int	cold_get(struct target *, struct http_conn *, struct http_request *,
	    const struct objref *, const struct bucket *);
/*
 * Brings an object into the cluster without a client (jobs): joins the
 * fetch in flight or starts one, and returns when it has ended.  On
 * failure *status is the HTTP status and errbuf says why.
 */
ais_err	cold_fetch(struct target *, const struct objref *,
	    const struct bucket *, int64_t *size, int *status, char *errbuf,
	    size_t errlen);
/*
 * nloops threads at nice value nice (0: the process's) run the fetches,
 * nworkers the blocking backend calls.
 */
ais_err	cold_init(int nloops, int nworkers, int nice);
void	cold_fini(void);
/* Runs blocking work (backend calls) on the cold workers. */
ais_err	cold_submit(void (*fn)(void *), void *arg);

/* remote.c: requests that ask the backend (HEAD of an uncached object,
 * a warm GET to validate), run on the work queue. */
void	remote_head(struct target *, struct http_conn *,
	    const struct objref *, const struct bucket *);
void	remote_validate(struct target *, struct http_conn *,
	    struct http_request *, const struct objref *,
	    const struct bucket *);

/* jobs.c: the job ops of the control plane (NULL: not one), and the
 * end of every job at exit. */
json_t	*jobs_control(struct target *, const char *op, json_t *req);
void	jobs_fini(void);

/* control.c: the control-plane handler. */
json_t	*target_control(json_t *req, void *arg);

#endif
