/*
 * thread.c: see thread.h.
 */
#include <pthread.h>
#include <stdio.h>

#include "thread.h"

void
thread_name(pthread_t t, const char *role, int i)
{
	char name[16];

	if (i < 0)
		snprintf(name, sizeof(name), "%s", role);
	else
		snprintf(name, sizeof(name), "%s%d", role, i);
	/* a name that does not take is no reason to fail: it is a label */
	(void)pthread_setname_np(t, name);
}
