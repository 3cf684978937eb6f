/*
 * log.c: event lines on stderr.  Each line is written with one write(2) so
 * lines of concurrent threads do not interleave.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static const char *log_prog = "ais";
static int log_verbosity;	/* 0 info, 1 debug */

void
log_init(const char *progname, int verbosity)
{
	log_prog = progname;
	log_verbosity = verbosity;
}

void
log_set_verbosity(int v)
{
	log_verbosity = v;
}

int
log_enabled(enum log_level lvl)
{
	return (int)lvl <= (int)LOG_LVL_INFO + log_verbosity;
}

static void
log_emit(enum log_level lvl, const char *event, int errnum, const char *fmt,
    va_list ap)
{
	static const char *names[] = { "ERROR", "WARN", "INFO", "DEBUG" };
	char line[1024];
	struct timespec ts;
	struct tm tm;
	size_t n;
	int r;

	if (!log_enabled(lvl))
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = strftime(line, sizeof(line), "%Y-%m-%dT%H:%M:%S", &tm);
	r = snprintf(line + n, sizeof(line) - n, ".%03ldZ %s %s %s ",
	    ts.tv_nsec / 1000000, log_prog, names[lvl], event);
	if (r > 0 && (size_t)r < sizeof(line) - n)
		n += r;
	r = vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	n = r < 0 ? n : (size_t)r < sizeof(line) - n ? n + r : sizeof(line) - 1;
	if (errnum != 0 && n < sizeof(line) - 1) {
		r = snprintf(line + n, sizeof(line) - n, " error=\"%s\"",
		    strerror(errnum));
		n = r < 0 ? n : (size_t)r < sizeof(line) - n ? n + r :
		    sizeof(line) - 1;
	}
	if (n >= sizeof(line) - 1)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	(void)!write(STDERR_FILENO, line, n);
}

#define LOG_FN(name, lvl, use_errno)					\
void									\
name(const char *event, const char *fmt, ...)				\
{									\
	int saved = errno;						\
	va_list ap;							\
									\
	va_start(ap, fmt);						\
	log_emit(lvl, event, use_errno ? saved : 0, fmt, ap);		\
	va_end(ap);							\
	errno = saved;							\
}

LOG_FN(log_error, LOG_LVL_ERROR, 0)
LOG_FN(log_warn, LOG_LVL_WARN, 1)
LOG_FN(log_warnx, LOG_LVL_WARN, 0)
LOG_FN(log_info, LOG_LVL_INFO, 0)
LOG_FN(log_debug, LOG_LVL_DEBUG, 0)
