/*
 * spare.h: empty work files made ahead of need.
 *
 * Creating a file costs an inode allocation: 60-350 us on the ext4 of our
 * test machines, the high end right after many deletions (without a
 * journal, ext4 steps over recently freed inodes one at a time).  A cold
 * GET would pay it before asking the backend for its first byte, and a PUT
 * before storing its first.  A thread keeps a few unnamed files
 * (O_TMPFILE) open on each mountpath; fs_open_work links one into place,
 * which costs 10-35 us, and a cold GET names its own only once it is
 * stored.  Unnamed files vanish with the process: there is nothing to
 * clean after a crash.
 */
#ifndef AIS_SPARE_H
#define AIS_SPARE_H

#include <stddef.h>

#include "ais_err.h"

#define SPARES_PER_DIR	16

struct spares;

/* Starts the thread that keeps SPARES_PER_DIR spares in each dirs[i]. */
ais_err	spares_start(struct spares **, const char *const *dirs, size_t n);

/* Takes a spare of dirs[i]: an O_RDWR descriptor, or -1 if none is ready. */
int	spares_take(struct spares *, size_t i);

/* Stops the thread and closes the spares not taken. */
void	spares_stop(struct spares *);

#endif
