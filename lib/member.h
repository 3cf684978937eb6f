/*
 * member.h: a node's membership in the cluster, as seen from a target or a
 * non-primary proxy.
 *
 * A member thread joins the primary (retrying until it answers), then sends
 * a keepalive every interval with the versions of the cluster map and
 * bucket table it holds.  The primary answers with newer ones when the
 * member is behind, and with 404 when it does not know the member (it was
 * dropped, or the primary restarted without it): the member joins again.
 * Changes are also pushed by the primary ("meta" requests), handled by
 * member_on_meta.  Snapshots are published through the caller's snaps.
 */
#ifndef AIS_MEMBER_H
#define AIS_MEMBER_H

#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "bmd.h"
#include "ctl.h"
#include "smap.h"
#include "snap.h"

struct member {
	struct snode		 self;
	char			 primary_url[NODE_URL_MAX];
	int			 interval_ms;
	struct snap		*smap;		/* borrowed */
	struct snap		*bmd;		/* borrowed */
	struct ctl_client	*cc;
	atomic_bool		 joined;
	bool			 stopping;
	pthread_t		 thread;
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
};

ais_err	member_start(struct member *, const struct snode *self,
	    const char *primary_url, int interval_ms, struct snap *smap,
	    struct snap *bmd);
void	member_stop(struct member *);

/* Handles a pushed {"op":"meta","smap":..,"bmd":..} request. */
json_t	*member_on_meta(struct member *, json_t *req);

/*
 * Installs a cluster map and/or bucket table (either may be NULL) when
 * newer than the published ones.  The answer to a join (join true) is also
 * taken when its map is of another cluster (another uuid): the primary may
 * have restarted with a fresh state folder.  Within one cluster versions
 * only grow, and a join answer older than a push that overtook it (a
 * bucket created meanwhile) is not taken.
 */
void	meta_install(struct snap *smap, struct snap *bmd, json_t *smap_json,
	    json_t *bmd_json, bool join);

#endif
