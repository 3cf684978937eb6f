/*
 * http_parser.h: strict parser of an HTTP/1.x request head (request line
 * and header fields) held in a buffer.  Slices of the result point into
 * that buffer.
 */
#ifndef AIS_HTTP_PARSER_H
#define AIS_HTTP_PARSER_H

#include <stddef.h>

#include "http_server.h"

enum http_parse_result {
	HTTP_PARSE_OK,		/* a whole head; *consumed is its length */
	HTTP_PARSE_AGAIN,	/* incomplete; read more */
	HTTP_PARSE_BAD,		/* 400 */
	HTTP_PARSE_TOO_BIG,	/* 431: head over max, or too many fields */
	HTTP_PARSE_VERSION,	/* 505 */
	HTTP_PARSE_TE,		/* 501: a transfer coding other than chunked */
};

/*
 * Parses buf[0, len).  *scanned carries how far a previous call looked for
 * the end of the head, so a head arriving in pieces is not rescanned from
 * the start; set it to 0 for a new request.
 */
enum http_parse_result http_parse_request(const char *buf, size_t len,
		    size_t max, size_t *scanned, struct http_request *req,
		    size_t *consumed);

#endif
