/* SPDX-License-Identifier: ISC */
/* Paths to a member of a JSON record, as --field takes them: the part of jq's path syntax a log
 * needs (dns.rrname, .dns.rrname, a["id.orig_h"], a[0].b, dns.queries[].rrname), parsed once
 * before any input is read and followed in each record. */
#ifndef JPATH_H
#define JPATH_H
#include <stdbool.h>
#include <stddef.h>

#include "jscan.h"

/* Longest path followed (steps); a longer one is refused when parsed. */
#define JPATH_MAX_STEPS 32

enum jpath_kind {
	JPATH_KEY,   /* .name or ["name"]: the first member of that name */
	JPATH_INDEX, /* [N]: element N (from 0) of an array */
	JPATH_EACH,  /* []: every element of an array (or value of an object), in order */
};

struct jpath_step {
	enum jpath_kind kind;
	char *key; /* JPATH_KEY: the decoded name (may hold NUL bytes), NUL-terminated */
	size_t keylen;
	size_t index; /* JPATH_INDEX */
};

struct jpath {
	struct jpath_step step[JPATH_MAX_STEPS];
	size_t n;
	bool keys_only; /* every step a JPATH_KEY: jscan can follow it while it validates */
};

/* Parse text (n bytes). 0 on success; -1 with *why (a static string) and *at (the byte offset
 * where the path went wrong) when the text is no path of this grammar:
 *	path := ["."] step ( "." name | bracket )*	step := name | bracket
 *	name := one or more bytes other than . [ ] " and white space
 *	bracket := "[" JSON-string "]" | "[" digits "]" | "[]"
 * A path has at least one step, and does not start with an index (a record is an object). */
int jpath_parse(struct jpath *p, const char *text, size_t n, const char **why, size_t *at);
void jpath_free(struct jpath *p);

/* Follow p from the top-level members of a validated object. The first match wins: the first
 * member of a name, and for [] the first element in which the rest of the path is found. */
bool jpath_find(const struct jmembers *top, const struct jpath *p, struct jspan *val);

#endif
