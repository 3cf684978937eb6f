/*
 * cksum.h: streaming object checksums.
 *
 * xxhash is XXH64 with seed 0, printed as 16 lower-case hex digits of the
 * big-endian digest (as AIStore); md5 and sha256 come from openssl.  The
 * context is embedded (no allocation for xxhash) so a PUT can carry one.
 */
#ifndef AIS_CKSUM_H
#define AIS_CKSUM_H

#include <stddef.h>
#define XXH_STATIC_LINKING_ONLY	/* for the embedded XXH64_state_t */
#include <xxhash.h>

#include "ais_err.h"

enum cksum_type { CKSUM_NONE, CKSUM_XXHASH, CKSUM_MD5, CKSUM_SHA256 };

/* Longest value: sha256 in hex plus NUL. */
#define CKSUM_VALUE_MAX 65

struct cksum {
	enum cksum_type	 type;
	XXH64_state_t	 xx;
	void		*evp;	/* EVP_MD_CTX for md5 and sha256 */
};

/* "xxhash", "md5", "sha256", "none" <-> type.  Returns AIS_EINVAL if unknown. */
ais_err		 cksum_type_parse(const char *, size_t len, enum cksum_type *);
const char	*cksum_type_name(enum cksum_type);

ais_err		 cksum_init(struct cksum *, enum cksum_type);
void		 cksum_update(struct cksum *, const void *, size_t);
/* Writes the hex value (empty for none) and releases the context. */
void		 cksum_final(struct cksum *, char out[CKSUM_VALUE_MAX]);
/* Releases the context without a result (error paths); idempotent. */
void		 cksum_abort(struct cksum *);

/* n bytes as 2n lower-case hex digits and a NUL. */
void		 cksum_hex(const unsigned char *, size_t n, char *out);

/* Checksum of a whole file from its current offset to the end. */
ais_err		 cksum_fd(int fd, enum cksum_type, char out[CKSUM_VALUE_MAX]);

#endif
