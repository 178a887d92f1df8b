/* SPDX-License-Identifier: ISC */
/* The TXT records dns-grade reads by tags or fields: BIMI assertions (common/bimi.c), MTA-STS
 * (common/mtasts_txt.c) and SMTP TLS reporting (common/tlsrpt.c), each over the same arbitrary
 * text. Checks: findings stay bounded, messages are C strings. */
#include <string.h>

#include "bimi.h"
#include "findings.h"
#include "fuzz.h"
#include "mtasts_txt.h"
#include "tlsrpt.h"

FUZZ_INIT_QUIET()

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a copy of exactly the input's size, so ASan sees any read past the text */
	char *s = fuzz_copy(data, size);
	struct findings f;

	struct bimi_record b = {0};
	findings_init(&f);
	(void)bimi_is_record(s, size);
	bimi_parse(s, size, &b, &f);
	fuzz_check_findings(&f);
	findings_free(&f);

	struct mtasts_txt m = {0};
	findings_init(&f);
	(void)mtasts_txt_is_record(s, size);
	mtasts_txt_parse(s, size, &m, &f);
	fuzz_check_findings(&f);
	findings_free(&f);

	struct tlsrpt_record t = {0};
	findings_init(&f);
	(void)tlsrpt_is_record(s, size);
	tlsrpt_parse(s, size, &t, &f);
	fuzz_check_findings(&f);
	findings_free(&f);

	free(s);
	return 0;
}
