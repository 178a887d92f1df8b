#!/bin/sh
# SPDX-License-Identifier: ISC
# stats-report throughput and memory (a measurement, not a test).
# Generates N graded records in dns-grade's output shape (default 1,000,000; the generator is
# tests/bats/fixtures/stats-report/gen.awk), reports on them 3 times in JSON on one core and
# prints the best time, records/s and peak RSS; then peak RSS at N/10 to show memory stays
# flat, and the time with --lists (the 24 list files written while streaming).
# usage: bench/stats-report.sh [N]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${DOMSTAT_BIN:-$top/build/bin}
n=${1:-1000000}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
gen=$top/tests/bats/fixtures/stats-report/gen.awk

awk -v n="$n" -v seed=1 -f "$gen" >"$tmp/graded.ndjson"
head -n $((n / 10)) "$tmp/graded.ndjson" >"$tmp/small.ndjson"
echo "input: $n graded records, $(($(wc -c <"$tmp/graded.ndjson") / 1048576)) MiB"

# one core: taskset when it is there
pin=""
command -v taskset >/dev/null && pin="taskset -c 0"

# run FILE [options]: prints "wall_seconds cpu_seconds peak_rss_kib"
run() {
	f=$1; shift
	/usr/bin/time -f '%e %U %S %M' -o "$tmp/time" $pin "$bin/stats-report" -F json --date 2026-11-01 "$@" "$f" >"$tmp/out.json"
	read -r wall user sys rss <"$tmp/time"
	echo "$wall $(echo "$user + $sys" | bc) $rss"
}

best=""
for i in 1 2 3; do
	set -- $(run "$tmp/graded.ndjson")
	if [ -z "$best" ] || [ "$(echo "$1 < $best" | bc)" = 1 ]; then best=$1; cpu=$2; rss=$3; fi
done
rate=$(echo "$n / $best" | bc)
echo "stats-report: $n records in ${best}s wall, ${cpu}s CPU ($rate records/s), peak RSS ${rss} KiB"
echo "  (load average while measuring: $(cut -d' ' -f1-3 /proc/loadavg))"
set -- $(run "$tmp/small.ndjson")
echo "stats-report: $((n / 10)) records in ${1}s wall, ${2}s CPU, peak RSS ${3} KiB (memory stays flat)"
set -- $(run "$tmp/graded.ndjson" --lists "$tmp/lists")
echo "stats-report --lists: $n records in ${1}s wall, ${2}s CPU, peak RSS ${3} KiB, lists $(du -sk "$tmp/lists" | cut -f1) KiB"
