/* SPDX-License-Identifier: ISC */
/* freq.py tables and n-gram models over arbitrary bytes (domain-freq --table and --ngram read
 * any file they are given) and scores of arbitrary names.
 * Input: byte 0 below 0x30 scores the rest against a fixed small table; 0x30 to 0x3F: the rest
 * is n-gram model text for ngram_parse, written out, parsed back and written again (the two
 * texts must be the same), and when byte 0 is 0x3F the model is prepared and scores a few
 * labels; otherwise the rest is table text for freq_parse, and a parsed table is written out,
 * parsed back, written again and, when byte 0 is 0xFF, used to score a few names.
 * Checks: scores are finite and within 0 to 100 (the average) and 0 to 100 (the word
 * probability); ngram scores are finite and count no more symbols than the label has bytes;
 * freq_write's and ngram_write's texts read back to the same table or model. */
#include <math.h>
#include <string.h>

#include "freq.h"
#include "fuzz.h"

static struct freq_table fixed;

static const char fixed_text[] =
    "[true, \"\\n\\t~`!@#$%^&*()_+-\", [[\"a\", [[\"b\", 10], [\"c\", 3], [\"\\u00e9\", 2]]], "
    "[\"b\", [[\"a\", 7], [\"\\u4e2d\", 1]]], [\"\\u4e2d\", [[\"\\u6587\", 5]]], "
    "[\"\\u00c9\", [[\"t\", 4]]], [\".\", [[\"c\", 9]]]]]";

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet();
	struct buf why = BUF_INIT;
	freq_init(&fixed);
	if (freq_parse(&fixed, fixed_text, sizeof fixed_text - 1, &why) < 0) {
		(dprintf)(2, "fixed table: %s\n", why.s);
		abort();
	}
	buf_free(&why);
	return 0;
}

static void
score(struct freq_table *t, const char *s, size_t n)
{
	double avg, word;
	freq_score(t, s, n, &avg, &word);
	FUZZ_CHECK(isfinite(avg) && avg >= 0.0);
	FUZZ_CHECK(isfinite(word) && word >= 0.0);
}

static void
score_label(const struct ngram_model *m, const char *s, size_t n)
{
	size_t syms;
	double bits = ngram_score(m, s, n, &syms);
	FUZZ_CHECK(isfinite(bits) && syms <= n);
}

static void
ngram(const char *s, size_t n, bool prepare)
{
	struct ngram_model m, m2;
	struct buf why = BUF_INIT, w1 = BUF_INIT, w2 = BUF_INIT;
	ngram_init(&m);
	if (ngram_parse(&m, s, n, &why) == 0) {
		ngram_write(&m, &w1);
		ngram_init(&m2);
		FUZZ_CHECK(ngram_parse(&m2, w1.s, w1.len, &why) == 0);
		ngram_write(&m2, &w2);
		FUZZ_CHECK(w1.len == w2.len && !memcmp(w1.s, w2.s, w1.len));
		ngram_free(&m2);
		if (prepare) { /* smoothing 2 Mi cells takes tens of ms: only now and then */
			ngram_prepare(&m);
			score_label(&m, "example", 7);
			score_label(&m, "m\xc3\xbcnchen-2_x", 13);
			score_label(&m, s, n);
		}
	} else {
		FUZZ_CHECK(why.len > 0);
	}
	ngram_free(&m);
	buf_free(&why);
	buf_free(&w1);
	buf_free(&w2);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const char *s = (const char *)data + 1;
	size_t n = size - 1;
	if (data[0] < 0x30) {
		score(&fixed, s, n);
		return 0;
	}
	if (data[0] < 0x40) {
		ngram(s, n, data[0] == 0x3F);
		return 0;
	}
	struct freq_table t, t2;
	struct buf why = BUF_INIT, w1 = BUF_INIT, w2 = BUF_INIT;
	freq_init(&t);
	if (freq_parse(&t, s, n, &why) == 0) {
		freq_write(&t, &w1);
		freq_init(&t2);
		FUZZ_CHECK(freq_parse(&t2, w1.s, w1.len, &why) == 0);
		freq_write(&t2, &w2);
		FUZZ_CHECK(w1.len == w2.len && !memcmp(w1.s, w2.s, w1.len));
		freq_free(&t2);
		if (data[0] ==
		    0xFF) { /* scoring prepares 64 Ki pairs (ms each): only now and then */
			score(&t, "www.example.com", 15);
			score(&t, "caf\xc3\xa9\xe4\xb8\xad\xe6\x96\x87.xn--p1ai", 19);
			score(&t, s, n);
		}
	} else {
		FUZZ_CHECK(why.len > 0);
	}
	freq_free(&t);
	buf_free(&why);
	buf_free(&w1);
	buf_free(&w2);
	return 0;
}
