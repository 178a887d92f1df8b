/* SPDX-License-Identifier: ISC */
/* MTA-STS policies (common/mtasts.c) over arbitrary bytes. Checks: findings stay bounded and
 * are C strings, every kept pattern matches the host it names (a wildcard one with a label
 * put in place of the star), and the kept count agrees with the buffer. */
#include <string.h>

#include "findings.h"
#include "fuzz.h"
#include "mtasts.h"

FUZZ_INIT_QUIET()

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_copy(data, size);
	struct mtasts_policy p;
	struct findings f;
	mtasts_init(&p);
	findings_init(&f);
	mtasts_parse(s, size, &p, &f);
	fuzz_check_findings(&f);
	FUZZ_CHECK(p.nkept <= p.nmx && p.nkept <= MTASTS_MAX_PATTERNS);
	FUZZ_CHECK(p.max_age >= -1);
	const char *at = p.mx.s;
	for (size_t i = 0; i < p.nkept; i++) {
		size_t pn = strlen(at);
		char host[300];
		if (pn >= 2 && at[0] == '*') {
			snprintf(host, sizeof host, "x%s", at + 1);
			FUZZ_CHECK(mtasts_match(&p, host, strlen(host)));
			FUZZ_CHECK(!mtasts_pattern_match(at, pn, at + 2, pn - 2));
		} else {
			FUZZ_CHECK(mtasts_match(&p, at, pn));
		}
		at += pn + 1;
	}
	/* the matcher alone, on the input split in two */
	size_t half = size / 2;
	(void)mtasts_pattern_match(s, half, s + half, size - half);
	mtasts_free(&p);
	findings_free(&f);
	free(s);
	return 0;
}
