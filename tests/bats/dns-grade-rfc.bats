#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# dns-grade judged by the RFCs on failures: a temporary DNS error is never an absence (RFC 7208
# 4.4 and 5.2, RFC 7489 6.6.3), dead SPF text and RFC 9989's removed DMARC tags, the delegation
# as the parent and the child each tell it, and DNSSEC from the chain. Scans through Unbound on
# loopback as users make them, and stored dns-scan records for rcodes no real server here gives.

bats_require_minimum_version 1.5.0
load helper

GF="$BATS_TEST_DIRNAME/fixtures/dns-grade"

setup_file() {
	command -v knotd >/dev/null && command -v unbound >/dev/null &&
		command -v ldns-signzone >/dev/null || return 0
	load dns_server
	load unbound
	dns_pick_net
	local t="$BATS_FILE_TMPDIR"
	# rfc.test: SPF and DMARC, an include target in down.example, which its server refuses
	dns_zone_file "$ZONES/rfc.test.zone" "$t/rfc.zone"
	# a parent (ptest) and its children: child.ptest whose own NS set differs from the
	# parent's delegation, lame.ptest whose servers answer nothing, refused.ptest whose
	# server refuses it (the resolver says SERVFAIL)
	{
		printf '$ORIGIN ptest.\n$TTL 300\n@ SOA ns1.ptest. h.ptest. 1 7200 3600 1209600 300\n'
		printf '@ NS ns1.ptest.\nns1 A %s.7\n' "$DNS_NET"
		printf 'child NS ns1.child.ptest.\nchild NS ns2.child.ptest.\n'
		printf 'ns1.child A %s.8\nns2.child A %s.8\n' "$DNS_NET" "$DNS_NET"
		printf 'lame NS ns1.lame.ptest.\nlame NS ns2.lame.ptest.\n'
		printf 'ns1.lame A %s.9\nns2.lame A %s.10\n' "$DNS_NET" "$DNS_NET"
		printf 'refused NS ns1.refused.ptest.\nns1.refused A %s.1\n' "$DNS_NET"
	} >"$t/ptest.zone"
	{
		printf '$ORIGIN child.ptest.\n$TTL 300\n@ SOA ns1 h 1 7200 3600 1209600 300\n'
		printf '@ NS ns1\n@ NS ns3\nns1 A %s.8\nns3 A %s.8\n' "$DNS_NET" "$DNS_NET"
		printf '@ TXT "v=spf1 -all"\n'
	} >"$t/child.zone"
	# signed.test: signed, its DS in the unsigned test. zone; bogus.test: signed, but its
	# DS at the parent and the resolver's trust anchor are those of other keys
	local ds other
	dns_zone_file "$ZONES/signed.test.zone" "$t/signed.in"
	ds=$(dns_sign_zone signed.test "$t/signed.in" "$t/signed.zone") || return 0
	sed 's/signed\.test\./bogus.test./g' "$t/signed.in" >"$t/bogus.in"
	dns_sign_zone bogus.test "$t/bogus.in" "$t/bogus.zone" >/dev/null || return 0
	other=$(dns_sign_zone bogus.test "$t/bogus.in" "$t/bogus-other.zone") || return 0
	{
		printf '$ORIGIN test.
$TTL 300
@ SOA ns1.test. h.test. 1 7200 3600 1209600 300
'
		printf '@ NS ns1.test.
ns1 A %s.1
signed NS ns1.test.
' "$DNS_NET"
		printf 'bogus NS ns1.bogus.test.
ns1.bogus A %s.4
' "$DNS_NET"
		echo "$ds"
		echo "$other"
	} >"$t/test.zone"
	knot_start main "$DNS_NET.1" "$DNS_PORT" rfc.test="$t/rfc.zone" test="$t/test.zone" \
		signed.test="$t/signed.zone" &&
		knot_start bogus "$DNS_NET.4" "$DNS_PORT" bogus.test="$t/bogus.zone" &&
		knot_start parent "$DNS_NET.7" "$DNS_PORT" ptest="$t/ptest.zone" &&
		knot_start child "$DNS_NET.8" "$DNS_PORT" child.ptest="$t/child.zone" || return 0
	local stubs=("rfc.test=$DNS_NET.1@$DNS_PORT" "down.example=$DNS_NET.1@$DNS_PORT"
		"ptest=$DNS_NET.7@$DNS_PORT" "child.ptest=$DNS_NET.8@$DNS_PORT"
		"test=$DNS_NET.1@$DNS_PORT" "signed.test=$DNS_NET.1@$DNS_PORT"
		"bogus.test=$DNS_NET.4@$DNS_PORT")
	# good validates from trust anchors at signed.test (its DS) and bogus.test (the other
	# keys' DS); plain validates nothing, as a resolver without a root anchor
	unbound_start good good "$DNS_NET.20" "$DNS_PORT" "${stubs[@]}" -- "$ds" "$other" &&
		unbound_start plain good "$DNS_NET.22" "$DNS_PORT" "${stubs[@]}" &&
		unbound_start refusing refusing "$DNS_NET.21" "$DNS_PORT" "${stubs[@]}" &&
		touch "$t/up"
}

teardown_file() {
	load unbound
	load dns_server
	unbound_stop_all
	knot_stop_all
}

setup() {
	setup_isolated
	GOOD="$DNS_NET.20:$DNS_PORT" REFUSING="$DNS_NET.21:$DNS_PORT" PLAIN="$DNS_NET.22:$DNS_PORT"
}

# Scan names through the resolvers given as -r options (then the names), then grade them.
scan() {
	[ -e "$BATS_FILE_TMPDIR/up" ] || skip "needs knotd, unbound and ldnsutils"
	command -v dns-scan >/dev/null || skip "needs dns-scan"
	local rs=()
	while [ "$1" = -r ]; do
		rs+=(-r "$2")
		shift 2
	done
	printf '%s\n' "$@" | dns-scan "${rs[@]}" --ns-port "$DNS_PORT" --ns-allow 127.0.0.0/8 \
		--timeout 1 --retries 1 >scan.ndjson || true
	dns-grade <scan.ndjson >graded.ndjson
}

# The codes of a domain's remarks in a category, space-separated.
codes() {
	jq -r --arg d "$1" --arg c "$2" \
		'select(.domain == $d) | [.remarks[] | select(.category == $c) | .code] | join(" ")' \
		graded.ndjson
}

# One stored case of scans.ndjson graded.
stored() {
	jq -c --arg c "$1" 'select(.case == $c)' "$GF/scans.ndjson" | dns-grade
}

@test "SPF: an include target answered SERVFAIL or REFUSED is a temperror, the record stays valid" {
	run -0 --separate-stderr stored spf-temperror
	run jq -r '[.remarks[] | select(.category == "spf") | "\(.code) \(.msg)"] | .[]' <<<"$output"
	assert_line "SPF_TEMPERROR include 'sf.example.net': the TXT query failed (SERVFAIL), a temporary error"
	assert_line "SPF_TEMPERROR include 'ref.example.net': the TXT query failed (REFUSED), a temporary error"
	# so is a failed query of an a, mx or exists term: neither void nor a permerror
	assert_line "SPF_TEMPERROR a 'af.example.net': the A query failed (SERVFAIL), a temporary error"
	refute_output --partial INCLUDE_TARGET_NO_SPF
	run -0 --separate-stderr stored spf-temperror
	[ "$(jq '.facts.spf.valid' <<<"$output")" = true ]
	# an NXDOMAIN target is still "none": a permerror
	run -0 --separate-stderr stored spf-targets
	run jq -r '[.remarks[] | select(.category == "spf") | .code] | join(" ")' <<<"$output"
	assert_output "INCLUDE_TARGET_NO_SPF INCLUDE_TARGET_INVALID INCLUDE_TARGET_INVALID SPF_TEMPERROR"
}

@test "SPF and DMARC: a failed query at the domain or at _dmarc is a temperror, not an absence" {
	run -0 --separate-stderr stored spf-apex-servfail
	run jq -r '[.remarks[] | select(.category == "spf") | .code] | join(" ")' <<<"$output"
	assert_output DNS_TEMPORARY_ERROR
	run -0 --separate-stderr stored dmarc-servfail
	run jq -r '[.remarks[] | select(.category == "dmarc") | .code] | join(" ")' <<<"$output"
	assert_output DNS_TEMPORARY_ERROR
}

@test "SPF: terms after all are dead text, not walked, and said so" {
	run -0 --separate-stderr stored spf-after-all
	run jq -c '[[.remarks[] | select(.category == "spf") | .code], .facts.spf.lookups, .facts.spf.valid]' <<<"$output"
	assert_output '[["TERMS_AFTER_ALL"],0,true]'
}

@test "DMARC: bad pct, rf and ri are warnings about obsolete tags; report addresses cut at ? and !" {
	run -0 --separate-stderr stored dmarc-removed-tags
	run jq -c '[.facts.dmarc.valid, .facts.dmarc.pct, [.remarks[] | select(.category == "dmarc") | "\(.code):\(.severity)"]]' <<<"$output"
	assert_output '[true,null,["INVALID_PCT_VALUE:warning","INVALID_RF_VALUE:warning","INVALID_RI_VALUE:warning","REPORT_URI_SIZE_OBSOLETE:notice","EXTERNAL_REPORT_NOT_AUTHORIZED:warning"]]'
	# the address before '?' was checked (NXDOMAIN: not authorised); the one whose check
	# failed (SERVFAIL) is not called unauthorised
	run -0 --separate-stderr stored dmarc-removed-tags
	run jq -r '.remarks[] | select(.code == "EXTERNAL_REPORT_NOT_AUTHORIZED") | .msg' <<<"$output"
	assert_output --partial "rua destination 'reports.example.net'"
	refute_output --partial ok.example.org
}

@test "through a refusing resolver, SPF and DMARC are temperrors, never NO_SPF_FOUND or NO_DMARC_RECORD" {
	scan -r "$REFUSING" rfc.test
	[ "$(jq -r .dns.status scan.ndjson)" = failed ]
	run codes rfc.test spf
	assert_output DNS_TEMPORARY_ERROR
	run codes rfc.test dmarc
	assert_output DNS_TEMPORARY_ERROR
}

@test "through Unbound, an include target nobody serves is a temperror and a missing one is none" {
	scan -r "$GOOD" rfc.test
	run jq -r 'select(.domain == "rfc.test") | .remarks[] | select(.category == "spf") | "\(.code) \(.msg)"' graded.ndjson
	assert_line --partial "SPF_TEMPERROR include 'spf.down.example': the TXT query failed"
	assert_line "INCLUDE_TARGET_NO_SPF include 'nospf.rfc.test' has no SPF record"
	assert_line --partial "TERMS_AFTER_ALL"
	refute_output --partial "after.rfc.test"
	# pct=150: a warning about an obsolete tag, the record valid
	run jq -c 'select(.domain == "rfc.test") | [.facts.dmarc.valid, [.remarks[] | select(.category == "dmarc") | "\(.code):\(.severity)"]]' graded.ndjson
	assert_output '[true,["INVALID_PCT_VALUE:warning","NO_RUA:notice"]]'
}

@test "NS through Unbound: the parent's delegation and the zone's NS set differ, the names given" {
	scan -r "$GOOD" child.ptest
	run jq -r 'select(.domain == "child.ptest") | .remarks[] | select(.code == "NS_PARENT_CHILD_MISMATCH") | .msg' graded.ndjson
	assert_output --partial "delegates to 'ns1.child.ptest,ns2.child.ptest', the zone lists 'ns1.child.ptest,ns3.child.ptest': only the parent has ns2.child.ptest, only the zone ns3.child.ptest"
	# one address behind two names: said once, with both names
	run jq -r 'select(.domain == "child.ptest") | .remarks[] | select(.code == "NS_SAME_ADDRESS") | .msg' graded.ndjson
	# (the resolver rotates the NS set: either order)
	assert_output --regexp "^address $DNS_NET\.8 serves 2 name server names: ('ns1.child.ptest', 'ns3.child.ptest'|'ns3.child.ptest', 'ns1.child.ptest')\$"
}

@test "NS through Unbound: a delegation where no server answers is LAME_DELEGATION naming them, not NO_NS_RECORDS or NO_SOA" {
	scan -r "$GOOD" lame.ptest
	run jq -r 'select(.domain == "lame.ptest") | .remarks[] | select(.category == "ns" or .category == "soa") | "\(.code) \(.msg)"' graded.ndjson
	assert_line --partial "LAME_DELEGATION no server of the delegation answers for the zone (ns1.lame.ptest,ns2.lame.ptest)"
	refute_output --partial NO_NS_RECORDS
	refute_output --partial NO_SOA
}

@test "NS through Unbound: a zone its server refuses is a lame delegation, not a zone without NS or SOA" {
	scan -r "$GOOD" refused.ptest
	# Unbound tries the server for longer than the scan waits: SERVFAIL or a timeout
	run jq -r '[.dns.queries[] | select(.q == "refused.ptest" and .type == "NS" and .why == "apex")][0] | .rcode // .error' scan.ndjson
	assert_output --regexp '^(SERVFAIL|timeout)$'

	run jq -r 'select(.domain == "refused.ptest") | .remarks[] | select(.category == "ns" or .category == "soa") | "\(.code) \(.msg)"' graded.ndjson
	assert_line --regexp "^LAME_DELEGATION no server of the delegation answers for the zone \(ns1\.refused\.ptest\); the resolver said (SERVFAIL|timeout)\$"
	refute_output --partial NO_NS_RECORDS
	refute_output --partial NO_SOA
}

@test "NS and SOA: stored scans of a lame delegation, a parent mismatch, a failed SOA query" {
	run -0 --separate-stderr stored ns-lame
	run jq -r '[.remarks[] | select(.category == "ns" or .category == "soa") | .code] | join(" ")' <<<"$output"
	# the zone's SOA is unknown too (its query failed), not absent
	assert_output "LAME_DELEGATION LAME_DELEGATION NS_NO_RESPONSE DNS_TEMPORARY_ERROR"
	run -0 --separate-stderr stored soa-temperror
	run jq -r '[.remarks[] | select(.category == "soa") | "\(.code) \(.msg)"] | .[]' <<<"$output"
	assert_output "DNS_TEMPORARY_ERROR no usable answer to SOA of 'soa-temperror.example.com': REFUSED"
	run -0 --separate-stderr stored ns-parent-mismatch
	run jq -r '[.remarks[] | select(.category == "ns") | .code] | join(" ")' <<<"$output"
	assert_output NS_PARENT_CHILD_MISMATCH
}

@test "SOA_SERIAL_MISMATCH names the servers and their serials; NS_SAME_ADDRESS comes once per address" {
	run -0 --separate-stderr stored ns-one
	run jq -r '.remarks[] | select(.code == "SOA_SERIAL_MISMATCH") | .msg' <<<"$output"
	assert_output "name servers answer with different SOA serials: 173.245.58.61:53 1, 173.245.58.61:53 2"
	run -0 --separate-stderr stored ns-broken
	run jq -r '[.remarks[] | select(.code == "NS_SAME_ADDRESS") | .msg] | .[]' <<<"$output"
	assert_output "address 10.0.0.1 serves 2 name server names: 'ns1.ns-broken.example.com', 'ns2.ns-broken.example.com'"
}

# The DNSSEC facts and remarks of a graded domain.
dnssec() {
	jq -c --arg d "$1" 'select(.domain == $d) | [.facts.dnssec.status, [.remarks[] | select(.category == "dnssec") | .code]]' graded.ndjson
}

@test "DNSSEC through a validating resolver: AD makes a signed zone secure" {
	scan -r "$GOOD" signed.test
	[ "$(jq -c '[.dns.queries[] | select(.q == "signed.test" and .type == "DNSKEY") | .ad][0]' scan.ndjson)" = true ]
	run dnssec signed.test
	assert_output --partial '["secure",'
}

@test "DNSSEC: a signed zone under an unsigned parent, not validated, is insecure (an island), never secure" {
	scan -r "$PLAIN" signed.test
	run dnssec signed.test
	assert_output --regexp '^\["insecure",\[.*"DNSSEC_ISLAND"'
	# the stored scan: keys matching the DS, no RRSIG over the DS, no AD
	run -0 --separate-stderr stored dnssec-island-parent
	run jq -c '[.facts.dnssec.status, [.remarks[] | select(.category == "dnssec") | .code]]' <<<"$output"
	assert_output '["insecure",["DNSSEC_ISLAND"]]'
}

@test "DNSSEC: a bogus zone's SERVFAIL is judged from the CD=1 retry's data" {
	scan -r "$GOOD" bogus.test
	[ "$(jq -r '[.dns.queries[] | select(.q == "bogus.test" and .type == "DNSKEY" and (.direct | not))][0] | "\(.rcode) \(.cd_retry.rcode)"' scan.ndjson)" = "SERVFAIL NOERROR" ]
	run dnssec bogus.test
	assert_output '["bogus",["DNSSEC_VALIDATION_FAILED","DS_NO_MATCHING_DNSKEY"]]'
	run jq -r 'select(.domain == "bogus.test") | .remarks[] | select(.code == "DNSSEC_VALIDATION_FAILED") | .msg' graded.ndjson
	assert_output --partial "the resolver answered SERVFAIL, EDE "
}

@test "DNSSEC: a failed DS query leaves the status unknown (null), not signed-without-ds (RFC 4035 4.3)" {
	scan -r "$REFUSING" signed.test
	run dnssec signed.test
	assert_output '[null,["DNS_TEMPORARY_ERROR"]]'
	run -0 --separate-stderr stored dnssec-ds-timeout
	run jq -c '[.facts.dnssec.status, [.remarks[] | select(.category == "dnssec") | .msg]]' <<<"$output"
	assert_output "[null,[\"no usable answer to DS of 'good.example.com': timeout\"]]"
	# a SERVFAIL whose EDE says the signatures expired, with no data in the CD=1 retry: bogus
	run -0 --separate-stderr stored dnssec-servfail-ede
	run jq -c '[.facts.dnssec.status, [.remarks[] | select(.category == "dnssec") | .code]]' <<<"$output"
	assert_output '["bogus",["DNSSEC_VALIDATION_FAILED"]]'
}

# --- mail transport: MTA-STS's TXT record, TLS-RPT, DANE, DKIM presence, IPv6 reach -----------

# A domain's grade, facts and remark codes in a category: "grade facts codes" as JSON.
transport() {
	jq -c --arg d "$1" --arg c "$2" --arg g "${3:-$2}" 'select(.domain == $d) |
		[.grades[$c], .facts[$g], [.remarks[] | select(.category == $c) | .code]]' graded.ndjson
}

@test "DANE through a validating resolver: validated TLSA at every MX host, a PKIX usage flagged (RFC 7672 3.1.3)" {
	scan -r "$GOOD" signed.test
	[ "$(jq -c '[.dns.queries[] | select(.why == "dane") | [.q, .ad]]' scan.ndjson)" = '[["_25._tcp.mx.signed.test",true],["_25._tcp.mx2.signed.test",true]]' ]
	run transport signed.test dane
	assert_output '[90,{"present":true,"validated":true,"hosts":2,"usages":[1,3]},["DANE_PKIX_USAGE"]]'
	run transport signed.test mta_sts
	assert_output '[100,{"present":true,"valid":true,"id":"20261207T000000"},[]]'
	run transport signed.test tls_rpt
	assert_output '[100,{"present":true,"valid":true,"rua_mailto":true,"rua_https":true},[]]'
	# _domainkey is an empty non-terminal (NOERROR): some key exists (RFC 8020)
	run transport signed.test dkim
	assert_output '[100,{"present":true},[]]'
	# the new categories are not weighed: overall is what the seven make of it
	run jq -c 'select(.domain == "signed.test") | [.facts.ipv6, .grade_scale, (.grades | keys | length)]' graded.ndjson
	assert_output '[{"ns":false,"ns_without":1,"mx":false,"mx_without":1},"domstat",15]'
	run jq -r 'select(.domain == "signed.test") | .remarks[] | select(.code == "NS_NO_IPV6" or .code == "MX_NO_IPV6") | "\(.category) \(.severity) \(.msg)"' graded.ndjson
	assert_line "ns notice 1 of 1 name servers without an IPv6 address (AAAA): 'ns1.test'"
	assert_line "mx notice 1 of 2 MX hosts without an IPv6 address (AAAA): 'mx2.signed.test'"
}

@test "DANE: TLSA without DNSSEC is an error, never usable (RFC 7672 2.2)" {
	# the signed zone through a resolver that validates nothing, and an unsigned zone
	scan -r "$PLAIN" signed.test rfc.test
	run transport signed.test dane
	assert_output '[0,{"present":true,"validated":false,"hosts":2,"usages":[1,3]},["DANE_NOT_VALIDATED","DANE_PKIX_USAGE","DANE_NOT_VALIDATED"]]'
	scan -r "$GOOD" rfc.test
	run transport rfc.test dane
	assert_output '[0,{"present":true,"validated":false,"hosts":1,"usages":[3]},["DANE_NOT_VALIDATED"]]'
}

@test "DANE: MX hosts without TLSA, a digest of the wrong length, a null MX" {
	scan -r "$GOOD" bad.rfc.test nullmx.rfc.test
	run jq -r 'select(.domain == "bad.rfc.test") | .remarks[] | select(.category == "dane") | "\(.code) \(.msg)"' graded.ndjson
	assert_line "DANE_BAD_PARAMETERS TLSA 3 1 1 at '_25._tcp.mx3.rfc.test': an unknown usage, selector or matching type, or a digest of the wrong length"
	assert_line "DANE_PARTIAL 1 of 3 MX hosts without TLSA records ('mx2.rfc.test'): mail to them is not protected"
	run transport nullmx.rfc.test dane
	assert_output '[0,{"present":false,"validated":null,"hosts":0,"usages":[]},["DANE_NO_TLSA"]]'
}

@test "MTA-STS and TLS-RPT TXT records: none, several, a bad id, a bad field, a bad report URI" {
	scan -r "$GOOD" rfc.test bad.rfc.test inv.rfc.test nullmx.rfc.test
	run transport rfc.test mta_sts
	assert_output '[20,{"present":true,"valid":false,"id":null},["MTA_STS_BAD_ID"]]'
	run transport rfc.test tls_rpt
	assert_output '[20,{"present":true,"valid":false,"rua_mailto":false,"rua_https":false},["TLSRPT_BAD_RUA"]]'
	run transport bad.rfc.test mta_sts
	assert_output '[0,{"present":true,"valid":false,"id":null},["MTA_STS_MULTIPLE_RECORDS"]]'
	run transport bad.rfc.test tls_rpt
	assert_output '[0,{"present":true,"valid":false,"rua_mailto":false,"rua_https":false},["TLSRPT_MULTIPLE_RECORDS"]]'
	run transport inv.rfc.test mta_sts
	assert_output '[20,{"present":true,"valid":false,"id":null},["MTA_STS_INVALID_RECORD"]]'
	run transport inv.rfc.test tls_rpt
	assert_output '[20,{"present":true,"valid":false,"rua_mailto":true,"rua_https":false},["TLSRPT_INVALID_RECORD"]]'
	run transport nullmx.rfc.test mta_sts
	assert_output '[0,{"present":false,"valid":false,"id":null},["MTA_STS_NO_RECORD"]]'
	run transport nullmx.rfc.test tls_rpt
	assert_output '[0,{"present":false,"valid":false,"rua_mailto":false,"rua_https":false},["TLSRPT_NO_RECORD"]]'
}

@test "DKIM presence from _domainkey alone: NXDOMAIN is no key, a null-MX domain with keys is remarked" {
	scan -r "$GOOD" rfc.test nullmx.rfc.test
	[ "$(jq -r '.dns.queries[] | select(.why == "dkim" and .q == "_domainkey.rfc.test") | .rcode' scan.ndjson)" = NXDOMAIN ]
	run transport rfc.test dkim
	assert_output '[0,{"present":false},["DKIM_NO_KEYS"]]'
	run transport nullmx.rfc.test dkim
	assert_output '[100,{"present":true},["DKIM_KEYS_ON_NULL_MX"]]'
}

@test "mail transport through a refusing resolver is unknown (null), never absent; DNStats' scale shows none of it" {
	scan -r "$REFUSING" signed.test
	for c in mta_sts tls_rpt dane dkim; do
		run transport signed.test "$c"
		assert_output --regexp '^\[null,\{("[a-z_]+":(null|\[\]),?)*\},\["DNS_TEMPORARY_ERROR"\]\]$'
	done
	run jq -c '.facts.ipv6' graded.ndjson
	assert_output '{"ns":null,"ns_without":null,"mx":null,"mx_without":null}'
	dns-grade --scale dnstats <scan.ndjson >dnstats.ndjson
	run jq -c '[(.grades | keys), [.remarks[].category] - ["spf", "dmarc", "caa", "ns", "soa", "mx", "dnssec", "bimi"]]' dnstats.ndjson
	assert_output '[["bimi","caa","dmarc","dnssec","mx","ns","overall","soa","spf"],[]]'
}
