/*
 * cksum.c: object checksums (see cksum.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "cksum.h"

static const char *cksum_names[] = { "none", "xxhash", "md5", "sha256" };

ais_err
cksum_type_parse(const char *s, size_t len, enum cksum_type *type)
{
	size_t i;

	for (i = 0; i < sizeof(cksum_names) / sizeof(cksum_names[0]); i++)
		if (strlen(cksum_names[i]) == len &&
		    strncasecmp(cksum_names[i], s, len) == 0) {
			*type = (enum cksum_type)i;
			return AIS_OK;
		}
	return AIS_EINVAL;
}

const char *
cksum_type_name(enum cksum_type t)
{
	return cksum_names[t];
}

ais_err
cksum_init(struct cksum *c, enum cksum_type type)
{
	const EVP_MD *md;

	c->type = type;
	c->evp = NULL;
	switch (type) {
	case CKSUM_NONE:
		return AIS_OK;
	case CKSUM_XXHASH:
		XXH64_reset(&c->xx, 0);
		return AIS_OK;
	case CKSUM_MD5:
	case CKSUM_SHA256:
		md = type == CKSUM_MD5 ? EVP_md5() : EVP_sha256();
		if ((c->evp = EVP_MD_CTX_new()) == NULL)
			return AIS_ENOMEM;
		if (EVP_DigestInit_ex(c->evp, md, NULL) != 1) {
			EVP_MD_CTX_free(c->evp);
			c->evp = NULL;
			return AIS_EINVAL;
		}
		return AIS_OK;
	}
	return AIS_EINVAL;
}

void
cksum_update(struct cksum *c, const void *buf, size_t len)
{
	if (c->type == CKSUM_XXHASH)
		XXH64_update(&c->xx, buf, len);
	else if (c->evp != NULL)
		EVP_DigestUpdate(c->evp, buf, len);
}

void
cksum_hex(const unsigned char *b, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 15];
	}
	out[2 * n] = '\0';
}

void
cksum_final(struct cksum *c, char out[CKSUM_VALUE_MAX])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	XXH64_canonical_t canon;
	unsigned int n = 0;

	out[0] = '\0';
	if (c->type == CKSUM_XXHASH) {
		XXH64_canonicalFromHash(&canon, XXH64_digest(&c->xx));
		cksum_hex(canon.digest, sizeof(canon.digest), out);
	} else if (c->evp != NULL) {
		EVP_DigestFinal_ex(c->evp, md, &n);
		cksum_hex(md, n, out);
	}
	cksum_abort(c);
}

void
cksum_abort(struct cksum *c)
{
	if (c->evp != NULL)
		EVP_MD_CTX_free(c->evp);
	c->evp = NULL;
}

ais_err
cksum_fd(int fd, enum cksum_type type, char out[CKSUM_VALUE_MAX])
{
	char buf[65536];
	struct cksum c;
	ssize_t n;
	ais_err e;

	if ((e = cksum_init(&c, type)) != AIS_OK)
		return e;
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			cksum_abort(&c);
			return ais_err_from_errno(errno);
		}
		cksum_update(&c, buf, (size_t)n);
	}
	cksum_final(&c, out);
	return AIS_OK;
}
