/*
 * snap.c: lock-free readers, serialised writers (see snap.h).
 */
#include <stdlib.h>

#include "snap.h"

void
snap_init(struct snap *s, void *initial, void (*free_fn)(void *))
{
	atomic_init(&s->cur, initial);
	pthread_mutex_init(&s->mu, NULL);
	s->retired = NULL;
	s->nretired = 0;
	s->free_fn = free_fn;
}

void *
snap_get(struct snap *s)
{
	return atomic_load_explicit(&s->cur, memory_order_acquire);
}

void
snap_lock(struct snap *s)
{
	pthread_mutex_lock(&s->mu);
}

void
snap_unlock(struct snap *s)
{
	pthread_mutex_unlock(&s->mu);
}

void
snap_publish(struct snap *s, void *next)
{
	void **r, *prev;

	prev = atomic_exchange_explicit(&s->cur, next, memory_order_acq_rel);
	if (prev == NULL)
		return;
	r = reallocarray(s->retired, s->nretired + 1, sizeof(*r));
	if (r == NULL)
		abort();
	s->retired = r;
	s->retired[s->nretired++] = prev;
}

void
snap_fini(struct snap *s)
{
	size_t i;

	for (i = 0; i < s->nretired; i++)
		s->free_fn(s->retired[i]);
	free(s->retired);
	s->free_fn(atomic_load(&s->cur));
	pthread_mutex_destroy(&s->mu);
}
