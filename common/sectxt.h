/* SPDX-License-Identifier: ISC */
/* security.txt (RFC 9116): the fields of /.well-known/security.txt, whether it is signed
 * (an OpenPGP cleartext signature, RFC 4880 7, not verified: no key is known), and its
 * Expires date against a given time. A pure function: fetching and judging are the caller's. */
#ifndef SECTXT_H
#define SECTXT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "findings.h"

struct sectxt {
	bool valid;	 /* no error finding */
	size_t contacts; /* Contact fields */
	bool expires;	 /* one Expires field with a valid date */
	int64_t expires_at;
	bool expired; /* expires_at is before now */
	bool signed_; /* wrapped in -----BEGIN PGP SIGNED MESSAGE----- */
	size_t fields;
};

/* Parse s (n bytes, any) as it stood at time now (Unix seconds); findings get the
 * SECURITY_TXT_* codes (domstat(7)). */
void sectxt_parse(const char *s, size_t n, int64_t now, struct sectxt *t, struct findings *f);

#endif
