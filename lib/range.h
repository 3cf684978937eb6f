/*
 * range.h: the HTTP Range header of GET (one byte range; RFC 9110 14.1).
 */
#ifndef AIS_RANGE_H
#define AIS_RANGE_H

#include <stdint.h>

#include "slice.h"

enum range_result {
	RANGE_NONE,	/* absent, multi-range or not "bytes": serve all */
	RANGE_OK,	/* serve [*off, *off + *len) with 206 */
	RANGE_UNSAT,	/* 416 */
};

enum range_result range_parse(struct slice header, int64_t size,
		    int64_t *off, int64_t *len);

#endif
