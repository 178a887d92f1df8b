/* SPDX-License-Identifier: ISC */
/* JSON writing and UTF-8 repair over arbitrary bytes: every string a filter copies from its
 * input into a record (names, answers, RDAP fields) goes through jsonw_str.
 * Checks: jsonw_str always writes one valid JSON string that decodes to the input with
 * ill-formed sequences replaced by U+FFFD (buf_add_utf8_repaired); the repaired text is valid
 * UTF-8; jsonw_round4 prints the same text as jsonw_round(x, 4) and returns that value. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "jscan.h"
#include "jsonw.h"
#include "utf8.h"

FUZZ_INIT_QUIET()

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct buf enc = BUF_INIT, dec = BUF_INIT, rep = BUF_INIT;
	jsonw_str(&enc, s, size);
	FUZZ_CHECK(jscan_value(enc.s, enc.len, NULL, NULL) == 0);
	jscan_str_decode((struct jspan){enc.s, enc.len}, &dec);
	buf_add_utf8_repaired(&rep, s, size);
	FUZZ_CHECK(utf8_valid(buf_str(&rep), rep.len));
	FUZZ_CHECK(dec.len == rep.len && !memcmp(buf_str(&dec), buf_str(&rep), rep.len));
	FUZZ_CHECK(utf8_valid(s, size) == (rep.len == size && !memcmp(buf_str(&rep), s, size)));
	if (size >= 8) {
		double x;
		memcpy(&x, data, sizeof x);
		struct buf a = BUF_INIT, b = BUF_INIT;
		double r = jsonw_round4(&a, x);
		jsonw_round(&b, x, 4);
		FUZZ_CHECK(a.len == b.len && !memcmp(a.s, b.s, a.len));
		if (isfinite(x)) {
			FUZZ_CHECK(jscan_value(a.s, a.len, NULL, NULL) == 0);
			FUZZ_CHECK(r == strtod(a.s, NULL));
		}
		buf_free(&a);
		buf_free(&b);
	}
	buf_free(&enc);
	buf_free(&dec);
	buf_free(&rep);
	return 0;
}
