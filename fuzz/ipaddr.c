/* SPDX-License-Identifier: ISC */
/* ipaddr_v4 and ipaddr_v6 (common/ipaddr.c) over arbitrary bytes.
 * Checks: both agree with glibc's inet_pton on the text up to the first NUL, in the answer and
 * in the bytes; over the whole input (NULs included) they refuse whatever holds a NUL. */
#include <arpa/inet.h>
#include <string.h>

#include "fuzz.h"
#include "ipaddr.h"

FUZZ_INIT_QUIET()

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 256)
		return 0;
	char text[257];
	memcpy(text, data, size);
	text[size] = '\0';
	size_t n = strlen(text);
	unsigned char a[16], b[16];
	/* inet_pton reads the C string; ours the n bytes before its NUL */
	int want4 = inet_pton(AF_INET, text, b);
	FUZZ_CHECK(ipaddr_v4(text, n, a) == (want4 == 1));
	if (want4 == 1)
		FUZZ_CHECK(!memcmp(a, b, 4));
	int want6 = inet_pton(AF_INET6, text, b);
	FUZZ_CHECK(ipaddr_v6(text, n, a) == (want6 == 1));
	if (want6 == 1)
		FUZZ_CHECK(!memcmp(a, b, 16));
	/* a NUL inside is never part of an address */
	if (n < size) {
		FUZZ_CHECK(!ipaddr_v4(text, size, a));
		FUZZ_CHECK(!ipaddr_v6(text, size, a));
	}
	return 0;
}
