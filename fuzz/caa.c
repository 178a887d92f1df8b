/* SPDX-License-Identifier: ISC */
/* CAA properties (dns-grade's common/caa.c): caa_check over an arbitrary flags value, tag
 * and value, as dns-grade hands them over from dns-scan's answers.
 * Input: two bytes of flags (big-endian, minus 1: -1 to 65534, the range dns-grade clamps
 * to), the tag up to the first NUL, then the value.
 * Checks: the kind is one of the enum; findings bounded. */
#include <string.h>

#include "caa.h"
#include "findings.h"
#include "fuzz.h"

FUZZ_INIT_QUIET()

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	long flags = (long)(data[0] << 8 | data[1]) - 1;
	data += 2;
	size -= 2;
	const uint8_t *nul = memchr(data, '\0', size);
	size_t tn = nul ? (size_t)(nul - data) : size;
	size_t vn = nul ? size - tn - 1 : 0;
	/* separate copies of exactly their sizes, so ASan sees a read past either */
	char *tag = malloc(tn ? tn : 1), *val = malloc(vn ? vn : 1);
	memcpy(tag, data, tn);
	if (vn)
		memcpy(val, nul + 1, vn);
	struct caa_property p;
	struct findings f;
	findings_init(&f);
	caa_check(flags, tag, tn, val, vn, &p, &f);
	FUZZ_CHECK(p.kind >= CAA_ISSUE && p.kind <= CAA_BAD_TAG);
	fuzz_check_findings(&f);
	findings_free(&f);
	free(tag);
	free(val);
	return 0;
}
