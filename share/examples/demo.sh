#!/bin/sh
# SPDX-License-Identifier: ISC
# The whole toolchain on bundled samples (`make demo`, or run it from an installed
# share/domstat/examples/): scan and grade a short list of well-known domains, enrich a sample
# of Suricata DNS log lines, then print the text reports. The steps that need the internet
# (DNS from dns-scan, RDAP from domain-born) are tried with short timeouts; when they cannot
# reach the network the demo says which, and still does the offline steps (frequency scores,
# the seen-db store, the report of what it has).
#
# Environment: DOMSTAT_DEMO_DIR work folder (default ./domstat-demo; its store makes a second
# run raise no first contacts); DOMSTAT_DEMO_DOMAINS and DOMSTAT_DEMO_LOG your own list and
# log instead of the samples; DOMSTAT_DEMO_RESOLVER ADDR[:PORT] for dns-scan (default
# /etc/resolv.conf) and DOMSTAT_DEMO_SCAN_FLAGS more dns-scan options;
# DOMSTAT_DEMO_BOOTSTRAP_URL for domain-born (default IANA's); DOMSTAT_DEMO_TIMEOUT seconds a
# network step waits for one answer (default 3).
set -u

here=$(cd "$(dirname "$0")" && pwd)
domains=${DOMSTAT_DEMO_DOMAINS:-$here/demo-domains.txt}
log_sample=${DOMSTAT_DEMO_LOG:-$here/eve-dns.ndjson}
dir=${DOMSTAT_DEMO_DIR:-./domstat-demo}
timeout=${DOMSTAT_DEMO_TIMEOUT:-3}
mkdir -p "$dir" || exit 2
db="$dir/demo.db"
unreached=""

for c in dns-scan dns-grade stats-report domain-freq seen-db domain-born; do
	command -v "$c" >/dev/null || { echo "demo: '$c' is not on PATH" >&2; exit 2; }
done

step() { printf '== %s\n' "$*"; }
# the first message a step wrote on stderr, for the reader
first_msg() { sed -n '1{s/^[^:]*: //;p;}' "$1"; }
count() { grep -c "$1" "$2" 2>/dev/null || true; }

# ---- log enrichment: domain-freq | seen-db | domain-born ----
step "log enrichment of $(wc -l <"$log_sample") Suricata DNS log lines ($log_sample)"
domain-freq -f dns.rrname <"$log_sample" 2>"$dir/freq.err" >"$dir/scored.ndjson"
echo "domain-freq: $(count '"freq_score"' "$dir/scored.ndjson") names scored," \
	"$(count '"LOW-[A-Z]*-SCORES*"' "$dir/scored.ndjson") look machine-generated (offline)"
seen-db -f dns.rrname --db "$db" <"$dir/scored.ndjson" 2>"$dir/seen.err" >"$dir/seen.ndjson"
echo "seen-db: $(count 'YOUR-FIRST-CONTACT' "$dir/seen.ndjson") first contacts, store $db (offline)"
set --
[ -n "${DOMSTAT_DEMO_BOOTSTRAP_URL:-}" ] && set -- --bootstrap-url "$DOMSTAT_DEMO_BOOTSTRAP_URL"
domain-born -f dns.rrname --db "$db" --no-progress --connect-timeout "$timeout" \
	--timeout "$((timeout * 2))" --retries 0 "$@" \
	<"$dir/seen.ndjson" 2>"$dir/born.err" >"$dir/enriched.ndjson"
born=$(count '"seen_by_web"' "$dir/enriched.ndjson")
if [ "$born" -eq 0 ] && grep -q '"code":"\(no-bootstrap\|network\|timeout\)"' "$dir/enriched.ndjson"; then
	echo "domain-born: could not reach the network (RDAP): $(first_msg "$dir/born.err")"
	unreached="$unreached domain-born(RDAP)"
else
	echo "domain-born: $born registration dates, $(count '"NEW"' "$dir/enriched.ndjson") registered recently"
fi
echo "enriched log: $dir/enriched.ndjson; alerts:"
awk '{ n = a = ""
	if (match($0, /"rrname":"[^"]*"/)) n = substr($0, RSTART + 10, RLENGTH - 11)
	if (match($0, /"alerts":\[[^]]*\]/)) a = substr($0, RSTART + 9, RLENGTH - 9)
	# pad by characters, not bytes (mawk counts bytes): UTF-8 continuation bytes take no column
	w = n; gsub(/[\200-\277]/, "", w); pad = 28 - length(w); if (pad < 1) pad = 1
	if (a != "") { printf "  %s%*s%s\n", n, pad + 1, " ", a; k++ } }
	END { if (!k) print "  (none)" }' "$dir/enriched.ndjson"

# ---- DNS health: dns-scan | dns-grade | stats-report ----
step "DNS health of $(wc -l <"$domains") domains ($domains)"
# shellcheck disable=SC2086 # the flags are words
set -- ${DOMSTAT_DEMO_SCAN_FLAGS:-}
[ -n "${DOMSTAT_DEMO_RESOLVER:-}" ] && set -- "$@" -r "$DOMSTAT_DEMO_RESOLVER"
# one quick question first: the apex NS of the first domain must come back with an answer
# (a resolver of a network without internet often answers NXDOMAIN or REFUSED to everything)
head -n 1 "$domains" | dns-scan --profile minimal --timeout "$timeout" --retries 0 "$@" \
	2>"$dir/probe.err" >"$dir/probe.ndjson"
if ! grep -q '"type":"NS"[^}]*"rcode":"NOERROR"[^}]*"answer":\[{' "$dir/probe.ndjson"; then
	why=$(grep -o '"rcode":"[A-Z]*"' "$dir/probe.ndjson" | head -n 1 | cut -d'"' -f4)
	if [ -n "$why" ]; then why="the resolver answered $why"; else why="no answer in $timeout s"; fi
	echo "dns-scan: could not reach the network (DNS): $why for $(head -n 1 "$domains");" \
		"scan and grades skipped"
	unreached="$unreached dns-scan(DNS)"
	graded=""
else
	dns-scan --timeout "$timeout" --retries 1 "$@" <"$domains" 2>"$dir/scan.err" >"$dir/scan.ndjson"
	dns-grade <"$dir/scan.ndjson" 2>"$dir/grade.err" >"$dir/graded.ndjson"
	graded="$dir/graded.ndjson"
	echo "dns-scan, dns-grade: $(count '"grades"' "$graded") domains graded ($graded)"
fi

# ---- reports ----
if [ -n "$graded" ]; then
	step "stats-report: the DNS health report"
	stats-report -F text --date "$(date -u +%F)" "$graded" 2>"$dir/report.err"
fi
step "stats-report: what the store holds ($db)"
stats-report -F text --store "$db" 2>"$dir/store-report.err"

if [ -n "$unreached" ]; then
	echo "demo: done offline; could not reach the network:$unreached (see $dir/*.err)"
else
	echo "demo: done"
fi
exit 0
