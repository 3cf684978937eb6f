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

#include "http_server.h"
#include "opt.h"
#include "smap.h"

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

/* What both daemons are on the network; options of the same names. */
struct daemon_net {
	long long	 port;
	char		*host;
	char		*public_url;
	long long	 control_port;
	char		*id;
	long long	 keepalive_interval;
	long long	 loops;
	long long	 idle_timeout;
	long long	 io_timeout;
};

#define DAEMON_NET_OPTS(n, dport, dcport, idhelp)				\
	{ "port", 'p', OPT_INT, &(n).port, "N", dport, "HTTP port", 0,	\
	    65535, false },						\
	{ "host", 0, OPT_STR, &(n).host, "ADDR", "127.0.0.1",		\
	    "address to bind", 0, 0, false },				\
	{ "public-url", 0, OPT_STR, &(n).public_url, "URL", NULL,	\
	    "URL advertised to clients (default http://HOST:PORT)", 0,	\
	    0, false },							\
	{ "control-port", 0, OPT_INT, &(n).control_port, "N", dcport,	\
	    "nng control port", 0, 65535, false },			\
	{ "id", 0, OPT_STR, &(n).id, "ID", NULL, idhelp, 0, 0, false },	\
	{ "keepalive-interval", 0, OPT_INT, &(n).keepalive_interval,	\
	    "MS", "1000", "keepalive period", 50, 600000, false },	\
	{ "loops", 0, OPT_INT, &(n).loops, "N", "0",			\
	    "event loops (0: one per CPU)", 0, 256, false },		\
	{ "idle-timeout", 0, OPT_INT, &(n).idle_timeout, "MS", "60000",	\
	    "close idle keep-alive connections after MS", 100,		\
	    86400000, false },						\
	{ "io-timeout", 0, OPT_INT, &(n).io_timeout, "MS", "30000",	\
	    "close requests that make no progress for MS", 100,	\
	    86400000, false }

/* Where remote buckets' data comes from (backend.h); both daemons. */
struct daemon_backend {
	char		*s3_endpoint;
	char		*s3_region;
	char		*s3_access_key;
	char		*s3_secret_key;
	long long	 timeout;
};

#define DAEMON_BACKEND_OPTS(b)						\
	{ "s3-endpoint", 0, OPT_STR, &(b).s3_endpoint, "URL", NULL,	\
	    "S3 endpoint (default $AWS_ENDPOINT_URL, else AWS)", 0, 0,	\
	    false },							\
	{ "s3-region", 0, OPT_STR, &(b).s3_region, "REGION", NULL,	\
	    "S3 region (default $AWS_REGION, else us-east-1)", 0, 0,	\
	    false },							\
	{ "s3-access-key", 0, OPT_STR, &(b).s3_access_key, "KEY", NULL, \
	    "S3 access key (default $AWS_ACCESS_KEY_ID)", 0, 0, false },	\
	{ "s3-secret-key", 0, OPT_STR, &(b).s3_secret_key, "SECRET",	\
	    NULL, "S3 secret key (default $AWS_SECRET_ACCESS_KEY)", 0, 0,	\
	    false },							\
	{ "backend-timeout", 0, OPT_INT, &(b).timeout, "MS", "10000",	\
	    "fail a backend that does not connect or stalls for MS", 100, \
	    3600000, false }

/* Sets up backend.h from the options and the AWS_* variables. */
ais_err	daemon_backend_init(const struct daemon_backend *);

/*
 * The node's identity: its id (the one given, else the one kept in
 * id_path, else a new one kept there), public and control URLs.
 */
ais_err	daemon_identity(struct snode *, enum node_role,
	    const struct daemon_net *, const char *id_path, char *errbuf,
	    size_t errlen);

/* HTTP server options from the network options. */
struct http_server_opts daemon_http_opts(const struct daemon_net *,
	    http_handler_fn, void *arg);

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
