/* SPDX-License-Identifier: ISC */
/* Shared helpers of the libFuzzer targets in this folder (see fuzz/README). */
#ifndef FUZZ_H
#define FUZZ_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* The LLVMFuzzerInitialize of a target that needs nothing but fuzz_quiet. */
#define FUZZ_INIT_QUIET()                                                                          \
	int LLVMFuzzerInitialize(int *argc, char ***argv)                                          \
	{                                                                                          \
		(void)argc;                                                                        \
		(void)argv;                                                                        \
		fuzz_quiet();                                                                      \
		return 0;                                                                          \
	}

/* The input in a buffer of its own (not NUL-terminated: the parsers take a length), so a read
 * past its end is one the sanitizer sees; the caller frees it. */
static inline char *
fuzz_copy(const uint8_t *data, size_t size)
{
	char *s = malloc(size ? size : 1);
	if (!s)
		abort();
	if (size)
		memcpy(s, data, size);
	return s;
}

/* A property the code promises does not hold: report it the way a crash is reported. */
#define FUZZ_CHECK(cond)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			(dprintf)(2, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);      \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

#ifdef FINDINGS_H
#include <string.h>
/* Findings stay bounded and each message is a C string within the message buffer. */
static inline void
fuzz_check_findings(const struct findings *f)
{
	FUZZ_CHECK(f->n <= FINDINGS_MAX);
	for (size_t i = 0; i < f->n; i++) {
		FUZZ_CHECK(f->v[i].code && *f->v[i].code);
		FUZZ_CHECK(f->v[i].msg < f->msgs.len);
		const char *m = findings_msg(f, i);
		FUZZ_CHECK(m && strlen(m) < 1024);
	}
}
#endif

#endif
