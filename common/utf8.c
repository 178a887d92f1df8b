/* SPDX-License-Identifier: ISC */
/* UTF-8 decoding and encoding. */
#include "utf8.h"

size_t
utf8_decode1(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	size_t need;
	uint32_t v;
	unsigned lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
	if (c >= 0xC2 && c <= 0xDF) {
		need = 1;
		v = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		need = 2;
		v = c & 0x0F;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 3;
		v = c & 0x07;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else {
		*cp = UTF8_REPLACEMENT;
		return 1;
	}
	size_t i;
	for (i = 1; i <= need; i++) {
		if (i >= n) {
			*cp = UTF8_REPLACEMENT;
			return i;
		}
		unsigned b = s[i];
		if (i == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) {
			*cp = UTF8_REPLACEMENT;
			return i;
		}
		v = (v << 6) | (b & 0x3F);
	}
	*cp = v;
	return need + 1;
}

bool
utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		uint32_t cp;
		size_t k = utf8_decode1(p + i, n - i, &cp);
		if (cp == UTF8_REPLACEMENT &&
		    !(k == 3 && p[i] == 0xEF && p[i + 1] == 0xBF && p[i + 2] == 0xBD))
			return false;
		i += k;
	}
	return true;
}

void
buf_add_utf8(struct buf *b, uint32_t cp)
{
	char t[4];
	size_t n;
	if (cp < 0x80) {
		t[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		t[0] = (char)(0xC0 | (cp >> 6));
		t[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		t[0] = (char)(0xE0 | (cp >> 12));
		t[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		t[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		t[0] = (char)(0xF0 | (cp >> 18));
		t[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		t[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		t[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	buf_add(b, t, n);
}

void
buf_add_utf8_repaired(struct buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0;
	while (i < n) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		uint32_t cp;
		size_t k = utf8_decode1(p + i, n - i, &cp);
		if (cp == UTF8_REPLACEMENT) {
			buf_add(b, s + run, i - run);
			buf_add_utf8(b, UTF8_REPLACEMENT);
			run = i + k;
		}
		i += k;
	}
	buf_add(b, s + run, n - run);
}

void
buf_add_printable(struct buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = utf8_decode1(p + i, n - i, &cp);
		if (cp < 0x20 || cp == 0x7f)
			buf_addf(b, "\\x%02x", (unsigned)cp);
		else if (cp >= 0x80 && cp < 0xa0)
			buf_addf(b, "\\u%04x", (unsigned)cp);
		else if (cp == UTF8_REPLACEMENT)
			buf_add_utf8(b, cp);
		else
			buf_add(b, s + i, k);
		i += k;
	}
}
