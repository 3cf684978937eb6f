/*
 * proxy.h: state shared by the parts of ais-proxy.
 *
 * Every proxy answers clients: it redirects object requests to the owning
 * target (http.c), serves bucket requests (buckets.c) and cluster queries
 * (cluster.c).  One proxy is the primary (primary.c): it owns the cluster
 * map and bucket table, admits nodes, drops silent ones and pushes every
 * change.  The others are members (lib/member.c) and forward changes to
 * the primary over nng.  Anything that waits on the network runs on the
 * work queue, never on an event loop.
 */
#ifndef AIS_PROXY_H
#define AIS_PROXY_H

#include <pthread.h>
#include <stdbool.h>

#include "ctl.h"
#include "daemon.h"
#include "http_server.h"
#include "member.h"
#include "objref.h"
#include "snap.h"
#include "workq.h"

struct proxy_conf {
	struct daemon_net net;
	struct daemon_backend backend;
	char		*primary;	/* NULL: this proxy is the primary */
	char		*dir;
	long long	 keepalive_factor;
};

struct seen {
	char		 id[NODE_ID_MAX];
	long long	 at_ms;
};

struct proxy {
	struct proxy_conf	 conf;
	struct snode		 self;
	bool			 is_primary;
	struct snap		 smap;
	struct snap		 bmd;
	struct member		 member;	/* non-primary only */
	struct http_server	*http;
	struct ctl_server	*ctl;
	struct ctl_client	*cc;
	struct workq		*wq;

	/* primary only */
	pthread_mutex_t		 change_mu;	/* one change at a time */
	pthread_mutex_t		 seen_mu;
	struct seen		*seen;
	size_t			 nseen;
	pthread_t		 monitor;
	bool			 stopping;
	pthread_mutex_t		 stop_mu;
	pthread_cond_t		 stop_cv;
};

/* Timeout of control calls to other nodes. */
#define PROXY_CTL_TIMEOUT_MS 5000

/* http.c */
void	proxy_http(struct http_conn *, struct http_request *, void *arg);

/*
 * Runs fn(p, c, arg) on the work queue and sends the reply it returns:
 * a JSON document with "status" (HTTP) and either "message" (an error)
 * or "body" (the response).  arg is freed afterwards.
 */
typedef json_t *(*proxy_work_fn)(struct proxy *, void *arg);
void	proxy_defer(struct proxy *, struct http_conn *, proxy_work_fn,
	    void *arg);

/* buckets.c */
void	bucket_http(struct proxy *, struct http_conn *, struct http_request *);

/* cluster.c */
void	cluster_http(struct proxy *, struct http_conn *, struct http_request *);

/* primary.c */
ais_err	primary_start(struct proxy *, char *err, size_t errlen);
void	primary_stop(struct proxy *);
json_t	*primary_control(struct proxy *, const char *op, json_t *req);
/* Bucket changes; a non-primary forwards them (forward.c). */
json_t	*proxy_bucket_create(struct proxy *, json_t *bucket);
json_t	*proxy_bucket_destroy(struct proxy *, const char *provider,
	    const char *name);

/* Removes a bucket's data on every target (destroy, evict). */
json_t	*proxy_remove_data(struct proxy *, const char *provider,
	    const char *name);

/* remote.c: remote buckets */
json_t	*remote_bucket_add(struct proxy *, const struct bucket *);
void	remote_first_access(struct proxy *, struct http_conn *,
	    struct http_request *, const struct objref *);
json_t	*remote_list(struct proxy *, const struct bucket *,
	    const char *prefix, const char *token, int pagesize);

/* jobs.c: the job ops of the control plane; NULL when op is not one */
json_t	*proxy_job_control(struct proxy *, const char *op, json_t *req);

/* control.c */
json_t	*proxy_control(json_t *req, void *arg);

#endif
