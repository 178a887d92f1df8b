/* Shared helpers of the libFuzzer targets in this folder (see fuzz/README). */
#ifndef FUZZ_H
#define FUZZ_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* The library's per-record messages ("tool: line N: ...") would cost more than the parsing:
 * send stdio's stderr to /dev/null. Sanitizer and libFuzzer reports write to file descriptor 2
 * directly and still show. FUZZ_VERBOSE=1 keeps the messages. */
static inline void
fuzz_quiet(void)
{
	if (getenv("FUZZ_VERBOSE"))
		return;
	FILE *null = fopen("/dev/null", "w");
	if (null)
		stderr = null;
}

/* A property the code promises does not hold: report it the way a crash is reported. */
#define FUZZ_CHECK(cond)                                                                        \
	do {                                                                                    \
		if (!(cond)) {                                                                  \
			dprintf(2, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);   \
			abort();                                                                \
		}                                                                               \
	} while (0)

#endif
