/* SPDX-License-Identifier: ISC */
/* BIMI assertion records (draft-brand-indicators-for-message-identification): version, tags,
 * logo and evidence URLs. A pure function; consistency with DMARC is the caller's. */
#ifndef BIMI_H
#define BIMI_H
#include <stdbool.h>
#include <stddef.h>

#include "findings.h"

struct bimi_record {
	bool valid;
	bool declined; /* l= and a= both empty: the domain opts out */
	bool has_logo, has_authority;
};

bool bimi_is_record(const char *s, size_t n);
void bimi_parse(const char *s, size_t n, struct bimi_record *r, struct findings *f);

#endif
