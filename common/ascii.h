/* SPDX-License-Identifier: ISC */
/* ASCII case-insensitive equality of the words and names of DNS records (SPF mechanisms,
 * DMARC, BIMI and CAA tags and values, host names): without the locale, which the RFCs do not
 * know, and without strlen, since the record parsers compare every tag of every record. */
#ifndef ASCII_H
#define ASCII_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* The 256 initialisers f(0), f(1), ..., f(255) of a table indexed by byte, f a constant
 * expression of its argument: the parsers read a byte's class with one load. */
#define ASCII_T4(f, c) f(c), f((c) + 1), f((c) + 2), f((c) + 3)
#define ASCII_T16(f, c)                                                                            \
	ASCII_T4(f, c), ASCII_T4(f, (c) + 4), ASCII_T4(f, (c) + 8), ASCII_T4(f, (c) + 12)
#define ASCII_T64(f, c)                                                                            \
	ASCII_T16(f, c), ASCII_T16(f, (c) + 16), ASCII_T16(f, (c) + 32), ASCII_T16(f, (c) + 48)
#define ASCII_TABLE(f) ASCII_T64(f, 0), ASCII_T64(f, 64), ASCII_T64(f, 128), ASCII_T64(f, 192)
#define ASCII_ALPHA(c) (((c) >= 'a' && (c) <= 'z') || ((c) >= 'A' && (c) <= 'Z'))
#define ASCII_DIGIT(c) ((c) >= '0' && (c) <= '9')

/* Eight bytes at a time: ascii_load8 reads them into a word, first byte lowest; ascii_below and
 * ascii_equal set the high bit of the bytes below c (1 <= c <= 128) or equal to c. A borrow can
 * also flag a byte above a flagged one, never below: whether any byte is flagged, and which one
 * is the lowest, are exact. */
#define ASCII_ONES  0x0101010101010101u
#define ASCII_HIGHS 0x8080808080808080u

static inline uint64_t
ascii_load8(const char *p)
{
	uint64_t w;
	memcpy(&w, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	w = __builtin_bswap64(w);
#endif
	return w;
}

static inline uint64_t
ascii_below(uint64_t w, unsigned c)
{
	return (w - ASCII_ONES * c) & ~w & ASCII_HIGHS;
}

static inline uint64_t
ascii_equal(uint64_t w, unsigned c)
{
	return ascii_below(w ^ (ASCII_ONES * c), 1);
}

/* The bytes outside printable ASCII (0x21..0x7e): below 0x21, from 0x80, or DEL. */
static inline uint64_t
ascii_unprintable(uint64_t w)
{
	return ascii_below(w, 0x21) | (w & ASCII_HIGHS) | ascii_equal(w, 0x7f);
}

/* Is s[0..n) a host name as mail domains have them: labels of letters, digits, '_' and inner
 * '-', 1..63 octets each, 253 in all, no final dot. (dns-grade's hostname_ok is this after
 * stripping final dots.) */
static inline bool
ascii_hostname_ok(const char *s, size_t n)
{
	/* 1: letter, digit or '_'; 2: '-'; 4: '.' */
#define ASCII_HOST_CLASS(c)                                                                        \
	(ASCII_ALPHA(c) || ASCII_DIGIT(c) || (c) == '_' ? 1 : (c) == '-' ? 2 : (c) == '.' ? 4 : 0)
	static const unsigned char cls[256] = {ASCII_TABLE(ASCII_HOST_CLASS)};
#undef ASCII_HOST_CLASS
	if (n == 0 || n > 253)
		return false;
	/* label by label: one that starts with a letter, digit or '_', goes on with those and '-',
	 * and does not end with '-', then a '.' and the next one, or the end */
	for (size_t i = 0;;) {
		size_t st = i;
		if (i == n || cls[(unsigned char)s[i]] != 1)
			return false;
		while (++i < n && (cls[(unsigned char)s[i]] & 3))
			;
		if (i - st > 63 || s[i - 1] == '-')
			return false;
		if (i == n)
			return true;
		if (cls[(unsigned char)s[i++]] != 4)
			return false;
	}
}

/* Are the n bytes at s the lowercase word w, ignoring the case of ASCII letters? */
static inline bool
ascii_word_eq(const char *s, size_t n, const char *w)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i], x = (unsigned char)w[i];
		/* the same byte (but not the word's end), or the capital of its letter: the byte
		 * whose c | 0x20 is the letter x */
		if (c == x ? !x : (c | 0x20) != x || (unsigned char)(x - 'a') > 25)
			return false;
	}
	return !w[n];
}

/* Are the n bytes at a and at b the same but for the case of ASCII letters? */
static inline bool
ascii_case_eq(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
		/* different bytes match when both are the same letter (x | 0x20 in a..z) */
		if (x != y && ((x | 0x20) != (y | 0x20) || (unsigned char)((x | 0x20) - 'a') > 25))
			return false;
	}
	return true;
}

#endif
