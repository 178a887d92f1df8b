/* SPDX-License-Identifier: ISC */
/* The public suffix index (common/psl.c) against libpsl, on any list and any name.
 * Input: two bytes give the list's length (big-endian), then the list's bytes (a public suffix
 * list in text form, NULs and all), then names, one a line. Both libpsl (psl_load_fp) and the
 * index read the same list; then for every name, and for every word of the list under zero, one
 * and two more labels, psl_index_registrable must give what psl_registrable_domain gives (the
 * same pointer into the name), and say whether the suffix after the registrable domain's first
 * label is what psl_is_public_suffix2 calls one with PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE (the
 * two answers dname.c needs). */
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "psl.h"

FUZZ_INIT_QUIET()

static void
check(const psl_ctx_t *p, const struct psl_index *x, const char *name)
{
	if (getenv("FUZZ_VERBOSE"))
		fprintf(stderr, "name '%s'\n", name);
	bool listed;
	const char *reg = psl_registrable_domain(p, name), *suffix = reg ? strchr(reg, '.') : NULL;
	FUZZ_CHECK(psl_index_registrable(x, name, &listed) == reg);
	FUZZ_CHECK(listed ==
		   (suffix && psl_is_public_suffix2(p, suffix + 1,
						    PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE) == 1));
}

/* A word of the list as a name, alone and under one and two labels. */
static void
check_word(const psl_ctx_t *p, const struct psl_index *x, const char *w, size_t n)
{
	static const char *const under[] = {"", "a.", "b.a.", "*.", "!"};
	char name[300];
	for (size_t i = 0; i < sizeof under / sizeof *under; i++) {
		size_t k = strlen(under[i]);
		if (k + n + 1 > sizeof name)
			return;
		memcpy(name, under[i], k);
		memcpy(name + k, w, n);
		name[k + n] = '\0';
		check(p, x, name);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2 || size > 8192)
		return 0;
	size_t len = (size_t)data[0] << 8 | data[1];
	if (len > size - 2)
		len = size - 2;
	const char *list = (const char *)data + 2;
	FILE *a = fmemopen((void *)list, len ? len : 1, "r");
	FILE *b = fmemopen((void *)list, len ? len : 1, "r");
	if (!a || !b) {
		if (a)
			fclose(a);
		if (b)
			fclose(b);
		return 0;
	}
	if (!len) { /* fmemopen refuses size 0: an empty list is one empty line */
		fclose(a);
		fclose(b);
		a = fmemopen((void *)"\n", 1, "r");
		b = fmemopen((void *)"\n", 1, "r");
	}
	psl_ctx_t *p = psl_load_fp(a);
	struct psl_index *x = p ? psl_index_build(p, b) : NULL;
	fclose(a);
	fclose(b);
	if (!p)
		return 0;
	if (x) {
		/* the names after the list */
		const char *s = list + len, *end = (const char *)data + size;
		char name[300];
		while (s < end) {
			const char *nl = memchr(s, '\n', (size_t)(end - s));
			size_t n = (size_t)((nl ? nl : end) - s);
			if (n < sizeof name && !memchr(s, '\0', n)) {
				memcpy(name, s, n);
				name[n] = '\0';
				check(p, x, name);
			}
			s += n + 1;
		}
		/* the list's own words, split at white space and line ends */
		for (size_t i = 0; i < len;) {
			while (i < len && strchr(" \t\r\n", list[i]) && list[i])
				i++;
			size_t j = i;
			while (j < len && !strchr(" \t\r\n", list[j]))
				j++;
			if (j > i) {
				check_word(p, x, list + i, j - i);
				if (list[i] == '!' || list[i] == '*')
					check_word(p, x, list + i + 1, j - i - 1);
				if (j - i > 2 && list[i] == '*')
					check_word(p, x, list + i + 2, j - i - 2);
			}
			i = j + 1;
		}
	}
	psl_index_free(x);
	psl_free(p);
	return 0;
}
