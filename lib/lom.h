/*
 * lom.h: local object metadata, kept in the object file's extended
 * attribute "user.ais.lom".
 *
 * The record is written to the work file before the rename that makes the
 * object visible, so data and metadata appear together.  Encoding is a small
 * binary TLV with a trailing XXH64 (seed 1103515245) over the record; a torn
 * or foreign value fails to decode and the file is not taken for an object.
 * Decoding allocates nothing (the warm GET path reads it per request).
 */
#ifndef AIS_LOM_H
#define AIS_LOM_H

#include <stddef.h>
#include <stdint.h>

#include "cksum.h"
#include "ais_err.h"

#define LOM_XATTR	"user.ais.lom"
#define LOM_MAX_RECORD	4000	/* fits one ext4 xattr block */
#define LOM_CUSTOM_MAX	2048	/* custom metadata, "k=v" pairs */
#define LOM_STR_MAX	128

struct lom_md {
	int64_t		 size;
	enum cksum_type	 cktype;
	char		 ckval[CKSUM_VALUE_MAX];
	char		 version[LOM_STR_MAX];
	char		 source[LOM_STR_MAX];	/* backend URL or empty */
	char		 etag[LOM_STR_MAX];
	char		 last_modified[LOM_STR_MAX]; /* backend's, as sent */
	/* custom metadata: NUL-separated "k=v" pairs, custom_len bytes */
	char		 custom[LOM_CUSTOM_MAX];
	size_t		 custom_len;
};

void	lom_init(struct lom_md *);

/* Adds one key=value pair of custom metadata; AIS_ETOOLONG when full. */
ais_err	lom_custom_add(struct lom_md *, const char *key, size_t klen,
	    const char *val, size_t vlen);

/*
 * Formats custom metadata as "k=v,k2=v2" into out (for Ais-Custom-Md);
 * returns the length.
 */
size_t	lom_custom_format(const struct lom_md *, char *out, size_t outlen);

/*
 * Parses "k=v,k2=v2" (an Ais-Custom-Md header) into md.  AIS_EINVAL on a
 * pair without '=' or an empty key.
 */
ais_err	lom_custom_parse(struct lom_md *, const char *s, size_t len);

/* Encoding, exposed for tests. */
ais_err	lom_encode(const struct lom_md *, unsigned char *buf, size_t buflen,
	    size_t *outlen);
ais_err	lom_decode(struct lom_md *, const unsigned char *buf, size_t len);

/* Stores md on an open file (the work file).  AIS_ENOTSUP w/o xattrs. */
ais_err	lom_store_fd(int fd, const struct lom_md *);

/* Loads md of an open file; AIS_ENOENT when it has none or it is invalid. */
ais_err	lom_load_fd(int fd, struct lom_md *);

/* Same by path, without following a final symlink. */
ais_err	lom_load_path(const char *path, struct lom_md *);

#endif
