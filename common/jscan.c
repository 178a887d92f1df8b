/* SPDX-License-Identifier: ISC */
/* Strict JSON scanning: validation plus member spans, no tree and no copies. */
#include <stdint.h>
#include <string.h>

#include "jscan.h"
#include "jsonrun.h"
#include "utf8.h"
#include "xalloc.h"

#define PATH_MAX_PARTS JSCAN_PATH_MAX_PARTS

/* While validating, the scanner can also find the member a dotted path names, so a record's
 * domain costs no second walk over the text. */
struct scanner {
	const char *s;
	size_t n, i;
	int depth;
	const char *why;
	const char *part[PATH_MAX_PARTS];
	size_t partlen[PATH_MAX_PARTS];
	int nparts;
	int onpath; /* the next container's depth along the path, or -1 when off it */
	bool part_taken[PATH_MAX_PARTS]; /* only the first member of a name is followed, as
					    jscan_path */
	bool escaped;			 /* the string just scanned held a backslash escape */
	struct jspan *found;		 /* where to put the value the path names */
	bool *has_found;
	struct jscan_defer *defer; /* a top-level member read by the caller, or NULL */
};

static int scan_value(struct scanner *sc);

static inline void
skip_ws(struct scanner *sc)
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
fail(struct scanner *sc, const char *why)
{
	if (!sc->why)
		sc->why = why;
	return -1;
}

static int scan_string_rest(struct scanner *sc);

/* The string at sc->i (its opening quote). The common case, plain bytes up to the closing
 * quote, is small enough to inline where strings are scanned; the rest is not. */
static inline int
scan_string(struct scanner *sc)
{
	sc->escaped = false;
	size_t i = sc->i + 1, n = sc->n; /* after the opening quote */
	i += jsonrun_len(sc->s + i, sc->s + n);
	sc->i = i;
	if (i < n && sc->s[i] == '"') {
		sc->i++;
		return 0;
	}
	return scan_string_rest(sc);
}

/* The string from its first escape, control or multi-byte character on (sc->i). */
static int
scan_string_rest(struct scanner *sc)
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
			return fail(sc, "control character in string");
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
						return fail(sc, "bad \\u escape");
				sc->i += 6;
			} else if (strchr("\"\\/bfnrt", e) && e) {
				sc->i += 2;
			} else {
				return fail(sc, "bad escape in string");
			}
			continue;
		}
		if (c >= 0x80) {
			uint32_t cp;
			size_t k = utf8_decode1(p + sc->i, sc->n - sc->i, &cp);
			if (cp == UTF8_REPLACEMENT &&
			    !(k == 3 && p[sc->i] == 0xEF && p[sc->i + 1] == 0xBF &&
			      p[sc->i + 2] == 0xBD))
				return fail(sc, "invalid UTF-8 in string");
			sc->i += k;
			continue;
		}
		sc->i++;
	}
	return fail(sc, "unterminated string");
}

static int
scan_digits(struct scanner *sc)
{
	const char *s = sc->s;
	size_t start = sc->i, i = start, n = sc->n; /* in locals: a store to sc->i each digit */
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	sc->i = i;
	return i > start ? 0 : fail(sc, "bad number");
}

static int
scan_number(struct scanner *sc)
{
	if (sc->s[sc->i] == '-')
		sc->i++;
	if (sc->i < sc->n && sc->s[sc->i] == '0')
		sc->i++;
	else if (scan_digits(sc) < 0)
		return -1;
	if (sc->i < sc->n && sc->s[sc->i] == '.') {
		sc->i++;
		if (scan_digits(sc) < 0)
			return -1;
	}
	if (sc->i < sc->n && (sc->s[sc->i] == 'e' || sc->s[sc->i] == 'E')) {
		sc->i++;
		if (sc->i < sc->n && (sc->s[sc->i] == '+' || sc->s[sc->i] == '-'))
			sc->i++;
		if (scan_digits(sc) < 0)
			return -1;
	}
	return 0;
}

static int
scan_word(struct scanner *sc, const char *w, size_t len)
{
	if (sc->n - sc->i < len || memcmp(sc->s + sc->i, w, len))
		return fail(sc, "unexpected character");
	sc->i += len;
	return 0;
}

/* Object or array; `members` (objects at depth 1 only) collects spans. */
/* Does this member's quoted key equal the path part at depth k? */
static bool
key_on_path(const struct scanner *sc, struct jspan key, bool escaped, int k)
{
	if (k < 0 || k >= sc->nparts)
		return false;
	if (!escaped)
		return key.n == sc->partlen[k] + 2 &&
		       !memcmp(key.p + 1, sc->part[k], sc->partlen[k]);
	return jscan_key_eq(key, sc->part[k], sc->partlen[k]);
}

static int
scan_container(struct scanner *sc, struct jmembers *members)
{
	char close = sc->s[sc->i] == '{' ? '}' : ']';
	int onpath = close == '}' ? sc->onpath : -1;
	sc->onpath = -1;
	if (++sc->depth > JSCAN_MAX_DEPTH)
		return fail(sc, "nesting too deep");
	sc->i++;
	skip_ws(sc);
	if (sc->i < sc->n && sc->s[sc->i] == close) {
		sc->i++;
		sc->depth--;
		return 0;
	}
	for (;;) {
		struct jmember m;
		bool key_escaped = false;
		skip_ws(sc);
		if (close == '}') {
			if (sc->i >= sc->n || sc->s[sc->i] != '"')
				return fail(sc, "expected a member name");
			m.key.p = sc->s + sc->i;
			if (scan_string(sc) < 0)
				return -1;
			m.key.n = (size_t)(sc->s + sc->i - m.key.p);
			key_escaped = sc->escaped;
			skip_ws(sc);
			if (sc->i >= sc->n || sc->s[sc->i] != ':')
				return fail(sc, "expected ':'");
			sc->i++;
			skip_ws(sc);
		}
		m.val.p = sc->s + sc->i;
		bool want = close == '}' && onpath >= 0 && !*sc->has_found &&
			    !sc->part_taken[onpath] && key_on_path(sc, m.key, key_escaped, onpath);
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
		if (!took && scan_value(sc) < 0)
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
		skip_ws(sc);
		if (sc->i >= sc->n)
			return fail(sc, "unexpected end of text");
		if (sc->s[sc->i] == ',') {
			sc->i++;
			continue;
		}
		if (sc->s[sc->i] == close) {
			sc->i++;
			sc->depth--;
			return 0;
		}
		return fail(sc, close == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
	}
}

static int
scan_value(struct scanner *sc)
{
	if (sc->i >= sc->n)
		return fail(sc, "unexpected end of text");
	switch (sc->s[sc->i]) {
	case '{':
	case '[':
		return scan_container(sc, NULL);
	case '"':
		return scan_string(sc);
	case 't':
		return scan_word(sc, "true", 4);
	case 'f':
		return scan_word(sc, "false", 5);
	case 'n':
		return scan_word(sc, "null", 4);
	default:
		if (sc->s[sc->i] == '-' || (sc->s[sc->i] >= '0' && sc->s[sc->i] <= '9'))
			return scan_number(sc);
		return fail(sc, "unexpected character");
	}
}

static int
finish(struct scanner *sc, int rc, const char **why, size_t *at)
{
	if (rc == 0) {
		skip_ws(sc);
		if (sc->i != sc->n)
			rc = fail(sc, "text after the JSON value");
	}
	if (rc < 0) {
		if (why)
			*why = sc->why;
		if (at)
			*at = sc->i;
	}
	return rc;
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
	const char *part[PATH_MAX_PARTS];
	size_t partlen[PATH_MAX_PARTS];
	int nparts = 0;
	for (const char *p = path; p && nparts < PATH_MAX_PARTS;) {
		const char *dot = strchr(p, '.');
		part[nparts] = p;
		partlen[nparts++] = dot ? (size_t)(dot - p) : strlen(p);
		p = dot ? dot + 1 : NULL;
	}
	if (path && nparts == PATH_MAX_PARTS && strchr(part[PATH_MAX_PARTS - 1], '.'))
		nparts = -1; /* a path deeper than we follow finds nothing */
	return jscan_object_parts(s, n, out, part, partlen, nparts, found, has_found, defer, why,
				  at);
}

int
jscan_object_parts(const char *s, size_t n, struct jmembers *out, const char *const *part,
		   const size_t *partlen, int nparts, struct jspan *found, bool *has_found,
		   struct jscan_defer *defer, const char **why, size_t *at)
{
	bool unused_has;
	struct jspan unused_found;
	struct scanner sc = {.s = s,
			     .n = n,
			     .onpath = -1,
			     .found = found ? found : &unused_found,
			     .has_found = has_found ? has_found : &unused_has,
			     .defer = defer};
	*sc.has_found = false;
	if (defer)
		defer->taken = NULL;
	if (nparts > PATH_MAX_PARTS)
		nparts = -1;
	for (int k = 0; k < nparts; k++) {
		sc.part[k] = part[k];
		sc.partlen[k] = partlen[k];
	}
	sc.nparts = nparts > 0 ? nparts : 0;
	sc.onpath = sc.nparts ? 0 : -1;
	out->n = 0;
	skip_ws(&sc);
	int rc;
	if (sc.i >= n || s[sc.i] != '{')
		rc = fail(&sc, "not a JSON object");
	else
		rc = scan_container(&sc, out);
	return finish(&sc, rc, why, at);
}

int
jscan_value(const char *s, size_t n, const char **why, size_t *at)
{
	bool unused_has;
	struct jspan unused_found;
	struct scanner sc = {
	    .s = s, .n = n, .onpath = -1, .found = &unused_found, .has_found = &unused_has};
	skip_ws(&sc);
	int rc = scan_value(&sc);
	return finish(&sc, rc, why, at);
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
	while (i < n) {
		if (s[i] != '\\') {
			i++;
			continue;
		}
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
