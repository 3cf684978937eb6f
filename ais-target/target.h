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

#include "daemon.h"
#include "fs.h"
#include "http_server.h"
#include "member.h"
#include "objref.h"
#include "snap.h"

struct target_conf {
	struct daemon_net net;
	struct strlist	 mountpaths;
	char		*primary;
	bool		 fsync;
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
void	obj_put(struct target *, struct http_conn *, struct http_request *,
	    const struct objref *, const struct bucket *);
void	obj_delete(struct target *, struct http_conn *,
	    const struct objref *);

/* control.c: the control-plane handler. */
json_t	*target_control(json_t *req, void *arg);

#endif
