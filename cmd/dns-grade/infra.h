/* SPDX-License-Identifier: ISC */
/* What the name-server checks (infra_ns.c) and the DNSSEC check (dnssec.c) share. */
#ifndef DNS_GRADE_INFRA_H
#define DNS_GRADE_INFRA_H

#include <stdbool.h>
#include <string.h>

#include "ascii.h"
#include "grade.h"

/* Is the C string the lowercase word w but for the case of ASCII letters (DNS names and
 * mnemonics are case-insensitive in ASCII only, whatever the locale)? */
static inline bool
word_is(const char *s, const char *w)
{
	return s && ascii_word_eq(s, strlen(s), w);
}

/* Why a query has no usable answer: its rcode, its error, or neither. */
static inline const char *
q_cause(const struct query *q)
{
	return q->answered ? q->rcode : q->error ? q->error : "no answer";
}

#endif
