/* SPDX-License-Identifier: ISC */
/* The plain run of a JSON string: the bytes from p on that stand for themselves (printable
 * ASCII but the quote and the backslash), up to the first byte a string reader must look at:
 * the closing quote, an escape, a control character (an error) or the first byte of a
 * multi-byte character. jscan and dns-grade's reader both spend most of their time here. */
#ifndef JSONRUN_H
#define JSONRUN_H
#include <stddef.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* The length of the plain run in [p, end), byte by byte: the reference, and the whole of
 * jsonrun_len where SSE2 is missing. */
static inline size_t
jsonrun_len_scalar(const char *p, const char *end)
{
	const char *q = p;
	while (q < end) {
		unsigned char c = (unsigned char)*q;
		if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\')
			break;
		q++;
	}
	return (size_t)(q - p);
}

#if defined(__SSE2__)
/* The bytes of the 16 at q that end a plain run, a bit each (a byte below 0x20 as a signed
 * byte is a control character or one of a multi-byte character). */
static inline unsigned
jsonrun_stops16(const char *q)
{
	const __m128i quote = _mm_set1_epi8('"'), bsl = _mm_set1_epi8('\\'),
		      ctl = _mm_set1_epi8(0x20);
	__m128i x = _mm_loadu_si128((const __m128i *)(const void *)q);
	return (unsigned)_mm_movemask_epi8(
	    _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, bsl)),
			 _mm_cmplt_epi8(x, ctl)));
}
#endif

/* The length of the plain run in [p, end): with SSE2, 16 bytes at a time while 16 are left
 * before end, then byte by byte, so nothing at or after end is read and the text needs no
 * padding. fuzz/jscan.c compares it with jsonrun_len_scalar at every offset. */
static inline size_t
jsonrun_len(const char *p, const char *end)
{
#if defined(__SSE2__)
	const char *q = p;
	for (; end - q >= 16; q += 16) {
		unsigned m = jsonrun_stops16(q);
		if (m)
			return (size_t)(q - p) + (size_t)__builtin_ctz(m);
	}
	return (size_t)(q - p) + jsonrun_len_scalar(q, end);
#else
	return jsonrun_len_scalar(p, end);
#endif
}

/* The same for text that has a stop (a NUL will do) at or before end and 16 readable bytes
 * after end: no test of the end, 16 bytes at a time to the stop. dns-grade's reader, whose
 * text is followed by 16 NULs, spends 2 % of its instructions on jsonrun_len's tests of the
 * end. The fuzz target compares it with jsonrun_len_scalar at every offset of a padded copy. */
static inline size_t
jsonrun_len_padded(const char *p, const char *end)
{
#if defined(__SSE2__)
	(void)end;
	for (const char *q = p;; q += 16) {
		unsigned m = jsonrun_stops16(q);
		if (m)
			return (size_t)(q - p) + (size_t)__builtin_ctz(m);
	}
#else
	return jsonrun_len_scalar(p, end);
#endif
}

#endif
