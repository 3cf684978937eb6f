/*
 * smap.h: the cluster map: proxies and targets with their URLs.
 *
 * The primary proxy owns it; every change bumps the version and the new
 * map is pushed to every node, which keeps the newest version it has seen.
 * Maps are immutable once published (see snap.h): changes go to a clone.
 */
#ifndef AIS_SMAP_H
#define AIS_SMAP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ais_err.h"

#define NODE_ID_MAX	64
#define NODE_URL_MAX	256

enum node_role { NODE_PROXY, NODE_TARGET };

#define SNODE_MAINT	0x4	/* as AIStore's SnodeMaint: not an owner */

struct snode {
	char		 id[NODE_ID_MAX];
	enum node_role	 role;
	char		 url[NODE_URL_MAX];	/* public HTTP */
	char		 control_url[NODE_URL_MAX];
	unsigned	 flags;
	uint64_t	 digest;		/* hrw_digest_str(id) */
};

struct smap {
	char		 uuid[40];
	int64_t		 version;
	char		 primary[NODE_ID_MAX];
	struct snode	*proxies;
	size_t		 nproxies;
	struct snode	*targets;
	size_t		 ntargets;
	uint64_t	*tdigests;	/* owners' digests, for hrw_pick */
	size_t		*towners;	/* index into targets of each digest */
	size_t		 nowners;
};

struct smap	*smap_new(const char *uuid);
struct smap	*smap_clone(const struct smap *);
void		 smap_free(struct smap *);
void		 smap_free_any(void *);	/* for snap_init */

/* Adds the node, or replaces the one with its id.  true if it changed. */
bool		 smap_put_node(struct smap *, const struct snode *);
bool		 smap_del_node(struct smap *, const char *id);
const struct snode *smap_find(const struct smap *, const char *id);

/* The target that owns an object digest; NULL without targets. */
const struct snode *smap_owner(const struct smap *, uint64_t digest);

/* Nodes' role names: "proxy", "target". */
const char	*smap_role_name(enum node_role);

json_t		*smap_to_json(const struct smap *);
json_t		*snode_to_json(const struct snode *);
ais_err		 smap_from_json(const json_t *, struct smap **);
ais_err		 snode_from_json(const json_t *, struct snode *);

#endif
