/*
 * thread.h: names for the daemons' threads, as top -H, ps -L, perf and
 * gdb show them ("http0", "fill1", "spares"), so that a profile or a
 * stuck thread says which part of the daemon it is.
 */
#ifndef AIS_THREAD_H
#define AIS_THREAD_H

#include <pthread.h>

/* Names t "<role><i>", or "<role>" when i < 0; the kernel keeps 15 bytes. */
void	thread_name(pthread_t t, const char *role, int i);

#endif
