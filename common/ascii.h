/* ASCII case-insensitive equality of the words and names of DNS records (SPF mechanisms,
 * DMARC, BIMI and CAA tags and values, host names): without the locale, which the RFCs do not
 * know, and without strlen, since the record parsers compare every tag of every record. */
#ifndef ASCII_H
#define ASCII_H
#include <stdbool.h>
#include <stddef.h>

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
