/*
 * smap.c: the cluster map (see smap.h).
 */
#include <stdlib.h>
#include <string.h>

#include "hrw.h"
#include "smap.h"

/* Rebuilds the owner table after a change of targets. */
static ais_err
smap_index(struct smap *m)
{
	size_t i;

	free(m->tdigests);
	free(m->towners);
	m->tdigests = calloc(m->ntargets + 1, sizeof(*m->tdigests));
	m->towners = calloc(m->ntargets + 1, sizeof(*m->towners));
	m->nowners = 0;
	if (m->tdigests == NULL || m->towners == NULL)
		return AIS_ENOMEM;
	for (i = 0; i < m->ntargets; i++) {
		if (m->targets[i].flags & SNODE_MAINT)
			continue;
		m->tdigests[m->nowners] = m->targets[i].digest;
		m->towners[m->nowners++] = i;
	}
	return AIS_OK;
}

struct smap *
smap_new(const char *uuid)
{
	struct smap *m;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return NULL;
	strlcpy(m->uuid, uuid, sizeof(m->uuid));
	if (smap_index(m) != AIS_OK) {
		smap_free(m);
		return NULL;
	}
	return m;
}

static struct snode *
nodes_dup(const struct snode *src, size_t n)
{
	struct snode *dst;

	if ((dst = calloc(n + 1, sizeof(*dst))) != NULL && n > 0)
		memcpy(dst, src, n * sizeof(*dst));
	return dst;
}

struct smap *
smap_clone(const struct smap *src)
{
	struct smap *m;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return NULL;
	memcpy(m->uuid, src->uuid, sizeof(m->uuid));
	memcpy(m->primary, src->primary, sizeof(m->primary));
	m->version = src->version;
	m->proxies = nodes_dup(src->proxies, src->nproxies);
	m->targets = nodes_dup(src->targets, src->ntargets);
	m->nproxies = src->nproxies;
	m->ntargets = src->ntargets;
	if (m->proxies == NULL || m->targets == NULL ||
	    smap_index(m) != AIS_OK) {
		smap_free(m);
		return NULL;
	}
	return m;
}

void
smap_free(struct smap *m)
{
	if (m == NULL)
		return;
	free(m->proxies);
	free(m->targets);
	free(m->tdigests);
	free(m->towners);
	free(m);
}

void
smap_free_any(void *m)
{
	smap_free(m);
}

static struct snode **
smap_table(struct smap *m, enum node_role role, size_t **n)
{
	*n = role == NODE_PROXY ? &m->nproxies : &m->ntargets;
	return role == NODE_PROXY ? &m->proxies : &m->targets;
}

static bool
snode_equal(const struct snode *a, const struct snode *b)
{
	return a->role == b->role && a->flags == b->flags &&
	    strcmp(a->id, b->id) == 0 && strcmp(a->url, b->url) == 0 &&
	    strcmp(a->control_url, b->control_url) == 0;
}

bool
smap_put_node(struct smap *m, const struct snode *node)
{
	const struct snode *old;
	struct snode **tab, *grown;
	size_t *n;

	if ((old = smap_find(m, node->id)) != NULL) {
		if (snode_equal(old, node))
			return false;
		smap_del_node(m, node->id);
	}
	tab = smap_table(m, node->role, &n);
	grown = reallocarray(*tab, *n + 1, sizeof(**tab));
	if (grown == NULL)
		return false;
	*tab = grown;
	(*tab)[(*n)++] = *node;
	(*tab)[*n - 1].digest = hrw_digest_str(node->id);
	smap_index(m);
	return true;
}

bool
smap_del_node(struct smap *m, const char *id)
{
	enum node_role roles[2] = { NODE_PROXY, NODE_TARGET };
	struct snode **tab;
	size_t *n, i, r;

	for (r = 0; r < 2; r++) {
		tab = smap_table(m, roles[r], &n);
		for (i = 0; i < *n; i++) {
			if (strcmp((*tab)[i].id, id) != 0)
				continue;
			memmove(&(*tab)[i], &(*tab)[i + 1],
			    (*n - i - 1) * sizeof(**tab));
			(*n)--;
			smap_index(m);
			return true;
		}
	}
	return false;
}

const struct snode *
smap_find(const struct smap *m, const char *id)
{
	size_t i;

	for (i = 0; i < m->nproxies; i++)
		if (strcmp(m->proxies[i].id, id) == 0)
			return &m->proxies[i];
	for (i = 0; i < m->ntargets; i++)
		if (strcmp(m->targets[i].id, id) == 0)
			return &m->targets[i];
	return NULL;
}

const struct snode *
smap_owner(const struct smap *m, uint64_t digest)
{
	int i;

	if ((i = hrw_pick(m->tdigests, m->nowners, digest)) < 0)
		return NULL;
	return &m->targets[m->towners[i]];
}

const char *
smap_role_name(enum node_role r)
{
	return r == NODE_PROXY ? "proxy" : "target";
}

json_t *
snode_to_json(const struct snode *n)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:i}", "id", n->id,
	    "role", smap_role_name(n->role), "url", n->url,
	    "control_url", n->control_url, "flags", (json_int_t)n->flags);
}

json_t *
smap_to_json(const struct smap *m)
{
	json_t *j, *p, *t;
	size_t i;

	p = json_array();
	t = json_array();
	for (i = 0; i < m->nproxies; i++)
		json_array_append_new(p, snode_to_json(&m->proxies[i]));
	for (i = 0; i < m->ntargets; i++)
		json_array_append_new(t, snode_to_json(&m->targets[i]));
	j = json_pack("{s:s, s:I, s:s, s:o, s:o}", "uuid", m->uuid,
	    "version", (json_int_t)m->version, "primary", m->primary,
	    "proxies", p, "targets", t);
	return j;
}

ais_err
snode_from_json(const json_t *j, struct snode *n)
{
	const char *id, *role, *url, *curl;
	json_int_t flags = 0;

	memset(n, 0, sizeof(*n));
	if (json_unpack((json_t *)j, "{s:s, s:s, s:s, s:s, s?I}", "id", &id,
	    "role", &role, "url", &url, "control_url", &curl, "flags",
	    &flags) != 0)
		return AIS_EINVAL;
	if (*id == '\0' || strlcpy(n->id, id, sizeof(n->id)) >= sizeof(n->id) ||
	    strlcpy(n->url, url, sizeof(n->url)) >= sizeof(n->url) ||
	    strlcpy(n->control_url, curl, sizeof(n->control_url)) >=
	    sizeof(n->control_url))
		return AIS_EINVAL;
	if (strcmp(role, "proxy") == 0)
		n->role = NODE_PROXY;
	else if (strcmp(role, "target") == 0)
		n->role = NODE_TARGET;
	else
		return AIS_EINVAL;
	n->flags = (unsigned)flags;
	n->digest = hrw_digest_str(n->id);
	return AIS_OK;
}

static ais_err
smap_add_array(struct smap *m, json_t *arr, enum node_role role)
{
	struct snode n;
	json_t *v;
	size_t i;

	json_array_foreach(arr, i, v) {
		if (snode_from_json(v, &n) != AIS_OK || n.role != role)
			return AIS_EINVAL;
		smap_put_node(m, &n);
	}
	return AIS_OK;
}

ais_err
smap_from_json(const json_t *j, struct smap **out)
{
	const char *uuid, *primary;
	json_int_t version;
	json_t *p, *t;
	struct smap *m;

	if (json_unpack((json_t *)j, "{s:s, s:I, s:s, s:o, s:o}", "uuid", &uuid,
	    "version", &version, "primary", &primary, "proxies", &p,
	    "targets", &t) != 0 || !json_is_array(p) || !json_is_array(t))
		return AIS_EINVAL;
	if ((m = smap_new(uuid)) == NULL)
		return AIS_ENOMEM;
	m->version = version;
	strlcpy(m->primary, primary, sizeof(m->primary));
	if (smap_add_array(m, p, NODE_PROXY) != AIS_OK ||
	    smap_add_array(m, t, NODE_TARGET) != AIS_OK) {
		smap_free(m);
		return AIS_EINVAL;
	}
	*out = m;
	return AIS_OK;
}
