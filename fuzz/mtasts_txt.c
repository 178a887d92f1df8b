/* SPDX-License-Identifier: ISC */
/* MTA-STS TXT records (common/mtasts_txt.c) over arbitrary TXT text.
 * Checks: findings stay bounded, messages are C strings. */
#include <string.h>

#include "mtasts_txt.h"
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
	struct mtasts_txt r;
	struct findings f;
	memset(&r, 0, sizeof r);
	findings_init(&f);
	(void)mtasts_txt_is_record(s, size);
	mtasts_txt_parse(s, size, &r, &f);
	fuzz_check_findings(&f);
	findings_free(&f);
	free(s);
	return 0;
}
