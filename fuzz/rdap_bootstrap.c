/* SPDX-License-Identifier: ISC */
/* The RDAP bootstrap registry (domain-born's common/rdap.c) over arbitrary bytes: domain-born
 * reads dns.json from its cache or from IANA, so the file is outside data too.
 * Checks: a lookup's base URL ends in '/', is https unless http was allowed, and is the same
 * for a name with and without its trailing dot and in upper case. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "fuzz.h"
#include "rdap.h"

FUZZ_INIT_QUIET()

static void
lookup(const struct rdap_bootstrap *bs, const char *name)
{
	for (int allow = 0; allow < 2; allow++) {
		const char *base = NULL, *base2 = NULL;
		enum rdap_match m = rdap_bootstrap_lookup(bs, name, allow, &base);
		if (m == RDAP_MATCH_OK) {
			size_t n = strlen(base);
			FUZZ_CHECK(n > 0 && base[n - 1] == '/');
			if (!allow)
				FUZZ_CHECK(strncasecmp(base, "http://", 7) != 0);
		}
		char up[300];
		size_t k = strlen(name);
		if (k + 2 > sizeof up)
			continue;
		for (size_t i = 0; i < k; i++)
			up[i] = (char)toupper((unsigned char)name[i]);
		up[k] = '.';
		up[k + 1] = '\0';
		enum rdap_match m2 = rdap_bootstrap_lookup(bs, up, allow, &base2);
		FUZZ_CHECK(m2 == m);
		if (m == RDAP_MATCH_OK)
			FUZZ_CHECK(!strcmp(base, base2));
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_copy(data, size);
	struct rdap_bootstrap *bs = rdap_bootstrap_new();
	struct buf why = BUF_INIT;
	int n = rdap_bootstrap_parse(bs, s, size, &why);
	if (n < 0) {
		FUZZ_CHECK(why.len > 0);
	} else {
		FUZZ_CHECK((size_t)n <= rdap_bootstrap_size(bs));
		lookup(bs, "example.com");
		lookup(bs, "www.example.co.uk");
		lookup(bs, "xn--p1ai");
		lookup(bs, "com");
		lookup(bs, "");
	}
	rdap_bootstrap_free(bs);
	buf_free(&why);
	free(s);
	return 0;
}
