/* SPDX-License-Identifier: ISC */
/* RDAP for domain names, as pure functions over bytes: the RFC 9224 bootstrap registry with its
 * label-wise longest match, and the dates of an RFC 9083 domain answer. No I/O here, so the
 * parsers can be fuzzed and unit-tested on their own. */
#ifndef RDAP_H
#define RDAP_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

struct rdap_bootstrap;

struct rdap_bootstrap *rdap_bootstrap_new(void);
void rdap_bootstrap_free(struct rdap_bootstrap *bs);
/* Add the services of a bootstrap file (RFC 9224 JSON). An entry already present keeps its first
 * URLs. Services whose shape is not [entries[], urls[]] are skipped. Returns the number of
 * entries added, or -1 when the text is not a bootstrap file (why says so). */
int rdap_bootstrap_parse(struct rdap_bootstrap *bs, const char *data, size_t n, struct buf *why);
/* Number of entries loaded. */
size_t rdap_bootstrap_size(const struct rdap_bootstrap *bs);

enum rdap_match {
	RDAP_MATCH_OK,
	RDAP_MATCH_NONE,      /* no entry matches the name, not even the root */
	RDAP_MATCH_HTTP_ONLY, /* the matching service has only http:// URLs and http is refused */
};

/* The base URL (always ending in '/') for an A-label name, by label-wise longest match: the
 * whole name, then without its leftmost label, ..., then the root entry "". Compared without
 * case and with one trailing dot dropped. https URLs come first; http ones only when
 * allow_http. The pointer stays valid while bs lives. */
enum rdap_match rdap_bootstrap_lookup(const struct rdap_bootstrap *bs, const char *name,
				      bool allow_http, const char **base);

struct rdap_domain {
	int64_t registration; /* DATE_UNKNOWN when absent */
	int64_t expiration;   /* DATE_UNKNOWN when absent */
	char *related;	      /* href of a rel="related" RDAP link (the registrar), malloc'd */
	const char *code;     /* NULL, or a stable short error code (static) */
	struct buf msg;	      /* the error in words */
};

void rdap_domain_init(struct rdap_domain *d);
void rdap_domain_free(struct rdap_domain *d);
/* Read the dates of a domain object answer for the A-label name query (NULL: no name check).
 * Only the top-level events count; actions are compared trimmed and without case; a repeated
 * registration keeps the earliest date and a repeated expiration the latest. Returns 0, or -1
 * with d->code set: "bad-json" (not one JSON object), "not-domain" (objectClassName is not
 * "domain", or ldhName names another domain), "bad-date" (a registration or expiration date
 * that does not parse strictly). Missing dates are not an error here. */
int rdap_parse_domain(const char *body, size_t n, const char *query, struct rdap_domain *d);

#endif
