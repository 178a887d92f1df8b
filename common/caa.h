/* SPDX-License-Identifier: ISC */
/* CAA properties (RFC 8659, RFC 8657 parameters, RFC 9495 issuemail): flags, tag syntax and
 * length, issue/issuewild value grammar, iodef URLs, the critical flag on unknown tags. */
#ifndef CAA_H
#define CAA_H
#include <stdbool.h>
#include <stddef.h>

#include "findings.h"

enum caa_kind { CAA_ISSUE, CAA_ISSUEWILD, CAA_IODEF, CAA_KNOWN_OTHER, CAA_UNKNOWN, CAA_BAD_TAG };

struct caa_property {
	enum caa_kind kind;
	bool critical; /* flag bit 128 */
	bool ok;       /* the value is valid for its tag */
	bool deny;     /* issue/issuewild naming no issuer (";") */
};

/* Check one property; flags as read (may be out of range when the data is hostile). */
void caa_check(long flags, const char *tag, size_t tn, const char *val, size_t vn,
	       struct caa_property *out, struct findings *f);

#endif
