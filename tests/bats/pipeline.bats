#!/usr/bin/env bats
# Whole pipelines: filters compose, every line arrives once and in order, input survives.

load helper

setup() {
	setup_isolated
	SAMPLE="$TOP/share/examples/eve-dns.ndjson"
}

@test "enrichment: domain-freq | seen-db keeps every input member and line, in order" {
	domain-freq -f dns.rrname <"$SAMPLE" 2>/dev/null | seen-db -f dns.rrname --db store.db >out 2>err || true
	[ "$(count_lines out)" -eq "$(count_lines "$SAMPLE")" ]
	# the input objects come back unchanged once the added members are taken away
	diff <(jq -c . "$SAMPLE") \
		<(jq -c 'del(.freq_score, .alerts, .errors, .seen_by_you, .seen_by_isc, .seen_by_web, .category)' out)
	# both filters added their fields to the same records
	jq -s -e 'map(select(.dns.rrname == "www.sans.org"))[0] | (.freq_score | length) == 2 and .seen_by_you != null' out
}

@test "enrichment: first contact once per registrable domain, none on the second pass" {
	domain-freq -f dns.rrname <"$SAMPLE" 2>/dev/null | seen-db -f dns.rrname --db store.db >first 2>/dev/null || true
	firsts=$(jq -r 'select((.alerts // []) | index("YOUR-FIRST-CONTACT")) | .dns.rrname' first | wc -l)
	[ "$firsts" -gt 0 ]
	domain-freq -f dns.rrname <"$SAMPLE" 2>/dev/null | seen-db -f dns.rrname --db store.db >second 2>/dev/null || true
	run jq -r 'select((.alerts // []) | index("YOUR-FIRST-CONTACT")) | .dns.rrname' second
	assert_output ""
	# frequency alerts survive the second filter
	jq -s -e 'map(select(.dns.rrname == "yqxwvtrz.biz"))[0].alerts | index("LOW-FREQ-SCORES")' second
}

@test "errors from an earlier filter pass through later filters without new complaints" {
	printf '{broken\nexample.com\n' >in
	run --separate-stderr bash -c 'domain-freq <in | seen-db --db store.db'
	[ "${#lines[@]}" -eq 2 ]
	assert_equal "$(jq -c '[.errors[].by]' <<<"${lines[0]}")" '["domain-freq"]'
	[[ "$stderr" == *"domain-freq: line 1: invalid JSON"* ]]
	[[ "$stderr" != *"seen-db: line 1"* ]]
}
