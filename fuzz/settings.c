/* SPDX-License-Identifier: ISC */
/* settings_parse (common/settings.c), the shared settings file, over arbitrary bytes.
 * Checks: success leaves no message; a failure names the file and a line of the input; a
 * path read is absolute; what parses once parses again to the same settings. */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "settings.h"

FUZZ_INIT_QUIET()

static bool
same(double a, double b)
{
	return (isnan(a) && isnan(b)) || a == b;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return 0;
	struct settings st, again;
	struct buf why = BUF_INIT;
	settings_init(&st);
	settings_init(&again);
	setenv("HOME", "/home/fuzz", 1);
	int rc = settings_parse(&st, (const char *)data, size, "cfg", &why);
	if (rc == 0) {
		FUZZ_CHECK(why.len == 0);
		FUZZ_CHECK(!st.db || st.db[0] == '/');
		FUZZ_CHECK(st.established_days >= -1 && st.established_days <= 100000);
		FUZZ_CHECK(settings_parse(&again, (const char *)data, size, "cfg", &why) == 0);
		FUZZ_CHECK((!st.db && !again.db) ||
			   (st.db && again.db && !strcmp(st.db, again.db)));
		FUZZ_CHECK(st.established_days == again.established_days);
		FUZZ_CHECK(same(st.freq_avg_alert, again.freq_avg_alert));
		FUZZ_CHECK(same(st.freq_word_alert, again.freq_word_alert));
		FUZZ_CHECK(same(st.ngram_alert, again.ngram_alert));
	} else {
		FUZZ_CHECK(rc == -1);
		FUZZ_CHECK(why.len > 0 && !strncmp(why.s, "cfg line ", 9));
	}
	settings_free(&st);
	settings_free(&again);
	buf_free(&why);
	return 0;
}
