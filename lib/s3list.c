/*
 * s3list.c: listing a bucket on its backend: S3 ListObjectsV2, whose XML
 * answer is read with a small tag scanner (the document is flat and
 * regular: Contents elements with Key, Size, ETag and LastModified).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "client.h"

/* Decodes the five XML entities and numeric references into out. */
static void
xml_text(const char *s, size_t len, char *out, size_t outlen)
{
	static const struct { const char *ent; char c; } ents[] = {
		{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' },
		{ "&quot;", '"' }, { "&apos;", '\'' },
	};
	size_t i, n = 0, k;
	bool done;

	for (i = 0; i < len && n + 1 < outlen; ) {
		done = false;
		for (k = 0; s[i] == '&' && k < 5; k++)
			if (strncmp(s + i, ents[k].ent, strlen(ents[k].ent)) ==
			    0) {
				out[n++] = ents[k].c;
				i += strlen(ents[k].ent);
				done = true;
				break;
			}
		if (!done && s[i] == '&' && i + 2 < len && s[i + 1] == '#') {
			char *end;
			long v = s[i + 2] == 'x' ? strtol(s + i + 3, &end, 16) :
			    strtol(s + i + 2, &end, 10);

			if (*end == ';' && v > 0 && v < 128) {
				out[n++] = (char)v;
				i = (size_t)(end - s) + 1;
				done = true;
			}
		}
		if (!done)
			out[n++] = s[i++];
	}
	out[n] = '\0';
}

/* The text of the first <tag> in [p, end); NULL when absent. */
static const char *
xml_get(const char *p, const char *end, const char *tag, size_t *len)
{
	char open[64], close[64];
	const char *a, *b;

	snprintf(open, sizeof(open), "<%s>", tag);
	snprintf(close, sizeof(close), "</%s>", tag);
	if ((a = memmem(p, (size_t)(end - p), open, strlen(open))) == NULL)
		return NULL;
	a += strlen(open);
	if ((b = memmem(a, (size_t)(end - a), close, strlen(close))) == NULL)
		return NULL;
	*len = (size_t)(b - a);
	return a;
}

static json_t *
list_entry(const char *p, const char *end)
{
	char key[4096], size[32], etag[256], lmod[64];
	const char *v;
	size_t n;

	if ((v = xml_get(p, end, "Key", &n)) == NULL)
		return NULL;
	xml_text(v, n, key, sizeof(key));
	size[0] = etag[0] = lmod[0] = '\0';
	if ((v = xml_get(p, end, "Size", &n)) != NULL)
		xml_text(v, n, size, sizeof(size));
	if ((v = xml_get(p, end, "ETag", &n)) != NULL)
		xml_text(v, n, etag, sizeof(etag));
	if ((v = xml_get(p, end, "LastModified", &n)) != NULL)
		xml_text(v, n, lmod, sizeof(lmod));
	return json_pack("{s:s, s:s, s:s, s:s}", "name", key, "size",
	    size[0] ? size : "0", "etag", etag, "last_modified", lmod);
}

ais_err
backend_list(const struct bucket *b, const char *prefix, const char *token,
    int max, json_t **entries, char **next, int *status, char *errbuf,
    size_t errlen)
{
	char *eprefix, *etoken, *query, *body = NULL, tok[2048];
	const char *p, *end, *c, *v;
	size_t len, n;
	ais_err e;
	json_t *ent;
	int r;

	*entries = NULL;
	*next = NULL;
	if (strcmp(b->provider, "aws") != 0) {
		snprintf(errbuf, errlen, "%s://%s cannot be listed: its origin "
		    "has no listing", b->provider, b->name);
		return AIS_ENOTSUP;
	}
	eprefix = client_escape(prefix);
	etoken = client_escape(token);
	/* client_escape keeps '/', which is fine in a query value */
	r = asprintf(&query, "list-type=2&max-keys=%d&prefix=%s%s%s", max,
	    eprefix ? eprefix : "", *token ? "&continuation-token=" : "",
	    *token && etoken ? etoken : "");
	free(eprefix);
	free(etoken);
	if (r < 0)
		return AIS_ENOMEM;
	e = backend_fetch_body(b, query, &body, &len, status, errbuf, errlen);
	free(query);
	if (e != AIS_OK || *status != 200)
		return e;
	*entries = json_array();
	end = body + len;
	for (p = body; (c = memmem(p, (size_t)(end - p), "<Contents>", 10)) !=
	    NULL; p = c) {
		const char *cend = memmem(c, (size_t)(end - c), "</Contents>",
		    11);

		if (cend == NULL)
			break;
		if ((ent = list_entry(c, cend)) != NULL)
			json_array_append_new(*entries, ent);
		c = cend + 11;
	}
	tok[0] = '\0';
	if ((v = xml_get(body, end, "IsTruncated", &n)) != NULL && n == 4 &&
	    strncmp(v, "true", 4) == 0 &&
	    (v = xml_get(body, end, "NextContinuationToken", &n)) != NULL)
		xml_text(v, n, tok, sizeof(tok));
	free(body);
	*next = strdup(tok);
	return *next != NULL ? AIS_OK : AIS_ENOMEM;
}
