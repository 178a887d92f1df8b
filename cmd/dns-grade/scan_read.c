/* SPDX-License-Identifier: ISC */
/* The JSON reader of dns-scan's `dns` member, checking every member before use: hostile or
 * truncated scan data becomes a problem report, never a crash.
 *
 * The member's text is copied once and read in one pass into a flat array of values, usually while
 * the record layer validates the line (scan_read_member: the reader checks what it reads as
 * strictly as jscan, so the member is not scanned twice): values sit in document order, a
 * container before its children, strings are decoded in place and NUL-terminated, the member
 * names dns-scan writes are numbered where they stand, nothing is allocated per value. It keeps
 * the meaning the graders had when this was a json-c tree, to the byte: a repeated member name
 * means the last one, a name is compared up to an escaped NUL, integers saturate at the int64
 * range, anything with a fraction or exponent is not an integer, and a value nested 16 deep makes
 * the member unusable. Its problems are reported in our words, with the byte where they are. */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ascii.h"
#include "grade.h"
#include "jscan.h"
#include "jsonrun.h"
#include "scan_jv.h"
#include "utf8.h"
#include "xalloc.h"

#define TYPE_NAME(name) #name,
static const char *const types[NTYPES] = {SCAN_TYPES(TYPE_NAME)};
#undef TYPE_NAME
_Static_assert(NTYPES <= sizeof((struct scan *)0)->type_first / sizeof(int), "a list a type");

#define TYPE_LEN(name) sizeof #name - 1,
static const unsigned char type_len[NTYPES] = {SCAN_TYPES(TYPE_LEN)};
#undef TYPE_LEN

/* A number for the RR types the graders look up (in any case of ASCII letters, as DNS
 * mnemonics are), -1 for others. It runs for every RR the reader reads, so it does not measure
 * t first: the first letter rules out most types, and a type's name is compared with its
 * terminating NUL, so t matches only when it ends there too. */
int
type_code(const char *t)
{
	unsigned char first = (unsigned char)(*t | 0x20); /* a letter's lower case */
	for (int i = 0; i < NTYPES; i++)
		if ((types[i][0] | 0x20) == first && ascii_case_eq(t, types[i], type_len[i] + 1u))
			return i;
	return -1;
}

/* --- the storage a scan is read into: kept from record to record, cleared before each ---- */

void
scan_init(struct scan *s)
{
	memset(s, 0, sizeof *s);
}

void
scan_clear(struct scan *s)
{
	s->root = NULL;
	s->nv = 0;
	s->domain = NULL;
	s->domainlen = 0;
	s->nq = 0;
	memset(s->type_first, 0xff, sizeof s->type_first); /* -1: no query of that type */
	s->nproblems = 0;
	s->status = s->profile = NULL;
	s->refused = -1;
	s->read = false;
	buf_reset(&s->problem);
}

void
scan_free(struct scan *s)
{
	scan_clear(s);
	free(s->qs);
	free(s->text);
	free(s->v);
	buf_free(&s->problem);
}

/* --- the reader --------------------------------------------------------------------------- */

/* The functions below take the position and return the one after what they read, or NULL on
 * an error (fail). The text is followed by 16 NULs (read_all), and a NUL is never valid where
 * a token is expected outside a string: the padding stops every search and fails every check,
 * so the end needs no test of its own. */
struct reader {
	struct scan *s;
	char *end;
	int err;   /* P_DEEP or P_BAD when a function returned NULL */
	size_t at; /* and the byte of the member where it was */
};

static char *
fail(struct reader *r, int err, const char *p)
{
	r->err = err;
	r->at = (size_t)(p - r->s->text);
	return NULL;
}

static char *
skip_ws(char *p)
{
	while ((unsigned char)*p <= ' ' && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

static bool
hex4(const char *p, const char *end, unsigned *out)
{
	if (end - p < 4)
		return false;
	unsigned v = 0;
	for (int k = 0; k < 4; k++) {
		int h = jscan_hex_digit(p[k]);
		if (h < 0)
			return false;
		v = v * 16 + (unsigned)h;
	}
	*out = v;
	return true;
}

static char *
put_utf8(char *w, unsigned cp)
{
	if (cp < 0x80) {
		*w++ = (char)cp;
	} else if (cp < 0x800) {
		*w++ = (char)(0xC0 | (cp >> 6));
		*w++ = (char)(0x80 | (cp & 0x3F));
	} else if (cp < 0x10000) {
		*w++ = (char)(0xE0 | (cp >> 12));
		*w++ = (char)(0x80 | ((cp >> 6) & 0x3F));
		*w++ = (char)(0x80 | (cp & 0x3F));
	} else {
		*w++ = (char)(0xF0 | (cp >> 18));
		*w++ = (char)(0x80 | ((cp >> 12) & 0x3F));
		*w++ = (char)(0x80 | ((cp >> 6) & 0x3F));
		*w++ = (char)(0x80 | (cp & 0x3F));
	}
	return w;
}

/* The first byte at or after p that ends a plain run of a string (jsonrun.h): the quote, the
 * backslash, a control character or a byte of a multi-byte character. At the latest it is the
 * end, whose NUL (read_all's padding of 16) reads as a control character, so the search needs
 * no test of the end. Strings are most of a scan's bytes: the search goes 16 bytes at a time
 * where SSE2 is there. The fuzz target compares the strings read with json-c's. */
static inline char *
find_stop(const struct reader *r, char *p)
{
	return p + jsonrun_len_padded(p, r->end);
}

/* The string at p (its opening quote): decode it in place (escapes only ever shrink),
 * NUL-terminate it, return the position after its closing quote. Lone surrogates become U+FFFD, a
 * high surrogate followed by another \u escape that is not a low one too (as json-c does). It is as
 * strict as jscan (escapes, control characters, UTF-8), so it can check text jscan has not seen
 * (scan_read_member). */
static char *read_string_rest(struct reader *r, char *start, char *bs, const char **out,
			      size_t *len);

static inline char *
read_string(struct reader *r, char *p, const char **out, size_t *len)
{
	char *start = p + 1, *bs = find_stop(r, start);
	if (*bs == '"') {
		*bs = '\0';
		*out = start;
		*len = (size_t)(bs - start);
		return bs + 1;
	}
	return read_string_rest(r, start, bs, out, len);
}

/* The rest of a string from its first escape, control or multi-byte character (bs) on. */
static char *
read_string_rest(struct reader *r, char *start, char *bs, const char **out, size_t *len)
{
	char *end = r->end, *w = bs, *p = bs;
	for (;;) {
		char *q = find_stop(r, p); /* a plain run up to the next escape or special byte */
		if (q > p) {
			memmove(w, p, (size_t)(q - p));
			w += q - p;
			p = q;
		}
		if (p >= end)
			return NULL;
		unsigned char c = (unsigned char)*p;
		if (c == '"')
			break;
		if (c < 0x20)
			return NULL;
		if (c >= 0x80) {
			uint32_t cp;
			size_t k = utf8_decode1((const unsigned char *)p, (size_t)(end - p), &cp);
			if (cp == UTF8_REPLACEMENT &&
			    !(k == 3 && c == 0xEF && (unsigned char)p[1] == 0xBF &&
			      (unsigned char)p[2] == 0xBD))
				return NULL;
			memmove(w, p, k);
			w += k;
			p += k;
			continue;
		}
		if (c != '\\') {
			*w++ = (char)c;
			p++;
			continue;
		}
		if (end - p < 2)
			return NULL;
		char e = p[1];
		p += 2;
		switch (e) {
		case 'b':
			*w++ = '\b';
			break;
		case 'f':
			*w++ = '\f';
			break;
		case 'n':
			*w++ = '\n';
			break;
		case 'r':
			*w++ = '\r';
			break;
		case 't':
			*w++ = '\t';
			break;
		case '"':
		case '\\':
		case '/':
			*w++ = e;
			break;
		case 'u': {
			unsigned cp, lo;
			if (!hex4(p, end, &cp))
				return NULL;
			p += 4;
			if (cp >= 0xD800 && cp <= 0xDBFF && end - p >= 6 && p[0] == '\\' &&
			    p[1] == 'u' && hex4(p + 2, end, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				p += 6;
			}
			if (cp >= 0xD800 && cp <= 0xDFFF)
				cp = 0xFFFD;
			w = put_utf8(w, cp);
			break;
		}
		default:
			return NULL;
		}
	}
	*w = '\0';
	*out = start;
	*len = (size_t)(w - start);
	return p + 1;
}

/* JSON's number grammar; integers saturate at the int64 range (json-c's strtoll/strtoull,
 * then get_int64), anything with a fraction or exponent is a double. */
static char *
read_number(char *p, struct jv *v)
{
	bool neg = *p == '-';
	if (neg)
		p++;
	unsigned long long u = 0;
	bool sat = false;
	if (*p < '0' || *p > '9')
		return NULL;
	if (*p == '0') {
		p++; /* no more digits after a leading zero */
	} else {
		const char *first = p;
		unsigned d;
		while ((d = (unsigned)(unsigned char)*p - '0') < 10) {
			u = u * 10 + d; /* wraps past 19 digits: those are read again below */
			p++;
		}
		if (p - first > 19) {
			/* 19 digits cannot pass ULLONG_MAX: only longer numbers need the check */
			u = 0;
			for (const char *q = first; q < p; q++) {
				d = (unsigned)(*q - '0');
				if (u > (ULLONG_MAX - d) / 10)
					sat = true;
				else
					u = u * 10 + d;
			}
		}
	}
	bool dbl = false;
	if (*p == '.') {
		dbl = true;
		if (*++p < '0' || *p > '9')
			return NULL;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		dbl = true;
		if (*++p == '+' || *p == '-')
			p++;
		if (*p < '0' || *p > '9')
			return NULL;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (dbl) {
		v->type = JV_DOUBLE;
		return p;
	}
	v->type = JV_INT;
	if (neg)
		v->u.i = sat || u > (unsigned long long)INT64_MAX ? INT64_MIN : -(long long)u;
	else
		v->u.i = sat || u > (unsigned long long)INT64_MAX ? INT64_MAX : (long long)u;
	return p;
}

/* The name of an object's member at p (its opening quote), up to the colon and the white
 * space after it: *key and *keylen name the value that follows. A name is compared up to
 * an escaped NUL, as json-c kept names as C strings. */
static char *
read_name(struct reader *r, char *p, const char **key, size_t *keylen)
{
	if (*p != '"')
		return fail(r, P_BAD, p);
	char *start = p + 1, *q = find_stop(r, start);
	if (*q == '"') { /* plain bytes, as every name dns-scan writes */
		*q = '\0';
		*key = start;
		*keylen = (size_t)(q - start);
		q++;
	} else {
		if (!(q = read_string_rest(r, start, q, key, keylen)))
			return fail(r, P_BAD, p);
		*keylen = strnlen(*key, *keylen); /* up to an escaped NUL, if any */
	}
	if (*q != ':') { /* white space before the colon (dns-scan writes none) */
		q = skip_ws(q);
		if (*q != ':')
			return fail(r, P_BAD, q);
	}
	return skip_ws(q + 1);
}

/* A value that is not a container at p into x. */
static char *
read_scalar(struct reader *r, char *p, struct jv *x)
{
	char *q = NULL;
	if (*p == '"') {
		size_t len;
		q = read_string(r, p, &x->u.s, &len);
		x->n = (uint32_t)len;
		x->type = JV_STR;
	} else if (!memcmp(p, "true", 4)) {
		x->type = JV_BOOL;
		x->u.i = 1;
		q = p + 4;
	} else if (!memcmp(p, "false", 5)) {
		x->type = JV_BOOL;
		x->u.i = 0;
		q = p + 5;
	} else if (!memcmp(p, "null", 4)) {
		x->type = JV_NULL;
		q = p + 4;
	} else if (*p == '-' || (*p >= '0' && *p <= '9')) {
		q = read_number(p, x);
	}
	return q ? q : fail(r, P_BAD, p);
}

/* The value at p (no white space before it) and everything in it, each value into the next
 * slot of s->v. The open containers are on a stack, not a recursion: a value under MAX_DEPTH
 * of them is too deep, whatever it is. The stack holds pointers (s->v is sized before reading
 * and does not move), and whether the innermost container is an object is kept in a local, so
 * the loop run for every value reads no other slot to find where it is. */
static char *
read_tree(struct reader *r, char *p)
{
	struct scan *s = r->s;
	struct jv *open[MAX_DEPTH]; /* the open containers, the innermost last */
	int depth = 0;
	struct jv *parent = NULL; /* open[depth - 1], the container of the value at p */
	bool in_object = false;	  /* open[depth - 1] is an object: its elements have names */
	const char *key = NULL;	  /* the name of the value at p, in an object */
	size_t keylen = 0;
	struct jv *x = s->v; /* the slot of the value at p */
	s->nv = 0;
	for (;; x++) {
		if (depth >= MAX_DEPTH)
			return fail(r, P_DEEP, p);
		x->key = key;
		x->keylen = (uint32_t)keylen;
		x->n = 0;
		x->skip = 1;
		x->tcode = RR_NOTYPE;
		if (parent)
			parent->n++;
		if (*p == '{' || *p == '[') {
			x->type = *p == '{' ? JV_OBJ : JV_ARR;
			/* an object's RR type is its last "type" member when that is a string */
			if (name_is(x, K_type)) /* only a member has a name */
				parent->tcode = RR_NOTYPE;
			open[depth++] = parent = x;
			in_object = x->type == JV_OBJ;
			p = skip_ws(p + 1);
			if (*p != (in_object ? '}' : ']'))
				goto element;
		} else {
			if (!(p = read_scalar(r, p, x)))
				return NULL;
			if (name_is(x, K_type))
				parent->tcode =
				    (int8_t)(x->type == JV_STR ? type_code(x->u.s) : RR_NOTYPE);
			if (depth == 0) {
				s->nv = 1;
				return p;
			}
			p = skip_ws(p);
			if (*p == ',') {
				p = skip_ws(p + 1);
				goto element;
			}
		}
		/* p at the end of the innermost container, or a comma after one that ended */
		for (;;) {
			if (*p != (in_object ? '}' : ']'))
				return fail(r, P_BAD, p);
			parent->skip = (uint32_t)(x + 1 - parent);
			if (--depth == 0) {
				s->nv = (size_t)(x + 1 - s->v);
				return p + 1;
			}
			parent = open[depth - 1];
			in_object = parent->type == JV_OBJ;
			p = skip_ws(p + 1);
			if (*p == ',') {
				p = skip_ws(p + 1);
				break;
			}
		}
	element:
		/* p at an element of the innermost container */
		if (!in_object) {
			key = NULL;
			keylen = 0;
		} else if (!(p = read_name(r, p, &key, &keylen))) {
			return NULL;
		}
	}
}

/* Read the value at the start of text into s->v (the root is the first value); *used is how
 * many bytes it took, or the byte where it failed. */
int
read_all(struct scan *s, const char *text, size_t n, size_t *used)
{
	if (n + 16 > s->textcap)
		s->text = xgrow(s->text, &s->textcap, n + 16, 1);
	/* every value but the first follows a '[', ',' or ':' of its own and takes a byte at least:
	 * n bytes hold n / 2 + 1 values at most */
	if (n / 2 + 2 > s->vcap)
		s->v = xgrow(s->v, &s->vcap, n / 2 + 2, sizeof *s->v);
	memcpy(s->text, text, n);
	memset(s->text + n, 0, 16); /* the end for read_string's 16-bytes-at-a-time search */
	struct reader r = {.s = s, .end = s->text + n};
	char *p = read_tree(&r, skip_ws(s->text));
	if (!p) {
		*used = r.at;
		return r.err;
	}
	if (p > r.end) { /* past the end: only NULs of the padding could take it there */
		*used = n;
		return P_BAD;
	}
	*used = (size_t)(p - s->text);
	s->root = &s->v[0];
	return P_OK;
}

size_t
scan_read_member(struct scan *s, const char *text, size_t n)
{
	size_t used = 0;
	scan_clear(s);
	if (n == 0 || text[0] != '{' || read_all(s, text, n, &used) != P_OK) {
		scan_clear(s);
		return 0;
	}
	s->read = true;
	return used;
}
