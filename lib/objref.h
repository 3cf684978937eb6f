/*
 * objref.h: the bucket and object a request names.
 *
 * "/v1/objects/<bucket>/<object>?provider=<p>": the object name is
 * percent-decoded and checked (fs_check_object), the provider normalised
 * ("s3" -> "aws", none -> "ais").  Decoding writes into the struct: no
 * allocation, so the proxy's redirect path can use it per request.
 */
#ifndef AIS_OBJREF_H
#define AIS_OBJREF_H

#include <stdint.h>

#include "bmd.h"
#include "fs.h"
#include "slice.h"

struct objref {
	char		 provider[PROVIDER_MAX];
	char		 bucket[FS_BUCKET_MAX + 1];
	char		 object[FS_OBJNAME_MAX + 1];
	size_t		 objlen;
	uint64_t	 digest;	/* HRW digest of the uname */
};

/*
 * rest is the path after "/v1/objects/".  On error errbuf says what is
 * wrong with the name; the error is AIS_EINVAL or AIS_ETOOLONG (both 400).
 */
ais_err	objref_parse(struct objref *, struct slice rest, struct slice query,
	    char *errbuf, size_t errlen);

/* Parses just a bucket name and provider (for /v1/buckets/<bucket>). */
ais_err	objref_parse_bucket(struct objref *, struct slice name,
	    struct slice query, char *errbuf, size_t errlen);

/* The same from parts already decoded (jobs); the name is checked. */
ais_err	objref_set(struct objref *, const char *provider, const char *bucket,
	    const char *object);

#endif
