#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# Every command under valgrind's memcheck on a small representative run: no invalid reads or
# writes, no use of uninitialised values, no definitely or indirectly lost memory (memory
# still reachable at exit, such as caches freed by the kernel, is allowed). Skipped when
# valgrind is missing or the binaries are a sanitizer build (the two do not mix).
load helper

setup_file() {
	command -v valgrind >/dev/null || return 0
	command -v knotd >/dev/null || return 0
	load dns_server
	dns_pick_net
	knot_start vg "$DNS_NET.1" "$DNS_PORT" test="$ZONES/test.zone" \
		full.test="$ZONES/full.test.zone" spf.test="$ZONES/spf.test.zone" \
		caa.test="$ZONES/caa.test.zone" ext.test="$ZONES/ext.test.zone"
}

teardown_file() {
	command -v knotd >/dev/null || return 0
	load dns_server
	knot_stop_all
}

setup() {
	setup_isolated
	command -v valgrind >/dev/null || skip "needs valgrind"
	if ldd "$(command -v domain-freq)" | grep -q 'libasan\|libubsan'; then
		skip "sanitizer build: valgrind runs on the normal build"
	fi
	export DOMSTAT_DB="$BATS_TEST_TMPDIR/domains.db"
}

teardown() {
	[ -f "$BATS_TEST_TMPDIR/rdap.pid" ] && kill "$(cat "$BATS_TEST_TMPDIR/rdap.pid")" 2>/dev/null
	return 0
}

# vg CMD ARGS...: run under memcheck; status 99 means valgrind found something (its report
# is in vg.log), anything else is the command's own status.
vg() {
	valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect \
		--errors-for-leak-kinds=definite,indirect --log-file=vg.log "$@"
}

# Fail with valgrind's report when it found anything.
vg_clean() {
	local status=$1
	if [ "$status" -eq 99 ] || [ -s vg.log ]; then
		cat vg.log
		return 1
	fi
}

# Hostile lines: broken JSON, bad UTF-8, NUL, over-long names, nesting, every member kind.
hostile() {
	printf '%s\n' '{"domain":"www.example.com","n":1.5e3,"o":{"k":[1,{"x":null}]}}' \
		'{"domain": "b.com"' '{"domain":7}' '{"x":1}' 'caf\u00e9.com' '17,example.org' '' \
		'{"domain":"a.com","alerts":["x"],"errors":[{"by":"t","msg":"m"}]}' \
		"$(printf 'a%.0s' $(seq 300)).com" '[[[[[[[[[[[[]]]]]]]]]]]]' 'xn--caf-dma.com'
	printf 'bad\377\000name.com\n{"domain":"\xe9t\xe9.fr"}\n'
}

@test "domain-freq and seen-db (filter, import, export, stats) run clean under valgrind" {
	{ cat "$TOP/share/examples/eve-dns.ndjson"; } >eve.ndjson
	hostile >hostile.ndjson
	run --separate-stderr vg domain-freq -f dns.rrname <eve.ndjson
	vg_clean "$status"
	[ "$status" -le 1 ]
	run --separate-stderr vg domain-freq --max-line 256 <hostile.ndjson
	vg_clean "$status"
	[ "$status" -eq 1 ]
	printf 'example.com\nexample.org\n1,wikipedia.org\n' >list.txt
	run --separate-stderr vg seen-db import list.txt
	vg_clean "$status"
	[ "$status" -eq 0 ]
	run --separate-stderr vg seen-db <hostile.ndjson
	vg_clean "$status"
	[ "$status" -le 1 ]
	run --separate-stderr vg seen-db export
	vg_clean "$status"
	[[ "$output" == *example.com* ]]
	run --separate-stderr vg seen-db stats
	vg_clean "$status"
	[ "$status" -eq 0 ]
}

@test "dns-scan | dns-grade | stats-report over loopback Knot DNS run clean under valgrind" {
	command -v knotd >/dev/null || skip "needs knot"
	printf '%s\n' full.test spf.test caa.test test www.full.test nxdomain.test '{"x":1}' \
		'bad..name' >names
	run --separate-stderr vg dns-scan -r "$DNS_NET.1:$DNS_PORT" --ns-port "$DNS_PORT" --ns-allow 127.0.0.0/8 \
		--timeout 2 --retries 0 <names
	vg_clean "$status"
	[ "$status" -le 1 ]
	printf '%s\n' "$output" >scans.ndjson
	[ "$(count_lines scans.ndjson)" -eq 8 ]
	run --separate-stderr vg dns-grade <scans.ndjson
	vg_clean "$status"
	[ "$status" -le 1 ]
	printf '%s\n' "$output" >graded.ndjson
	run --separate-stderr vg dns-grade --scale dnstats <"$FIXTURES/dns-grade/hostile.ndjson"
	vg_clean "$status"
	for f in json html; do
		run --separate-stderr vg stats-report -F "$f" --date 2026-11-23 <graded.ndjson
		vg_clean "$status"
		[ "$status" -le 1 ] # 1: the two records without grades are skipped
	done
}

@test "domain-born over a loopback RDAP server runs clean under valgrind" {
	local d="$BATS_TEST_TMPDIR"
	python3 "$TOP/tests/rdap-server.py" --port-file "$d/rdap.port" --log "$d/rdap.log" \
		--fixtures "$FIXTURES/rdap" >"$d/rdap.err" 2>&1 3>&- &
	echo $! >"$d/rdap.pid"
	for _ in $(seq 600); do [ -s "$d/rdap.port" ] && break; sleep 0.05; done
	local p
	p=$(head -1 "$d/rdap.port")
	printf '{"services":[[["com"],["http://127.0.0.1:%s/rdap/"]]]}\n' "$p" >bs.json
	printf '%s\n' dup.com boundary.com baddate.com other.com nosuch.com example.org '{"x":1}' >in
	run --separate-stderr vg domain-born --bootstrap bs.json --allow-http --no-progress --timeout 5 <in
	vg_clean "$status"
	[ "$status" -le 1 ]
	[ "${#lines[@]}" -eq 7 ]
}
