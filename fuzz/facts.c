/* SPDX-License-Identifier: ISC */
/* The facts table's writer and reader (common/facts.c): what dns-grade writes, stats-report
 * must read back fact by fact, and any facts object a record brings must be read safely.
 * Input: bytes that make every fact's value (null or not, a number, a string of any bytes, an
 * array of numbers), and the same bytes as a JSON text.
 * Checks: facts_write writes valid JSON; facts_pick gives each fact back as written (nothing
 * for a null); over any JSON object facts_pick returns only non-null spans inside the text. */
#include <string.h>

#include "facts.h"
#include "fuzz.h"
#include "jscan.h"
#include "jsonw.h"

FUZZ_INIT_QUIET()

/* The next n bytes of the input (fewer at its end). */
static const uint8_t *
take(const uint8_t **p, const uint8_t *end, size_t *n)
{
	const uint8_t *at = *p;
	if ((size_t)(end - at) < *n)
		*n = (size_t)(end - at);
	*p += *n;
	return at;
}

static long long
take_int(const uint8_t **p, const uint8_t *end)
{
	size_t n = sizeof(long long);
	long long v = 0;
	memcpy(&v, take(p, end, &n), n);
	return v;
}

/* The text a value alone is written as (what facts_pick must give back): the spans it picks
 * are checked, not the formatting, so the writer's own function says what to expect. */
static void
expect(struct buf *b, enum fact_type t, const struct fact_val *v)
{
	buf_reset(b);
	facts_write_value(b, t, v);
}

static bool
within(struct jspan s, const char *text, size_t n)
{
	return s.p >= text && s.p + s.n <= text + n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	struct fact_val v[NFACTS];
	int ints[NFACTS][4];
	for (int f = 0; f < NFACTS; f++) {
		size_t one = 1, n;
		const uint8_t *sel = take(&p, end, &one);
		unsigned k = one ? *sel : 0;
		switch (fact_defs[f].type) {
		case FACT_STR:
		case FACT_STR_OR_NULL:
			n = k % 24;
			v[f] = fact_strn((const char *)take(&p, end, &n), n);
			break;
		case FACT_INTS:
			n = k % 5;
			for (size_t i = 0; i < n; i++)
				ints[f][i] = (int)take_int(&p, end);
			v[f] = fact_ints(ints[f], n);
			break;
		default:
			v[f] = fact_int(take_int(&p, end));
			if (fact_defs[f].type == FACT_BOOL ||
			    fact_defs[f].type == FACT_BOOL_OR_NULL)
				v[f].i = v[f].i != 0;
		}
		v[f].null = k & 0x80;
	}
	struct buf out = BUF_INIT, want = BUF_INIT;
	facts_write(&out, v);
	FUZZ_CHECK(jscan_value(out.s, out.len, NULL, NULL) == 0);
	struct jspan got[NFACTS], group[NFACT_GROUPS];
	facts_pick((struct jspan){out.s, out.len}, got, group);
	for (int f = 0; f < NFACTS; f++) {
		enum fact_type t = fact_defs[f].type;
		bool nullable = t == FACT_BOOL_OR_NULL || t == FACT_INT_OR_NULL ||
				t == FACT_STR_OR_NULL || t == FACT_NULL;
		if (nullable && (v[f].null || t == FACT_NULL)) {
			FUZZ_CHECK(got[f].n == 0);
			continue;
		}
		expect(&want, t, &v[f]);
		FUZZ_CHECK(got[f].n == want.len && !memcmp(got[f].p, want.s, want.len));
	}
	for (int f = 0; f < NFACTS; f++) {
		struct jspan g = group[fact_defs[f].group];
		FUZZ_CHECK(fact_defs[f].group == FG_TOP ? !g.n : g.n && g.p[0] == '{');
	}

	/* the input itself as a facts object */
	const char *text = (const char *)data;
	if (size && text[0] == '{' && text[size - 1] == '}' &&
	    jscan_value(text, size, NULL, NULL) == 0) {
		facts_pick((struct jspan){text, size}, got, group);
		for (int f = 0; f < NFACTS; f++)
			FUZZ_CHECK(!got[f].n || (within(got[f], text, size) &&
						 !(got[f].n == 4 && !memcmp(got[f].p, "null", 4))));
		for (int g = 0; g < NFACT_GROUPS; g++)
			FUZZ_CHECK(!group[g].n || within(group[g], text, size));
	}
	buf_free(&out);
	buf_free(&want);
	return 0;
}
