/* SPDX-License-Identifier: ISC */
/* The ISC service's answers (common/isc.c) over arbitrary bytes, as any service at --isc-url
 * may send them: isc_parse_config, isc_parse_status, isc_parse_answer, then isc_prohibited.
 * Input: byte 0 picks the parser (mod 3), the rest is the answer body.
 * Checks: a failure always says why; a parsed config holds lowercase suffixes that start with a
 * dot; a status interval is not negative; an answer is either an error with a documented
 * lifetime or a success with both required dates within years 1 to 9999, and its alerts list
 * holds as many strings as it counts, ISC-FIRST-CONTACT flagged exactly when present. */
#include <ctype.h>
#include <string.h>

#include "date.h"
#include "fuzz.h"
#include "isc.h"

FUZZ_INIT_QUIET()

static void
check_date(int64_t t, bool required)
{
	FUZZ_CHECK(!required || t != DATE_UNKNOWN);
	FUZZ_CHECK(t == DATE_UNKNOWN ||
		   (t >= -62135596800LL - 86400 && t <= 253402300799LL + 86400));
}

static void
fuzz_config(const char *body, size_t n, struct buf *why)
{
	struct isc_config c;
	isc_config_init(&c);
	if (isc_parse_config(body, n, &c, why) == 0) {
		FUZZ_CHECK(c.min_software >= -1 && c.min_database >= -1);
		for (size_t off = 0; off < c.prohibited.len;) {
			const char *s = c.prohibited.s + off;
			size_t sl = strlen(s);
			FUZZ_CHECK(sl >= 2 && s[0] == '.');
			for (size_t i = 0; i < sl; i++)
				FUZZ_CHECK(!isupper((unsigned char)s[i]));
			off += sl + 1;
		}
		isc_prohibited(&c, "example.com");
		isc_prohibited(&c, "a.b.local");
		isc_prohibited(&c, "");
	} else {
		FUZZ_CHECK(why->len > 0);
	}
	isc_config_free(&c);
}

static void
fuzz_status(const char *body, size_t n, struct buf *why)
{
	struct isc_status st;
	isc_status_init(&st);
	if (isc_parse_status(body, n, &st, why) == 0)
		FUZZ_CHECK(st.interval >= 0);
	else
		FUZZ_CHECK(why->len > 0);
	isc_status_free(&st);
}

static void
fuzz_answer(const char *body, size_t n, struct buf *why)
{
	struct isc_answer a;
	isc_answer_init(&a);
	if (isc_parse_answer(body, n, &a, why) == 0) {
		if (a.error) {
			FUZZ_CHECK(a.ttl_hours >= -2 && a.ttl_hours <= 1000000);
		} else {
			check_date(a.seen_by_web, true);
			check_date(a.seen, true);
			check_date(a.expires, false);
		}
		size_t count = 0;
		bool first = false, other = false;
		for (size_t off = 0; off < a.alerts.len; count++) {
			const char *s = a.alerts.s + off;
			FUZZ_CHECK(*s);
			if (!strcmp(s, ISC_FIRST_CONTACT))
				first = true;
			else
				other = true;
			off += strlen(s) + 1;
		}
		FUZZ_CHECK(count == a.nalerts && first == a.first_contact &&
			   other == a.other_alerts);
	} else {
		FUZZ_CHECK(why->len > 0);
	}
	isc_answer_free(&a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t n = size - 1;
	char *body = malloc(n ? n : 1);
	memcpy(body, data + 1, n);
	struct buf why = BUF_INIT;
	switch (data[0] % 3) {
	case 0:
		fuzz_config(body, n, &why);
		break;
	case 1:
		fuzz_status(body, n, &why);
		break;
	default:
		fuzz_answer(body, n, &why);
	}
	buf_free(&why);
	free(body);
	return 0;
}
