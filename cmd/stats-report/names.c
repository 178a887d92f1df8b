/* SPDX-License-Identifier: ISC */
/* stats-report's tables of names with counts (providers, remark codes, RDAP outcomes) and the
 * top-N figures made of them, for both the record pass and the store view. */
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "xalloc.h"

static unsigned long
hash_str(const char *s, size_t n)
{
	unsigned long h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static void
names_grow(struct names *t)
{
	size_t ncap = t->cap ? t->cap * 2 : 64;
	char **nk = xcalloc(ncap, sizeof *nk);
	long long *nc = xcalloc(ncap, sizeof *nc);
	for (size_t i = 0; i < t->cap; i++) {
		if (!t->key[i])
			continue;
		size_t j = hash_str(t->key[i], strlen(t->key[i])) & (ncap - 1);
		while (nk[j])
			j = (j + 1) & (ncap - 1);
		nk[j] = t->key[i];
		nc[j] = t->count[i];
	}
	free(t->key);
	free(t->count);
	t->key = nk;
	t->count = nc;
	t->cap = ncap;
}

void
names_add(struct names *t, const char *s, size_t n)
{
	if (t->n * 2 >= t->cap) {
		if (t->cap >= 2 * NAMES_MAX) {
			/* full: only names already known still count by name */
			if (t->n >= NAMES_MAX) {
				size_t j = hash_str(s, n) & (t->cap - 1);
				for (; t->key[j]; j = (j + 1) & (t->cap - 1))
					if (strlen(t->key[j]) == n && !memcmp(t->key[j], s, n)) {
						t->count[j]++;
						return;
					}
				t->overflow++;
				return;
			}
		} else {
			names_grow(t);
		}
	}
	size_t j = hash_str(s, n) & (t->cap - 1);
	for (; t->key[j]; j = (j + 1) & (t->cap - 1))
		if (strlen(t->key[j]) == n && !memcmp(t->key[j], s, n)) {
			t->count[j]++;
			return;
		}
	t->key[j] = xstrndup(s, n);
	t->count[j] = 1;
	t->n++;
}

void
names_free(struct names *t)
{
	for (size_t i = 0; i < t->cap; i++)
		free(t->key[i]);
	free(t->key);
	free(t->count);
}

struct named {
	const char *key;
	long long count;
};

static int
named_cmp(const void *x, const void *y)
{
	const struct named *a = x, *b = y;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return strcmp(a->key, b->key);
}

void
fig_top(struct figure **figs, size_t *n, const char *key, const char *title, const char *section,
	const char *of, long long denom, const struct names *t, long long none,
	const char *none_label, long ntop)
{
	struct figure *f = report_add_fig(figs, n, key, title, section, FK_TOP, of, denom);
	struct named *v = xcalloc(t->n + 1, sizeof *v);
	size_t m = 0;
	for (size_t i = 0; i < t->cap; i++)
		if (t->key[i])
			v[m++] = (struct named){t->key[i], t->count[i]};
	qsort(v, m, sizeof *v, named_cmp);
	long long other = t->overflow;
	for (size_t i = 0; i < m; i++) {
		if ((long)i < ntop)
			fig_add_item(f, v[i].key, v[i].key, v[i].count);
		else
			other += v[i].count;
	}
	free(v);
	if (other || m > (size_t)ntop)
		fig_add_item(f, "(other)", "others", other);
	if (none_label)
		fig_add_item(f, "(none)", none_label, none);
}
