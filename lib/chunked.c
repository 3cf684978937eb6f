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
		if (ch == '\r')
			ck->state = CH_SIZE_LF;
		else if (ch == ';' || ch == ' ' || ch == '\t')
			ck->state = CH_EXT;
		else
			return false;
		return true;
	case CH_EXT:
		if (ch == '\r')
			ck->state = CH_SIZE_LF;
		else if (ch == '\n' || ++ck->line > CHUNKED_LINE_MAX)
			return false;
		return true;
	case CH_SIZE_LF:
		if (ch != '\n')
			return false;
		ck->state = ck->left > 0 ? CH_DATA : CH_TRAILER;
		ck->line = 0;
		return true;
	case CH_DATA_CR:
		if (ch != '\r')
			return false;
		ck->state = CH_DATA_LF;
		return true;
	case CH_DATA_LF:
		if (ch != '\n')
			return false;
		chunked_init(ck);
		return true;
	case CH_TRAILER:	/* the start of a trailer line, or the end */
		if (ch == '\r')
			ck->state = CH_END_LF;
		else if (ch == '\n')
			return false;
		else
			ck->state = CH_TRAILER_LINE;
		return true;
	case CH_TRAILER_LINE:
		if (ch == '\r')
			ck->state = CH_TRAILER_LINE_LF;
		else if (ch == '\n' || ++ck->line > CHUNKED_LINE_MAX)
			return false;
		return true;
	case CH_TRAILER_LINE_LF:
		if (ch != '\n')
			return false;
		ck->state = CH_TRAILER;
		return true;
	case CH_END_LF:
		if (ch != '\n')
			return false;
		ck->state = CH_DONE;
		return true;
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
