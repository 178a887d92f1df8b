#!/usr/bin/env bats
# dns-grade: grading stored scans (golden files), every remark code, both scales, hostile
# input, the RFC 7208 suite, and scan-then-grade over real zones when dns-scan is there.

bats_require_minimum_version 1.5.0
load helper

setup() { setup_isolated; }

GF="$BATS_TEST_DIRNAME/fixtures/dns-grade"

# What dns-grade adds (the goldens keep only this, with the case name).
added() {
	jq -c '{case, grades, grade_scale, remarks, facts, errors}'
}

# The codes a man page section lists (".It Li CODE" lines between two markers).
codes_in_manual() {
	awk -v from="$1" -v to="$2" '
		index($0, from) == 1 { on = 1; next }
		on && index($0, to) == 1 { exit }
		on && /^\.(It )?Li [A-Z0-9_]+/ { print ($1 == ".It" ? $3 : $2) }' "$TOP/man/man1/dns-grade.1" | sort -u
}

@test "grades every stored scan exactly as the golden file says (domstat scale)" {
	run -0 --separate-stderr dns-grade <"$GF/scans.ndjson"
	diff -u "$GF/scans.domstat.golden" <(printf '%s\n' "$output" | added)
}

@test "grades every stored scan exactly as the golden file says (dnstats scale)" {
	run -0 --separate-stderr dns-grade --scale dnstats <"$GF/scans.ndjson"
	diff -u "$GF/scans.dnstats.golden" <(printf '%s\n' "$output" | added)
}

@test "keeps one output line per input line with the input members first and unchanged" {
	dns-grade <"$GF/scans.ndjson" >out.ndjson 2>/dev/null || true
	[ "$(count_lines out.ndjson)" -eq "$(count_lines "$GF/scans.ndjson")" ]
	diff <(jq -c '{case, domain, dns}' "$GF/scans.ndjson") <(jq -c '{case, domain, dns}' out.ndjson)
	# added members come after the input's own, in this order
	run jq -r 'keys_unsorted | join(",")' <(head -1 out.ndjson)
	assert_output "case,domain,dns,grades,grade_scale,remarks,facts"
}

@test "a domain with -all, p=reject, CAA, healthy NS and valid DNSSEC scores 100 in every category" {
	run jq -c 'select(.case == "good") | [.grades, .remarks, .facts.dnssec.status, .facts.spf.policy]' \
		"$GF/scans.domstat.golden"
	assert_output '[{"spf":100,"dmarc":100,"caa":100,"ns":100,"soa":100,"mx":100,"dnssec":100,"bimi":100,"overall":100},[],"secure","-all"]'
}

@test "every remark code of the domstat scale in dns-grade(1) is produced by some stored scan" {
	codes_in_manual '.Ss Remark codes' '.Ss DNStats scale' >want
	[ "$(count_lines want)" -gt 120 ]
	jq -r '.remarks[]?.code' "$GF/scans.domstat.golden" "$GF/hostile.golden" | sort -u >got
	run comm -23 want got
	assert_output ''
	# and nothing is produced that the manual does not list
	run comm -13 want got
	assert_output ''
}

@test "every remark code of the dnstats scale in dns-grade(1) is produced by some stored scan" {
	codes_in_manual '.Ss DNStats scale' '.Sh ' >want
	[ "$(count_lines want)" -gt 60 ]
	jq -r '.remarks[]? | select(.category != "dnssec") | .code' "$GF/scans.dnstats.golden" | sort -u >got
	run comm -23 want got
	assert_output ''
	run comm -13 want got
	assert_output ''
}

@test "SPF lookups are counted through include and redirect, with void lookups" {
	run jq -c 'select(.case == "spf-lookups") | .facts.spf' "$GF/scans.domstat.golden"
	assert_output '{"present":true,"policy":"-all","lookups":12,"void_lookups":3,"valid":false}'
	run jq -c 'select(.case == "spf-redirect-ok") | [.facts.spf, .grades.spf]' "$GF/scans.domstat.golden"
	assert_output '[{"present":true,"policy":"-all","lookups":1,"void_lookups":0,"valid":true},100]'
}

@test "the SPF grade follows the policy: -all 100, ~all 90, ?all 50, no all 40, +all 0" {
	run jq -r 'select(.case | test("^(good|spf-neutral|spf-noall|spf-ptr-pass)$")) | "\(.case) \(.facts.spf.policy) \(.grades.spf)"' \
		"$GF/scans.domstat.golden"
	assert_output $'good -all 100\nspf-ptr-pass +all 0\nspf-neutral ?all 50\nspf-noall none 40'
}

@test "DMARC facts give p, sp, np and pct, null when absent" {
	run jq -c 'select(.case == "dmarc-weak") | .facts.dmarc' "$GF/scans.domstat.golden"
	assert_output '{"present":true,"valid":true,"p":"quarantine","sp":"none","np":"none","pct":50,"rua":false,"ruf":false}'
	run jq -c 'select(.case == "dmarc-none-record") | .facts.dmarc' "$GF/scans.domstat.golden"
	assert_output '{"present":false,"valid":false,"p":null,"sp":null,"np":null,"pct":null,"rua":false,"ruf":false}'
}

@test "CAA is found by climbing to the parent and reported where" {
	run jq -c 'select(.case == "caa-parent") | .facts.caa' "$GF/scans.domstat.golden"
	assert_output '{"present":true,"found_at":"example.com","issue_count":0,"issue":false,"issuewild":false,"iodef":true}'
}

@test "null MX alone is valid, next to other MX it is an error" {
	run jq -c 'select(.case | startswith("mx-null")) | [.facts.mx, .grades.mx]' "$GF/scans.domstat.golden"
	assert_output $'[{"present":true,"null_mx":true,"hosts":0},100]\n[{"present":true,"null_mx":false,"hosts":1},75]'
}

@test "DNSSEC status: secure, bogus when expired or unmatched, signed without DS, insecure" {
	run jq -r 'select(.case | test("^(good|dnssec-expired|dnssec-nomatch|dnssec-island|spf-none)$")) | "\(.case) \(.facts.dnssec.status)"' \
		"$GF/scans.domstat.golden"
	assert_output $'good secure\nspf-none insecure\ndnssec-expired bogus\ndnssec-nomatch bogus\ndnssec-island signed-without-ds'
}

@test "lame servers, serial drift and NS set drift are counted" {
	run jq -c 'select(.case == "ns-broken" or .case == "ns-one") | .facts.ns' "$GF/scans.domstat.golden"
	assert_output $'{"count":4,"lame":2,"serials_consistent":true,"ns_sets_consistent":false}\n{"count":1,"lame":0,"serials_consistent":false,"ns_sets_consistent":true}'
}

@test "providers come from the shipped tables, self-hosted names from the domain" {
	run jq -r 'select(.case == "good" or .case == "self-hosted") | "\(.facts.mail_provider)|\(.facts.dns_provider)"' \
		"$GF/scans.domstat.golden"
	assert_output $'Google Workspace|Cloudflare\nSelf-hosted|Self-hosted'
}

@test "--providers DIR adds suffixes that win over the shipped tables" {
	mkdir prov
	printf 'aspmx.l.google.com\tMy Relay\n' >prov/mx.tsv
	printf '# comment\nbad line without tab\nns.cloudflare.com\tMy DNS\n' >prov/ns.tsv
	run -0 --separate-stderr dns-grade --providers prov < <(head -1 "$GF/scans.ndjson")
	run jq -r '"\(.facts.mail_provider)|\(.facts.dns_provider)"' <<<"$output"
	assert_output 'My Relay|My DNS'
}

@test "Active Directory is flagged from the _msdcs zone and the random-label probe" {
	run jq -r 'select(.case == "ad" or .case == "good") | "\(.case) \(.facts.active_directory) \(.facts.dnstats.has_msdc)"' \
		"$GF/scans.domstat.golden"
	assert_output $'good false false\nad true true'
}

@test "records without dns, hostile or truncated scan data get an errors entry, never a crash" {
	run -1 --separate-stderr dns-grade <"$GF/hostile.ndjson"
	diff -u "$GF/hostile.golden" <(printf '%s\n' "$output" | jq -c '{case, grades, remarks, errors}')
	[ "$(printf '%s\n' "$output" | wc -l)" -eq "$(count_lines "$GF/hostile.ndjson")" ]
	[[ "$stderr" == *"line 1: no 'dns' member"* ]]
	[[ "$stderr" == *"line 6: query "* ]]
}

@test "a TXT string of megabytes is refused as impossible scan data, the rest is graded" {
	python3 - >big.ndjson <<'PY'
import json
d = "big.example.com"
txt = "v=spf1 " + "a" * 900000 + " -all"
q = {"q": d, "type": "TXT", "why": "apex", "rcode": "NOERROR", "answer": [
     {"name": d, "type": "TXT", "ttl": 1, "data": "x", "txt": [txt]}]}
m = {"q": d, "type": "MX", "why": "apex", "rcode": "NOERROR", "answer": [
     {"name": d, "type": "MX", "ttl": 1, "data": "0 .", "preference": 0, "exchange": ""}]}
print(json.dumps({"domain": d, "dns": {"v": 1, "domain": d, "queries": [q, m]}}))
PY
	run -1 --separate-stderr dns-grade --max-line 4000000 <big.ndjson
	run jq -c '[.errors[0].code, .facts.spf.present, .facts.mx.null_mx]' <<<"$output"
	assert_output '["BAD_DNS_DATA",false,true]'
}

@test "an over-long line becomes an error record of its own" {
	head -c 2000000 /dev/zero | tr '\0' 'a' >long.txt
	run -1 --separate-stderr dns-grade <long.txt
	run jq -c '.errors | length' <<<"$output"
	assert_output '1'
}

@test "exits 0 when every record was graded without error" {
	run -0 --separate-stderr dns-grade < <(head -1 "$GF/scans.ndjson")
	assert_equal "$stderr" ''
}

@test "blank lines pass through as blank lines" {
	run -0 dns-grade < <(printf '\n%s\n\n' "$(head -1 "$GF/scans.ndjson")")
	[ "${lines[0]}" != '' ]
	[ "$(printf '%s\n' "$output" | sed -n 1p)" = '' ]
}

@test "a closed pipe ends dns-grade quietly with status 0" {
	for i in $(seq 200); do cat "$GF/scans.ndjson"; done >many.ndjson
	run bash -c 'set -o pipefail; dns-grade <many.ndjson 2>/dev/null | head -1 >/dev/null'
	assert_success
}

@test "--help and --version answer, a bad option or scale is a usage error" {
	run -0 dns-grade --help
	assert_output --partial '--scale'
	run -0 dns-grade --version
	assert_output --regexp '^dns-grade \(domstat\) '
	run -2 dns-grade --bogus
	run -2 --separate-stderr dns-grade --scale nope
	assert_equal "$stderr" "dns-grade: invalid value for --scale: 'nope'"
}
