/* SPDX-License-Identifier: ISC */
/* SPF records (dns-grade's common/spf.c) over arbitrary TXT text: spf_is_record, spf_parse.
 * Checks: every term's argument and the redirect and exp domain-specs point into the text;
 * findings stay bounded; the record's all is its first all term's qualifier (what dns-grade's walk,
 * which stops there, reports as the policy). */
#include <string.h>

#include "findings.h"
#include "fuzz.h"
#include "spf.h"

FUZZ_INIT_QUIET()

static void
inside(const char *s, size_t n, const char *p, size_t len)
{
	if (p)
		FUZZ_CHECK(p >= s && len <= n && (size_t)(p - s) <= n - len);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a copy of exactly size bytes, so ASan sees any read past the text */
	char *s = fuzz_copy(data, size);
	struct spf_record r;
	struct findings f;
	findings_init(&f);
	spf_record_init(&r);
	(void)spf_is_record(s, size);
	spf_parse(s, size, &r, &f);
	for (size_t i = 0; i < r.nterms; i++) {
		FUZZ_CHECK(strchr("+-~?", r.terms[i].qual) && r.terms[i].qual);
		inside(s, size, r.terms[i].arg, r.terms[i].arglen);
	}
	/* the walk stops at the first all (RFC 7208 5.1) and takes its qualifier as the policy */
	size_t first_all = 0;
	while (first_all < r.nterms && r.terms[first_all].mech != SPF_ALL)
		first_all++;
	FUZZ_CHECK(first_all < r.nterms ? r.all == r.terms[first_all].qual : r.all == 0);
	inside(s, size, r.redirect, r.redirect_len);
	inside(s, size, r.exp, r.exp_len);
	fuzz_check_findings(&f);
	for (size_t i = 0; i < f.n; i++)
		(void)spf_syntax_code(f.v[i].code);
	spf_record_free(&r);
	findings_free(&f);
	free(s);
	return 0;
}
