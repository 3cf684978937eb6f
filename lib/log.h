/*
 * log.h: one line per event on stderr, for systemd and runit to collect.
 *
 * A line reads "LEVEL EVENT key=value ...": the level, a stable event id
 * (TGT-START, PRX-JOIN) and fields.  log_warn appends strerror(errno).
 * Nothing is logged per successful request at the default level.
 */
#ifndef AIS_LOG_H
#define AIS_LOG_H

#include <stdarg.h>

enum log_level { LOG_LVL_ERROR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

void	log_init(const char *progname, int verbosity);
void	log_set_verbosity(int);
int	log_enabled(enum log_level);

void	log_error(const char *event, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	log_warn(const char *event, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	log_warnx(const char *event, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	log_info(const char *event, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	log_debug(const char *event, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
