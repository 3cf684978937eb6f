/*
 * local.c: a local cluster of real daemons under one folder, for
 * development, "make run" and the tests: "cluster up|down", "node
 * kill|start".
 *
 * DIR/cluster.json records every node: id, role, ports, the exact argv
 * it runs with and its pid; DIR/<id>/ holds its state and log.  "up" on a
 * folder whose cluster is stopped starts the same nodes again (same ids,
 * ports and data).  The daemons come from the folder of this ais-ctl, so
 * a sanitizer build of ais-ctl starts sanitizer daemons.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "ctl.h"
#include "fs.h"
#include "state.h"

#define UP_TIMEOUT_MS	20000

static struct {
	long long	 proxies;
	long long	 targets;
	long long	 mountpaths;
	long long	 port;
	char		*dir;
	bool		 json;
} o;

static const struct opt up_opts[] = {
	{ "proxies", 'P', OPT_INT, &o.proxies, "N", "1", "proxies", 1, 16,
	    true },
	{ "targets", 'T', OPT_INT, &o.targets, "N", "3", "targets", 1, 64,
	    true },
	{ "mountpaths", 'M', OPT_INT, &o.mountpaths, "N", "1",
	    "mountpaths per target", 1, 16, true },
	{ "port", 'p', OPT_INT, &o.port, "N", "8080",
	    "first HTTP port (control ports +1000); 0: free random ports", 0,
	    64000, true },
	{ "dir", 'd', OPT_STR, &o.dir, "DIR", NULL,
	    "cluster folder (default $AIS_CLUSTER_DIR or ~/.ais/cluster)", 0,
	    0, true },
	{ "json", 'j', OPT_FLAG, &o.json, NULL, NULL, "print JSON", 0, 0,
	    true },
	{ NULL, 0, 0, NULL, NULL, NULL, NULL, 0, 0, false },
};

static const struct opt dir_opts[] = {
	{ "dir", 'd', OPT_STR, &o.dir, "DIR", NULL,
	    "cluster folder (default $AIS_CLUSTER_DIR or ~/.ais/cluster)", 0,
	    0, true },
	{ NULL, 0, 0, NULL, NULL, NULL, NULL, 0, 0, false },
};

static const char *
cluster_dir(void)
{
	static char buf[PATH_MAX];
	const char *env = getenv("AIS_CLUSTER_DIR"), *home = getenv("HOME");

	if (o.dir != NULL)
		return o.dir;
	if (env != NULL && *env != '\0')
		return env;
	snprintf(buf, sizeof(buf), "%s/.ais/cluster", home ? home : "/tmp");
	return buf;
}

static void
dir_file(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", cluster_dir(), name);
}

/* Alive and not a zombie waiting for its parent. */
static bool
pid_alive(pid_t pid)
{
	char path[64], stat[256], *p;
	FILE *f;
	bool alive = false;

	if (pid <= 0 || kill(pid, 0) != 0)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return false;
	if (fgets(stat, sizeof(stat), f) != NULL &&
	    (p = strrchr(stat, ')')) != NULL)
		alive = p[2] != 'Z' && p[2] != 'X';
	fclose(f);
	return alive;
}

/* The first port the kernel hands out to outgoing connections. */
static int
ephemeral_low(void)
{
	FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");
	int lo = 32768;

	if (f != NULL) {
		if (fscanf(f, "%d", &lo) != 1)
			lo = 32768;
		fclose(f);
	}
	return lo;
}

static bool
port_free(int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int fd, one = 1;
	bool ok;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)port);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return false;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	ok = bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0;
	close(fd);
	return ok;
}

/* Does a node of nodes use port, or is it avoid? */
static bool
port_picked(json_t *nodes, int port, int avoid)
{
	json_t *n;
	size_t i;

	json_array_foreach(nodes, i, n)
		if (json_integer_value(json_object_get(n, "port")) == port ||
		    json_integer_value(json_object_get(n, "control_port")) ==
		    port)
			return true;
	return port == avoid;
}

/*
 * A random free port below the ephemeral range, not one already picked:
 * a port the kernel picked (bind to 0) is in that range, and an outgoing
 * connection could take it before the daemon binds it (seen: "control
 * listen: Address in use").
 */
static int
free_port(json_t *nodes, int avoid)
{
	int lo = ephemeral_low(), i, port;

	if (lo <= 11000)
		lo = 65536;	/* no ephemeral range to keep out of */
	for (i = 0; i < 1000; i++) {
		port = 10000 + (int)arc4random_uniform((uint32_t)(lo - 10000));
		if (!port_picked(nodes, port, avoid) && port_free(port))
			return port;
	}
	errx(EX_TEMPFAIL, "no free port found");
}

static void
self_dir(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);
	char *slash;

	buf[n > 0 ? n : 0] = '\0';
	if ((slash = strrchr(buf, '/')) != NULL)
		*slash = '\0';
}

static json_t *
load_cluster(void)
{
	char path[PATH_MAX];
	json_t *j = NULL;

	dir_file(path, sizeof(path), "cluster.json");
	if (state_load_json(path, &j) != AIS_OK)
		return NULL;
	return j;
}

static int
save_cluster(json_t *c)
{
	char path[PATH_MAX];

	dir_file(path, sizeof(path), "cluster.json");
	if (state_save_json(path, c) != AIS_OK) {
		warnx("%s: cannot write", path);
		return EX_CANTCREAT;
	}
	return 0;
}

/* The argv of one node of a new cluster. */
static json_t *
node_args(const char *bindir, const char *id, bool proxy, int port,
    int cport, int primary_cport, json_t *extra)
{
	char buf[PATH_MAX + 64], mp[PATH_MAX * 2];
	json_t *a = json_array();
	long long i;

	snprintf(buf, sizeof(buf), "%s/%s", bindir, proxy ? "ais-proxy" :
	    "ais-target");
	json_array_append_new(a, json_string(buf));
	json_array_append_new(a, json_string("-d"));
#define ARG2(k, v) do { json_array_append_new(a, json_string(k));	\
	json_array_append_new(a, json_string(v)); } while (0)
	ARG2("--id", id);
	snprintf(buf, sizeof(buf), "%d", port);
	ARG2("--port", buf);
	snprintf(buf, sizeof(buf), "%d", cport);
	ARG2("--control-port", buf);
	if (proxy) {
		snprintf(buf, sizeof(buf), "%s/%s", cluster_dir(), id);
		ARG2("--dir", buf);
	} else
		for (i = 1; i <= o.mountpaths; i++) {
			snprintf(mp, sizeof(mp), "%s/%s/mp%lld", cluster_dir(),
			    id, i);
			ARG2("--mountpath", mp);
		}
	if (cport != primary_cport) {	/* every node but the primary */
		snprintf(buf, sizeof(buf), "tcp://127.0.0.1:%d", primary_cport);
		ARG2("--primary", buf);
	}
#undef ARG2
	json_array_extend(a, extra);
	return a;
}

static json_t *
new_layout(json_t *extra)
{
	char bindir[PATH_MAX], id[16];
	json_t *nodes = json_array(), *n;
	int i, total = (int)(o.proxies + o.targets), port, cport;
	int primary_cport = -1;
	bool proxy;

	self_dir(bindir, sizeof(bindir));
	for (i = 0; i < total; i++) {
		proxy = i < o.proxies;
		snprintf(id, sizeof(id), "%c%d", proxy ? 'p' : 't',
		    proxy ? i + 1 : i - (int)o.proxies + 1);
		port = o.port == 0 ? free_port(nodes, -1) : (int)o.port + i;
		cport = o.port == 0 ? free_port(nodes, port) :
		    (int)o.port + 1000 + i;
		if (i == 0)
			primary_cport = cport;
		n = json_pack("{s:s, s:s, s:i, s:i, s:i, s:o}", "id", id,
		    "role", proxy ? "proxy" : "target", "port", port,
		    "control_port", cport, "pid", 0, "args", node_args(bindir,
		    id, proxy, port, cport, primary_cport, extra));
		json_array_append_new(nodes, n);
	}
	return json_pack("{s:o, s:s}", "nodes", nodes, "endpoint", "");
}

static pid_t
spawn(json_t *node)
{
	json_t *args = json_object_get(node, "args");
	char log[PATH_MAX], **argv;
	size_t i, n = json_array_size(args);
	pid_t pid;
	int fd;

	snprintf(log, sizeof(log), "%s/%s/log", cluster_dir(),
	    json_string_value(json_object_get(node, "id")));
	if (fs_mkparents(log) != AIS_OK)
		return -1;
	if ((argv = calloc(n + 1, sizeof(*argv))) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		argv[i] = (char *)json_string_value(json_array_get(args, i));
	if ((pid = fork()) == 0) {
		setsid();
		if ((fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644)) >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
			close(fd);
		}
		if ((fd = open("/dev/null", O_RDONLY)) >= 0) {
			dup2(fd, STDIN_FILENO);
			close(fd);
		}
		execv(argv[0], argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	free(argv);
	json_object_set_new(node, "pid", json_integer(pid));
	return pid;
}

static bool
node_healthy(json_t *node)
{
	char path[64];
	struct client *c;
	struct client_req req = { .method = "GET", .path = "/v1/health" };
	struct client_resp r;
	bool ok;

	snprintf(path, sizeof(path), "http://127.0.0.1:%lld", (long long)
	    json_integer_value(json_object_get(node, "port")));
	if (client_new(&c, path) != AIS_OK)
		return false;
	ok = false;
	if (client_do(c, &req, &r) == AIS_OK) {
		ok = r.status == 200;	/* 503: still joining */
		client_resp_free(&r);
	}
	client_free(c);
	return ok;
}

/* The primary's map lists every node of the folder. */
static bool
cluster_complete(json_t *cluster)
{
	json_t *nodes = json_object_get(cluster, "nodes"), *smap = NULL;
	size_t np = 0, nt = 0, i;
	json_t *n;
	bool ok;

	json_array_foreach(nodes, i, n) {
		if (strcmp(json_string_value(json_object_get(n, "role")),
		    "proxy") == 0)
			np++;
		else
			nt++;
	}
	if (api_json("GET", "/v1/cluster?what=smap", NULL, &smap) != 0)
		return false;
	ok = json_array_size(json_object_get(smap, "proxies")) == np &&
	    json_array_size(json_object_get(smap, "targets")) == nt;
	json_decref(smap);
	return ok;
}

static void
print_log_tail(json_t *node)
{
	char cmd[PATH_MAX + 32];

	snprintf(cmd, sizeof(cmd), "tail -n 5 '%s/%s/log' >&2", cluster_dir(),
	    json_string_value(json_object_get(node, "id")));
	(void)!system(cmd);
}

/* Waits until every node answers and the map is complete. */
static int
wait_ready(json_t *cluster, bool whole)
{
	long long deadline = mono_ms() + UP_TIMEOUT_MS;
	json_t *nodes = json_object_get(cluster, "nodes"), *n;
	size_t i;
	bool ready;

	do {
		ready = true;
		json_array_foreach(nodes, i, n)
			if (!node_healthy(n)) {
				ready = false;
				break;
			}
		if (ready && (!whole || cluster_complete(cluster)))
			return 0;
		usleep(100000);
	} while (mono_ms() < deadline);
	json_array_foreach(nodes, i, n) {
		if (pid_alive((pid_t)json_integer_value(json_object_get(n,
		    "pid"))) && node_healthy(n))
			continue;
		warnx("node %s did not come up; its log ends:",
		    json_string_value(json_object_get(n, "id")));
		print_log_tail(n);
	}
	if (whole)
		warnx("the cluster map is incomplete after %d s",
		    UP_TIMEOUT_MS / 1000);
	return EX_UNAVAILABLE;
}

static void
use_endpoint(json_t *cluster)
{
	json_t *first = json_array_get(json_object_get(cluster, "nodes"), 0);
	char url[64];

	snprintf(url, sizeof(url), "http://127.0.0.1:%lld", (long long)
	    json_integer_value(json_object_get(first, "port")));
	json_object_set_new(cluster, "endpoint", json_string(url));
	client_free(api);
	if (client_new(&api, url) != AIS_OK)
		errx(EX_OSERR, "cannot initialise libcurl");
}

static int
write_env(json_t *cluster)
{
	char path[PATH_MAX];
	FILE *f;

	dir_file(path, sizeof(path), "env");
	if ((f = fopen(path, "w")) == NULL) {
		warn("%s", path);
		return EX_CANTCREAT;
	}
	fprintf(f, "AIS_ENDPOINT=%s\nAIS_CLUSTER_DIR=%s\n",
	    json_string_value(json_object_get(cluster, "endpoint")),
	    cluster_dir());
	return fclose(f) == 0 ? 0 : EX_IOERR;
}

static bool
any_alive(json_t *cluster)
{
	json_t *n;
	size_t i;

	json_array_foreach(json_object_get(cluster, "nodes"), i, n)
		if (pid_alive((pid_t)json_integer_value(json_object_get(n,
		    "pid"))))
			return true;
	return false;
}

int
cmd_cluster_up(int argc, char **argv)
{
	json_t *cluster, *extra, *n;
	int argind, rc;
	size_t i;

	parse_cmd(up_opts, argc, argv, "[-P proxies] [-T targets] "
	    "[-M mountpaths] [--port N] [--dir DIR] [--json] "
	    "[-- daemon-option ...]", &argind);
	if ((cluster = load_cluster()) != NULL && any_alive(cluster)) {
		warnx("a cluster is already running in %s; "
		    "'ais-ctl cluster down' first", cluster_dir());
		json_decref(cluster);
		return EX_UNAVAILABLE;
	}
	if (cluster == NULL) {
		extra = json_array();
		for (i = (size_t)argind; i < (size_t)argc; i++)
			json_array_append_new(extra, json_string(argv[i]));
		cluster = new_layout(extra);
		json_decref(extra);
	}
	use_endpoint(cluster);
	json_array_foreach(json_object_get(cluster, "nodes"), i, n)
		if (spawn(n) < 0) {
			warn("cannot start %s", json_string_value(
			    json_object_get(n, "id")));
			json_decref(cluster);
			return EX_OSERR;
		}
	if ((rc = save_cluster(cluster)) == 0 &&
	    (rc = wait_ready(cluster, true)) == 0)
		rc = write_env(cluster);
	if (rc == 0 && o.json)
		print_json(cluster);
	else if (rc == 0)
		printf("cluster up in %s: %zu nodes\nAIS_ENDPOINT=%s\n",
		    cluster_dir(), json_array_size(json_object_get(cluster,
		    "nodes")), json_string_value(json_object_get(cluster,
		    "endpoint")));
	json_decref(cluster);
	return rc;
}

/* Signals a node and waits up to ms for it to exit. */
static bool
stop_pid(pid_t pid, int sig, int ms)
{
	long long deadline = mono_ms() + ms;

	if (!pid_alive(pid))
		return true;
	kill(pid, sig);
	while (pid_alive(pid) && mono_ms() < deadline)
		usleep(20000);
	return !pid_alive(pid);
}

int
cmd_cluster_down(int argc, char **argv)
{
	json_t *cluster, *n;
	pid_t pid;
	size_t i;
	int argind;

	parse_cmd(dir_opts, argc, argv, "[--dir DIR]", &argind);
	if ((cluster = load_cluster()) == NULL) {
		warnx("no cluster in %s", cluster_dir());
		return EX_NOINPUT;
	}
	/* targets first, so the primary does not see them vanish one by one */
	json_array_foreach(json_object_get(cluster, "nodes"), i, n) {
		pid = (pid_t)json_integer_value(json_object_get(n, "pid"));
		if (pid_alive(pid))
			kill(pid, SIGTERM);
	}
	json_array_foreach(json_object_get(cluster, "nodes"), i, n) {
		pid = (pid_t)json_integer_value(json_object_get(n, "pid"));
		if (!stop_pid(pid, SIGTERM, 10000)) {
			warnx("%s did not stop in 10 s; killing it",
			    json_string_value(json_object_get(n, "id")));
			stop_pid(pid, SIGKILL, 5000);
		}
		json_object_set_new(n, "pid", json_integer(0));
	}
	save_cluster(cluster);
	json_decref(cluster);
	return 0;
}

static json_t *
find_node(json_t *cluster, const char *id)
{
	json_t *n;
	size_t i;

	json_array_foreach(json_object_get(cluster, "nodes"), i, n)
		if (strcmp(json_string_value(json_object_get(n, "id")), id) == 0)
			return n;
	return NULL;
}

static int
node_cmd(int argc, char **argv, bool start)
{
	json_t *cluster, *node;
	int argind, rc = 0;

	parse_cmd(dir_opts, argc, argv, "[--dir DIR] NODE", &argind);
	if (argc - argind != 1) {
		fprintf(stderr, "usage: %s node %s [--dir DIR] NODE\n",
		    getprogname(), start ? "start" : "kill");
		return EX_USAGE;
	}
	if ((cluster = load_cluster()) == NULL) {
		warnx("no cluster in %s", cluster_dir());
		return EX_NOINPUT;
	}
	if ((node = find_node(cluster, argv[argind])) == NULL) {
		warnx("%s: no such node in %s", argv[argind], cluster_dir());
		json_decref(cluster);
		return EX_NOINPUT;
	}
	if (!start) {
		stop_pid((pid_t)json_integer_value(json_object_get(node,
		    "pid")), SIGKILL, 5000);
		json_object_set_new(node, "pid", json_integer(0));
	} else if (pid_alive((pid_t)json_integer_value(json_object_get(node,
	    "pid")))) {
		warnx("%s is running", argv[argind]);
		rc = EX_UNAVAILABLE;
	} else if (spawn(node) < 0)
		rc = EX_OSERR;
	if (rc == 0)
		rc = save_cluster(cluster);
	if (rc == 0 && start) {
		json_t *one = json_pack("{s:[O]}", "nodes", node);

		rc = wait_ready(one, false);
		json_decref(one);
	}
	json_decref(cluster);
	return rc;
}

int
cmd_node_kill(int argc, char **argv)
{
	return node_cmd(argc, argv, false);
}

int
cmd_node_start(int argc, char **argv)
{
	return node_cmd(argc, argv, true);
}
