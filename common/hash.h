/* SPDX-License-Identifier: ISC */
/* The one hash of the in-memory tables (names to slots): 64-bit FNV-1a. Not for hostile keys
 * where a collision costs more than a probe, and never stored: it may change. */
#ifndef HASH_H
#define HASH_H
#include <stddef.h>
#include <stdint.h>

#define HASH_INIT 14695981039346656037ULL

/* h continued over n more bytes (from HASH_INIT, or a seed mixed into it). */
static inline uint64_t
hash_add(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 1099511628211ULL;
	return h;
}

static inline uint64_t
hash_bytes(const void *p, size_t n)
{
	return hash_add(HASH_INIT, p, n);
}

#endif
