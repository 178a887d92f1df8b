/* freq.py tables over arbitrary bytes (domain-freq --table reads any file it is given) and
 * scores of arbitrary names.
 * Input: byte 0 below 0x40 scores the rest against a fixed small table; otherwise the rest is
 * table text for freq_parse, and a parsed table is written out, parsed back, written again
 * (the two texts must be the same) and, when byte 0 is 0xFF, used to score a few names.
 * Checks: scores are finite and within 0 to 100 (the average) and 0 to 100 (the word
 * probability); freq_write's text reads back to the same table. */
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

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const char *s = (const char *)data + 1;
	size_t n = size - 1;
	if (data[0] < 0x40) {
		score(&fixed, s, n);
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
