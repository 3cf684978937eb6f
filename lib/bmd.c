/*
 * bmd.c: the bucket table (see bmd.h).
 */
#include <stdlib.h>
#include <string.h>

#include "bmd.h"

struct bmd *
bmd_new(void)
{
	return calloc(1, sizeof(struct bmd));
}

struct bmd *
bmd_clone(const struct bmd *src)
{
	struct bmd *b;

	if ((b = calloc(1, sizeof(*b))) == NULL)
		return NULL;
	b->version = src->version;
	if ((b->bcks = calloc(src->n + 1, sizeof(*b->bcks))) == NULL) {
		free(b);
		return NULL;
	}
	if (src->n > 0)
		memcpy(b->bcks, src->bcks, src->n * sizeof(*b->bcks));
	b->n = src->n;
	return b;
}

void
bmd_free(struct bmd *b)
{
	if (b == NULL)
		return;
	free(b->bcks);
	free(b);
}

void
bmd_free_any(void *b)
{
	bmd_free(b);
}

const struct bucket *
bmd_find(const struct bmd *b, const char *provider, const char *name,
    size_t len)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		if (strlen(b->bcks[i].name) == len &&
		    memcmp(b->bcks[i].name, name, len) == 0 &&
		    strcmp(b->bcks[i].provider, provider) == 0)
			return &b->bcks[i];
	return NULL;
}

ais_err
bmd_add(struct bmd *b, const struct bucket *bck)
{
	struct bucket *grown;

	if (bmd_find(b, bck->provider, bck->name, strlen(bck->name)) != NULL)
		return AIS_EEXIST;
	if ((grown = reallocarray(b->bcks, b->n + 1, sizeof(*grown))) == NULL)
		return AIS_ENOMEM;
	b->bcks = grown;
	b->bcks[b->n++] = *bck;
	return AIS_OK;
}

ais_err
bmd_del(struct bmd *b, const char *provider, const char *name)
{
	const struct bucket *bck;
	size_t i;

	if ((bck = bmd_find(b, provider, name, strlen(name))) == NULL)
		return AIS_ENOENT;
	i = (size_t)(bck - b->bcks);
	memmove(&b->bcks[i], &b->bcks[i + 1], (b->n - i - 1) * sizeof(*bck));
	b->n--;
	return AIS_OK;
}

const char *
bmd_provider_norm(const char *p, size_t len)
{
	static const struct { const char *alias, *name; } tab[] = {
		{ "", "ais" }, { "ais", "ais" }, { "aws", "aws" },
		{ "s3", "aws" }, { "ht", "ht" },
	};
	size_t i;

	if (len == 0)		/* p may be NULL then */
		return "ais";
	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (strlen(tab[i].alias) == len &&
		    strncmp(tab[i].alias, p, len) == 0)
			return tab[i].name;
	return NULL;
}

json_t *
bucket_to_json(const struct bucket *b)
{
	return json_pack("{s:s, s:s, s:s, s:I, s:s, s:b, s:b}", "name",
	    b->name, "provider", b->provider, "checksum",
	    cksum_type_name(b->cktype), "created", (json_int_t)b->created,
	    "backend_url", b->backend_url, "validate_cold_get",
	    b->validate_cold_get, "validate_warm_get", b->validate_warm_get);
}

ais_err
bucket_from_json(const json_t *j, struct bucket *b)
{
	const char *name, *provider, *ck = "xxhash", *norm, *url = "";
	json_int_t created = 0;
	int vcold = 0, vwarm = 0;

	memset(b, 0, sizeof(*b));
	if (json_unpack((json_t *)j, "{s:s, s:s, s?s, s?I, s?s, s?b, s?b}",
	    "name", &name, "provider", &provider, "checksum", &ck, "created",
	    &created, "backend_url", &url, "validate_cold_get", &vcold,
	    "validate_warm_get", &vwarm) != 0 ||
	    strlcpy(b->backend_url, url, sizeof(b->backend_url)) >=
	    sizeof(b->backend_url))
		return AIS_EINVAL;
	b->validate_cold_get = vcold;
	b->validate_warm_get = vwarm;
	if (fs_check_bucket(name, strlen(name)) != AIS_OK ||
	    (norm = bmd_provider_norm(provider, strlen(provider))) == NULL ||
	    cksum_type_parse(ck, strlen(ck), &b->cktype) != AIS_OK)
		return AIS_EINVAL;
	strlcpy(b->name, name, sizeof(b->name));
	strlcpy(b->provider, norm, sizeof(b->provider));
	b->created = created;
	return AIS_OK;
}

json_t *
bmd_to_json(const struct bmd *b)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < b->n; i++)
		json_array_append_new(arr, bucket_to_json(&b->bcks[i]));
	return json_pack("{s:I, s:o}", "version", (json_int_t)b->version,
	    "buckets", arr);
}

ais_err
bmd_from_json(const json_t *j, struct bmd **out)
{
	json_int_t version;
	struct bucket bck;
	struct bmd *b;
	json_t *arr, *v;
	size_t i;

	if (json_unpack((json_t *)j, "{s:I, s:o}", "version", &version,
	    "buckets", &arr) != 0 || !json_is_array(arr))
		return AIS_EINVAL;
	if ((b = bmd_new()) == NULL)
		return AIS_ENOMEM;
	b->version = version;
	json_array_foreach(arr, i, v) {
		if (bucket_from_json(v, &bck) != AIS_OK ||
		    bmd_add(b, &bck) != AIS_OK) {
			bmd_free(b);
			return AIS_EINVAL;
		}
	}
	*out = b;
	return AIS_OK;
}
