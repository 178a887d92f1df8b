/* SPDX-License-Identifier: ISC */
/* RDAP domain answers (domain-born's common/rdap.c) over arbitrary bytes, as any RDAP server
 * may send them: rdap_parse_domain.
 * Input: byte 0 picks the query name (none, an ASCII name, an A-label name), the rest is the
 * response body.
 * Checks: success leaves no error code, failure always one of the documented codes with a
 * message; dates are either unknown or within years 1 to 9999 (what strict parsing allows). */
#include <string.h>

#include "date.h"
#include "fuzz.h"
#include "rdap.h"

FUZZ_INIT_QUIET()

static void
check_date(int64_t t)
{
	/* 0001-01-01 minus a day of offset to 9999-12-31 plus a day */
	FUZZ_CHECK(t == DATE_UNKNOWN ||
		   (t >= -62135596800LL - 86400 && t <= 253402300799LL + 86400));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const queries[] = {NULL, "example.com", "xn--caf-dma.com",
					      "a.b.c.example"};
	if (size < 1)
		return 0;
	const char *query = queries[data[0] % 4];
	char *body = malloc(size - 1 ? size - 1 : 1);
	memcpy(body, data + 1, size - 1);
	struct rdap_domain d;
	rdap_domain_init(&d);
	int rc = rdap_parse_domain(body, size - 1, query, &d);
	if (rc == 0) {
		FUZZ_CHECK(d.code == NULL);
		check_date(d.registration);
		check_date(d.expiration);
		if (d.related)
			FUZZ_CHECK(strlen(d.related) < size);
	} else {
		FUZZ_CHECK(rc == -1 && d.code);
		FUZZ_CHECK(!strcmp(d.code, "bad-json") || !strcmp(d.code, "not-domain") ||
			   !strcmp(d.code, "bad-date"));
		FUZZ_CHECK(d.msg.len > 0);
	}
	rdap_domain_free(&d);
	free(body);
	return 0;
}
