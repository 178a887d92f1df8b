/* SPDX-License-Identifier: ISC */
/* What scan.c (the typed accessors) and scan_read.c (the JSON reader) share of the dns member's
 * values: their layout, the member-name and RR-type tables, and the reader's entry point. */
#ifndef DNS_GRADE_SCAN_JV_H
#define DNS_GRADE_SCAN_JV_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "grade.h"

enum jtype { JV_NULL, JV_BOOL, JV_INT, JV_DOUBLE, JV_STR, JV_ARR, JV_OBJ };

/* Values sit in document order: a container is followed by its children, each followed by its own
 * (skip says how many slots a value takes with everything under it), so nothing is moved or
 * patched once read and a container's children are found by stepping from one to the next. */
struct jv {
	const char *key; /* member name when in an object (decoded, NUL-terminated) */
	union {
		const char *s; /* JV_STR: decoded, NUL-terminated (it may hold NULs) */
		long long i;   /* JV_INT; JV_BOOL: 0 or 1 */
	} u;
	uint32_t keylen; /* its length up to the first NUL (json-c kept names as C strings) */
	uint32_t n;	 /* JV_STR: length; JV_ARR, JV_OBJ: number of children */
	uint32_t skip;	 /* slots this value and everything under it take (1 for a scalar) */
	uint8_t type;	 /* enum jtype */
	int8_t tcode;	 /* an object: type_code of its "type" member when that is a string,
			    else RR_NOTYPE (set by read_tree for arr_rr and load_queries) */
};

enum { RR_NOTYPE = -2 };

/* json-c's depth with json_tokener_new_ex(16): a value under 16 containers is too deep */
#define MAX_DEPTH 16

enum { P_OK = 0, P_DEEP = -1, P_BAD = -2 };

/* The member names dns-scan writes, by number (grade.h), and their lengths: here, not in one
 * file, so that a name asked by its constant number compares as a constant of known length. */
#define KEY_NAME(name) #name,
static const char *const key_name[NKEYS] = {"", SCAN_KEYS(KEY_NAME)};
#undef KEY_NAME
#define KEY_LEN(name) sizeof #name - 1,
static const unsigned char key_len[NKEYS] = {0, SCAN_KEYS(KEY_LEN)};
#undef KEY_LEN

/* Is a value's name the member name id? (The length and the first byte rule out most.) */
static inline bool
name_is(const struct jv *v, int id)
{
	return v->keylen == key_len[id] && v->key[0] == key_name[id][0] &&
	       !memcmp(v->key, key_name[id], key_len[id]);
}

/* A number for the RR types the graders look up, -1 for others (scan_read.c). */
int type_code(const char *t);

/* Read the value at the start of text into s->v (the root is the first value); *used is how
 * many bytes it took, or the byte where it failed. P_OK, P_DEEP or P_BAD. */
int read_all(struct scan *s, const char *text, size_t n, size_t *used);

#endif
