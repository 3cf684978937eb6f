/*
 * test_xferq.c: loops of curl transfers against the HTTP server
 * in-process: many GETs at once on two loops each get their whole body,
 * a task with nothing to run is not finished twice, a refused connection
 * ends its task with an error, stop runs what was queued to its end, and
 * a transfer hears of its loop's idle moments while it runs, not after.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "fill_file.h"
#include "http_server.h"
#include "xferq.h"

#define BODY	300000
#define NTASKS	40

static char file_path[] = "/tmp/test_xferq.XXXXXX";
static struct http_server *srv;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int ndone;

struct get {
	struct xferq_task	 task;
	char			 url[128];
	size_t			 got;
	CURLcode		 rc;
	int			 finished;	/* times done was called */
	int			 skip;		/* start has nothing to run */
	int			 idles;		/* idle calls */
	int			 idles_at_done;
};

static void
handler(struct http_conn *c, struct http_request *req, void *arg)
{
	int fd;

	(void)arg;
	if (slice_eq(req->path, "/file")) {
		fd = open(file_path, O_RDONLY);
		http_resp_start(c, 200);
		http_resp_sendfile(c, fd, 0, BODY);
	} else if (slice_eq(req->path, "/late")) {
		usleep(100000);		/* the client's loop idles meanwhile */
		http_resp_start(c, 200);
		http_resp_send(c, "late", 4);
	} else
		http_resp_error(c, 404, "no such path");
}

static size_t
on_body(char *p, size_t sz, size_t n, void *arg)
{
	struct get *g = arg;

	(void)p;
	g->got += sz * n;
	return sz * n;
}

static struct get *
get_of(struct xferq_task *t)
{
	return (struct get *)((char *)t - offsetof(struct get, task));
}

static int
get_start(struct xferq_task *t, CURL *h)
{
	struct get *g = get_of(t);

	if (g->skip) {
		pthread_mutex_lock(&mu);
		ndone++;
		pthread_cond_broadcast(&cv);
		pthread_mutex_unlock(&mu);
		return 1;
	}
	curl_easy_setopt(h, CURLOPT_URL, g->url);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, g);
	return 0;
}

static void
get_done(struct xferq_task *t, CURL *h, CURLcode rc)
{
	struct get *g = get_of(t);

	(void)h;
	pthread_mutex_lock(&mu);
	g->rc = rc;
	g->finished++;
	g->idles_at_done = g->idles;
	ndone++;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
}

static void
get_init(struct get *g, const char *path, int port)
{
	memset(g, 0, sizeof(*g));
	g->task.start = get_start;
	g->task.done = get_done;
	snprintf(g->url, sizeof(g->url), "http://127.0.0.1:%d%s", port, path);
}

static void
get_idle(struct xferq_task *t)
{
	get_of(t)->idles++;
}

static void
wait_done(int n)
{
	pthread_mutex_lock(&mu);
	while (ndone < n)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
}

static void
test_many_gets_on_two_loops_get_every_byte(void **state)
{
	static struct get g[NTASKS];
	struct xferq *q;
	int i;

	(void)state;
	ndone = 0;
	assert_int_equal(xferq_start(&q, 2, "test", NULL, NULL), AIS_OK);
	for (i = 0; i < NTASKS; i++) {
		get_init(&g[i], "/file", http_server_port(srv));
		xferq_submit(q, &g[i].task);
	}
	wait_done(NTASKS);
	for (i = 0; i < NTASKS; i++) {
		assert_int_equal(g[i].rc, CURLE_OK);
		assert_int_equal(g[i].got, BODY);
		assert_int_equal(g[i].finished, 1);
	}
	xferq_stop(q);
}

static void
test_task_with_nothing_to_run_is_not_done(void **state)
{
	struct get skip, real;
	struct xferq *q;

	(void)state;
	ndone = 0;
	assert_int_equal(xferq_start(&q, 1, "test", NULL, NULL), AIS_OK);
	get_init(&skip, "/file", http_server_port(srv));
	skip.skip = 1;
	get_init(&real, "/file", http_server_port(srv));
	xferq_submit(q, &skip.task);
	xferq_submit(q, &real.task);
	wait_done(2);
	xferq_stop(q);
	assert_int_equal(skip.finished, 0);
	assert_int_equal(real.finished, 1);
	assert_int_equal(real.got, BODY);
}

static void
test_refused_connection_ends_with_an_error(void **state)
{
	struct get g;
	struct xferq *q;

	(void)state;
	ndone = 0;
	assert_int_equal(xferq_start(&q, 1, "test", NULL, NULL), AIS_OK);
	get_init(&g, "/file", 1);	/* nobody listens on port 1 */
	xferq_submit(q, &g.task);
	wait_done(1);
	xferq_stop(q);
	assert_int_equal(g.rc, CURLE_COULDNT_CONNECT);
	assert_int_equal(g.got, 0);
}

static void
test_stop_runs_what_was_queued(void **state)
{
	static struct get g[8];
	struct xferq *q;
	int i;

	(void)state;
	ndone = 0;
	assert_int_equal(xferq_start(&q, 2, "test", NULL, NULL), AIS_OK);
	for (i = 0; i < 8; i++) {
		get_init(&g[i], "/file", http_server_port(srv));
		xferq_submit(q, &g[i].task);
	}
	xferq_stop(q);			/* no wait before it */
	assert_int_equal(ndone, 8);
	for (i = 0; i < 8; i++)
		assert_int_equal(g[i].got, BODY);
}

static void
test_idle_is_called_while_a_transfer_runs_and_not_after(void **state)
{
	struct get g, other;
	struct xferq *q;

	(void)state;
	ndone = 0;
	assert_int_equal(xferq_start(&q, 1, "test", NULL, NULL), AIS_OK);
	get_init(&g, "/late", http_server_port(srv));
	g.task.idle = get_idle;
	xferq_submit(q, &g.task);
	wait_done(1);
	assert_int_equal(g.rc, CURLE_OK);
	assert_int_equal(g.got, 4);
	assert_true(g.idles_at_done > 0);
	/* the loop idles on with another transfer: g is not called */
	get_init(&other, "/late", http_server_port(srv));
	xferq_submit(q, &other.task);
	wait_done(2);
	xferq_stop(q);
	assert_int_equal(g.idles, g.idles_at_done);
}

static int
setup(void **state)
{
	struct http_server_opts o = { .host = "127.0.0.1", .port = 0,
	    .nloops = 2, .idle_timeout_ms = 1000, .io_timeout_ms = 1000,
	    .handler = handler };
	char err[256];

	(void)state;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (fill_file(file_path, BODY, 'x') != 0)
		return -1;
	return http_server_start(&srv, &o, err, sizeof(err)) == AIS_OK ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	http_server_stop(srv, 1000);
	unlink(file_path);
	curl_global_cleanup();
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_many_gets_on_two_loops_get_every_byte),
		cmocka_unit_test(test_task_with_nothing_to_run_is_not_done),
		cmocka_unit_test(test_refused_connection_ends_with_an_error),
		cmocka_unit_test(test_stop_runs_what_was_queued),
		cmocka_unit_test(test_idle_is_called_while_a_transfer_runs_and_not_after),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
