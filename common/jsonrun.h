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

/* The length of the plain run in [p, end): with SSE2, 16 bytes at a time while 16 are left
 * before end (a byte below 0x20 as a signed byte is a control character or one of a
 * multi-byte character), then byte by byte, so nothing at or after end is read and the text
 * needs no padding. fuzz/jscan.c compares it with jsonrun_len_scalar at every offset. */
static inline size_t
jsonrun_len(const char *p, const char *end)
{
#if defined(__SSE2__)
	const char *q = p;
	const __m128i quote = _mm_set1_epi8('"'), bsl = _mm_set1_epi8('\\'),
		      ctl = _mm_set1_epi8(0x20);
	for (; end - q >= 16; q += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)q);
		unsigned m = (unsigned)_mm_movemask_epi8(
		    _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, bsl)),
				 _mm_cmplt_epi8(x, ctl)));
		if (m)
			return (size_t)(q - p) + (size_t)__builtin_ctz(m);
	}
	return (size_t)(q - p) + jsonrun_len_scalar(q, end);
#else
	return jsonrun_len_scalar(p, end);
#endif
}

#endif
