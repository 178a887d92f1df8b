/* SPDX-License-Identifier: ISC */
/* Date parsing over arbitrary bytes: date_parse_iso (RDAP events, record timestamps) and
 * date_parse_http (RFC 1123 dates, domain_stats' form).
 * Checks: a parsed time formats and parses back to the same time in both styles. */
#include <string.h>

#include "date.h"
#include "fuzz.h"

FUZZ_INIT_QUIET()

/* 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z: what four-digit years can print. */
#define FIRST_TIME (-62135596800LL)
#define LAST_TIME  253402300799LL

static void
round_trip(int64_t t)
{
	if (t < FIRST_TIME || t > LAST_TIME)
		return;
	struct buf b = BUF_INIT;
	int64_t back = 0;
	date_format(&b, t, DATE_ISO);
	FUZZ_CHECK(date_parse_iso(b.s, b.len, &back) == 0 && back == t);
	buf_reset(&b);
	date_format(&b, t, DATE_HTTP);
	FUZZ_CHECK(date_parse_http(b.s, b.len, &back) == 0 && back == t);
	buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	int64_t t;
	if (date_parse_iso(s, size, &t) == 0)
		round_trip(t);
	if (date_parse_http(s, size, &t) == 0)
		round_trip(t);
	/* the formatter over any time at all must not fault */
	if (size >= 8) {
		int64_t any;
		memcpy(&any, data, sizeof any);
		struct buf b = BUF_INIT;
		date_format(&b, any, DATE_ISO);
		date_format(&b, any, DATE_HTTP);
		buf_free(&b);
	}
	return 0;
}
