#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# What every filter reads (domstat(7): Input files, Field paths, Pass-through, the record
# contract): file operands, --field as a jq path, --pass-through, a ranked list's header line.
# Nothing here asks DNS or RDAP: names are invalid, passed through, or answered by the store.

load helper

CMDS="dns-scan dns-grade stats-report domain-freq seen-db domain-born"

setup() {
	setup_isolated
	export DOMSTAT_DB="$PWD/store.db"
	GRADED="$FIXTURES/stats-report/graded.ndjson"
	SCAN=$(head -n 1 "$FIXTURES/dns-grade/scans.ndjson")
}

# The registration domain-born --offline answers for these names, from the store.
know() {
	local d
	for d in "$@"; do
		echo "{\"domain\":\"$d\",\"created\":\"1999-05-11T00:00:00Z\",\"expires\":\"2030-05-11T00:00:00Z\"}"
	done | seen-db import --tag rdap 2>/dev/null
}

@test "operands are read in order as cat would, - is standard input, messages name the file" {
	printf 'alpha.example.com\nbad..name\n' >a.txt
	printf 'gamma.example.org' >c.txt # no newline at its end
	run -1 --separate-stderr domain-freq --no-ngram a.txt - c.txt <<<"beta.example.net"
	assert_equal "$(jq -r .domain <<<"$output" | paste -sd ' ')" \
		"alpha.example.com bad..name beta.example.net gamma.example.org"
	assert_equal "$stderr" "domain-freq: a.txt:2: invalid name: empty label [invalid-name]"
	# a line of standard input keeps its old name
	run -1 --separate-stderr domain-freq --no-ngram - <<<"bad..name"
	assert_equal "$stderr" "domain-freq: line 1: invalid name: empty label [invalid-name]"
	# the other five, each with a line it reports
	printf '{"domain":"bad..name"}\n' >bad.ndjson
	printf 'x y\n' >bad.txt
	run -1 --separate-stderr dns-scan -r 127.0.0.1:9 bad.txt bad.ndjson </dev/null
	[ "${#lines[@]}" -eq 2 ]
	[[ "$stderr" == *"dns-scan: bad.txt:1: invalid name"*"dns-scan: bad.ndjson:1: invalid name"* ]]
	run -1 --separate-stderr dns-grade bad.ndjson </dev/null
	[[ "$stderr" == "dns-grade: bad.ndjson:1: no 'dns' member"* ]]
	run -1 --separate-stderr seen-db c.txt bad.ndjson
	assert_equal "$(jq -r .domain <<<"$output" | paste -sd ' ')" "gamma.example.org bad..name"
	[[ "$stderr" == "seen-db: bad.ndjson:1: invalid name"* ]]
	run -0 seen-db get gamma.example.org
	run -1 --separate-stderr domain-born --offline c.txt bad.ndjson
	[[ "$stderr" == *"domain-born: c.txt:1: 'example.org' is not in the store (--offline)"* ]]
	[[ "$stderr" == *"domain-born: bad.ndjson:1: invalid name"* ]]
	run -1 --separate-stderr stats-report -F json --date 2026-11-01 "$GRADED" c.txt
	[[ "$stderr" == *"stats-report: c.txt:1: not a graded record"* ]]
	jq -e ".input.lines == $(($(count_lines "$GRADED") + 1))" <<<"$output"
}

@test "an operand that cannot be read stops the command before it reads; a domain gets a hint" {
	local c
	for c in $CMDS; do
		run -2 --separate-stderr "$c" example.com <<<"should.not.be.read.com"
		assert_equal "$output" ""
		if [ "$c" = seen-db ]; then
			[[ "$stderr" == *"cannot open 'example.com': No such file or directory (to look up one name: seen-db get example.com)" ]]
		else
			[[ "$stderr" == *"cannot open 'example.com': No such file or directory (to look up one name: echo example.com | $c)" ]] ||
				fail "$c: $stderr"
		fi
	done
	# the store was never opened, so not created
	[ ! -e store.db ]
	# a missing file that is no domain name: no hint; a folder; one bad operand of several
	run -2 --separate-stderr domain-freq nosuch.txt
	assert_equal "$stderr" "domain-freq: cannot open 'nosuch.txt': No such file or directory"
	mkdir dir
	run -2 --separate-stderr domain-born dir
	assert_equal "$stderr" "domain-born: cannot read 'dir': Is a directory"
	echo a.com >ok.txt
	run -2 --separate-stderr seen-db ok.txt nosuch.txt
	assert_equal "$output" ""
	[ ! -e store.db ]
}

@test "seen-db: a first operand that names a subcommand runs it; any other is the filter's file" {
	printf 'one.example.com\ntwo.example.org\n' >list.txt
	run -0 seen-db import list.txt
	run -0 --separate-stderr seen-db list.txt
	jq -e -s 'length == 2 and all(.alerts == null)' <<<"$output"
	run -0 seen-db get two.example.org
	# a file named like a subcommand is given with a path
	cp list.txt stats
	run -0 seen-db ./stats
	run -0 seen-db stats
	jq -e '.domains == 2' <<<"$output"
	run -2 --separate-stderr seen-db stat
	[[ "$stderr" == "seen-db: unknown subcommand 'stat' (and no such file)"* ]]
	# the filter's options are refused before a subcommand, as before
	run -2 seen-db -P get one.example.com
}

@test "--field takes jq paths: a.b, .a.b, a[\"k.k\"], a[0].b, a[].b (the first element that has it)" {
	local want
	want=$(echo xjq7kz2vbw9p.info | domain-freq --no-ngram | jq -c .freq_score)
	run -0 domain-freq --no-ngram -f dns.rrname <<<'{"dns":{"rrname":"xjq7kz2vbw9p.info"}}'
	assert_equal "$(jq -c .freq_score <<<"$output")" "$want"
	run -0 domain-freq --no-ngram -f .dns.rrname <<<'{"dns":{"rrname":"xjq7kz2vbw9p.info"}}'
	assert_equal "$(jq -c .freq_score <<<"$output")" "$want"
	# Zeek's keys hold dots: the bracket form names one member, the dotted form two
	run -0 domain-freq --no-ngram -f '["id.resp_h"]' <<<'{"id.resp_h":"xjq7kz2vbw9p.info","id":{"resp_h":"www.google.com"}}'
	assert_equal "$(jq -c .freq_score <<<"$output")" "$want"
	run -0 domain-freq --no-ngram -f 'a[1].name' <<<'{"a":[{"name":"www.google.com"},{"name":"xjq7kz2vbw9p.info"}]}'
	assert_equal "$(jq -c .freq_score <<<"$output")" "$want"
	# Suricata eve DNS format 3: the first query that has a name
	run -0 --separate-stderr seen-db -f 'dns.queries[].rrname' <<<'{"event_type":"dns","dns":{"version":3,"queries":[{"type":"A"},{"rrname":"first.example.com"},{"rrname":"second.example.org"}]}}'
	jq -e '.alerts == ["YOUR-FIRST-CONTACT"]' <<<"$output"
	run -0 seen-db get example.com
	run -1 seen-db get example.org
	# a path that finds nothing is the usual error, naming the path as given
	run -1 --separate-stderr domain-freq -f 'dns.queries[].rrname' <<<'{"dns":{"queries":[]}}'
	assert_equal "$stderr" "domain-freq: line 1: no 'dns.queries[].rrname' member [no-field]"
}

@test "an invalid --field is a usage error in every command, before any input is read" {
	local c p
	for c in dns-scan stats-report domain-freq seen-db domain-born; do
		for p in .a.b. 'a[0'; do
			run -2 --separate-stderr "$c" -f "$p" <<<"example.com"
			assert_equal "$output" ""
			[[ "$stderr" == "$c: invalid value for --field: '$p' ("* ]] || fail "$c -f '$p': $stderr"
		done
	done
	for p in 'a..b' 'a]' 'a["x"' 'a[x]' '' '.' 'a.[0' '[0' '[0].a'; do
		run -2 --separate-stderr domain-freq -f "$p" <<<"example.com"
		[[ "$stderr" == "domain-freq: invalid value for --field: '$p' ("* ]] || fail "-f '$p': $stderr"
	done
	run -2 --separate-stderr domain-freq -f 'a..b' </dev/null
	assert_equal "$stderr" "domain-freq: invalid value for --field: 'a..b' (empty member name at byte 3)"
}

@test "--pass-through: lines that are no record come out byte for byte, with no error and status 0" {
	know example.com
	cat >mixed.json <<-'EOF'
		{"event_type":"flow","flow_id":1987654321098765433,"n":1.50}
		  {"event_type":"stats" , "x":[1, 2]}  
		not JSON {
		{"event_type":"dns","dns":{"rrname":"www.example.com"}}
		{"event_type":"dns","dns":{"rrname":""}}
		{"event_type":"dns","dns":{"rrname":42}}
		{"event_type":"dns","dns":{"rrname":"bad..name"}}
		{"event_type":"dns","dns":{"rrname":"has space.example.com"}}

		{"broken":
	EOF
	local c
	for c in domain-freq seen-db "domain-born --offline"; do
		# without it, every such line is an error
		run -1 --separate-stderr $c -f dns.rrname mixed.json
		run -0 --separate-stderr $c -P -f dns.rrname mixed.json
		assert_equal "$stderr" ""
		printf '%s\n' "$output" >out
		[ "$(count_lines out)" -eq "$(count_lines mixed.json)" ]
		diff <(sed 4d mixed.json) <(sed 4d out) || fail "$c changed a line it passes"
		sed -n 4p out | jq -e '.dns.rrname == "www.example.com" and (.errors == null)' >/dev/null
	done
	# dns-scan: every line here is passed, so nothing is asked
	run -0 --separate-stderr dns-scan -P -r 127.0.0.1:9 -f dns.rrname <(sed 4d mixed.json)
	assert_equal "$stderr" ""
	diff <(sed 4d mixed.json) <(printf '%s\n' "$output")
	# dns-grade: lines without a dns member, and lines that are no JSON
	{ echo "$SCAN"; grep -v '"dns":' mixed.json; } >tograde
	run -1 --separate-stderr dns-grade tograde
	run -0 --separate-stderr dns-grade -P tograde
	assert_equal "$stderr" ""
	printf '%s\n' "$output" >out
	head -n 1 out | jq -e '.grades.overall | type == "number"' >/dev/null
	diff <(sed 1d tograde) <(sed 1d out)
	# stats-report: left out of the report, not counted as read or skipped
	cat "$GRADED" mixed.json >report.in
	run -1 --separate-stderr stats-report -F json --date 2026-11-01 report.in
	run -0 --separate-stderr stats-report -P -F json --date 2026-11-01 report.in
	assert_equal "$stderr" ""
	jq -e ".input.lines == $(count_lines "$GRADED") and .input.skipped == 0" <<<"$output"
}

@test "a ranked list's header line rank,domain is skipped; N,name lines carry their rank" {
	printf 'rank,domain\n1,example.com\n2,example.org\n' >top.csv
	printf 'Rank,Domain\r\n3,example.net\r\n' >more.csv
	run -0 --separate-stderr domain-freq --no-ngram top.csv more.csv
	assert_equal "$stderr" ""
	assert_equal "$(jq -c '[.rank, .domain]' <<<"$output" | paste -sd ' ')" \
		'[1,"example.com"] [2,"example.org"] [3,"example.net"]'
	run -0 --separate-stderr seen-db <top.csv
	[ "${#lines[@]}" -eq 2 ]
	# only as the first line: later it is the error it always was
	run -1 --separate-stderr domain-freq --no-ngram <<<$'1,example.com\nrank,domain'
	[ "${#lines[@]}" -eq 2 ]
}

@test "domstat-enrich.sh: eve DNS format 3 by a [] path, with and without a jq condition" {
	cat >eve3.json <<-'EOF'
		{"event_type":"flow","flow_id":1987654321098765433}
		{"event_type":"dns","dns":{"version":3,"type":"request","queries":[{"rrname":"xjq7kz2vbw9p.info","rrtype":"A"}]}}
		{"event_type":"dns","dns":{"version":3,"type":"response","queries":[{"rrname":"www.example.com","rrtype":"A"}]}}
	EOF
	local e="$TOP/share/examples/domstat-enrich.sh"
	run -0 --separate-stderr sh "$e" -f 'dns.queries[].rrname' <eve3.json
	printf '%s\n' "$output" >out
	cmp <(head -n 1 eve3.json) <(head -n 1 out)
	[ "$(grep -c '"freq_score"' out)" -eq 2 ]
	rm store.db
	run -0 --separate-stderr sh "$e" -f 'dns.queries[].rrname' -s '.dns.type == "request"' <eve3.json
	printf '%s\n' "$output" >out
	cmp <(sed 2d eve3.json) <(sed 2d out)
	sed -n 2p out | jq -e '.alerts == ["LOW-NGRAM-SCORE", "YOUR-FIRST-CONTACT"]' >/dev/null
}
