#!/bin/sh
# SPDX-License-Identifier: ISC
# domstat-enrich: run the enrichment filters over the lines of a mixed log (Suricata eve.json,
# Zeek's JSON dns.log, any NDJSON) that hold a domain, and pass every other line through
# byte for byte, all in input order, streaming. See domstat(7), SIEM AND IDS.
#
# usage: domstat-enrich.sh [-f FIELD] [-m MEMBER] [-s JQ-CONDITION] < log > enriched
#   -f FIELD         path of the domain member (default domain): dns.rrname, query,
#                    'dns.queries[].rrname' (see domstat(7), Field paths)
#   -m MEMBER        keep the log line as it was and add the filters' output object to it as
#                    MEMBER (for filters that print their own object, like seen-db --compat)
#   -s CONDITION     a jq condition a record must also meet, e.g. '.dns.type == "query"'
#   DOMSTAT_ENRICH   the filters, a shell pipeline reading and writing NDJSON; $DOMSTAT_FIELD
#                    holds FIELD
# Without -m, -s and DOMSTAT_ENRICH this is only
#   domain-freq -P -f FIELD | seen-db -P -f FIELD
# (the filters' --pass-through lets the other lines by). With them, jq picks the lines that are
# JSON objects holding FIELD as a string and meeting CONDITION, the filters get those alone,
# and the others are passed around them. Exit status: the filters' (0, or 1 when some records
# carried errors); 2 on failure.
set -eu

me=domstat-enrich
field=domain
cond=true
member=
while getopts f:m:s: opt; do
	case $opt in
	f) field=$OPTARG ;;
	m) member=$OPTARG ;;
	s) cond=$OPTARG ;;
	*)
		echo "usage: $me [-f field] [-m member] [-s jq-condition] < log" >&2
		exit 2
		;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || {
	echo "$me: unexpected operand '$1' (the log is read from standard input)" >&2
	exit 2
}
case $member in
*[!A-Za-z0-9_-]*)
	echo "$me: invalid member name '$member' (letters, digits, _ and -)" >&2
	exit 2
	;;
esac
DOMSTAT_FIELD=$field
export DOMSTAT_FIELD
if [ -z "$member" ] && [ "$cond" = true ] && [ -z "${DOMSTAT_ENRICH:-}" ]; then
	# shellcheck disable=SC2016 # the inner shell expands it
	exec sh -c 'domain-freq -P -f "$DOMSTAT_FIELD" | seen-db -P -f "$DOMSTAT_FIELD"'
fi
command -v jq >/dev/null 2>&1 || {
	echo "$me: jq is needed (Debian package jq)" >&2
	exit 2
}
# the filters see only the lines chosen, so they need no --pass-through
: "${DOMSTAT_ENRICH:=domain-freq -f \"\$DOMSTAT_FIELD\" | seen-db -f \"\$DOMSTAT_FIELD\"}"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/domstat-enrich.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' HUP INT TERM
mkfifo "$tmp/in" "$tmp/out"
# mawk (Debian's awk) waits to fill its input buffer before it hands over a line; in a
# stream whose three parts feed each other that would never come
awk='awk'
if awk -W version 2>&1 | grep -q '^mawk'; then
	awk="awk -W interactive"
fi

# The filters read the domain lines from one FIFO and write to another, as one stream, so
# seen-db still commits in batches.
(
	rc=0
	sh -c "$DOMSTAT_ENRICH" <"$tmp/in" >"$tmp/out" || rc=$?
	echo "$rc" >"$tmp/rc"
) &

# Does the line hold FIELD as a string? A path with brackets is jq's own syntax; a dotted one
# may hold bytes jq's would read otherwise (dns-name), so it is split into names.
# shellcheck disable=SC2016 # $f is jq's variable
case $field in
*'['*)
	path=$field
	case $path in .*) ;; *) path=.$path ;; esac
	has="([($path)? | strings] | length > 0)"
	;;
*) has='((getpath($f | ltrimstr(".") | split(".")) | type) == "string")' ;;
esac

# jq only classifies: D (enrich) or P (pass), then a tab and the line as read. The splitter
# writes the marker before the line, so the merger always knows a filtered line is due and
# the three streams cannot wait on each other; both flush every line for live logs.
rc=0
# shellcheck disable=SC2086,SC2016 # $awk is a command with its option; the programs are awk's
jq -rR --unbuffered --arg f "$field" \
	"(try (fromjson | if type == \"object\" and $has and ($cond) then \"D\" else \"P\" end) catch \"P\") + \"\\t\" + ." |
	$awk -v IN="$tmp/in" -v MEM="$member" '
		BEGIN { printf "" > IN } # the filters wait for a writer, even when no line is theirs
		substr($0, 1, 1) == "D" {
			# with -m the merger needs the line itself as well
			print (MEM == "" ? "D" : $0); fflush()
			print substr($0, 3) > IN; fflush(IN)
			next
		}
		{ print; fflush() }
		END { close(IN) }' |
	$awk -v OUT="$tmp/out" -v me="$me" -v MEM="$member" '
		substr($0, 1, 1) == "D" {
			if ((getline line < OUT) <= 0) {
				print me ": the filters ended early (line " NR ")" > "/dev/stderr"
				exit 2
			}
			if (MEM != "") {
				orig = substr($0, 3)
				sub(/[ \t\r]*}[ \t\r]*$/, "", orig)
				sep = (orig ~ /^[ \t]*{[ \t]*$/) ? "" : ","
				line = orig sep "\"" MEM "\":" line "}"
			}
			print line; fflush()
			next
		}
		{ print substr($0, 3); fflush() }
		END {
			# drain (and so open) the filters output: it must hold no line more
			while ((getline line < OUT) > 0)
				extra++
			if (extra) {
				print me ": the filters wrote " extra " lines more than they read" > "/dev/stderr"
				exit 2
			}
		}' || rc=$?
wait
case $rc in
0) ;;
141) exit 0 ;; # the reader went away (| head): quietly, as the filters themselves do
*) exit 2 ;;
esac
frc=$(cat "$tmp/rc" 2>/dev/null || echo 2)
exit "$frc"
