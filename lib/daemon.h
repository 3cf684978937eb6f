/*
 * daemon.h: what ais-proxy and ais-target share as daemons: the common
 * options (-f config, -d foreground, -n check, -v verbose), the order of
 * precedence (command line > config file > defaults), detaching, and
 * signals (handled by the main thread with sigwait, so no handler code
 * runs in a signal context).
 */
#ifndef AIS_DAEMON_H
#define AIS_DAEMON_H

#include <stdbool.h>

#include "opt.h"

struct daemon_common {
	char	*config;
	bool	 foreground;
	bool	 check;
	bool	 verbose;
	bool	 help;
	bool	 version;
};

#define DAEMON_COMMON_OPTS(dc)						\
	{ "config", 'f', OPT_STR, &(dc).config, "FILE", NULL,		\
	    "read options from FILE (key = value lines)", 0, 0, true },	\
	{ "foreground", 'd', OPT_FLAG, &(dc).foreground, NULL, NULL,	\
	    "stay in the foreground (systemd, runit)", 0, 0, true },	\
	{ "check", 'n', OPT_FLAG, &(dc).check, NULL, NULL,		\
	    "check the configuration and exit", 0, 0, true },		\
	{ "verbose", 'v', OPT_FLAG, &(dc).verbose, NULL, NULL,		\
	    "log debug events", 0, 0, false }

/*
 * Applies defaults, the config file named by -f, then the command line.
 * *argind is the first operand (daemons take none).
 */
ais_err	daemon_parse(const struct opt *, int argc, char **argv,
	    struct daemon_common *, int *argind, char *errbuf, size_t errlen);

/* Forks into the background unless foreground; keeps stderr. */
ais_err	daemon_detach(const struct daemon_common *);

/*
 * Blocks SIGTERM, SIGINT and SIGHUP in the calling thread (call before
 * starting threads so they inherit it) and ignores SIGPIPE.
 */
void	daemon_block_signals(void);

/* Waits for one of the blocked signals and returns it. */
int	daemon_wait_signal(void);

#endif
