#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# Whole pipelines: filters compose, every line arrives once and in order, input survives.

load helper

setup_file() {
	command -v knotd >/dev/null || return 0
	load dns_server
	knot_start_scan_zones &&
		touch "$BATS_FILE_TMPDIR/knot-up"
}

teardown_file() {
	load dns_server
	knot_stop_all
}

setup() {
	setup_isolated
	SAMPLE="$TOP/share/examples/eve-dns.ndjson"
}

@test "enrichment: domain-freq | seen-db keeps every input member and line, in order" {
	domain-freq -f dns.rrname <"$SAMPLE" 2>/dev/null | seen-db -f dns.rrname --db store.db >out 2>err || true
	[ "$(count_lines out)" -eq "$(count_lines "$SAMPLE")" ]
	# the input objects come back unchanged once the added members are taken away
	diff <(jq -c . "$SAMPLE") \
		<(jq -c 'del(.freq_score, .ngram_score, .alerts, .errors, .seen_by_you, .seen_by_isc, .seen_by_web, .category, .name_ascii, .name_unicode)' out)
	# both filters added their fields to the same records
	jq -s -e 'map(select(.dns.rrname == "www.sans.org"))[0] | (.freq_score | length) == 2 and .seen_by_you != null' out
	# the IDN carries its A-label beside the Unicode form the log wrote
	jq -s -e 'map(select(.dns.rrname == "münchen.de"))[0] | .name_ascii == "xn--mnchen-3ya.de" and .name_unicode == "münchen.de"' out
}

@test "enrichment: first contact once per registrable domain, none on the second pass" {
	domain-freq -f dns.rrname <"$SAMPLE" 2>/dev/null | seen-db -f dns.rrname --db store.db >first 2>/dev/null || true
	firsts=$(jq -r 'select((.alerts // []) | index("YOUR-FIRST-CONTACT")) | .dns.rrname' first | wc -l)
	[ "$firsts" -gt 0 ]
	domain-freq -f dns.rrname <"$SAMPLE" 2>/dev/null | seen-db -f dns.rrname --db store.db >second 2>/dev/null || true
	run jq -r 'select((.alerts // []) | index("YOUR-FIRST-CONTACT")) | .dns.rrname' second
	assert_output ""
	# frequency alerts survive the second filter
	jq -s -e 'map(select(.dns.rrname == "yqxwvtrz.biz"))[0].alerts | index("LOW-NGRAM-SCORE")' second
}

@test "errors from an earlier filter pass through later filters without new complaints" {
	printf '{broken\nexample.com\n' >in
	run --separate-stderr bash -c 'domain-freq <in | seen-db --db store.db'
	[ "${#lines[@]}" -eq 2 ]
	assert_equal "$(jq -c '[.errors[].by]' <<<"${lines[0]}")" '["domain-freq"]'
	[[ "$stderr" == *"domain-freq: line 1: invalid JSON"* ]]
	[[ "$stderr" != *"seen-db: line 1"* ]]
}

@test "DNS health: dns-scan | dns-grade | stats-report over loopback Knot DNS" {
	[ -e "$BATS_FILE_TMPDIR/knot-up" ] || skip "needs knotd"
	printf '1,full.test\n2,caa.test\n3,chain.spf.test\n4,nxdomain.test\n' >list.csv
	dns-scan -r "$DNS_NET.1:$DNS_PORT" --ns-port "$DNS_PORT" --ns-allow 127.0.0.0/8 --timeout 2 \
		<list.csv >scan.ndjson 2>/dev/null || true
	dns-grade <scan.ndjson >graded.ndjson 2>/dev/null || true
	# one line per input line, in order, each with its rank
	assert_equal "$(jq -r '"\(.rank),\(.domain)"' graded.ndjson)" "$(cat list.csv)"
	# the domain that does not exist has no grades (dns-grade's three values)
	jq -e -s 'all(.[] | select(.domain != "nxdomain.test"); .grades.overall >= 0 and .grades.overall <= 100)' graded.ndjson
	jq -e -s '.[3] | .grades.overall == null and .facts.exists == false' graded.ndjson
	stats-report --format json <graded.ndjson >report.json 2>/dev/null || true
	# the report counts what the graded records say, independently recomputed with jq
	spf=$(jq -s '[.[] | select(.facts.spf.present)] | length' graded.ndjson)
	[ "$spf" -ge 2 ]
	run jq -r '.figures.spf_adoption | "\(.denominator) \(.items[0].count)"' report.json
	assert_output "3 $spf"
	# the mail-transport parts: full.test has an MTA-STS record and a TLSA record, which Knot
	# asked directly cannot validate (no AD): DANE counted as not validated, and said so
	run jq -c '[.figures.mta_sts_adoption, .figures.dane_status] | map([.denominator, (.items | map(.count))])' report.json
	assert_output '[[3,[1,2]],[3,[0,1,2]]]'
	run jq -r 'select(any(.remarks[]; .code == "DANE_NOT_VALIDATED")) | .domain' graded.ndjson
	assert_output full.test
	stats-report --format html <graded.ndjson >report.html 2>/dev/null || true
	grep -q '<svg' report.html
}
