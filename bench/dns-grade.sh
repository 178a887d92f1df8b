#!/bin/sh
# dns-grade throughput and memory (a measurement, not a test).
# Replicates the stored scan fixtures (tests/bats/fixtures/dns-grade/scans.ndjson: 80-odd
# hand-made dns-scan records of about 10 KB, a sixth of them DNSSEC-signed) to N records
# (default 200,000), grades them pinned to one core and prints graded domains per second
# (by CPU time and by wall time) and the peak RSS; then the same at N/10 to show memory stays
# flat, and the DNStats scale at N/10.
# --profile dnstats|minimal first cuts each fixture down to what dns-scan's profile of that
# name asks (with jq): dnstats keeps the apex MX, TXT, CAA, DS, DNSKEY, NS and SOA, _dmarc,
# BIMI, _msdcs and the name servers' addresses and direct answers (about 8.8 KB a record);
# minimal keeps the apex SOA, NS, MX and TXT and _dmarc (about 2.4 KB).
# The replicated set repeats 14 signed zones, so their DNSSEC verdicts come from dns-grade's
# cache after the first time (real scans rarely repeat a zone); the "distinct clocks" run gives
# each record of the N/10 set its own scan time (a second apart, within the hour the fixtures
# were scanned in, so no signature changes its verdict), which the cache keys on: every signed
# zone is verified again, as in a real scan of distinct domains (a sixth of the records are
# signed here, more than the 5 to 10 % of a real top list). The fixtures have two name
# servers with four addresses; a zone on a large DNS provider has 4 to 12 name-server addresses,
# each asked SOA and NS directly (about 450 bytes a query here), so its full-profile record is
# larger (about 17 KB for four servers with an IPv4 and an IPv6 address each, by the fixtures'
# sizes per query): compare bytes per CPU-second as well as records.
# usage: bench/dns-grade.sh [--profile full|dnstats|minimal] [N]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${DOMSTAT_BIN:-$top/build/bin}
profile=full
if [ "${1:-}" = --profile ]; then
	profile=${2:?usage: bench/dns-grade.sh [--profile full|dnstats|minimal] [N]}
	shift 2
fi
n=${1:-200000}
fix=$top/tests/bats/fixtures/dns-grade/scans.ndjson
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pin=""
command -v taskset >/dev/null && pin="taskset -c 0"

case $profile in
full) ;;
dnstats)
	whys='["apex","dmarc","bimi","msdcs","ad-probe","ns-addr","ns-direct"]'
	types='["MX","TXT","CAA","DS","DNSKEY","NS","SOA"]' ;;
minimal)
	whys='["apex","dmarc"]'
	types='["SOA","NS","MX","TXT"]' ;;
*) echo "bench/dns-grade.sh: unknown profile '$profile'" >&2; exit 2 ;;
esac
if [ "$profile" != full ]; then
	command -v jq >/dev/null || { echo "bench/dns-grade.sh: --profile needs jq" >&2; exit 2; }
	jq -c --arg p "$profile" --argjson whys "$whys" --argjson types "$types" '
		.dns |= (if type == "object" and (.queries | type) == "array" then
			.profile = $p | .queries |= map(select(
				(.why as $w | $whys | index($w)) and
				(.why != "apex" or (.type as $t | $types | index($t)))))
		else . end)' "$fix" >"$tmp/fix.ndjson"
	fix=$tmp/fix.ndjson
fi

awk -v n="$n" 'BEGIN { while ((getline l < ARGV[1]) > 0) r[c++] = l; for (i = 0; i < n; i++) print r[i % c] }' "$fix" >"$tmp/big.ndjson"
head -n $((n / 10)) "$tmp/big.ndjson" >"$tmp/small.ndjson"
awk '{ t = sprintf("\"started\":\"2026-11-23T12:%02d:%02dZ\"", int(NR / 60) % 60, NR % 60)
	sub(/"started":"2026-11-23T12:00:00Z"/, t); print }' "$tmp/small.ndjson" >"$tmp/distinct.ndjson"
bytes=$(wc -c <"$tmp/big.ndjson")
echo "dns-grade ($profile profile): $n records, $((bytes / n)) bytes each on average ($((bytes / 1048576)) MiB)"

run() { # run LABEL RECORDS FILE ARGS...
	label=$1 recs=$2 file=$3
	shift 3
	/usr/bin/time -f "%e %U %S %M" -o "$tmp/time" $pin "$bin/dns-grade" "$@" <"$file" >/dev/null 2>&1 || true
	read -r secs user sys rss <"$tmp/time"
	awk -v l="$label" -v n="$recs" -v s="$secs" -v u="$user" -v y="$sys" -v r="$rss" 'BEGIN {
		cpu = u + y; if (cpu <= 0) cpu = 0.01; if (s <= 0) s = 0.01
		printf "  %-38s %8d records: %6.2f s CPU, %6.2f s wall, %7.0f graded/s (CPU), %7.0f/s (wall), peak RSS %d KB\n",
			l, n, cpu, s, n / cpu, n / s, r }'
}
run "domstat scale" "$n" "$tmp/big.ndjson"
run "domstat scale, N/10" "$((n / 10))" "$tmp/small.ndjson"
run "domstat scale, distinct clocks, N/10" "$((n / 10))" "$tmp/distinct.ndjson"
run "dnstats scale, N/10" "$((n / 10))" "$tmp/small.ndjson" --scale dnstats
