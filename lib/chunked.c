/*
 * chunked.c: the decoder of HTTP/1.1 chunked framing; see chunked.h.
 */
#include <stdbool.h>

#include "chunked.h"

void
chunked_init(struct chunked *ck)
{
	*ck = (struct chunked){ .state = CH_SIZE };
}

static int
hex_value(char ch)
{
	return ch >= '0' && ch <= '9' ? ch - '0' :
	    ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 :
	    ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
}

/* The one byte the state allows, and the state after it. */
static bool
expect(struct chunked *ck, char ch, char want, enum chunked_state next)
{
	if (ch != want)
		return false;
	ck->state = next;
	return true;
}

/* A byte of a line that is skipped (extension, trailer): CR ends it. */
static bool
skip(struct chunked *ck, char ch, enum chunked_state at_cr)
{
	if (ch == '\r')
		ck->state = at_cr;
	else if (ch == '\n' || ++ck->line > CHUNKED_LINE_MAX)
		return false;
	return true;
}

/* Takes one framing byte: false if it breaks the framing. */
static bool
framing_byte(struct chunked *ck, char ch)
{
	int v;

	switch (ck->state) {
	case CH_SIZE:
		if ((v = hex_value(ch)) >= 0) {
			if (ck->left > (INT64_MAX >> 4))
				return false;
			ck->left = ck->left * 16 + v;
			ck->digits++;
			return true;
		}
		if (ck->digits == 0)
			return false;
		if (ch == ';' || ch == ' ' || ch == '\t') {
			ck->state = CH_EXT;
			return true;
		}
		return expect(ck, ch, '\r', CH_SIZE_LF);
	case CH_EXT:
		return skip(ck, ch, CH_SIZE_LF);
	case CH_SIZE_LF:
		ck->line = 0;
		return expect(ck, ch, '\n',
		    ck->left > 0 ? CH_DATA : CH_TRAILER);
	case CH_DATA_CR:
		return expect(ck, ch, '\r', CH_DATA_LF);
	case CH_DATA_LF:
		if (ch != '\n')
			return false;
		chunked_init(ck);	/* the next chunk's size */
		return true;
	case CH_TRAILER:	/* the start of a trailer line, or the end */
		ck->state = ch == '\r' ? CH_END_LF : CH_TRAILER_LINE;
		return ch != '\n';
	case CH_TRAILER_LINE:
		return skip(ck, ch, CH_TRAILER_LINE_LF);
	case CH_TRAILER_LINE_LF:
		return expect(ck, ch, '\n', CH_TRAILER);
	case CH_END_LF:
		return expect(ck, ch, '\n', CH_DONE);
	case CH_DATA:
	case CH_DONE:
		break;
	}
	return false;	/* not reached: chunked_next handles these */
}

enum chunked_step
chunked_next(struct chunked *ck, const char **p, const char *end, size_t *n)
{
	for (;;) {
		if (ck->state == CH_DONE)
			return CHUNKED_DONE;
		if (*p == end)
			return CHUNKED_MORE;
		if (ck->state == CH_DATA) {
			*n = (size_t)(end - *p) < (uint64_t)ck->left ?
			    (size_t)(end - *p) : (size_t)ck->left;
			return CHUNKED_DATA;
		}
		if (!framing_byte(ck, **p))
			return CHUNKED_BAD;
		(*p)++;
	}
}

void
chunked_took(struct chunked *ck, size_t n)
{
	if ((ck->left -= (int64_t)n) == 0)
		ck->state = CH_DATA_CR;
}
