#!/bin/sh
# SPDX-License-Identifier: ISC
# domstat-zeek: domain_stats for Zeek without a server. Reads Zeek's DNS log as JSON (dns.log
# with LogAscii::use_json, or the dns-json.log of domstat.zeek) and enriches it offline with
# the domstat filters. See domstat(7), SIEM AND IDS.
#
# usage: domstat-zeek.sh [-b] [-d] < dns.log > out
#   (default)  every dns.log line, in order; those with a query get domain_stats' members
#              freq_score, seen_by_you, seen_by_isc, alerts (with -b also seen_by_web,
#              expires, category); the others pass through unchanged
#   -d         domainstats.log lines instead, one per dns.log line with a query, as
#              domain_stats.zeek wrote them: ts, uid, query, alerts, category, freq_avg_prob,
#              freq_word_prob, seen_by_web, seen_by_isc, seen_by_you (values exactly as the
#              domain_stats server answered, from seen-db --compat)
#   -b         add registration dates with domain-born (RDAP: needs the internet, unless
#              DOMSTAT_BORN_OPTS=--offline answers from the store alone)
# Environment: DOMSTAT_DB (the store), DOMSTAT_BORN_OPTS, DOMSTAT_ENRICH (the whole filter
# pipeline, replacing the one above). Exit status as domstat-enrich.sh: 0, 1 (some records
# carried errors), 2 (failure).
set -eu

me=domstat-zeek
domainstats=0
born=0
while getopts bd opt; do
	case $opt in
	b) born=1 ;;
	d) domainstats=1 ;;
	*)
		echo "usage: $me [-b] [-d] < dns.log" >&2
		exit 2
		;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || {
	echo "$me: unexpected operand '$1' (dns.log is read from standard input)" >&2
	exit 2
}

here=$(dirname "$0")
enrich=${DOMSTAT_ENRICH_SH:-$here/../examples/domstat-enrich.sh}
[ -r "$enrich" ] || {
	echo "$me: cannot find '$enrich' (set DOMSTAT_ENRICH_SH)" >&2
	exit 2
}

# domain_stats gave RFC 1123 dates; domain-born runs before seen-db so that the store learns
# registrations (and expiries) before it decides on a first contact
dates=
[ "$domainstats" = 0 ] || dates="--date-format http"
filters="domain-freq -f query"
[ "$born" = 0 ] || filters="$filters | domain-born -f query $dates \${DOMSTAT_BORN_OPTS:-}"
if [ "$domainstats" = 1 ]; then
	filters="$filters | seen-db -f query --compat $dates"
else
	filters="$filters | seen-db -f query"
fi
DOMSTAT_ENRICH=${DOMSTAT_ENRICH:-$filters}
export DOMSTAT_ENRICH

if [ "$domainstats" = 0 ]; then
	exec sh "$enrich" -f query
fi

# domainstats.log: the answer object sits in the dns.log line as "domainstats"; freq_score
# splits into its two probabilities ("ERROR" goes to both, as domain_stats.zeek did)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/domstat-zeek.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
{
	rc=0
	sh "$enrich" -f query -m domainstats || rc=$?
	echo "$rc" >"$tmp/rc"
} | jq -c --unbuffered 'select(.domainstats) | .domainstats as $d |
	($d.freq_score | if type == "array" then . else [., .] end) as $f |
	{ts, uid, query, alerts: $d.alerts, category: $d.category, freq_avg_prob: $f[0],
	 freq_word_prob: $f[1], seen_by_web: $d.seen_by_web, seen_by_isc: $d.seen_by_isc,
	 seen_by_you: $d.seen_by_you}' || jrc=$?
case ${jrc:-0} in
0) ;;
141) exit 0 ;; # the reader went away (| head)
*)
	echo "$me: jq failed" >&2
	exit 2
	;;
esac
exit "$(cat "$tmp/rc")"
