#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# domain-freq: the record contract every filter shares, freq.py-exact scores and alerts, and the
# n-gram model of labels (ngram_score, LOW-NGRAM-SCORE).

load helper

setup() {
	setup_isolated
	# A tiny freq.py table: after "a" comes "b" once. Scores on it can be worked out by hand.
	printf '[true, "\\n\\t~`!@#$%%^&*()_+-", [["a", [["b", 1]]]]]' >ab.freq
}

# --- the record contract ---

@test "a bare name becomes a JSON object with its domain" {
	run -0 domain-freq <<<"www.sans.org"
	assert_output --regexp '^\{"domain":"www\.sans\.org","freq_score":\[[0-9.]+,[0-9.]+\],"ngram_score":[0-9.]+\}$'
}

@test "a rank,name line from a ranked list keeps its rank" {
	run -0 domain-freq <<<"17,example.org"
	assert_output --regexp '^\{"rank":17,"domain":"example\.org","freq_score":'
}

@test "JSON input members are kept byte-identical and new members follow them" {
	printf '{ "domain" : "example.com", "n":1.50e3, "s":"caf\\u00e9\\/x", "o":{"k":[1, 2]} }\n' >in
	run -0 domain-freq <in
	assert_output --regexp '^\{ "domain" : "example\.com", "n":1\.50e3, "s":"caf\\u00e9\\/x", "o":\{"k":\[1, 2\]\} ,"freq_score":\[[0-9.]+,[0-9.]+\],"ngram_score":[0-9.]+\}$'
}

@test "--field follows a dotted path into nested objects (Suricata eve.json)" {
	ex="$TOP/share/examples/eve-dns.ndjson"
	run -1 domain-freq --field dns.rrname <"$ex"
	domain-freq -f dns.rrname <"$ex" >out 2>/dev/null || true
	diff <(jq -r .dns.rrname out) <(jq -r .dns.rrname "$ex")
	jq -s -e 'map(select(.dns.rrname == "www.sans.org"))[0].freq_score | length == 2' out
	jq -s -e 'map(select(.dns.rrname == "wpad.localdomain"))[0].freq_score == "ERROR"' out
}

@test "field names are matched after JSON unescaping, and the first of duplicate keys wins" {
	printf '{"dns":{"rr\\u006eame":"sans.org"}}\n{"domain":"a.org","domain":"b.org"}\n' >in
	run -0 domain-freq -f dns.rrname <<<"$(head -1 in)"
	assert_equal "$(jq -c .freq_score <<<"$output")" "$(domain-freq <<<"sans.org" | jq -c .freq_score)"
	run -0 domain-freq <<<"$(tail -1 in)"
	assert_equal "$(jq -c .freq_score <<<"$output")" "$(domain-freq <<<"a.org" | jq -c .freq_score)"
	# a path is followed through the first member of each name only, never a later duplicate
	run -1 --separate-stderr domain-freq -f a.b <<<'{"a":{"x":1},"a":{"b":"found.com"}}'
	[[ "$stderr" == *"no 'a.b' member"* ]]
}

@test "only host-name characters make a valid name; others are reported but still scored" {
	printf 'ex!ample.com\nex/ample.com\n_dmarc.example.com\n' >in
	run --separate-stderr -1 domain-freq <in
	[[ "$stderr" == *"line 1: invalid name: character '!' not allowed in a domain name"* ]]
	[[ "$stderr" == *"line 2: invalid name: character '/' not allowed in a domain name"* ]]
	[[ "$stderr" != *"line 3"* ]]
	jq -e '.freq_score | length == 2' <<<"${lines[1]}"
}

@test "blank lines pass through as blank lines, in order" {
	printf 'a.com\n\n   \nb.com\n' >in
	run -0 domain-freq <in
	# bats drops empty lines from $lines: read the output file line by line instead
	domain-freq <in >out
	[ "$(wc -l <out)" -eq 4 ]
	[ "$(sed -n 1p out | jq -r .domain)" = a.com ]
	[ "$(sed -n 2p out)" = "" ]
	[ "$(sed -n 3p out)" = "" ]
	[ "$(sed -n 4p out | jq -r .domain)" = b.com ]
}

@test "output order equals input order over many lines" {
	seq 1 5000 | sed 's/$/.example.com/' >in
	domain-freq <in | jq -r .domain >out
	diff in out
}

@test "broken JSON gives an error record carrying the raw line, and the stream goes on" {
	printf '{"domain":"a.com"}\n{"domain": "b.com"\nc.com\n' >in
	run --separate-stderr -1 domain-freq <in
	[ "${#lines[@]}" -eq 3 ]
	assert_equal "$(jq -r .raw <<<"${lines[1]}")" '{"domain": "b.com"'
	assert_equal "$(jq -r '.errors[0].by' <<<"${lines[1]}")" "domain-freq"
	assert_equal "$(jq -r .domain <<<"${lines[2]}")" "c.com"
	[[ "$stderr" == *"domain-freq: line 2: invalid JSON"* ]]
}

@test "invalid UTF-8 inside a JSON string is rejected as invalid JSON, output stays valid JSON" {
	printf '{"domain":"caf\xe9.com"}\n' >in
	run --separate-stderr -1 domain-freq <in
	jq -e '.raw and .errors' <<<"$output"
	[[ "$stderr" == *"line 1: invalid JSON: invalid UTF-8"* ]]
}

@test "a record without the field, or with a non-string field, gets an error and is kept" {
	printf '{"x":1}\n{"domain":7}\n' >in
	run --separate-stderr -1 domain-freq <in
	assert_equal "$(jq -c . <<<"${lines[0]}")" '{"x":1,"errors":[{"by":"domain-freq","code":"no-field","msg":"no '"'"'domain'"'"' member"}]}'
	assert_equal "$(jq -r '.domain' <<<"${lines[1]}")" "7"
	[[ "$stderr" == *"line 2: member 'domain' is not a string"* ]]
}

@test "invalid names get an error naming the reason: empty label, long label, long name, control bytes" {
	long63=$(printf 'a%.0s' $(seq 64))
	longname=$(for i in $(seq 30); do printf 'abcdefghi.'; done)com
	printf 'a..com\n%s.com\n%s\nbad\001name.com\n' "$long63" "$longname" >in
	run --separate-stderr -1 domain-freq <in
	[ "${#lines[@]}" -eq 4 ]
	[[ "$stderr" == *"line 1: invalid name: empty label"* ]]
	[[ "$stderr" == *"line 2: invalid name: label longer than 63 octets"* ]]
	[[ "$stderr" == *"line 3: invalid name: name longer than 253 octets"* ]]
	[[ "$stderr" == *"line 4: invalid name: control character"* ]]
	for l in "${lines[@]}"; do jq -e '.errors[0].msg' <<<"$l" >/dev/null; done
}

@test "names without a registrable domain score ERROR with an error entry" {
	printf 'localhost\n8.8.4.4\nco.uk\nhost.corp.local\n' >in
	run --separate-stderr -1 domain-freq <in
	for l in "${lines[@]}"; do
		assert_equal "$(jq -r .freq_score <<<"$l")" "ERROR"
		jq -e '.errors | length == 1' <<<"$l" >/dev/null
	done
	[[ "$stderr" == *"line 4: no registrable domain in 'host.corp.local'"* ]]
}

@test "registrable domains after the first 4,096 names (the public suffix index) are libpsl's as before" {
	# wildcard and exception rules, a private-section rule, a name that is a rule, an IDN rule
	# in both spellings, a name under no rule
	printf '%s\n' www.ck x.www.ck a.ck b.a.ck city.kawasaki.jp foo.kawasaki.jp \
		x.foo.kawasaki.jp africa.com x.africa.com me.blogspot.com пример.рф \
		xn--e1afmkfd.xn--p1ai www.example.co.uk host.corp.local >probes
	{ cat probes; seq -f 'filler%g.com' 4100; cat probes; } >in
	run -1 --separate-stderr domain-freq <in
	before=$(head -n 14 <<<"$output")
	after=$(tail -n 14 <<<"$output")
	assert_equal "$after" "$before"
	# and they are the right ones: a.ck, foo.kawasaki.jp, africa.com are public suffixes
	assert_equal "$(jq -r 'select(.freq_score == "ERROR") | .domain' <<<"$after" | tr '\n' ' ')" \
		"a.ck foo.kawasaki.jp africa.com host.corp.local "
}

@test "a line over --max-line is an error record with its head kept, memory stays bounded" {
	{ echo ok.com; head -c 100000 /dev/zero | tr '\0' a; echo; echo next.com; } >in
	run --separate-stderr -1 domain-freq --max-line 4096 <in
	[ "${#lines[@]}" -eq 3 ]
	[ "$(jq -r '.raw | length' <<<"${lines[1]}")" -eq 4096 ]
	[[ "$stderr" == *"line 2: line longer than 4096 bytes"* ]]
	assert_equal "$(jq -r .domain <<<"${lines[2]}")" "next.com"
	# under 4096 the message says how much raw really holds
	run --separate-stderr -1 domain-freq --max-line 300 <in
	raw=$(jq -r '.raw | length' <<<"${lines[1]}")
	[[ "$stderr" == *"line 2: line longer than 300 bytes (only its first $raw bytes are kept in raw)"* ]]
	[ "$raw" -le 4096 ]
}

@test "hostile bytes: NUL and bad UTF-8 in a bare line still give one valid JSON line" {
	printf 'ok.com\n\377\000bad.org\nxn--.com\n' >in
	run --separate-stderr -1 domain-freq <in
	[ "${#lines[@]}" -eq 3 ]
	for l in "${lines[@]}"; do jq -e . <<<"$l" >/dev/null; done
	[[ "$stderr" == *"line 3: invalid name: bad A-label"* ]]
}

@test "a closed downstream pipe ends quietly with status 0" {
	run bash -c 'yes www.example.com | head -n 300000 | domain-freq 2>err | head -n 1 >/dev/null; echo "${PIPESTATUS[2]}"; cat err'
	assert_output "0"
}

@test "exit status: 0 when all records are fine, 1 when some carried errors, 2 on usage errors" {
	run -0 domain-freq <<<"example.com"
	run -1 domain-freq <<<"localhost"
	run -2 domain-freq --no-such-option </dev/null
	run -2 domain-freq --avg-alert abc </dev/null
	assert_output --partial "invalid value for --avg-alert: 'abc'"
	run -2 domain-freq extra-operand </dev/null
}

@test "--help and --version" {
	run -0 domain-freq --help
	assert_output --partial "--table"
	run -0 domain-freq --version
	assert_output --regexp '^domain-freq \(domstat\) [0-9]+\.[0-9]+'
}

@test "an unreadable or malformed table is a fatal error naming the file" {
	run -2 domain-freq --table nope.freq <<<"a.com"
	assert_output --partial "cannot open 'nope.freq'"
	echo '[true, "", [["a", [["b", 1.5]]]]]' >bad.freq
	run -2 domain-freq --table bad.freq <<<"a.com"
	assert_output --partial "bad pair"
}

# --- domain-freq scores ---

@test "parity with freq.py: every sample vector spelled in its normal form matches exactly" {
	require_shared freq/sample_vectors.tsv
	# freq.py scores the string as given; domain-freq scores the normal form of the name
	# (domain-freq(1)), so the two vectors spelled otherwise are checked below instead
	tail -n +2 "$SHARED/freq/sample_vectors.tsv" | grep -a -v -e '^xn--' -e '^ſ' >vectors
	[ "$(count_lines vectors)" -eq 28 ]
	cut -f1 vectors >names
	domain-freq --table "$SHARED/freq/freqtable2018.freq" <names 2>/dev/null |
		jq -r 'if .freq_score == "ERROR" then "ERROR\tERROR" else "\(.freq_score[0])\t\(.freq_score[1])" end' >got
	cut -f2,3 vectors >want
	# jq prints 0.0 as 0: compare numerically, and ERROR as text
	paste want got | awk -F'\t' '{ if ($1 == "ERROR") { if ($3 != "ERROR") exit 1 } else if ($1 + 0 != $3 + 0 || $2 + 0 != $4 + 0) exit 1 }'
	# and the printed form is Python's shortest repr (0.0, 6.832, 12.2034)
	grep -x -F "docs.python.org" names | domain-freq --table "$SHARED/freq/freqtable2018.freq" | grep -F '"freq_score":[8.0005,12.2034]'
	# an A-label scores as its Unicode form, and UTS #46 maps the long s to s
	t=(--table "$SHARED/freq/freqtable2018.freq")
	assert_equal "$(domain-freq "${t[@]}" <<<xn--mnchen-3ya.de | jq -c .freq_score)" \
		"$(domain-freq "${t[@]}" <<<münchen.de | jq -c .freq_score)"
	assert_equal "$(domain-freq "${t[@]}" <<<ſecret.com | jq -c .freq_score)" \
		"$(domain-freq "${t[@]}" <<<secret.com | jq -c .freq_score)"
	printf '\321\201\320\260\320\271\321\202.\321\200\321\204\n' | domain-freq --table "$SHARED/freq/freqtable2018.freq" | grep -F '"freq_score":[0.0,0.0]'
}

@test "hand-computed scores on a tiny table, printed as Python prints floats" {
	run -0 domain-freq --table ab.freq --score-on name <<<"ab"
	assert_output '{"domain":"ab","freq_score":[100.0,100.0]}'
	run -0 domain-freq --table ab.freq --score-on name --avg-alert 0 --word-alert 0 <<<"ba"
	assert_output '{"domain":"ba","freq_score":[0.0,0.0]}'
	# case folds: "AB" reads row a and column b
	run -0 domain-freq --table ab.freq --score-on name <<<"AB"
	assert_output '{"domain":"AB","freq_score":[100.0,100.0]}'
}

@test "scores the registrable domain by default, the whole name or the label on request" {
	a=$(domain-freq <<<"www.sans.org" | jq -c .freq_score)
	b=$(domain-freq <<<"sans.org" | jq -c .freq_score)
	assert_equal "$a" "$b"
	c=$(domain-freq --score-on name <<<"www.sans.org" | jq -c .freq_score)
	[ "$a" != "$c" ]
	d=$(domain-freq --score-on label <<<"www.sans.org" | jq -c .freq_score)
	e=$(domain-freq --score-on name <<<"sans" | jq -c .freq_score)
	assert_equal "$d" "$e"
}

@test "alerts: both below is LOW-FREQ-SCORES, one below is SUSPECT-FREQ-SCORE, equal is not below" {
	s=$(domain-freq <<<"example.com" | jq -r '.freq_score | "\(.[0]) \(.[1])"')
	avg=${s% *} word=${s#* }
	run -0 domain-freq --avg-alert "$avg" --word-alert "$word" <<<"example.com"
	refute_output --partial alerts
	up_avg=$(awk -v x="$avg" 'BEGIN{printf "%.4f", x + 0.0001}')
	up_word=$(awk -v x="$word" 'BEGIN{printf "%.4f", x + 0.0001}')
	run -0 domain-freq --avg-alert "$up_avg" --word-alert "$word" <<<"example.com"
	assert_output --partial '"alerts":["SUSPECT-FREQ-SCORE"]'
	run -0 domain-freq --avg-alert "$avg" --word-alert "$up_word" <<<"example.com"
	assert_output --partial '"alerts":["SUSPECT-FREQ-SCORE"]'
	run -0 domain-freq --avg-alert "$up_avg" --word-alert "$up_word" <<<"example.com"
	assert_output --partial '"alerts":["LOW-FREQ-SCORES"]'
}

@test "alerts already in the record are kept and never duplicated; errors are appended" {
	printf '{"domain":"a.com","alerts":["YOUR-FIRST-CONTACT","LOW-FREQ-SCORES"]}\n' >in
	run -0 domain-freq --no-ngram --avg-alert 1000 --word-alert 1000 <in
	assert_equal "$(jq -c .alerts <<<"$output")" '["YOUR-FIRST-CONTACT","LOW-FREQ-SCORES"]'
	printf '{"domain":"localhost","errors":[{"by":"x","msg":"y"}]}\n' >in
	run --separate-stderr -1 domain-freq <in
	assert_equal "$(jq -c '[.errors[].by]' <<<"$output")" '["x","domain-freq"]'
}

@test "running twice replaces freq_score in place instead of adding a second one" {
	run -0 bash -c 'domain-freq <<<"example.com" | domain-freq'
	assert_equal "$(grep -o freq_score <<<"$output" | wc -l)" 1
}

@test "reads freq.py tables: Latin-1 bytes, repeated rows replace, repeated pairs add" {
	# row key is the single byte 0xE9 (Latin-1 e-acute); the name is UTF-8
	printf '[true, "", [["\351", [["t", 2]]]]]' >latin1.freq
	run -0 domain-freq --table latin1.freq --score-on name <<<"ét.com"
	assert_output --partial '"freq_score":[20.0,100.0]'
	printf '[true, "", [["a", [["b", 9]]], ["a", [["b", 1], ["c", 1], ["c", 2]]]]]' >rep.freq
	# p(b|a) = 1/4 after the second row replaced the first and c counted 3
	run -0 domain-freq --table rep.freq --score-on name --avg-alert 0 --word-alert 0 <<<"ab"
	assert_output --partial '"freq_score":[25.0,25.0]'
}

@test "--train builds a freq.py table that scores its own corpus, and reads back identically" {
	printf 'ab\nab\n' | domain-freq --train >t.freq
	run -0 cat t.freq
	assert_output '[true, "\n\t~`!@#$%^&*()_+-", [["a", [["b", 2]]]]]'
	run -0 domain-freq --table t.freq --score-on name <<<"ab"
	assert_output '{"domain":"ab","freq_score":[100.0,100.0]}'
	# extending an existing table, and a case-sensitive table
	printf 'ba\n' | domain-freq --train --table t.freq --case-sensitive --ignore-chars '.' >t2.freq
	run -0 cat t2.freq
	assert_output '[false, ".", [["a", [["b", 2]]], ["b", [["a", 1]]]]]'
}

@test "the shipped table is found in-tree (installed: install.bats)" {
	cd /
	run -0 --separate-stderr domain-freq <<<"example.com"
	assert_output --regexp '"freq_score":\[[0-9.]+,[0-9.]+\]'
}

# --- ngram_score ---

@test "the demo's random names raise LOW-NGRAM-SCORE; its well-known names raise no alert" {
	ex="$TOP/share/examples"
	# status 1: the eve file holds records without a registrable domain
	run -1 --separate-stderr domain-freq -f dns.rrname <"$ex/eve-dns.ndjson"
	printf '%s\n' "$output" >out
	domain-freq <"$ex/demo-domains.txt" >>out
	jq -r 'select(.alerts) | "\(.dns.rrname // .domain) \(.alerts | join(","))"' out >alerted
	cat >want <<-'END'
	xjkqvbzrtw.com LOW-NGRAM-SCORE
	qpzmxnwbcv.net LOW-NGRAM-SCORE
	kjhgfdsapoiu.info LOW-NGRAM-SCORE
	yqxwvtrz.biz LOW-NGRAM-SCORE
	a1b2c3d4e5f6a7b8.org LOW-NGRAM-SCORE
	END
	diff want alerted
	# every other name was scored, and none alerts (static.xx.fbcdn.net among them)
	jq -s -e 'map(select(.dns.rrname == "static.xx.fbcdn.net"))[0] | .ngram_score > -4 and (.alerts == null)' out
	[ "$(jq -s 'map(select(.ngram_score != null and .alerts == null)) | length' out)" -eq 24 ]
}

@test "with the shipped table the pair scores do not alert; with --table at freq.py's 5 and 4" {
	run -0 domain-freq --no-ngram <<<"yqxwvtrz.biz"
	assert_output '{"domain":"yqxwvtrz.biz","freq_score":[2.4032,3.3422]}'
	run -0 domain-freq --no-ngram --avg-alert 5 --word-alert 4 <<<"yqxwvtrz.biz"
	assert_output --partial '"alerts":["LOW-FREQ-SCORES"]'
	run -0 domain-freq --no-ngram --table ab.freq <<<"ba.com"
	assert_output '{"domain":"ba.com","freq_score":[0.0,0.0],"alerts":["LOW-FREQ-SCORES"]}'
	run -0 domain-freq --table ab.freq --avg-alert 0 --word-alert 0 <<<"yqxwvtrz.biz"
	assert_output --regexp '"alerts":\["LOW-NGRAM-SCORE"\]\}$'
}

@test "ngram_score is the registrable label's, whatever --score-on says; none without one" {
	a=$(domain-freq <<<"static.xx.fbcdn.net" | jq .ngram_score)
	assert_equal "$(domain-freq --score-on name <<<"fbcdn.co.uk" | jq .ngram_score)" "$a"
	assert_equal "$(domain-freq --score-on label <<<"fbcdn.com" | jq .ngram_score)" "$a"
	run -0 domain-freq --score-on name <<<"fbcdn"
	refute_output --partial ngram_score
	# outside a-z 0-9 '-', a character splits the label into runs, as '_' does
	b=$(domain-freq <<<"münchen.de" | jq .ngram_score)
	assert_equal "$(domain-freq <<<"m_nchen.de" 2>/dev/null | jq .ngram_score)" "$b"
	[ "$b" != "$(domain-freq <<<"mnchen.de" | jq .ngram_score)" ]
	# an A-label is read as its Unicode form, not as the random-looking "mnchen-3ya"
	assert_equal "$(domain-freq <<<"xn--mnchen-3ya.de" | jq .ngram_score)" "$b"
}

@test "--no-ngram gives freq.py's output alone" {
	run -0 domain-freq --no-ngram --table ab.freq --avg-alert 0 --word-alert 0 <<<"xjkqvbzrtw.com"
	assert_output '{"domain":"xjkqvbzrtw.com","freq_score":[0.0,0.0]}'
}

@test "LOW-NGRAM-SCORE: below --ngram-alert alerts, equal does not" {
	s=$(domain-freq <<<"example.com" | jq .ngram_score)
	run -0 domain-freq --ngram-alert "$s" <<<"example.com"
	refute_output --partial alerts
	up=$(awk -v x="$s" 'BEGIN{printf "%.4f", x + 0.0001}')
	run -0 domain-freq --ngram-alert "$up" <<<"example.com"
	assert_output --partial '"alerts":["LOW-NGRAM-SCORE"]'
	run -2 domain-freq --ngram-alert x </dev/null
	assert_output --partial "invalid value for --ngram-alert: 'x'"
}

@test "--train-ngram counts the windows of registrable labels; a model scores by its counts" {
	printf 'www.ab.com\nab.co.uk\nlocalhost\n' >names
	run -1 --separate-stderr domain-freq --train-ngram <names
	assert_output "$(printf 'ngram 4\n^ab$ 2\n^^ab 2\n^^^a 2')"
	[[ "$stderr" == *"line 3: no registrable domain in 'localhost'"* ]]
	printf '%s\n' "$output" >ab.ngram
	# extending a model adds to its counts
	run -0 domain-freq --train-ngram --ngram ab.ngram <<<"ab.org"
	assert_line '^ab$ 3'
	# a model with no counts is the uniform guess itself: every label scores 0
	printf '# nothing counted\nngram 4\n' >empty.ngram
	run -0 domain-freq --ngram empty.ngram --no-ngram <<<"ab.com"
	run -0 domain-freq --ngram empty.ngram <<<"xjkqvbzrtw.com"
	assert_output --partial '"ngram_score":0.0}'
	# the model's own label reads as ordinary, other letters as random
	run -0 domain-freq --ngram ab.ngram <<<"ab.com"
	[ "$(jq '.ngram_score > 0' <<<"$output")" = true ]
	run -0 domain-freq --ngram ab.ngram <<<"xyz.com"
	[ "$(jq '.ngram_score < 0' <<<"$output")" = true ]
}

@test "a malformed n-gram model is a fatal error naming the line" {
	printf 'ngram 4\nab 3\n' >bad.ngram
	run -2 --separate-stderr domain-freq --ngram bad.ngram <<<"a.com"
	assert_equal "$stderr" "domain-freq: cannot load n-gram model: line 2: expected four symbols of a-z 0-9 - ^ \$ and a count from 1 to 4294967295"
	printf '[true, "", []]\n' >not.ngram
	run -2 --separate-stderr domain-freq --ngram not.ngram <<<"a.com"
	assert_equal "$stderr" "domain-freq: cannot load n-gram model: line 1: not a domstat n-gram model (no 'ngram 4')"
	printf 'ngram 4\na$bc 1\n' >bad.ngram
	run -2 domain-freq --ngram bad.ngram <<<"a.com"
	printf 'ngram 4\nabcd 4294967296\n' >bad.ngram
	run -2 domain-freq --ngram bad.ngram <<<"a.com"
	run -2 --separate-stderr domain-freq --ngram nope.ngram <<<"a.com"
	assert_equal "$stderr" "domain-freq: cannot load n-gram model: cannot open 'nope.ngram': No such file or directory"
}

@test "make freq-table rebuilds the shipped n-gram model byte for byte from the odd-ranked half" {
	require_shared datasets/top-1m.csv
	sh "$TOP/share/freq/make-ngram.sh" "$(command -v domain-freq)" "$SHARED/datasets/top-1m.csv" >m.ngram
	cmp m.ngram "$TOP/share/freq/domstat.ngram"
}

# --- one name however the log spells it (UTS #46), and look-alikes ---

@test "full stops, fullwidth letters and case of UTS #46 give the name its plain spelling scores" {
	printf '%s\n' example.com 'example。com' 'ＥＸＡＭＰＬＥ．ｃｏｍ' 'Example.COM' 'example｡com' >in
	run -0 --separate-stderr domain-freq <in
	assert_equal "$stderr" ""
	[ "${#lines[@]}" -eq 5 ]
	# one score for all five, and no IDN fields: the name is ASCII once mapped
	run -0 bash -c "jq -c '[.freq_score, .ngram_score, .name_unicode, .errors]' <<<'$output' | sort -u"
	assert_output --regexp '^\[\[[0-9.]+,[0-9.]+\],[0-9.]+,null,null\]$'
}

@test "an IDN scores as its Unicode form whether the log wrote the A-label or the U-label" {
	printf '%s\n' 'bücher.de' 'BÜCHER.DE' xn--bcher-kva.de XN--BCHER-KVA.de 'bücher。de' >in
	run -0 --separate-stderr domain-freq <in
	run -0 jq -c '[.freq_score, .ngram_score, .name_ascii, .name_unicode]' <<<"$output"
	[ "${#lines[@]}" -eq 5 ]
	for l in "${lines[@]}"; do
		assert_equal "$l" '[[10.3385,12.2509],6.8262,"xn--bcher-kva.de","bücher.de"]'
	done
	# the pair scores of --table and of --score-on name and label agree as well
	for on in name label; do
		run -0 domain-freq --score-on "$on" --table ab.freq --no-ngram <in
		[ "$(jq -c .freq_score <<<"$output" | sort -u | wc -l)" -eq 1 ]
	done
}

@test "MIXED-SCRIPT: a label of two scripts or of Latin look-alikes; not one script, nor Japanese" {
	printf '%s\n' 'аррӏе.com' xn--80ak6aa92e.com 'pаypal.com' 'bücher.de' '例え.jp' 'пример.ru' \
		'ελλάδα.gr' 'аррӏе.рф' 'ＥＸＡＭＰＬＥ．ｃｏｍ' >in
	run -0 --separate-stderr domain-freq <in
	run -0 jq -r '[.domain, (.alerts // [] | index("MIXED-SCRIPT") != null)] | @tsv' <<<"$output"
	assert_output "$(printf '%s\ttrue\n' 'аррӏе.com' xn--80ak6aa92e.com 'pаypal.com'
		printf '%s\tfalse\n' 'bücher.de' '例え.jp' 'пример.ru' 'ελλάδα.gr' 'аррӏе.рф' 'ＥＸＡＭＰＬＥ．ｃｏｍ')"
}

@test "the alert thresholds come from the shared settings file, the environment over it, options over both" {
	mkdir -p "$XDG_CONFIG_HOME/domstat"
	printf 'ngram_alert = 100\nfreq_avg_alert = 50\nfreq_word_alert = 1\n' >"$XDG_CONFIG_HOME/domstat/config"
	run -0 domain-freq <<<'www.google.com'
	assert_output '{"domain":"www.google.com","freq_score":[13.1057,11.1517],"ngram_score":26.0986,"alerts":["SUSPECT-FREQ-SCORE","LOW-NGRAM-SCORE"]}'
	DOMSTAT_NGRAM_ALERT=-100 DOMSTAT_FREQ_WORD_ALERT=20 run -0 domain-freq <<<'www.google.com'
	assert_output --partial '"alerts":["LOW-FREQ-SCORES"]'
	DOMSTAT_NGRAM_ALERT=-100 run -0 domain-freq --avg-alert 1 --ngram-alert 100 <<<'www.google.com'
	assert_output --partial '"alerts":["LOW-NGRAM-SCORE"]}'
	rm "$XDG_CONFIG_HOME/domstat/config"
	run -0 domain-freq <<<'www.google.com'
	refute_output --partial alerts
}
