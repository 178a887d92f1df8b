/* SPDX-License-Identifier: ISC */
/* Lines of a text held in memory (a fetched policy or security.txt): LF or CRLF ends a line, the
 * last line may have no end. */
#ifndef TEXTLINE_H
#define TEXTLINE_H
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* The line of s[0..n) at *at: *line and *len (without its LF or CRLF); *at moves past it.
 * False once *at has reached n. */
static inline bool
text_line(const char *s, size_t n, size_t *at, const char **line, size_t *len)
{
	if (*at >= n)
		return false;
	const char *l = s + *at;
	const char *nl = memchr(l, '\n', n - *at);
	size_t ln = nl ? (size_t)(nl - l) : n - *at;
	*at += ln + (nl != NULL);
	if (ln && l[ln - 1] == '\r')
		ln--;
	*line = l;
	*len = ln;
	return true;
}

#endif
