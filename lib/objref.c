/*
 * objref.c: bucket and object names of requests (see objref.h).
 */
#include <stdio.h>
#include <string.h>

#include "hrw.h"
#include "http_server.h"
#include "objref.h"

static ais_err
objref_provider(struct objref *o, struct slice query, char *errbuf,
    size_t errlen)
{
	struct slice p = SLICE_NULL;
	const char *norm;

	http_query_get(query, "provider", &p);
	if ((norm = bmd_provider_norm(p.ptr, p.len)) == NULL) {
		snprintf(errbuf, errlen, "unknown provider '%.*s'",
		    (int)(p.len > 16 ? 16 : p.len), p.ptr);
		return AIS_EINVAL;
	}
	strlcpy(o->provider, norm, sizeof(o->provider));
	return AIS_OK;
}

ais_err
objref_parse_bucket(struct objref *o, struct slice name, struct slice query,
    char *errbuf, size_t errlen)
{
	size_t len;

	o->object[0] = '\0';
	o->objlen = 0;
	if (http_url_decode(name, o->bucket, sizeof(o->bucket), &len,
	    false) != AIS_OK || fs_check_bucket(o->bucket, len) != AIS_OK) {
		snprintf(errbuf, errlen, "invalid bucket name '%.*s'",
		    (int)(name.len > 80 ? 80 : name.len), name.ptr);
		return AIS_EINVAL;
	}
	return objref_provider(o, query, errbuf, errlen);
}

ais_err
objref_parse(struct objref *o, struct slice rest, struct slice query,
    char *errbuf, size_t errlen)
{
	const char *slash = memchr(rest.ptr, '/', rest.len);
	char uname[PROVIDER_MAX + FS_BUCKET_MAX + FS_OBJNAME_MAX + 8];
	struct slice obj;
	ais_err e;
	size_t n;

	if (slash == NULL) {
		snprintf(errbuf, errlen, "missing object name");
		return AIS_EINVAL;
	}
	e = objref_parse_bucket(o, (struct slice){ rest.ptr,
	    (size_t)(slash - rest.ptr) }, query, errbuf, errlen);
	if (e != AIS_OK)
		return e;
	obj = (struct slice){ slash + 1, rest.len - (size_t)(slash + 1 -
	    rest.ptr) };
	if (obj.len > 3 * FS_OBJNAME_MAX) {
		snprintf(errbuf, errlen, "object name over %d bytes",
		    FS_OBJNAME_MAX);
		return AIS_ETOOLONG;
	}
	e = http_url_decode(obj, o->object, sizeof(o->object), &o->objlen,
	    false);
	if (e == AIS_OK)
		e = fs_check_object(o->object, o->objlen);
	if (e == AIS_ETOOLONG) {
		snprintf(errbuf, errlen, "object name over %d bytes or a "
		    "segment over 255", FS_OBJNAME_MAX);
		return e;
	}
	if (e != AIS_OK) {
		snprintf(errbuf, errlen, "invalid object name (NUL, bad "
		    "escape, empty, '.' or '..' segment)");
		return AIS_EINVAL;
	}
	n = hrw_uname(uname, sizeof(uname), o->provider, o->bucket, o->object);
	o->digest = hrw_digest(uname, n);
	return AIS_OK;
}

ais_err
objref_set(struct objref *o, const char *provider, const char *bucket,
    const char *object)
{
	char uname[PROVIDER_MAX + FS_BUCKET_MAX + FS_OBJNAME_MAX + 8];
	size_t n;

	o->objlen = strlen(object);
	if (strlcpy(o->provider, provider, sizeof(o->provider)) >=
	    sizeof(o->provider) || strlcpy(o->bucket, bucket,
	    sizeof(o->bucket)) >= sizeof(o->bucket) ||
	    fs_check_object(object, o->objlen) != AIS_OK)
		return AIS_EINVAL;
	memcpy(o->object, object, o->objlen + 1);
	n = hrw_uname(uname, sizeof(uname), o->provider, o->bucket, o->object);
	o->digest = hrw_digest(uname, n);
	return AIS_OK;
}
