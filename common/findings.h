/* SPDX-License-Identifier: ISC */
/* Findings of the record parsers (SPF, DMARC, CAA, BIMI): a stable code, a severity and a
 * short message naming the offending value. Bounded: a hostile record cannot make thousands. */
#ifndef FINDINGS_H
#define FINDINGS_H
#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

#define FINDINGS_MAX 32

enum finding_sev { SEV_ERROR, SEV_WARNING, SEV_NOTICE };

struct finding {
	const char *code; /* static string */
	enum finding_sev sev;
	size_t msg; /* offset of its NUL-terminated message in msgs */
};

struct findings {
	struct finding *v;
	size_t n, cap;
	size_t dropped;	       /* findings past FINDINGS_MAX */
	size_t dropped_errors; /* of which errors */
	struct buf msgs;
};

/* Length to print of an offending value: at most 60 bytes, for "%.*s". */
#define FV(n) ((int)((n) > 60 ? 60 : (n)))

void findings_init(struct findings *f);
void findings_reset(struct findings *f);
void findings_free(struct findings *f);
void findings_add(struct findings *f, const char *code, enum finding_sev sev, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
const char *findings_msg(const struct findings *f, size_t i);
bool findings_has(const struct findings *f, const char *code);
size_t findings_count(const struct findings *f, enum finding_sev sev);
const char *finding_sev_name(enum finding_sev sev);

#endif
