/* SPDX-License-Identifier: ISC */
/* DMARC records (dns-grade's common/dmarc.c) over arbitrary TXT text: dmarc_is_record,
 * dmarc_parse, dmarc_effective.
 * Checks: report URI hosts point into the text; pct is -1 or 0 to 100; findings bounded; a bad
 * value of a tag RFC 9989 removed (pct, rf, ri) is never an error. */
#include <string.h>

#include "dmarc.h"
#include "findings.h"
#include "fuzz.h"

FUZZ_INIT_QUIET()

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_copy(data, size);
	struct dmarc_record r;
	struct findings f;
	findings_init(&f);
	dmarc_record_init(&r);
	(void)dmarc_is_record(s, size);
	dmarc_parse(s, size, &r, &f);
	for (size_t i = 0; i < r.nuris; i++) {
		const char *h = r.uris[i].host;
		if (h)
			FUZZ_CHECK(h >= s && r.uris[i].hostlen <= size &&
				   (size_t)(h - s) <= size - r.uris[i].hostlen);
	}
	FUZZ_CHECK(r.pct >= -1 && r.pct <= 100);
	for (size_t i = 0; i < f.n; i++)
		if (!strcmp(f.v[i].code, "INVALID_PCT_VALUE") ||
		    !strcmp(f.v[i].code, "INVALID_RF_VALUE") ||
		    !strcmp(f.v[i].code, "INVALID_RI_VALUE"))
			FUZZ_CHECK(f.v[i].sev == SEV_WARNING);
	(void)dmarc_policy_name(dmarc_effective(&r, r.p));
	(void)dmarc_policy_name(dmarc_effective(&r, r.sp));
	(void)dmarc_policy_name(r.np);
	fuzz_check_findings(&f);
	dmarc_record_free(&r);
	findings_free(&f);
	free(s);
	return 0;
}
