/* SPDX-License-Identifier: ISC */
/* The SMTP TLS reporting TXT record at _smtp._tls.<domain> (RFC 8460 section 3):
 * "v=TLSRPTv1; rua=mailto:...,https://...". A pure function. */
#ifndef TLSRPT_H
#define TLSRPT_H
#include <stdbool.h>
#include <stddef.h>

#include "findings.h"

struct tlsrpt_record {
	bool valid;
	unsigned mailto, https; /* report URIs of each scheme */
};

/* Does the text start "v=TLSRPTv1" then ';' or its end (the records a sender keeps)? */
bool tlsrpt_is_record(const char *s, size_t n);
/* Parse a record; findings TLSRPT_INVALID_RECORD and TLSRPT_BAD_RUA (errors). */
void tlsrpt_parse(const char *s, size_t n, struct tlsrpt_record *r, struct findings *f);

#endif
