/*
 * hrw.c: AIStore-compatible HRW (see hrw.h and ais(7)).
 */
#include <stdio.h>
#include <string.h>
#include <xxhash.h>

#include "hrw.h"

uint64_t
hrw_digest(const void *buf, size_t len)
{
	return XXH64(buf, len, HRW_SEED);
}

uint64_t
hrw_digest_str(const char *s)
{
	return XXH64(s, strlen(s), HRW_SEED);
}

static uint64_t
rotl64(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* The splitmix64-style scramble of AIStore's xoshiro256.Hash. */
static uint64_t
hrw_mix(uint64_t z)
{
	z += 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z = (z ^ (z >> 31)) + 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z = (z ^ (z >> 31)) * 5;
	return rotl64(z, 7) * 9;
}

uint64_t
hrw_weight(uint64_t candidate, uint64_t object)
{
	return hrw_mix(candidate ^ object);
}

int
hrw_pick(const uint64_t *candidates, size_t n, uint64_t object)
{
	uint64_t best = 0, w;
	int owner = -1;
	size_t i;

	for (i = 0; i < n; i++) {
		w = hrw_weight(candidates[i], object);
		if (owner < 0 || w >= best) {
			best = w;
			owner = (int)i;
		}
	}
	return owner;
}

size_t
hrw_uname(char *buf, size_t len, const char *provider, const char *bucket,
    const char *object)
{
	int n;

	n = snprintf(buf, len, "%s/@#/%s/%s", provider, bucket, object);
	return n < 0 ? len : (size_t)n;
}
