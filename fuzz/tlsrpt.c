/* SPDX-License-Identifier: ISC */
/* SMTP TLS reporting records (common/tlsrpt.c) over arbitrary TXT text.
 * Checks: findings stay bounded, messages are C strings. */
#include <string.h>

#include "tlsrpt.h"
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
	struct tlsrpt_record r;
	struct findings f;
	memset(&r, 0, sizeof r);
	findings_init(&f);
	(void)tlsrpt_is_record(s, size);
	tlsrpt_parse(s, size, &r, &f);
	fuzz_check_findings(&f);
	findings_free(&f);
	free(s);
	return 0;
}
