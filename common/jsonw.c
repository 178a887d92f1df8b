/* SPDX-License-Identifier: ISC */
/* Writing JSON values. */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "jsonw.h"
#include "utf8.h"

static const char hex[] = "0123456789abcdef";

/* How many bytes from p on stand for themselves in a JSON string: printable ASCII (and DEL)
 * but the quote and the backslash. Sixteen at a time where SSE2 is there: a signed byte below
 * 0x20 is a control character or part of a multi-byte character; shorter strings a byte at a
 * time. */
static inline size_t
plain_run(const unsigned char *p, size_t n)
{
	size_t i = 0;
#if defined(__SSE2__)
	const __m128i quote = _mm_set1_epi8('"'), bsl = _mm_set1_epi8('\\'),
		      ctl = _mm_set1_epi8(0x20);
	if (n >= 16) {
		for (; i + 16 <= n; i += 16) {
			__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
			unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(
			    _mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, bsl)),
			    _mm_cmplt_epi8(x, ctl)));
			if (m)
				return i + (size_t)__builtin_ctz(m);
		}
		if (i < n) {
			/* the tail: the last sixteen bytes, the ones already seen shifted out */
			__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + n - 16));
			unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(
			    _mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, bsl)),
			    _mm_cmplt_epi8(x, ctl)));
			m >>= 16 - (n - i);
			return m ? i + (size_t)__builtin_ctz(m) : n;
		}
		return i;
	}
#endif
	while (i < n && p[i] >= 0x20 && p[i] < 0x80 && p[i] != '"' && p[i] != '\\')
		i++;
	return i;
}

/* Where in the n bytes at q the first byte that needs escaping is (n if none), when q + n is
 * followed by at least 15 readable bytes that need none. */
static inline size_t
plain_padded(const char *q, size_t n)
{
#if defined(__SSE2__)
	const __m128i quote = _mm_set1_epi8('"'), bsl = _mm_set1_epi8('\\'),
		      ctl = _mm_set1_epi8(0x20);
	for (size_t i = 0; i < n; i += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(q + i));
		unsigned m = (unsigned)_mm_movemask_epi8(
		    _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, bsl)),
				 _mm_cmplt_epi8(x, ctl)));
		if (m) {
			size_t at = i + (size_t)__builtin_ctz(m);
			return at < n ? at : n;
		}
	}
	return n;
#else
	return plain_run((const unsigned char *)q, n);
#endif
}

void
jsonw_str(struct buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	/* Copy first and look for bytes to escape in the copy, where sixteen plain bytes after
	 * it let every load be a whole one; most strings need none and are done then. */
	buf_room(b, n + 2 + 16);
	char *o = b->s + b->len;
	o[0] = '"';
	memcpy(o + 1, s, n);
	memset(o + 1 + n, 'a', 16);
	size_t i = plain_padded(o + 1, n);
	if (i == n) {
		o[n + 1] = '"';
		o[n + 2] = '\0';
		b->len += n + 2;
		return;
	}
	/* the plain head stays; the rest is written piece by piece */
	b->len += 1 + i;
	b->s[b->len] = '\0';
	size_t run = i;
	while (i < n) {
		size_t plain = plain_run(p + i, n - i);
		if (plain) {
			i += plain;
			continue;
		}
		unsigned c = p[i];
		buf_add(b, s + run, i - run);
		if (c >= 0x80) {
			uint32_t cp;
			size_t k = utf8_decode1(p + i, n - i, &cp);
			if (cp == UTF8_REPLACEMENT)
				buf_add(b, "\\ufffd", 6);
			else
				buf_add(b, s + i, k);
			i += k;
		} else {
			char e[6] = {'\\', 0};
			size_t en = 2;
			switch (c) {
			case '"':
				e[1] = '"';
				break;
			case '\\':
				e[1] = '\\';
				break;
			case '\n':
				e[1] = 'n';
				break;
			case '\t':
				e[1] = 't';
				break;
			case '\r':
				e[1] = 'r';
				break;
			case '\b':
				e[1] = 'b';
				break;
			case '\f':
				e[1] = 'f';
				break;
			default:
				memcpy(e, "\\u00", 4);
				e[4] = hex[c >> 4];
				e[5] = hex[c & 15];
				en = 6;
			}
			buf_add(b, e, en);
			i++;
		}
		run = i;
	}
	buf_add(b, s + run, n - run);
	buf_addc(b, '"');
}

void
jsonw_strz(struct buf *b, const char *s)
{
	jsonw_str(b, s, strlen(s));
}

static const char digit_pairs[] = "00010203040506070809101112131415161718192021222324252627282930"
				  "31323334353637383940414243444546474849505152535455565758596061"
				  "62636465666768697071727374757677787980818283848586878889909192"
				  "93949596979899";

void
jsonw_int(struct buf *b, long long v)
{
	/* as "%lld", without printf, two digits at a time */
	char d[24], *e = d + sizeof d, *p = e;
	unsigned long long u = v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v;
	while (u >= 100) {
		p -= 2;
		memcpy(p, digit_pairs + 2 * (u % 100), 2);
		u /= 100;
	}
	if (u >= 10) {
		p -= 2;
		memcpy(p, digit_pairs + 2 * u, 2);
	} else {
		*--p = (char)('0' + u);
	}
	if (v < 0)
		*--p = '-';
	size_t n = (size_t)(e - p);
	buf_room(b, n);
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

/* x rounded half-to-even to 4 decimal places, exactly, as a count of 1/10000ths: x is
 * m * 2^e, so x * 10000 is the integer m * 10000 shifted right by -e bits, and the bits shifted
 * out decide the rounding. Returns false when x is out of the range this handles. */
static bool
round4_exact(double x, unsigned long long *k)
{
	/* -0.0 prints as "-0.0", as jsonw_round does; above 9e11, k may exceed 2^53 and the value
	 * returned would not be the printed one */
	if (!(x >= 0) || signbit(x) || x > 9e11)
		return false;
	if (x == 0) {
		*k = 0;
		return true;
	}
	/* x = m * 2^-shift from its IEEE 754 fields (frexp and ldexp took a third of the time) */
	uint64_t bits;
	memcpy(&bits, &x, sizeof bits);
	int biased = (int)(bits >> 52 & 0x7ff);
	if (biased == 0) { /* subnormal: far below 0.00005 */
		*k = 0;
		return true;
	}
	unsigned long long m = (bits & ((UINT64_C(1) << 52) - 1)) | UINT64_C(1) << 52;
	int shift = 1075 - biased;
	unsigned __int128 v = (unsigned __int128)m * 10000u;
	if (shift <= 0) {
		*k = (unsigned long long)(v << -shift);
		return true;
	}
	if (shift >= 127) {
		*k = 0;
		return true;
	}
	unsigned __int128 q = v >> shift, rem = v - (q << shift),
			  half = (unsigned __int128)1 << (shift - 1);
	if (rem > half || (rem == half && (q & 1)))
		q++;
	*k = (unsigned long long)q;
	return true;
}

double
jsonw_round4(struct buf *b, double x)
{
	unsigned long long k;
	if (!round4_exact(x, &k)) {
		size_t start = b->len;
		jsonw_round(b, x, 4);
		return strtod(b->s + start, NULL);
	}
	/* The digits without a branch on their values where it can be: how many digits and
	 * trailing zeros a score has changes from one to the next, and the branches of a loop over
	 * them were mispredicted (7 % of domain-freq's time for its three numbers a line). */
	char t[32], *e = t + sizeof t - 4, *p;
	unsigned long long ip = k / 10000;
	unsigned frac = (unsigned)(k % 10000);
	e[0] = (char)('0' + frac / 1000);
	e[1] = (char)('0' + frac / 100 % 10);
	e[2] = (char)('0' + frac / 10 % 10);
	e[3] = (char)('0' + frac % 10);
	/* shortest form: no trailing zeros, one digit kept */
	e += 4 - (frac % 10 == 0) - (frac % 100 == 0) - (frac % 1000 == 0);
	p = t + sizeof t - 5;
	*p = '.';
	if (ip < 100) {
		p[-1] = (char)('0' + ip % 10);
		p[-2] = (char)('0' + ip / 10);
		p -= 1 + (ip >= 10);
	} else {
		do
			*--p = (char)('0' + ip % 10);
		while ((ip /= 10) > 0);
	}
	buf_add(b, p, (size_t)(e - p));
	return (double)k / 10000.0; /* k < 2^53: the double nearest the printed decimal */
}

void
jsonw_round(struct buf *b, double x, int places)
{
	if (!isfinite(x)) {
		buf_adds(b, "null");
		return;
	}
	/* printf("%.Nf") rounds the exact binary value half-to-even, as Python's round() does; the
	 * decimal it prints has few enough digits to be the shortest repr once zeros are trimmed.
	 */
	char t[64];
	int n = snprintf(t, sizeof t, "%.*f", places, x);
	if (n <= 0 || (size_t)n >= sizeof t) {
		buf_addf(b, "%.17g", x);
		return;
	}
	if (strchr(t, '.')) {
		while (n > 0 && t[n - 1] == '0')
			n--;
		if (t[n - 1] == '.')
			t[n++] = '0';
	} else {
		t[n++] = '.';
		t[n++] = '0';
	}
	buf_add(b, t, (size_t)n);
}

void
jsonw_key(struct buf *b, const char *key)
{
	if (b->len && b->s[b->len - 1] != '{' && b->s[b->len - 1] != '[')
		buf_addc(b, ',');
	jsonw_strz(b, key);
	buf_addc(b, ':');
}

void
jsonw_ascii_char(struct buf *b, uint32_t c)
{
	switch (c) {
	case '"':
		buf_adds(b, "\\\"");
		break;
	case '\\':
		buf_adds(b, "\\\\");
		break;
	case '\n':
		buf_adds(b, "\\n");
		break;
	case '\r':
		buf_adds(b, "\\r");
		break;
	case '\t':
		buf_adds(b, "\\t");
		break;
	case '\b':
		buf_adds(b, "\\b");
		break;
	case '\f':
		buf_adds(b, "\\f");
		break;
	default:
		if (c >= 0x20 && c < 0x7f)
			buf_addc(b, (char)c);
		else if (c < 0x10000)
			buf_addf(b, "\\u%04x", c);
		else
			buf_addf(b, "\\u%04x\\u%04x", 0xD800 + ((c - 0x10000) >> 10),
				 0xDC00 + ((c - 0x10000) & 0x3FF));
	}
}

void
jsonw_str_ascii(struct buf *b, const char *s, size_t n)
{
	buf_addc(b, '"');
	for (size_t i = 0; i < n;) {
		uint32_t c;
		i += utf8_decode1((const unsigned char *)s + i, n - i, &c);
		jsonw_ascii_char(b, c);
	}
	buf_addc(b, '"');
}
