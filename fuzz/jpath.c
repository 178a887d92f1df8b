/* SPDX-License-Identifier: ISC */
/* --field paths (common/jpath.c) over arbitrary bytes, and following them in records.
 *
 * Input: the path up to the first newline, then the JSON text of a record.
 * Checks: jpath_parse either fails with a reason and an offset inside the text, or gives 1 to
 * JPATH_MAX_STEPS steps; the steps written back in bracket form parse to the same steps; on a
 * record jscan accepts, a value jpath_find finds is one valid JSON value, and for a path of
 * member names the lookup jscan makes while it validates (the one rec_read uses) finds the same
 * span. */
#include <string.h>

#include "fuzz.h"
#include "jpath.h"
#include "jscan.h"
#include "jsonw.h"

FUZZ_INIT_QUIET()

/* The steps in the bracket form every path has: ["key"][3][]. */
static void
write_path(const struct jpath *p, struct buf *b)
{
	for (size_t i = 0; i < p->n; i++) {
		const struct jpath_step *s = &p->step[i];
		buf_addc(b, '[');
		if (s->kind == JPATH_KEY)
			jsonw_str(b, s->key, s->keylen);
		else if (s->kind == JPATH_INDEX)
			buf_addf(b, "%zu", s->index);
		buf_addc(b, ']');
	}
}

static bool
same_steps(const struct jpath *a, const struct jpath *b)
{
	if (a->n != b->n || a->keys_only != b->keys_only)
		return false;
	for (size_t i = 0; i < a->n; i++) {
		const struct jpath_step *x = &a->step[i], *y = &b->step[i];
		if (x->kind != y->kind || x->index != y->index || x->keylen != y->keylen ||
		    (x->keylen && memcmp(x->key, y->key, x->keylen)))
			return false;
	}
	return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	const char *nl = memchr(s, '\n', size);
	size_t plen = nl ? (size_t)(nl - s) : size;
	struct jpath p, back;
	const char *why = NULL;
	size_t at = (size_t)-1;
	if (jpath_parse(&p, s, plen, &why, &at) < 0) {
		FUZZ_CHECK(why != NULL && at <= plen);
		return 0;
	}
	FUZZ_CHECK(p.n >= 1 && p.n <= JPATH_MAX_STEPS);
	struct buf w = BUF_INIT;
	write_path(&p, &w);
	FUZZ_CHECK(jpath_parse(&back, buf_str(&w), w.len, &why, &at) == 0);
	FUZZ_CHECK(same_steps(&p, &back));
	jpath_free(&back);
	buf_free(&w);
	if (!nl) {
		jpath_free(&p);
		return 0;
	}
	const char *rec = nl + 1;
	size_t rlen = size - plen - 1;
	struct jmembers m = {0};
	const char *part[JPATH_MAX_STEPS];
	size_t partlen[JPATH_MAX_STEPS];
	int nparts = 0;
	if (p.keys_only)
		for (size_t k = 0; k < p.n; k++) {
			part[nparts] = p.step[k].key;
			partlen[nparts++] = p.step[k].keylen;
		}
	struct jspan inpass, walked;
	bool has_inpass = false;
	if (jscan_object_parts(rec, rlen, &m, part, partlen, nparts, &inpass, &has_inpass, NULL,
			       NULL, NULL) == 0) {
		bool has_walked = jpath_find(&m, &p, &walked);
		if (has_walked)
			FUZZ_CHECK(walked.n > 0 &&
				   jscan_value(walked.p, walked.n, NULL, NULL) == 0);
		if (p.keys_only && p.n <= JSCAN_PATH_MAX_PARTS) {
			FUZZ_CHECK(has_inpass == has_walked);
			FUZZ_CHECK(!has_walked || (inpass.p == walked.p && inpass.n == walked.n));
		}
	}
	free(m.v);
	jpath_free(&p);
	return 0;
}
