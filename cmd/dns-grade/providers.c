/* SPDX-License-Identifier: ISC */
/* Provider tables: "suffix<TAB>provider name" lines matched against NS and MX host names on
 * label boundaries, the longest suffix winning. User tables are read first and win. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grade.h"
#include "tool.h"
#include "xalloc.h"

struct entry {
	char *suffix, *name; /* suffix lowered, without dots at either end */
	size_t len, seq;     /* strlen(suffix); the order read in */
};

/* Sorted by suffix once loaded (providers_load), for bsearch. */
struct table {
	struct entry *v;
	size_t n, cap;
};

struct providers {
	struct table t[2];
};

static void
table_put(struct table *t, const char *suffix, size_t sn, const char *name)
{
	t->v = xgrow(t->v, &t->cap, t->n + 1, sizeof *t->v);
	t->v[t->n] = (struct entry){xstrndup(suffix, sn), xstrdup(name), sn, t->n};
	t->n++;
}

/* Suffixes by their bytes, the shorter first when one starts the other. */
static int
suffix_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	int c = memcmp(a, b, an < bn ? an : bn);
	return c ? c : (an > bn) - (an < bn);
}

static int
entry_cmp(const void *x, const void *y)
{
	const struct entry *a = x, *b = y;
	int c = suffix_cmp(a->suffix, a->len, b->suffix, b->len);
	return c ? c : (a->seq > b->seq) - (a->seq < b->seq);
}

/* Sorted, with only the first entry read of each suffix: the user's table wins. */
static void
table_sort(struct table *t)
{
	if (t->n == 0) /* no table read: qsort must not see its NULL array */
		return;
	qsort(t->v, t->n, sizeof *t->v, entry_cmp);
	size_t w = 0;
	for (size_t i = 0; i < t->n; i++) {
		if (w &&
		    !suffix_cmp(t->v[w - 1].suffix, t->v[w - 1].len, t->v[i].suffix, t->v[i].len)) {
			free(t->v[i].suffix);
			free(t->v[i].name);
			continue;
		}
		t->v[w++] = t->v[i];
	}
	t->n = w;
}

struct key {
	const char *s;
	size_t n;
};

static int
key_cmp(const void *x, const void *y)
{
	const struct key *k = x;
	const struct entry *e = y;
	return suffix_cmp(k->s, k->n, e->suffix, e->len);
}

/* Returns 0, -1 when the file cannot be opened (errno set). Bad lines are warned about. */
static int
table_load(struct table *t, const char *path)
{
	FILE *fp = fopen(path, "r");
	if (!fp)
		return -1;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	unsigned long lineno = 0;
	while ((len = getline(&line, &cap, fp)) > 0) {
		lineno++;
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len == 0 || line[0] == '#')
			continue;
		char *tab = strchr(line, '\t');
		if (!tab || tab == line || !tab[1]) {
			tool_warn("%s: line %lu: expected 'suffix<TAB>name'", path, lineno);
			continue;
		}
		*tab = '\0';
		char *sfx = line;
		while (*sfx == '.')
			sfx++;
		size_t sn = strlen(sfx);
		while (sn && sfx[sn - 1] == '.')
			sn--;
		for (size_t i = 0; i < sn; i++)
			if (sfx[i] >= 'A' && sfx[i] <= 'Z')
				sfx[i] = (char)(sfx[i] + 32);
		if (sn)
			table_put(t, sfx, sn, tab + 1);
	}
	free(line);
	fclose(fp);
	return 0;
}

struct providers *
providers_load(const char *dir)
{
	struct providers *p = xcalloc(1, sizeof *p);
	static const char *const files[2] = {"ns.tsv", "mx.tsv"};
	for (int k = 0; k < 2; k++) {
		if (dir) {
			struct buf path = BUF_INIT;
			buf_addf(&path, "%s/%s", dir, files[k]);
			if (table_load(&p->t[k], path.s) < 0 && errno != ENOENT)
				tool_die("cannot read '%s': %s", path.s, strerror(errno));
			buf_free(&path);
		}
		struct buf rel = BUF_INIT;
		buf_addf(&rel, "providers/%s", files[k]);
		char *shipped = share_path(rel.s);
		if (!shipped || table_load(&p->t[k], shipped) < 0)
			tool_warn("cannot find the shipped table %s (set DOMSTAT_SHARE)", rel.s);
		free(shipped);
		buf_free(&rel);
		table_sort(&p->t[k]);
	}
	return p;
}

void
providers_free(struct providers *p)
{
	if (!p)
		return;
	for (int k = 0; k < 2; k++) {
		for (size_t i = 0; i < p->t[k].n; i++) {
			free(p->t[k].v[i].suffix);
			free(p->t[k].v[i].name);
		}
		free(p->t[k].v);
	}
	free(p);
}

const char *
providers_match(const struct providers *p, int table, const char *host, size_t n)
{
	while (n && host[n - 1] == '.')
		n--;
	const struct table *t = &p->t[table];
	if (n == 0 || n >= 256 || !t->n)
		return NULL;
	char low[256];
	for (size_t i = 0; i < n; i++)
		low[i] = (char)(host[i] >= 'A' && host[i] <= 'Z' ? host[i] + 32 : host[i]);
	/* the suffixes that start a label, the longest first */
	for (size_t at = 0; at < n; at++) {
		if (at && low[at - 1] != '.')
			continue;
		struct key k = {low + at, n - at};
		const struct entry *e = bsearch(&k, t->v, t->n, sizeof *t->v, key_cmp);
		if (e)
			return e->name;
	}
	return NULL;
}
