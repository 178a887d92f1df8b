/* SPDX-License-Identifier: ISC */
/* Domain names as the filters see them: normalised (UTS #46 mapping first: case, fullwidth
 * forms, ideographic full stops; one trailing dot dropped), kept in two forms that every
 * spelling of one name shares (Unicode for people and scoring, A-labels for lookups and the
 * store), checked against DNS limits, and reduced to the registrable domain (eTLD+1) by libpsl
 * with the system's public suffix list. Every command reads names through dname_set. */
#ifndef DNAME_H
#define DNAME_H
#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

struct dname {
	/* valid: the Unicode form of ascii (U-labels for its xn-- labels); invalid: the input
	 * mapped as far as it goes (ill-formed UTF-8 as U+FFFD, NFKC, lowercased) */
	struct buf text;
	struct buf ascii;    /* the A-label form when the name is valid */
	const char *invalid; /* NULL when valid, else why not (valid until the next dname_set) */
	struct buf why;
	const char *reg_text;  /* registrable domain within text, or NULL */
	const char *reg_ascii; /* registrable domain within ascii; NULL unless the name is valid */
};

void dname_init(struct dname *d);
void dname_free(struct dname *d);
/* Normalise and check n bytes of a name. Returns 0 when it is a valid DNS name, -1 when not
 * (d->invalid says why; d->text is still filled, so callers may score it anyway). */
int dname_set(struct dname *d, const char *s, size_t n);
/* Find the registrable domain. Unknown top-level names (not in the list), public suffixes
 * themselves, single labels and IP addresses have none: returns false. */
bool dname_registrable(struct dname *d);
/* The Unicode form of an A-label name (for people); NULL if it does not decode. malloc'd. */
char *dname_to_unicode(const char *ascii);
/* Load the public suffix list from a file (.dat or .dafsa); NULL = the system's default.
 * Returns 0, or -1 if the file cannot be read (the built-in list is used then). */
int dname_psl_load(const char *file);

#endif
