#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# dns-scan against Knot DNS on loopback: every query goes to 127.0.0.0/8 (-r, --ns-port,
# --ns-allow), nothing leaves the machine.
bats_require_minimum_version 1.5.0
load helper
load dns_server

setup_file() {
	load dns_server
	load unbound
	dns_pick_net
	local t="$BATS_FILE_TMPDIR"
	dns_zone_file "$ZONES/signed.test.zone" "$t/signed.in"
	local ds other
	ds=$(dns_sign_zone signed.test "$t/signed.in" "$t/signed.zone")
	# bogus.test: signed, but its trust anchor is the DS of other keys (a validating
	# resolver answers SERVFAIL); mixed.test: its MX host is in bogus.test
	sed 's/signed\.test\./bogus.test./g' "$t/signed.in" >"$t/bogus.in"
	dns_sign_zone bogus.test "$t/bogus.in" "$t/bogus.zone" >/dev/null
	other=$(dns_sign_zone bogus.test "$t/bogus.in" "$t/bogus-other.zone")
	{ cat "$ZONES/test.zone"; echo "$ds"; } >"$t/test.zone"
	knot_start main "$DNS_NET.1" "$DNS_PORT" test="$t/test.zone" \
		full.test="$ZONES/full.test.zone" _msdcs.full.test="$ZONES/_msdcs.full.test.zone" \
		ext.test="$ZONES/ext.test.zone" spf.test="$ZONES/spf.test.zone" \
		caa.test="$ZONES/caa.test.zone" deleg.test="$ZONES/deleg.test.zone" \
		signed.test="$t/signed.zone" mixed.test="$ZONES/mixed.test.zone"
	knot_start ns2 "$DNS_NET.2" "$DNS_PORT" deleg.test="$ZONES/deleg.test.ns2.zone"
	# a server of its own (Unbound sets aside a server that gave it bogus data)
	knot_start bogus "$DNS_NET.4" "$DNS_PORT" bogus.test="$t/bogus.zone"
	# a parent and a child that disagree on the child's name servers, and a lame delegation
	{
		printf '$ORIGIN ptest.\n$TTL 300\n@ SOA ns1.ptest. h.ptest. 1 7200 3600 1209600 300\n'
		printf '@ NS ns1.ptest.\nns1 A %s.7\n' "$DNS_NET"
		printf 'child NS ns1.child.ptest.\nchild NS ns2.child.ptest.\n'
		printf 'ns1.child A %s.8\nns2.child A %s.8\n' "$DNS_NET" "$DNS_NET"
		printf 'lame NS ns1.lame.ptest.\nns1.lame A %s.9\n' "$DNS_NET"
	} >"$t/ptest.zone"
	{
		printf '$ORIGIN child.ptest.\n$TTL 300\n@ SOA ns1 h 1 7200 3600 1209600 300\n'
		printf '@ NS ns1\n@ NS ns3\nns1 A %s.8\nns3 A %s.8\n' "$DNS_NET" "$DNS_NET"
	} >"$t/child.zone"
	knot_start parent "$DNS_NET.7" "$DNS_PORT" ptest="$t/ptest.zone"
	knot_start child "$DNS_NET.8" "$DNS_PORT" child.ptest="$t/child.zone"
	# resolvers as users have them: Unbound in front of the zones above
	local z stubs=("ptest=$DNS_NET.7@$DNS_PORT" "child.ptest=$DNS_NET.8@$DNS_PORT")
	for z in test full.test _msdcs.full.test ext.test spf.test caa.test deleg.test signed.test \
		mixed.test; do
		stubs+=("$z=$DNS_NET.1@$DNS_PORT")
	done
	stubs+=("bogus.test=$DNS_NET.4@$DNS_PORT")
	unbound_start good good "$DNS_NET.20" "$DNS_PORT" "${stubs[@]}" -- "$ds" "$other"
	unbound_start refusing refusing "$DNS_NET.21" "$DNS_PORT" "${stubs[@]}"
	unbound_start sinkhole sinkhole "$DNS_NET.22" "$DNS_PORT" "${stubs[@]}"
}

teardown_file() {
	load unbound
	unbound_stop_all
	knot_stop_all
}

setup() {
	setup_isolated
	SCAN=(dns-scan -r "$DNS_NET.1:$DNS_PORT" --ns-port "$DNS_PORT" --ns-allow 127.0.0.0/8
		--timeout 2)
	GOOD="$DNS_NET.20:$DNS_PORT" REFUSING="$DNS_NET.21:$DNS_PORT" SINKHOLE="$DNS_NET.22:$DNS_PORT"
}

teardown() {
	if [ -n "${RESPONDER_PID:-}" ]; then
		kill "$RESPONDER_PID" 2>/dev/null || true
	fi
}

# Start tests/dns_responder.py in MODE on $DNS_NET.5:$DNS_PORT.
start_responder() {
	python3 "$TOP/tests/dns_responder.py" "$DNS_NET.5" "$DNS_PORT" "$1" >responder.out 2>&1 &
	RESPONDER_PID=$!
	local i
	for i in $(seq 1 300); do
		grep -q ready responder.out 2>/dev/null && return 0
		sleep 0.1
	done
	cat responder.out >&2
	return 1
}

# The record without what changes from run to run (times).
stable() {
	jq -c 'if .dns then .dns |= (del(.started, .elapsed_ms) | .queries |= map(del(.ms)) | if .https then .https |= map(del(.ms)) else . end) else . end'
}

q() { # q FILE JQ-FILTER-ON-QUERIES: the matching query objects
	jq -c ".dns.queries[] | select($2)" "$1"
}

@test "--help and --version" {
	run -0 dns-scan --help
	assert_output --partial "--ns-allow"
	run -0 dns-scan --version
	assert_output --regexp '^dns-scan \(domstat\) [0-9]'
}

@test "usage errors exit 2" {
	run -2 dns-scan --profile nosuch </dev/null
	assert_output --partial "invalid value for --profile"
	run -2 dns-scan -r not-an-address </dev/null
	assert_output --partial "invalid resolver address"
	run -2 dns-scan --ns-allow 10.0.0.0/99 </dev/null
	run -2 dns-scan --types NOSUCHTYPE </dev/null
}

@test "the dns member has the documented header and one query object per question" {
	echo full.test | "${SCAN[@]}" >out
	run -0 jq -r '.dns | [.v, .domain, .profile, (.resolvers|join(",")), (.elapsed_ms|type),
		(.started|test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"))] | @tsv' out
	assert_output "$(printf '1\tfull.test\tfull\t%s\tnumber\ttrue' "$DNS_NET.1:$DNS_PORT")"
	# every apex type of the full profile, www, _dmarc, bimi, msdcs and the AD probe
	run -0 jq -r '[.dns.queries[] | select(.why=="apex") | .type] | sort | join(" ")' out
	assert_output "A AAAA CAA DNSKEY DS MX NS NSEC3PARAM SOA TXT"
	run -0 jq -r '[.dns.queries[] | .why] | unique | join(" ")' out
	assert_output "ad-probe apex bimi dane dkim dmarc dmarc-report msdcs mta-sts mx-addr ns-addr ns-direct parent spf tls-rpt www"
	# the shape of an answered query
	run -0 jq -r '.dns.queries[] | select(.why=="apex" and .type=="SOA") |
		[.q, .server, .direct, .rcode, .aa, .ad, .tc, .tcp, (.ms|type), has("error")] | @tsv' out
	assert_output "$(printf 'full.test\t%s\tfalse\tNOERROR\ttrue\tfalse\tfalse\tfalse\tnumber\tfalse' "$DNS_NET.1:$DNS_PORT")"
}

@test "typed members: SOA, NS, MX, TXT, CAA, A, AAAA, CNAME" {
	echo full.test | "${SCAN[@]}" >out
	run -0 q out '.why=="apex" and .type=="SOA"'
	run -0 jq -r '.answer[0] | [.name, .mname, .rname, .serial, .refresh, .retry, .expire, .minimum] | @tsv' <<<"$output"
	assert_output "$(printf 'full.test\tns1.full.test\thostmaster.full.test\t2026112301\t7200\t3600\t1209600\t300')"
	run -0 jq -r '.dns.queries[] | select(.type=="MX" and .why=="apex") | .answer[] | "\(.preference) \(.exchange) \(.data)"' out
	assert_output "$(printf '10 mail.full.test 10 mail.full.test.\n20 mx.ext.test 20 mx.ext.test.')"
	run -0 jq -r '.dns.queries[] | select(.type=="NS" and .why=="apex") | .answer[].host' out
	assert_output "ns1.full.test"
	run -0 jq -c '[.dns.queries[] | select(.type=="TXT" and .why=="apex") | .answer[].txt] | sort' out
	assert_output '[["google-site-verification=abc","second string"],["v=spf1 a mx include:_spf.full.test ~all"]]'
	run -0 jq -c '[.dns.queries[] | select(.type=="CAA" and .why=="apex") | .answer[] | [.flags, .tag, .value, .data]]' out
	assert_output '[[0,"issue","letsencrypt.org","0 issue \"letsencrypt.org\""],[128,"iodef","mailto:sec@full.test","128 iodef \"mailto:sec@full.test\""]]'
	run -0 jq -r '.dns.queries[] | select(.why=="apex" and (.type=="A" or .type=="AAAA")) | .answer[].address' out
	assert_output "$(printf '192.0.2.10\n2001:db8::10')"
	run -0 jq -r '.dns.queries[] | select(.why=="www" and .type=="A") | .answer[] | "\(.type) \(.name) \(.target // .address)"' out
	assert_output "$(printf 'CNAME www.full.test full.test\nA full.test 192.0.2.10')"
}

@test "mail transport parts: --types asks _mta-sts, _smtp._tls and _domainkey TXT, and TLSA at each MX host's _25._tcp" {
	echo full.test | "${SCAN[@]}" --types mta-sts,tls-rpt,dkim,dane >out
	run -0 jq -r '.dns.queries[] | "\(.why) \(.type) \(.q) \(.rcode)"' out
	assert_output "$(printf '%s\n' 'apex MX full.test NOERROR' 'mta-sts TXT _mta-sts.full.test NOERROR' \
		'tls-rpt TXT _smtp._tls.full.test NXDOMAIN' 'dkim TXT _domainkey.full.test NXDOMAIN' \
		'dane TLSA _25._tcp.mail.full.test NOERROR' \
		'dane TLSA _25._tcp.mx.ext.test NXDOMAIN')"
	# TLSA's typed members, with AD asked of the resolver as for every question
	run -0 jq -c '.dns.queries[] | select(.why == "dane" and .rcode == "NOERROR") | .answer[] | [.usage, .selector, .matching_type, .data]' out
	assert_output '[3,1,1,"3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"]'
	# the dnstats and minimal profiles ask none of them
	echo full.test | "${SCAN[@]}" --profile dnstats >out
	run -0 jq -c '[.dns.queries[] | select(.why == "mta-sts" or .why == "tls-rpt" or .why == "dkim" or .why == "dane")]' out
	assert_output '[]'
}

@test "TXT bytes that are not UTF-8 become U+FFFD; data keeps the escapes" {
	echo utf8.full.test | "${SCAN[@]}" --types TXT >out
	run -0 jq -r '.dns.queries[0].answer[0] | .txt[0], .data' out
	assert_output "$(printf 'café \xef\xbf\xbd end\n"caf\\195\\169 \\255 end"')"
}

@test "signed zone: DS, DNSKEY, RRSIG, NSEC3PARAM and NSEC3 typed members; data rebuilds" {
	echo signed.test | "${SCAN[@]}" --types SOA,DS,DNSKEY,NSEC3PARAM,msdcs >out
	# the DS names the KSK, whose tag ldns computed from the key
	ds_tag=$(jq '.dns.queries[] | select(.type=="DS") | .answer[0].key_tag' out)
	run -0 jq -r ".dns.queries[] | select(.type==\"DNSKEY\") | .answer[] | select(.type==\"DNSKEY\" and .key_tag==$ds_tag) | [.flags, .protocol, .algorithm] | @tsv" out
	assert_output "$(printf '257\t3\t13')"
	run -0 jq -r '.dns.queries[] | select(.type=="DS") | .answer[0] | [.algorithm, .digest_type, (.digest|length)] | @tsv' out
	assert_output "$(printf '13\t2\t64')"
	# RRSIGs came back (DO bit) with their times as epoch seconds
	run -0 jq -r '.dns.queries[] | select(.type=="DNSKEY") | .answer[] | select(.type=="RRSIG") |
		[.type_covered, .algorithm, .labels, .original_ttl, .signer, (.expiration > .inception), (.inception > 1700000000)] | @tsv' out
	assert_output "$(printf 'DNSKEY\t13\t2\t300\tsigned.test\ttrue\ttrue')"
	run -0 jq -r '.dns.queries[] | select(.type=="NSEC3PARAM") | .answer[] | select(.type=="NSEC3PARAM") | [.algorithm, .flags, .iterations, .salt] | @tsv' out
	assert_output "$(printf '1\t0\t1\tAB12')"
	# the NXDOMAIN for _msdcs proves the denial with NSEC3
	run -0 jq -r '.dns.queries[] | select(.why=="msdcs") | [.rcode, ([.authority[] | select(.type=="NSEC3")][0] | .iterations, .salt)] | @tsv' out
	assert_output "$(printf 'NXDOMAIN\t1\tAB12')"
	# every RR's data reads back with ldns as "<name>. <ttl> IN <type> <data>"
	jq -r '.dns.queries[] | (.answer + (.authority // []))[] | "\(.name). \(.ttl) IN \(.type) \(.data)"' out | sort -u >rrs.txt
	[ "$(count_lines rrs.txt)" -ge 8 ]
	run -0 ldns-read-zone rrs.txt
	[ "$(grep -c 'IN' <<<"$output")" -eq "$(count_lines rrs.txt)" ]
}

@test "NXDOMAIN and NODATA are answers with their rcode, no error" {
	printf 'nope.full.test\nmail.full.test\n' | "${SCAN[@]}" --types MX >out
	run -0 jq -r '.dns.queries[0] | [.rcode, (.answer|length), (.authority[0].type), has("error")] | @tsv' out
	assert_line --index 0 "$(printf 'NXDOMAIN\t0\tSOA\tfalse')"
	assert_line --index 1 "$(printf 'NOERROR\t0\tSOA\tfalse')"
}

@test "a TXT too large for 1232 bytes is fetched again over TCP" {
	echo big.full.test | "${SCAN[@]}" --types TXT --stats >out 2>err
	run -0 jq -r '.dns.queries[0] | [.tc, .tcp, .rcode, (.answer|length), (.answer[0].txt|length)] | @tsv' out
	assert_output "$(printf 'true\ttrue\tNOERROR\t3\t3')"
	grep -q 'truncated 1, TCP 1' err
}

@test "SPF walk follows includes and asks a, mx and exists targets" {
	echo chain.spf.test | "${SCAN[@]}" --types spf >out
	run -0 jq -r '[.dns.queries[] | select(.why=="spf") | "\(.q)/\(.type)/\(.rcode)"] | join(" ")' out
	assert_output "ex.spf.test/A/NXDOMAIN host.spf.test/A/NOERROR host.spf.test/AAAA/NOERROR inc1.spf.test/TXT/NOERROR inc2.spf.test/TXT/NOERROR mail.spf.test/MX/NOERROR mx1.spf.test/A/NOERROR mx1.spf.test/AAAA/NOERROR"
}

@test "SPF redirect is followed; a macro target is not asked" {
	printf 'redir.spf.test\nfull.test\n' | "${SCAN[@]}" --types spf >out
	run -0 jq -r '[.dns.queries[] | select(.why=="spf" and .type=="TXT") | .q] | join(" ")' out
	assert_line --index 0 "inc2.spf.test"
	assert_line --index 1 "_spf.full.test"
	run -0 jq -r '[.dns.queries[] | select(.why=="spf") | .q] | map(select(contains("%"))) | length' out
	assert_line --index 1 0
}

@test "SPF terms after all are not asked, nor a redirect beside all" {
	printf 'afterall.spf.test\nredirall.spf.test\n' | "${SCAN[@]}" --types spf >out
	run -0 jq -r '[.dns.queries[] | select(.why=="spf") | "\(.q)/\(.type)"] | join(" ")' out
	assert_output "$(printf 'host.spf.test/A host.spf.test/AAAA\n')"
}

@test "DMARC report address with ?query and !size: the authorisation is asked of its domain" {
	echo qmark.spf.test | "${SCAN[@]}" --types dmarc,dmarc-report >out
	run -0 jq -r '[.dns.queries[] | select(.why=="dmarc-report") | .q] | join(" ")' out
	assert_output "qmark.spf.test._report._dmarc.other.test qmark.spf.test._report._dmarc.reports.ext.test"
}

@test "SPF loop ends: each name is asked once" {
	echo loop.spf.test | "${SCAN[@]}" --types spf >out
	run -0 jq -r '[.dns.queries[] | select(.why=="spf") | .q] | join(" ")' out
	assert_output "loop1.spf.test loop2.spf.test"
}

@test "SPF chain over the limit stops at the bound with a skipped entry" {
	echo long.spf.test | "${SCAN[@]}" --types spf >out
	run -0 jq -r '[.dns.queries[] | select(.why=="spf" and .rcode=="NOERROR")] | length' out
	assert_output 40
	run -0 jq -r '.dns.queries[] | select(.error=="skipped") | [.q, .detail] | @tsv' out
	assert_output "$(printf 'l41.spf.test\tSPF walk stopped after 40 queries')"
}

@test "CAA climbs to the parent only when the name has none" {
	printf 'deep.sub.caa.test\ncaa.test\nnope.caa.test\n' | "${SCAN[@]}" --types CAA,caa-climb >out
	run -0 jq -r '[.dns.queries[] | "\(.why):\(.q):\(.answer|length)"] | join(" ")' out
	assert_line --index 0 "apex:deep.sub.caa.test:0 caa-climb:caa.test:1 caa-climb:sub.caa.test:0"
	assert_line --index 1 "apex:caa.test:1"
	assert_line --index 2 "apex:nope.caa.test:0 caa-climb:caa.test:1"
}

@test "DMARC report addresses in other domains: the authorisation record is asked" {
	echo full.test | "${SCAN[@]}" --types dmarc,dmarc-report >out
	run -0 jq -r '.dns.queries[] | select(.why=="dmarc-report") | [.q, .rcode, (.answer[0].txt[0] // "-")] | @tsv' out
	assert_output "$(printf 'full.test._report._dmarc.other.test\tNXDOMAIN\t-\nfull.test._report._dmarc.reports.ext.test\tNOERROR\tv=DMARC1')"
}

@test "MX hosts get their addresses asked" {
	echo full.test | "${SCAN[@]}" --types MX,mx-addr >out
	run -0 jq -r '[.dns.queries[] | select(.why=="mx-addr") | "\(.q)/\(.type)/\(.answer|length)"] | join(" ")' out
	assert_output "mail.full.test/A/1 mail.full.test/AAAA/1 mx.ext.test/A/1 mx.ext.test/AAAA/0"
}

@test "delegation: serials per server, a lame server, and an address outside --ns-allow" {
	echo deleg.test | "${SCAN[@]}" --types ns-direct >out
	run -0 jq -r '.dns.queries[] | select(.why=="ns-direct" and .type=="SOA") |
		[.server, .direct, .aa, (.answer[0].serial // "-"), (.error // "-")] | @tsv' out
	assert_line --index 0 "$(printf '%s\ttrue\ttrue\t100\t-' "$DNS_NET.1:$DNS_PORT")"
	assert_line --index 1 "$(printf '%s\ttrue\ttrue\t99\t-' "$DNS_NET.2:$DNS_PORT")"
	assert_line --index 2 --regexp "^$DNS_NET.3:$DNS_PORT	true	false	-	(network|timeout)\$"
	assert_line --index 3 "$(printf '192.0.2.53:%s\ttrue\tfalse\t-\tskipped' "$DNS_PORT")"
	run -0 jq -r '.dns.queries[] | select(.error=="skipped") | .detail' out
	assert_line "not sent: 192.0.2.53 is outside --ns-allow"
	# the NS sets asked of each server directly, and the NS names' addresses
	run -0 jq -r '[.dns.queries[] | select(.why=="ns-direct" and .type=="NS" and .rcode) | .answer | length] | join(" ")' out
	assert_output "4 4"
	run -0 jq -r '[.dns.queries[] | select(.why=="ns-addr" and .type=="A") | .answer[0].address] | join(" ")' out
	assert_output "$DNS_NET.1 $DNS_NET.2 $DNS_NET.3 192.0.2.53"
}

@test "a resolver where nothing listens: every line still answered, with errors" {
	printf 'full.test\nspf.test\n\nx..bad\n' |
		dns-scan -r "$DNS_NET.9:$DNS_PORT" --timeout 0.3 --retries 1 --profile minimal >out 2>err && status=0 || status=$?
	[ "$status" -eq 1 ]
	[ "$(count_lines out)" -eq 4 ]
	run -0 jq -r 'select(.dns) | [.dns.queries[] | .error] | unique | join(",")' out
	assert_line --index 0 --regexp '^(network|timeout)$'
	run -0 jq -r 'select(.dns) | .errors[0].code' out
	assert_output "$(printf 'dns-no-answer\ndns-no-answer')"
	grep -q 'line 1: no answer to any of 5 queries' err
}

@test "a resolver that never answers: timeouts after the retries" {
	start_responder silent
	printf 'a.test\nb.test\n' | dns-scan -r "$DNS_NET.5:$DNS_PORT" --types A,TXT --timeout 0.4 --retries 1 --stats >out 2>err || true
	[ "$(count_lines out)" -eq 2 ]
	run -0 jq -r '[.dns.queries[] | .error] | join(",")' out
	assert_output "$(printf 'timeout,timeout\ntimeout,timeout')"
	grep -q 'timeouts 4' err
}

@test "wrong-ID, malformed and wrong-question answers are dropped and counted" {
	start_responder hostile
	printf 'a.test\nb.test\nc.test\n' | dns-scan -r "$DNS_NET.5:$DNS_PORT" --types A,MX --stats >out 2>err
	run -0 jq -r '[.dns.queries[] | "\(.type) \(.rcode) \(.answer|length)"] | join(",")' out
	assert_output "$(printf 'A NOERROR 1,MX NOERROR 0\nA NOERROR 1,MX NOERROR 0\nA NOERROR 1,MX NOERROR 0')"
	run -0 jq -r '.dns.queries[0].answer[0].address' out
	assert_line --index 0 192.0.2.1
	grep -q 'wrong ID or question 12, malformed 6' err
}

@test "input: JSON members kept, field option, invalid names, blank lines, order" {
	cat >in <<-'EOF'
		{"domain":"FULL.test.","rank":1}
		not json at all
		x..bad

		{"host":{"name":"caa.test"}}
		{"other":1}
		caa.test
	EOF
	"${SCAN[@]}" --types SOA <in >out 2>err && status=0 || status=$?
	[ "$status" -eq 1 ]
	[ "$(count_lines out)" -eq 7 ]
	# jq skips the blank line
	run -0 jq -r '[.dns.domain // "-", (.errors // [] | length)] | @tsv' out
	assert_line --index 0 "$(printf 'full.test\t0')"
	assert_line --index 1 "$(printf -- '-\t1')"
	assert_line --index 2 "$(printf -- '-\t1')"
	assert_line --index 3 "$(printf -- '-\t1')"
	assert_line --index 4 "$(printf -- '-\t1')"
	assert_line --index 5 "$(printf 'caa.test\t0')"
	run -0 sed -n 4p out
	assert_output ""
	run -0 jq -c '.rank' <(head -1 out)
	assert_output 1
	grep -q "line 3: invalid name" err
	# -f: the domain somewhere else
	run -0 bash -c "echo '{\"host\":{\"name\":\"caa.test\"}}' | ${SCAN[*]} -f host.name --types SOA | jq -r '.dns.domain'"
	assert_output caa.test
}

@test "Unicode names are scanned as their A-label, with their Unicode form beside it" {
	printf '%s\n' 'BÜCHER.full.test' 'xn--bcher-kva.FULL。test' 'full。test' 'ＦＵＬＬ．ｔｅｓｔ' 'аррӏе.full.test' |
		"${SCAN[@]}" --types SOA >out
	run -0 jq -r '[.domain, .dns.domain, .dns.queries[0].q, .dns.queries[0].rcode, .name_ascii // "-", .name_unicode // "-", (.alerts // [] | join(","))] | @tsv' out
	assert_output "$(printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
		'BÜCHER.full.test' xn--bcher-kva.full.test xn--bcher-kva.full.test NXDOMAIN xn--bcher-kva.full.test 'bücher.full.test' '' \
		'xn--bcher-kva.FULL。test' xn--bcher-kva.full.test xn--bcher-kva.full.test NXDOMAIN xn--bcher-kva.full.test 'bücher.full.test' '' \
		'full。test' full.test full.test NOERROR - - '' \
		'ＦＵＬＬ．ｔｅｓｔ' full.test full.test NOERROR - - '' \
		'аррӏе.full.test' xn--80ak6aa92e.full.test xn--80ak6aa92e.full.test NXDOMAIN xn--80ak6aa92e.full.test 'аррӏе.full.test' MIXED-SCRIPT)"
}

@test "profiles: dnstats and minimal ask their own sets" {
	echo full.test | "${SCAN[@]}" --profile dnstats >out
	run -0 jq -r '.dns.profile, ([.dns.queries[] | select(.why=="apex") | .type] | sort | join(" ")), ([.dns.queries[] | .why] | unique | join(" "))' out
	assert_output "$(printf 'dnstats\nCAA DNSKEY DS MX NS SOA TXT\nad-probe apex bimi dmarc msdcs ns-addr ns-direct')"
	echo full.test | "${SCAN[@]}" --profile minimal >out
	run -0 jq -r '.dns.profile, ([.dns.queries[] | "\(.why)/\(.type)"] | join(" "))' out
	assert_output "$(printf 'minimal\napex/NS apex/SOA apex/MX apex/TXT dmarc/TXT')"
	echo full.test | "${SCAN[@]}" --types MX >out
	run -0 jq -r '.dns.profile' out
	assert_output custom
}

@test "--unordered writes the same records, maybe in another order" {
	printf '%s\n' full.test caa.test nope.full.test deleg.test chain.spf.test >in
	"${SCAN[@]}" <in | stable | sort >ordered
	"${SCAN[@]}" --unordered <in | stable | sort >unordered
	[ "$(count_lines ordered)" -eq 5 ]
	run -0 diff ordered unordered
}

@test "parallel --pipe: merged output equals one process's" {
	printf '%s\n' full.test caa.test sub.caa.test nope.full.test deleg.test chain.spf.test \
		loop.spf.test big.full.test signed.test 'x..bad' redir.spf.test spf.test >in
	"${SCAN[@]}" <in | stable >single
	parallel --will-cite -k --pipe -N 3 "${SCAN[*]}" <in | stable >merged
	[ "$(count_lines single)" -eq 12 ]
	run -0 diff single merged
}

@test "-c 1 and a small window still answer every line in order" {
	printf '%s\n' caa.test deleg.test nope.full.test >in
	"${SCAN[@]}" <in | stable >a
	"${SCAN[@]}" -c 1 --window 1 <in | stable >b
	run -0 diff a b
}

@test "stderr is silent without --stats (no progress line off a terminal)" {
	echo caa.test | "${SCAN[@]}" --types SOA >out 2>err
	[ ! -s err ]
	echo caa.test | "${SCAN[@]}" --types SOA --stats >out 2>err
	grep -q '1 domains in' err
	grep -q 'answers 1 (NOERROR 1)' err
}

@test "a progress line on stderr when it is a terminal" {
	command -v script >/dev/null || skip "needs script(1)"
	printf '%s\n' caa.test sub.caa.test >in
	script -qec "dns-scan -r $DNS_NET.1:$DNS_PORT --types SOA <in >out" typescript >/dev/null
	[ "$(count_lines out)" -eq 2 ]
	grep -q 'dns-scan: 2 domains, [0-9]* queries/s, answers: NOERROR 2, timeouts 0' typescript
}

@test "two resolvers, one dead: retries go to the live one and every query is answered" {
	printf '%s\n' caa.test sub.caa.test nope.caa.test full.test >in
	dns-scan -r "$DNS_NET.9:$DNS_PORT" -r "$DNS_NET.1:$DNS_PORT" --types SOA,NS,MX,TXT \
		--timeout 1 --stats <in >out 2>err
	run -0 jq -r '[.dns.queries[] | .error // "ok"] | unique | join(",")' out
	assert_output "$(printf 'ok\nok\nok\nok')"
	run -0 jq -r '[.dns.queries[] | .server] | unique | join(",")' out
	assert_line --index 0 "$DNS_NET.1:$DNS_PORT"
	run -0 jq -r '.dns.resolvers | join(",")' <(head -1 out)
	assert_output "$DNS_NET.9:$DNS_PORT,$DNS_NET.1:$DNS_PORT"
}

@test "--resolvers reads a file (comments, nameserver lines); --qps caps without losing answers" {
	printf '# lab resolvers\nnameserver %s:%s\n\n' "$DNS_NET.1" "$DNS_PORT" >resolvers
	printf '%s\n' caa.test sub.caa.test >in
	dns-scan --resolvers resolvers --qps 200 --types SOA,NS <in >out
	run -0 jq -r '[.dns.resolvers[0], ([.dns.queries[] | .rcode] | join(","))] | @tsv' out
	assert_output "$(printf '%s\tNOERROR,NOERROR\n%s\tNOERROR,NOERROR' "$DNS_NET.1:$DNS_PORT" "$DNS_NET.1:$DNS_PORT")"
	run -2 dns-scan --resolvers /nonexistent </dev/null
	assert_output --partial "cannot open '/nonexistent'"
}

# ---- through Unbound: the failure policy and the scan status ----

@test "through Unbound: a secure answer says AD without DO, and the records match the direct scan" {
	echo signed.test | dns-scan -r "$GOOD" --types A,TXT,SOA >out
	run -0 jq -r '[.dns.queries[] | "\(.type) \(.rcode) \(.ad)"] | join(",")' out
	assert_output "A NOERROR true,SOA NOERROR true,TXT NOERROR true"
	run -0 jq -r '.dns.status' out
	assert_output ok
	# the same data as the authoritative server gives (TTLs aside: Unbound counts them down)
	printf '%s\n' full.test caa.test spf.test nope.full.test >in
	data='.dns.queries | map({q, type, why, rcode, answer: [.answer[]? | .data] | sort})'
	dns-scan -r "$GOOD" --types SOA,NS,MX,TXT,CAA,A,AAAA <in | jq -c "$data" >via
	"${SCAN[@]}" --types SOA,NS,MX,TXT,CAA,A,AAAA <in | jq -c "$data" >direct
	[ "$(count_lines via)" -eq 4 ]
	run -0 diff direct via
}

@test "through Unbound: a bogus zone is SERVFAIL with its extended error, asked again with CD=1" {
	run -1 --separate-stderr dns-scan -r "$GOOD" --types A,DNSKEY <<<bogus.test
	echo "$output" >out
	run -0 jq -r '.dns.queries[] | [.type, .rcode, .ad, (.ede[0].code), (.failed_attempts | length),
		.cd_retry.rcode, (.cd_retry.answer | length > 0)] | @tsv' out
	# 6: DNSSEC Bogus (RFC 8914); three attempts (--retries 2), then the CD=1 question
	assert_output "$(printf 'A\tSERVFAIL\tfalse\t6\t3\tNOERROR\ttrue\nDNSKEY\tSERVFAIL\tfalse\t6\t3\tNOERROR\ttrue')"
	run -0 jq -r '.cd_retry.answer[0].address' <(jq -c '.dns.queries[0]' out)
	assert_output 192.0.2.60
	run -0 jq -c '[.dns.status, .dns.failed.servfail, .errors[0].code]' out
	assert_output '["failed",2,"dns-incomplete"]'
}

@test "through Unbound: one bogus host among good answers makes the domain partial, exit 1" {
	run -1 --separate-stderr dns-scan -r "$GOOD" --types MX,TXT,mx-addr <<<mixed.test
	echo "$output" >out
	run -0 jq -c '[.dns.status, .dns.failed, ([.dns.queries[] | select(.rcode=="SERVFAIL") | .q] | unique)]' out
	assert_output '["partial",{"servfail":2,"refused":0,"timeout":0,"malformed":0,"network":0,"other":0},["mail.bogus.test"]]'
	[[ "$stderr" == *"dns-scan: line 1: 2 of 6 queries failed (see dns.failed)"* ]]
}

@test "through Unbound: a refusing resolver's bare REFUSED is its answer at once, not a timeout" {
	# Unbound's access-control refuse: a header without the question
	run -0 kdig +retry=0 -p "$DNS_PORT" "@$DNS_NET.21" SOA full.test
	assert_output --partial "status: REFUSED"
	assert_output --partial "QUERY: 0"
	run -1 --separate-stderr dns-scan -r "$REFUSING" --types SOA,TXT --timeout 30 --retries 1 \
		--stats <<<full.test
	echo "$output" >out
	# each question: two attempts, both refused, well within one --timeout of 30 s
	run -0 jq -r '.dns.queries[] | [.rcode, ([.failed_attempts[].cause] | join(",")), (.ms < 5000)] | @tsv' out
	assert_output "$(printf 'REFUSED\trefused,refused\ttrue\nREFUSED\trefused,refused\ttrue')"
	run -0 jq -c '[.dns.status, .dns.failed.refused, .errors[0].code]' out
	assert_output '["failed",2,"dns-incomplete"]'
	[[ "$stderr" == *"resolver $REFUSING: attempts=4 answers=0 servfail=0 refused=4 timeout=0"* ]]
	[[ "$stderr" == *"dropped: wrong ID or question 0"* ]]
}

@test "through Unbound: -r REFUSING -r GOOD: every refused question is asked of the good one" {
	printf '%s\n' full.test caa.test spf.test nope.full.test >in
	run --separate-stderr dns-scan -r "$REFUSING" -r "$GOOD" --profile minimal --stats <in
	[ "$status" -eq 0 ]
	echo "$output" >out
	run -0 jq -r '[.dns.status, ([.dns.queries[] | .rcode] | unique | join(","))] | @tsv' out
	assert_output "$(printf 'ok\tNOERROR\nok\tNOERROR,NXDOMAIN\nok\tNOERROR,NXDOMAIN\nnxdomain\tNXDOMAIN')"
	# every answer came from the good resolver; those first sent to the other say so
	run -0 jq -r '[.dns.queries[] | .server] | unique | join(",")' out
	assert_output "$(printf '%s\n' "$GOOD" "$GOOD" "$GOOD" "$GOOD")"
	refused=$(jq -s --arg r "$REFUSING" '[.[].dns.queries[] | .failed_attempts // [] | .[] | select(.cause=="refused" and .server==$r)] | length' out)
	[ "$refused" -ge 1 ]
	[[ "$stderr" == *"resolver $REFUSING: "*" refused=$refused "* ]]
	# five failures in a row set a resolver aside for a while (dns-scan(1)); none was a timeout
	line=$(grep -F "resolver $REFUSING: " <<<"$stderr")
	[[ "$line" == *" timeout=0 "* && "$line" == *" set_aside="[1-9]* ]]
	run -0 jq -s 'map(has("errors")) | any' out
	assert_output false
}

@test "a nonexistent domain is status nxdomain, not a failure: exit 0" {
	run -0 --separate-stderr dns-scan -r "$GOOD" --profile minimal <<<nope.full.test
	run -0 jq -c '[.dns.status, .dns.failed.servfail, has("errors")]' <<<"$output"
	assert_output '["nxdomain",0,false]'
}

@test "--canary warns about a resolver that answers a name that cannot exist, not about a good one" {
	run -0 --separate-stderr dns-scan --canary -r "$GOOD" --types SOA <<<full.test
	assert_equal "$stderr" ""
	run -0 --separate-stderr dns-scan --canary -r "$GOOD" -r "$SINKHOLE" --types SOA <<<full.test
	[[ "$stderr" == *"dns-scan: resolver $SINKHOLE answers '"*".canary-"*"', a name that cannot exist: it rewrites NXDOMAIN"* ]]
	[[ "$stderr" != *"resolver $GOOD"* ]]
	# the sinkhole's answer for a name that does not exist
	run -0 kdig +short -p "$DNS_PORT" "@$DNS_NET.22" A nope.full.test
	assert_output 192.0.2.66
}

@test "questions to a resolver carry RD=1 and AD=1 (RFC 6840 5.7), and CD=0" {
	start_responder faults
	run -0 dns-scan -r "$DNS_NET.5:$DNS_PORT" --types TXT --timeout 1 <<<flags-x.test
	run -0 jq -r '.dns.queries[0].answer[0].txt[0]' <<<"$output"
	assert_output "rd=1 ad=1 cd=0"
}

@test "a bare REFUSED header from the responder is that resolver's answer, asked again elsewhere" {
	start_responder faults
	run -0 --separate-stderr dns-scan -r "$DNS_NET.5:$DNS_PORT" -r "$GOOD" --types SOA \
		--timeout 10 --stats <<<refusednoq-x.full.test
	run -0 jq -r '.dns.queries[0] | [.rcode, .server, .failed_attempts[0].cause, .failed_attempts[0].server] | @tsv' <<<"$output"
	assert_output "$(printf 'NXDOMAIN\t%s\trefused\t%s' "$GOOD" "$DNS_NET.5:$DNS_PORT")"
	[[ "$stderr" == *"dropped: wrong ID or question 0"* ]]
}

@test "the parent's delegation is asked of the parent's servers, glue included" {
	run -0 dns-scan -r "$GOOD" --ns-port "$DNS_PORT" --ns-allow 127.0.0.0/8 --types NS,parent <<<child.ptest
	echo "$output" >out
	run -0 jq -c '.dns.parent' out
	assert_output '{"zone":"ptest","ns":["ns1.ptest"]}'
	# the parent says ns1 and ns2, the child ns1 and ns3: the grader compares the two
	run -0 jq -r '.dns.queries[] | select(.why=="parent") | [.server, .direct, .aa,
		([.authority[] | select(.type=="NS") | .host] | sort | join(",")),
		([.additional[] | "\(.name)=\(.address)"] | sort | join(","))] | @tsv' out
	assert_output "$(printf '%s\ttrue\tfalse\tns1.child.ptest,ns2.child.ptest\tns1.child.ptest=%s,ns2.child.ptest=%s' "$DNS_NET.7:$DNS_PORT" "$DNS_NET.8" "$DNS_NET.8")"
	run -0 jq -r '.dns.queries[] | select(.why=="apex") | [.answer[].host] | sort | join(",")' out
	assert_output "ns1.child.ptest,ns3.child.ptest"
}

@test "a lame delegation: the apex NS fails, so the servers come from the parent's referral" {
	run -1 --separate-stderr dns-scan -r "$GOOD" --ns-port "$DNS_PORT" --ns-allow 127.0.0.0/8 \
		--types NS,parent,ns-addr --timeout 4 <<<lame.ptest
	echo "$output" >out
	# Unbound gives up on the lame server in its own time: SERVFAIL, or no answer before ours
	run -0 jq -r '.dns.queries[] | select(.why=="apex") | .rcode // .error' out
	assert_output --regexp '^(SERVFAIL|timeout)$'
	run -0 jq -r '[.dns.queries[] | select(.why=="ns-addr") | "\(.q)/\(.type)"] | join(" ")' out
	assert_output "ns1.lame.ptest/A ns1.lame.ptest/AAAA"
	run -0 jq -r '.dns.queries[] | select(.why=="parent") | [.additional[0].address, .aa] | @tsv' out
	assert_output "$(printf '%s\tfalse' "$DNS_NET.9")"
	# nothing of the zone could be asked through the resolver
	run -0 jq -r '.dns.status' out
	assert_output failed
}

@test "a parent that cannot be found is a failure of the scan, named in dns.parent" {
	run -1 --separate-stderr dns-scan -r "$REFUSING" -r "$GOOD" --types parent --retries 0 \
		--timeout 2 <<<full.test
	# --retries 0: whichever lookup goes to the refusing resolver fails for good
	run -0 jq -r '.dns.parent.error' <<<"$output"
	assert_output refused
}

@test "an HTTPS host's addresses: the A answer's before the AAAA answer's, whichever came first" {
	# the resolver has the AAAA in its cache and asks Knot for the A: the AAAA answer comes
	# first (the fetch itself is refused: the addresses are reserved ones)
	kdig +retry=0 -p "$DNS_PORT" "@$DNS_NET.20" dual.full.test AAAA >/dev/null
	echo dual.full.test |
		dns-scan -r "$DNS_NET.20:$DNS_PORT" --types security-txt >out.ndjson
	run -0 jq -c '.dns.https[0].addresses' out.ndjson
	assert_output '["192.0.2.80","2001:db8::80"]'
}
