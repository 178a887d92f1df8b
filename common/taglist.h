/* SPDX-License-Identifier: ISC */
/* Tag-lists as DMARC and BIMI records write them (RFC 6376 section 3.2 syntax):
 * "v=X; tag=value; tag=value", parts split on ';' with white space around them trimmed.
 * Inline: the record parsers ask for every part of every record. */
#ifndef TAGLIST_H
#define TAGLIST_H
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* From offset *i (inside the part before the next ';'), find the next non-empty part after
 * it: *t and *tn are set to it, trimmed of spaces and tabs, and *i to the ';' (or the end) after
 * it. Returns false at the end. */
static inline bool
taglist_next(const char *s, size_t n, size_t *i, const char **t, size_t *tn)
{
	size_t k = *i;
	while (k < n) {
		/* mostly *i is at the ';' already */
		const char *semi = s[k] == ';' ? s + k : memchr(s + k, ';', n - k);
		if (!semi)
			break;
		k = (size_t)(semi - s) + 1;
		if (k >= n)
			break;
		size_t st = k;
		semi = memchr(s + k, ';', n - k);
		k = semi ? (size_t)(semi - s) : n;
		const char *p = s + st;
		size_t pn = k - st;
		while (pn && (*p == ' ' || *p == '\t'))
			p++, pn--;
		while (pn && (p[pn - 1] == ' ' || p[pn - 1] == '\t'))
			pn--;
		if (pn == 0)
			continue;
		*i = k;
		*t = p;
		*tn = pn;
		return true;
	}
	*i = n;
	return false;
}

#endif
