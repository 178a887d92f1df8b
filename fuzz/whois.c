/* SPDX-License-Identifier: ISC */
/* whois answers (domain-born's common/whois.c) over arbitrary bytes, as any port-43 server
 * may send them: whois_parse, whois_date; and the query line for any host and name.
 * Checks: dates are unknown or within years 1 to 9999 (a day either side for offsets); a
 * date whois_date accepts is one whois_parse reports after a "Creation Date:" label. */
#include <string.h>

#include "buf.h"
#include "date.h"
#include "fuzz.h"
#include "whois.h"

FUZZ_INIT_QUIET()

static void
check_date(int64_t t)
{
	FUZZ_CHECK(t == DATE_UNKNOWN ||
		   (t >= -62135596800LL - 86400 && t <= 253402300799LL + 86400));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_copy(data, size);
	int64_t created = 0, expires = 0, t = 0;
	(void)whois_parse(s, size, &created, &expires);
	check_date(created);
	check_date(expires);
	if (whois_date(s, size, &t) == 0) {
		check_date(t);
		if (size < 200 && !memchr(s, '\n', size) && !memchr(s, '\r', size)) {
			struct buf text = BUF_INIT;
			buf_adds(&text, "Creation Date: ");
			buf_add(&text, s, size);
			buf_addc(&text, '\n');
			int64_t c2 = DATE_UNKNOWN, e2 = DATE_UNKNOWN;
			(void)whois_parse(text.s, text.len, &c2, &e2);
			FUZZ_CHECK(c2 == t);
			buf_free(&text);
		}
	}
	/* the query line for this input as a domain, for a few servers */
	if (size < 300 && !memchr(s, '\0', size)) {
		char *z = strndup(s, size);
		struct buf q = BUF_INIT;
		whois_query("whois.denic.de", z, &q);
		whois_query("whois.verisign-grs.com", z, &q);
		whois_query(z, "example.com", &q);
		(void)whois_server_for(z);
		buf_free(&q);
		free(z);
	}
	free(s);
	return 0;
}
