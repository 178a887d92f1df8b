/* SPDX-License-Identifier: ISC */
/* A hash index over libpsl's own answers for a text public suffix list: the registrable domain
 * of a name found with a few hash lookups instead of libpsl's binary searches of its sorted rule
 * vector (a quarter of domain-freq's time on distinct names). The answers are libpsl's: at build
 * time every label that can be a rule of the list is asked of libpsl, so its quirks are kept;
 * fuzz/psl.c compares the two on any list and any name. */
#ifndef PSL_H
#define PSL_H
#include <libpsl.h>
#include <stdbool.h>
#include <stdio.h>

struct psl_index;

/* The index of the list in fp, which p was loaded from (psl_load_fp or psl_load_file of the
 * same bytes). NULL when fp holds a DAFSA (no rule text to index) or memory runs short: then
 * ask libpsl. */
struct psl_index *psl_index_build(const psl_ctx_t *p, FILE *fp);
void psl_index_free(struct psl_index *x);
/* psl_registrable_domain(p, name); with listed (or NULL), also whether the public suffix after
 * its first label is one by the list's own rules (psl_is_public_suffix2 with PSL_TYPE_ANY |
 * PSL_TYPE_NO_STAR_RULE), found on the way; false when there is none. */
const char *psl_index_registrable(const struct psl_index *x, const char *name, bool *listed);

#endif
