/*
 * daemon.c: common daemon start-up (see daemon.h).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "daemon.h"

ais_err
daemon_parse(const struct opt *t, int argc, char **argv,
    struct daemon_common *dc, int *argind, char *errbuf, size_t errlen)
{
	char *config;
	ais_err e;

	if ((e = opt_defaults(t, errbuf, errlen)) != AIS_OK ||
	    (e = opt_parse(t, argc, argv, argind, &dc->help, &dc->version,
	    errbuf, errlen)) != AIS_OK || dc->config == NULL)
		return e;
	/* Again, with the file between the defaults and the command line. */
	config = dc->config;
	dc->config = NULL;
	if ((e = opt_defaults(t, errbuf, errlen)) == AIS_OK &&
	    (e = opt_load_file(t, config, errbuf, errlen)) == AIS_OK)
		e = opt_parse(t, argc, argv, argind, &dc->help, &dc->version,
		    errbuf, errlen);
	free(config);
	return e;
}

ais_err
daemon_detach(const struct daemon_common *dc)
{
	if (dc->foreground)
		return AIS_OK;
	return daemon(1, 1) == 0 ? AIS_OK : ais_err_from_errno(errno);
}

void
daemon_block_signals(void)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
}

int
daemon_wait_signal(void)
{
	sigset_t set;
	int sig = 0;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	while (sigwait(&set, &sig) != 0)
		;
	return sig;
}
