/*
 * slice.h: counted bytes.  Header names, values, paths and query strings
 * are slices into the connection's input buffer, never NUL-terminated
 * copies.
 */
#ifndef AIS_SLICE_H
#define AIS_SLICE_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

struct slice {
	const char	*ptr;
	size_t		 len;
};

#define SLICE_NULL ((struct slice){ NULL, 0 })

static inline struct slice
slice_from(const char *s)
{
	return (struct slice){ s, s == NULL ? 0 : strlen(s) };
}

static inline bool
slice_eq(struct slice a, const char *s)
{
	size_t n = strlen(s);

	return a.len == n && memcmp(a.ptr, s, n) == 0;
}

static inline bool
slice_caseeq(struct slice a, const char *s)
{
	size_t n = strlen(s);

	return a.len == n && strncasecmp(a.ptr, s, n) == 0;
}

/* v without HTTP's optional whitespace (spaces, tabs) at either end */
static inline struct slice
slice_trim_ows(struct slice v)
{
	while (v.len > 0 && (*v.ptr == ' ' || *v.ptr == '\t')) {
		v.ptr++;
		v.len--;
	}
	while (v.len > 0 && (v.ptr[v.len - 1] == ' ' ||
	    v.ptr[v.len - 1] == '\t'))
		v.len--;
	return v;
}

#endif
