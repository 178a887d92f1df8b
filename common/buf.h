/* SPDX-License-Identifier: ISC */
/* The one growable byte buffer used everywhere (git's strbuf idea). Always NUL-terminated. */
#ifndef BUF_H
#define BUF_H
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

struct buf {
	char *s;
	size_t len;
	size_t cap;
};

#define BUF_INIT                                                                                   \
	{                                                                                          \
		NULL, 0, 0                                                                         \
	}

void buf_grow(struct buf *b, size_t extra);
void buf_addc(struct buf *b, char c);
void buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vaddf(struct buf *b, const char *fmt, va_list ap);
void buf_reset(struct buf *b);
void buf_truncate(struct buf *b, size_t len);
void buf_free(struct buf *b);
/* The contents as a C string ("" for an empty, never-used buffer). */
const char *buf_str(const struct buf *b);

/* Room for extra more bytes and the NUL: buf_grow's test inline, for hot paths. */
static inline void
buf_room(struct buf *b, size_t extra)
{
	if (b->len + extra + 1 > b->cap)
		buf_grow(b, extra);
}

/* n bytes at p: inline, as the output is written in many small pieces (a literal's are copied
 * without a memcpy call). */
static inline void
buf_add(struct buf *b, const void *p, size_t n)
{
	buf_room(b, n);
	if (n) /* no bytes may come from NULL (an empty line's text), which memcpy may not get */
		memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

/* A C string: inline, so that the length of a literal (most callers') is a constant, not a
 * strlen call for every piece of output. */
static inline void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static inline void
buf_addc_fast(struct buf *b, char c)
{
	if (b->len + 2 > b->cap)
		buf_grow(b, 1);
	b->s[b->len++] = c;
	b->s[b->len] = '\0';
}

#endif
