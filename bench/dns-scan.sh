#!/bin/sh
# SPDX-License-Identifier: ISC
# Benchmark dns-scan against Knot DNS on loopback: N synthetic zones (default 100000) with a
# mix of MX, SPF (with an include), DMARC (some with external reports), CAA, www and AAAA;
# dns-scan scans them all (full profile), then dnsperf replays the exact same questions
# against the same server to measure the server's ceiling.
#
#   sh bench/dns-scan.sh [N] [CONCURRENCY]
#
# Needs knotd (knot), kdig (knot-dnsutils), dnsperf, /usr/bin/time. Nothing leaves
# 127.0.0.0/8. With two cores or more, the server is pinned to CPU 0 and the client to CPU 1.
#
# CONCURRENCY (dns-scan -c, dnsperf -q) defaults to 200: Knot's one UDP socket keeps the
# kernel's default receive buffer (net.core.rmem_default, 208 KiB here), which holds about 200
# queued queries; at 300 or more in flight it drops some (`ss -uamn` shows them as d<N>), and
# every dropped question costs dns-scan its first retry wait (0.7 s of the 5 s --timeout), while
# the ordered window fills and the scan stalls. dnsperf loses the same queries but does not
# wait for them, so a higher value flatters only the ceiling. Each run prints the server's drops.
set -eu
N=${1:-100000}
C=${2:-200}
BIN=${DOMSTAT_BIN:-$(cd "$(dirname "$0")/.." && pwd)/build/bin}
for t in knotd kdig dnsperf /usr/bin/time; do
	command -v "$t" >/dev/null || { echo "bench: needs $t" >&2; exit 2; }
done
W=$(mktemp -d "${TMPDIR:-/tmp}/dns-scan-bench.XXXXXX")
ADDR="127.$(( $$ % 200 + 20 )).$(( $$ % 250 + 1 )).1"
PORT=$(( $$ % 20000 + 30000 ))
PID=
cleanup() {
	[ -n "$PID" ] && kill "$PID" 2>/dev/null
	[ -n "${KEEP:-}" ] || rm -rf "$W"
}
trap cleanup EXIT INT TERM
pin_server= pin_client=
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
	pin_server="taskset -c 0" pin_client="taskset -c 1"
fi

echo "== generating $N zones in $W"
mkdir -p "$W/zones" "$W/db"
awk -v n="$N" -v addr="$ADDR" -v dir="$W/zones" -v conf="$W/zones.conf" 'BEGIN {
	srand(1)
	for (i = 1; i <= n; i++) {
		d = "d" i ".bench"
		f = dir "/" d ".zone"
		print "  - domain: " d "." > conf
		print "$ORIGIN " d ".\n$TTL 300" > f
		print "@ SOA ns1." d ". hostmaster." d ". " i " 7200 3600 1209600 300" > f
		print "@ NS ns1." d ".\nns1 A " addr > f
		print "@ A 192.0.2." (i % 250 + 1) > f
		if (i % 2) printf "@ AAAA 2001:db8::%x\n", i % 65535 > f
		if (i % 2) print "www CNAME @"  > f; else print "www A 192.0.2." (i % 250 + 1) > f
		if (i % 10 < 7) print "@ MX 10 mx\nmx A 192.0.2.25" > f
		if (i % 10 < 6) print "@ TXT \"v=spf1 mx include:_spf.bench -all\"" > f
		if (i % 10 < 3) print "_dmarc TXT \"v=DMARC1; p=none; rua=mailto:d@" d "\"" > f
		else if (i % 10 == 3) print "_dmarc TXT \"v=DMARC1; p=reject; rua=mailto:d@reports.bench\"" > f
		if (i % 5 == 0) print "@ CAA 0 issue \"letsencrypt.org\"" > f
		close(f)
		print d > "/dev/stderr"
	}
}' 2>"$W/names.txt"
cat >"$W/zones/bench.zone" <<EOF
\$ORIGIN bench.
\$TTL 300
@ SOA ns1.bench. hostmaster.bench. 1 7200 3600 1209600 300
@ NS ns1.bench.
ns1 A $ADDR
_spf TXT "v=spf1 ip4:192.0.2.0/24 -all"
reports A 192.0.2.26
*._report._dmarc.reports TXT "v=DMARC1"
EOF
cat >"$W/knot.conf" <<EOF
server:
    rundir: "$W"
    listen: $ADDR@$PORT
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
database:
    storage: "$W/db"
log:
  - target: "$W/knot.log"
    any: error
template:
  - id: default
    storage: "$W/zones"
    file: "%s.zone"
    zonefile-sync: -1
    journal-content: none
    zonefile-load: whole
zone:
  - domain: bench.
EOF
cat "$W/zones.conf" >>"$W/knot.conf"

echo "== starting knotd on $ADDR@$PORT"
t0=$(date +%s)
$pin_server knotd -c "$W/knot.conf" >"$W/knotd.out" 2>&1 &
PID=$!
# wait until the last zone answers (zones load in the background)
while ! kdig +retry=0 +timeout=1 -p "$PORT" "@$ADDR" SOA "d$N.bench." 2>/dev/null | grep -q 'status: NOERROR'; do
	kill -0 "$PID" 2>/dev/null || { cat "$W/knotd.out" >&2; exit 1; }
	sleep 1
done
echo "   loaded in $(( $(date +%s) - t0 )) s"
if grep -q 'error' "$W/knot.log"; then
	echo "bench: knotd could not load every zone:" >&2
	grep 'error' "$W/knot.log" | head -5 >&2
	exit 1
fi

drops() { # datagrams the server's socket dropped so far (its receive buffer was full); ss is
	# in iproute2, 0 without it
	d=$(ss -uamn "sport = :$PORT" 2>/dev/null | sed -n 's/.*,d\([0-9]*\)).*/\1/p' | head -1)
	echo "${d:-0}"
}

scan() { # scan PROFILE: one dns-scan run over every name
	echo "== dns-scan: $N domains, profile $1, -c $C"
	d0=$(drops)
	# exit status 1 (some domains without any answer) is a result here, not a failure
	/usr/bin/time -v -o "$W/time-$1.txt" $pin_client "$BIN/dns-scan" -c "$C" \
		-r "$ADDR:$PORT" --ns-port "$PORT" --ns-allow 127.0.0.0/8 --timeout 5 --stats \
		--profile "$1" <"$W/names.txt" >"$W/out-$1.ndjson" 2>"$W/stats-$1.txt" || true
	grep -v 'line [0-9]*:' "$W/stats-$1.txt"
	echo "   output lines: $(wc -l <"$W/out-$1.ndjson"), domains without any answer:" \
		"$(grep -c 'line [0-9]*:' "$W/stats-$1.txt" || true)," \
		"peak RSS: $(awk -F': ' '/Maximum resident/ {print $2}' "$W/time-$1.txt") KiB," \
		"server drops: $(( $(drops) - d0 ))"
}
scan dnstats
scan full

# The same questions for dnsperf (recursion-desired and direct ones all went to this server).
jq -r '.dns.queries[] | select(.error == null) | "\(.q) \(.type)"' "$W/out-full.ndjson" >"$W/queries.txt"
echo "== dnsperf: the same $(wc -l <"$W/queries.txt") questions, once"
d0=$(drops)
$pin_client dnsperf -s "$ADDR" -p "$PORT" -d "$W/queries.txt" -n 1 -c 1 -q "$C" -t 5 \
	>"$W/dnsperf.txt" 2>&1 || true
grep -E 'Queries (sent|completed|lost)|Queries per second|Run time' "$W/dnsperf.txt"
echo "  server drops: $(( $(drops) - d0 ))"

scan_qps=$(sed -n 's/.*queries sent (\([0-9]*\)\/s).*/\1/p' "$W/stats-full.txt")
perf_qps=$(sed -n 's/.*Queries per second: *\([0-9.]*\).*/\1/p' "$W/dnsperf.txt")
echo "== dns-scan (full profile) reached $scan_qps queries/s, dnsperf $perf_qps queries/s:" \
	"$(awk -v a="$scan_qps" -v b="$perf_qps" 'BEGIN { if (b > 0) printf "%.0f %%", 100 * a / b; else print "n/a" }')"
