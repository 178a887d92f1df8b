/* SPDX-License-Identifier: ISC */
/* The oracle for fuzz/jscan.c: common/jscan.c's scanner as it was before it was rewritten for
 * speed (a recursive walk keeping its place in a struct, one step at a time), renamed ref_*.
 * The rewrite must accept and reject the same texts with the same message at the same byte,
 * and find the same members, path value and deferred member; this plain version is the rule. */
#ifndef FUZZ_JSCAN_REF_H
#define FUZZ_JSCAN_REF_H
#include <stdint.h>
#include <string.h>

#include "jscan.h"
#include "jsonrun.h"
#include "utf8.h"
#include "xalloc.h"

/* While validating, the ref_scanner can also find the member a dotted path names, so a record's
 * domain costs no second walk over the text. */
struct ref_scanner {
	const char *s;
	size_t n, i;
	int depth;
	const char *why;
	const char *part[JSCAN_PATH_MAX_PARTS];
	size_t partlen[JSCAN_PATH_MAX_PARTS];
	int nparts;
	int onpath; /* the next container's depth along the path, or -1 when off it */
	bool part_taken[JSCAN_PATH_MAX_PARTS]; /* only the first member of a name is followed, as
					    jscan_path */
	bool escaped;			       /* the string just scanned held a backslash escape */
	struct jspan *found;		       /* where to put the value the path names */
	bool *has_found;
	struct jscan_defer *defer; /* a top-level member read by the caller, or NULL */
};

static int ref_scan_value(struct ref_scanner *sc);

static inline void
ref_skip_ws(struct ref_scanner *sc)
{
	const char *s = sc->s;
	size_t i = sc->i, n = sc->n;
	/* one test for the usual byte, a token (above the space): compact records have no white
	 * space */
	while (i < n && (unsigned char)s[i] <= ' ' &&
	       (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
		i++;
	sc->i = i;
}

static int
ref_fail(struct ref_scanner *sc, const char *why)
{
	if (!sc->why)
		sc->why = why;
	return -1;
}

static int ref_scan_string_rest(struct ref_scanner *sc);

/* The string at sc->i (its opening quote). The common case, plain bytes up to the closing
 * quote, is small enough to inline where strings are scanned; the rest is not. */
static inline int
ref_scan_string(struct ref_scanner *sc)
{
	sc->escaped = false;
	size_t i = sc->i + 1, n = sc->n; /* after the opening quote */
	i += jsonrun_len(sc->s + i, sc->s + n);
	sc->i = i;
	if (i < n && sc->s[i] == '"') {
		sc->i++;
		return 0;
	}
	return ref_scan_string_rest(sc);
}

/* The string from its first escape, control or multi-byte character on (sc->i). */
static int
ref_scan_string_rest(struct ref_scanner *sc)
{
	const unsigned char *p = (const unsigned char *)sc->s;
	while (sc->i < sc->n) {
		/* a run of plain printable ASCII (empty the first time round) */
		sc->i += jsonrun_len(sc->s + sc->i, sc->s + sc->n);
		if (sc->i >= sc->n)
			break;
		unsigned c = p[sc->i];
		if (c == '"') {
			sc->i++;
			return 0;
		}
		if (c < 0x20)
			return ref_fail(sc, "control character in string");
		if (c == '\\') {
			sc->escaped = true;
			if (sc->i + 1 >= sc->n)
				break;
			char e = sc->s[sc->i + 1];
			if (e == 'u') {
				if (sc->i + 6 > sc->n)
					break;
				for (int k = 2; k < 6; k++)
					if (jscan_hex_digit(sc->s[sc->i + k]) < 0)
						return ref_fail(sc, "bad \\u escape");
				sc->i += 6;
			} else if (strchr("\"\\/bfnrt", e) && e) {
				sc->i += 2;
			} else {
				return ref_fail(sc, "bad escape in string");
			}
			continue;
		}
		if (c >= 0x80) {
			uint32_t cp;
			size_t k = utf8_decode1(p + sc->i, sc->n - sc->i, &cp);
			if (cp == UTF8_REPLACEMENT &&
			    !(k == 3 && p[sc->i] == 0xEF && p[sc->i + 1] == 0xBF &&
			      p[sc->i + 2] == 0xBD))
				return ref_fail(sc, "invalid UTF-8 in string");
			sc->i += k;
			continue;
		}
		sc->i++;
	}
	return ref_fail(sc, "unterminated string");
}

static int
ref_scan_digits(struct ref_scanner *sc)
{
	const char *s = sc->s;
	size_t start = sc->i, i = start, n = sc->n; /* in locals: a store to sc->i each digit */
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	sc->i = i;
	return i > start ? 0 : ref_fail(sc, "bad number");
}

static int
ref_scan_number(struct ref_scanner *sc)
{
	if (sc->s[sc->i] == '-')
		sc->i++;
	if (sc->i < sc->n && sc->s[sc->i] == '0')
		sc->i++;
	else if (ref_scan_digits(sc) < 0)
		return -1;
	if (sc->i < sc->n && sc->s[sc->i] == '.') {
		sc->i++;
		if (ref_scan_digits(sc) < 0)
			return -1;
	}
	if (sc->i < sc->n && (sc->s[sc->i] == 'e' || sc->s[sc->i] == 'E')) {
		sc->i++;
		if (sc->i < sc->n && (sc->s[sc->i] == '+' || sc->s[sc->i] == '-'))
			sc->i++;
		if (ref_scan_digits(sc) < 0)
			return -1;
	}
	return 0;
}

static int
ref_scan_word(struct ref_scanner *sc, const char *w, size_t len)
{
	if (sc->n - sc->i < len || memcmp(sc->s + sc->i, w, len))
		return ref_fail(sc, "unexpected character");
	sc->i += len;
	return 0;
}

/* Does this member's quoted key equal the path part at depth k? */
static bool
ref_key_on_path(const struct ref_scanner *sc, struct jspan key, bool escaped, int k)
{
	if (k < 0 || k >= sc->nparts)
		return false;
	if (!escaped)
		return key.n == sc->partlen[k] + 2 &&
		       !memcmp(key.p + 1, sc->part[k], sc->partlen[k]);
	return jscan_key_eq(key, sc->part[k], sc->partlen[k]);
}

static int
ref_scan_container(struct ref_scanner *sc, struct jmembers *members)
{
	char close = sc->s[sc->i] == '{' ? '}' : ']';
	int onpath = close == '}' ? sc->onpath : -1;
	sc->onpath = -1;
	if (++sc->depth > JSCAN_MAX_DEPTH)
		return ref_fail(sc, "nesting too deep");
	sc->i++;
	ref_skip_ws(sc);
	if (sc->i < sc->n && sc->s[sc->i] == close) {
		sc->i++;
		sc->depth--;
		return 0;
	}
	for (;;) {
		struct jmember m;
		bool key_escaped = false;
		ref_skip_ws(sc);
		if (close == '}') {
			if (sc->i >= sc->n || sc->s[sc->i] != '"')
				return ref_fail(sc, "expected a member name");
			m.key.p = sc->s + sc->i;
			if (ref_scan_string(sc) < 0)
				return -1;
			m.key.n = (size_t)(sc->s + sc->i - m.key.p);
			key_escaped = sc->escaped;
			ref_skip_ws(sc);
			if (sc->i >= sc->n || sc->s[sc->i] != ':')
				return ref_fail(sc, "expected ':'");
			sc->i++;
			ref_skip_ws(sc);
		}
		m.val.p = sc->s + sc->i;
		bool want = close == '}' && onpath >= 0 && !*sc->has_found &&
			    !sc->part_taken[onpath] &&
			    ref_key_on_path(sc, m.key, key_escaped, onpath);
		if (want)
			sc->part_taken[onpath] = true;
		if (want && onpath + 1 < sc->nparts)
			sc->onpath =
			    onpath + 1; /* descend: the value may be the next object on the path */
		size_t took = 0;
		if (members && sc->defer && !sc->defer->taken && !want && !key_escaped &&
		    m.key.n == sc->defer->keylen + 2 &&
		    !memcmp(m.key.p + 1, sc->defer->key, sc->defer->keylen) && sc->i < sc->n) {
			took = sc->defer->read(sc->defer->arg, sc->s + sc->i, sc->n - sc->i);
			if (took) {
				sc->defer->taken = sc->s + sc->i;
				sc->i += took;
			}
		}
		if (!took && ref_scan_value(sc) < 0)
			return -1;
		sc->onpath = -1;
		m.val.n = (size_t)(sc->s + sc->i - m.val.p);
		if (want && onpath + 1 == sc->nparts) {
			*sc->found = m.val;
			*sc->has_found = true;
		}
		if (members) {
			if (members->n == members->cap) /* no call a member */
				members->v =
				    xgrow(members->v, &members->cap, members->n + 1, sizeof m);
			members->v[members->n++] = m;
		}
		ref_skip_ws(sc);
		if (sc->i >= sc->n)
			return ref_fail(sc, "unexpected end of text");
		if (sc->s[sc->i] == ',') {
			sc->i++;
			continue;
		}
		if (sc->s[sc->i] == close) {
			sc->i++;
			sc->depth--;
			return 0;
		}
		return ref_fail(sc, close == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
	}
}

static int
ref_scan_value(struct ref_scanner *sc)
{
	if (sc->i >= sc->n)
		return ref_fail(sc, "unexpected end of text");
	switch (sc->s[sc->i]) {
	case '{':
	case '[':
		return ref_scan_container(sc, NULL);
	case '"':
		return ref_scan_string(sc);
	case 't':
		return ref_scan_word(sc, "true", 4);
	case 'f':
		return ref_scan_word(sc, "false", 5);
	case 'n':
		return ref_scan_word(sc, "null", 4);
	default:
		if (sc->s[sc->i] == '-' || (sc->s[sc->i] >= '0' && sc->s[sc->i] <= '9'))
			return ref_scan_number(sc);
		return ref_fail(sc, "unexpected character");
	}
}

static int
ref_finish(struct ref_scanner *sc, int rc, const char **why, size_t *at)
{
	if (rc == 0) {
		ref_skip_ws(sc);
		if (sc->i != sc->n)
			rc = ref_fail(sc, "text after the JSON value");
	}
	if (rc < 0) {
		if (why)
			*why = sc->why;
		if (at)
			*at = sc->i;
	}
	return rc;
}

static int
ref_jscan_object_parts(const char *s, size_t n, struct jmembers *out, const char *const *part,
		       const size_t *partlen, int nparts, struct jspan *found, bool *has_found,
		       struct jscan_defer *defer, const char **why, size_t *at)
{
	bool unused_has;
	struct jspan unused_found;
	struct ref_scanner sc = {.s = s,
				 .n = n,
				 .onpath = -1,
				 .found = found ? found : &unused_found,
				 .has_found = has_found ? has_found : &unused_has,
				 .defer = defer};
	*sc.has_found = false;
	if (defer)
		defer->taken = NULL;
	if (nparts > JSCAN_PATH_MAX_PARTS)
		nparts = -1;
	for (int k = 0; k < nparts; k++) {
		sc.part[k] = part[k];
		sc.partlen[k] = partlen[k];
	}
	sc.nparts = nparts > 0 ? nparts : 0;
	sc.onpath = sc.nparts ? 0 : -1;
	out->n = 0;
	ref_skip_ws(&sc);
	int rc;
	if (sc.i >= n || s[sc.i] != '{')
		rc = ref_fail(&sc, "not a JSON object");
	else
		rc = ref_scan_container(&sc, out);
	return ref_finish(&sc, rc, why, at);
}

static int
ref_jscan_value(const char *s, size_t n, const char **why, size_t *at)
{
	bool unused_has;
	struct jspan unused_found;
	struct ref_scanner sc = {
	    .s = s, .n = n, .onpath = -1, .found = &unused_found, .has_found = &unused_has};
	ref_skip_ws(&sc);
	int rc = ref_scan_value(&sc);
	return ref_finish(&sc, rc, why, at);
}

#endif
