/* Tag-lists as DMARC and BIMI records write them (RFC 6376 section 3.2 syntax):
 * "v=X; tag=value; tag=value", parts split on ';' with white space around them trimmed. */
#ifndef TAGLIST_H
#define TAGLIST_H
#include <stdbool.h>
#include <stddef.h>

/* From offset *i (inside the part before the next ';'), find the next non-empty part after
 * it: *t and *tn are set to it, trimmed of spaces and tabs. Returns false at the end. */
bool taglist_next(const char *s, size_t n, size_t *i, const char **t, size_t *tn);

#endif
