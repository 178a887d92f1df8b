#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# stats-report: one report from a stream of graded records.
bats_require_minimum_version 1.5.0
load helper
setup() { setup_isolated; }

F="$BATS_TEST_DIRNAME/fixtures/stats-report"

# The independent jq computation of every figure (fixtures/stats-report/check.jq) against the
# report; prints the mismatches, none when they agree.
check_figures() { # records report
	jq -n --slurpfile recs "$1" --slurpfile rep "$2" -f "$F/check.jq"
}

@test "--help and --version" {
	run -0 stats-report --help
	assert_output --partial "writes a report, not one line per record"
	run -0 stats-report --version
	assert_output --regexp '^stats-report \(domstat\) [0-9]'
}

@test "hand-checked figures of the fixture stream" {
	run -0 stats-report -F json --date 2026-11-01 "$F/graded.ndjson"
	echo "$output" >r.json
	# 8 graded records; 6 have SPF (echo has none, hotel no facts): 75 %
	run -0 jq -r '[.input.records, .input.skipped,
		(.figures.spf_adoption.items[] | select(.key == "yes") | .count, .pct),
		.figures.spf_adoption.denominator] | @tsv' r.json
	assert_output "$(printf '8\t0\t6\t75\t8')"
	# DMARC p: alpha and golf reject, bravo none, delta quarantine, foxtrot invalid
	run -0 jq -c '.figures.dmarc_policy.items | map({(.key): .count}) | add' r.json
	assert_output '{"none":1,"quarantine":1,"reject":2,"no_policy":0,"invalid":1,"absent":3}'
	# CAA issue counts 2, 7, 12 and four domains without: DNStats' buckets (hotel has no CAA
	# grade: not scanned for CAA, so in none)
	run -0 jq -c '.figures.caa_issue_count | [.denominator, .items[].count]' r.json
	assert_output '[7,4,0,1,1,1]'
	# CAA grades of 7 domains (hotel has none): 100 x3 in the top bin, 0 x4 in the lowest
	run -0 jq -c '.figures.grade_caa | [.denominator, .items[0].count, .items[9].count, .items[9].label, .mean]' r.json
	assert_output '[7,4,3,"90-100",42.86]'
	# MULTIPLE_SPF_RECORDS twice on one domain counts once
	run -0 jq -c '.figures.remark_codes.items[] | select(.key == "MULTIPLE_SPF_RECORDS") | .count' r.json
	assert_output 1
	# scan health over 81 queries: 3 timeouts
	run -0 jq -c '.figures.scan_health | [.denominator, (.items[] | select(.key == "timeouts") | .count)]' r.json
	assert_output '[81,3]'
}

@test "every figure of the JSON format agrees with an independent jq computation" {
	stats-report -F json --date 2026-11-01 "$F/graded.ndjson" >r.json
	run -0 check_figures "$F/graded.ndjson" r.json
	assert_output '[]'
	# a generated stream with more than --top providers and codes, and ranks for every tier
	awk -v n=1200 -v seed=3 -f "$F/gen.awk" >gen.ndjson
	stats-report -F json --date 2026-11-01 gen.ndjson >g.json
	run -0 jq -r '.figures.mail_providers.items | map(.key) | index("(other)") != null' g.json
	assert_output true
	# the oracle (seconds of jq) checks arithmetic the sanitizer build shares with the normal
	# one: there the streams only go through stats-report
	if ! sanitized; then
		run -0 check_figures gen.ndjson g.json
		assert_output '[]'
		# and the check does notice a wrong figure
		jq '.figures.spf_policy.items[0].count += 1' g.json >bad.json
		run -0 check_figures gen.ndjson bad.json
		assert_output --partial 'spf_policy'
	fi
	# a stream with dns-scan's status on every record: nonexistent, failed, partial and
	# not-asked parts, with null grades where a part is unknown
	awk -v n=1200 -v seed=4 -v dnsstatus=1 -f "$F/gen.awk" >st.ndjson
	run -0 jq -s -c 'group_by(.dns.status) | map(length > 50) | all' st.ndjson
	assert_output true
	stats-report -F json --date 2026-11-01 st.ndjson >s.json
	if ! sanitized; then
		run -0 check_figures st.ndjson s.json
		assert_output '[]'
	fi
	run -0 jq -c '.input | [.records, .skipped]' s.json
	assert_output '[1200,0]'
}

@test "a perfect grade lands in the top bin, not the lowest" {
	run -0 sh -c 'echo "{\"domain\":\"a.example\",\"grades\":{\"spf\":100,\"overall\":100}}" |
		stats-report -F json'
	echo "$output" >r.json
	run -0 jq -c '.figures.grade_spf.items | map(.count)' r.json
	assert_output '[0,0,0,0,0,0,0,0,0,1]'
}

@test "golden text and markdown reports" {
	run -0 stats-report -F text --date 2026-11-01 "$F/graded.ndjson"
	diff -u "$F/graded.txt" <(echo "$output")
	run -0 stats-report -F markdown --date 2026-11-01 "$F/graded.ndjson"
	diff -u "$F/graded.md" <(echo "$output")
}

@test "text is the default in a pipe and in a file alike; -F json is for programs" {
	stats-report --date 2026-11-01 <"$F/graded.ndjson" >r.txt
	diff -u "$F/graded.txt" r.txt
	run -0 bash -c 'stats-report --date 2026-11-01 <"$1" | head -1' _ "$F/graded.ndjson"
	assert_output "Domain report, 2026-11-01"
	stats-report -F json --date 2026-11-01 <"$F/graded.ndjson" >r.json
	run -0 jq -r '.report + " " + (.schema | tostring) + " " + .date' r.json
	assert_output "stats-report 1 2026-11-01"
}

@test "--date off the calendar is a usage error and stores nothing in the history" {
	stats-report -F json --history h.db --date 2026-11-01 <"$F/graded.ndjson" >/dev/null
	for d in 2026-13-01 2026-02-31 2026-00-10 2026-04-31 2025-02-29 2026-11-01T24:00:00Z; do
		run -2 --separate-stderr stats-report --history h.db --date "$d" <"$F/graded.ndjson"
		assert_equal "$output" ""
		[[ "$stderr" == "stats-report: invalid value for --date: '$d'"* ]]
	done
	run -2 stats-report --history new.db --date 2026-02-31 <"$F/graded.ndjson"
	[ ! -e new.db ]
	run -0 stats-report --history h.db --list-runs
	assert_equal "${#lines[@]}" 2 # the header and the one good run
	assert_line -n 1 --regexp $'^1\t2026-11-01\t8\t'
	# the calendar's own dates still pass: a leap day, a month's last day
	run -0 stats-report -F json --date 2024-02-29 </dev/null
	run -0 stats-report -F json --date 2026-04-30T23:59:59Z </dev/null
}

@test "one of a thing is singular in the report's sentences" {
	head -1 "$F/graded.ndjson" >one.ndjson
	run -0 stats-report --date 2026-11-01 one.ndjson
	assert_line -n 1 "1 graded domain from 1 record read; 0 records skipped."
	run -0 stats-report -F html --date 2026-11-01 one.ndjson
	assert_output --partial "<strong>1</strong> graded domain from 1 record read; 0 records skipped"
	command -v seen-db >/dev/null || skip "needs seen-db"
	echo example.com | seen-db --db one.db >/dev/null
	run -0 stats-report --store one.db
	assert_line -n 1 "1 domain seen in one.db."
	run -0 stats-report --store one.db -F markdown
	assert_output --partial "1 domain seen in "
}

@test "files given as operands are read in order, like one stream" {
	head -3 "$F/graded.ndjson" >a.ndjson
	tail -n +4 "$F/graded.ndjson" >b.ndjson
	stats-report -F json --date 2026-11-01 a.ndjson - <b.ndjson >two.json
	stats-report -F json --date 2026-11-01 "$F/graded.ndjson" >one.json
	cmp one.json two.json
	run -2 --separate-stderr stats-report missing.ndjson
	assert_equal "$stderr" "stats-report: cannot open 'missing.ndjson': No such file or directory"
}

@test "bad records are skipped with their reasons, on stderr and in the report" {
	run -1 --separate-stderr stats-report -F json --date 2026-11-01 "$F/bad.ndjson"
	echo "$output" >r.json
	# messages name the file operand and its line
	run -0 jq -c '.input' r.json
	assert_output '{"lines":11,"records":2,"skipped":9,"skipped_by_reason":{"broken_line":1,"no_grades":4,"bad_grade":2,"unknown_category":2}}'
	[[ "$stderr" == *"stats-report: $F/bad.ndjson:2: invalid JSON"* ]]
	[[ "$stderr" == *"stats-report: $F/bad.ndjson:4: unknown grade category 'whois': record skipped"* ]]
	[[ "$stderr" == *"stats-report: $F/bad.ndjson:5: remark with unknown category 'tls': record skipped"* ]]
	[[ "$stderr" == *"stats-report: $F/bad.ndjson:6: grade 'spf' is not an integer from 0 to 100"* ]]
	[[ "$stderr" == *"stats-report: $F/bad.ndjson:8: not a graded record"* ]]
	# the report still holds the good records
	run -0 jq -c '.figures.grade_overall.denominator' r.json
	assert_output 2
	run -1 stats-report -F text --date 2026-11-01 "$F/bad.ndjson"
	assert_output --partial "9 records skipped (broken_line 1, no_grades 4, bad_grade 2, unknown_category 2)"
}

@test "hostile input never crashes" {
	{
		printf '{"domain":"deep.example","grades":{"overall":5},"facts":%s1%s}\n' \
			"$(printf '[%.0s' $(seq 400))" "$(printf ']%.0s' $(seq 400))"
		echo '{"domain":"big.example","grades":{"overall":99999999999999999999999}}'
		echo '{"domain":"neg.example","grades":{"overall":-1}}'
		echo '{"grades":{"overall":50},"rank":-5,"remarks":[{"category":"spf","code":7}],"facts":{"scan":{"queries":-3},"caa":{"issue_count":1e400}}}'
		printf '{"domain":"nul\\u0000.example","grades":{"overall":50},"facts":{"mail_provider":"\\ud800x","dns_provider":""}}\n'
		head -c 3000000 /dev/zero | tr '\0' 'a'
		echo
	} >hostile.ndjson
	# the 3 MB line is over-long under a 1 MiB --max-line (the default reads 16 MiB whole)
	run -1 --separate-stderr stats-report -F html --max-line 1048576 --date 2026-11-01 hostile.ndjson
	echo "$output" >r.html
	xmllint --noout r.html
	run -1 --separate-stderr stats-report -F json --max-line 1048576 --date 2026-11-01 hostile.ndjson
	echo "$output" >r.json
	# facts nested 400 deep (not an object), grades out of range, the over-long line
	run -0 jq -c '[.input.records, .input.skipped, .input.skipped_by_reason]' r.json
	assert_output '[2,4,{"broken_line":1,"bad_grade":2,"bad_member":1}]'
}

@test "empty input gives a valid empty report in every format" {
	run -0 stats-report -F json --date 2026-11-01 </dev/null
	echo "$output" >r.json
	run -0 jq -c '[.input.records, .figures.spf_adoption.denominator, .figures.spf_adoption.items[0].pct]' r.json
	assert_output '[0,0,0]'
	run -0 stats-report -F text --date 2026-11-01 </dev/null
	assert_output --partial "0 graded domains from 0 records read"
	run -0 stats-report -F markdown --date 2026-11-01 </dev/null
	stats-report -F html --date 2026-11-01 </dev/null >e.html
	xmllint --noout e.html
}

@test "bad options exit 2" {
	run -2 stats-report -F pdf </dev/null
	run -2 stats-report --date yesterday </dev/null
	run -2 stats-report --list-runs
	run -2 stats-report --top 0 </dev/null
}

@test "html is one well-formed self-contained file with an SVG chart for every figure" {
	stats-report -F html --date 2026-11-01 "$F/graded.ndjson" >r.html
	stats-report -F json --date 2026-11-01 "$F/graded.ndjson" >r.json
	# well-formed as XML, and libxml2's HTML parser finds nothing but HTML5 and SVG tag names
	xmllint --noout r.html
	run -0 --separate-stderr xmllint --html --noout r.html
	run -0 sh -c "xmllint --html --noout r.html 2>&1 | grep 'parser error :' | grep -v 'Tag [a-z]* invalid' || true"
	assert_output ''
	# one chart per figure, named after it
	run -0 jq -r '.figures | keys[]' r.json
	local keys="$output"
	for k in $keys; do
		grep -q "<svg [^>]*data-figure=\"$k\"" r.html || fail "no chart for $k"
	done
	assert_equal "$(grep -o '<svg ' r.html | wc -l)" "$(echo "$keys" | wc -l)"
	# nothing is fetched: no scripts, no links, no external URLs but the SVG namespace
	run -1 grep -Ei '<script|<link|@import|url\(|src=' r.html
	run -0 sh -c "grep -o 'https\?://[^\"]*' r.html | sort -u"
	assert_output 'http://www.w3.org/2000/svg'
	# names from the records are escaped
	grep -q 'Example DNS &quot;Pro&quot; &lt;&amp;&gt;' r.html
}

# The lists each DNStats filter names, as jq filters written from spec 5.2, with the figures'
# definition of who counts (check.jq: a domain that does not exist or could not be scanned is in
# no list, one not scanned for a part in neither of that part's lists).
LIST_DEFS='def status: (if .dns.status | type == "string" then .dns.status else .facts.scan.status end) as $s
  | if $s == "nxdomain" or (.facts.exists == false and all(.grades[]; type != "number")) then "nxdomain"
  elif ($s | IN("ok", "partial", "failed")) then $s else "no_status" end;
def scanned: status | IN("nxdomain", "failed") | not;
def counted(c): scanned and (.grades[c] | type) == "number";
def scanned_any: scanned and any(("spf", "dmarc", "caa", "ns", "soa", "mx", "dnssec", "bimi",
  "mta_sts", "tls_rpt", "dane", "dkim") as $p | counted($p); .);'
list_filter() {
	case "$1" in
	mx_domains) echo 'counted("mx") and .facts.mx.present == true' ;;
	no_mx_domains) echo 'counted("mx") and .facts.mx.present != true' ;;
	dnssec_domains) echo 'counted("dnssec") and ((.facts.dnssec.ds_algorithms // []) | length > 0)' ;;
	no_dnssec_domains) echo 'counted("dnssec") and ((.facts.dnssec.ds_algorithms // []) | length == 0)' ;;
	caa_domains) echo 'counted("caa") and .facts.caa.present == true' ;;
	no_caa_domains) echo 'counted("caa") and .facts.caa.present != true' ;;
	caa_reporting_domains) echo 'counted("caa") and .facts.caa.iodef == true' ;;
	no_caa_reporting_domains) echo 'counted("caa") and .facts.caa.iodef != true' ;;
	dmarc_domains) echo 'counted("dmarc") and .facts.dmarc.present == true' ;;
	no_dmarc_domains) echo 'counted("dmarc") and .facts.dmarc.present != true' ;;
	dmarc_none | dmarc_quarantine | dmarc_reject)
		echo "counted(\"dmarc\") and .facts.dmarc.present == true and .facts.dmarc.valid != false and .facts.dmarc.p == \"${1#dmarc_}\"" ;;
	dmarc_no_policy) echo 'counted("dmarc") and .facts.dmarc.present == true and .facts.dmarc.valid != false and .facts.dmarc.p == null' ;;
	dmarc_invalid) echo 'counted("dmarc") and .facts.dmarc.present == true and (.facts.dmarc.valid == false or (.facts.dmarc.p != null and (.facts.dmarc.p | IN("none","quarantine","reject") | not)))' ;;
	spf_domains) echo 'counted("spf") and .facts.spf.present == true' ;;
	no_spf_domains) echo 'counted("spf") and .facts.spf.present != true' ;;
	spf_pass) echo 'counted("spf") and .facts.spf.present == true and .facts.spf.policy == "+all"' ;;
	spf_neutral) echo 'counted("spf") and .facts.spf.present == true and .facts.spf.policy == "?all"' ;;
	spf_softfail) echo 'counted("spf") and .facts.spf.present == true and .facts.spf.policy == "~all"' ;;
	spf_fail) echo 'counted("spf") and .facts.spf.present == true and .facts.spf.policy == "-all"' ;;
	spf_no_policy) echo 'counted("spf") and .facts.spf.present == true and (.facts.spf.policy | IN("-all","~all","?all","+all") | not)' ;;
	securitytxt_domains) echo 'scanned_any and .facts.securitytxt.present == true' ;;
	no_securitytxt_domains) echo 'scanned_any and .facts.securitytxt.present == false' ;;
	mta_sts_domains) echo 'counted("mta_sts") and .facts.mta_sts.present == true' ;;
	no_mta_sts_domains) echo 'counted("mta_sts") and .facts.mta_sts.present != true' ;;
	tls_rpt_domains) echo 'counted("tls_rpt") and .facts.tls_rpt.present == true' ;;
	no_tls_rpt_domains) echo 'counted("tls_rpt") and .facts.tls_rpt.present != true' ;;
	dane_domains) echo 'counted("dane") and .facts.dane.present == true and .facts.dane.validated == true' ;;
	no_dane_domains) echo 'counted("dane") and (.facts.dane.present != true or .facts.dane.validated != true)' ;;
	dkim_domains) echo 'counted("dkim") and .facts.dkim.present == true' ;;
	no_dkim_domains) echo 'counted("dkim") and .facts.dkim.present != true' ;;
	*) return 1 ;;
	esac
}

@test "--lists writes DNStats' lists as CSV and JSON, matching jq filters" {
	cat "$F/graded.ndjson" >in.ndjson
	awk -v n=300 -v seed=5 -f "$F/gen.awk" | sed 's/"rank":[0-9]*,//; s/"domain":"d/"domain":"g/' >>in.ndjson
	run -0 stats-report -F json --lists out --date 2026-11-01 in.ndjson
	# every list's expected lines from one jq pass: "name<TAB>csv line" and "name<TAB>json"
	local names="" prog="" name
	for f in out/*.csv; do
		name=$(basename "$f" .csv)
		list_filter "$name" >/dev/null || fail "unexpected list $name"
		names="$names $name"
		prog="$prog${prog:+, }(if ($(list_filter "$name")) then \"$name\t\(.rank // \"\"),\(.domain)\t\({rank, domain} | tojson)\" else empty end)"
	done
	assert_equal "$(echo $names | wc -w)" 32
	jq -r "$LIST_DEFS $prog" in.ndjson >expected.tsv
	mkdir exp
	for name in $names; do
		echo "rank,domain" >"exp/$name.csv"
	done
	awk -F '\t' '{ print $2 >>("exp/" $1 ".csv") }' expected.tsv
	diff -ru -x '*.json' exp out
	diff -u <(cut -f1,3 expected.tsv | sort) \
		<(jq -r 'input_filename as $f | .[] | "\($f | ltrimstr("out/") | rtrimstr(".json"))\t\(tojson)"' out/*.json | sort)
	# the lists add up to the figures
	stats-report -F json --date 2026-11-01 in.ndjson >r.json
	assert_equal "$(($(count_lines out/spf_domains.csv) - 1))" \
		"$(jq '.figures.spf_adoption.items[0].count' r.json)"
	run -0 jq -c 'length' out/securitytxt_domains.json
	assert_output 1
	# nothing is left half-written
	run -0 sh -c 'ls -A out | grep -c "^\." || true'
	assert_output 0
}

@test "--lists with an unusable folder is fatal" {
	touch file
	run -2 --separate-stderr stats-report --lists file/sub <"$F/graded.ndjson"
	[[ "$stderr" == "stats-report: cannot create 'file/sub': "* ]]
}

@test "--history: three runs give deltas against the previous run and trends" {
	head -4 "$F/graded.ndjson" >run1.ndjson
	head -6 "$F/graded.ndjson" >run2.ndjson
	stats-report -F json --history h.db --date 2026-11-01 run1.ndjson >r1.json
	stats-report -F json --history h.db --date 2026-11-08 run2.ndjson >r2.json
	stats-report -F json --history h.db --date 2026-11-15 "$F/graded.ndjson" >r3.json
	run -0 jq -c '[.run_id, .previous_run]' r1.json
	assert_output '[1,null]'
	run -0 jq -c '[.run_id, .previous_run]' r3.json
	assert_output '[3,{"run_id":2,"date":"2026-11-08"}]'
	# SPF adoption: 4 of 4, 5 of 6, 6 of 8
	run -0 jq -c '[.figures.spf_adoption.items[0] | .pct, .delta_pct]' r2.json
	assert_output '[83.33,-16.67]'
	run -0 jq -c '[.figures.spf_adoption.items[0] | .pct, .delta_pct]' r3.json
	assert_output '[75,-8.33]'
	# every item's change is its percentage minus the previous run's
	run -0 jq -n --slurpfile a r2.json --slurpfile b r3.json '
		[$b[0].figures | to_entries[] | .key as $k | .value.items[]
		 | . as $i | ($a[0].figures[$k].items[] | select(.key == $i.key)) as $p
		 | select($a[0].figures[$k].denominator > 0)
		 | select((($i.delta_pct // 999) - ($i.pct - $p.pct) | fabs) > 0.011)
		 | "\($k) \($i.key)"]'
	assert_output '[]'
	run -0 jq -c '.figures.grade_overall.mean_delta' r3.json
	assert_output "$(jq -n --slurpfile a r2.json --slurpfile b r3.json '(($b[0].figures.grade_overall.mean - $a[0].figures.grade_overall.mean) * 100 | round) / 100')"
	# a trend of three points per adoption figure
	run -0 jq -c '.figures.spf_adoption.trend | map([.run_id, .date, .pct])' r3.json
	assert_output '[[1,"2026-11-01",100],[2,"2026-11-08",83.33],[3,"2026-11-15",75]]'
	run -0 stats-report --history h.db --list-runs
	assert_output "$(printf 'run\tdate\trecords\tskipped\tnonexistent\tpartial\tfailed\n1\t2026-11-01\t4\t0\t0\t0\t0\n2\t2026-11-08\t6\t0\t0\t0\t0\n3\t2026-11-15\t8\t0\t0\t0\t0')"
	# text shows the change; HTML draws one trend line per adoption figure
	run -0 stats-report -F text --history h.db --run 3
	assert_output --partial "changes in percentage points against run 2 (2026-11-08)"
	assert_line --regexp '^SPF adoption +6 of 8 +75\.0%  -8\.3$'
	stats-report -F html --history h.db --run 3 >r3.html
	xmllint --noout r3.html
	assert_equal "$(grep -o '<svg [^>]*class="chart trend"' r3.html | wc -l)" \
		"$(jq '[.figures[] | select(.kind == "adoption")] | length' r3.json)"
	grep -q '<polyline' r3.html
}

@test "--run renders a stored run again without the records" {
	stats-report -F json --history h.db --date 2026-11-01 "$F/bad.ndjson" >r1.json || true
	stats-report -F json --history h.db --date 2026-11-08 "$F/graded.ndjson" >r2.json
	stats-report -F json --history h.db --run 2 >again.json
	cmp r2.json again.json
	stats-report -F json --history h.db --run 1 >again1.json
	run -0 jq -c '.input' again1.json
	assert_output "$(jq -c .input r1.json)"
	run -0 stats-report -F markdown --history h.db --run 2
	assert_output --partial "| SPF adoption | 6 | 8 | 75.0 |"
	run -2 --separate-stderr stats-report --history h.db --run 9
	assert_equal "$stderr" "stats-report: no run 9 in 'h.db'"
}

@test "a history file from a newer version, locked, or not a history file: status 2" {
	stats-report -F json --history h.db --date 2026-11-01 "$F/graded.ndjson" >/dev/null
	cp h.db new.db
	sqlite3 new.db 'PRAGMA user_version = 7'
	run -2 --separate-stderr stats-report -F json --history new.db <"$F/graded.ndjson"
	assert_equal "$stderr" "stats-report: history file 'new.db' has schema version 7, newer than this stats-report reads (2): use a newer stats-report"
	run -2 --separate-stderr stats-report --history new.db --list-runs
	echo 'not a database, just text that is long enough to be a header......................' >text.db
	run -2 --separate-stderr stats-report -F json --history text.db <"$F/graded.ndjson"
	assert_equal "$stderr" "stats-report: 'text.db' is not a history file (not an SQLite database)"
	# another process holds the write lock
	python3 -c 'import sqlite3, sys, time
c = sqlite3.connect("h.db", isolation_level=None)
c.execute("BEGIN EXCLUSIVE")
open("locked", "w").close()
time.sleep(120)' &
	local pid=$!
	for _ in $(seq 300); do [ -e locked ] && break; sleep 0.1; done
	[ -e locked ]
	run --separate-stderr stats-report -F json --history h.db <"$F/graded.ndjson"
	kill "$pid"
	wait "$pid" || true
	[ "$status" -eq 2 ]
	[[ "$stderr" == "stats-report: history file 'h.db' is locked by another process"* ]]
	# nothing was stored by the refused runs
	run -0 stats-report --history h.db --list-runs
	assert_equal "${#lines[@]}" 2
}

@test "the HTML report renders in headless Chromium to a page that is not blank" {
	command -v chromium >/dev/null || skip "needs chromium (Debian package chromium)"
	# the page is the same from either build; the sanitizer build writes HTML in other tests
	! sanitized || skip "chromium's rendering runs on the normal build"
	stats-report -F html --date 2026-11-01 "$F/graded.ndjson" >r.html
	# a profile of its own, nothing fetched; the page has nothing to fetch anyway
	timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
		--disable-component-update --disable-sync --no-first-run \
		--user-data-dir="$BATS_TEST_TMPDIR/profile" --screenshot="$PWD/out.png" \
		--window-size=1000,1200 "file://$PWD/r.html" 2>/dev/null
	run -0 python3 "$F/pngstat.py" out.png 72e572 ff8080 69b3a2
	read -r w h permille colours found <<<"$output"
	assert_equal "$w $h" "1000 1200"
	# text, pies and bars cover part of the page in many colours, the charts' own among them
	[ "$permille" -gt 30 ] || fail "only $permille per mille of the page is not white"
	[ "$colours" -gt 50 ] || fail "only $colours colours"
	assert_output --partial "72e572 ff8080 69b3a2"
}

@test "--store summarises the seen-db/domain-born store" {
	command -v seen-db >/dev/null || skip "needs seen-db"
	export DOMSTAT_DB="$PWD/d.db"
	printf 'alpha.com\nbeta.org\nalpha.com\ngamma.net\n' | seen-db >/dev/null
	now=$(date +%s)
	# registrations as domain-born stores them (common/store.c schema v2); gamma seen 3 days ago
	sqlite3 d.db "INSERT INTO registration(domain, created, expires, source, server, fetched,
		error_code, error_msg, valid_until) VALUES
		('alpha.com', 946684800, 4102444800, 'RDAP', 'https://rdap.verisign.com/com/v1/', $now, NULL, NULL, 4102444800),
		('beta.org', $((now - 86400 * 30)), NULL, 'RDAP', 'https://rdap.publicinterestregistry.org/rdap/', $now, 'not-found', 'no such domain', 4102444800);
		UPDATE seen SET first_seen = first_seen - 3 * 86400 WHERE domain = 'gamma.net'"
	run -0 stats-report --store -F json
	echo "$output" >s.json
	run -0 jq -c '[.store, .figures.store_domains.denominator,
		(.figures.store_domains.items | map({(.key): .count}) | add),
		(.figures.store_lookups.items | map({(.key): .count}) | add)]' s.json
	assert_output "[\"$PWD/d.db\",3,{\"live\":3,\"never_expire\":0,\"with_registration\":2},{\"hits\":1,\"misses\":3,\"first_contacts\":3}]"
	run -0 jq -c '.figures.first_contacts_by_day.items | map(.count)' s.json
	assert_output '[0,0,0,0,0,0,0,0,0,0,1,0,0,2,0]'
	run -0 jq -c '.figures.registration_age.items | map({(.key): .count}) | add' s.json
	assert_output '{"new":1,"established":1,"unknown":1}'
	run -0 jq -c '[.figures.rdap_outcomes, .figures.registries] | map(.items | map({(.key): .count}) | add)' s.json
	assert_output '[{"not-found":1,"ok":1},{"rdap.publicinterestregistry.org":1,"rdap.verisign.com":1,"(none)":0}]'
	# the same as a file operand, in HTML with a chart per figure
	stats-report --store d.db -F html >s.html
	xmllint --noout s.html
	assert_equal "$(grep -o '<svg ' s.html | wc -l)" "$(jq '.figures | length' s.json)"
	run -2 --separate-stderr stats-report --store missing/none.db
	[[ "$stderr" == "stats-report: "*"missing/none.db"* ]]
}

@test "DNStats-scale grades outside 0-100 are binned; lists and figures share one definition" {
	run -0 stats-report -F json --lists out --date 2026-11-01 "$F/dnstats.ndjson"
	echo "$output" >r.json
	run -0 check_figures "$F/dnstats.ndjson" r.json
	assert_output '[]'
	# CAA -10 in the lowest bin; DMARC 120 and overall 105 in the top one, overall -3 lowest
	run -0 jq -c '[.input.skipped, .figures.grade_caa.items[0].count, .figures.grade_dmarc.items[9].count,
		(.figures.grade_overall.items | .[0].count, .[9].count)]' r.json
	assert_output '[0,1,1,1,1]'
	# kilo's SPF is only reached through redirect: facts.dnstats.has_spf says false (DNStats'
	# quirk), but it has SPF by RFC 7208 and the figures count it, so the lists do too
	assert_equal "$(jq -r .facts.dnstats.has_spf "$F/dnstats.ndjson" | head -1)" false
	assert_equal "$(tail -n +2 out/spf_domains.csv)" "$(printf '10,kilo.example\n11,lima.example')"
	assert_equal "$(tail -n +2 out/no_spf_domains.csv)" ""
	assert_equal "$(jq -c '.figures.spf_adoption | [.denominator, .items[0].count]' r.json)" '[2,2]'
	assert_equal "$(tail -n +2 out/spf_softfail.csv)" "10,kilo.example"
	# lima has no DNSSEC or MX grade (not scanned for them): in neither list, nor the figures
	assert_equal "$(tail -n +2 out/dnssec_domains.csv)" ""
	assert_equal "$(tail -n +2 out/no_dnssec_domains.csv)" "10,kilo.example"
	assert_equal "$(tail -n +2 out/no_mx_domains.csv)" ""
	assert_equal "$(jq -c '.figures.dnssec_adoption.denominator' r.json)" 1
	# has_securitytxt is null: neither list
	run -0 jq -c '[length, input | length]' out/securitytxt_domains.json out/no_securitytxt_domains.json
	assert_output '[0,0]'
	# on the domstat scale 101 is still an error
	run -1 sh -c 'echo "{\"domain\":\"x.example\",\"grade_scale\":\"domstat\",\"grades\":{\"dmarc\":120}}" | stats-report -F json'
}

@test "dns-grade's real output on both scales: nothing skipped, every figure agrees with jq" {
	command -v dns-grade >/dev/null || skip "needs dns-grade"
	local scans="$BATS_TEST_DIRNAME/fixtures/dns-grade/scans.ndjson"
	[ -e "$scans" ] || skip "needs dns-grade's scan fixtures"
	for scale in domstat dnstats; do
		dns-grade --scale "$scale" <"$scans" >graded.ndjson
		run -0 --separate-stderr stats-report -F json --lists "out-$scale" --date 2026-11-01 graded.ndjson
		echo "$output" >r.json
		run -0 jq -c '[.input.lines == .input.records, .input.skipped]' r.json
		assert_output '[true,0]'
		run -0 check_figures graded.ndjson r.json
		assert_output '[]'
		cp r.json "r-$scale.json"
	done
	# the mail-transport parts: adoption and DANE's status on the domstat scale (the stored
	# scans have three domains without MTA-STS, two of them MTA-STS policy cases, one whose
	# TLSA did not validate, six without TLSA); DNStats' scale grades none of them, which is
	# no part the scan left out
	run -0 jq -c '[.figures.mta_sts_adoption, .figures.dane_status, .figures.dkim_adoption]
		| map([.denominator, (.items | map(.count))])' r-domstat.json
	assert_output '[[122,[119,3]],[118,[111,1,6]],[122,[121,1]]]'
	run -0 jq -c '[.figures.mta_sts_adoption.denominator, (.figures.not_scanned_causes.items[] | select(.key == "not_asked") | .count)]' r-dnstats.json
	assert_output '[0,0]'
}

@test "--lists writes through no symlink planted at any temporary or final name" {
	mkdir out
	echo secret >victim
	cp victim victim.orig
	# every name a list file has, or had as its temporary, in the folder
	for name in $(sed -n 's/^    "\([a-z_]*\)",$/\1/p' "$TOP/cmd/stats-report/lists.c"); do
		for ext in csv json; do
			ln -s ../victim "out/.$name.$ext.tmp"
			ln -s ../victim "out/$name.$ext"
		done
	done
	[ "$(find out -type l | wc -l)" -eq 128 ]
	run -0 stats-report -F json --lists out --date 2026-11-01 "$F/graded.ndjson"
	cmp victim victim.orig
	# the lists are regular files now, and the planted temporary links were not used
	[ "$(find out -maxdepth 1 -name '*.csv' -type f | wc -l)" -eq 32 ]
	[ "$(find out -maxdepth 1 -name '*.json' -type f | wc -l)" -eq 32 ]
	[ "$(find out -type l | wc -l)" -eq 64 ]
	assert_equal "$(head -1 out/mx_domains.csv)" "rank,domain"
}

@test "a crafted provider name and domain: control characters escaped in text and markdown, formulas neutralised in CSV" {
	# One graded record whose provider name carries a terminal title change, a screen clear,
	# a carriage return and a line feed; domains that spreadsheets would run as formulas.
	jq -c '.facts.mail_provider = "Evil\u001b]0;pwned\u0007\u001b[2J\r\nCorp" | .rank = 1' \
		<(head -1 "$F/graded.ndjson") >in.ndjson
	for d in '=HYPERLINK("http://x.test","y")' '+cmd|calc' '-2+3' '@SUM(1)' $'\tx.test' $'\rx.test'; do
		jq -c --arg d "$d" '.domain = $d | .rank = 2' <(head -1 "$F/graded.ndjson") >>in.ndjson
	done
	run -0 stats-report -F text in.ndjson
	assert_output --partial 'Evil\x1b]0;pwned\x07\x1b[2J\x0d\x0aCorp'
	! printf '%s' "$output" | grep -q $'[\x01-\x09\x0b-\x1f\x7f]'
	run -0 stats-report -F markdown in.ndjson
	assert_output --partial 'Evil\\x1b\]0;pwned\\x07\\x1b\[2J\\x0d\\x0aCorp'
	! printf '%s' "$output" | grep -q $'[\x01-\x09\x0b-\x1f\x7f]'
	run -0 stats-report -F json --lists out in.ndjson
	run -0 cat out/mx_domains.csv
	assert_output "$(printf '%s\n' 'rank,domain' '1,alpha.example' \
		'2,"'"'"'=HYPERLINK(""http://x.test"",""y"")"' \
		'2,"'"'"'+cmd|calc"' '2,"'"'"'-2+3"' '2,"'"'"'@SUM(1)"' \
		"2,\"'"$'\t'"x.test\"" "2,\"'"$'\r'"x.test\"")"
	# the JSON lists keep the names as they are
	run -0 jq -r '.[1].domain' out/mx_domains.json
	assert_output '=HYPERLINK("http://x.test","y")'
}

@test "--lists hold each name in the form dns-scan asked it, however the input spelled it" {
	for d in 'BÜCHER.example' 'xn--bcher-kva.Example' 'ＡＬＰＨＡ．example' 'alpha。example'; do
		jq -c --arg d "$d" '.domain = $d' <(head -1 "$F/graded.ndjson")
	done >in.ndjson
	run -0 stats-report -F json --lists out in.ndjson
	run -0 cat out/mx_domains.csv
	assert_output "$(printf '%s\n' 'rank,domain' '1,xn--bcher-kva.example' '1,xn--bcher-kva.example' \
		'1,alpha.example' '1,alpha.example')"
}

@test "a foreign SQLite file given as --history or --store is refused and left byte-identical" {
	sqlite3 other.db 'CREATE TABLE t (x); INSERT INTO t VALUES (1)'
	cp other.db other.orig
	run -2 --separate-stderr stats-report -F json --history other.db <"$F/graded.ndjson"
	assert_equal "$stderr" "stats-report: 'other.db' is not a history file (it has other tables)"
	assert_output ''
	cmp other.db other.orig
	run -2 --separate-stderr stats-report --history other.db --list-runs
	cmp other.db other.orig
	run -2 --separate-stderr stats-report -F json --store other.db
	assert_equal "$stderr" "stats-report: cannot open 'other.db': not a domstat store (it has other tables)"
	cmp other.db other.orig
	# a dangling symlink as the history file is not followed to create its target
	ln -s target.db link.db
	run -2 --separate-stderr stats-report -F json --history link.db <"$F/graded.ndjson"
	[ ! -e target.db ]
	# nor is one at SQLite's journal name, beside a new history file or one in use
	echo secret >victim
	cp victim victim.orig
	ln -s victim h.db-journal
	run -0 stats-report -F json --history h.db --date 2026-11-01 "$F/graded.ndjson"
	ln -sf victim h.db-journal
	run -2 stats-report -F json --history h.db --date 2026-11-02 "$F/graded.ndjson"
	cmp victim victim.orig
	rm h.db-journal
	assert_equal "$(sqlite3 h.db 'SELECT count(*) FROM runs')" 1
}

@test "--history is one transaction: an unreadable earlier run stores nothing; the same date again replaces its run" {
	stats-report -F json --history h.db --date 2026-11-01 "$F/graded.ndjson" >r1.json
	sqlite3 h.db "UPDATE runs SET report = '{' WHERE id = 1"
	run -2 --separate-stderr stats-report -F json --history h.db --date 2026-11-02 "$F/graded.ndjson"
	[[ "$stderr" == "stats-report: history file 'h.db': run 1 cannot be read: "* ]]
	assert_output ''
	assert_equal "$(sqlite3 h.db 'SELECT count(*) FROM runs; SELECT count(DISTINCT run_id) FROM figures')" "$(printf '1\n1')"
	# the same date twice: the second run replaces the first, under its id
	rm h.db
	stats-report -F json --history h.db --date 2026-11-01 "$F/graded.ndjson" >r1.json
	head -3 "$F/graded.ndjson" >three.ndjson
	run -0 stats-report -F json --history h.db --date 2026-11-01 three.ndjson
	assert_equal "$(jq .run_id <<<"$output")" 1
	run -0 stats-report --history h.db --list-runs
	assert_output "$(printf 'run\tdate\trecords\tskipped\tnonexistent\tpartial\tfailed\n1\t2026-11-01\t3\t0\t0\t0\t0')"
	assert_equal "$(sqlite3 h.db 'SELECT count(DISTINCT run_id), max(denominator) FROM figures WHERE figure = "spf_adoption"')" "1|3"
	stats-report -F json --history h.db --date 2026-11-02 "$F/graded.ndjson" >r2.json
	assert_equal "$(jq .run_id r2.json)" 2
	assert_equal "$(jq .previous_run.run_id r2.json)" 1
}

@test "--lists: a run that dies (an unreadable input file) leaves no temporary file behind" {
	# a missing operand is found before anything is read or made
	run -2 --separate-stderr stats-report -F json --lists out "$F/graded.ndjson" missing.ndjson
	assert_equal "$stderr" "stats-report: cannot open 'missing.ndjson': No such file or directory"
	[ ! -e out ]
	# one that fails while it is read (reading address 0 of its own memory is an I/O error)
	run -2 --separate-stderr stats-report -F json --lists out "$F/graded.ndjson" /proc/self/mem
	assert_equal "$stderr" "stats-report: cannot read '/proc/self/mem': Input/output error"
	run -0 ls -A out
	assert_output ''
}

# fixtures/stats-report/status.ndjson: 9 domains as dns-scan and dns-grade mark them. Ranks:
# 1 ok, SPF only a redirect= (facts.dnstats.has_spf false), CAA found at the parent
# 2 ok, no SPF; 3 nxdomain (graded the old way); 4 nxdomain (facts.exists false, null grades);
# 5 failed, 12 refused (graded the old way, as absent); 6 failed, 10 timeouts (null grades);
# 7 partial, 2 SERVFAIL, SPF and DMARC unknown (null); 8 ok, CAA and BIMI not asked (null);
# 9 partial, a malformed answer and a network error, every part graded, no MX.
@test "denominators leave out domains that do not exist, could not be scanned, or were not scanned for that part" {
	run -0 stats-report -F json --date 2026-11-01 "$F/status.ndjson"
	echo "$output" >r.json
	run -0 check_figures "$F/status.ndjson" r.json
	assert_output '[]'
	# every record is read: null grades are not a broken record
	run -0 jq -c '[.input.records, .input.skipped]' r.json
	assert_output '[9,0]'
	# SPF: of 1, 2, 8, 9 (3 and 4 do not exist, 5 and 6 failed, 7's SPF unknown); 1 has SPF by redirect
	run -0 jq -c '.figures.spf_adoption | [.denominator, .items[0].count, .denominator_of]' r.json
	assert_output '[4,3,"domains that exist and were scanned for SPF"]'
	# CAA: of 1, 2, 7, 9 (8 was not asked); 1's CAA found at the parent counts
	run -0 jq -c '.figures.caa_adoption | [.denominator, .items[0].count]' r.json
	assert_output '[4,4]'
	# MX: of 1, 2, 7, 8, 9: the old nxdomain record's "mx 100" and the refused one's absence are not counted
	run -0 jq -c '.figures.mx_adoption | [.denominator, .items[0].count]' r.json
	assert_output '[5,4]'
	run -0 jq -c '[.figures.grade_overall.denominator, .figures.remark_codes.denominator, .figures.active_directory.denominator]' r.json
	assert_output '[4,5,5]'
	# the coverage section: by status, by cause, by part
	run -0 jq -c '[.figures.scan_status.items[] | .count]' r.json
	assert_output '[3,2,2,2,0]'
	run -0 jq -c '.figures.not_scanned_causes | [.denominator, (.items | map({(.key): .count}) | add)]' r.json
	assert_output '[7,{"servfail":1,"refused":1,"timeout":1,"malformed":1,"network":1,"other":0,"not_asked":1}]'
	run -0 jq -c '.figures.not_scanned_parts.items | map({(.key): .count}) | add' r.json
	assert_output '{"spf":3,"dmarc":3,"caa":3,"ns":2,"soa":2,"mx":2,"dnssec":2,"bimi":3,"mta_sts":7,"tls_rpt":7,"dane":7,"dkim":7,"mta_sts_policy":7,"security_txt":7}'
	# and each part's denominator is the domains that exist less those left out of it
	run -0 jq -e '(.figures.not_scanned_parts.items | map({(.key): .count}) | add) as $out
		| .figures.not_scanned_parts.denominator as $e
		| [.figures.spf_adoption, .figures.dmarc_adoption, .figures.caa_adoption, .figures.mx_adoption,
		   .figures.bimi_adoption, .figures.dnssec_adoption, .figures.ns_lame] | map(.denominator)
		== [$e - $out.spf, $e - $out.dmarc, $e - $out.caa, $e - $out.mx, $e - $out.bimi, $e - $out.dnssec, $e - $out.ns]' r.json
	# the text report says it at the top
	run -0 stats-report -F text --date 2026-11-01 "$F/status.ndjson"
	assert_line "2 do not exist and 2 could not be scanned (2 more partly): each figure is of the domains that exist and were scanned for its part."
	assert_line "SPF adoption                                         3 of 4           75.0%"
	run -0 stats-report -F html --date 2026-11-01 "$F/status.ndjson"
	assert_output --partial "<p><strong>2</strong> do not exist and <strong>2</strong> could not be scanned (2 more partly)"
}

@test "--lists agree with the figures on every domain: a redirect= SPF and a parent's CAA are adopted in both" {
	run -0 stats-report -F json --lists out --date 2026-11-01 "$F/status.ndjson"
	echo "$output" >r.json
	# each adoption figure's yes and no are its list and its no_ list, domain by domain
	for pair in spf:spf_adoption caa:caa_adoption mx:mx_adoption dmarc:dmarc_adoption dnssec:dnssec_adoption \
		caa_reporting:caa_reporting; do
		local l=${pair%%:*} fig=${pair#*:}
		assert_equal "$(($(count_lines "out/${l}_domains.csv") - 1))" \
			"$(jq ".figures.$fig.items[0].count" r.json)"
		assert_equal "$(($(count_lines "out/no_${l}_domains.csv") - 1))" \
			"$(jq ".figures.$fig.items[1].count" r.json)"
	done
	# the policy lists are the policy figure's items
	for p in fail softfail neutral pass no_policy; do
		assert_equal "$(($(count_lines "out/spf_$p.csv") - 1))" \
			"$(jq --arg p "$p" '.figures.spf_policy.items[] | select(.key == $p) | .count' r.json)"
	done
	grep -qx '1,redirect.example' out/spf_domains.csv
	! grep -q redirect.example out/no_spf_domains.csv
	grep -qx '1,redirect.example' out/caa_domains.csv
	! grep -q redirect.example out/no_caa_domains.csv
	# a domain that does not exist or could not be scanned is in no list; one not scanned for
	# a part in neither of its lists
	run -0 sh -c 'cat out/*.csv | grep -c -e gone- -e refused-old -e timeout-new || true'
	assert_output 0
	run -0 sh -c 'cat out/spf_domains.csv out/no_spf_domains.csv | grep -c servfail-part || true'
	assert_output 0
	run -0 sh -c 'cat out/caa_domains.csv out/no_caa_domains.csv | grep -c minimal || true'
	assert_output 0
	grep -qx '8,minimal.example' out/spf_domains.csv
}

@test "the jq oracle catches a wrong denominator or a miscounted coverage figure" {
	run -0 stats-report -F json --date 2026-11-01 "$F/status.ndjson"
	echo "$output" >r.json
	# what stats-report gave before: every graded domain in the denominator
	jq '.figures.spf_adoption.denominator = 7 | .figures.spf_adoption.items[1].count = 4' r.json >bad1.json
	run -0 sh -c 'jq -n --slurpfile recs "$1" --slurpfile rep "$2" -f "$3" | jq -r ".[]"' sh \
		"$F/status.ndjson" bad1.json "$F/check.jq"
	assert_line 'figures: spf_adoption: expected {"denominator":4,"counts":{"yes":3,"no":1}}, got {"denominator":7,"counts":{"yes":3,"no":4}}'
	jq '.figures.not_scanned_causes.items[1].count = 0' r.json >bad2.json
	run -0 check_figures "$F/status.ndjson" bad2.json
	assert_output --partial 'figures: not_scanned_causes: expected'
}

@test "--history: schema 1 is brought to 2 in one transaction; the coverage counts are kept per run" {
	# a history file as stats-report wrote it at schema 1 (see the fixture's head)
	sqlite3 h.db <"$F/history-v1.sql"
	assert_equal "$(sqlite3 h.db 'PRAGMA user_version')" 1
	cp h.db before.db
	# read-only uses leave a schema 1 file as it is
	run -0 stats-report --history h.db --list-runs
	assert_output "$(printf 'run\tdate\trecords\tskipped\tnonexistent\tpartial\tfailed\n1\t2026-11-01\t8\t0\t\t\t')"
	cmp before.db h.db
	# a writer that cannot get the lock migrates nothing
	python3 -c 'import sqlite3, time
c = sqlite3.connect("h.db", isolation_level=None)
c.execute("BEGIN IMMEDIATE")
open("locked", "w").close()
time.sleep(120)' &
	local pid=$!
	for _ in $(seq 300); do [ -e locked ] && break; sleep 0.1; done
	[ -e locked ]
	run --separate-stderr stats-report -F json --history h.db --date 2026-11-02 "$F/status.ndjson"
	kill "$pid"
	wait "$pid" || true
	[ "$status" -eq 2 ]
	assert_equal "$(sqlite3 h.db 'PRAGMA user_version')" 1
	# the next run migrates and stores its counts; the old run's are unknown, not 0
	run -0 stats-report -F json --history h.db --date 2026-11-02 "$F/status.ndjson"
	echo "$output" >r.json
	assert_equal "$(sqlite3 h.db 'PRAGMA user_version')" 2
	run -0 stats-report --history h.db --list-runs
	assert_output "$(printf 'run\tdate\trecords\tskipped\tnonexistent\tpartial\tfailed\n1\t2026-11-01\t8\t0\t\t\t\n2\t2026-11-02\t9\t0\t2\t2\t2')"
	# the share that could not be scanned shows against the day before (run 1's stored report
	# has the figure: none of its 8 records failed)
	run -0 jq -c '.figures.scan_status.items[] | select(.key == "failed") | [.pct, .delta_pct]' r.json
	assert_output '[22.22,22.22]'
	jq -c 'select(.dns.status == "failed")' "$F/status.ndjson" >broken.ndjson
	run -0 stats-report -F json --history h.db --date 2026-11-03 broken.ndjson
	run -0 jq -c '.figures.scan_status.items[] | select(.key == "failed") | [.pct, .delta_pct]' <<<"$output"
	assert_output '[100,77.78]'
	run -0 stats-report --history h.db --run 1 -F json
}

# fixtures/stats-report/threevalued.ndjson: records in the shape of dns-grade's three values
# without dns-scan's dns member (its status copied in facts.scan.status): a domain that does not
# exist (facts.exists false, null grades, one remark of category "domain"), one whose every
# question was refused (null grades), one whose CAA was not asked.
@test "dns-grade's three values: null grades and facts.exists are read, nothing is skipped" {
	run -0 stats-report -F json --lists out --date 2026-11-01 "$F/threevalued.ndjson"
	echo "$output" >r.json
	run -0 check_figures "$F/threevalued.ndjson" r.json
	assert_output '[]'
	run -0 jq -c '[.input.records, .input.skipped, [.figures.scan_status.items[].count],
		.figures.spf_adoption.denominator, .figures.caa_adoption.denominator,
		.figures.grade_overall.denominator, .figures.mail_providers.denominator,
		(.figures.not_scanned_causes.items[] | select(.key == "not_asked") | .count)]' r.json
	assert_output '[3,0,[1,1,0,1,0],1,0,0,1,1]'
	assert_equal "$(tail -n +2 out/spf_domains.csv)" "3,minimal.example"
	run -0 sh -c 'cat out/*caa*.csv | grep -c example || true'
	assert_output 0
}
