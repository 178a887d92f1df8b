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

#endif
