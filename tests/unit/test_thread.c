/*
 * test_thread.c: a thread's name is its role and index, cut to what the
 * kernel keeps (15 bytes).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <string.h>

#include "thread.h"

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

/* holds the thread alive until the test unlocks mu */
static void *
park(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&mu);
	pthread_mutex_unlock(&mu);
	return NULL;
}

static void
name_of(const char *role, int i, char out[16])
{
	pthread_t t;

	pthread_mutex_lock(&mu);
	assert_int_equal(pthread_create(&t, NULL, park, NULL), 0);
	thread_name(t, role, i);
	assert_int_equal(pthread_getname_np(t, out, 16), 0);
	pthread_mutex_unlock(&mu);
	pthread_join(t, NULL);
}

static void
test_role_and_index(void **state)
{
	char name[16];

	(void)state;
	name_of("http", 0, name);
	assert_string_equal(name, "http0");
	name_of("cold", 63, name);
	assert_string_equal(name, "cold63");
	name_of("spares", -1, name);
	assert_string_equal(name, "spares");
}

static void
test_long_name_is_cut_to_fifteen_bytes(void **state)
{
	char name[16];

	(void)state;
	name_of("averyveryverylongrole", 7, name);
	assert_int_equal(strlen(name), 15);
	assert_memory_equal(name, "averyveryverylo", 15);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_role_and_index),
		cmocka_unit_test(test_long_name_is_cut_to_fifteen_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
