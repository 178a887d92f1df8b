/* SPDX-License-Identifier: ISC */
/* Strict JSON scanning: validation plus member spans, no tree and no copies. */
#include <stdint.h>
#include <string.h>

#include "jscan.h"
#include "jsonrun.h"
#include "utf8.h"
#include "xalloc.h"
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* The scanner keeps its place in a local pointer that each step takes and returns (NULL after
 * an error), not in a struct in memory: a record line is mostly short strings and small numbers
 * between structural bytes, and the loads and stores of a shared position, several a member,
 * cost more than the bytes themselves. fuzz/jscan.c holds it to the plain version it replaced
 * (fuzz/jscan_ref.h): the same texts accepted, the same message at the same byte.
 * While validating, it can also find the member a dotted path names, so a record's domain
 * costs no second walk over the text. */
struct scanner {
	const char *end; /* where the text ends; in padded text (jscan_object_parts_padded) a NUL */
	const char *why, *at; /* the first error and where */
	int depth;
	const char *const *part; /* the path, its members' names */
	const size_t *partlen;
	int nparts;
	unsigned taken;	     /* parts followed already (a bit each): only the first member of a
				name is followed, as jscan_path */
	struct jspan *found; /* where to put the value the path names */
	bool *has_found;
	struct jscan_defer *defer; /* a top-level member read by the caller, or NULL */
};

static const char *scan_object(struct scanner *sc, const char *p, int onpath,
			       struct jmembers *members);
static const char *scan_object_padded(struct scanner *sc, const char *p, int onpath,
				      struct jmembers *members);
static const char *scan_array(struct scanner *sc, const char *p);
static const char *scan_array_padded(struct scanner *sc, const char *p);

/* Is there a byte at p to test? In padded text (pad) there always is: the NUL at the end,
 * which no test for a token accepts, stands for the end. The functions below take pad as a
 * constant, and scan_object and scan_array come in two copies, one for each: the tests of the
 * end they save were a fifth of the scanner's work. */
static inline bool
at_byte(const char *p, const char *end, bool pad)
{
	return pad || p < end;
}

static const char *
fail(struct scanner *sc, const char *p, const char *why)
{
	sc->why = why;
	sc->at = p;
	return NULL;
}

static inline const char *
skip_ws(const char *p, const char *end)
{
	/* one test for the usual byte, a token (above the space): compact records have no white
	 * space */
	while (p < end && (unsigned char)*p <= ' ' &&
	       (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

static const char *scan_string_rest(struct scanner *sc, const char *p);

/* The string whose opening quote is at p; returns the byte after its closing quote. The common
 * case, plain bytes up to the closing quote, is small enough to inline where strings are
 * scanned; the rest is not. */
static inline __attribute__((always_inline)) const char *
scan_string(struct scanner *sc, const char *p, bool pad)
{
	p++;
	p += pad ? jsonrun_len_padded(p, sc->end) : jsonrun_len(p, sc->end);
	if (at_byte(p, sc->end, pad) && *p == '"')
		return p + 1;
	return scan_string_rest(sc, p);
}

/* The string from its first escape, control or multi-byte character on (p). */
static const char *
scan_string_rest(struct scanner *sc, const char *p)
{
	const char *end = sc->end;
	while (p < end) {
		/* a run of plain printable ASCII (empty the first time round) */
		p += jsonrun_len(p, end);
		if (p >= end)
			break;
		unsigned c = (unsigned char)*p;
		if (c == '"')
			return p + 1;
		if (c < 0x20)
			return fail(sc, p, "control character in string");
		if (c == '\\') {
			if (end - p < 2)
				break;
			char e = p[1];
			if (e == 'u') {
				if (end - p < 6)
					break;
				for (int k = 2; k < 6; k++)
					if (jscan_hex_digit(p[k]) < 0)
						return fail(sc, p, "bad \\u escape");
				p += 6;
			} else if (e && strchr("\"\\/bfnrt", e)) {
				p += 2;
			} else {
				return fail(sc, p, "bad escape in string");
			}
			continue;
		}
		if (c >= 0x80) {
			const unsigned char *u = (const unsigned char *)p;
			uint32_t cp;
			size_t k = utf8_decode1(u, (size_t)(end - p), &cp);
			if (cp == UTF8_REPLACEMENT &&
			    !(k == 3 && u[0] == 0xEF && u[1] == 0xBF && u[2] == 0xBD))
				return fail(sc, p, "invalid UTF-8 in string");
			p += k;
			continue;
		}
		p++;
	}
	return fail(sc, p, "unterminated string");
}

static inline bool
is_digit(char c)
{
	return (unsigned char)(c - '0') < 10;
}

/* How many digits start at p: with SSE2, 16 bytes at a time while 16 are left before end, or
 * to the NUL in padded text (a record's numbers, ids and ports, are mostly 2 to 16 digits
 * long), then byte by byte. */
static inline size_t
digits_len(const char *p, const char *end, bool pad)
{
	const char *q = p;
#if defined(__SSE2__)
	for (; pad || end - q >= 16; q += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)q);
		/* signed compares: a byte from 0x80 up is below '0' */
		unsigned m = (unsigned)_mm_movemask_epi8(
		    _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('0' - 1)),
				  _mm_cmplt_epi8(x, _mm_set1_epi8('9' + 1))));
		if (m != 0xFFFF)
			return (size_t)(q - p) + (size_t)__builtin_ctz(~m);
	}
#endif
	while (q < end && is_digit(*q))
		q++;
	return (size_t)(q - p);
}

/* One or more digits from p. */
static inline const char *
scan_digits(struct scanner *sc, const char *p, bool pad)
{
	size_t n = digits_len(p, sc->end, pad);
	return n ? p + n : fail(sc, p, "bad number");
}

static inline __attribute__((always_inline)) const char *
scan_number(struct scanner *sc, const char *p, bool pad)
{
	const char *end = sc->end;
	if (*p == '-')
		p++;
	if (at_byte(p, end, pad) && *p == '0')
		p++;
	else if (!(p = scan_digits(sc, p, pad)))
		return NULL;
	if (at_byte(p, end, pad) && *p == '.' && !(p = scan_digits(sc, p + 1, pad)))
		return NULL;
	if (at_byte(p, end, pad) && (*p == 'e' || *p == 'E')) {
		p++;
		if (at_byte(p, end, pad) && (*p == '+' || *p == '-'))
			p++;
		p = scan_digits(sc, p, pad);
	}
	return p;
}

static const char *
scan_word(struct scanner *sc, const char *p, const char *w, size_t len)
{
	if ((size_t)(sc->end - p) < len || memcmp(p, w, len))
		return fail(sc, p, "unexpected character");
	return p + len;
}

static const char *scan_value_ws(struct scanner *sc, const char *p, int onpath, bool pad);

/* Any value at p, white space before it skipped (*start: where the value starts); onpath is
 * the path's depth the value is on when it is an object, or -1. Inlined into the loops over
 * members and elements; strings and numbers, most values of a record, are tested for first. */
static inline __attribute__((always_inline)) const char *
scan_value(struct scanner *sc, const char *p, int onpath, const char **start, bool pad)
{
	*start = p;
	if (!at_byte(p, sc->end, pad))
		return fail(sc, p, "unexpected end of text");
	char c = *p;
	if (c == '"')
		return scan_string(sc, p, pad);
	if (c == '-' || is_digit(c))
		return scan_number(sc, p, pad);
	switch (c) {
	case '{':
		return pad ? scan_object_padded(sc, p, onpath, NULL)
			   : scan_object(sc, p, onpath, NULL);
	case '[':
		return pad ? scan_array_padded(sc, p) : scan_array(sc, p);
	case 't':
		return scan_word(sc, p, "true", 4);
	case 'f':
		return scan_word(sc, p, "false", 5);
	case 'n':
		return scan_word(sc, p, "null", 4);
	case ' ':
	case '\t':
	case '\n':
	case '\r':
		/* white space first: out of the way of compact records */
		*start = p = skip_ws(p, sc->end);
		return scan_value_ws(sc, p, onpath, pad);
	default:
		return fail(sc, p, p < sc->end ? "unexpected character" : "unexpected end of text");
	}
}

/* The value at p, after white space (there is none at p). */
static const char *
scan_value_ws(struct scanner *sc, const char *p, int onpath, bool pad)
{
	const char *start;
	return pad ? scan_value(sc, p, onpath, &start, true)
		   : scan_value(sc, p, onpath, &start, false);
}

/* Is the byte at *p c, once white space is skipped (*p moves past it)? The byte is tested
 * first: compact records have no white space to skip. */
static inline bool
next_is(const char **p, const char *end, char c, bool pad)
{
	if (at_byte(*p, end, pad) && **p == c)
		return true;
	*p = skip_ws(*p, end);
	return *p < end && **p == c;
}

/* Does this member's quoted key equal the path part at depth k? plain: the key has no escape
 * (its raw bytes are the name). */
static inline bool
key_on_path(const struct scanner *sc, struct jspan key, bool plain, int k)
{
	size_t len = sc->partlen[k];
	if (key.n == len + 2) /* escapes would make it decode shorter */
		return !memcmp(key.p + 1, sc->part[k], len);
	return !plain && key.n > len + 2 && jscan_key_eq(key, sc->part[k], len);
}

/* Does the top-level member with this key go to the defer hook? */
static inline bool
key_deferred(const struct jscan_defer *d, struct jspan key)
{
	return !d->taken && key.n == d->keylen + 2 && !memcmp(key.p + 1, d->key, d->keylen) &&
	       !memchr(key.p + 1, '\\', d->keylen);
}

/* The object whose '{' is at p. onpath: its depth along the path (its members may be on it),
 * or -1; members (the top-level object only) collects their spans. */
static inline __attribute__((always_inline)) const char *
scan_object_in(struct scanner *sc, const char *p, int onpath, struct jmembers *members, bool pad)
{
	const char *end = sc->end;
	if (++sc->depth > JSCAN_MAX_DEPTH)
		return fail(sc, p, "nesting too deep");
	/* per member, one test rules out most keys for the path and one the defer hook: the
	 * unescaped length of the key on the path (none off it, as no key is 0 bytes long) */
	size_t on_n = onpath >= 0 ? sc->partlen[onpath] + 2 : 0;
	struct jscan_defer *defer = members ? sc->defer : NULL;
	p++;
	if (next_is(&p, end, '}', pad)) {
		sc->depth--;
		return p + 1;
	}
	for (;;) {
		if (!next_is(&p, end, '"', pad))
			return fail(sc, p, "expected a member name");
		struct jmember m;
		m.key.p = p;
		/* scan_string, telling a plain key (the usual one) from one with escapes */
		p++;
		p += pad ? jsonrun_len_padded(p, end) : jsonrun_len(p, end);
		bool plain = at_byte(p, end, pad) && *p == '"';
		if (!(p = plain ? p + 1 : scan_string_rest(sc, p)))
			return NULL;
		m.key.n = (size_t)(p - m.key.p);
		if (!next_is(&p, end, ':', pad))
			return fail(sc, p, "expected ':'");
		p++;
		int sub = -1;	   /* the path's depth the value is on */
		bool want = false; /* the value is the one the path names */
		if ((m.key.n == on_n || (!plain && onpath >= 0 && m.key.n > on_n)) &&
		    !*sc->has_found && !(sc->taken >> onpath & 1) &&
		    key_on_path(sc, m.key, plain, onpath)) {
			sc->taken |= 1u << onpath;
			if (onpath + 1 < sc->nparts)
				sub = onpath + 1; /* descend: the value may be the next object */
			else
				want = true;
		}
		size_t took = 0;
		if (defer && sub < 0 && !want) {
			p = skip_ws(p, end);
			if (p < end && key_deferred(defer, m.key)) {
				took = defer->read(defer->arg, p, (size_t)(end - p));
				if (took) {
					defer->taken = p;
					p += took;
				}
			}
		}
		if (!took) {
			if (!(p = scan_value(sc, p, sub, &m.val.p, pad)))
				return NULL;
		} else {
			m.val.p = defer->taken;
		}
		m.val.n = (size_t)(p - m.val.p);
		if (want) {
			*sc->found = m.val;
			*sc->has_found = true;
		}
		if (members) {
			if (members->n == members->cap) /* no call a member */
				members->v =
				    xgrow(members->v, &members->cap, members->n + 1, sizeof m);
			members->v[members->n++] = m;
		}
		if (next_is(&p, end, ',', pad)) {
			p++;
			continue;
		}
		if (at_byte(p, end, pad) && *p == '}') {
			sc->depth--;
			return p + 1;
		}
		return fail(sc, p, p < end ? "expected ',' or '}'" : "unexpected end of text");
	}
}

static const char *
scan_object(struct scanner *sc, const char *p, int onpath, struct jmembers *members)
{
	return scan_object_in(sc, p, onpath, members, false);
}

static const char *
scan_object_padded(struct scanner *sc, const char *p, int onpath, struct jmembers *members)
{
	return scan_object_in(sc, p, onpath, members, true);
}

/* The array whose '[' is at p. */
static inline __attribute__((always_inline)) const char *
scan_array_in(struct scanner *sc, const char *p, bool pad)
{
	const char *end = sc->end;
	if (++sc->depth > JSCAN_MAX_DEPTH)
		return fail(sc, p, "nesting too deep");
	p++;
	if (next_is(&p, end, ']', pad)) {
		sc->depth--;
		return p + 1;
	}
	for (;;) {
		const char *start;
		if (!(p = scan_value(sc, p, -1, &start, pad)))
			return NULL;
		if (next_is(&p, end, ',', pad)) {
			p++;
			continue;
		}
		if (at_byte(p, end, pad) && *p == ']') {
			sc->depth--;
			return p + 1;
		}
		return fail(sc, p, p < end ? "expected ',' or ']'" : "unexpected end of text");
	}
}

static const char *
scan_array(struct scanner *sc, const char *p)
{
	return scan_array_in(sc, p, false);
}

static const char *
scan_array_padded(struct scanner *sc, const char *p)
{
	return scan_array_in(sc, p, true);
}

/* After the value that ended at p (NULL: an error), only white space may follow. */
static int
finish(struct scanner *sc, const char *s, const char *p, const char **why, size_t *at)
{
	if (p) {
		p = skip_ws(p, sc->end);
		if (p == sc->end)
			return 0;
		fail(sc, p, "text after the JSON value");
	}
	if (why)
		*why = sc->why;
	if (at)
		*at = (size_t)(sc->at - s);
	return -1;
}

int
jscan_object(const char *s, size_t n, struct jmembers *out, const char **why, size_t *at)
{
	return jscan_object_find(s, n, out, NULL, NULL, NULL, why, at);
}

int
jscan_object_find(const char *s, size_t n, struct jmembers *out, const char *path,
		  struct jspan *found, bool *has_found, const char **why, size_t *at)
{
	return jscan_object_defer(s, n, out, path, found, has_found, NULL, why, at);
}

int
jscan_object_defer(const char *s, size_t n, struct jmembers *out, const char *path,
		   struct jspan *found, bool *has_found, struct jscan_defer *defer,
		   const char **why, size_t *at)
{
	const char *part[JSCAN_PATH_MAX_PARTS];
	size_t partlen[JSCAN_PATH_MAX_PARTS];
	int nparts = 0;
	for (const char *p = path; p && nparts < JSCAN_PATH_MAX_PARTS;) {
		const char *dot = strchr(p, '.');
		part[nparts] = p;
		partlen[nparts++] = dot ? (size_t)(dot - p) : strlen(p);
		p = dot ? dot + 1 : NULL;
	}
	if (path && nparts == JSCAN_PATH_MAX_PARTS && strchr(part[JSCAN_PATH_MAX_PARTS - 1], '.'))
		nparts = -1; /* a path deeper than we follow finds nothing */
	return jscan_object_parts(s, n, out, part, partlen, nparts, found, has_found, defer, why,
				  at);
}

static int
object_parts(const char *s, size_t n, struct jmembers *out, const char *const *part,
	     const size_t *partlen, int nparts, struct jspan *found, bool *has_found,
	     struct jscan_defer *defer, const char **why, size_t *at, bool pad)
{
	bool unused_has;
	struct jspan unused_found;
	struct scanner sc = {.end = s + n,
			     .part = part,
			     .partlen = partlen,
			     .nparts = nparts > 0 && nparts <= JSCAN_PATH_MAX_PARTS ? nparts : 0,
			     .found = found ? found : &unused_found,
			     .has_found = has_found ? has_found : &unused_has,
			     .defer = defer};
	*sc.has_found = false;
	if (defer)
		defer->taken = NULL;
	out->n = 0;
	const char *p = skip_ws(s, sc.end);
	if (p >= sc.end || *p != '{')
		p = fail(&sc, p, "not a JSON object");
	else
		p = (pad ? scan_object_padded : scan_object)(&sc, p, sc.nparts ? 0 : -1, out);
	return finish(&sc, s, p, why, at);
}

int
jscan_object_parts(const char *s, size_t n, struct jmembers *out, const char *const *part,
		   const size_t *partlen, int nparts, struct jspan *found, bool *has_found,
		   struct jscan_defer *defer, const char **why, size_t *at)
{
	return object_parts(s, n, out, part, partlen, nparts, found, has_found, defer, why, at,
			    false);
}

int
jscan_object_parts_padded(const char *s, size_t n, struct jmembers *out, const char *const *part,
			  const size_t *partlen, int nparts, struct jspan *found, bool *has_found,
			  struct jscan_defer *defer, const char **why, size_t *at)
{
	return object_parts(s, n, out, part, partlen, nparts, found, has_found, defer, why, at,
			    true);
}

int
jscan_value(const char *s, size_t n, const char **why, size_t *at)
{
	bool unused_has;
	struct jspan unused_found;
	struct scanner sc = {.end = s + n, .found = &unused_found, .has_found = &unused_has};
	const char *start;
	const char *p = scan_value(&sc, skip_ws(s, sc.end), -1, &start, false);
	return finish(&sc, s, p, why, at);
}

/* Helpers below walk text that was validated already, so they only need to find boundaries. */

static size_t
skip_ws_at(const char *s, size_t n, size_t i)
{
	/* one test for the usual byte, a token (above the space): compact records have no white
	 * space */
	while (i < n && (unsigned char)s[i] <= ' ' &&
	       (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
		i++;
	return i;
}

static size_t
skip_value_at(const char *s, size_t n, size_t i)
{
	int depth = 0;
	bool in_str = false;
	for (; i < n; i++) {
		char c = s[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"') {
				in_str = false;
				if (depth == 0)
					return i + 1;
			}
			continue;
		}
		switch (c) {
		case '"':
			in_str = true;
			break;
		case '{':
		case '[':
			depth++;
			break;
		case '}':
		case ']':
			if (depth == 0)
				return i;
			if (--depth == 0)
				return i + 1;
			break;
		case ',':
			if (depth == 0)
				return i;
			break;
		case ' ':
		case '\t':
		case '\n':
		case '\r':
			if (depth == 0)
				return i;
			break;
		default:
			break;
		}
	}
	return i;
}

bool
jscan_object_next(struct jspan obj, size_t *it, struct jmember *m)
{
	const char *s = obj.p;
	size_t n = obj.n, i = *it;
	if (i == 0) {
		i = skip_ws_at(s, n, 0);
		if (i >= n || s[i] != '{')
			return false;
		i++;
	}
	i = skip_ws_at(s, n, i);
	if (i < n && s[i] == ',')
		i = skip_ws_at(s, n, i + 1);
	if (i >= n || s[i] != '"')
		return false;
	size_t k = skip_value_at(s, n, i);
	m->key.p = s + i;
	m->key.n = k - i;
	i = skip_ws_at(s, n, k);
	if (i >= n || s[i] != ':')
		return false;
	i = skip_ws_at(s, n, i + 1);
	k = skip_value_at(s, n, i);
	m->val.p = s + i;
	m->val.n = k - i;
	*it = k;
	return true;
}

bool
jscan_array_next(struct jspan arr, size_t *it, struct jspan *elem)
{
	const char *s = arr.p;
	size_t n = arr.n, i = *it;
	if (i == 0) {
		i = skip_ws_at(s, n, 0);
		if (i >= n || s[i] != '[')
			return false;
		i++;
	}
	i = skip_ws_at(s, n, i);
	if (i < n && s[i] == ',')
		i = skip_ws_at(s, n, i + 1);
	if (i >= n || s[i] == ']')
		return false;
	size_t k = skip_value_at(s, n, i);
	elem->p = s + i;
	elem->n = k - i;
	*it = k;
	return true;
}

bool
jscan_key_eq(struct jspan key, const char *k, size_t klen)
{
	size_t raw = key.n - 2;
	if (raw == klen)
		return !memcmp(key.p + 1, k, klen); /* escapes would make it decode shorter */
	if (raw < klen || !memchr(key.p + 1, '\\', raw))
		return false;
	struct buf b = BUF_INIT;
	jscan_str_decode(key, &b);
	bool eq = b.len == klen && !memcmp(b.s, k, klen);
	buf_free(&b);
	return eq;
}

bool
jscan_get(struct jspan obj, const char *key, size_t keylen, struct jspan *val)
{
	size_t it = 0;
	struct jmember m;
	while (jscan_object_next(obj, &it, &m))
		if (jscan_key_eq(m.key, key, keylen)) {
			*val = m.val;
			return true;
		}
	return false;
}

bool
jscan_path(const struct jmembers *top, const char *path, struct jspan *val)
{
	const char *dot = strchr(path, '.');
	size_t klen = dot ? (size_t)(dot - path) : strlen(path);
	size_t i;
	for (i = 0; i < top->n; i++)
		if (jscan_key_eq(top->v[i].key, path, klen))
			break;
	if (i == top->n)
		return false;
	struct jspan cur = top->v[i].val;
	while (dot) {
		path = dot + 1;
		dot = strchr(path, '.');
		klen = dot ? (size_t)(dot - path) : strlen(path);
		if (cur.n == 0 || cur.p[0] != '{' || !jscan_get(cur, path, klen, &cur))
			return false;
	}
	*val = cur;
	return true;
}

void
jscan_str_decode(struct jspan str, struct buf *out)
{
	const char *s = str.p + 1;
	size_t n = str.n >= 2 ? str.n - 2 : 0, i = 0, run = 0;
	/* from escape to escape: most strings, names above all, have none */
	const char *bs;
	while (i < n && (bs = memchr(s + i, '\\', n - i))) {
		i = (size_t)(bs - s);
		buf_add(out, s + run, i - run);
		char e = s[i + 1];
		if (e == 'u') {
			uint32_t cp = 0;
			for (int k = 2; k < 6; k++)
				cp = cp * 16 + (uint32_t)jscan_hex_digit(s[i + k]);
			i += 6;
			if (cp >= 0xD800 && cp <= 0xDBFF && i + 6 <= n && s[i] == '\\' &&
			    s[i + 1] == 'u') {
				uint32_t lo = 0;
				for (int k = 2; k < 6; k++)
					lo = lo * 16 + (uint32_t)jscan_hex_digit(s[i + k]);
				if (lo >= 0xDC00 && lo <= 0xDFFF) {
					cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
					i += 6;
				}
			}
			if (cp >= 0xD800 && cp <= 0xDFFF)
				cp = UTF8_REPLACEMENT;
			buf_add_utf8(out, cp);
		} else {
			char c = e;
			switch (e) {
			case 'b':
				c = '\b';
				break;
			case 'f':
				c = '\f';
				break;
			case 'n':
				c = '\n';
				break;
			case 'r':
				c = '\r';
				break;
			case 't':
				c = '\t';
				break;
			default:
				break;
			}
			buf_addc(out, c);
			i += 2;
		}
		run = i;
	}
	buf_add(out, s + run, n - run);
}
