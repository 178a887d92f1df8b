/* SPDX-License-Identifier: ISC */
/* The error codes of every command, one a line (tests/bats/errcodes.bats reads this list and
 * checks it against domstat(7)). The same condition has the same code in every command. */
#include <string.h>

#include "errcode.h"

const char *const errcode_list[] = {
    /* a line of input (every command, common/record.c) */
    "line-too-long",
    "invalid-json",
    "no-field",
    "field-not-string",
    /* the name in it */
    "invalid-name",
    "no-registrable-domain",
    /* dns-scan: the record, then the error members of its dns object */
    "dns-no-answer",
    "dns-incomplete",
    "servfail",
    "refused",
    "timeout",
    "malformed",
    "network",
    "skipped",
    "other",
    /* dns-grade */
    "no-dns",
    "bad-dns",
    "bad-dns-data",
    /* seen-db */
    "not-stored",
    /* domain-born: the store, RDAP and whois, HTTP transport (timeout and network above) */
    "offline",
    "store-unreadable",
    "not-found",
    "no-service",
    "no-bootstrap",
    "no-events",
    "bad-json",
    "not-domain",
    "bad-date",
    "rate-limited",
    "server-error",
    "http-error",
    "tls",
    "too-large",
    "too-many-redirects",
    "insecure-redirect",
    "private-address",
    /* domain-born: the ISC service */
    "isc-error",
    "isc-unavailable",
    "isc-prohibited",
    "isc-bad-answer",
    /* stats-report: records it skips (the keys of its skipped figure say the same) */
    "no-grades",
    "bad-grade",
    "unknown-category",
    "bad-member",
};

const size_t errcode_count = sizeof errcode_list / sizeof errcode_list[0];

bool
errcode_known(const char *code)
{
	for (size_t i = 0; i < errcode_count; i++)
		if (!strcmp(errcode_list[i], code))
			return true;
	return false;
}
