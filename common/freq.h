/* SPDX-License-Identifier: ISC */
/* Character-pair frequency tables and scores, exactly as Mark Baggett's freq.py computes them
 * (table format [ignore_case, ignorechars, rows], Latin-1 file bytes; even-then-odd pair order;
 * the average and word probabilities), so existing tables and alert thresholds carry over. */
#ifndef FREQ_H
#define FREQ_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

struct freq_pair {
	uint32_t c1, c2;
	uint64_t n;
};

struct freq_table {
	bool ignore_case;
	uint32_t *ignore; /* ignorechars as code points */
	size_t nignore;
	/* Counts for c1, c2 < 256: row[c1][c2], a row made on its first count (a table of
	 * English names uses a few dozen of the 256). */
	uint64_t *row[256];
	struct freq_pair *extra; /* counts with a character >= 256 */
	size_t nextra, capextra;
	/* Precomputed per pair of Latin-1 characters, filled by freq_prepare(). */
	double *p;	  /* the average formula's term */
	uint64_t *l2;	  /* the word formula's numerator term */
	uint64_t l1[256]; /* the word formula's denominator term */
	bool ign[256];
	uint64_t total[256]; /* row totals, valid when totals_ready */
	bool totals_ready;
	bool prepared;
};

#define FREQ_DEFAULT_IGNORE "\n\t~`!@#$%^&*()_+-"

void freq_init(struct freq_table *t);
void freq_free(struct freq_table *t);
/* Read a table file; on error returns -1 with a reason in why. */
int freq_load(struct freq_table *t, const char *path, struct buf *why);
/* Parse table text (the file's bytes, read as Latin-1). */
int freq_parse(struct freq_table *t, const char *text, size_t n, struct buf *why);
/* Set the characters scoring ignores (UTF-8). */
void freq_parse_ignore(struct freq_table *t, const char *s, size_t n);
/* Count every adjacent pair of a line (UTF-8, bad bytes as U+FFFD), case kept, nothing ignored. */
void freq_train(struct freq_table *t, const char *line, size_t n, uint64_t weight);
/* The table in freq.py's format (ASCII JSON with \u escapes), rows sorted. */
void freq_write(const struct freq_table *t, struct buf *out);
/* Score a UTF-8 string: avg and word probabilities, not yet rounded. */
void freq_score(struct freq_table *t, const char *s, size_t n, double *avg, double *word);

/* A character 4-gram model of registrable labels (domain-freq's ngram_score): counts of every
 * window of four symbols over a-z, 0-9 and '-' in benign labels, each label read as "^^^label$".
 * Witten-Bell smoothing down to a uniform guess gives P(next | three before); a label scores
 * the sum of log2(P / uniform) over its symbols, so it is positive when the label reads like
 * the training names and negative when it reads like characters drawn at random. */
#define NGRAM_SYMS  38 /* a-z, 0-9, '-' and the boundary ('^' before a label, '$' after it) */
#define NGRAM_CTXS  (NGRAM_SYMS * NGRAM_SYMS * NGRAM_SYMS)
#define NGRAM_CELLS ((size_t)NGRAM_CTXS * NGRAM_SYMS)
#define NGRAM_UNIT  1024 /* scores are kept in 1/1024 bit: 4 MB, half the cache misses of floats */

struct ngram_model {
	uint32_t *count; /* [context * NGRAM_SYMS + next], for training and writing */
	int16_t *lp; /* the same cells as log2(P / uniform) in NGRAM_UNITs, by ngram_prepare() */
};

void ngram_init(struct ngram_model *m);
void ngram_free(struct ngram_model *m);
/* Parse model text ("ngram 4" then "<4 symbols> <count>" lines; '#' lines are comments). */
int ngram_parse(struct ngram_model *m, const char *text, size_t n, struct buf *why);
int ngram_load(struct ngram_model *m, const char *path, struct buf *why);
/* Count the windows of one label (runs of other characters split it, as in ngram_score). */
void ngram_train(struct ngram_model *m, const char *label, size_t n);
/* The model text, windows in symbol order. */
void ngram_write(const struct ngram_model *m, struct buf *out);
/* Smooth the counts into scores for ngram_score, and drop the counts (train no more). */
void ngram_prepare(struct ngram_model *m);
/* Bits by which the model prefers the label to uniformly random symbols. Characters outside
 * the alphabet (a Unicode label's letters, '_') end one run and start another. *nsyms: how many
 * of the label's characters are in the alphabet (short labels carry little evidence). */
/* Ask the cache for the table cells ngram_score will read for this label, so that while other
 * work goes on they come from memory (most miss the cache: the table is 4 MB). */
void ngram_prefetch(const struct ngram_model *m, const char *label, size_t n);
double ngram_score(const struct ngram_model *m, const char *label, size_t n, size_t *nsyms);

#endif
