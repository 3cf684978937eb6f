/*
 * hrw.h: highest-random-weight placement, compatible with AIStore.
 *
 * The uname of an object is "<provider>/@#/<bucket>/<object>".  Its digest
 * is XXH64(uname, seed 1103515245); a node's digest is XXH64(node id, same
 * seed), a mountpath's XXH64(mountpath string, same seed).  The owner is the
 * candidate with the highest hrw_weight(candidate digest, object digest).
 */
#ifndef AIS_HRW_H
#define AIS_HRW_H

#include <stddef.h>
#include <stdint.h>

#define HRW_SEED 1103515245ULL

uint64_t	hrw_digest(const void *buf, size_t len);
uint64_t	hrw_digest_str(const char *);
uint64_t	hrw_weight(uint64_t candidate_digest, uint64_t object_digest);

/*
 * Index of the highest weight among n candidate digests; ties go to the
 * later candidate, as in AIStore.  -1 when n is 0.
 */
int		hrw_pick(const uint64_t *candidates, size_t n, uint64_t object);

/*
 * Writes the uname into buf; returns its length, or a value >= len when it
 * did not fit (as snprintf).
 */
size_t		hrw_uname(char *buf, size_t len, const char *provider,
		    const char *bucket, const char *object);

#endif
