#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# The demo (share/examples/demo.sh, `make demo`) without internet: its network steps are
# pointed at closed loopback ports (nothing leaves the machine), and it must say which steps
# could not reach the network, complete the offline ones and exit 0. The DNS step is also run
# against Knot DNS on loopback, to show the scan, grades and report when DNS is reachable.
bats_require_minimum_version 1.5.0
load helper
load dns_server

setup_file() {
	load dns_server
	dns_pick_net
	knot_start main "$DNS_NET.1" "$DNS_PORT" full.test="$ZONES/full.test.zone"
}

teardown_file() {
	knot_stop_all
}

setup() {
	setup_isolated
	export DOMSTAT_DEMO_DIR="$BATS_TEST_TMPDIR/demo" DOMSTAT_DEMO_TIMEOUT=1
	# nothing listens there: DNS and RDAP cannot be reached
	export DOMSTAT_DEMO_RESOLVER="$DNS_NET.9:$DNS_PORT"
	export DOMSTAT_DEMO_BOOTSTRAP_URL="http://$DNS_NET.9:$DNS_PORT/rdap/dns.json"
	unset DOMSTAT_DEMO_DOMAINS DOMSTAT_DEMO_LOG DOMSTAT_DEMO_SCAN_FLAGS
}

@test "offline, the demo names the steps that could not reach the network and does the rest" {
	run -0 --separate-stderr sh "$TOP/share/examples/demo.sh"
	[ -z "$stderr" ]
	assert_line "domain-freq: 20 names scored, 5 look machine-generated (offline)"
	assert_line "seen-db: 19 first contacts, store $DOMSTAT_DEMO_DIR/demo.db (offline)"
	assert_line --regexp "^domain-born: could not reach the network \(RDAP\): cannot download the RDAP bootstrap from 'http://$DNS_NET.9:$DNS_PORT/rdap/dns.json'"
	assert_line "dns-scan: could not reach the network (DNS): no answer in 1 s for google.com; scan and grades skipped"
	assert_line --regexp '^  yqxwvtrz\.biz +\["LOW-NGRAM-SCORE","YOUR-FIRST-CONTACT"\]$'
	# the report of what the store has
	assert_line "19 domains seen in $DOMSTAT_DEMO_DIR/demo.db."
	refute_output --partial "Domain report"
	assert_line "demo: done offline; could not reach the network: domain-born(RDAP) dns-scan(DNS) (see $DOMSTAT_DEMO_DIR/*.err)"
	# every log line came through, enriched
	[ "$(count_lines "$DOMSTAT_DEMO_DIR/enriched.ndjson")" -eq 20 ]
	[ "$(grep -c '"freq_score"' "$DOMSTAT_DEMO_DIR/enriched.ndjson")" -eq 20 ]
	# the store remembers: a second run raises no first contact
	run -0 sh "$TOP/share/examples/demo.sh"
	assert_line "seen-db: 0 first contacts, store $DOMSTAT_DEMO_DIR/demo.db (offline)"
	assert_line "19 domains seen in $DOMSTAT_DEMO_DIR/demo.db."
}

@test "a resolver that answers NXDOMAIN to everything (no internet behind it) counts as unreachable" {
	# Knot answers REFUSED for names outside its zones: an answer, but no internet behind it
	export DOMSTAT_DEMO_RESOLVER="$DNS_NET.1:$DNS_PORT"
	run -0 sh "$TOP/share/examples/demo.sh"
	assert_line --regexp '^dns-scan: could not reach the network \(DNS\): the resolver answered [A-Z]+ for google\.com; scan and grades skipped$'
}

@test "with DNS reachable (Knot on loopback), the demo scans, grades and prints the DNS report" {
	echo full.test >domains.txt
	export DOMSTAT_DEMO_DOMAINS="$PWD/domains.txt" DOMSTAT_DEMO_RESOLVER="$DNS_NET.1:$DNS_PORT"
	export DOMSTAT_DEMO_SCAN_FLAGS="--ns-port $DNS_PORT --ns-allow 127.0.0.0/8"
	run -0 sh "$TOP/share/examples/demo.sh"
	assert_line "dns-scan, dns-grade: 1 domains graded ($DOMSTAT_DEMO_DIR/graded.ndjson)"
	assert_line --regexp '^Domain report, [0-9]{4}-[0-9]{2}-[0-9]{2}$'
	assert_line "1 graded domain from 1 record read; 0 records skipped."
	assert_line "demo: done offline; could not reach the network: domain-born(RDAP) (see $DOMSTAT_DEMO_DIR/*.err)"
	run -0 jq -e '.grades.overall > 0' "$DOMSTAT_DEMO_DIR/graded.ndjson"
}

@test "make demo runs this script with the build's commands first on PATH, its store in the build folder" {
	local o
	o=$(dirname "${DOMSTAT_BIN:-$TOP/build/bin}")
	unset MAKEFLAGS MFLAGS MAKELEVEL
	# -n: the real run would write into the shared build folder
	run -0 make -s -C "$TOP" -n demo O="$o"
	assert_line --regexp "^PATH=$o/bin:.* DOMSTAT_DEMO_DIR=$o/demo +sh share/examples/demo.sh$"
}
