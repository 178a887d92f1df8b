/* Writing JSON values. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "jsonw.h"
#include "utf8.h"

static const char hex[] = "0123456789abcdef";

void
jsonw_str(struct buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	buf_grow(b, n + 2);
	b->s[b->len++] = '"';
	size_t i = 0, run = 0;
	while (i < n) {
		unsigned c = p[i];
		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			i++;
			continue;
		}
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
			case '"': e[1] = '"'; break;
			case '\\': e[1] = '\\'; break;
			case '\n': e[1] = 'n'; break;
			case '\t': e[1] = 't'; break;
			case '\r': e[1] = 'r'; break;
			case '\b': e[1] = 'b'; break;
			case '\f': e[1] = 'f'; break;
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

void
jsonw_int(struct buf *b, long long v)
{
	buf_addf(b, "%lld", v);
}

void
jsonw_round(struct buf *b, double x, int places)
{
	if (!isfinite(x)) {
		buf_adds(b, "null");
		return;
	}
	/* printf("%.Nf") rounds the exact binary value half-to-even, as Python's round() does; the
	 * decimal it prints has few enough digits to be the shortest repr once zeros are trimmed. */
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
