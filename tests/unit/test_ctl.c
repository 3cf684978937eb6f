/*
 * test_ctl.c: the nng control plane over real sockets: request/reply,
 * concurrency, a slow handler not blocking a fast request, bad JSON, dead
 * peers timing out, and fan-out to several servers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <nng/nng.h>
#include <nng/protocol/reqrep0/req.h>

#include "clock.h"
#include "ctl.h"

static json_t *
echo(json_t *req, void *arg)
{
	const char *op = json_string_value(json_object_get(req, "op"));
	json_t *reply;

	if (op != NULL && strcmp(op, "slow") == 0)
		usleep(400000);
	reply = ctl_reply_ok();
	json_object_set(reply, "echo", req);
	json_object_set_new(reply, "server", json_string(arg));
	return reply;
}

static void
url_for(char *buf, size_t len, int i)
{
	snprintf(buf, len, "ipc:///tmp/test_ctl.%d.%d", (int)getpid(), i);
}

static void
test_call_and_reply(void **state)
{
	struct ctl_server *s;
	struct ctl_client *c;
	json_t *req, *reply;
	char url[128], err[256];

	(void)state;
	url_for(url, sizeof(url), 0);
	assert_int_equal(ctl_server_start(&s, url, 2, echo, "a", err,
	    sizeof(err)), AIS_OK);
	assert_int_equal(ctl_client_new(&c), AIS_OK);
	req = json_pack("{s:s, s:i}", "op", "ping", "n", 7);
	assert_int_equal(ctl_call(c, url, req, 2000, &reply), AIS_OK);
	assert_int_equal(ctl_reply_status(reply), 200);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(
	    reply, "echo"), "n")), 7);
	json_decref(reply);
	json_decref(req);
	ctl_client_free(c);
	ctl_server_stop(s);
}

struct slow_arg {
	struct ctl_client	*c;
	const char		*url;
};

static void *
slow_call(void *arg)
{
	struct slow_arg *a = arg;
	json_t *req = json_pack("{s:s}", "op", "slow"), *reply = NULL;

	ctl_call(a->c, a->url, req, 3000, &reply);
	json_decref(req);
	json_decref(reply);
	return NULL;
}

static void
test_slow_request_does_not_block_fast_one(void **state)
{
	struct ctl_server *s;
	struct slow_arg a;
	pthread_t t;
	json_t *req, *reply;
	char url[128], err[256];
	long long t0;

	(void)state;
	url_for(url, sizeof(url), 1);
	assert_int_equal(ctl_server_start(&s, url, 4, echo, "a", err,
	    sizeof(err)), AIS_OK);
	assert_int_equal(ctl_client_new(&a.c), AIS_OK);
	a.url = url;
	pthread_create(&t, NULL, slow_call, &a);
	usleep(50000);
	t0 = mono_ms();
	req = json_pack("{s:s}", "op", "fast");
	assert_int_equal(ctl_call(a.c, url, req, 3000, &reply), AIS_OK);
	assert_true(mono_ms() - t0 < 300);
	json_decref(req);
	json_decref(reply);
	pthread_join(t, NULL);
	ctl_client_free(a.c);
	ctl_server_stop(s);
}

static void
test_dead_peer_times_out(void **state)
{
	struct ctl_client *c;
	json_t *req = json_pack("{s:s}", "op", "x"), *reply = NULL;
	long long t0 = mono_ms();
	ais_err e;

	(void)state;
	assert_int_equal(ctl_client_new(&c), AIS_OK);
	e = ctl_call(c, "tcp://127.0.0.1:1", req, 300, &reply);
	assert_true(e == AIS_ETIMEDOUT || e == AIS_ECONNREFUSED);
	assert_null(reply);
	assert_true(mono_ms() - t0 < 2000);
	json_decref(req);
	ctl_client_free(c);
}

static void
test_bad_json_gets_400(void **state)
{
	struct ctl_server *s;
	nng_socket sock;
	char url[128], err[256], *buf = NULL;
	size_t sz;

	(void)state;
	url_for(url, sizeof(url), 2);
	assert_int_equal(ctl_server_start(&s, url, 1, echo, "a", err,
	    sizeof(err)), AIS_OK);
	assert_int_equal(nng_req0_open(&sock), 0);
	assert_int_equal(nng_dial(sock, url, NULL, 0), 0);
	assert_int_equal(nng_send(sock, "{not json", 9, 0), 0);
	assert_int_equal(nng_recv(sock, &buf, &sz, NNG_FLAG_ALLOC), 0);
	assert_non_null(memmem(buf, sz, "\"status\":400", 12));
	nng_free(buf, sz);
	nng_close(sock);
	ctl_server_stop(s);
}

static void
test_fan_out_with_one_dead_peer(void **state)
{
	struct ctl_server *s[3];
	struct ctl_client *c;
	char urls[4][128], err[256];
	const char *u[4];
	json_t *req, *replies[4];
	ais_err errs[4];
	long long t0;
	int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		url_for(urls[i], sizeof(urls[i]), 10 + i);
		assert_int_equal(ctl_server_start(&s[i], urls[i], 1, echo,
		    "s", err, sizeof(err)), AIS_OK);
	}
	url_for(urls[3], sizeof(urls[3]), 99);	/* nobody listens */
	for (i = 0; i < 4; i++)
		u[i] = urls[i];
	assert_int_equal(ctl_client_new(&c), AIS_OK);
	req = json_pack("{s:s}", "op", "slow");
	t0 = mono_ms();
	assert_int_not_equal(ctl_call_many(c, u, 4, req, 1000, replies, errs),
	    AIS_OK);
	/* in parallel: about one slow reply plus the timeout, not four */
	assert_true(mono_ms() - t0 < 2500);
	for (i = 0; i < 3; i++) {
		assert_int_equal(errs[i], AIS_OK);
		assert_int_equal(ctl_reply_status(replies[i]), 200);
		json_decref(replies[i]);
	}
	assert_int_not_equal(errs[3], AIS_OK);
	assert_null(replies[3]);
	json_decref(req);
	ctl_client_free(c);
	for (i = 0; i < 3; i++)
		ctl_server_stop(s[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_call_and_reply),
		cmocka_unit_test(test_slow_request_does_not_block_fast_one),
		cmocka_unit_test(test_dead_peer_times_out),
		cmocka_unit_test(test_bad_json_gets_400),
		cmocka_unit_test(test_fan_out_with_one_dead_peer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
