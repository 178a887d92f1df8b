#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# share/examples/domstat-daily.sh end to end: scan, grade and report a ranked list against
# Knot DNS on loopback, into dated folders with history, lock, failures and the S3 upload.

load helper

setup_file() {
	load dns_server
	knot_start_scan_zones
}

teardown_file() {
	load dns_server
	load unbound
	unbound_stop_all
	knot_stop_all
}

setup() {
	setup_isolated
	DAILY="$TOP/share/examples/domstat-daily.sh"
	printf '1,full.test\n2,caa.test\n3,chain.spf.test\n4,nxdomain.test\n' >list.csv
	export DOMSTAT_DAILY_DIR="$PWD/state" DOMSTAT_DAILY_LIST="$PWD/list.csv"
	export DOMSTAT_SCAN_OPTS="-r $DNS_NET.1:$DNS_PORT --ns-port $DNS_PORT --ns-allow 127.0.0.0/8 --timeout 2"
	unset TRANCO_URL S3_URL DOMSTAT_DAILY_DATE DOMSTAT_DAILY_LIMIT DOMSTAT_DAILY_GZIP
	R="$PWD/state/reports"
}

teardown() {
	if [ -n "${S3_PID:-}" ]; then
		kill "$S3_PID" 2>/dev/null || true
	fi
}

@test "two days: dated folders with report and lists, the second report shows the first" {
	DOMSTAT_DAILY_DATE=2026-11-01 DOMSTAT_DAILY_LIMIT=2 run -0 sh "$DAILY"
	DOMSTAT_DAILY_DATE=2026-11-02 run -0 sh "$DAILY"
	# the text report is what cron mails
	assert_line --partial "Run 2, changes in percentage points against run 1 (2026-11-01)"
	for d in 2026-11-01 2026-11-02; do
		[ -s "$R/$d/index.html" ] && [ -s "$R/$d/report.json" ] && [ -s "$R/$d/report.txt" ]
		grep -q '<svg' "$R/$d/index.html"
		[ ! -e "$R/$d.partial" ]
	done
	# every graded record kept (compressed), one per list line scanned
	[ "$(gzip -dc "$R/2026-11-01/graded.ndjson.gz" | wc -l)" -eq 2 ]
	gzip -dc "$R/2026-11-02/graded.ndjson.gz" >graded
	assert_equal "$(jq -r '"\(.rank),\(.domain)"' graded)" "$(cat list.csv)"
	# the lists are those of the graded records; nxdomain.test, which does not exist, is in
	# no list and no figure's denominator
	assert_equal "$(tail -n +2 "$R/2026-11-02/lists/spf_domains.csv")" \
		"$(jq -r 'select(.facts.spf.present) | "\(.rank),\(.domain)"' graded)"
	run -0 sh -c 'cat "$1"/lists/*.csv | grep -c nxdomain.test || true' sh "$R/2026-11-02"
	assert_output 0
	run -0 jq -c '[.figures.spf_adoption.denominator, (.figures.scan_status.items[] | select(.key == "nxdomain") | .count)]' \
		"$R/2026-11-02/report.json"
	assert_output '[3,1]'
	# history: run 2 is compared with run 1, and the change is the difference of the two
	run jq -r '"\(.run_id) \(.previous_run.run_id) \(.previous_run.date)"' "$R/2026-11-02/report.json"
	assert_output "2 1 2026-11-01"
	p1=$(jq '.figures.spf_adoption.items[0].pct' "$R/2026-11-01/report.json")
	p2=$(jq '.figures.spf_adoption.items[0].pct' "$R/2026-11-02/report.json")
	d=$(jq '.figures.spf_adoption.items[0].delta_pct' "$R/2026-11-02/report.json")
	[ "$p1" != "$p2" ]
	jq -n -e "($p2 - $p1 - $d) | fabs < 0.01"
	grep -q 'against run 1 (2026-11-01)' "$R/2026-11-02/index.html"
	grep -q '2026-11-01 (run 1)' "$R/2026-11-02/index.html"
	run -0 stats-report --history state/history.db --list-runs
	assert_equal "$(tail -n +2 <<<"$output" | cut -f 2)" "$(printf '2026-11-01\n2026-11-02')"
}

@test "a failing stage fails the run with its name; the history is left as it was" {
	DOMSTAT_DAILY_DATE=2026-11-01 run -0 sh "$DAILY"
	cp state/history.db before.db
	DOMSTAT_SCAN_OPTS="$DOMSTAT_SCAN_OPTS --profile nosuch" DOMSTAT_DAILY_DATE=2026-11-02 \
		run -2 --separate-stderr sh "$DAILY"
	# dns-scan is named; the list stage before it may be named too, when dns-scan exited before
	# cat had written the list into the pipe (SIGPIPE: more likely the slower the machine)
	[[ "$stderr" == *"failed:"*" dns-scan(exit 2)"* ]]
	[[ "$stderr" == *"invalid value for --profile"* ]]
	[ ! -e "$R/2026-11-02" ] && [ -d "$R/2026-11-02.partial" ]
	cmp before.db state/history.db
	# the day can be run again once the cause is fixed
	DOMSTAT_DAILY_DATE=2026-11-02 run -0 sh "$DAILY"
	[ -s "$R/2026-11-02/index.html" ] && [ ! -e "$R/2026-11-02.partial" ]
}

@test "refuses to start: overlapping run, day already done, unreadable list, bad date" {
	mkdir -p state
	run -2 --separate-stderr flock state/daily.lock sh "$DAILY"
	[[ "$stderr" == *"another run holds '$PWD/state/daily.lock'"* ]]
	DOMSTAT_DAILY_DATE=2026-11-01 run -0 sh "$DAILY"
	DOMSTAT_DAILY_DATE=2026-11-01 run -2 --separate-stderr sh "$DAILY"
	[[ "$stderr" == *"'$R/2026-11-01' exists already"* ]]
	DOMSTAT_DAILY_LIST=nosuch.csv DOMSTAT_DAILY_DATE=2026-11-03 run -2 --separate-stderr sh "$DAILY"
	[[ "$stderr" == *"cannot read the list 'nosuch.csv'"* ]]
	DOMSTAT_DAILY_DATE='../x' run -2 --separate-stderr sh "$DAILY"
	[[ "$stderr" == *"invalid DOMSTAT_DAILY_DATE"* ]]
	run -0 stats-report --history state/history.db --list-runs
	assert_equal "$(tail -n +2 <<<"$output" | cut -f 2)" 2026-11-01
}

@test "the list comes from TRANCO_URL when it is set" {
	mkdir www
	cp list.csv www/top.csv
	TRANCO_URL="file://$PWD/www/top.csv" DOMSTAT_DAILY_LIST="$PWD/state/top.csv" \
		DOMSTAT_DAILY_DATE=2026-11-01 run -0 sh "$DAILY"
	cmp list.csv state/top.csv
	[ "$(jq '.input.records' "$R/2026-11-01/report.json")" -eq 4 ]
}

@test "with S3_URL every report file is uploaded with a valid AWS SigV4 signature" {
	python3 "$TOP/tests/s3_put_server.py" s3.port s3.log AKIDTEST s3cretKEY &
	S3_PID=$!
	for _ in $(seq 1 300); do
		[ -s s3.port ] && break
		sleep 0.1
	done
	printf 'user = "AKIDTEST:s3cretKEY"\n' >s3.curl
	S3_URL="http://127.0.0.1:$(cat s3.port)" S3_BUCKET=reports S3_REGION=eu-west-1 \
		S3_CURL_CONFIG="$PWD/s3.curl" DOMSTAT_DAILY_DATE=2026-11-01 run -0 sh "$DAILY"
	(cd "$R/2026-11-01" && find . -type f ! -name 'graded.*' ! -name errors.log | sed 's#^\./#/reports/2026-11-01/#' |
		sort) >want
	jq -r .path s3.log | sort >got
	diff want got
	jq -s -e 'all(.[]; .signature_ok and .payload_ok and .region == "eu-west-1" and .service == "s3")' s3.log
	jq -s -e 'map(select(.path | endswith("index.html")))[0].content_type == "text/html"' s3.log
	# a wrong key is refused by the server; the run says so and keeps the report
	printf 'user = "AKIDTEST:wrong"\n' >s3.curl
	S3_URL="http://127.0.0.1:$(cat s3.port)" S3_CURL_CONFIG="$PWD/s3.curl" \
		DOMSTAT_DAILY_DATE=2026-11-02 run -2 --separate-stderr sh "$DAILY"
	[[ "$stderr" == *"upload failed: index.html"* ]]
	[ -s "$R/2026-11-02/index.html" ]
}

@test "the systemd units are valid" {
	command -v systemd-analyze >/dev/null || skip "needs systemd-analyze"
	sed "s#/usr/local/share/domstat/examples#$TOP/share/examples#" \
		"$TOP/share/examples/domstat-daily.service" >domstat-daily.service
	cp "$TOP/share/examples/domstat-daily.timer" .
	run -0 --separate-stderr systemd-analyze verify --man=no ./domstat-daily.service ./domstat-daily.timer
	assert_equal "$stderr" ""
}

@test "DOMSTAT_DAILY_KEEP removes dated folders older than that many days; the history stays" {
	for d in 2026-10-30 2026-11-01 2026-11-02; do
		DOMSTAT_DAILY_DATE=$d DOMSTAT_DAILY_LIMIT=1 DOMSTAT_DAILY_KEEP=2 run -0 sh "$DAILY"
	done
	run -0 ls "$R"
	assert_output "$(printf '2026-11-01\n2026-11-02')"
	run -0 stats-report --history state/history.db --list-runs
	[ "${#lines[@]}" -eq 4 ]
	DOMSTAT_DAILY_KEEP=x DOMSTAT_DAILY_DATE=2026-11-03 run -2 sh "$DAILY"
}

@test "a run whose every query was refused or timed out is neither stored nor uploaded, and says why" {
	command -v unbound >/dev/null || skip "needs unbound (Debian package unbound)"
	load unbound
	unbound_start refusing refusing "$DNS_NET.21" "$DNS_PORT"
	DOMSTAT_DAILY_DATE=2026-11-01 run -0 sh "$DAILY"
	before=$(jq '[.figures.scan_status.items[] | select(.key == "partial" or .key == "failed") | .pct] | add' \
		"$R/2026-11-01/report.json")
	cp state/history.db before.db
	python3 "$TOP/tests/s3_put_server.py" s3.port s3.log AKIDTEST s3cretKEY &
	S3_PID=$!
	for _ in $(seq 1 300); do
		[ -s s3.port ] && break
		sleep 0.1
	done
	printf 'user = "AKIDTEST:s3cretKEY"\n' >s3.curl
	export S3_URL="http://127.0.0.1:$(cat s3.port)" S3_CURL_CONFIG="$PWD/s3.curl"
	# a resolver that refuses everything: every domain failed
	DOMSTAT_SCAN_OPTS="-r $DNS_NET.21:$DNS_PORT --timeout 2" DOMSTAT_DAILY_DATE=2026-11-02 \
		run -2 --separate-stderr sh "$DAILY"
	[[ "$stderr" == *"refusing to store or upload the run of 2026-11-02: 100.0 % of its domains could not be scanned (partial or failed), against $(printf '%.1f' "$before") % in the previous run (2026-11-01), more than DOMSTAT_DAILY_MAX_UNSCANNED_RISE=10 points above"* ]]
	cmp before.db state/history.db
	[ ! -e "$R/2026-11-02" ] && [ -d "$R/2026-11-02.partial" ]
	[ ! -s s3.log ]
	# a resolver that never answers: every question timed out
	python3 "$TOP/tests/dns_responder.py" "$DNS_NET.5" "$DNS_PORT" silent >responder.out 2>&1 &
	local rpid=$!
	for _ in $(seq 1 300); do
		grep -q ready responder.out && break
		sleep 0.1
	done
	DOMSTAT_SCAN_OPTS="-r $DNS_NET.5:$DNS_PORT --timeout 1 --retries 0" DOMSTAT_DAILY_DATE=2026-11-03 \
		run -2 --separate-stderr sh "$DAILY"
	kill "$rpid"
	[[ "$stderr" == *"refusing to store or upload the run of 2026-11-03: 100.0 % of its domains"* ]]
	cmp before.db state/history.db
	[ ! -s s3.log ]
	# the limit is the user's: 100 lets the broken run through (and the history then shows it)
	DOMSTAT_DAILY_MAX_UNSCANNED_RISE=100 DOMSTAT_SCAN_OPTS="-r $DNS_NET.21:$DNS_PORT --timeout 2" \
		DOMSTAT_DAILY_DATE=2026-11-04 run -0 sh "$DAILY"
	run -0 stats-report --history state/history.db --list-runs
	assert_line "$(printf '2\t2026-11-04\t4\t0\t0\t0\t4')"
	[ -s s3.log ]
	# and its report shows it against the day before: every domain could not be scanned, and
	# no figure counts them as lacking a record
	grep -qE '^  could not be scanned +4 +100\.0%  \+[0-9]+\.[0-9]$' "$R/2026-11-04/report.txt"
	run -0 jq -c '[.figures.spf_adoption.denominator, .figures.mx_adoption.denominator]' "$R/2026-11-04/report.json"
	assert_output '[0,0]'
	DOMSTAT_DAILY_MAX_UNSCANNED_RISE=x DOMSTAT_DAILY_DATE=2026-11-05 run -2 --separate-stderr sh "$DAILY"
	[[ "$stderr" == *"invalid DOMSTAT_DAILY_MAX_UNSCANNED_RISE 'x'"* ]]
}
