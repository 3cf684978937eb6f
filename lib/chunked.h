/*
 * chunked.h: the decoder of HTTP/1.1 chunked framing (RFC 9112 7.1),
 * for request bodies (the server) and response bodies (hget).
 *
 * Every line ends in CRLF: a bare LF is an error, not a line end, so
 * that a request cannot frame one way here and another way in a proxy
 * in front of us (request smuggling).  Chunk extensions and trailers
 * are skipped, within CHUNKED_LINE_MAX bytes each.
 */
#ifndef AIS_CHUNKED_H
#define AIS_CHUNKED_H

#include <stddef.h>
#include <stdint.h>

#define CHUNKED_LINE_MAX	4096

enum chunked_state {
	CH_SIZE, CH_EXT, CH_SIZE_LF, CH_DATA, CH_DATA_CR, CH_DATA_LF,
	CH_TRAILER, CH_TRAILER_LINE, CH_TRAILER_LINE_LF, CH_END_LF, CH_DONE,
};

struct chunked {
	enum chunked_state	 state;
	int64_t			 left;	/* data bytes of this chunk to come */
	unsigned		 digits;	/* of the chunk size */
	unsigned		 line;	/* extension or trailer bytes */
};

enum chunked_step {
	CHUNKED_DATA,	/* *n payload bytes start at *p */
	CHUNKED_MORE,	/* the input is used up */
	CHUNKED_DONE,	/* the body ended; *p is just past it */
	CHUNKED_BAD,	/* not chunked framing */
};

void	chunked_init(struct chunked *);

/*
 * Consumes framing from [*p, end) up to the next payload bytes, the end
 * of the input or the end of the body.  After CHUNKED_DATA the caller
 * takes n <= *n bytes at *p and reports them with chunked_took.
 */
enum chunked_step chunked_next(struct chunked *, const char **p,
		    const char *end, size_t *n);
void	chunked_took(struct chunked *, size_t n);

#endif
