#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# dns-scan's HTTPS fetches (the MTA-STS policy, security.txt), dns-grade's mta_sts_policy and
# security_txt categories and stats-report's figures of them, against a loopback HTTPS server
# with a throwaway CA (https_server.bash) and the names of tests/zones/https.test.zone served
# by Knot. Nothing here reaches the internet.
load helper

DOMAINS="good partial nopolicy notxt slow badcert wronghost huge moved toprivate forbidden
html nothing private"

# the scan every test reads: each domain once, with the _mta-sts TXT question (part mta-sts)
scan_all() {
	local d="$BATS_FILE_TMPDIR" n
	for n in $DOMAINS; do echo "$n.https.test"; done >"$d/in"
	fetch --types MX,TXT,mta-sts,mta-sts-policy,security-txt <"$d/in" >"$d/scan.ndjson"
	dns-grade --no-progress <"$d/scan.ndjson" >"$d/graded.ndjson"
}

setup_file() {
	load dns_server
	load https_server
	export PATH="${DOMSTAT_BIN:-$TOP/build/bin}:$PATH"
	dns_pick_net
	local d="$BATS_FILE_TMPDIR" w="$BATS_FILE_TMPDIR/wk" n
	# every name but wronghost's (badcert gets another CA's certificate by SNI)
	# shellcheck disable=SC2086
	https_make_certs "$d" $(for n in $DOMAINS; do echo "$n.https.test"; done | grep -v wronghost)
	mkdir -p "$w/mta-sts.good.https.test" "$w/good.https.test" "$w/mta-sts.partial.https.test" \
		"$w/partial.https.test" "$w/mta-sts.notxt.https.test" "$w/html.https.test"
	printf 'version: STSv1\r\nmode: enforce\r\nmx: mx1.good.https.test\r\nmx: *.backup.good.https.test\r\nmax_age: 604800\r\n' \
		>"$w/mta-sts.good.https.test/mta-sts.txt"
	printf 'Contact: mailto:security@good.https.test\nExpires: %s\n' \
		"$(date -u -d '+30 days' +%Y-%m-%dT%H:%M:%SZ)" >"$w/good.https.test/security.txt"
	printf 'version: STSv1\nmode: testing\nmx: mx1.partial.https.test\nmax_age: 86400\n' \
		>"$w/mta-sts.partial.https.test/mta-sts.txt"
	printf -- '-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nContact: https://partial.https.test/security\nExpires: 2020-01-01T00:00:00Z\n-----BEGIN PGP SIGNATURE-----\n\niQ==\n-----END PGP SIGNATURE-----\n' \
		>"$w/partial.https.test/security.txt"
	printf 'version: STSv1\nmode: enforce\nmx: mx1.notxt.https.test\nmax_age: 604800\n' \
		>"$w/mta-sts.notxt.https.test/mta-sts.txt"
	echo 'text/html' >"$w/mta-sts.notxt.https.test/mta-sts.txt.type"
	echo '<html><body>Welcome</body></html>' >"$w/html.https.test/security.txt"
	echo 'text/html; charset=utf-8' >"$w/html.https.test/security.txt.type"
	# the parent zone too, for the full profile's questions to it
	knot_start https "$DNS_NET.1" "$DNS_PORT" https.test="$ZONES/https.test.zone" \
		test="$ZONES/test.zone"
	https_server_start "$d" "$DNS_NET.1"
	PORT=$(head -1 "$d/srv.port")
	export PORT
	scan_all
}

teardown_file() {
	load dns_server
	load https_server
	https_server_stop "$BATS_FILE_TMPDIR"
	knot_stop_all
}

setup() {
	setup_isolated
	PORT=$(head -1 "$BATS_FILE_TMPDIR/srv.port")
}

# dns-scan with the loopback server trusted and reachable: one second a question or a fetch
fetch() {
	dns-scan -r "$DNS_NET.1:$DNS_PORT" --https-port "$PORT" --https-allow 127.0.0.0/8 \
		--cacert "$BATS_FILE_TMPDIR/ca.pem" --timeout 1 --no-progress "$@"
}

# the fetch object of a part for a domain, from the file's scan
obj() {
	jq -c --arg d "$1.https.test" --arg w "$2" \
		'select(.domain == $d) | .dns.https[] | select(.why == $w)' "$BATS_FILE_TMPDIR/scan.ndjson"
}

# the remark codes of a category for a domain, one a line
codes() {
	jq -r --arg d "$1.https.test" --arg c "$2" \
		'select(.domain == $d) | .remarks[] | select(.category == $c) | .code' \
		"$BATS_FILE_TMPDIR/graded.ndjson"
}

graded() {
	jq -c --arg d "$1.https.test" "select(.domain == \$d) | $2" "$BATS_FILE_TMPDIR/graded.ndjson"
}

@test "dns-scan fetches the MTA-STS policy from mta-sts.<domain> and security.txt from the domain" {
	run obj good mta-sts-policy
	assert_output --partial '"url":"https://mta-sts.good.https.test/.well-known/mta-sts.txt"'
	assert_output --partial "\"addresses\":[\"$DNS_NET.1\"],\"status\":200"
	assert_output --partial '"body":"version: STSv1\r\nmode: enforce\r\n'
	run obj good security-txt
	assert_output --partial '"url":"https://good.https.test/.well-known/security.txt"'
	assert_output --partial '"body":"Contact: mailto:security@good.https.test\n'
}

@test "the full profile fetches both; --types picks one part alone, without any question" {
	run --separate-stderr fetch --profile full <<<"good.https.test"
	assert_equal "$(jq -c '[.dns.https[].why]' <<<"$output")" '["mta-sts-policy","security-txt"]'
	run -0 fetch --types security-txt <<<"good.https.test"
	assert_equal "$(jq -c '[(.dns.queries | length), [.dns.https[].why]]' <<<"$output")" \
		'[0,["security-txt"]]'
	run -0 fetch --profile dnstats <<<"good.https.test"
	assert_equal "$(jq -c '.dns.https' <<<"$output")" null
}

@test "a certificate of another CA, or for another name, is a tls error" {
	run obj badcert mta-sts-policy
	assert_output --partial '"error":"tls"'
	run obj wronghost mta-sts-policy
	assert_output --partial '"error":"tls"'
	run obj wronghost security-txt
	assert_output --partial '"error":"tls"'
}

@test "404 is an answer (absent), a host without an address is no-address" {
	run obj nopolicy mta-sts-policy
	assert_output --partial '"status":404'
	refute_output --partial '"error"'
	refute_output --partial '"body"'
	run obj nothing security-txt
	assert_output --partial '"addresses":[],"error":"no-address"'
}

@test "an answer over 64 KiB is cut off as too-large" {
	run obj huge mta-sts-policy
	assert_output --partial '"error":"too-large"'
	refute_output --partial '"body"'
}

@test "a slow policy host times out at --timeout and the record comes out in its turn" {
	run obj slow mta-sts-policy
	assert_output --partial '"error":"timeout"'
	run -0 fetch --types mta-sts-policy <<<$'slow.https.test\ngood.https.test'
	assert_equal "$(jq -r .domain <<<"$output" | tr '\n' ' ')" "slow.https.test good.https.test "
	# one second of transfer, well under the server's three: the fetch's own time, not the
	# run's (a loaded machine or the sanitizer build may take long to start the run)
	local ms
	ms=$(jq -r 'select(.domain == "slow.https.test") | .dns.https[] |
		select(.why == "mta-sts-policy") | "\(.error) \(.ms | floor)"' <<<"$output")
	[ "${ms% *}" = timeout ] && [ "${ms#* }" -lt 2800 ]
}

@test "a slow fetch does not hold up the questions or the other fetches (--unordered)" {
	run -0 fetch --unordered --types MX,TXT,mta-sts-policy <<<$'slow.https.test\ngood.https.test\npartial.https.test\nnothing.https.test'
	assert_equal "$(jq -r .domain <<<"$output" | tail -1)" slow.https.test
}

@test "MTA-STS redirects are not followed; security.txt's to a private address is refused" {
	run obj moved mta-sts-policy
	assert_output --partial '"status":301'
	refute_output --partial effective_url
	run grep -c elsewhere/mta-sts.txt "$BATS_FILE_TMPDIR/srv.log"
	assert_output 0
	run obj toprivate security-txt
	assert_output --partial '"status":302,'
	assert_output --partial '"error":"private-address"'
}

@test "without --https-allow no private address is connected to, the first hop included" {
	local before
	before=$(count_lines "$BATS_FILE_TMPDIR/srv.log")
	run -0 dns-scan -r "$DNS_NET.1:$DNS_PORT" --https-port "$PORT" --types security-txt \
		--cacert "$BATS_FILE_TMPDIR/ca.pem" --timeout 1 --no-progress <<<"good.https.test"
	assert_output --partial '"error":"private-address","detail":"refused to connect to a loopback or private address (see --https-allow)"'
	assert_equal "$(count_lines "$BATS_FILE_TMPDIR/srv.log")" "$before"
	run obj private mta-sts-policy
	assert_output --partial '"addresses":["10.255.255.1"],"ms":'
	assert_output --partial '"error":"private-address"'
	refute_output --partial '"status"'
}

@test "bad values of the new options are refused" {
	run -2 --separate-stderr dns-scan --https-allow nonsense </dev/null
	[[ "$stderr" == *"invalid value for --https-allow: 'nonsense'"* ]]
	run -2 --separate-stderr dns-scan --https-port 0 </dev/null
	[[ "$stderr" == *"https-port"* ]]
}

# --- dns-grade ---

@test "a policy covering every MX host and a current security.txt grade 100" {
	run graded good '[.grades.mta_sts_policy, .grades.security_txt, [.remarks[] | select(.category == "mta_sts_policy" or .category == "security_txt")]]'
	assert_output '[100,100,[]]'
	run graded good '.facts.mta_sts_policy'
	assert_output '{"present":true,"txt":true,"valid":true,"mode":"enforce","max_age":604800,"mx_patterns":2,"mx_covered":true,"error":null}'
	run graded good '[.facts.securitytxt, .facts.dnstats.has_securitytxt]'
	assert_output '[{"present":true,"valid":true,"contact":true,"expires":true,"expired":false,"signed":false,"error":null},true]'
}

@test "testing mode, an MX host left out, an expired signed security.txt" {
	run codes partial mta_sts_policy
	assert_output $'STS_POLICY_TESTING\nSTS_MX_NOT_COVERED'
	run graded partial '[.grades.mta_sts_policy, (.remarks[] | select(.code == "STS_MX_NOT_COVERED") | .severity, .msg)]'
	assert_output --partial '[80,"warning","MX host '"'"'other.example.net'"'"' matches no mx pattern'
	run codes partial security_txt
	assert_output SECURITY_TXT_EXPIRED
	run graded partial '[.facts.securitytxt.signed, .facts.securitytxt.expired, .facts.mta_sts_policy.mx_covered]'
	assert_output '[true,true,false]'
}

@test "a TXT record without a fetchable policy, and a policy without a TXT record, are errors" {
	run codes nopolicy mta_sts_policy
	assert_output STS_TXT_WITHOUT_POLICY
	run graded nopolicy '.facts.mta_sts_policy | [.present, .txt]'
	assert_output '[false,true]'
	run codes notxt mta_sts_policy
	assert_output $'STS_POLICY_WITHOUT_TXT\nSTS_POLICY_CONTENT_TYPE'
	run codes nothing mta_sts_policy
	assert_output ''
	run graded nothing '[.grades.mta_sts_policy, .facts.mta_sts_policy.present, .facts.mta_sts_policy.txt]'
	assert_output '[0,false,false]'
}

@test "why a published policy cannot be fetched: certificate, redirect, size, HTTP status" {
	run codes badcert mta_sts_policy
	assert_output $'STS_POLICY_CERTIFICATE\nSTS_TXT_WITHOUT_POLICY'
	run codes wronghost mta_sts_policy
	assert_output $'STS_POLICY_CERTIFICATE\nSTS_TXT_WITHOUT_POLICY'
	run codes moved mta_sts_policy
	assert_output $'STS_POLICY_REDIRECT\nSTS_TXT_WITHOUT_POLICY'
	run codes huge mta_sts_policy
	assert_output $'STS_POLICY_TOO_LARGE\nSTS_TXT_WITHOUT_POLICY'
	run codes forbidden mta_sts_policy
	assert_output $'STS_POLICY_HTTP_STATUS\nSTS_TXT_WITHOUT_POLICY'
	run graded huge '.facts.mta_sts_policy.error'
	assert_output '"too-large"'
}

@test "a fetch that timed out or was refused is unknown, not absent; overall does not weigh it" {
	run graded slow '[.grades.mta_sts_policy, .grades.security_txt, .facts.mta_sts_policy.present, .facts.dnstats.has_securitytxt]'
	assert_output '[null,null,null,null]'
	run codes slow mta_sts_policy
	assert_output STS_POLICY_FETCH_FAILED
	run codes toprivate security_txt
	assert_output SECURITY_TXT_FETCH_FAILED
	run codes private security_txt
	assert_output SECURITY_TXT_FETCH_FAILED
	# private.https.test's fetches are refused (unknown) at once; the rest answers
	fetch --profile full --ns-port "$DNS_PORT" <<<private.https.test >scan.ndjson
	run -0 dns-grade --no-progress <scan.ndjson
	run jq -c '[.grades.overall != null, .grades.mta_sts_policy]' <<<"$output"
	assert_output '[true,null]'
}

@test "security.txt: an untrusted certificate and an HTML page are absent, with a notice" {
	run codes badcert security_txt
	assert_output SECURITY_TXT_CERTIFICATE
	run codes html security_txt
	assert_output SECURITY_TXT_HTML
	run graded html '[.grades.security_txt, .facts.securitytxt.present, .facts.securitytxt.error]'
	assert_output '[0,false,"html"]'
}

@test "parts not fetched are NOT_SCANNED with null grades; DNStats' scale grades neither" {
	fetch --types MX <<<good.https.test >scan.ndjson
	run -0 dns-grade --no-progress <scan.ndjson
	run jq -c '[.grades.mta_sts_policy, .grades.security_txt, [.remarks[] | select(.category == "mta_sts_policy" or .category == "security_txt") | .code], .facts.dnstats.has_securitytxt]' <<<"$output"
	assert_output '[null,null,["NOT_SCANNED","NOT_SCANNED"],null]'
	run -0 dns-grade --scale dnstats --no-progress <"$BATS_FILE_TMPDIR/scan.ndjson"
	run jq -c 'select(.domain == "good.https.test") | [.grades.mta_sts_policy, .grades.security_txt, .facts.dnstats.has_securitytxt, ([.remarks[] | select(.category == "security_txt")] | length)]' <<<"$output"
	assert_output '[null,null,true,0]'
}

# The remark codes of a category (sorted, on one line) for each of the bodies given, put in
# place of the policy's or security.txt's body (and type) of good.https.test's record: dns-grade
# judges texts the server would serve just as well, all in one run.
codes_of() {
	local why=$1 cat=$2 ctype=$3
	shift 3
	printf '%s\0' "$@" | jq -Rs 'split("\u0000")[:-1]' >bodies.json
	jq -c --arg w "$why" --arg t "$ctype" --slurpfile b bodies.json \
		'select(.domain == "good.https.test") as $r | $b[0][] as $x | $r
		 | .dns.https |= map(if .why == $w then .body = $x | .content_type = $t else . end)' \
		"$BATS_FILE_TMPDIR/scan.ndjson" | dns-grade --no-progress |
		jq -r --arg c "$cat" '[.remarks[] | select(.category == $c) | .code] | unique | join(" ")'
}

@test "policy syntax: every field's error has its code" {
	local ok=$'mx: mx1.good.https.test\nmx: *.backup.good.https.test\n'
	run codes_of mta-sts-policy mta_sts_policy text/plain \
		$'version: STSv1\nmode: enforce\nmax_age: 604800\n'"$ok"$'nonsense line\n' \
		$'version: STSv2\nmode: enforce\nmax_age: 604800\n'"$ok" \
		$'version: STSv1\nmode: strict\nmax_age: 604800\n'"$ok" \
		$'version: STSv1\nmode: enforce\nmax_age: 31557601\n'"$ok" \
		$'version: STSv1\nmode: enforce\nmax_age: 3600\n'"$ok" \
		$'version: STSv1\nmode: enforce\nmax_age: 604800\n'"$ok"$'mx: bad_name!\n' \
		$'version: STSv1\nmode: enforce\nmode: testing\nmax_age: 604800\n'"$ok" \
		$'version: STSv1\nmode: enforce\nmax_age: 604800\n' \
		$'version: STSv1\nmode: none\nmax_age: 604800\n' \
		$'version: STSv1\nmode: enforce\nmax_age: 604800\nmx: mx1.good.https.test\nmx: *.good.https.test\next_1: x\n'
	# the last: an unknown extension field is ignored, a wildcard covers one label only
	assert_output "STS_POLICY_SYNTAX
STS_POLICY_VERSION
STS_POLICY_MODE
STS_POLICY_MAX_AGE
STS_POLICY_MAX_AGE_SHORT
STS_POLICY_MX_PATTERN
STS_POLICY_DUPLICATE_FIELD
STS_MX_NOT_COVERED STS_POLICY_NO_MX
STS_POLICY_NONE
STS_MX_NOT_COVERED"
}

@test "security.txt: every field's error has its code" {
	local exp c=$'Contact: mailto:a@b.example\n'
	exp=$'Expires: '$(date -u -d '+30 days' +%Y-%m-%dT%H:%M:%SZ)$'\n'
	run codes_of security-txt security_txt text/plain \
		"$c$exp"$'not a field\n' \
		$'Contact: http://b.example/\n'"$exp" \
		"$c$exp$exp" \
		"$c"$'Expires: next year\n' \
		"$c"$'Expires: 2099-01-01T00:00:00Z\n' \
		$'-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n'"$c$exp" \
		"$exp"$'# no contact\n' \
		"$c"
	assert_output "SECURITY_TXT_SYNTAX
SECURITY_TXT_CONTACT_URI
SECURITY_TXT_MULTIPLE_EXPIRES
SECURITY_TXT_BAD_EXPIRES
SECURITY_TXT_EXPIRES_FAR
SECURITY_TXT_SIGNATURE
SECURITY_TXT_NO_CONTACT
SECURITY_TXT_NO_EXPIRES"
	run codes_of security-txt security_txt application/octet-stream "$c$exp"
	assert_output SECURITY_TXT_CONTENT_TYPE
}

# --- stats-report ---

@test "stats-report counts MTA-STS adoption, modes and mismatches and security.txt adoption" {
	run -0 stats-report -F json --no-progress <"$BATS_FILE_TMPDIR/graded.ndjson"
	local r=$output
	fig() { jq -c --arg k "$1" '.figures[$k] | [.denominator, (.items[] | [.key, .count])]' <<<"$r"; }
	# 14 domains; slow and private unknown for MTA-STS, slow, toprivate and private for security.txt
	run fig mta_sts_policy_served
	assert_output '[12,["yes",3],["no",9]]'
	run fig mta_sts_mode
	assert_output '[3,["enforce",2],["testing",1],["none",0],["invalid",0]]'
	run fig mta_sts_txt_without_policy
	assert_output '[12,["yes",6],["no",6]]'
	run fig mta_sts_policy_without_txt
	assert_output '[12,["yes",1],["no",11]]'
	run fig mta_sts_mx_uncovered
	assert_output '[12,["yes",1],["no",11]]'
	run fig securitytxt_adoption
	assert_output '[11,["yes",2],["no",9]]'
	run fig securitytxt_expired
	assert_output '[11,["yes",1],["no",10]]'
	run fig securitytxt_signed
	assert_output '[11,["yes",1],["no",10]]'
	# DNStats' security.txt lists, empty in DNStats' time, are filled from the same facts
	run -0 stats-report -F json --no-progress --lists lists <"$BATS_FILE_TMPDIR/graded.ndjson"
	run jq -r '.[].domain' lists/securitytxt_domains.json
	assert_output $'good.https.test\npartial.https.test'
	run jq -r 'length' lists/no_securitytxt_domains.json
	assert_output 9
}
