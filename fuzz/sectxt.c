/* SPDX-License-Identifier: ISC */
/* security.txt (common/sectxt.c) over arbitrary bytes. Checks: findings stay bounded and are
 * C strings; valid means no error, and an expired file is never valid. */
#include <string.h>

#include "findings.h"
#include "fuzz.h"
#include "sectxt.h"

FUZZ_INIT_QUIET()

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_copy(data, size);
	struct sectxt t;
	struct findings f;
	findings_init(&f);
	sectxt_parse(s, size, 1800000000, &t, &f);
	fuzz_check_findings(&f);
	FUZZ_CHECK(t.valid == (findings_count(&f, SEV_ERROR) + f.dropped_errors == 0));
	FUZZ_CHECK(!(t.valid && t.expired));
	FUZZ_CHECK(!t.expires || t.expired == (t.expires_at < 1800000000));
	findings_free(&f);
	free(s);
	return 0;
}
