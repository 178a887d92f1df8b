/* SPDX-License-Identifier: ISC */
/* freq.py-compatible tables and scores. The formulas follow freq.py's FreqCounter: see
 * share/freq/README or the domain-freq manual for the derivation of each term. */
#include <errno.h>
#include <math.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <unictype.h>

#include "ascii.h"
#include "freq.h"
#include "jsonw.h"
#include "utf8.h"
#include "xalloc.h"

#define NONE		UINT32_MAX  /* a case mapping that is not one single character */
#define MAX_TABLE_BYTES (64u << 20) /* tables are tens of kilobytes; refuse absurd files */

void
freq_init(struct freq_table *t)
{
	memset(t, 0, sizeof *t);
	t->ignore_case = true;
}

void
freq_free(struct freq_table *t)
{
	free(t->ignore);
	for (unsigned a = 0; a < 256; a++)
		free(t->row[a]);
	free(t->extra);
	free(t->p);
	free(t->l2);
	memset(t, 0, sizeof *t);
}

/* Raw counts. */

static uint64_t *
count_slot(struct freq_table *t, uint32_t c1, uint32_t c2, bool create)
{
	if (c1 < 256 && c2 < 256) {
		if (!t->row[c1]) {
			if (!create)
				return NULL;
			t->row[c1] = xcalloc(256, sizeof *t->row[c1]);
		}
		return &t->row[c1][c2];
	}
	for (size_t i = 0; i < t->nextra; i++)
		if (t->extra[i].c1 == c1 && t->extra[i].c2 == c2)
			return &t->extra[i].n;
	if (!create)
		return NULL;
	t->extra = xgrow(t->extra, &t->capextra, t->nextra + 1, sizeof *t->extra);
	t->extra[t->nextra] = (struct freq_pair){c1, c2, 0};
	return &t->extra[t->nextra++].n;
}

static uint64_t
n_of(struct freq_table *t, uint32_t a, uint32_t b)
{
	if (a == NONE || b == NONE)
		return 0;
	uint64_t *slot = count_slot(t, a, b, false);
	return slot ? *slot : 0;
}

/* N(a): the row total. */
static uint64_t
row_total(struct freq_table *t, uint32_t a)
{
	uint64_t sum = 0;
	if (a == NONE)
		return 0;
	if (a < 256 && t->totals_ready)
		return t->total[a];
	if (a < 256 && t->row[a])
		for (unsigned b = 0; b < 256; b++)
			sum += t->row[a][b];
	for (size_t i = 0; i < t->nextra; i++)
		if (t->extra[i].c1 == a)
			sum += t->extra[i].n;
	return sum;
}

static void
clear_row(struct freq_table *t, uint32_t a)
{
	if (a < 256 && t->row[a])
		memset(t->row[a], 0, 256 * sizeof *t->row[a]);
	for (size_t i = 0; i < t->nextra; i++)
		if (t->extra[i].c1 == a)
			t->extra[i].n = 0;
}

/* Python's case rules for one character: cased means islower() or isupper(); lower, upper and
 * swapcase are full mappings, which count only when they give a single character. */

/* The answers for Latin-1 are asked for 65536 times per table: keep them (file scope: they
 * are facts of Unicode, filled once per process and never changed after). */
static struct {
	bool ready;
	bool cased[256];
	uint32_t lower[256], upper[256];
} latin1;

static uint32_t map1_uncached(uint32_t c, bool upper);

static void
latin1_init(void)
{
	for (uint32_t c = 0; c < 256; c++) {
		latin1.cased[c] = uc_is_property_lowercase(c) || uc_is_property_uppercase(c);
		latin1.lower[c] = map1_uncached(c, false);
		latin1.upper[c] = map1_uncached(c, true);
	}
	latin1.ready = true;
}

static bool
is_cased(uint32_t c)
{
	if (c < 256 && latin1.ready)
		return latin1.cased[c];
	return c != NONE && (uc_is_property_lowercase(c) || uc_is_property_uppercase(c));
}

static uint32_t
map1(uint32_t c, bool upper)
{
	if (c < 256 && latin1.ready)
		return upper ? latin1.upper[c] : latin1.lower[c];
	return map1_uncached(c, upper);
}

static uint32_t
map1_uncached(uint32_t c, bool upper)
{
	if (c < 0x80)
		return upper ? (c >= 'a' && c <= 'z' ? c - 32 : c)
			     : (c >= 'A' && c <= 'Z' ? c + 32 : c);
	uint32_t out[8];
	size_t len = 8;
	uint32_t *r = (upper ? u32_toupper : u32_tolower)(&c, 1, NULL, NULL, out, &len);
	if (!r)
		return NONE;
	uint32_t one = len == 1 ? r[0] : NONE;
	if (r != out)
		free(r);
	return one;
}

static uint32_t
swapcase(uint32_t c)
{
	if (uc_is_property_uppercase(c))
		return map1(c, false);
	if (uc_is_property_lowercase(c))
		return map1(c, true);
	return c;
}

static bool
ignored(const struct freq_table *t, uint32_t c)
{
	if (c < 256 && t->prepared)
		return t->ign[c];
	for (size_t i = 0; i < t->nignore; i++)
		if (t->ignore[i] == c)
			return true;
	return false;
}

/* node.__getitem__: the count of b after a, both cases of b when folding. */
static uint64_t
col(struct freq_table *t, uint32_t a, uint32_t b)
{
	if (t->ignore_case && is_cased(b))
		return n_of(t, a, map1(b, false)) + n_of(t, a, map1(b, true));
	return n_of(t, a, b);
}

static uint64_t
ignored_successors(struct freq_table *t, uint32_t a)
{
	uint64_t sum = 0;
	for (size_t i = 0; i < t->nignore; i++)
		sum += col(t, a, t->ignore[i]);
	return sum;
}

/* FreqCounter._probability's denominator for the pairs that start with c1: the row's total less
 * its ignored successors, both cases of c1 when folding; 0 where it gives 0. The same for
 * every c2: freq_prepare asks it once a row. */
static uint64_t
pair_denominator(struct freq_table *t, uint32_t c1)
{
	if (t->ignore_case && row_total(t, c1) == 0 && row_total(t, swapcase(c1)) == 0)
		return 0;
	if (!t->ignore_case && row_total(t, c1) == 0)
		return 0;
	uint64_t den, ign;
	if (t->ignore_case && is_cased(c1)) {
		uint32_t lo = map1(c1, false), up = map1(c1, true);
		ign = ignored_successors(t, lo) + ignored_successors(t, up);
		den = row_total(t, lo) + row_total(t, up);
	} else {
		ign = ignored_successors(t, c1);
		den = row_total(t, c1);
	}
	/* den <= ign: freq.py divides by zero here; no real table gets here */
	return den <= ign ? 0 : den - ign;
}

/* FreqCounter._probability for one pair, whose denominator is den. */
static double
pair_probability_over(struct freq_table *t, uint32_t c1, uint32_t c2, uint64_t den)
{
	if (den == 0)
		return 0.0;
	uint64_t num;
	if (t->ignore_case && is_cased(c1))
		num = col(t, map1(c1, false), c2) + col(t, map1(c1, true), c2);
	else
		num = col(t, c1, c2);
	return (double)num / (double)den;
}

static double
pair_probability(struct freq_table *t, uint32_t c1, uint32_t c2)
{
	return pair_probability_over(t, c1, c2, pair_denominator(t, c1));
}

/* The two word-formula terms of one pair. */
static void
word_terms(struct freq_table *t, uint32_t c1, uint32_t c2, uint64_t *l1, uint64_t *l2)
{
	*l1 = row_total(t, c1);
	*l2 = col(t, c1, c2);
	if (t->ignore_case && is_cased(c1)) {
		uint32_t s = swapcase(c1);
		*l1 += row_total(t, s);
		*l2 += col(t, s, c2);
	}
}

/* Precompute every term for Latin-1 pairs, the characters of nearly all names. */
static void
freq_prepare(struct freq_table *t)
{
	if (t->prepared)
		return;
	if (!latin1.ready)
		latin1_init();
	if (!t->p) {
		t->p = xmalloc(256 * 256 * sizeof *t->p);
		t->l2 = xmalloc(256 * 256 * sizeof *t->l2);
	}
	t->totals_ready = false;
	for (uint32_t c = 0; c < 256; c++) {
		t->ign[c] = ignored(t, c);
		t->total[c] = row_total(t, c);
	}
	t->totals_ready = true;
	for (uint32_t a = 0; a < 256; a++) {
		uint64_t unused;
		word_terms(t, a, 0, &t->l1[a], &unused); /* l1 is the same for every b */
		if (t->l1[a] == 0) {
			/* no count starts with a (nor its other case, folding): every term is 0,
			 * and most of the 256 rows are so */
			memset(t->p + a * 256, 0, 256 * sizeof *t->p);
			memset(t->l2 + a * 256, 0, 256 * sizeof *t->l2);
			continue;
		}
		uint64_t den = pair_denominator(t, a);
		for (uint32_t b = 0; b < 256; b++) {
			uint64_t l1;
			t->p[a * 256 + b] = pair_probability_over(t, a, b, den);
			word_terms(t, a, b, &l1, &t->l2[a * 256 + b]);
		}
	}
	t->prepared = true;
}

/* The terms of a pair with a character beyond Latin-1, from the counts. */
static void
terms_beyond_latin1(struct freq_table *t, uint32_t a, uint32_t b, double *p, uint64_t *l1,
		    uint64_t *l2)
{
	*p = pair_probability(t, a, b);
	word_terms(t, a, b, l1, l2);
}

/* The two scores from the code points, adding the pairs in freq.py's order: all pairs starting
 * at even offsets, then at odd offsets. A pair is skipped only when both of its characters are
 * ignored (domain_stats' freq.py). The characters are the bytes of an ASCII string, or else
 * code points. Inlined for each kind of string: where all_latin1 is true (nearly every name)
 * the loop makes no call, so its sums stay in registers; with a call in it, they went to the
 * frame and each pair waited on the last one's stores. */
static inline __attribute__((always_inline)) void
sum_pairs(struct freq_table *t, const unsigned char *bytes, const uint32_t *cp, size_t len,
	  bool all_latin1, double *avg, double *word)
{
	const double *prob = t->p;
	const uint64_t *row1 = t->l1, *pair2 = t->l2;
	const bool *ign = t->ign;
	double sum = 0.0;
	size_t count = 0;
	uint64_t tot1 = 0, tot2 = 0;
	for (size_t start = 0; start < 2; start++) {
		for (size_t i = start; i + 1 < len; i += 2) {
			uint32_t a = bytes ? bytes[i] : cp[i], b = bytes ? bytes[i + 1] : cp[i + 1];
			double pab;
			uint64_t l1, l2;
			if (all_latin1 || (a < 256 && b < 256)) {
				if (ign[a] && ign[b])
					continue;
				pab = prob[a * 256 + b];
				l1 = row1[a];
				l2 = pair2[a * 256 + b];
			} else {
				if (ignored(t, a) && ignored(t, b))
					continue;
				terms_beyond_latin1(t, a, b, &pab, &l1, &l2);
			}
			count++;
			sum += pab;
			tot1 += l1;
			tot2 += l2;
		}
	}
	*avg = count ? sum / (double)count * 100.0 : 0.0;
	*word = tot1 && tot2 ? (double)tot2 / (double)tot1 * 100.0 : 0.0;
}

void
freq_score(struct freq_table *t, const char *s, size_t n, double *avg, double *word)
{
	freq_prepare(t);
	const unsigned char *u = (const unsigned char *)s;
	size_t ascii = 0;
	while (ascii < n && u[ascii] < 0x80)
		ascii++;
	if (ascii == n) { /* nearly every name: its bytes are its characters */
		sum_pairs(t, u, NULL, n, true, avg, word);
		return;
	}
	/* the code points, at most one a byte */
	uint32_t stackbuf[256], *cp = n <= 256 ? stackbuf : xmalloc(n * sizeof *cp);
	size_t len = 0;
	bool all_latin1 = true;
	for (size_t i = 0; i < n;) {
		if (u[i] < 0x80) {
			cp[len++] = u[i++];
			continue;
		}
		i += utf8_decode1(u + i, n - i, &cp[len]);
		all_latin1 = all_latin1 && cp[len] < 256;
		len++;
	}
	if (all_latin1)
		sum_pairs(t, NULL, cp, len, true, avg, word);
	else
		sum_pairs(t, NULL, cp, len, false, avg, word);
	if (cp != stackbuf)
		free(cp);
}

void
freq_train(struct freq_table *t, const char *line, size_t n, uint64_t weight)
{
	const unsigned char *u = (const unsigned char *)line;
	uint32_t prev = NONE;
	t->prepared = t->totals_ready = false;
	for (size_t i = 0; i < n;) {
		uint32_t c;
		i += utf8_decode1(u + i, n - i, &c);
		if (c == '\n') {
			prev = NONE;
			continue;
		}
		if (prev != NONE)
			*count_slot(t, prev, c, true) += weight;
		prev = c;
	}
}

/* Loading. */

static int
bad(struct buf *why, const char *msg)
{
	buf_reset(why);
	buf_adds(why, msg);
	return -1;
}

/* One character of a JSON string as a code point, or NONE when the string is not one char. */
static uint32_t
one_char(struct json_object *o)
{
	if (!json_object_is_type(o, json_type_string))
		return NONE;
	const unsigned char *s = (const unsigned char *)json_object_get_string(o);
	size_t n = (size_t)json_object_get_string_len(o);
	if (n == 0)
		return NONE;
	uint32_t c;
	size_t k = utf8_decode1(s, n, &c);
	return k == n ? c : NONE;
}

void
freq_parse_ignore(struct freq_table *t, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	free(t->ignore);
	t->ignore = xmalloc((n + 1) * sizeof *t->ignore);
	t->nignore = 0;
	for (size_t i = 0; i < n;)
		i += utf8_decode1(u + i, n - i, &t->ignore[t->nignore++]);
	t->prepared = false;
}

int
freq_parse(struct freq_table *t, const char *text, size_t n, struct buf *why)
{
	/* The file is Latin-1: each byte is one character. Re-encode as UTF-8 for json-c. */
	struct buf utf = BUF_INIT;
	buf_grow(&utf, n * 2);
	for (size_t i = 0; i < n; i++)
		buf_add_utf8(&utf, (unsigned char)text[i]);
	struct json_tokener *tok = json_tokener_new_ex(64);
	struct json_object *root = json_tokener_parse_ex(tok, utf.s, (int)utf.len);
	enum json_tokener_error jerr = json_tokener_get_error(tok);
	size_t used = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	int rc = -1;
	if (!root || jerr != json_tokener_success) {
		buf_reset(why);
		buf_addf(why, "not JSON: %s", json_tokener_error_desc(jerr));
		goto out;
	}
	while (used < utf.len && strchr(" \t\r\n", utf.s[used]))
		used++;
	if (used != utf.len) {
		bad(why, "text after the table");
		goto out;
	}
	if (!json_object_is_type(root, json_type_array) || json_object_array_length(root) != 3) {
		bad(why, "not a freq.py table: expected [ignore_case, ignorechars, rows]");
		goto out;
	}
	struct json_object *ic = json_object_array_get_idx(root, 0);
	struct json_object *ig = json_object_array_get_idx(root, 1);
	struct json_object *rows = json_object_array_get_idx(root, 2);
	if (!json_object_is_type(ic, json_type_boolean) ||
	    !json_object_is_type(ig, json_type_string) ||
	    !json_object_is_type(rows, json_type_array)) {
		bad(why, "not a freq.py table: bad header types");
		goto out;
	}
	t->ignore_case = json_object_get_boolean(ic);
	freq_parse_ignore(t, json_object_get_string(ig), (size_t)json_object_get_string_len(ig));
	size_t nrows = json_object_array_length(rows);
	for (size_t r = 0; r < nrows; r++) {
		struct json_object *row = json_object_array_get_idx(rows, r);
		if (!json_object_is_type(row, json_type_array) ||
		    json_object_array_length(row) != 2) {
			bad(why, "bad row: expected [char, [[char, count], ...]]");
			goto out;
		}
		struct json_object *pairs = json_object_array_get_idx(row, 1);
		if (!json_object_is_type(json_object_array_get_idx(row, 0), json_type_string) ||
		    !json_object_is_type(pairs, json_type_array)) {
			bad(why, "bad row: expected [char, [[char, count], ...]]");
			goto out;
		}
		/* A multi-character key can never match a character: freq.py keeps it unused. */
		uint32_t c1 = one_char(json_object_array_get_idx(row, 0));
		if (c1 != NONE)
			clear_row(t, c1); /* a repeated row replaces the earlier one */
		size_t np = json_object_array_length(pairs);
		for (size_t k = 0; k < np; k++) {
			struct json_object *pair = json_object_array_get_idx(pairs, k);
			/* json-c asserts (aborts) on an index into a non-array: check the type
			 * first */
			if (!json_object_is_type(pair, json_type_array) ||
			    json_object_array_length(pair) != 2 ||
			    !json_object_is_type(json_object_array_get_idx(pair, 0),
						 json_type_string) ||
			    !json_object_is_type(json_object_array_get_idx(pair, 1),
						 json_type_int)) {
				bad(why, "bad pair: expected [char, integer count]");
				goto out;
			}
			uint32_t c2 = one_char(json_object_array_get_idx(pair, 0));
			int64_t v = json_object_get_int64(json_object_array_get_idx(pair, 1));
			if (c1 == NONE || c2 == NONE || v <= 0)
				continue; /* Counter.update([k] * v) adds nothing for v <= 0 */
			*count_slot(t, c1, c2, true) += (uint64_t)v;
		}
	}
	t->prepared = t->totals_ready = false;
	rc = 0;
out:
	json_object_put(root);
	buf_free(&utf);
	return rc;
}

/* A whole table file, refused past MAX_TABLE_BYTES. */
static int
read_table_file(const char *path, struct buf *text, struct buf *why)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		buf_reset(why);
		buf_addf(why, "cannot open '%s': %s", path, strerror(errno));
		return -1;
	}
	char chunk[65536];
	size_t r;
	while ((r = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (text->len + r > MAX_TABLE_BYTES) {
			fclose(f);
			buf_reset(why);
			buf_addf(why, "'%s' is larger than %u bytes", path, MAX_TABLE_BYTES);
			return -1;
		}
		buf_add(text, chunk, r);
	}
	int err = ferror(f);
	fclose(f);
	if (err) {
		buf_reset(why);
		buf_addf(why, "cannot read '%s'", path);
		return -1;
	}
	return 0;
}

int
freq_load(struct freq_table *t, const char *path, struct buf *why)
{
	struct buf text = BUF_INIT;
	int rc = read_table_file(path, &text, why);
	if (rc == 0)
		rc = freq_parse(t, buf_str(&text), text.len, why);
	buf_free(&text);
	return rc;
}

/* Writing, as Python's json.dumps with ensure_ascii does. */

static void
put_char(struct buf *b, uint32_t c)
{
	buf_addc(b, '"');
	jsonw_ascii_char(b, c);
	buf_addc(b, '"');
}

static int
cmp_pair(const void *x, const void *y)
{
	const struct freq_pair *a = x, *b = y;
	if (a->c1 != b->c1)
		return a->c1 < b->c1 ? -1 : 1;
	return a->c2 < b->c2 ? -1 : a->c2 > b->c2;
}

void
freq_write(const struct freq_table *t, struct buf *out)
{
	/* Gather every non-zero pair, sorted by (c1, c2). */
	struct freq_pair *all = NULL;
	size_t n = 0, cap = 0;
	for (uint32_t a = 0; a < 256; a++)
		for (uint32_t b = 0; t->row[a] && b < 256; b++)
			if (t->row[a][b]) {
				all = xgrow(all, &cap, n + 1, sizeof *all);
				all[n++] = (struct freq_pair){a, b, t->row[a][b]};
			}
	for (size_t i = 0; i < t->nextra; i++)
		if (t->extra[i].n) {
			all = xgrow(all, &cap, n + 1, sizeof *all);
			all[n++] = t->extra[i];
		}
	if (n)
		qsort(all, n, sizeof *all, cmp_pair); /* all is NULL for an empty table */
	buf_adds(out, t->ignore_case ? "[true, \"" : "[false, \"");
	for (size_t i = 0; i < t->nignore; i++) {
		struct buf one = BUF_INIT;
		put_char(&one, t->ignore[i]);
		buf_add(out, one.s + 1, one.len - 2);
		buf_free(&one);
	}
	buf_adds(out, "\", [");
	for (size_t i = 0; i < n; i++) {
		bool new_row = i == 0 || all[i].c1 != all[i - 1].c1;
		if (new_row) {
			if (i)
				buf_adds(out, "]], ");
			buf_addc(out, '[');
			put_char(out, all[i].c1);
			buf_adds(out, ", [");
		} else {
			buf_adds(out, ", ");
		}
		buf_addc(out, '[');
		put_char(out, all[i].c2);
		buf_addf(out, ", %llu]", (unsigned long long)all[i].n);
	}
	buf_adds(out, n ? "]]]]\n" : "]]\n");
	free(all);
}

/* The n-gram model of labels. */

#define NGRAM_END (NGRAM_SYMS - 1) /* the boundary symbol, '^' or '$' in model text */

/* A window's place in a label: its context, the three symbols before the next one, as one
 * number (a * S^2 + b * S + c, a the oldest), and those symbols. The next window's context is
 * the cell less a * S^3: a subtraction where the remainder of a division by S^3 was a chain of
 * multiplications, which each symbol waited on before its table read (ngram_score alone: 56 ns
 * a label before, 35 after, on a million distinct labels). */
struct ngram_window {
	size_t ctx;
	unsigned a, b, c;
};
/* "^^^": every context symbol a boundary */
#define NGRAM_START ((struct ngram_window){NGRAM_CTXS - 1, NGRAM_END, NGRAM_END, NGRAM_END})

static inline size_t
ngram_cell(const struct ngram_window *w, unsigned next)
{
	return w->ctx * NGRAM_SYMS + next;
}

/* Move the window past next, whose cell was cell. */
static inline void
ngram_slide(struct ngram_window *w, size_t cell, unsigned next)
{
	w->ctx = cell - (size_t)w->a * NGRAM_CTXS;
	w->a = w->b;
	w->b = w->c;
	w->c = next;
}

/* a-z (either case), 0-9, '-' as 0 to 36; anything else -1. A table: ngram_score reads one
 * a character of every name (the tests in a row cost 10 % of its instructions). */
#define NGRAM_SYM(c)                                                                               \
	((c) >= 'a' && (c) <= 'z'   ? (c) - 'a'                                                    \
	 : (c) >= 'A' && (c) <= 'Z' ? (c) - 'A'                                                    \
	 : ASCII_DIGIT(c)	    ? 26 + (c) - '0'                                               \
	 : (c) == '-'		    ? 36                                                           \
				    : -1)
static const int8_t ngram_sym_of[256] = {ASCII_TABLE(NGRAM_SYM)};

static int
ngram_sym(unsigned char c)
{
	return ngram_sym_of[c];
}

static char
ngram_char(unsigned sym, bool last)
{
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789-";
	return sym < NGRAM_END ? alphabet[sym] : last ? '$' : '^';
}

void
ngram_init(struct ngram_model *m)
{
	memset(m, 0, sizeof *m);
}

void
ngram_free(struct ngram_model *m)
{
	free(m->count);
	free(m->lp);
	memset(m, 0, sizeof *m);
}

static void
ngram_add(struct ngram_model *m, size_t cell, uint64_t n)
{
	if (!m->count)
		m->count = xcalloc(NGRAM_CELLS, sizeof *m->count);
	uint64_t sum = m->count[cell] + n;
	m->count[cell] = sum > UINT32_MAX ? UINT32_MAX : (uint32_t)sum; /* saturate, never wrap */
}

void
ngram_train(struct ngram_model *m, const char *label, size_t n)
{
	const unsigned char *u = (const unsigned char *)label;
	struct ngram_window w = NGRAM_START;
	bool in_run = false;
	for (size_t i = 0; i <= n; i++) {
		int x = i < n ? ngram_sym(u[i]) : -1;
		if (x < 0) {
			if (in_run)
				ngram_add(m, ngram_cell(&w, NGRAM_END), 1);
			w = NGRAM_START;
			in_run = false;
			continue;
		}
		size_t cell = ngram_cell(&w, (unsigned)x);
		ngram_add(m, cell, 1);
		ngram_slide(&w, cell, (unsigned)x);
		in_run = true;
	}
}

/* The windows of a label: the sum of their cells' scores, or with prefetch, each cell only asked
 * of the cache (one walk for both, so ngram_prefetch asks for the cells ngram_score reads). */
static inline __attribute__((always_inline)) long
ngram_walk(const struct ngram_model *m, const char *label, size_t n, bool prefetch, size_t *nsyms)
{
	const unsigned char *u = (const unsigned char *)label;
	const int16_t *lp = m->lp;
	struct ngram_window w = NGRAM_START;
	bool in_run = false;
	long sum = 0;
	size_t syms = 0;
	for (size_t i = 0; i <= n; i++) {
		int x = i < n ? ngram_sym(u[i]) : -1;
		size_t cell;
		if (x < 0) {
			if (!in_run)
				continue;
			cell = ngram_cell(&w, NGRAM_END);
			w = NGRAM_START;
			in_run = false;
		} else {
			cell = ngram_cell(&w, (unsigned)x);
			ngram_slide(&w, cell, (unsigned)x);
			in_run = true;
			syms++;
		}
		if (prefetch)
			__builtin_prefetch(lp + cell);
		else
			sum += lp[cell];
	}
	*nsyms = syms;
	return sum;
}

void
ngram_prefetch(const struct ngram_model *m, const char *label, size_t n)
{
	size_t syms;
	ngram_walk(m, label, n, true, &syms);
}

double
ngram_score(const struct ngram_model *m, const char *label, size_t n, size_t *nsyms)
{
	return (double)ngram_walk(m, label, n, false, nsyms) / NGRAM_UNIT;
}

/* Witten-Bell for one context: its counts, interpolated with the next shorter context's
 * probabilities by the number of different symbols seen after it. */
static void
witten_bell(const uint64_t *c, const double *lower, double *out)
{
	uint64_t total = 0, types = 0;
	for (unsigned x = 0; x < NGRAM_SYMS; x++) {
		total += c[x];
		types += c[x] > 0;
	}
	for (unsigned x = 0; x < NGRAM_SYMS; x++)
		out[x] = total ? ((double)c[x] + (double)types * lower[x]) / (double)(total + types)
			       : lower[x];
}

/* log2 of a probability ratio in NGRAM_UNITs. Witten-Bell never gives 0, and no count below
 * 2^32 takes a ratio under 2^-32: the clamp only keeps the type. */
static int16_t
units(double ratio)
{
	double u = round(log2(ratio) * NGRAM_UNIT);
	return (int16_t)(u < INT16_MIN ? INT16_MIN : u > INT16_MAX ? INT16_MAX : u);
}

void
ngram_prepare(struct ngram_model *m)
{
	enum { S = NGRAM_SYMS };
	/* Shorter contexts' counts: the windows summed over their first symbols. */
	uint64_t *c2 = xcalloc((size_t)S * S * S, sizeof *c2);
	uint64_t *c1 = xcalloc((size_t)S * S, sizeof *c1);
	uint64_t c0[NGRAM_SYMS] = {0}, c3[NGRAM_SYMS];
	for (size_t cell = 0; m->count && cell < NGRAM_CELLS; cell++) {
		uint64_t v = m->count[cell];
		if (!v)
			continue;
		size_t ctx = cell / S, x = cell % S;
		c2[(ctx % (S * S)) * S + x] += v;
		c1[(ctx % S) * S + x] += v;
		c0[x] += v;
	}
	double uniform[NGRAM_SYMS], p0[NGRAM_SYMS], p3[NGRAM_SYMS];
	double *p1 = xmalloc((size_t)S * S * sizeof *p1);
	double *p2 = xmalloc((size_t)S * S * S * sizeof *p2);
	int16_t *lp2 = xmalloc((size_t)S * S * S * sizeof *lp2);
	for (unsigned x = 0; x < S; x++)
		uniform[x] = 1.0 / S;
	witten_bell(c0, uniform, p0);
	for (size_t h = 0; h < S; h++)
		witten_bell(c1 + h * S, p0, p1 + h * S);
	for (size_t h = 0; h < (size_t)S * S; h++) {
		witten_bell(c2 + h * S, p1 + (h % S) * S, p2 + h * S);
		for (unsigned x = 0; x < S; x++)
			lp2[h * S + x] = units(p2[h * S + x] * S);
	}
	int16_t *lp = xmalloc(NGRAM_CELLS * sizeof *lp);
	for (size_t h = 0; h < NGRAM_CTXS; h++) {
		const int16_t *shorter = lp2 + (h % (S * S)) * S;
		uint64_t seen = 0;
		for (unsigned x = 0; x < S; x++)
			seen += c3[x] = m->count ? m->count[h * S + x] : 0;
		if (!seen) { /* most contexts never occur: the shorter one's scores */
			memcpy(lp + h * S, shorter, S * sizeof *lp);
			continue;
		}
		witten_bell(c3, p2 + (h % (S * S)) * S, p3);
		for (unsigned x = 0; x < S; x++)
			lp[h * S + x] = units(p3[x] * S);
	}
	free(m->lp);
	m->lp = lp;
	free(m->count); /* 8 MB no longer needed: a prepared model only scores */
	m->count = NULL;
	free(c2);
	free(c1);
	free(p1);
	free(p2);
	free(lp2);
}

void
ngram_write(const struct ngram_model *m, struct buf *out)
{
	buf_adds(out, "ngram 4\n");
	for (size_t cell = 0; m->count && cell < NGRAM_CELLS; cell++) {
		if (!m->count[cell])
			continue;
		size_t ctx = cell / NGRAM_SYMS;
		buf_addc(out, ngram_char((unsigned)(ctx / (NGRAM_SYMS * NGRAM_SYMS)), false));
		buf_addc(out, ngram_char((unsigned)(ctx / NGRAM_SYMS % NGRAM_SYMS), false));
		buf_addc(out, ngram_char((unsigned)(ctx % NGRAM_SYMS), false));
		buf_addc(out, ngram_char((unsigned)(cell % NGRAM_SYMS), true));
		buf_addf(out, " %lu\n", (unsigned long)m->count[cell]);
	}
}

/* One symbol of a window in model text: '^' only before the last, '$' only last. */
static int
ngram_text_sym(char c, bool last)
{
	if (c == (last ? '$' : '^'))
		return NGRAM_END;
	return c >= 'A' && c <= 'Z' ? -1 : ngram_sym((unsigned char)c);
}

int
ngram_parse(struct ngram_model *m, const char *text, size_t n, struct buf *why)
{
	bool header = false;
	size_t lineno = 0;
	for (size_t i = 0; i < n;) {
		const char *nl = memchr(text + i, '\n', n - i);
		size_t end = nl ? (size_t)(nl - text) : n, len = end - i;
		const char *l = text + i;
		i = end + 1;
		lineno++;
		if (len == 0 || l[0] == '#')
			continue;
		if (!header) {
			if (len != 7 || memcmp(l, "ngram 4", 7)) {
				buf_reset(why);
				buf_addf(why, "line %zu: not a domstat n-gram model (no 'ngram 4')",
					 lineno);
				return -1;
			}
			header = true;
			continue;
		}
		size_t cell = 0;
		bool ok = len >= 6 && l[4] == ' ';
		for (unsigned k = 0; ok && k < 4; k++) {
			int x = ngram_text_sym(l[k], k == 3);
			ok = x >= 0;
			cell = cell * NGRAM_SYMS + (unsigned)(x < 0 ? 0 : x);
		}
		uint64_t v = 0;
		for (size_t k = 5; ok && k < len; k++) {
			ok = l[k] >= '0' && l[k] <= '9' && v <= UINT32_MAX;
			v = v * 10 + (uint64_t)(l[k] - '0');
		}
		if (!ok || v == 0 || v > UINT32_MAX) {
			buf_reset(why);
			buf_addf(why,
				 "line %zu: expected four symbols of a-z 0-9 - ^ $ and a count "
				 "from 1 to 4294967295",
				 lineno);
			return -1;
		}
		ngram_add(m, cell, v);
	}
	if (!header)
		return bad(why, "not a domstat n-gram model (no 'ngram 4')");
	return 0;
}

int
ngram_load(struct ngram_model *m, const char *path, struct buf *why)
{
	struct buf text = BUF_INIT;
	int rc = read_table_file(path, &text, why);
	if (rc == 0)
		rc = ngram_parse(m, buf_str(&text), text.len, why);
	buf_free(&text);
	return rc;
}
