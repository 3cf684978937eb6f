/*
 * test_hget.c: the lean GET client against a raw HTTP server in a thread
 * of the test, which answers each path with canned bytes: bodies framed by
 * Content-Length, chunks and EOF, kept connections, redirects (absolute,
 * relative, a loop), a kept connection the server dropped, and servers
 * that cut a body short, break HTTP or are not there.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "hget.h"

#define CL_SIZE	5000

static int port;
static atomic_int accepts;

struct canned {
	const char	*path;
	const char	*resp;
	bool		 close;		/* the server closes after it */
};

static char cl_resp[CL_SIZE + 128];
static char redir_abs[256];

static const struct canned canned[] = {
	{ "/cl", cl_resp, false },
	{ "/chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "5\r\nhello\r\n6;x=1\r\n world\r\n0\r\nT: v\r\n\r\n", false },
	{ "/redir-abs", redir_abs, false },
	{ "/redir-rel", "HTTP/1.1 307 Temporary Redirect\r\nLocation: /chunked"
	    "\r\nContent-Length: 0\r\n\r\n", false },
	{ "/loop", "HTTP/1.1 301 Moved\r\nLocation: /loop\r\n"
	    "Content-Length: 0\r\n\r\n", false },
	{ "/then-drop", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", true },
	{ "/eof", "HTTP/1.0 200 OK\r\n\r\nabc", true },
	{ "/short", "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789",
	    true },
	{ "/garbage", "NOT HTTP AT ALL\r\n\r\n", true },
	{ "/404", "HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\nnope",
	    false },
	{ "/ck", "HTTP/1.1 200 OK\r\nAis-Checksum-Type: xxhash\r\n"
	    "Content-Length: 1\r\n\r\nx", false },
};

/* One connection: canned answers until the client or the canned close. */
static void *
serve(void *arg)
{
	char buf[8192], path[256];
	int fd = (int)(intptr_t)arg;
	size_t have = 0, i;
	ssize_t n;
	char *end;

	for (;;) {
		buf[have] = '\0';
		if ((end = strstr(buf, "\r\n\r\n")) == NULL) {
			if ((n = read(fd, buf + have, sizeof(buf) - 1 - have)) <= 0)
				break;
			have += (size_t)n;
			continue;
		}
		if (sscanf(buf, "GET %255s HTTP/1.1", path) != 1)
			break;
		have -= (size_t)(end + 4 - buf);
		memmove(buf, end + 4, have);
		for (i = 0; i < sizeof(canned) / sizeof(canned[0]); i++)
			if (strcmp(canned[i].path, path) == 0)
				break;
		if (i == sizeof(canned) / sizeof(canned[0]))
			break;
		if (write(fd, canned[i].resp, strlen(canned[i].resp)) < 0 ||
		    canned[i].close)
			break;
	}
	close(fd);
	return NULL;
}

static void *
acceptor(void *arg)
{
	int lfd = (int)(intptr_t)arg, fd;
	pthread_t t;

	while ((fd = accept(lfd, NULL, NULL)) >= 0) {
		atomic_fetch_add(&accepts, 1);
		pthread_create(&t, NULL, serve, (void *)(intptr_t)fd);
		pthread_detach(t);
	}
	return NULL;
}

static int
setup(void **state)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	pthread_t t;
	int lfd, n;

	(void)state;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    listen(lfd, 16) != 0 ||
	    getsockname(lfd, (struct sockaddr *)&sin, &len) != 0)
		return -1;
	port = ntohs(sin.sin_port);
	n = snprintf(cl_resp, sizeof(cl_resp), "HTTP/1.1 200 OK\r\n"
	    "Content-Length: %d\r\n\r\n", CL_SIZE);
	memset(cl_resp + n, 'c', CL_SIZE);
	cl_resp[n + CL_SIZE] = '\0';
	snprintf(redir_abs, sizeof(redir_abs), "HTTP/1.1 301 Moved\r\n"
	    "Location: http://127.0.0.1:%d/cl\r\nContent-Length: 5\r\n\r\n"
	    "moved", port);
	pthread_create(&t, NULL, acceptor, (void *)(intptr_t)lfd);
	pthread_detach(t);
	return 0;
}

/* What a request came to, as the client's callbacks saw it. */
struct result {
	bool		 done;
	int		 status;
	uint64_t	 bytes;
	ais_err		 e;
	char		 why[160];
	char		 body[CL_SIZE + 1];
	size_t		 len;
	char		 cktype[32];
};

static void
on_header(void *arg, struct slice name, struct slice value)
{
	struct result *r = arg;

	if (slice_caseeq(name, "Ais-Checksum-Type") && value.len < 32) {
		memcpy(r->cktype, value.ptr, value.len);
		r->cktype[value.len] = '\0';
	}
}

static void
on_body(void *arg, const char *data, size_t len)
{
	struct result *r = arg;

	assert_true(r->len + len <= CL_SIZE);
	memcpy(r->body + r->len, data, len);
	r->len += len;
}

static void
on_done(void *arg, int status, uint64_t bytes, ais_err e, const char *why)
{
	struct result *r = arg;

	r->done = true;
	r->status = status;
	r->bytes = bytes;
	r->e = e;
	snprintf(r->why, sizeof(r->why), "%s", why != NULL ? why : "");
}

static const struct hget_ops ops = { on_header, on_body, on_done };

struct client {
	int		 ep;
	struct hget	 g;
	struct result	 r;
	char		 buf[4096];
};

static struct client *
client_new(void)
{
	struct client *c = calloc(1, sizeof(*c));

	c->ep = epoll_create1(0);
	/* a small read buffer: a body takes several reads */
	hget_init(&c->g, c->ep, &ops, &c->r, c->buf, sizeof(c->buf), NULL);
	return c;
}

static void
client_free(struct client *c)
{
	hget_fini(&c->g);
	close(c->ep);
	free(c);
}

/* GETs path from the test's server; the error of hget_start, or AIS_OK. */
static ais_err
get(struct client *c, const char *path)
{
	struct epoll_event evs[8];
	char url[256];
	int i, n, spins = 0;
	ais_err e;

	memset(&c->r, 0, sizeof(c->r));
	snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", port, path);
	if ((e = hget_start(&c->g, url)) != AIS_OK)
		return e;
	while (!c->r.done) {
		assert_true(spins++ < 500);
		n = epoll_wait(c->ep, evs, 8, 10);
		for (i = 0; i < n; i++)
			hget_event(evs[i].data.ptr);
	}
	return AIS_OK;
}

static void
test_content_length_on_a_kept_connection(void **state)
{
	struct client *c = client_new();
	int before = atomic_load(&accepts), i;

	(void)state;
	for (i = 0; i < 3; i++) {
		assert_int_equal(get(c, "/cl"), AIS_OK);
		assert_int_equal(c->r.status, 200);
		assert_int_equal(c->r.bytes, CL_SIZE);
		assert_int_equal(c->r.len, CL_SIZE);
		assert_int_equal(c->r.body[0], 'c');
		assert_int_equal(c->r.body[CL_SIZE - 1], 'c');
	}
	assert_int_equal(atomic_load(&accepts), before + 1);
	client_free(c);
}

static void
test_chunked_body_then_the_same_connection(void **state)
{
	struct client *c = client_new();
	int before = atomic_load(&accepts);

	(void)state;
	assert_int_equal(get(c, "/chunked"), AIS_OK);
	assert_int_equal(c->r.status, 200);
	c->r.body[c->r.len] = '\0';
	assert_string_equal(c->r.body, "hello world");
	assert_int_equal(c->r.bytes, 11);
	assert_int_equal(get(c, "/cl"), AIS_OK);
	assert_int_equal(c->r.bytes, CL_SIZE);
	assert_int_equal(atomic_load(&accepts), before + 1);
	client_free(c);
}

static void
test_redirects_are_followed_and_their_bodies_not_counted(void **state)
{
	struct client *c = client_new();

	(void)state;
	assert_int_equal(get(c, "/redir-abs"), AIS_OK);
	assert_int_equal(c->r.status, 200);
	assert_int_equal(c->r.bytes, CL_SIZE);
	assert_int_equal(get(c, "/redir-rel"), AIS_OK);
	assert_int_equal(c->r.status, 200);
	assert_int_equal(c->r.bytes, 11);
	assert_int_equal(get(c, "/loop"), AIS_OK);
	assert_int_equal(c->r.status, 0);
	assert_int_equal(c->r.e, AIS_EPROTO);
	assert_string_equal(c->r.why, "too many redirects");
	client_free(c);
}

static void
test_a_kept_connection_the_server_dropped_is_retried(void **state)
{
	struct client *c = client_new();
	int before = atomic_load(&accepts);

	(void)state;
	assert_int_equal(get(c, "/then-drop"), AIS_OK);
	assert_int_equal(c->r.status, 200);
	usleep(20000);		/* the server has closed it meanwhile */
	assert_int_equal(get(c, "/cl"), AIS_OK);
	assert_int_equal(c->r.status, 200);
	assert_int_equal(c->r.bytes, CL_SIZE);
	assert_int_equal(atomic_load(&accepts), before + 2);
	client_free(c);
}

static void
test_a_body_up_to_eof(void **state)
{
	struct client *c = client_new();

	(void)state;
	assert_int_equal(get(c, "/eof"), AIS_OK);
	assert_int_equal(c->r.status, 200);
	assert_int_equal(c->r.bytes, 3);
	client_free(c);
}

static void
test_bad_servers_fail_the_request_with_a_reason(void **state)
{
	struct client *c = client_new();
	ais_err e;

	(void)state;
	/* a body cut short */
	assert_int_equal(get(c, "/short"), AIS_OK);
	assert_int_equal(c->r.status, 0);
	assert_int_equal(c->r.e, AIS_ECLOSED);
	assert_non_null(strstr(c->r.why, "mid-response"));
	/* not HTTP */
	assert_int_equal(get(c, "/garbage"), AIS_OK);
	assert_int_equal(c->r.e, AIS_EPROTO);
	assert_string_equal(c->r.why, "malformed response head");
	/* nobody listening: refused at once, or as the request's end */
	memset(&c->r, 0, sizeof(c->r));
	e = hget_start(&c->g, "http://127.0.0.1:1/x");
	if (e == AIS_OK) {
		struct epoll_event ev;

		while (!c->r.done)
			if (epoll_wait(c->ep, &ev, 1, 1000) == 1)
				hget_event(ev.data.ptr);
		e = c->r.e;
	}
	assert_int_equal(e, AIS_ECONNREFUSED);
	assert_int_equal(hget_start(&c->g, "https://127.0.0.1/x"), AIS_EINVAL);
	assert_false(hget_supports("https://127.0.0.1/x"));
	assert_true(hget_supports("http://[::1]:80/x"));
	client_free(c);
}

static void
test_an_error_status_keeps_the_connection(void **state)
{
	struct client *c = client_new();
	int before = atomic_load(&accepts);

	(void)state;
	assert_int_equal(get(c, "/404"), AIS_OK);
	assert_int_equal(c->r.status, 404);
	assert_int_equal(c->r.bytes, 4);
	assert_int_equal(get(c, "/ck"), AIS_OK);
	assert_int_equal(c->r.status, 200);
	assert_string_equal(c->r.cktype, "xxhash");
	assert_int_equal(atomic_load(&accepts), before + 1);
	client_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_content_length_on_a_kept_connection),
		cmocka_unit_test(test_chunked_body_then_the_same_connection),
		cmocka_unit_test(
		    test_redirects_are_followed_and_their_bodies_not_counted),
		cmocka_unit_test(
		    test_a_kept_connection_the_server_dropped_is_retried),
		cmocka_unit_test(test_a_body_up_to_eof),
		cmocka_unit_test(test_bad_servers_fail_the_request_with_a_reason),
		cmocka_unit_test(test_an_error_status_keeps_the_connection),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
