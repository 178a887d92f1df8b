/* SPDX-License-Identifier: ISC */
/* MTA-STS policies (RFC 8461 section 3.2): the text served at
 * https://mta-sts.<domain>/.well-known/mta-sts.txt, parsed into its version, mode, max_age and
 * mx patterns, and the match of an MX host against those patterns (section 4.1). Pure
 * functions: fetching and judging are the callers'. */
#ifndef MTASTS_H
#define MTASTS_H
#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "findings.h"

enum mtasts_mode { MTASTS_MODE_UNSET, MTASTS_ENFORCE, MTASTS_TESTING, MTASTS_NONE };

#define MTASTS_MAX_AGE_MAX  31557600LL /* RFC 8461 3.2: about a year */
#define MTASTS_MAX_PATTERNS 64	       /* kept; more are counted, not stored */

struct mtasts_policy {
	bool valid;	       /* no error finding */
	bool version;	       /* "version: STSv1" present */
	enum mtasts_mode mode; /* UNSET when missing or not one of the three */
	long long max_age;     /* -1 when missing or invalid */
	size_t nmx;	       /* mx fields (all of them) */
	size_t nkept;	       /* patterns kept in mx (valid ones, at most MTASTS_MAX_PATTERNS) */
	struct buf mx;	       /* the valid patterns, each NUL-terminated, lowercased */
};

void mtasts_init(struct mtasts_policy *p);
void mtasts_free(struct mtasts_policy *p);
/* Parse a policy body (any bytes); findings get the STS_POLICY_* codes (domstat(7)). */
void mtasts_parse(const char *s, size_t n, struct mtasts_policy *p, struct findings *f);
/* "enforce", "testing", "none", or NULL for UNSET. */
const char *mtasts_mode_name(enum mtasts_mode m);
/* Does host (a name, any case, a trailing dot allowed) match one of the policy's patterns? A
 * pattern "*.example.com" matches exactly one label more ("mx.example.com", not
 * "example.com" nor "a.b.example.com"). */
bool mtasts_match(const struct mtasts_policy *p, const char *host, size_t n);
/* One pattern against one host, the same rule. */
bool mtasts_pattern_match(const char *pat, size_t pn, const char *host, size_t hn);

#endif
