/* SPDX-License-Identifier: ISC */
/* Resource records as JSON for the `dns` member (see domstat(7)): owner, type, TTL, the ldns
 * presentation rdata, and typed members where grading needs them. */
#ifndef DNSJSON_H
#define DNSJSON_H
#include <stdbool.h>

#include <ldns/ldns.h>

#include "buf.h"

/* The presentation form of one rdf, as ldns_rdf2buffer_str writes it, appended to o; false
 * (o unchanged) when ldns refuses it. The common types are written here directly. */
bool dns_rdf_text(struct buf *o, const ldns_rdf *rdf);
/* The same through ldns alone: the reference the fuzz target compares with. */
bool dns_rdf_text_ldns(struct buf *o, const ldns_rdf *rdf);
/* {"name":...,"type":...,"ttl":...,"data":..., typed members} */
void dns_json_rr(struct buf *b, const ldns_rr *rr);
/* [RR, ...] */
void dns_json_rr_list(struct buf *b, const ldns_rr_list *l);
/* The extended DNS errors of an answer (RFC 8914, EDNS option 15) as
 * [{"code":N,"text":...}, ...] ("text" only when the server gave one); false (b unchanged)
 * when there are none. */
bool dns_json_ede(struct buf *b, const ldns_pkt *p);
/* "NOERROR", "NXDOMAIN", ..., or "RCODE<n>"; into tmp (at least 16 bytes). */
const char *dns_rcode_str(unsigned rcode, char *tmp);
/* "TXT", "TYPE65534", ... into tmp (at least 16 bytes). */
const char *dns_type_str(uint16_t type, char *tmp);
/* A domain name rdf in presentation form without the trailing dot (the root is "."). */
void dns_name_add(struct buf *b, const ldns_rdf *name);

#endif
