/*
 * lom.c: object metadata in the user.ais.lom xattr (see lom.h).
 *
 * Record: "AL1" | tag(1) len(2, LE) value ... | XXH64 of all before (8, LE).
 */
#include <errno.h>
#include <string.h>
#include <sys/xattr.h>

#include "hrw.h"
#include "lom.h"

enum lom_tag {
	LOM_T_SIZE = 1, LOM_T_CKTYPE, LOM_T_CKVAL, LOM_T_VERSION,
	LOM_T_SOURCE, LOM_T_ETAG, LOM_T_LMOD, LOM_T_CUSTOM,
};

static const unsigned char lom_magic[3] = { 'A', 'L', '1' };

void
lom_init(struct lom_md *md)
{
	md->size = 0;
	md->cktype = CKSUM_NONE;
	md->ckval[0] = md->version[0] = md->source[0] = '\0';
	md->etag[0] = md->last_modified[0] = '\0';
	md->custom_len = 0;
}

ais_err
lom_custom_add(struct lom_md *md, const char *key, size_t klen,
    const char *val, size_t vlen)
{
	size_t need = klen + 1 + vlen + 1;

	if (klen == 0 || memchr(key, '=', klen) != NULL ||
	    memchr(key, '\0', klen) != NULL || memchr(val, '\0', vlen) != NULL)
		return AIS_EINVAL;
	if (md->custom_len + need > sizeof(md->custom))
		return AIS_ETOOLONG;
	memcpy(md->custom + md->custom_len, key, klen);
	md->custom[md->custom_len + klen] = '=';
	memcpy(md->custom + md->custom_len + klen + 1, val, vlen);
	md->custom[md->custom_len + need - 1] = '\0';
	md->custom_len += need;
	return AIS_OK;
}

size_t
lom_custom_format(const struct lom_md *md, char *out, size_t outlen)
{
	size_t i, n = 0;

	if (outlen == 0)
		return 0;
	for (i = 0; i < md->custom_len && n + 1 < outlen; i++)
		out[n++] = md->custom[i] == '\0' ?
		    (i + 1 < md->custom_len ? ',' : '\0') : md->custom[i];
	if (n > 0 && out[n - 1] == '\0')
		n--;
	out[n] = '\0';
	return n;
}

static const char *
trim_span(const char *s, const char *end, size_t *len)
{
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	*len = (size_t)(end - s);
	return s;
}

ais_err
lom_custom_parse(struct lom_md *md, const char *s, size_t len)
{
	const char *end = s + len, *comma, *eq, *k, *v;
	size_t klen, vlen;
	ais_err e;

	while (s < end) {
		if ((comma = memchr(s, ',', (size_t)(end - s))) == NULL)
			comma = end;
		if ((eq = memchr(s, '=', (size_t)(comma - s))) == NULL)
			return AIS_EINVAL;
		k = trim_span(s, eq, &klen);
		v = trim_span(eq + 1, comma, &vlen);
		if ((e = lom_custom_add(md, k, klen, v, vlen)) != AIS_OK)
			return e;
		s = comma + 1;
	}
	return AIS_OK;
}

static int
put_field(unsigned char *buf, size_t buflen, size_t *off, int tag,
    const void *val, size_t len)
{
	if (len > 0xffff || *off + 3 + len > buflen)
		return -1;
	buf[*off] = (unsigned char)tag;
	buf[*off + 1] = (unsigned char)(len & 0xff);
	buf[*off + 2] = (unsigned char)(len >> 8);
	memcpy(buf + *off + 3, val, len);
	*off += 3 + len;
	return 0;
}

static void
put_le64(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t
get_le64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

ais_err
lom_encode(const struct lom_md *md, unsigned char *buf, size_t buflen,
    size_t *outlen)
{
	unsigned char size[8], type = (unsigned char)md->cktype;
	size_t off = sizeof(lom_magic);
	int r = 0;

	if (buflen < off + 8)
		return AIS_ETOOLONG;
	memcpy(buf, lom_magic, off);
	put_le64(size, (uint64_t)md->size);
	r |= put_field(buf, buflen, &off, LOM_T_SIZE, size, 8);
	r |= put_field(buf, buflen, &off, LOM_T_CKTYPE, &type, 1);
	r |= put_field(buf, buflen, &off, LOM_T_CKVAL, md->ckval,
	    strlen(md->ckval));
	r |= put_field(buf, buflen, &off, LOM_T_VERSION, md->version,
	    strlen(md->version));
	r |= put_field(buf, buflen, &off, LOM_T_SOURCE, md->source,
	    strlen(md->source));
	r |= put_field(buf, buflen, &off, LOM_T_ETAG, md->etag,
	    strlen(md->etag));
	r |= put_field(buf, buflen, &off, LOM_T_LMOD, md->last_modified,
	    strlen(md->last_modified));
	r |= put_field(buf, buflen, &off, LOM_T_CUSTOM, md->custom,
	    md->custom_len);
	if (r != 0 || off + 8 > buflen)
		return AIS_ETOOLONG;
	put_le64(buf + off, hrw_digest(buf, off));
	*outlen = off + 8;
	return AIS_OK;
}

static int
get_str(char *dst, size_t dstlen, const unsigned char *v, size_t len)
{
	if (len >= dstlen || memchr(v, '\0', len) != NULL)
		return -1;
	memcpy(dst, v, len);
	dst[len] = '\0';
	return 0;
}

static int
lom_decode_field(struct lom_md *md, int tag, const unsigned char *v,
    size_t len)
{
	switch (tag) {
	case LOM_T_SIZE:
		if (len != 8)
			return -1;
		md->size = (int64_t)get_le64(v);
		return md->size < 0 ? -1 : 0;
	case LOM_T_CKTYPE:
		if (len != 1 || v[0] > CKSUM_SHA256)
			return -1;
		md->cktype = (enum cksum_type)v[0];
		return 0;
	case LOM_T_CKVAL:
		return get_str(md->ckval, sizeof(md->ckval), v, len);
	case LOM_T_VERSION:
		return get_str(md->version, sizeof(md->version), v, len);
	case LOM_T_SOURCE:
		return get_str(md->source, sizeof(md->source), v, len);
	case LOM_T_ETAG:
		return get_str(md->etag, sizeof(md->etag), v, len);
	case LOM_T_LMOD:
		return get_str(md->last_modified, sizeof(md->last_modified),
		    v, len);
	case LOM_T_CUSTOM:
		if (len > sizeof(md->custom) ||
		    (len > 0 && v[len - 1] != '\0'))
			return -1;
		memcpy(md->custom, v, len);
		md->custom_len = len;
		return 0;
	}
	return 0;	/* unknown tags of newer versions are skipped */
}

ais_err
lom_decode(struct lom_md *md, const unsigned char *buf, size_t len)
{
	size_t off = sizeof(lom_magic), flen;

	lom_init(md);
	if (len < off + 8 || memcmp(buf, lom_magic, off) != 0)
		return AIS_ENOENT;
	len -= 8;
	if (get_le64(buf + len) != hrw_digest(buf, len))
		return AIS_ENOENT;
	while (off < len) {
		if (off + 3 > len)
			return AIS_ENOENT;
		flen = buf[off + 1] | (size_t)buf[off + 2] << 8;
		if (off + 3 + flen > len ||
		    lom_decode_field(md, buf[off], buf + off + 3, flen) != 0)
			return AIS_ENOENT;
		off += 3 + flen;
	}
	return AIS_OK;
}

ais_err
lom_store_fd(int fd, const struct lom_md *md)
{
	unsigned char buf[LOM_MAX_RECORD];
	size_t len;
	ais_err e;

	if ((e = lom_encode(md, buf, sizeof(buf), &len)) != AIS_OK)
		return e;
	if (fsetxattr(fd, LOM_XATTR, buf, len, 0) != 0)
		return ais_err_from_errno(errno);
	return AIS_OK;
}

ais_err
lom_load_fd(int fd, struct lom_md *md)
{
	unsigned char buf[LOM_MAX_RECORD];
	ssize_t n;

	if ((n = fgetxattr(fd, LOM_XATTR, buf, sizeof(buf))) < 0)
		return errno == ENODATA || errno == ERANGE ? AIS_ENOENT :
		    ais_err_from_errno(errno);
	return lom_decode(md, buf, (size_t)n);
}

ais_err
lom_load_path(const char *path, struct lom_md *md)
{
	unsigned char buf[LOM_MAX_RECORD];
	ssize_t n;

	if ((n = lgetxattr(path, LOM_XATTR, buf, sizeof(buf))) < 0)
		return errno == ENODATA || errno == ERANGE ? AIS_ENOENT :
		    ais_err_from_errno(errno);
	return lom_decode(md, buf, (size_t)n);
}
