#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# Scale-out with GNU parallel as README and domstat(7) show it: blocks of the input on several
# jobs give what one process gives, with -k or with the merge step; stores merge across hosts.

load helper

setup_file() {
	load dns_server
	knot_start_scan_zones
}

teardown_file() {
	load dns_server
	knot_stop_all
}

setup() {
	setup_isolated
	# every question here is answered: a long timeout costs nothing, and keeps a loaded machine
	# (the sanitizer suite beside the normal one) from turning a slow answer into a timeout that
	# one of the two runs compared would not have
	SCAN="dns-scan -r $DNS_NET.1:$DNS_PORT --ns-port $DNS_PORT --ns-allow 127.0.0.0/8 --timeout 10"
	# a ranked list: answers, NXDOMAIN, SPF walks and loops, names asked twice
	local n i=0
	for n in full.test caa.test chain.spf.test nxdomain.test spf.test redir.spf.test \
		loop.spf.test long.spf.test host.spf.test mail.spf.test sub.caa.test test; do
		i=$((i + 1))
		echo "$i,$n"
		echo "$((i + 100)),$n"
	done | sort -t, -k1,1n >list.csv
}

# The record without what legitimately differs between two scans: when it started, how long it
# and each query took, and the order in which queries finished.
stable() {
	jq -c 'if .dns then .dns |= (del(.started, .elapsed_ms) |
		.queries |= (map(del(.ms)) | sort_by(tojson))) else . end'
}

# The number of jobs parallel ran, from its --joblog.
jobs_run() {
	tail -n +2 "$1" | wc -l
}

@test "dns-scan | dns-grade in 4 jobs without -k: the same records as one process, once sorted" {
	$SCAN <list.csv | dns-grade | stable | sort >single
	parallel --will-cite --pipe -N 4 -j 4 --joblog jl "$SCAN | dns-grade" <list.csv | stable >par
	[ "$(jobs_run jl)" -eq 6 ]
	[ "$(count_lines single)" -eq 24 ]
	sort par | diff single -
	# the grades themselves were computed (not just passed through); the domain that does not
	# exist has none
	jq -e -s 'all(.[]; (.grades.overall | type == "number") or
		(.domain == "nxdomain.test" and .facts.exists == false))' par
}

@test "the merge step: sorting on the rank restores one process's order exactly" {
	$SCAN <list.csv | stable >single
	parallel --will-cite --pipe -N 3 -j 4 --joblog jl $SCAN <list.csv >par
	[ "$(jobs_run jl)" -eq 8 ]
	# records start with the list's own members, {"rank":N,...: sort numerically on N
	sort -t, -s -k1.9,1n par | stable >merged
	diff single merged
	# with -k parallel does the merge itself
	parallel --will-cite --pipe -k -N 5 -j 4 $SCAN <list.csv | stable >kept
	diff single kept
}

@test "--sshlogin (here the local host ':', two slots): blocks come back in order with -k" {
	$SCAN <list.csv | stable >single
	parallel --will-cite --pipe -k -N 4 --sshlogin 2/: --joblog jl $SCAN <list.csv | stable >par
	[ "$(jobs_run jl)" -eq 6 ]
	diff single par
}

@test "domain-freq with --keep-order and small blocks is byte for byte one process's output" {
	for _ in $(seq 1 15); do cat "$TOP/share/examples/eve-dns.ndjson"; done >eve
	printf 'plain.example.org\n\n{"domain":"qwxzvbnm.biz"}\n{broken\n' >>eve
	domain-freq -f dns.rrname <eve >single 2>/dev/null || true
	parallel --will-cite --pipe --keep-order --block 4k -j 4 --joblog jl \
		'domain-freq -f dns.rrname 2>/dev/null; true' <eve >par
	[ "$(jobs_run jl)" -gt 4 ]
	[ "$(count_lines single)" -eq "$(count_lines eve)" ]
	cmp single par
}

@test "stores of two hosts merge with export | import: union, earliest first sighting, no alerts" {
	printf 'alpha-host.org\nshared-host.org\n' | seen-db --db a.db >/dev/null
	sleep 1 # a later first sighting on the second host
	printf 'beta-host.org\nshared-host.org\n' | seen-db --db b.db >/dev/null
	first_a=$(seen-db --db a.db get shared-host.org | jq -r .first_seen)
	first_b=$(seen-db --db b.db get shared-host.org | jq -r .first_seen)
	[ "$first_a" \< "$first_b" ]
	# on a real pair of hosts: ssh host-a seen-db export | seen-db import
	seen-db --db a.db export | seen-db --db b.db import 2>/dev/null
	run -0 jq -r .domain < <(seen-db --db b.db export)
	assert_output "$(printf 'alpha-host.org\nbeta-host.org\nshared-host.org')"
	assert_equal "$(seen-db --db b.db get shared-host.org | jq -r .first_seen)" "$first_a"
	# names the other host saw are known now: only a new one is a first contact
	printf 'alpha-host.org\nbeta-host.org\nnew-host.org\n' | seen-db --db b.db >out
	run jq -r 'select(.alerts) | .domain' out
	assert_output new-host.org
}
