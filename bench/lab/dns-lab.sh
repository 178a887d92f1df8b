#!/bin/sh
# SPDX-License-Identifier: ISC
# A distinct, real-shaped dns-scan set for dns-grade's bench: builds a loopback lab of N zones
# (bench/lab/dns-lab.py: provider mixes, SPF includes and redirects, DMARC with reports, CAA,
# null MX, lame name servers, about 8 % DNSSEC-signed zones each with its own keys), serves it
# with Knot DNS on a random 127.a.b.1-100 and a high port, scans every domain with dns-scan
# (full profile, as a real scan), writes the lab's addresses as public ones (port 53: see
# dns-lab.py public; no signature the graders check covers them) and keeps the NDJSON in the
# bench folder, so later runs reuse it. Signatures are checked at the scan's own time, so the
# kept set grades the same later. The first build of 5,000 zones takes two to four minutes
# (mostly making RSA keys), the scan about fifteen seconds.
# Prints the path of that file on standard output, progress on standard error.
#
#   sh bench/lab/dns-lab.sh [N]          (default 5000 domains)
#
# BENCH_DIR: the bench folder (default build/bench); DNS_SCAN: the dns-scan to scan with
# (default $DOMSTAT_BIN/dns-scan). LAB_REBUILD=1 builds and scans again. KEEP=1 keeps the lab.
# Needs python3, knotd and kdig (knot, knot-dnsutils), ldns-keygen and ldns-signzone
# (ldnsutils). Nothing leaves 127.0.0.0/8: the scan's resolver is the lab's server and direct
# queries are allowed to 127.0.0.0/8 only.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
n=${1:-5000}
case $n in '' | *[!0-9]*) echo "bench/lab/dns-lab.sh: N must be a number, not '$n'" >&2; exit 2 ;; esac
dir=${BENCH_DIR:-$top/build/bench}
scan=${DNS_SCAN:-${DOMSTAT_BIN:-$top/build/bin}/dns-scan}
# the generator's content is part of the name: a changed lab is scanned again
ver=$(cksum <"$top/bench/lab/dns-lab.py" | cut -d' ' -f1)
out=$dir/dns-lab-$n-$ver.ndjson
if [ -s "$out" ] && [ -z "${LAB_REBUILD:-}" ]; then
	echo "$out"
	exit 0
fi
for t in python3 knotd kdig ldns-keygen ldns-signzone "$scan"; do
	command -v "$t" >/dev/null || { echo "bench/lab/dns-lab.sh: needs $t" >&2; exit 2; }
done
mkdir -p "$dir"
w=$(mktemp -d "$dir/lab.XXXXXX")
pid=
cleanup() {
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	[ -n "${KEEP:-}" ] || rm -rf "$w"
}
trap cleanup EXIT
trap 'exit 2' INT TERM HUP

net="127.$(awk 'BEGIN { srand(); printf "%d.%d", 20 + int(rand() * 200), 1 + int(rand() * 250) }')"
port=$(awk 'BEGIN { srand(); print 20000 + int(rand() * 30000) }')
echo "dns-lab: building $n zones in $w (server $net.1-100 port $port)" >&2
python3 "$top/bench/lab/dns-lab.py" "$w" "$n" "$net"

{
	printf 'server:\n    rundir: "%s"\n    listen: [' "$w"
	sep=
	for i in $(seq 1 100); do printf '%s%s@%s' "$sep" "$net.$i" "$port"; sep=", "; done
	printf ']\n    udp-workers: 1\n    tcp-workers: 1\n    background-workers: 1\n'
	printf 'database:\n    storage: "%s/db"\n' "$w"
	printf 'log:\n  - target: "%s/knot.log"\n    any: error\n' "$w"
	printf 'template:\n  - id: default\n    storage: "%s/zones"\n    file: "%%s.zone"\n' "$w"
	printf '    zonefile-sync: -1\n    journal-content: none\n    zonefile-load: whole\n'
	printf 'zone:\n'
	cat "$w/zones.conf"
} >"$w/knot.conf"
knotd -c "$w/knot.conf" >"$w/knotd.out" 2>&1 &
pid=$!
last=$(tail -n 1 "$w/names.txt")
i=0
until kdig +retry=0 +timeout=1 -p "$port" "@$net.1" SOA "$last." 2>/dev/null | grep -q 'status: NOERROR'; do
	kill -0 "$pid" 2>/dev/null || { cat "$w/knotd.out" "$w/knot.log" >&2; exit 1; }
	i=$((i + 1))
	[ "$i" -lt 600 ] || { echo "bench/lab/dns-lab.sh: knotd did not load the lab" >&2; exit 1; }
	sleep 0.2
done
if grep -q error "$w/knot.log" 2>/dev/null; then
	echo "bench/lab/dns-lab.sh: knotd could not load every zone:" >&2
	grep error "$w/knot.log" | head -5 >&2
	exit 1
fi

echo "dns-lab: scanning with $scan" >&2
# -c 150: Knot's one UDP socket drops queries beyond about 200 in flight (see dns-scan.sh);
# exit status 1 (some domains got no answer at all) is part of a real scan
st=0
"$scan" -c 150 -r "$net.1:$port" --ns-port "$port" --ns-allow 127.0.0.0/8 --timeout 5 --stats \
	<"$w/names.txt" >"$w/scan.ndjson" 2>"$w/scan.err" || st=$?
[ "$st" -le 1 ] || { cat "$w/scan.err" >&2; exit 1; }
grep -v 'line [0-9]*:' "$w/scan.err" >&2 || true
[ "$(wc -l <"$w/scan.ndjson")" -eq "$n" ] || { echo "bench/lab/dns-lab.sh: short scan" >&2; exit 1; }
# the addresses as a scan of the internet shows them (public, port 53): see dns-lab.py public
python3 "$top/bench/lab/dns-lab.py" public "$net" "$port" <"$w/scan.ndjson" >"$out.tmp"
mv "$out.tmp" "$out"
echo "$out"
