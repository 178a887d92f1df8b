/* SPDX-License-Identifier: ISC */
/* DMARC policy records (RFC 9989, with RFC 7489's removed tags recognised): tag syntax, the
 * policies, report URIs. A pure function: text in, structure and findings out. */
#ifndef DMARC_H
#define DMARC_H
#include <stdbool.h>
#include <stddef.h>

#include "findings.h"

enum dmarc_policy { DMARC_UNSET, DMARC_NONE, DMARC_QUARANTINE, DMARC_REJECT, DMARC_INVALID };

struct dmarc_uri {
	bool ruf; /* from ruf (else rua) */
	bool mailto;
	const char *host; /* the mail domain of a mailto: URI (into the record), else NULL */
	size_t hostlen;
};

struct dmarc_record {
	bool valid; /* starts with v=DMARC1 and has no error finding */
	enum dmarc_policy p, sp, np;
	int pct;      /* -1 when absent */
	bool testing; /* t=y */
	bool has_rua, has_ruf;
	char adkim, aspf; /* 'r', 's' or 0 */
	struct dmarc_uri *uris;
	size_t nuris, cap;
};

/* Is this TXT text a DMARC record ("v=DMARC1" then optional spaces and ';' or the end)? */
bool dmarc_is_record(const char *s, size_t n);
void dmarc_record_init(struct dmarc_record *r);
void dmarc_record_free(struct dmarc_record *r);
void dmarc_parse(const char *s, size_t n, struct dmarc_record *r, struct findings *f);
const char *dmarc_policy_name(enum dmarc_policy p); /* NULL for unset/invalid */
/* The policy receivers apply: t=y lowers reject to quarantine and quarantine to none. */
enum dmarc_policy dmarc_effective(const struct dmarc_record *r, enum dmarc_policy p);

#endif
