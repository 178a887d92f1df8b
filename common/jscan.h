/* SPDX-License-Identifier: ISC */
/* Strict scanning of JSON text (RFC 8259) without building a tree: validate a record line and
 * find the byte spans of its members, so records pass through byte-identical and fast. */
#ifndef JSCAN_H
#define JSCAN_H
#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

#define JSCAN_MAX_DEPTH 512
/* Deepest path jscan_object_find follows while it validates. */
#define JSCAN_PATH_MAX_PARTS 16

struct jspan {
	const char *p;
	size_t n;
};

/* One member of an object: key is the quoted key text, val the value text. */
struct jmember {
	struct jspan key;
	struct jspan val;
};

struct jmembers {
	struct jmember *v;
	size_t n, cap;
};

/* A top-level member whose value the caller reads itself while the object is scanned, so a
 * command that parses one big member costs one pass over it instead of two. read gets the text
 * from the value's first byte to the end and returns how many bytes the value took, or 0 to
 * have jscan scan it as usual; it may take only a value jscan would accept (it is not checked
 * again). Only the first member whose key is exactly key (no escapes) goes to read, and none
 * on the path being looked for. */
struct jscan_defer {
	const char *key;
	size_t keylen;
	size_t (*read)(void *arg, const char *s, size_t n);
	void *arg;
	const char *taken; /* out: the value read took, or NULL */
};

/* Validate that s is exactly one JSON object (whitespace around it allowed) and list its
 * top-level members. On error returns -1 and sets *why (a static string) and *at (offset). */
int jscan_object(const char *s, size_t n, struct jmembers *out, const char **why, size_t *at);
/* The same, also finding the value a dotted path names (first match), in the same pass:
 * *has_found tells whether it was there. */
int jscan_object_find(const char *s, size_t n, struct jmembers *out, const char *path,
		      struct jspan *found, bool *has_found, const char **why, size_t *at);
/* jscan_object_find handing one member to defer (may be NULL). */
int jscan_object_defer(const char *s, size_t n, struct jmembers *out, const char *path,
		       struct jspan *found, bool *has_found, struct jscan_defer *defer,
		       const char **why, size_t *at);
/* The same with the path given as its member names (part[k], partlen[k] bytes, which may hold
 * dots); nparts 0 looks for nothing, and so does a path deeper than JSCAN_PATH_MAX_PARTS. */
int jscan_object_parts(const char *s, size_t n, struct jmembers *out, const char *const *part,
		       const size_t *partlen, int nparts, struct jspan *found, bool *has_found,
		       struct jscan_defer *defer, const char **why, size_t *at);
/* How many readable bytes jscan_object_parts_padded needs at the end of its text. */
#define JSCAN_PAD 16
/* jscan_object_parts for text followed by JSCAN_PAD readable bytes, the first of them a NUL
 * (a struct buf with that room: rec_read's lines): the scanner reads up to them instead of
 * testing for the end before each byte. The same results. */
int jscan_object_parts_padded(const char *s, size_t n, struct jmembers *out,
			      const char *const *part, const size_t *partlen, int nparts,
			      struct jspan *found, bool *has_found, struct jscan_defer *defer,
			      const char **why, size_t *at);
/* Validate any JSON text holding one value. */
int jscan_value(const char *s, size_t n, const char **why, size_t *at);

/* In already-validated object text, find member key (plain, unescaped bytes). */
bool jscan_get(struct jspan obj, const char *key, size_t keylen, struct jspan *val);
/* Follow a dotted path ("dns.rrname") from a list of top-level members. */
bool jscan_path(const struct jmembers *top, const char *path, struct jspan *val);
/* Does the quoted key text equal this plain key? */
bool jscan_key_eq(struct jspan key, const char *k, size_t klen);
/* The value of one hex digit of a \u escape, or -1. */
static inline int
jscan_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}
/* Decode validated string text (with its quotes) into UTF-8; lone surrogates become U+FFFD. */
void jscan_str_decode(struct jspan str, struct buf *out);
/* Iterate the elements of validated array text: *it starts 0; returns false at the end. */
bool jscan_array_next(struct jspan arr, size_t *it, struct jspan *elem);
/* Iterate the members of validated object text the same way. */
bool jscan_object_next(struct jspan obj, size_t *it, struct jmember *m);

#endif
