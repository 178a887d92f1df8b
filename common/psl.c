/* SPDX-License-Identifier: ISC */
/* The public suffix index (psl.h). libpsl (0.21, a list loaded from text) answers "is S a public
 * suffix" by finding S among its rules (a rule found: yes, unless it is an exception) or else
 * the parent of S among its wildcard rules; a single label is public by the implicit "*" rule.
 * The index keeps, for every label that may be one of libpsl's rules and every suffix of one,
 * libpsl's answer for the label itself and for a child of it that is no rule: the only two
 * answers a lookup needs. */
#include <idn2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "psl.h"
#include "xalloc.h"

struct psl_slot {
	const char *label;
	uint32_t len;
	bool self;  /* psl_is_public_suffix2(label, ANY | NO_STAR_RULE) */
	bool child; /* the same of "<no rule>.label": label is a wildcard rule */
};

/* Most names asked about hold no rule: their lookups end in the hashes alone (4 bytes a slot,
 * 128 KiB for the whole list), never touching a slot or a label; and most of those end sooner,
 * in a bit of the filter: 32 KiB, which the cache keeps while domain-freq's tables go through it
 * (the last lookup of nearly every name, the one that misses, read the hashes from memory). */
#define FILTER_BITS 18 /* a bit for a hash's top 18 bits: about 1 in 27 absent labels passes */
struct psl_index {
	const psl_ctx_t *psl;
	uint32_t *hash; /* 0: empty slot */
	struct psl_slot *slot;
	size_t mask;
	uint64_t filter[(1u << FILTER_BITS) / 64]; /* a set bit for every label's hash */
	char *labels;				   /* the labels' bytes, NUL after each */
};

static inline bool
in_filter(const struct psl_index *x, uint32_t h)
{
	uint32_t bit = h >> (32 - FILTER_BITS);
	return x->filter[bit / 64] >> (bit % 64) & 1;
}

/* Words read from the list, NUL after each. */
struct labels {
	char *s;
	size_t len, cap, count;
};

/* A child label no rule can hold: a leading hyphen is no IDNA output, and the list has none. */
#define PROBE "-psl-index-probe-"

/* FNV-1a over the bytes from the last to the first: a name's suffixes, one label longer each
 * time, are hashed by going on leftwards (psl_index_registrable), never from the start again. */
#define HASH_BASIS 2166136261u

static inline uint32_t
hash_step(uint32_t h, unsigned char c)
{
	return (h ^ c) * 16777619u;
}

static inline uint32_t
hash_end(uint32_t h)
{
	return h ? h : 1; /* 0 marks an empty slot */
}

static uint32_t
hash_of(const char *s, size_t n)
{
	uint32_t h = HASH_BASIS;
	while (n-- > 0)
		h = hash_step(h, (unsigned char)s[n]);
	return hash_end(h);
}

static const struct psl_slot *
find_hashed(const struct psl_index *x, uint32_t h, const char *s, size_t n)
{
	if (!in_filter(x, h))
		return NULL;
	for (size_t i = h & x->mask; x->hash[i]; i = (i + 1) & x->mask) {
		const struct psl_slot *e = &x->slot[i];
		if (x->hash[i] == h && e->len == n && !memcmp(e->label, s, n))
			return e;
	}
	return NULL;
}

static const struct psl_slot *
find(const struct psl_index *x, const char *s, size_t n)
{
	return find_hashed(x, hash_of(s, n), s, n);
}

/* Add a label unless it is there. */
static void
add(struct psl_index *x, const char *s, size_t n)
{
	uint32_t h = hash_of(s, n);
	size_t i = h & x->mask;
	for (; x->hash[i]; i = (i + 1) & x->mask)
		if (x->hash[i] == h && x->slot[i].len == n && !memcmp(x->slot[i].label, s, n))
			return;
	x->hash[i] = h;
	x->slot[i] = (struct psl_slot){.label = s, .len = (uint32_t)n};
	uint32_t bit = h >> (32 - FILTER_BITS);
	x->filter[bit / 64] |= UINT64_C(1) << (bit % 64);
}

/* The table is made big enough for every word and suffix, repeats and all ("com" of most
 * words); then it is remade at twice the labels it holds, as small as a load of a half
 * allows: every lookup of every name reads it, so the cache keeps more of it. */
static void
shrink(struct psl_index *x)
{
	size_t used = 0, size = 16;
	for (size_t i = 0; i <= x->mask; i++)
		used += x->hash[i] != 0;
	while (size < 2 * used + 1)
		size *= 2;
	if (size > x->mask)
		return;
	uint32_t *hash = xcalloc(size, sizeof *hash);
	struct psl_slot *slot = xcalloc(size, sizeof *slot);
	for (size_t i = 0; i <= x->mask; i++) {
		if (!x->hash[i])
			continue;
		size_t j = x->hash[i] & (size - 1);
		while (hash[j])
			j = (j + 1) & (size - 1);
		hash[j] = x->hash[i];
		slot[j] = x->slot[i];
	}
	free(x->hash);
	free(x->slot);
	x->hash = hash;
	x->slot = slot;
	x->mask = size - 1;
}

static size_t
count_dots(const char *s, size_t n)
{
	size_t dots = 0;
	for (size_t i = 0; i < n; i++)
		dots += s[i] == '.';
	return dots;
}

/* A word of the list and every suffix of it after a dot ("b.c" and "c" of "a.b.c"): a suffix of
 * a name that is not in the index then has no longer suffix in it either, which ends
 * psl_index_registrable's walk. */
static void
add_word(struct psl_index *x, const char *s, size_t n)
{
	add(x, s, n);
	for (size_t i = 0; i < n; i++)
		if (s[i] == '.')
			add(x, s + i + 1, n - i - 1);
}

static void
keep(struct labels *l, const char *s, size_t n)
{
	l->s = xgrow(l->s, &l->cap, l->len + n + 1, 1);
	memcpy(l->s + l->len, s, n);
	l->s[l->len + n] = '\0';
	l->len += n + 1;
	l->count += 1 + (size_t)count_dots(s, n); /* the word and its suffixes (add_word) */
}

/* The labels libpsl makes rules of, as psl_load_fp reads them: fgets lines of at most 254 then
 * 255 bytes, leading spaces skipped, "//" comments, the first word, "!" and "*." taken off, and
 * a non-ASCII word's IDNA form as libpsl's libidn2 makes it. A line longer than that gives libpsl
 * a second line, and the index its word too. Labels libpsl refuses (too long) are kept: its
 * answer for them is still the right one. False when fp holds a DAFSA. */
static bool
read_labels(FILE *fp, struct labels *l)
{
	char buf[256];
	char *line = fgets(buf, sizeof buf - 1, fp);
	if (!line || (strlen(buf) == 16 && !strncmp(buf, ".DAFSA@PSL_", 11)))
		return false;
	do {
		while (*line == ' ' || *line == '\t' || *line == '\r' || *line == '\n')
			line++;
		if (!*line || (line[0] == '/' && line[1] == '/'))
			continue;
		char *p = line;
		while (*line && *line != ' ' && *line != '\t' && *line != '\r' && *line != '\n')
			line++;
		*line = '\0';
		if (*p == '!')
			p++;
		else if (*p == '*') {
			if (p[1] != '.')
				continue;
			p += 2;
		}
		keep(l, p, strlen(p));
		bool ascii = true;
		for (const char *c = p; *c; c++)
			ascii = ascii && (unsigned char)*c < 0x80;
		uint8_t *a = NULL;
		if (!ascii && idn2_lookup_u8((const uint8_t *)p, &a,
					     IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL) == IDN2_OK)
			keep(l, (const char *)a, strlen((const char *)a));
		idn2_free(a);
	} while ((line = fgets(buf, sizeof buf, fp)));
	return true;
}

struct psl_index *
psl_index_build(const psl_ctx_t *p, FILE *fp)
{
	struct labels l = {0};
	if (!read_labels(fp, &l)) {
		free(l.s);
		return NULL;
	}
	struct psl_index *x = xcalloc(1, sizeof *x);
	x->psl = p;
	x->labels = l.s;
	size_t size = 16;
	while (size < 2 * l.count + 1)
		size *= 2;
	x->hash = xcalloc(size, sizeof *x->hash);
	x->slot = xcalloc(size, sizeof *x->slot);
	x->mask = size - 1;
	for (size_t at = 0; at < l.len; at += strlen(l.s + at) + 1)
		add_word(x, l.s + at, strlen(l.s + at));
	shrink(x);
	/* libpsl's answers; the child asked about is one the index does not hold, so no rule */
	struct buf probe = BUF_INIT;
	const int type = PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE;
	for (size_t i = 0; i <= x->mask; i++) {
		struct psl_slot *e = &x->slot[i];
		if (!x->hash[i])
			continue;
		for (unsigned k = 0;; k++) {
			buf_reset(&probe);
			for (unsigned z = 0; z < k; z++)
				buf_addc(&probe, '0');
			buf_adds(&probe, PROBE ".");
			buf_add(&probe, e->label, e->len);
			if (!find(x, probe.s, probe.len))
				break;
		}
		e->child = psl_is_public_suffix2(p, probe.s, type) == 1;
		/* libpsl takes one leading dot off what it is asked: ask ".label" for the label */
		buf_reset(&probe);
		buf_addc(&probe, '.');
		buf_add(&probe, e->label, e->len);
		e->self = psl_is_public_suffix2(p, probe.s, type) == 1;
	}
	buf_free(&probe);
	return x;
}

void
psl_index_free(struct psl_index *x)
{
	if (!x)
		return;
	free(x->hash);
	free(x->slot);
	free(x->labels);
	free(x);
}

/* Has the name an A-label? It may match the A-label form libpsl made of a Unicode rule, which
 * the index does not hold: such names are libpsl's to answer. */
static bool
has_alabel(const char *s, size_t n)
{
	for (const char *x = memchr(s, 'x', n); x; x = memchr(x + 1, 'x', n - (size_t)(x + 1 - s)))
		if (n - (size_t)(x - s) >= 4 && !memcmp(x, "xn--", 4))
			return true;
	return false;
}

/* libpsl's answers to psl_index_registrable's two questions. */
static const char *
libpsl_registrable(const struct psl_index *x, const char *name, bool *listed)
{
	const char *reg = psl_registrable_domain(x->psl, name);
	const char *suffix = reg ? strchr(reg, '.') : NULL;
	*listed = suffix && psl_is_public_suffix2(x->psl, suffix + 1,
						  PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE) == 1;
	return reg;
}

/* libpsl's psl_registrable_domain: the longest public suffix among the last 9 labels at most
 * (the implicit "*" rule makes the last label one), and the label before it; NULL when no label
 * is left before it. Walked from the right, a label more each step: a suffix missing from the
 * index has no longer suffix there (add_word), so none further left is public. */
const char *
psl_index_registrable(const struct psl_index *x, const char *name, bool *listed)
{
	bool unused;
	listed = listed ? listed : &unused;
	*listed = false;
	size_t n = strlen(name);
	if (n == 0 || *name == '.')
		return NULL;
	if (has_alabel(name, n))
		return libpsl_registrable(x, name, listed);
	const char *end = name + n, *p = end, *public_at = NULL;
	const struct psl_slot *shorter = NULL; /* the suffix one label shorter */
	uint32_t h = HASH_BASIS;
	unsigned labels, public_labels = 0;
	for (labels = 1; labels <= 9; labels++) {
		const char *label_end = p;
		while (p > name && p[-1] != '.')
			h = hash_step(h, (unsigned char)*--p);
		if (p == label_end) /* an empty label: libpsl takes a leading dot off what it looks
				       up, which this walk does not */
			return libpsl_registrable(x, name, listed);
		const struct psl_slot *e = find_hashed(x, hash_end(h), p, (size_t)(end - p));
		/* public by the rules (the list's own), or as a single label by the implicit "*" */
		bool by_rules = e ? e->self : shorter && shorter->child;
		if (by_rules || labels == 1) {
			public_at = p;
			public_labels = labels;
			*listed = by_rules;
		}
		if (p == name)
			break;
		if (!e) {
			/* no suffix further left is in the index; an empty label next would be
			 * read as this suffix again */
			if (p[-2] == '.')
				return libpsl_registrable(x, name, listed);
			break;
		}
		shorter = e;
		h = hash_step(h, '.');
		p--;
	}
	if (public_at == name || public_labels == 9) {
		*listed = false;
		return NULL; /* no label before it, or none that libpsl looks at */
	}
	/* the label before the public suffix */
	const char *reg = public_at - 1;
	while (reg > name && reg[-1] != '.')
		reg--;
	return reg;
}
