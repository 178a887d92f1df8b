/* SPDX-License-Identifier: ISC */
/* DNS answers as dns-scan receives them (common/dns.c hands the datagram to ldns_wire2pkt
 * through dns_wire2pkt) turned into the `dns` member's JSON by common/dnsjson.c: arbitrary
 * bytes as if a server sent them.
 * Checks: every section of a parsed packet becomes one valid JSON array of objects, and its
 * extended DNS errors (dns_json_ede) one too or nothing; the rcode and type names are short C
 * strings; the presentation form dnsjson.c writes itself for the common rdf types is byte for
 * byte what ldns writes. */
#include <stdbool.h> /* before ldns, which otherwise makes bool a signed char here */
#include <string.h>

#include <ldns/ldns.h>

#include "dns.h"
#include "dnsjson.h"
#include "fuzz.h"
#include "jscan.h"

FUZZ_INIT_QUIET()

/* dns_rdf_text's own writers against ldns' */
static void
same_text(const ldns_rr_list *l)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	for (size_t i = 0; i < ldns_rr_list_rr_count(l); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(l, i);
		for (size_t k = 0; k < ldns_rr_rd_count(rr); k++) {
			const ldns_rdf *f = ldns_rr_rdf(rr, k);
			buf_reset(&a);
			buf_reset(&b);
			bool x = dns_rdf_text(&a, f), y = dns_rdf_text_ldns(&b, f);
			if (x != y || a.len != b.len || (a.len && memcmp(a.s, b.s, a.len))) {
				(dprintf)(2, "rdf type %d: ours '%s' (%d), ldns '%s' (%d)\n",
					  (int)ldns_rdf_get_type(f), buf_str(&a), x, buf_str(&b),
					  y);
				FUZZ_CHECK(!"dns_rdf_text differs from ldns");
			}
		}
		buf_reset(&a);
		buf_reset(&b);
		FUZZ_CHECK(dns_rdf_text(&a, ldns_rr_owner(rr)) ==
			   dns_rdf_text_ldns(&b, ldns_rr_owner(rr)));
		FUZZ_CHECK(a.len == b.len && (!a.len || !memcmp(a.s, b.s, a.len)));
	}
	buf_free(&a);
	buf_free(&b);
}

static void
section(const ldns_rr_list *l)
{
	same_text(l);
	struct buf b = BUF_INIT;
	dns_json_rr_list(&b, l);
	FUZZ_CHECK(b.len >= 2 && b.s[0] == '[');
	if (jscan_value(b.s, b.len, NULL, NULL) != 0) {
		(dprintf)(2, "invalid JSON: %.*s\n", (int)(b.len > 2000 ? 2000 : b.len), b.s);
		FUZZ_CHECK(!"dns_json_rr_list wrote invalid JSON");
	}
	size_t it = 0;
	struct jspan e;
	while (jscan_array_next((struct jspan){b.s, b.len}, &it, &e))
		FUZZ_CHECK(e.p[0] == '{');
	buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ldns_pkt *p = NULL;
	if (dns_wire2pkt(&p, data, size) != LDNS_STATUS_OK)
		return 0;
	char tmp[16];
	FUZZ_CHECK(strlen(dns_rcode_str(ldns_pkt_get_rcode(p), tmp)) < 16);
	section(ldns_pkt_question(p));
	section(ldns_pkt_answer(p));
	section(ldns_pkt_authority(p));
	section(ldns_pkt_additional(p));
	/* extended DNS errors from the OPT record's options: a valid JSON array, or nothing */
	struct buf b = BUF_INIT;
	if (dns_json_ede(&b, p))
		FUZZ_CHECK(b.s[0] == '[' && jscan_value(b.s, b.len, NULL, NULL) == 0);
	else
		FUZZ_CHECK(b.len == 0);
	buf_free(&b);
	for (size_t i = 0; i < ldns_rr_list_rr_count(ldns_pkt_answer(p)); i++)
		FUZZ_CHECK(
		    strlen(dns_type_str(ldns_rr_get_type(ldns_rr_list_rr(ldns_pkt_answer(p), i)),
					tmp)) < 16);
	ldns_pkt_free(p);
	return 0;
}
