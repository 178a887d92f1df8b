/* SPDX-License-Identifier: ISC */
/* BIMI assertion records (dns-grade's common/bimi.c) over arbitrary TXT text.
 * Checks: findings stay bounded, messages are C strings. */
#include <string.h>

#include "bimi.h"
#include "findings.h"
#include "fuzz.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size ? size : 1);
	memcpy(s, data, size);
	struct bimi_record r;
	struct findings f;
	memset(&r, 0, sizeof r);
	findings_init(&f);
	(void)bimi_is_record(s, size);
	bimi_parse(s, size, &r, &f);
	fuzz_check_findings(&f);
	findings_free(&f);
	free(s);
	return 0;
}
