/* DNS answers as dns-scan receives them (common/dns.c hands the datagram to ldns_wire2pkt)
 * turned into the `dns` member's JSON by common/dnsjson.c: arbitrary bytes as if a server
 * sent them.
 * Checks: every section of a parsed packet becomes one valid JSON array of objects; the
 * rcode and type names are short C strings. */
#include <string.h>

#include <ldns/ldns.h>

#include "dnsjson.h"
#include "fuzz.h"
#include "jscan.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet();
	return 0;
}

static void
section(const ldns_rr_list *l)
{
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
	if (ldns_wire2pkt(&p, data, size) != LDNS_STATUS_OK || !p)
		return 0;
	char tmp[16];
	FUZZ_CHECK(strlen(dns_rcode_str(ldns_pkt_get_rcode(p), tmp)) < 16);
	section(ldns_pkt_question(p));
	section(ldns_pkt_answer(p));
	section(ldns_pkt_authority(p));
	section(ldns_pkt_additional(p));
	for (size_t i = 0; i < ldns_rr_list_rr_count(ldns_pkt_answer(p)); i++)
		FUZZ_CHECK(
		    strlen(dns_type_str(ldns_rr_get_type(ldns_rr_list_rr(ldns_pkt_answer(p), i)),
					tmp)) < 16);
	ldns_pkt_free(p);
	return 0;
}
