#!/bin/sh
# SPDX-License-Identifier: ISC
# Do dns-grade and stats-report give the same stdout, stderr and exit status as a reference
# build? For changes meant to keep output byte-identical (a rewrite, a removal).
# Inputs: every dns-grade fixture, the bench's replicated and distinct-clock sets (each signed
# zone verified again), the dns_member fuzz corpus as records, and stats-report's fixtures, its
# generated records and the reference dns-grade's output of all of the above, under every
# --format and with --lists.
# usage: tests/same-output.sh REF_BIN [BIN]   (BIN defaults to build/bin)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
ref=${1:?usage: tests/same-output.sh REF_BIN [BIN]}
new=${2:-$top/build/bin}
fix=$top/tests/bats/fixtures
DOMSTAT_SHARE=$top/share  # the reference build may live away from the tree
export DOMSTAT_SHARE
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0 runs=0

# same LABEL INPUT COMMAND ARGS...: run both builds, compare what they wrote and returned
same() {
	label=$1 in=$2 cmd=$3
	shift 3
	rc_r=0 rc_n=0
	"$ref/$cmd" "$@" <"$in" >"$tmp/r.out" 2>"$tmp/r.err" || rc_r=$?
	"$new/$cmd" "$@" <"$in" >"$tmp/n.out" 2>"$tmp/n.err" || rc_n=$?
	runs=$((runs + 1))
	if [ "$rc_r" != "$rc_n" ] || ! cmp -s "$tmp/r.out" "$tmp/n.out" ||
		! cmp -s "$tmp/r.err" "$tmp/n.err"; then
		echo "DIFFERS: $label: $cmd $* (status $rc_r vs $rc_n)"
		cmp "$tmp/r.out" "$tmp/n.out" || true
		cmp "$tmp/r.err" "$tmp/n.err" || true
		fail=1
	fi
}

# the bench's sets: the fixtures replicated, and each record with its own scan clock
awk -v n=2000 'BEGIN { while ((getline l < ARGV[1]) > 0) r[c++] = l; for (i = 0; i < n; i++) print r[i % c] }' \
	"$fix/dns-grade/scans.ndjson" >"$tmp/big.ndjson"
awk '{ t = sprintf("\"started\":\"2026-11-23T12:%02d:%02dZ\"", int(NR / 60) % 60, NR % 60)
	sub(/"started":"2026-11-23T12:00:00Z"/, t); print }' "$tmp/big.ndjson" >"$tmp/distinct.ndjson"
# the fuzz corpus of the dns member, one record each (on one line)
for f in "$top"/fuzz/corpus/dns_member/*; do
	printf '{"domain":"x.example","dns":%s}\n' "$(tr '\n\r' '  ' <"$f")"
done >"$tmp/corpus.ndjson"

inputs="$fix/dns-grade/scans.ndjson $fix/dns-grade/jsonedge.ndjson $fix/dns-grade/hostile.ndjson
	$tmp/big.ndjson $tmp/distinct.ndjson $tmp/corpus.ndjson"
i=0
for in in $inputs; do
	same "$in" "$in" dns-grade
	same "$in" "$in" dns-grade --scale dnstats
	# and what stats-report makes of the graded records
	for scale in domstat dnstats; do
		i=$((i + 1))
		"$ref/dns-grade" --scale $scale <"$in" >"$tmp/graded$i.ndjson" 2>/dev/null || true
	done
done
# stats-report's generated records (varied facts, ranks)
awk -v n=3000 -v seed=3 -f "$fix/stats-report/gen.awk" >"$tmp/graded-gen.ndjson"
for in in "$fix"/stats-report/*.ndjson "$tmp"/graded*.ndjson; do
	for fmt in text json markdown html; do
		same "$in" "$in" stats-report --format $fmt --date 2026-01-01
	done
done
# DNStats' lists, written from the facts
for in in "$fix"/stats-report/*.ndjson "$tmp"/graded*.ndjson; do
	rm -rf "$tmp/lr" "$tmp/ln"
	mkdir "$tmp/lr" "$tmp/ln"
	"$ref/stats-report" --date 2026-01-01 --lists "$tmp/lr" <"$in" >/dev/null 2>&1 || true
	"$new/stats-report" --date 2026-01-01 --lists "$tmp/ln" <"$in" >/dev/null 2>&1 || true
	runs=$((runs + 1))
	if ! diff -r "$tmp/lr" "$tmp/ln" >/dev/null; then
		echo "DIFFERS: $in: stats-report --lists"
		fail=1
	fi
done
echo "$runs runs, $(if [ $fail = 0 ]; then echo all the same; else echo some differ; fi)"
exit $fail
