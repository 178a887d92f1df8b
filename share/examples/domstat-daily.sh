#!/bin/sh
# SPDX-License-Identifier: ISC
# domstat-daily: the DNStats daily job without Celery. Scan a ranked domain list, grade it and
# write the day's report, lists and history into a dated folder; optionally upload it to S3.
# Run from cron or domstat-daily.timer; every setting is an environment variable (see
# domstat(7), DAILY SCAN). POSIX sh; needs flock(1) from util-linux.
#
# DOMSTAT_DAILY_MAX_UNSCANNED_RISE (default 10): a run whose share of domains that could not
# be (fully) scanned (dns-scan's status partial or failed, of the run's graded domains) is more
# than this many percentage points above the previous run's is neither stored nor uploaded: its
# figures would be about a broken resolver or network, not about the domains. The script says
# both shares and exits 2; the history stays as it was. 100 turns the check off.
set -eu

: "${DOMSTAT_DAILY_DIR:=/var/lib/domstat}"
: "${DOMSTAT_DAILY_LIST:=$DOMSTAT_DAILY_DIR/top-1m.csv}"
: "${DOMSTAT_DAILY_REPORTS:=$DOMSTAT_DAILY_DIR/reports}"
: "${DOMSTAT_DAILY_HISTORY:=$DOMSTAT_DAILY_DIR/history.db}"
: "${DOMSTAT_DAILY_LOCK:=$DOMSTAT_DAILY_DIR/daily.lock}"
: "${DOMSTAT_DAILY_DATE:=$(date -u +%F)}"
: "${DOMSTAT_DAILY_LIMIT:=}"
: "${DOMSTAT_DAILY_GZIP:=1}"
: "${DOMSTAT_DAILY_KEEP:=0}"
: "${DOMSTAT_DAILY_MAX_UNSCANNED_RISE:=10}"
: "${DOMSTAT_SCAN_OPTS:=--stats}"
: "${DOMSTAT_GRADE_OPTS:=}"
: "${DOMSTAT_REPORT_OPTS:=}"
: "${TRANCO_URL:=}"
: "${S3_URL:=}"
: "${S3_BUCKET:=domstat}"
: "${S3_PREFIX:=}"
: "${S3_REGION:=us-east-1}"
: "${S3_CURL_CONFIG:=/etc/domstat/s3.curl}"

me=domstat-daily
die() {
	echo "$me: $*" >&2
	exit 2
}
note() {
	echo "$me: $*" >&2
}

day=$DOMSTAT_DAILY_DATE
case $day in
[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]) ;;
*) die "invalid DOMSTAT_DAILY_DATE '$day' (YYYY-MM-DD)" ;;
esac
case $DOMSTAT_DAILY_LIMIT in
'' | *[!0-9]*) [ -z "$DOMSTAT_DAILY_LIMIT" ] || die "invalid DOMSTAT_DAILY_LIMIT '$DOMSTAT_DAILY_LIMIT'" ;;
esac
case $DOMSTAT_DAILY_KEEP in
'' | *[!0-9]*) die "invalid DOMSTAT_DAILY_KEEP '$DOMSTAT_DAILY_KEEP' (days)" ;;
esac
case $DOMSTAT_DAILY_MAX_UNSCANNED_RISE in
'' | *[!0-9]*) die "invalid DOMSTAT_DAILY_MAX_UNSCANNED_RISE '$DOMSTAT_DAILY_MAX_UNSCANNED_RISE' (percentage points, 0 to 100)" ;;
esac
[ "$DOMSTAT_DAILY_MAX_UNSCANNED_RISE" -le 100 ] ||
	die "invalid DOMSTAT_DAILY_MAX_UNSCANNED_RISE '$DOMSTAT_DAILY_MAX_UNSCANNED_RISE' (percentage points, 0 to 100)"
command -v flock >/dev/null 2>&1 || die "flock(1) is needed (Debian package util-linux)"
for c in dns-scan dns-grade stats-report; do
	command -v "$c" >/dev/null 2>&1 || die "'$c' is not on PATH ($PATH)"
done

mkdir -p "$DOMSTAT_DAILY_DIR" "$DOMSTAT_DAILY_REPORTS" ||
	die "cannot create '$DOMSTAT_DAILY_REPORTS'"

# Two runs must not overlap: the second would grade half a list and race on the history.
exec 9>>"$DOMSTAT_DAILY_LOCK" || die "cannot open the lock '$DOMSTAT_DAILY_LOCK'"
flock -n 9 || die "another run holds '$DOMSTAT_DAILY_LOCK'; not starting"

out=$DOMSTAT_DAILY_REPORTS/$day
tmp=$out.partial
[ ! -e "$out" ] || die "'$out' exists already; remove it to run that day again"
rm -rf "$tmp"
mkdir -p "$tmp/.status" || die "cannot create '$tmp'"

# The user's own download step: the current list, fetched only when TRANCO_URL is set
# (e.g. https://tranco-list.eu/top-1m.csv.zip), replacing DOMSTAT_DAILY_LIST whole.
if [ -n "$TRANCO_URL" ]; then
	command -v curl >/dev/null 2>&1 || die "curl is needed to fetch TRANCO_URL"
	curl -fsSL --retry 3 -o "$tmp/list.download" "$TRANCO_URL" ||
		die "cannot download '$TRANCO_URL'"
	case $TRANCO_URL in
	*.zip) unzip -p "$tmp/list.download" >"$DOMSTAT_DAILY_LIST.new" ||
		die "cannot unzip '$TRANCO_URL' (needs the unzip package)" ;;
	*) mv "$tmp/list.download" "$DOMSTAT_DAILY_LIST.new" ;;
	esac
	rm -f "$tmp/list.download"
	[ -s "$DOMSTAT_DAILY_LIST.new" ] || die "'$TRANCO_URL' gave an empty list"
	mv "$DOMSTAT_DAILY_LIST.new" "$DOMSTAT_DAILY_LIST"
fi
{ [ -f "$DOMSTAT_DAILY_LIST" ] && [ -r "$DOMSTAT_DAILY_LIST" ]; } ||
	die "cannot read the list '$DOMSTAT_DAILY_LIST' (set DOMSTAT_DAILY_LIST or TRANCO_URL)"

# The run works on a copy of the history, put in place only when everything succeeded: a
# failed run leaves no half-counted figures behind.
hist=$tmp/.history.db
if [ -e "$DOMSTAT_DAILY_HISTORY" ]; then
	cp "$DOMSTAT_DAILY_HISTORY" "$hist" || die "cannot copy '$DOMSTAT_DAILY_HISTORY'"
fi

# One pass: each stage records its exit status, since POSIX sh has no pipefail. Per-record
# messages and dns-scan's --stats summary go to errors.log in the dated folder.
st=$tmp/.status
log=$tmp/errors.log
stage() { # stage NAME COMMAND...: run it, keep its exit status in $st/NAME
	_name=$1
	shift
	_rc=0
	"$@" || _rc=$?
	echo "$_rc" >"$st/$_name"
}
: >"$log"
note "$day: scanning '$DOMSTAT_DAILY_LIST' into '$out'"
# shellcheck disable=SC2086 # the *_OPTS variables are option lists, split on purpose
{
	if [ -n "$DOMSTAT_DAILY_LIMIT" ]; then
		stage list head -n "$DOMSTAT_DAILY_LIMIT" "$DOMSTAT_DAILY_LIST"
	else
		stage list cat "$DOMSTAT_DAILY_LIST"
	fi
} | stage dns-scan dns-scan $DOMSTAT_SCAN_OPTS 2>>"$log" |
	stage dns-grade dns-grade $DOMSTAT_GRADE_OPTS 2>>"$log" |
	stage tee tee "$tmp/graded.ndjson" |
	stage stats-report stats-report -F html --history "$hist" --lists "$tmp/lists" \
		--date "$day" $DOMSTAT_REPORT_OPTS >"$tmp/index.html" 2>>"$log"

# 0 is clean, 1 means some records carried errors (normal in a scan), anything else is a
# failure of the stage, which fails the run.
failed=
for s in list dns-scan dns-grade tee stats-report; do
	rc=$(cat "$st/$s" 2>/dev/null || echo missing)
	case $s:$rc in
	*:0) ;;
	dns-scan:1 | dns-grade:1 | stats-report:1) note "$s: some records had errors (see errors.log)" ;;
	*) failed="$failed $s(exit $rc)" ;;
	esac
done
if [ -n "$failed" ]; then
	tail -n 5 "$log" >&2
	die "failed:$failed; the partial run is in '$tmp', the history is unchanged"
fi

# (a day run again replaced its run under the same id, which need not be the last)
runs=$(stats-report --history "$hist" --list-runs) || die "cannot list the runs of '$hist'"
run=$(printf '%s\n' "$runs" | awk -F '\t' -v d="$day" '$2 == d { print $1 }')
[ -n "$run" ] || die "the run is missing from the history '$hist'"

# A broken resolver or network makes every domain look unscannable (or, worse, absent): such a
# run is compared with the run before it (list-runs: partial and failed of records) and refused
# when its share is far above. No previous run, or one stored before these counts were kept,
# counts as 0 %.
verdict=$(printf '%s\n' "$runs" | awk -F '\t' -v id="$run" -v max="$DOMSTAT_DAILY_MAX_UNSCANNED_RISE" '
	function share(r) { return rec[r] > 0 && bad[r] != "" ? 100 * bad[r] / rec[r] : 0 }
	NR > 1 {
		rec[$1] = $3; day[$1] = $2
		bad[$1] = ($6 == "" || $7 == "") ? "" : $6 + $7
		if ($1 < id && $1 > prev) prev = $1
	}
	END {
		now = share(id); before = prev ? share(prev) : 0
		was = prev ? sprintf("%.1f %% in the previous run (%s)", before, day[prev]) \
			: "0 % (no previous run)"
		if (prev && bad[prev] == "") was = "0 % (the previous run has no such count)"
		printf "%s\t%.1f %% of its domains could not be scanned (partial or failed), against %s", \
			(now - before > max ? "refuse" : "ok"), now, was
	}') || die "cannot compare the run with the previous one"
case $verdict in
refuse*)
	die "refusing to store or upload the run of $day: ${verdict#*	}, more than DOMSTAT_DAILY_MAX_UNSCANNED_RISE=$DOMSTAT_DAILY_MAX_UNSCANNED_RISE points above; the run is in '$tmp', the history is unchanged" ;;
esac

# The same run again as JSON (for programs) and text (the cron mail), from the history.
stats-report --history "$hist" --run "$run" -F json >"$tmp/report.json" ||
	die "cannot render run $run as JSON"
stats-report --history "$hist" --run "$run" -F text >"$tmp/report.txt" ||
	die "cannot render run $run as text"
if [ "$DOMSTAT_DAILY_GZIP" = 1 ]; then
	gzip -f "$tmp/graded.ndjson" || die "cannot compress '$tmp/graded.ndjson'"
fi

mv "$hist" "$DOMSTAT_DAILY_HISTORY" || die "cannot update '$DOMSTAT_DAILY_HISTORY'"
rm -rf "$st"
mv "$tmp" "$out" || die "cannot rename '$tmp' to '$out'"

# Retention: dated folders more than DOMSTAT_DAILY_KEEP days before this run's date go (the
# history keeps their figures).
if [ "$DOMSTAT_DAILY_KEEP" -gt 0 ]; then
	cutoff=$(date -u -d "$day - $DOMSTAT_DAILY_KEEP days" +%Y%m%d) ||
		die "cannot compute the retention cutoff"
	for d in "$DOMSTAT_DAILY_REPORTS"/[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]; do
		[ -d "$d" ] || continue
		[ "$(basename "$d" | tr -d -)" -lt "$cutoff" ] || continue
		rm -rf "$d" && note "removed '$d' (older than $DOMSTAT_DAILY_KEEP days)"
	done
fi

# Optional upload to S3 or any S3-compatible store (path-style URLs). The keys stay off the
# command line, in a curl config file (mode 0600) with the line: user = "ACCESS_KEY:SECRET_KEY".
# S3 wants x-amz-content-sha256; the signature covers the headers, TLS protects the body.
upload_failed=
if [ -n "$S3_URL" ]; then
	[ -r "$S3_CURL_CONFIG" ] || die "cannot read S3_CURL_CONFIG '$S3_CURL_CONFIG'"
	cd "$out"
	for f in index.html report.json report.txt lists/*.csv lists/*.json; do
		[ -f "$f" ] || continue
		case $f in
		*.html) t=text/html ;;
		*.json) t=application/json ;;
		*.csv) t=text/csv ;;
		*) t=text/plain ;;
		esac
		curl --fail --silent --show-error -K "$S3_CURL_CONFIG" \
			--aws-sigv4 "aws:amz:$S3_REGION:s3" -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" \
			-H "Content-Type: $t" --upload-file "$f" \
			"$S3_URL/$S3_BUCKET/$S3_PREFIX$day/$f" || upload_failed="$upload_failed $f"
	done
fi

cat "$out/report.txt"
[ -z "$upload_failed" ] || die "upload failed:$upload_failed (the report is in '$out')"
note "$day: done, report in '$out'"
