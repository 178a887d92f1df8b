/* SPDX-License-Identifier: ISC */
/* The MTA-STS TXT record at _mta-sts.<domain> (RFC 8461 section 3.1): "v=STSv1; id=...". Its
 * syntax only; the policy it announces is fetched over HTTPS elsewhere. A pure function. */
#ifndef MTASTS_TXT_H
#define MTASTS_TXT_H
#include <stdbool.h>
#include <stddef.h>

#include "findings.h"

struct mtasts_txt {
	bool valid;
	const char *id; /* the id field's value in the parsed text, NULL when none */
	size_t idlen;
};

/* Does the text start "v=STSv1" then ';' or its end (the records a sender keeps)? */
bool mtasts_txt_is_record(const char *s, size_t n);
/* Parse a record; findings MTA_STS_INVALID_RECORD and MTA_STS_BAD_ID (errors). */
void mtasts_txt_parse(const char *s, size_t n, struct mtasts_txt *r, struct findings *f);

#endif
