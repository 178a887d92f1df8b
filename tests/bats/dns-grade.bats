#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# dns-grade: grading stored scans (golden files), every remark code, both scales, hostile
# input, the RFC 7208 suite, and scan-then-grade over real zones when dns-scan is there.

bats_require_minimum_version 1.5.0
load helper

setup() { setup_isolated; }

# Knot DNS on loopback for the scan-then-grade tests (dns-scan's test zones and ours).
setup_file() {
	command -v knotd >/dev/null && command -v ldns-signzone >/dev/null || return 0
	load dns_server
	dns_pick_net
	local t="$BATS_FILE_TMPDIR" ds
	dns_zone_file "$ZONES/signed.test.zone" "$t/signed.in"
	ds=$(dns_sign_zone signed.test "$t/signed.in" "$t/signed.zone") || return 0
	{ cat "$ZONES/test.zone"; echo "$ds"; } >"$t/test.zone"
	knot_start main "$DNS_NET.1" "$DNS_PORT" test="$t/test.zone" \
		full.test="$ZONES/full.test.zone" _msdcs.full.test="$ZONES/_msdcs.full.test.zone" \
		ext.test="$ZONES/ext.test.zone" spf.test="$ZONES/spf.test.zone" \
		caa.test="$ZONES/caa.test.zone" deleg.test="$ZONES/deleg.test.zone" \
		signed.test="$t/signed.zone" grade.test="$ZONES/grade.test.zone" &&
		knot_start ns2 "$DNS_NET.2" "$DNS_PORT" deleg.test="$ZONES/deleg.test.ns2.zone" &&
		touch "$t/knot-up" || return 0
	# resolvers as users have them (tests/bats/unbound.bash): a validating Unbound in front of
	# those zones, and one that refuses every query
	command -v unbound >/dev/null || return 0
	load unbound
	# bogus.test: signed, but its trust anchor is the DS of other keys (Unbound answers
	# SERVFAIL), on a server of its own (Unbound sets aside a server that gave bogus data)
	local other z stubs=()
	sed 's/signed\.test\./bogus.test./g' "$t/signed.in" >"$t/bogus.in"
	dns_sign_zone bogus.test "$t/bogus.in" "$t/bogus.zone" >/dev/null &&
		other=$(dns_sign_zone bogus.test "$t/bogus.in" "$t/bogus-other.zone") &&
		knot_start bogus "$DNS_NET.4" "$DNS_PORT" bogus.test="$t/bogus.zone" || return 0
	for z in test full.test _msdcs.full.test ext.test spf.test caa.test deleg.test signed.test \
		grade.test; do
		stubs+=("$z=$DNS_NET.1@$DNS_PORT")
	done
	stubs+=("bogus.test=$DNS_NET.4@$DNS_PORT")
	unbound_start good good "$DNS_NET.20" "$DNS_PORT" "${stubs[@]}" -- "$ds" "$other" &&
		unbound_start refusing refusing "$DNS_NET.21" "$DNS_PORT" "${stubs[@]}" &&
		touch "$t/unbound-up"
}

teardown_file() {
	load dns_server
	load unbound
	unbound_stop_all
	knot_stop_all
}

# Scan names with dns-scan against the loopback servers.
scan() {
	[ -e "$BATS_FILE_TMPDIR/knot-up" ] || skip "needs knotd and ldnsutils"
	command -v dns-scan >/dev/null || skip "needs dns-scan"
	printf '%s\n' "$@" | dns-scan -r "$DNS_NET.1:$DNS_PORT" --ns-port "$DNS_PORT" \
		--ns-allow 127.0.0.0/8 --timeout 2
}

# Scan names with dns-scan through resolvers (-r ADDR:PORT ..., then dns-scan's options).
scan_via() {
	[ -e "$BATS_FILE_TMPDIR/unbound-up" ] || skip "needs knotd, ldnsutils and unbound"
	command -v dns-scan >/dev/null || skip "needs dns-scan"
	local args=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		args+=(-r "$1")
		shift
	done
	shift
	dns-scan "${args[@]}" --ns-port "$DNS_PORT" --ns-allow 127.0.0.0/8 --timeout 2 "$@"
}

GOOD() { echo "$DNS_NET.20:$DNS_PORT"; }
REFUSING() { echo "$DNS_NET.21:$DNS_PORT"; }

# What a graded record says, the scan's own counters aside (they count the failed attempts).
verdict() {
	jq -c '{domain, grades, remarks: (.remarks | sort_by(.category, .code, .msg)),
		facts: (.facts | del(.scan))}'
}

GF="$BATS_TEST_DIRNAME/fixtures/dns-grade"

# What dns-grade adds (the goldens keep only this, with the case name).
added() {
	jq -c '{case, grades, grade_scale, remarks, facts, errors}'
}

# dns-grade's own output today for a stored scan file (fixtures/dns-grade/NAME.ndjson), kept as
# the goldens keep it, in $LIVE/NAME.SCALE: the tests that read it fail when dns-grade does.
# STATUS is the exit status the file calls for (hostile.ndjson: 1).
graded() {
	local name=$1 scale=$2 status=${3:-0}
	LIVE="$BATS_TEST_TMPDIR/live"
	mkdir -p "$LIVE"
	run -"$status" --separate-stderr dns-grade --scale "$scale" <"$GF/$name.ndjson"
	printf '%s\n' "$output" | added >"$LIVE/$name.$scale"
	[ "$(count_lines "$LIVE/$name.$scale")" -eq "$(count_lines "$GF/$name.ndjson")" ]
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

@test "unknown data (not asked, timeout, SERVFAIL, REFUSED) and NXDOMAIN grade as the golden files say" {
	local sc
	for sc in domstat dnstats; do
		run -0 --separate-stderr dns-grade --scale "$sc" <"$GF/unknown.ndjson"
		diff -u "$GF/unknown.$sc.golden" <(printf '%s\n' "$output" | added)
	done
}

@test "a category whose question failed or was never asked is null with one remark, its facts null" {
	graded scans domstat
	graded unknown dnstats
	graded unknown domstat
	g() { jq -c --arg c "$1" "select(.case == \$c) | $2" "$LIVE/unknown.domstat"; }
	assert_equal "$(g spf-timeout '[.grades.spf, .grades.overall, .facts.spf.present, .facts.dnstats.has_spf, [.remarks[] | select(.category == "spf") | .msg]]')" \
		"[null,null,null,null,[\"no usable answer to TXT of 'spf-timeout.example.com': timeout\"]]"
	assert_equal "$(g dmarc-servfail '[.grades.dmarc, .grades.bimi, .facts.dmarc.present, [.remarks[] | select(.category == "dmarc" or .category == "bimi") | .code]]')" \
		'[null,null,null,["DNS_TEMPORARY_ERROR","DNS_TEMPORARY_ERROR"]]'
	# a failed DS question leaves a signed zone indeterminate, not signed-without-ds
	assert_equal "$(g ds-refused '[.grades.dnssec, .facts.dnssec.status, [.remarks[] | select(.category == "dnssec") | .msg]]')" \
		"[null,null,[\"no usable answer to DS of 'ds-refused.example.com': REFUSED\"]]"
	# the CAA climb: a parent that failed before any CAA was found
	assert_equal "$(g caa-parent-servfail '[.grades.caa, .facts.caa.present]')" '[null,null]'
	# without an SPF record DNStats grades SPF by the MX, which timed out; domstat does not
	assert_equal "$(g spf-none-mx-timeout '[.grades.spf, .grades.mx]')" '[0,null]'
	assert_equal "$(jq -c 'select(.case == "spf-none-mx-timeout") | [.grades.spf, .grades.mx]' "$LIVE/unknown.dnstats")" '[null,null]'
	# a domain that does not exist, with dns-scan's status or without (older records)
	assert_equal "$(g nxdomain '[.facts.exists, .grades.overall, .remarks]')" \
		"[false,null,[{\"category\":\"domain\",\"code\":\"DOMAIN_DOES_NOT_EXIST\",\"severity\":\"error\",\"msg\":\"'nxdomain.example.com' does not exist (NXDOMAIN): nothing to grade\"}]]"
	assert_equal "$(g nxdomain-old '[.facts.exists, .grades.overall, [.remarks[].code]]')" '[false,null,["DOMAIN_DOES_NOT_EXIST"]]'
	assert_equal "$(g refused-all '[.facts.exists, .facts.scan.status, .facts.scan.refused, ([.grades[]] | unique)]')" '[null,"failed",24,[null]]'
	# answered: exists, every grade a number (the same scan in scans.ndjson grades alike)
	run -0 jq -c '[.facts.exists, .facts.scan.status, ([.grades[] | type] | unique)]' <(head -1 "$LIVE/scans.domstat")
	assert_output '[true,null,["number"]]'
}

@test "keeps one output line per input line with the input members first and unchanged" {
	dns-grade <"$GF/scans.ndjson" >out.ndjson 2>/dev/null
	[ "$(count_lines out.ndjson)" -eq "$(count_lines "$GF/scans.ndjson")" ]
	diff <(jq -c '{case, domain, dns}' "$GF/scans.ndjson") <(jq -c '{case, domain, dns}' out.ndjson)
	# added members come after the input's own, in this order
	run jq -r 'keys_unsorted | join(",")' <(head -1 out.ndjson)
	assert_output "case,domain,dns,grades,grade_scale,remarks,facts"
}

@test "a domain with -all, p=reject, CAA, healthy NS and valid DNSSEC scores 100 in every category" {
	graded scans domstat
	run jq -c 'select(.case == "good") | [.grades, .remarks, .facts.dnssec.status, .facts.spf.policy]' \
		"$LIVE/scans.domstat"
	assert_output '[{"spf":100,"dmarc":100,"caa":100,"ns":100,"soa":100,"mx":100,"dnssec":100,"bimi":100,"mta_sts":100,"tls_rpt":100,"dane":100,"dkim":100,"mta_sts_policy":100,"security_txt":100,"overall":100},[],"secure","-all"]'
}

@test "every remark code of the domstat scale in dns-grade(1) is produced by some stored scan" {
	graded hostile domstat 1
	graded scans domstat
	graded unknown domstat
	codes_in_manual '.Ss Remark codes' '.Ss DNStats scale' >want
	[ "$(count_lines want)" -gt 120 ]
	jq -r '.remarks[]?.code' "$LIVE/scans.domstat" "$LIVE/unknown.domstat" \
		"$LIVE/hostile.domstat" | sort -u >got
	run comm -23 want got
	assert_output ''
	# and nothing is produced that the manual does not list
	run comm -13 want got
	assert_output ''
}

@test "every remark code of the dnstats scale in dns-grade(1) is produced by some stored scan" {
	graded scans dnstats
	graded unknown dnstats
	codes_in_manual '.Ss DNStats scale' '.Sh ' >want
	[ "$(count_lines want)" -gt 60 ]
	jq -r '.remarks[]? | select(.category != "dnssec") | .code' "$LIVE/scans.dnstats" \
		"$LIVE/unknown.dnstats" | sort -u >got
	run comm -23 want got
	assert_output ''
	run comm -13 want got
	assert_output ''
}

# The facts domstat(7) names: "GROUP NAME" for each name in the item of a group (.It Ql spf
# and the lines after it), "- NAME" for each name an item line itself gives.
facts_in_manual() {
	awk '
		/^\.It Ic facts$/ { on = 1; next }
		!on { next }
		/^\.Bl/ { depth++; next }
		/^\.El/ { if (--depth == 0) exit; next }
		depth != 1 { next }
		/^\.It Ql / { group = $3; for (i = 3; i <= NF; i++) if ($(i - 1) == "Ql") print "-", $i; next }
		/^\.Ql / { print group, $2 }' "$TOP/man/man7/domstat.7" | sort -u
}

@test "domstat(7) documents every fact dns-grade writes (the facts table in common/facts.h)" {
	facts_in_manual >documented
	# every fact is written for every graded record, in the table's groups
	head -1 "$GF/scans.ndjson" | dns-grade |
		jq -r '.facts | to_entries[] | if (.value | type) == "object"
			then .key as $g | .value | keys_unsorted[] | "\($g) \(.)" else "- \(.key)" end' |
		sort -u >written
	[ "$(count_lines written)" -gt 50 ]
	run comm -23 written documented
	assert_output ''
}

@test "SPF lookups are counted through include and redirect, with void lookups" {
	graded scans domstat
	run jq -c 'select(.case == "spf-lookups") | .facts.spf' "$LIVE/scans.domstat"
	assert_output '{"present":true,"policy":"-all","lookups":12,"void_lookups":3,"valid":false}'
	run jq -c 'select(.case == "spf-redirect-ok") | [.facts.spf, .grades.spf]' "$LIVE/scans.domstat"
	assert_output '[{"present":true,"policy":"-all","lookups":1,"void_lookups":0,"valid":true},100]'
}

@test "the SPF grade follows the policy: -all 100, ~all 90, ?all 50, no all 40, +all 0" {
	graded scans domstat
	run jq -r 'select(.case | test("^(good|spf-neutral|spf-noall|spf-ptr-pass)$")) | "\(.case) \(.facts.spf.policy) \(.grades.spf)"' \
		"$LIVE/scans.domstat"
	assert_output $'good -all 100\nspf-ptr-pass +all 0\nspf-neutral ?all 50\nspf-noall none 40'
}

@test "DMARC facts give p, sp, np and pct, null when absent" {
	graded scans domstat
	run jq -c 'select(.case == "dmarc-weak") | .facts.dmarc' "$LIVE/scans.domstat"
	assert_output '{"present":true,"valid":true,"p":"quarantine","sp":"none","np":"none","pct":50,"rua":false,"ruf":false}'
	run jq -c 'select(.case == "dmarc-none-record") | .facts.dmarc' "$LIVE/scans.domstat"
	assert_output '{"present":false,"valid":false,"p":null,"sp":null,"np":null,"pct":null,"rua":false,"ruf":false}'
}

@test "CAA is found by climbing to the parent and reported where" {
	graded scans domstat
	run jq -c 'select(.case == "caa-parent") | .facts.caa' "$LIVE/scans.domstat"
	assert_output '{"present":true,"found_at":"example.com","issue_count":0,"issue":false,"issuewild":false,"iodef":true}'
}

@test "dnstats scale: CAA issuers and iodef targets are judged by DNStats' patterns, the same on every record" {
	# issuers in any case, with a port, a path or a parameter, an address; report addresses
	# and URLs of every shape the patterns allow and some they refuse
	jq -c 'select(.case == "good") | .dns.queries |= map(if .type == "CAA" and .answer != null then .answer = ([
		["issue", "letsencrypt.org"], ["issue", "LetsEncrypt.ORG"], ["issue", "ca.example.net:8443"],
		["issue", "192.0.2.1"], ["issue", "-bad.example"], ["issue", "x.y"],
		["issuewild", "digicert.com; cansignhttpexchanges=yes"], ["issuewild", "pki.goog/"],
		["iodef", "mailto:security@example.com"], ["iodef", "mailto:a..b@example.com"],
		["iodef", "mailto:first.last@[192.0.2.1]"], ["iodef", "https://example.com/report?x=1"],
		["iodef", "http://example"], ["iodef", "ftp://example.com"]]
		| map({name: "good.example.com", type: "CAA", ttl: 300, flags: 0, tag: .[0], value: .[1],
			data: "0 \(.[0]) \"\(.[1])\""})) else . end)' "$GF/scans.ndjson" >caa.ndjson
	run -0 --separate-stderr dns-grade --scale dnstats < <(cat caa.ndjson caa.ndjson)
	run -0 jq -r '[.grades.caa, (.remarks[] | select(.category == "caa") | "\(.code) \(.msg)")] | .[]' <<<"$output"
	local one='90
ISSUE_DOMAIN_INVALID bad issuer '"'"'"-bad.example"'"'"'
ISSUE_DOMAIN_INVALID bad issuer '"'"'"x.y"'"'"'
IODEF_INVALID_EMAIL iodef '"'"'"mailto:a..b@example.com"'"'"'
IODEF_INVALID_URL iodef '"'"'"http://example"'"'"'
IODEF_NO_SCHEME iodef '"'"'"ftp://example.com"'"'"''
	assert_output "$one
$one"
}

@test "null MX alone is valid, next to other MX it is an error" {
	graded scans domstat
	run jq -c 'select(.case | startswith("mx-null")) | [.facts.mx, .grades.mx]' "$LIVE/scans.domstat"
	assert_output $'[{"present":true,"null_mx":true,"hosts":0},100]\n[{"present":true,"null_mx":false,"hosts":1},75]'
}

@test "DNSSEC status: secure, bogus when expired or unmatched, signed without DS, insecure" {
	graded scans domstat
	run jq -r 'select(.case | test("^(good|dnssec-expired|dnssec-nomatch|dnssec-island|spf-none)$")) | "\(.case) \(.facts.dnssec.status)"' \
		"$LIVE/scans.domstat"
	assert_output $'good secure\nspf-none insecure\ndnssec-expired bogus\ndnssec-nomatch bogus\ndnssec-island signed-without-ds'
}

@test "a zone graded again in one run gets the same remarks, its DS and DNSKEY that do not parse too" {
	# a copy takes the DNSSEC verdict cache, which replays what ldns made of every DS, DNSKEY
	# and RRSIG: dnssec-algorithms and dns-hostile hold some that do not parse
	dns-grade <"$GF/scans.ndjson" >once
	run jq -r 'select(.case == "dnssec-algorithms") | [.remarks[].code] | join(" ")' once
	assert_output --partial INVALID_DS_RECORD
	assert_output --partial INVALID_DNSKEY_RECORD
	cat "$GF/scans.ndjson" "$GF/scans.ndjson" | dns-grade >twice
	diff <(cat once once) twice
	run -1 --separate-stderr dns-grade <"$GF/hostile.ndjson"
	printf '%s\n' "$output" >once
	grep -q INVALID_DS_RECORD once
	run -1 --separate-stderr dns-grade < <(cat "$GF/hostile.ndjson" "$GF/hostile.ndjson")
	diff <(cat once once) <(printf '%s\n' "$output")
}

@test "lame servers, serial drift and NS set drift are counted" {
	graded scans domstat
	run jq -c 'select(.case == "ns-broken" or .case == "ns-one") | .facts.ns' "$LIVE/scans.domstat"
	# one server asked for NS: nothing to compare its set with (null); no parent asked: null
	assert_output $'{"count":4,"lame":2,"serials_consistent":true,"ns_sets_consistent":false,"parent_child_consistent":null}\n{"count":1,"lame":0,"serials_consistent":false,"ns_sets_consistent":null,"parent_child_consistent":null}'
}

@test "providers come from the shipped tables, self-hosted names from the domain" {
	graded scans domstat
	run jq -r 'select(.case == "good" or .case == "self-hosted") | "\(.facts.mail_provider)|\(.facts.dns_provider)"' \
		"$LIVE/scans.domstat"
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
	graded scans domstat
	run jq -r 'select(.case == "ad" or .case == "good") | "\(.case) \(.facts.active_directory) \(.facts.dnstats.has_msdc)"' \
		"$LIVE/scans.domstat"
	assert_output $'good false false\nad true true'
}

@test "records without dns, hostile or truncated scan data get an errors entry, never a crash" {
	run -1 --separate-stderr dns-grade <"$GF/hostile.ndjson"
	diff -u "$GF/hostile.golden" <(printf '%s\n' "$output" | jq -c '{case, grades, remarks, errors}')
	[ "$(printf '%s\n' "$output" | wc -l)" -eq "$(count_lines "$GF/hostile.ndjson")" ]
	[[ "$stderr" == *"line 1: no 'dns' member"* ]]
	[[ "$stderr" == *"line 6: query "* ]]
}

# What each output line adds after its input line (the input's members pass unchanged).
suffixes() {
	LC_ALL=C awk 'NR == FNR { line[FNR] = $0; next }
		{ n = length(line[FNR]) - 1
		  print (substr($0, 1, n) == substr(line[FNR], 1, n) ? substr($0, n + 1) : "INPUT CHANGED") }' "$1" "$2"
}

@test "the dns member means what json-c made of it: repeated and escaped names, NULs, big numbers, depth" {
	local sc
	for sc in domstat dnstats; do
		run -1 --separate-stderr dns-grade --scale "$sc" <"$GF/jsonedge.ndjson"
		printf '%s\n' "$output" >out.ndjson
		diff -u "$GF/jsonedge.$sc.golden" <(suffixes "$GF/jsonedge.ndjson" out.ndjson)
		diff -u "$GF/jsonedge.stderr" <(printf '%s\n' "$stderr")
	done
}

@test "broken JSON inside the dns member is refused as on any line: an error record with the fault and its byte" {
	# dns-grade checks the dns member while it reads it (one pass): the verdict must be the
	# record layer's, as domain-freq gives it for the same line
	local rec sub
	rec=$(head -n 1 "$GF/scans.ndjson")
	for sub in 's/"why":"apex"/"why":"ap\x01ex"/' 's/"why":"apex"/"why":"ap\xc3ex"/' \
		's/"why":"apex"/"why":"\xed\xa0\x80"/' 's/"why":"apex"/"why":"ap\\xex"/' \
		's/"why":"apex"/"why":"ap\\u12G4"/' 's/"ms":3/"ms":03/' 's/"ms":3/"ms":3./' \
		's/"ms":3/"ms":3e/' 's/"aa":false/"aa":fals/' 's/"answer":\[/"answer":[,/' \
		's/}$//'; do
		printf '%s\n' "$rec" | LC_ALL=C sed "$sub" >in.ndjson
		run -1 --separate-stderr dns-grade <in.ndjson
		printf '%s\n' "$output" |
			jq -e '(.raw | type) == "string" and (.errors | length) == 1 and .grades == null' >/dev/null
		msg=$(printf '%s\n' "$output" | jq -r '.errors[0].msg')
		[[ "$msg" == "invalid JSON: "*" at byte "* ]]
		assert_equal "$msg" "$(domain-freq <in.ndjson 2>/dev/null | jq -r '.errors[0].msg')"
	done
	# a literal U+FFFD and other UTF-8 are valid: graded as without them
	printf '%s\n' "$rec" | sed 's/"why":"apex"/"why":"\xef\xbf\xbd\xc3\xa9"/' >in.ndjson
	run -0 dns-grade <in.ndjson
	assert_equal "$(jq -c .grades <<<"$output")" "$(dns-grade <<<"$rec" | jq -c .grades)"
}

@test "of two dns members the first counts, whether its name is escaped or not" {
	local rec dns
	rec=$(head -n 1 "$GF/scans.ndjson")
	dns=$(jq -c .dns <<<"$rec")
	run -1 --separate-stderr dns-grade <<<"{\"dns\":5,\"dns\":$dns}"
	assert_equal "$(jq -r '.errors[0].code' <<<"$output")" bad-dns
	run -1 --separate-stderr dns-grade <<<"{\"d\\u006es\":5,\"dns\":$dns}"
	assert_equal "$(jq -r '.errors[0].code' <<<"$output")" bad-dns
	run -0 dns-grade <<<"{\"d\\u006es\":$dns,\"dns\":5}"
	assert_equal "$(jq -c .grades <<<"$output")" "$(dns-grade <<<"$rec" | jq -c .grades)"
	run -0 dns-grade <<<"{\"dns\":$dns,\"dns\":{\"v\":2}}"
	assert_equal "$(jq -c .grades <<<"$output")" "$(dns-grade <<<"$rec" | jq -c .grades)"
}

@test "a record dns-scan refused (errors, no dns) passes through unchanged" {
	local rec='{"domain":"bad..name","errors":[{"by":"dns-scan","msg":"invalid name: empty label"}]}'
	run -0 --separate-stderr dns-grade <<<"$rec"
	assert_output "$rec"
	assert_equal "$stderr" ''
}

@test "--field: a scan kept under another member, at any depth, is graded as under dns" {
	head -n 20 "$GF/scans.ndjson" >in.ndjson
	dns-grade <in.ndjson | jq -c '[.grades, .facts, .remarks]' >want
	jq -c '{domain, kept: {scan: .dns}}' in.ndjson | dns-grade -f kept.scan |
		jq -c '[.grades, .facts, .remarks]' >got
	run -0 diff want got
	jq -c '{domain, s: .dns}' in.ndjson | dns-grade --field '["s"]' | jq -c '[.grades, .facts, .remarks]' >got
	run -0 diff want got
	run -1 --separate-stderr dns-grade -f scan <<<'{"domain":"example.com","dns":{}}'
	assert_equal "$stderr" "dns-grade: line 1: no 'scan' member (run dns-scan first) [no-dns]"
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
	assert_output '["bad-dns-data",false,true]'
}

@test "TXT strings over 65535 bytes in all are refused naming their total, not one string" {
	python3 - >big.ndjson <<'PY'
import json
d = "big.example.com"
txt = ["v=spf1 -all"] + ["a" * 255] * 300
q = {"q": d, "type": "TXT", "why": "apex", "rcode": "NOERROR", "answer": [
     {"name": d, "type": "TXT", "ttl": 1, "data": "x", "txt": txt}]}
print(json.dumps({"domain": d, "dns": {"v": 1, "domain": d, "queries": [q]}}))
PY
	run -1 --separate-stderr dns-grade <big.ndjson
	[[ "$stderr" == *"TXT strings of 65546 bytes in all (DNS allows 65535)"* ]]
}

@test "DMARC reports need authorising only outside the registrable domain the public suffix list gives" {
	python3 - >reports.ndjson <<'PY'
import json
def rec(d, dests):
    rua = ",".join("mailto:dmarc@" + h for h in dests)
    qs = [{"q": "_dmarc." + d, "type": "TXT", "why": "dmarc", "rcode": "NOERROR", "answer": [
           {"name": "_dmarc." + d, "type": "TXT", "ttl": 1, "data": "x",
            "txt": ["v=DMARC1; p=reject; rua=" + rua]}]}]
    # every destination's authorisation name answers NXDOMAIN: only the check's verdict on the
    # destination decides whether a remark comes
    for h in dests:
        n = d + "._report._dmarc." + h.lower()
        qs.append({"q": n, "type": "TXT", "why": "dmarc-report", "rcode": "NXDOMAIN", "answer": []})
    return json.dumps({"domain": d, "dns": {"v": 1, "domain": d, "queries": qs}})
print(rec("shop.example.co.uk", ["reports.example.co.uk", "example.co.uk", "SHOP.EXAMPLE.CO.UK",
                                 "other.co.uk", "x.example.net"]))
print(rec("alice.github.io", ["bob.github.io", "mail.alice.github.io"]))
print(rec("example.com", ["example.com.evil.com", "com"]))
PY
	run dns-grade <reports.ndjson
	run jq -c '[.remarks[] | select(.code == "EXTERNAL_REPORT_NOT_AUTHORIZED") | .msg
		| capture("destination .(?<d>[^'"'"']*).").d]' <<<"$output"
	assert_output "$(printf '%s\n' '["other.co.uk","x.example.net"]' '["bob.github.io"]' \
		'["example.com.evil.com","com"]')"
}

@test "tens of thousands of records in one scan are graded without running away (hang guard)" {
	python3 - >wide.ndjson <<'PY'
import json
d = "wide.example.com"
n = 8000
ns = [{"name": d, "type": "NS", "ttl": 1, "data": "x", "host": "ns%d.%s" % (i, d)} for i in range(n)]
mx = [{"name": d, "type": "MX", "ttl": 1, "data": "x", "preference": i % 65536, "exchange": "mx%d.%s" % (i, d)} for i in range(n)]
ds = [{"name": d, "type": "DS", "ttl": 1, "data": "%d 13 2 %s" % (i, "ab" * 32), "algorithm": 13, "digest_type": 2} for i in range(n)]
spf = "v=spf1 " + " ".join("a:h%d.%s" % (i, d) for i in range(900)) + " -all"
txt = [{"name": d, "type": "TXT", "ttl": 1, "data": "x", "txt": [spf[i:i + 255] for i in range(0, len(spf), 255)]}]
qs = [{"q": d, "type": t, "rcode": "NOERROR", "answer": a} for t, a in (("NS", ns), ("MX", mx), ("DS", ds), ("TXT", txt))]
qs += [{"q": "ns%d.%s" % (i, d), "type": "A", "rcode": "NOERROR", "answer": []} for i in range(n)]
print(json.dumps({"domain": d, "dns": {"v": 1, "domain": d, "queries": qs}}))
PY
	run -0 --separate-stderr timeout 120 dns-grade --max-line 8000000 <wide.ndjson
	run jq -c '[.facts.ns.count, .facts.mx.hosts, .facts.spf.lookups > 10, .grades.ns]' <<<"$output"
	assert_output '[8000,8000,true,0]'
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
	# ${lines[@]} would not do: bats drops empty lines from it; compare the bytes themselves
	head -1 "$GF/scans.ndjson" | dns-grade >one.ndjson
	printf '\n%s\n\n' "$(head -1 "$GF/scans.ndjson")" | dns-grade >out.ndjson
	[ "$(count_lines one.ndjson)" -eq 1 ]
	[ "$(count_lines out.ndjson)" -eq 3 ]
	cmp out.ndjson <(printf '\n'; cat one.ndjson; printf '\n')
}

@test "a closed pipe ends dns-grade quietly with status 0" {
	for i in $(seq 20); do cat "$GF/scans.ndjson"; done >many.ndjson
	run bash -c 'set -o pipefail; dns-grade <many.ndjson 2>/dev/null | head -1 >/dev/null'
	assert_success
}

@test "a write error (full disk) is reported with status 2, and records piped through arrive whole" {
	run -2 --separate-stderr bash -c 'dns-grade <"$1" >/dev/full' _ "$GF/scans.ndjson"
	assert_equal "$stderr" 'dns-grade: cannot write output: No space left on device'
	# over a megabyte through a pipe: the same bytes as into a file, record for record
	for i in 1 2 3; do cat "$GF/scans.ndjson"; done >three.ndjson
	dns-grade <three.ndjson >direct.ndjson 2>/dev/null || true
	dns-grade <three.ndjson 2>/dev/null | cat >piped.ndjson
	[ "$(wc -l <piped.ndjson)" -eq "$(wc -l <three.ndjson)" ]
	cmp direct.ndjson piped.ndjson
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

# The RFC 7208 suite as scan records: one per test, the zone data of its scenario as answered
# queries (an SPF entry is also a TXT entry unless the name lists its own TXT; TIMEOUT makes
# the name time out), the mail-from domain (or HELO) as the domain.
rfc7208_records() {
	python3 - "$SHARED/testsuites/spf/rfc7208-tests.yml" <<'PY'
import json, sys, yaml

def rrs(name, entries):
    spf = [v for e in entries if isinstance(e, dict) for t, v in e.items() if t == "SPF"]
    txt = [v for e in entries if isinstance(e, dict) for t, v in e.items() if t == "TXT"]
    out = {}
    for v in (txt if txt else spf):
        if v == "NONE":
            continue
        strings = v if isinstance(v, list) else [v]
        out.setdefault("TXT", []).append({"name": name, "type": "TXT", "ttl": 1, "data": "x", "txt": strings})
    for e in entries:
        if not isinstance(e, dict):
            continue
        for t, v in e.items():
            if t in ("A", "AAAA"):
                out.setdefault(t, []).append({"name": name, "type": t, "ttl": 1, "data": v, "address": v})
            elif t == "MX":
                out.setdefault(t, []).append({"name": name, "type": "MX", "ttl": 1, "data": "x",
                                              "preference": v[0], "exchange": v[1]})
    return out

for doc in yaml.safe_load_all(open(sys.argv[1], encoding="utf-8")):
    zone = {k.lower(): v for k, v in (doc.get("zonedata") or {}).items()}
    for name, t in doc["tests"].items():
        dom = (t["mailfrom"].split("@")[-1] if t["mailfrom"] else t["helo"]).lower()
        if not dom or dom.startswith("[") or len(dom) > 253:
            continue
        queries = []
        for zname, entries in zone.items():
            timeout = "TIMEOUT" in entries
            have = rrs(zname, entries)
            for typ in ("TXT", "A", "AAAA", "MX"):
                q = {"q": zname, "type": typ, "why": "apex" if zname == dom else "spf"}
                if timeout:
                    q["error"] = "timeout"
                else:
                    q["rcode"] = "NOERROR"
                    q["answer"] = have.get(typ, [])
                queries.append(q)
        # names the records point to that the zone lacks do not exist (as dns-scan would find)
        wanted = {dom}
        for entries in zone.values():
            for e in entries:
                if isinstance(e, dict):
                    for typ, val in e.items():
                        if typ in ("SPF", "TXT"):
                            text = "".join(val) if isinstance(val, list) else val
                            for term in text.split(" "):
                                for pre in ("a:", "mx:", "include:", "exists:", "redirect=", "ptr:"):
                                    i = term.lower().find(pre)
                                    if i >= 0 and i <= 1 and "%" not in term:
                                        wanted.add(term[i + len(pre):].split("/")[0].lower().rstrip("."))
        for w in sorted(wanted - set(zone)):
            if w:
                for typ in ("TXT", "A", "AAAA", "MX"):
                    queries.append({"q": w, "type": typ, "why": "spf", "rcode": "NXDOMAIN", "answer": []})
        print(json.dumps({"test": name, "result": t["result"], "domain": dom,
                          "dns": {"v": 1, "domain": dom, "queries": queries}}, ensure_ascii=False))
PY
}

# Syntax errors of the suite (validation.md, class A) and valid but unusual records (class A').
RFC7208_SYNTAX="non-ascii-policy non-ascii-mech non-ascii-result control-char-policy badip4
detect-errors-anywhere modifier-charset-bad1 modifier-charset-bad2 redirect-is-modifier
invalid-domain all-dot all-arg all-cidr ptr-cidr ptr-empty-domain a-bad-cidr4 a-bad-cidr6
a-dual-cidr-ip4-err a-bad-domain a-null a-numeric a-numeric-toplabel a-bad-toplabel
a-only-toplabel a-only-toplabel-trailing-dot a-empty-domain include-syntax-error include-cidr
include-empty-domain mx-bad-cidr4 mx-bad-cidr6 mx-bad-domain mx-null mx-numeric-top-label
mx-bad-toplab mx-empty-domain exists-empty-domain exists-implicit exists-cidr cidr4-33 cidr4-032
bare-ip4 bad-ip4-port bad-ip4-short ip4-dual-cidr bare-ip6 cidr6-129 cidr6-bad ip6-bad1
redirect-syntax-error invalid-modifier empty-modifier-name exp-empty-domain exp-syntax-error
exp-twice redirect-empty-domain redirect-twice unknown-modifier-syntax exp-only-macro-char
invalid-macro-char invalid-embedded-macro-char invalid-trailing-macro-char undef-macro"
RFC7208_VALID="modifier-charset-good all-double a-dash-in-toplabel a-colon-domain mx-colon-domain
cidr6-33 default-modifier-obsolete default-modifier-obsolete2 two-spaces trailing-space null-text
macro-mania-in-domain macro-multiple-delimiters macro-reverse-split-on-dash a-cidr6
a-dual-cidr-ip4-default"
SPF_SYNTAX_CODES='["INVALID_CHARACTER","INVALID_MECHANISM","INVALID_MODIFIER","INVALID_DOMAIN_SPEC","INVALID_MACRO","INVALID_IPV4_VALUE","INVALID_IPV4_CIDR","INVALID_IPV6_VALUE","INVALID_IPV6_CIDR","INVALID_INCLUDE_FORMAT","INVALID_REDIRECT_MECHANISM","DUPLICATE_MODIFIER"]'

@test "RFC 7208 suite: every syntax permerror gives an SPF syntax remark, the unusual valid records none" {
	require_shared testsuites/spf/rfc7208-tests.yml
	rfc7208_records >suite.ndjson
	[ "$(count_lines suite.ndjson)" -gt 190 ]
	dns-grade <suite.ndjson >graded.ndjson 2>/dev/null || true
	jq -r --argjson syn "$SPF_SYNTAX_CODES" \
		'"\(.test) \([.remarks[]? | select(.category == "spf" and (.code as $c | $syn | index($c)))] | length)"' \
		graded.ndjson >verdicts
	local t n missing=
	for t in $RFC7208_SYNTAX; do
		n=$(awk -v t="$t" '$1 == t { print $2; exit }' verdicts)
		[ -n "$n" ] || { missing="$missing $t(absent)"; continue; }
		[ "$n" -gt 0 ] || missing="$missing $t"
	done
	[ "$(echo $RFC7208_SYNTAX | wc -w)" -eq 63 ]
	assert_equal "syntax errors not reported:$missing" "syntax errors not reported:"
	local flagged=
	for t in $RFC7208_VALID; do
		n=$(awk -v t="$t" '$1 == t { print $2; exit }' verdicts)
		[ -n "$n" ] || { flagged="$flagged $t(absent)"; continue; }
		[ "$n" -eq 0 ] || flagged="$flagged $t"
	done
	assert_equal "valid records flagged:$flagged" "valid records flagged:"
}

@test "RFC 7208 suite: lookup limits, void lookups, loops, missing targets and record selection" {
	require_shared testsuites/spf/rfc7208-tests.yml
	rfc7208_records >suite.ndjson
	dns-grade <suite.ndjson >graded.ndjson 2>/dev/null || true
	verdict() {
		jq -r --arg t "$1" 'select(.test == $t) | [.remarks[]? | select(.category == "spf") | .code] | join(" ")' \
			graded.ndjson | head -1
	}
	# a case the suite file lacks would make every != check below pass: each must be there
	jq -r .test graded.ndjson | sort -u >cases
	local t missing=
	for t in mech-over-limit mech-at-limit include-over-limit void-over-limit void-at-limit \
		include-loop redirect-loop mx-limit include-none redirect-none include-permerror \
		multitxt2 nospace1 case-insensitive false-a-limit; do
		grep -qxF -- "$t" cases || missing="$missing $t"
	done
	assert_equal "cases missing from the suite:$missing" "cases missing from the suite:"
	[[ "$(verdict mech-over-limit)" == *TOO_MANY_DNS_LOOKUPS* ]]
	[[ "$(verdict mech-at-limit)" != *TOO_MANY_DNS_LOOKUPS* ]]
	[[ "$(verdict include-over-limit)" == *TOO_MANY_DNS_LOOKUPS* ]]
	# (include-at-limit passes only because its client address matches before the last term;
	# a validator counts every term, as the limit applies to whatever address connects)
	[[ "$(verdict void-over-limit)" == *TOO_MANY_VOID_LOOKUPS* ]]
	[[ "$(verdict void-at-limit)" != *TOO_MANY_VOID_LOOKUPS* ]]
	[[ "$(verdict include-loop)" == *INCLUDE_LOOP* ]]
	[[ "$(verdict redirect-loop)" == *REDIRECT_LOOP* ]]
	[[ "$(verdict mx-limit)" == *TOO_MANY_MX_RECORDS_RETURNED* ]]
	[[ "$(verdict include-none)" == *INCLUDE_TARGET_NO_SPF* ]]
	[[ "$(verdict redirect-none)" == *NO_RECORD_AT_REDIRECT* ]]
	[[ "$(verdict include-permerror)" == *INCLUDE_TARGET_INVALID* ]]
	[[ "$(verdict multitxt2)" == *MULTIPLE_SPF_RECORDS* ]]
	[[ "$(verdict nospace1)" == *NO_SPF_FOUND* ]]
	[[ "$(verdict case-insensitive)" != *NO_SPF_FOUND* ]]
	[[ "$(verdict false-a-limit)" == "" ]]
}

@test "scan then grade: dns-scan's zones give the facts and remarks their data calls for" {
	scan full.test signed.test deleg.test chain.spf.test loop.spf.test long.spf.test \
		sub.caa.test redir.spf.test >scan.ndjson
	run -0 --separate-stderr dns-grade <scan.ndjson
	printf '%s\n' "$output" >graded.ndjson
	[ "$(count_lines graded.ndjson)" -eq 8 ]
	codes() { jq -r --arg d "$1" 'select(.domain == $d) | [.remarks[].code] | join(" ")' graded.ndjson; }
	fact() { jq -c --arg d "$1" "select(.domain == \$d) | $2" graded.ndjson; }
	assert_equal "$(fact full.test '[.facts.spf.policy, .facts.spf.lookups, .facts.dmarc.p, .facts.caa.iodef, .facts.mx.hosts, .facts.bimi.present, .facts.active_directory]')" \
		'["~all",5,"reject",true,2,true,true]'
	[[ "$(codes full.test)" == *REPORT_URI_SIZE_OBSOLETE* ]]
	# its parent test. is unsigned and Knot sets no AD: an island, insecure (RFC 4033 3.1)
	assert_equal "$(fact signed.test '.facts.dnssec')" \
		'{"status":"insecure","ds_algorithms":[13],"dnskey_algorithms":[13]}'
	[[ "$(codes signed.test)" == *NSEC3_ITERATIONS*NSEC3_SALT*DNSSEC_ISLAND* ]]
	assert_equal "$(fact deleg.test '[.facts.ns.count, .facts.ns.lame, .facts.ns.serials_consistent]')" '[4,1,false]'
	[[ "$(codes deleg.test)" == *NS_NO_RESPONSE*SOA_SERIAL_MISMATCH* ]]
	assert_equal "$(fact chain.spf.test '[.facts.spf.lookups, .facts.spf.valid, .grades.spf]')" '[5,true,100]'
	[[ "$(codes loop.spf.test)" == *INCLUDE_LOOP* ]]
	[[ "$(codes long.spf.test)" == *TOO_MANY_DNS_LOOKUPS* ]]
	assert_equal "$(fact sub.caa.test '[.facts.caa.found_at, .facts.caa.issue]')" '["caa.test",true]'
	assert_equal "$(fact redir.spf.test '.facts.spf.policy')" '"~all"'
}

@test "scan then grade: a zone with a finding in every mail category and a lame server" {
	scan grade.test >scan.ndjson
	run -0 --separate-stderr dns-grade <scan.ndjson
	run jq -r '[.remarks[] | "\(.category):\(.code)"] | join(" ")' <<<"$output"
	local c
	for c in spf:INVALID_IPV4_CIDR dmarc:POLICY_NONE dmarc:REMOVED_TAG caa:UNKNOWN_CRITICAL_TAG \
		mx:NULL_MX_WITH_OTHER_MX ns:LAME_DELEGATION bimi:LOGO_NOT_HTTPS \
		bimi:DMARC_STRICT_ENOUGH_POLICY; do
		[[ " $output " == *" $c "* ]] || fail "no $c in: $output"
	done
	run -0 --separate-stderr dns-grade --scale dnstats <scan.ndjson
	run jq -c '[.grade_scale, .grades.spf, .grades.dmarc, .grades.caa, .grades.mx]' <<<"$output"
	# SPF: ceiling 100 less 2 for INVALID_IPV4_CIDR; DMARC: none 10, pct 50 +1, rua +5;
	# CAA: issue 85; MX: "0 ." fails DNStats' name check and .test is no public suffix
	assert_output '["dnstats",98,16,85,0]'
}

@test "a 3.5 MB scan record (4000-record answers of a hostile zone) is graded and counted with the default --max-line" {
	# the good.example.com scan, whose MX and NS hosts each answer 4000 A and 4000 AAAA records,
	# as dns-scan writes them after TCP fallback
	head -1 "$GF/jsonedge.ndjson" | python3 -c '
import json, sys
r = json.loads(sys.stdin.readline())
qs = r["dns"]["queries"]
for why, hosts in (("mx-addr", ["aspmx.l.google.com", "alt1.aspmx.l.google.com"]),
                   ("ns-addr", ["ada.ns.cloudflare.com", "bob.ns.cloudflare.com", "carl.ns.cloudflare.com"])):
    for h in hosts:
        for t in ("A", "AAAA"):
            ans = []
            for i in range(4000):
                a = "10.0.%d.%d" % (i // 256, i % 256) if t == "A" else "2001:db8::%x" % i
                ans.append({"name": h, "type": t, "ttl": 300, "data": a, "address": a})
            qs.append({"q": h, "type": t, "why": why, "direct": False, "rcode": "NOERROR",
                       "aa": False, "tc": True, "tcp": True, "answer": ans})
# the record asks no DS, DNSKEY or BIMI: answered, none (else those grades and overall are null)
for q, t in (("good.example.com", "DS"), ("good.example.com", "DNSKEY"), ("default._bimi.good.example.com", "TXT")):
    qs.append({"q": q, "type": t, "why": "apex", "direct": False, "rcode": "NOERROR", "aa": False, "answer": []})
ns = next(q for q in qs if q["type"] == "NS" and q["why"] == "apex")
ns["answer"].append(dict(ns["answer"][0], data="carl.ns.cloudflare.com.", host="carl.ns.cloudflare.com"))
print(json.dumps(r, separators=(",", ":")))' >big.ndjson
	[ "$(stat -c %s big.ndjson)" -gt 3500000 ]
	run -0 --separate-stderr dns-grade <big.ndjson
	assert_equal "$stderr" ''
	printf '%s\n' "$output" >graded.ndjson
	run -0 jq -c '[.errors, .grades.overall > 0, .facts.mx.hosts]' graded.ndjson
	assert_output '[null,true,2]'
	# the graded record keeps the dns member: stats-report counts it by default too
	run -0 --separate-stderr stats-report -F json graded.ndjson
	assert_equal "$stderr" ''
	run -0 jq -c '.input | [.records, .skipped]' <<<"$output"
	assert_output '[1,0]'
}

@test "through Unbound: a resolver that refuses every query: no grade, remarks name REFUSED, exit 0" {
	run -1 --separate-stderr scan_via "$(REFUSING)" -- --profile minimal <<<full.test
	printf '%s\n' "$output" >scan.ndjson
	# dns-scan already said so (dns-incomplete, exit 1): dns-grade grades what it can, exit 0
	local sc
	for sc in domstat dnstats; do
		run -0 --separate-stderr dns-grade --scale "$sc" <scan.ndjson
		assert_equal "$stderr" ''
		run -0 jq -c '[.grades[]] | unique' <<<"$output"
		assert_output '[null]'
	done
	run -0 dns-grade <scan.ndjson
	printf '%s\n' "$output" >graded.ndjson
	# the questions asked were refused, the others never asked
	run -0 jq -r '.remarks[] | "\(.category) \(.code) \(.msg)"' graded.ndjson
	assert_line "spf DNS_TEMPORARY_ERROR no usable answer to TXT of 'full.test': REFUSED (extended DNS error 18)"
	assert_line "dmarc DNS_TEMPORARY_ERROR no usable answer to TXT of '_dmarc.full.test': REFUSED (extended DNS error 18)"
	assert_line "mx DNS_TEMPORARY_ERROR no usable answer to MX of 'full.test': REFUSED (extended DNS error 18)"
	assert_line "caa NOT_SCANNED CAA of 'full.test' was not asked (profile 'minimal')"
	run -0 jq -c '[.remarks[].code] | unique' graded.ndjson
	assert_output '["DNS_TEMPORARY_ERROR","NOT_SCANNED"]'
	# unknown, not false
	run -0 jq -c '[.facts.exists, .facts.spf.present, .facts.dmarc.present, .facts.mx.present,
		.facts.dnstats.has_spf, .facts.scan.status, .facts.scan.refused > 0]' graded.ndjson
	assert_output '[null,null,null,null,null,"failed",true]'
}

@test "through Unbound: -r REFUSING -r GOOD grades the same as GOOD alone" {
	printf '%s\n' full.test caa.test chain.spf.test signed.test grade.test >in
	run -0 --separate-stderr scan_via "$(GOOD)" -- <in
	printf '%s\n' "$output" >good.ndjson
	run -0 --separate-stderr scan_via "$(REFUSING)" "$(GOOD)" -- <in
	printf '%s\n' "$output" >both.ndjson
	# the refusing resolver was asked, and refused
	run -0 jq -s '[.[].dns.queries[] | .failed_attempts // [] | .[] | select(.cause == "refused")] | length > 0' both.ndjson
	assert_output true
	local sc
	for sc in domstat dnstats; do
		dns-grade --scale "$sc" <good.ndjson | verdict >good.$sc
		dns-grade --scale "$sc" <both.ndjson | verdict >both.$sc
		[ "$(count_lines good.$sc)" -eq 5 ]
		diff -u good.$sc both.$sc
	done
	# and they are grades, not nulls
	run -0 jq -c 'select(.domain == "full.test") | [.grades.spf, .grades.dmarc, .grades.mx]' good.domstat
	refute_output --partial null
}

@test "through Unbound: a domain that does not exist gets no grades, exists false and one remark" {
	run -0 --separate-stderr scan_via "$(GOOD)" -- <<<nope.full.test
	printf '%s\n' "$output" >scan.ndjson
	run -0 jq -r .dns.status scan.ndjson
	assert_output nxdomain
	local sc
	for sc in domstat dnstats; do
		run -0 --separate-stderr dns-grade --scale "$sc" <scan.ndjson
		run -0 jq -c '[([.grades[]] | unique), .facts.exists, [.remarks[] | [.category, .code]]]' <<<"$output"
		assert_output '[[null],false,[["domain","DOMAIN_DOES_NOT_EXIST"]]]'
	done
	# a record of an older dns-scan (no status member) is judged from its apex answers
	jq -c 'del(.dns.status, .dns.failed)' scan.ndjson | dns-grade >old.ndjson
	run -0 jq -c '[.grades.overall, .facts.exists, [.remarks[].code]]' old.ndjson
	assert_output '[null,false,["DOMAIN_DOES_NOT_EXIST"]]'
}

@test "through Unbound: what --profile minimal or --types spf never asked is null, not 0" {
	# caa.test has CAA: the full scan finds it, the minimal one never asks
	scan_via "$(GOOD)" -- <<<caa.test | dns-grade >full.ndjson
	run -0 jq -c '[.facts.caa.present, .grades.caa > 0]' full.ndjson
	assert_output '[true,true]'
	scan_via "$(GOOD)" -- --profile minimal <<<caa.test | dns-grade >minimal.ndjson
	run -0 jq -c '[.grades.caa, .grades.dnssec, .grades.overall, .facts.caa.present,
		[.remarks[] | select(.category == "caa") | .code]]' minimal.ndjson
	assert_output '[null,null,null,null,["NOT_SCANNED"]]'
	run -0 jq -r '.remarks[].code' minimal.ndjson
	refute_line NO_CAA_RECORDS
	# what minimal asked is graded as in the full scan
	run -0 jq -c '[.grades.spf, .grades.dmarc, .grades.soa, .grades.mx]' full.ndjson
	local want=$output
	run -0 jq -c '[.grades.spf, .grades.dmarc, .grades.soa, .grades.mx]' minimal.ndjson
	assert_output "$want"
	# --types spf: TXT and its walk only (full.test's "v=spf1 a mx ..." asks its MX: known)
	scan_via "$(GOOD)" -- --types spf <<<full.test | dns-grade >spf.ndjson
	run -0 jq -c '[.grades.spf != null, .grades.dmarc, .grades.ns, .grades.soa, .grades.caa,
		.grades.dnssec, .grades.overall, .facts.dmarc.present, .facts.ns.count]' spf.ndjson
	assert_output '[true,null,null,null,null,null,null,null,null]'
	run -0 jq -c '[.remarks[] | select(.category != "spf" and .category != "mx") | .code] | unique' spf.ndjson
	assert_output '["NOT_SCANNED"]'
	run -0 jq -c '[.grades.mx, .facts.mx.present]' spf.ndjson
	assert_output '[100,true]'
}

@test "a scan through Unbound grades the same as the direct scan wherever both could answer" {
	local names=(full.test signed.test deleg.test chain.spf.test loop.spf.test long.spf.test
		sub.caa.test redir.spf.test grade.test)
	printf '%s\n' "${names[@]}" >in
	scan_via "$DNS_NET.1:$DNS_PORT" -- <in >direct.ndjson || true
	scan_via "$(GOOD)" -- <in >unbound.ndjson || true
	[ "$(count_lines direct.ndjson)" -eq ${#names[@]} ]
	[ "$(count_lines unbound.ndjson)" -eq ${#names[@]} ]
	local sc
	for sc in domstat dnstats; do
		# each category's grade where neither is null
		dns-grade --scale "$sc" <direct.ndjson >d.ndjson || true
		dns-grade --scale "$sc" <unbound.ndjson >u.ndjson || true
		# DNSSEC (and overall, which weighs it) aside for signed.test: Unbound holds a trust
		# anchor for it and says secure (AD); the direct scan sees a signed zone under an
		# unsigned test. and rightly calls it an island. DANE likewise: its TLSA records
		# validate (AD) only through Unbound
		run -0 jq -rs --slurpfile u u.ndjson '
			[range(length) as $i | .[$i] as $d | $u[$i] as $v | $d.grades | keys[] as $c
			 | select($d.domain != "signed.test" or
				  ($c != "dnssec" and $c != "overall" and $c != "dane"))
			 | select($d.grades[$c] != null and $v.grades[$c] != null
				  and $d.grades[$c] != $v.grades[$c])
			 | "\($d.domain) \($c): direct \($d.grades[$c]), through Unbound \($v.grades[$c])"]
			| .[]' d.ndjson
		assert_output ''
		# and most of them could be compared
		run -0 jq -s '[.[].grades[] | select(. != null)] | length' u.ndjson
		[ "$output" -ge $((${#names[@]} * 6)) ]
	done
}

@test "through Unbound: a bogus zone is bogus (its CD=1 data does not validate), the rest of its SERVFAILs unknown, not absent" {
	# no DS: the lab's test. zone does not delegate bogus.test (Unbound has it as a stub zone)
	run -1 --separate-stderr scan_via "$(GOOD)" -- --types DNSKEY,MX,SOA,TXT,dmarc <<<bogus.test
	printf '%s\n' "$output" >scan.ndjson
	run -0 jq -r '.dns.queries[] | select(.type == "DNSKEY") | [.rcode, .ede[0].code, .cd_retry.rcode] | @tsv' scan.ndjson
	assert_output "$(printf 'SERVFAIL\t6\tNOERROR')"
	run -0 --separate-stderr dns-grade <scan.ndjson
	printf '%s\n' "$output" >graded.ndjson
	run -0 jq -c '[.grades.dnssec, .grades.mx, .grades.soa, .facts.dnssec.status, .facts.mx.present]' graded.ndjson
	assert_output '[0,null,null,"bogus",null]'
	run -0 jq -r '[.remarks[] | select(.category == "dnssec") | .code] | join(" ")' graded.ndjson
	assert_output --regexp '^DNSSEC_VALIDATION_FAILED'
	run -0 jq -r '.remarks[] | select(.category == "mx") | "\(.code) \(.msg)"' graded.ndjson
	assert_output --regexp "^DNS_TEMPORARY_ERROR no usable answer to MX of 'bogus.test': SERVFAIL \(extended DNS error 6[:)].*; asked with CD=1 it answers NOERROR: the data does not validate$"
	run -0 jq -r '.remarks[].code' graded.ndjson
	refute_line NO_DNSKEY
	refute_line NO_MX_RECORDS
	# the domain's own TXT and _dmarc answered SERVFAIL: unknown, not NO_SPF_FOUND or NO_DMARC_RECORD
	run -0 jq -r '.remarks[] | select(.category == "spf" or .category == "dmarc") | "\(.category) \(.code) \(.msg)"' graded.ndjson
	assert_line --regexp "^spf DNS_TEMPORARY_ERROR no usable answer to TXT of 'bogus.test': SERVFAIL "
	assert_line --regexp "^dmarc DNS_TEMPORARY_ERROR no usable answer to TXT of '_dmarc.bogus.test': SERVFAIL "
	[ "${#lines[@]}" -eq 2 ]
	run -0 jq -c '[.grades.spf, .grades.dmarc, .facts.spf.present, .facts.dmarc.present]' graded.ndjson
	assert_output '[null,null,null,null]'
}

@test "through Unbound: a _dmarc CNAME into another zone is followed to the record it names" {
	run -0 --separate-stderr scan_via "$(GOOD)" -- --types dmarc <<<alias.ext.test
	printf '%s\n' "$output" >scan.ndjson
	run -0 jq -r '.dns.queries[] | select(.q == "_dmarc.alias.ext.test") | [.rcode, (.answer | map(.type) | join(","))] | @tsv' scan.ndjson
	assert_output "$(printf 'NOERROR\tCNAME,TXT')"
	run -0 --separate-stderr dns-grade <scan.ndjson
	run -0 jq -c '[.facts.dmarc.present, .facts.dmarc.valid, .facts.dmarc.p, .grades.dmarc > 0,
		[.remarks[] | select(.category == "dmarc") | .code]]' <<<"$output"
	assert_output --regexp '^\[true,true,"reject",true,'
	refute_output --partial NO_DMARC_RECORD
}

@test "README's recipe: the domains not scanned ok, picked with jq, scanned again through a good resolver, then graded" {
	printf '1,full.test\n2,caa.test\n3,nope.full.test\n' >list.csv
	run -1 --separate-stderr scan_via "$(REFUSING)" -- --profile minimal <list.csv
	printf '%s\n' "$output" >scan.ndjson
	run -0 jq -r .dns.status scan.ndjson
	assert_output "$(printf 'failed\nfailed\nfailed')"
	# README.md, "The two jobs": the jq lines as they stand there
	jq -c 'select(.dns.status != "ok") | del(.dns, .errors)' scan.ndjson >again.ndjson
	run -0 --separate-stderr scan_via "$(GOOD)" -- --profile minimal <again.ndjson
	printf '%s\n' "$output" >rescan.ndjson
	jq -c 'select(.dns.status == "ok")' scan.ndjson | cat - rescan.ndjson | dns-grade >graded.ndjson
	# every domain once, with its rank, now scanned: graded, or known not to exist
	run -0 jq -r '"\(.rank),\(.domain),\(.dns.status),\(.facts.exists),\(.grades.spf != null and .grades.mx != null),\(has("errors"))"' graded.ndjson
	assert_output "$(printf '1,full.test,ok,true,true,false\n2,caa.test,ok,true,true,false\n3,nope.full.test,nxdomain,false,false,false')"
}
