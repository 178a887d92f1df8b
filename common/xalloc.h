/* SPDX-License-Identifier: ISC */
/* Allocation that cannot fail: out of memory ends the program (the only place common/ may exit). */
#ifndef XALLOC_H
#define XALLOC_H
#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Grow *array so it holds at least need elements of size elem; *cap is the current capacity. */
void *xgrow(void *array, size_t *cap, size_t need, size_t elem);

#endif
