/* Provider tables: "suffix<TAB>provider name" lines matched against NS and MX host names on
 * label boundaries, the longest suffix winning. User tables are read first and win. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ascii.h"
#include "grade.h"
#include "tool.h"
#include "xalloc.h"

struct entry {
	char *suffix, *name;
	size_t len; /* strlen(suffix) */
};

struct table {
	struct entry *v; /* open addressing, cap a power of two */
	size_t n, cap;
};

struct providers {
	struct table t[2];
};

/* FNV-1a from the last byte to the first, so that providers_match gets the hash of every
 * suffix of a name in one pass. */
#define HASH_INIT	1469598103934665603ULL
#define HASH_STEP(h, c) (((h) ^ (unsigned char)(c)) * 1099511628211ULL)

static uint64_t
hash(const char *s, size_t n)
{
	uint64_t h = HASH_INIT;
	while (n--)
		h = HASH_STEP(h, s[n]);
	return h;
}

static void
table_put(struct table *t, const char *suffix, size_t sn, const char *name)
{
	if ((t->n + 1) * 2 > t->cap) {
		struct table nt = {NULL, 0, t->cap ? t->cap * 2 : 256};
		nt.v = xcalloc(nt.cap, sizeof *nt.v);
		for (size_t i = 0; i < t->cap; i++)
			if (t->v[i].suffix) {
				size_t j = hash(t->v[i].suffix, t->v[i].len) & (nt.cap - 1);
				while (nt.v[j].suffix)
					j = (j + 1) & (nt.cap - 1);
				nt.v[j] = t->v[i];
				nt.n++;
			}
		free(t->v);
		*t = nt;
	}
	size_t j = hash(suffix, sn) & (t->cap - 1);
	while (t->v[j].suffix) {
		if (t->v[j].len == sn && !memcmp(t->v[j].suffix, suffix, sn))
			return; /* the first table read (the user's) wins */
		j = (j + 1) & (t->cap - 1);
	}
	t->v[j].suffix = xstrndup(suffix, sn);
	t->v[j].name = xstrdup(name);
	t->v[j].len = strlen(t->v[j].suffix);
	t->n++;
}

/* A byte with A-Z lowered, by table: providers_match lowers every byte of every host. */
#define LOWER(c) ((unsigned char)((c) >= 'A' && (c) <= 'Z' ? (c) + 32 : (c)))
static const unsigned char lower_table[256] = {ASCII_TABLE(LOWER)};

static unsigned char
lower(char c)
{
	return lower_table[(unsigned char)c];
}

/* The entry for the n bytes at s with A-Z lowered (as the suffixes were), whose hash is h. */
static const char *
table_get(const struct table *t, const char *s, size_t n, uint64_t h)
{
	size_t j = h & (t->cap - 1);
	while (t->v[j].suffix) {
		if (t->v[j].len == n) {
			/* the same bytes (a lowercase host), else the same once lowered */
			const char *x = t->v[j].suffix;
			if (!memcmp(x, s, n))
				return t->v[j].name;
			size_t i = 0;
			while (i < n && (unsigned char)x[i] == lower(s[i]))
				i++;
			if (i == n)
				return t->v[j].name;
		}
		j = (j + 1) & (t->cap - 1);
	}
	return NULL;
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
	}
	return p;
}

void
providers_free(struct providers *p)
{
	if (!p)
		return;
	for (int k = 0; k < 2; k++) {
		for (size_t i = 0; i < p->t[k].cap; i++) {
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
	if (n == 0 || n >= 256)
		return NULL;
	const struct table *t = &p->t[table];
	if (!t->cap)
		return NULL;
	/* the suffixes that start a label, with the hashes of their lowered bytes, shortest
	 * first, in one pass from the end */
	size_t at[256], ns = 0;
	uint64_t hs[256], h = HASH_INIT;
	for (size_t i = n; i-- > 0;) {
		if (host[i] == '.') { /* the suffix after it is hashed */
			at[ns] = i + 1;
			hs[ns++] = h;
		}
		h = HASH_STEP(h, lower(host[i]));
	}
	at[ns] = 0;
	hs[ns++] = h;
	while (ns--) { /* the longest wins */
		const char *name = table_get(t, host + at[ns], n - at[ns], hs[ns]);
		if (name)
			return name;
	}
	return NULL;
}
