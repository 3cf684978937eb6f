/*
 * bmd.h: the bucket table ("bucket metadata"), owned by the primary proxy
 * and pushed with the cluster map.  Immutable once published (snap.h).
 */
#ifndef AIS_BMD_H
#define AIS_BMD_H

#include <jansson.h>
#include <stdbool.h>
#include <string.h>
#include <stddef.h>
#include <stdint.h>

#include "cksum.h"
#include "ais_err.h"
#include "fs.h"

#define PROVIDER_MAX 8

#define BACKEND_URL_MAX 256

struct bucket {
	char		 name[FS_BUCKET_MAX + 1];
	char		 provider[PROVIDER_MAX];	/* "ais", "aws", "ht" */
	enum cksum_type	 cktype;
	int64_t		 created;			/* unix seconds */
	/* remote buckets: S3 endpoint or HTTP origin; empty: the default */
	char		 backend_url[BACKEND_URL_MAX];
	bool		 validate_cold_get;	/* check the backend's MD5 */
	bool		 validate_warm_get;	/* HEAD the backend on warm GET */
};

/* A bucket with a backend (s3:// or ht://). */
#define BUCKET_IS_REMOTE(b) (strcmp((b)->provider, "ais") != 0)

struct bmd {
	int64_t		 version;
	struct bucket	*bcks;
	size_t		 n;
};

struct bmd	*bmd_new(void);
struct bmd	*bmd_clone(const struct bmd *);
void		 bmd_free(struct bmd *);
void		 bmd_free_any(void *);

const struct bucket *bmd_find(const struct bmd *, const char *provider,
		    const char *name, size_t namelen);
ais_err		 bmd_add(struct bmd *, const struct bucket *);
ais_err		 bmd_del(struct bmd *, const char *provider, const char *name);

/*
 * Normalises a provider name ("s3" -> "aws", "" -> "ais"); NULL if it is
 * not one we know.
 */
const char	*bmd_provider_norm(const char *, size_t len);

json_t		*bucket_to_json(const struct bucket *);
ais_err		 bucket_from_json(const json_t *, struct bucket *);
json_t		*bmd_to_json(const struct bmd *);
ais_err		 bmd_from_json(const json_t *, struct bmd **);

#endif
