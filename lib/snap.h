/*
 * snap.h: a published, immutable snapshot read without locks.
 *
 * The cluster map and the bucket table are read on every request by every
 * event loop and changed rarely.  Readers take the current pointer with one
 * atomic load and never free it; a writer builds a new snapshot, swaps it
 * in, and the old one is retired, not freed, because a reader on another
 * thread may still hold it.  Retired snapshots are freed by snap_fini at
 * exit: memory grows by one snapshot per membership or bucket change, never
 * per request.
 */
#ifndef AIS_SNAP_H
#define AIS_SNAP_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

struct snap {
	_Atomic(void *)	  cur;
	pthread_mutex_t	  mu;		/* serialises writers */
	void		**retired;
	size_t		  nretired;
	void		(*free_fn)(void *);
};

void	 snap_init(struct snap *, void *initial, void (*free_fn)(void *));
void	*snap_get(struct snap *);
/* Writers: lock, read the current, build and publish a new one, unlock. */
void	 snap_lock(struct snap *);
void	 snap_unlock(struct snap *);
/* Publishes next (caller holds the lock); the previous one is retired. */
void	 snap_publish(struct snap *, void *next);
void	 snap_fini(struct snap *);

#endif
