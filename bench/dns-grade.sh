#!/bin/sh
# SPDX-License-Identifier: ISC
# dns-grade throughput and memory (a measurement, not a test).
#
# First, and what counts: distinct records. bench/lab/dns-lab.sh builds a loopback lab of N
# zones (default 5,000; each domain different, its own tokens, serials and addresses, mail and
# DNS providers, SPF includes and redirects, DMARC, CAA, null MX, lame servers, about 8 %
# DNSSEC-signed, each signed zone with its own keys, a few broken on purpose), serves it with
# Knot DNS on loopback, scans it once with dns-scan and keeps the scan in the bench folder
# (BENCH_DIR, default build/bench); later runs reuse it. dns-grade grades that set pinned to one
# core, RUNS times (default 7) per scale, each run a fresh process over the whole set, so no
# verdict is ever seen twice in a process: every signed zone is verified as in a real scan.
# It prints records per CPU-second (all runs' records over all runs' CPU time, and the best
# run's) and per wall second, and the peak RSS, for the domstat scale and --scale dnstats. The
# floor is 20,000 records per CPU-second on the domstat scale, best run (the others measure the
# neighbours as well on a busy machine): below it the script ends with status 1.
#
# Then the repeated-record figures (comparable with earlier commits): the stored scan fixtures
# (tests/bats/fixtures/dns-grade/scans.ndjson: 86 hand-made records of about 10 KB, a sixth of
# them signed) replicated to R records (default 50,000) and to R/10; these repeat 14 signed
# zones, so a build that caches DNSSEC verdicts looks faster here than it is on a real scan.
#
# --profile dnstats|minimal first cuts every record down to what dns-scan's profile of that name
# asks (with jq): dnstats keeps the apex MX, TXT, CAA, DS, DNSKEY, NS and SOA, _dmarc, BIMI,
# _msdcs and the name servers' addresses and direct answers; minimal keeps the apex SOA, NS, MX
# and TXT and _dmarc.
#
# usage: bench/dns-grade.sh [--profile full|dnstats|minimal] [N [R]]
#
# Then, when valgrind is there (IR=0 skips it), the instructions a distinct record costs, which
# do not move with the machine's load.
#
# DNS_GRADE: the binary measured (default $DOMSTAT_BIN/dns-grade, DOMSTAT_BIN defaulting to
# build/bin); DNS_SCAN: the dns-scan that scans the lab (default $DOMSTAT_BIN/dns-scan).
# DISTINCT=FILE: grade that scan instead of the lab's (e.g. /work/ref/distinct.ndjson).
# DOMSTAT_SHARE defaults to the tree's share/ (the provider tables), so a binary outside the
# tree reads the same tables. The lab needs python3, knotd, kdig, ldns-keygen, ldns-signzone;
# nothing leaves 127.0.0.0/8 and the lab's server is stopped on exit.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${DOMSTAT_BIN:-$top/build/bin}
grade=${DNS_GRADE:-$bin/dns-grade}
export DOMSTAT_SHARE="${DOMSTAT_SHARE:-$top/share}"
usage="usage: bench/dns-grade.sh [--profile full|dnstats|minimal] [N [R]]"
profile=full
if [ "${1:-}" = --profile ]; then
	profile=${2:?$usage}
	shift 2
fi
n=${1:-5000}
r=${2:-50000}
runs=${RUNS:-7}
floor=20000
for v in "$n" "$r" "$runs"; do
	case $v in '' | *[!0-9]* | 0) echo "$usage" >&2; exit 2 ;; esac
done
[ -x "$grade" ] || { echo "bench/dns-grade.sh: no dns-grade at '$grade' (DNS_GRADE)" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || { echo "bench/dns-grade.sh: needs /usr/bin/time" >&2; exit 2; }
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
cut_profile() { # cut_profile IN OUT: IN as dns-scan's profile would have asked it
	if [ "$profile" = full ]; then
		ln -s "$1" "$2"
		return
	fi
	command -v jq >/dev/null || { echo "bench/dns-grade.sh: --profile needs jq" >&2; exit 2; }
	jq -c --arg p "$profile" --argjson whys "$whys" --argjson types "$types" '
		.dns |= (if type == "object" and (.queries | type) == "array" then
			.profile = $p | .queries |= map(select(
				(.why as $w | $whys | index($w)) and
				(.why != "apex" or (.type as $t | $types | index($t)))))
		else . end)' "$1" >"$2"
}

# run RECORDS FILE ARGS...: one pinned run; appends "records user sys wall rss" to $tmp/sum
run() {
	recs=$1 file=$2
	shift 2
	st=0
	# shellcheck disable=SC2086 # $pin is empty or "taskset -c 0"
	/usr/bin/time -f "%e %U %S %M" -o "$tmp/time" $pin "$grade" "$@" <"$file" >"$tmp/out" 2>"$tmp/err" || st=$?
	if [ "$st" -gt 1 ]; then
		echo "bench/dns-grade.sh: $grade $* ended with status $st:" >&2
		head -5 "$tmp/err" >&2
		exit 1
	fi
	read -r secs user sys rss <"$tmp/time"
	echo "$recs $user $sys $secs $rss" >>"$tmp/sum"
}
# report LABEL: the runs in $tmp/sum, together, and the best run's rate (the least disturbed by
# other work on a shared machine, where CPU time too grows with contention); that rate goes to
# $tmp/rate
report() {
	awk -v l="$1" '{ n += $1; c = $2 + $3; if (c <= 0) c = 0.01; cpu += c; wall += $4
		if ($5 > rss) rss = $5; if ($1 / c > best) best = $1 / c; k++ }
	END { if (wall <= 0) wall = 0.01
		printf "  %-34s %6d records: %6.2f s CPU, %6.2f s wall, %6.0f graded/s (CPU), %6.0f/s (wall), peak RSS %d KB",
			l, n, cpu, wall, n / cpu, n / wall, rss
		if (k > 1) printf "; best run %.0f/s (CPU)", best
		printf "\n"
		printf "%d\n", best > "/dev/stderr" }' "$tmp/sum" 2>"$tmp/rate"
	rm -f "$tmp/sum"
}

# --- distinct records: a scan of the loopback lab ----------------------------------------------
if [ -n "${DISTINCT:-}" ]; then
	set_=$DISTINCT
	[ -s "$set_" ] || { echo "bench/dns-grade.sh: no records in '$set_'" >&2; exit 2; }
	n=$(wc -l <"$set_")
else
	set_=$(DNS_SCAN="${DNS_SCAN:-$bin/dns-scan}" sh "$top/bench/lab/dns-lab.sh" "$n")
fi
cut_profile "$set_" "$tmp/distinct.ndjson"
bytes=$(wc -c <"$tmp/distinct.ndjson")
# each record's own name (its first "domain" member; the dns member repeats it)
dup=$(awk 'match($0, /"domain":"[^"]*"/) { print substr($0, RSTART, RLENGTH) }' "$tmp/distinct.ndjson" |
	sort | uniq -d | wc -l)
echo "dns-grade ($profile profile) on $grade, load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null) on $(nproc 2>/dev/null) CPUs"
echo "distinct records: a loopback lab scan, $n domains ($dup names twice), $((bytes / n)) bytes each on average ($((bytes / 1048576)) MiB), $runs runs a scale, one core"
rate=0
for scale in domstat dnstats; do
	i=0
	while [ "$i" -lt "$runs" ]; do
		run "$n" "$tmp/distinct.ndjson" --scale "$scale"
		i=$((i + 1))
	done
	[ "$scale" = domstat ] && {
		# a signature is checked wherever the zone has both DS and DNSKEY: secure, bogus, or
		# an island (keys match an unsigned parent's DS: the lab's TLDs are not signed)
		secure=$(grep -c '"dnssec":{"status":"secure"' "$tmp/out" || true)
		island=$(grep -c '"code":"DNSSEC_ISLAND"' "$tmp/out" || true)
		signed=$(grep -c '"dnssec":{"status":"\(secure\|bogus\)"' "$tmp/out" || true)
		signed=$((signed + island))
	}
	report "distinct, $scale scale"
	[ "$scale" = domstat ] && rate=$(cat "$tmp/rate")
done
echo "  (signed zones verified in every run: $signed, of which secure $secure, islands $island; floor $floor graded/s (CPU), domstat scale)"

# Instructions a record, counted by cachegrind over the first 1,000 distinct records less those
# of an empty input (start-up): exact and the same however busy the machine is, so two builds
# compare within a percent where CPU time on a shared machine wanders by twenty.
ir() { # ir FILE ARGS...: instructions of one run
	f=$1
	shift
	valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null "$grade" "$@" \
		<"$f" 2>&1 >/dev/null | sed -n 's/.*I *refs: *//p' | tr -d ,
}
if [ "${IR:-1}" != 0 ] && command -v valgrind >/dev/null; then
	k=$((n < 1000 ? n : 1000))
	head -n "$k" "$tmp/distinct.ndjson" >"$tmp/ir.ndjson"
	line="instructions a record (cachegrind, first $k distinct records):"
	for scale in domstat dnstats; do
		i0=$(ir /dev/null --scale "$scale")
		i1=$(ir "$tmp/ir.ndjson" --scale "$scale")
		line="$line $scale $(( (i1 - i0) / k )),"
	done
	echo "  $line start-up $i0"
fi

# --- repeated records: the fixtures, replicated ------------------------------------------------
fix=$top/tests/bats/fixtures/dns-grade/scans.ndjson
cut_profile "$fix" "$tmp/fix.ndjson"
awk -v n="$r" 'BEGIN { while ((getline l < ARGV[1]) > 0) s[c++] = l; for (i = 0; i < n; i++) print s[i % c] }' "$tmp/fix.ndjson" >"$tmp/big.ndjson"
head -n $((r / 10)) "$tmp/big.ndjson" >"$tmp/small.ndjson"
bytes=$(wc -c <"$tmp/big.ndjson")
echo "repeated records: 86 fixtures replicated, $((bytes / r)) bytes each on average"
run "$r" "$tmp/big.ndjson"; report "repeated, domstat scale"
run "$((r / 10))" "$tmp/small.ndjson"; report "repeated, domstat scale, R/10"
run "$((r / 10))" "$tmp/small.ndjson" --scale dnstats; report "repeated, dnstats scale, R/10"

if [ "$profile" = full ] && [ "$rate" -lt "$floor" ]; then
	echo "bench/dns-grade.sh: $rate distinct records per CPU-second is under the floor of $floor" >&2
	exit 1
fi
