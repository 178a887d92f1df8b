/* SPDX-License-Identifier: ISC */
/* SPF records (RFC 7208): selection and full syntax of every mechanism and modifier, including
 * CIDR bounds, domain-spec toplabel rules and macros. A pure function: text in, terms and
 * findings out. The DNS walk (lookup limits, void lookups, loops) is the caller's. */
#ifndef SPF_H
#define SPF_H
#include <stdbool.h>
#include <stddef.h>

#include "findings.h"

/* More than this many bytes does not fit a 512-byte UDP answer (RFC 7208 section 3.4). */
#define SPF_SIZE_LIMIT 450

enum spf_mech { SPF_ALL, SPF_INCLUDE, SPF_A, SPF_MX, SPF_PTR, SPF_IP4, SPF_IP6, SPF_EXISTS };

struct spf_term {
	enum spf_mech mech;
	char qual;	 /* '+', '-', '~' or '?' */
	const char *arg; /* domain-spec or address text (into the record), NULL when absent */
	size_t arglen;
	bool macro; /* the domain-spec holds a macro: its target is not known offline */
};

struct spf_record {
	struct spf_term *terms;
	size_t nterms, cap;
	const char *redirect, *exp; /* domain-specs, NULL when absent */
	size_t redirect_len, exp_len;
	bool redirect_macro;
	char all;	  /* qualifier of the first "all", 0 when there is none */
	unsigned lookups; /* terms that query DNS: include a mx ptr exists, and redirect */
	bool syntax_ok;
};

/* Is this TXT text an SPF record ("v=spf1" then a space or the end, case-insensitive)? */
bool spf_is_record(const char *s, size_t n);
void spf_record_init(struct spf_record *r);
void spf_record_free(struct spf_record *r);
/* Parse s (which must outlive r) into r, adding findings (category spf) to f. */
void spf_parse(const char *s, size_t n, struct spf_record *r, struct findings *f);
/* Is code one of the syntax findings spf_parse gives? */
bool spf_syntax_code(const char *code);

#endif
