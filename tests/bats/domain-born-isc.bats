#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# domain-born's ISC source (--source, --isc-url) against a loopback stand-in for the ISC service
# (tests/isc-server.py, HTTPS with a throwaway certificate) and the RDAP fixture server for the
# fallback. Each test puts its own name in the service's path, so its requests are its own in
# the shared log; the path's other words script the service's config and status answers.
load helper
bats_require_minimum_version 1.5.0

PY=$(command -v /usr/bin/python3 || command -v python3)
T0=1800000000 # the injected "now" (2027-01-15)

start() {
	local name=$1 dir=$BATS_FILE_TMPDIR
	shift
	"$PY" "$@" --port-file "$dir/$name.port" >"$dir/$name.err" 2>&1 3>&- &
	echo $! >"$dir/$name.pid"
	local i
	for i in $(seq 600); do
		[ -s "$dir/$name.port" ] && return 0
		sleep 0.05
	done
	cat "$dir/$name.err" >&2
	return 1
}

setup_file() {
	local d="$BATS_FILE_TMPDIR"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
		-subj /CN=localhost -addext "subjectAltName=IP:127.0.0.1" \
		-keyout "$d/key.pem" -out "$d/cert.pem" >/dev/null 2>&1
	start isc "$BATS_TEST_DIRNAME/../isc-server.py" --log "$d/isc.log" \
		--tls-cert "$d/cert.pem" --tls-key "$d/key.pem"
	start rdap "$BATS_TEST_DIRNAME/../rdap-server.py" --log "$d/rdap.log"
	cat >"$d/bs.json" <<-EOF
	{"version":"1.0","services":[[["com","net","org"],["http://127.0.0.1:$(head -1 "$d/rdap.port")/rdap/"]]]}
	EOF
}

teardown_file() {
	local p
	for p in isc rdap; do
		[ -f "$BATS_FILE_TMPDIR/$p.pid" ] && kill "$(cat "$BATS_FILE_TMPDIR/$p.pid")" 2>/dev/null
	done
	return 0
}

setup() {
	setup_isolated
	export DOMSTAT_DB="$BATS_TEST_TMPDIR/domains.db" DOMSTAT_NOW=$T0
	# this test's part of the service's path
	TAG="t$BATS_TEST_NUMBER"
}

# born [PATH WORDS] -- [options]: domain-born asking the service at /TAG/WORDS
born() {
	local words=""
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do
		words="$words/$1"
		shift
	done
	[ "${1-}" = "--" ] && shift
	domain-born --bootstrap "$BATS_FILE_TMPDIR/bs.json" --allow-http --no-progress \
		--server-rate 1000 --cacert "$BATS_FILE_TMPDIR/cert.pem" \
		--isc-url "https://127.0.0.1:$(head -1 "$BATS_FILE_TMPDIR/isc.port")/$TAG$words/" "$@"
}

# this test's requests to the service with this command (and domain)
asked() {
	grep "\"path\":\"/$TAG[/\"]" "$BATS_FILE_TMPDIR/isc.log" | grep "\"command\":\"$1\"" |
		{ if [ -n "${2-}" ]; then grep -c "\"domain\":\"$2\""; else grep -c .; fi; } || true
}

rdap_asked() {
	cat "$BATS_FILE_TMPDIR/rdap.log" 2>/dev/null | grep -c "/domain/$1\$" || true
}

stderr_has() {
	[[ "$stderr" == *"$1"* ]] || {
		echo "stderr lacks '$1': $stderr" >&2
		return 1
	}
}

@test "an ISC answer gives its dates, seen_by_isc is the ISC's date, and config and status come first" {
	run -0 born -- --source isc <<<"www.plain-$TAG.com"
	assert_output "{\"domain\":\"www.plain-$TAG.com\",\"seen_by_web\":\"1999-09-09T09:09:09Z\",\"expires\":\"2039-09-09T09:09:09Z\",\"category\":\"ESTABLISHED\",\"seen_by_isc\":\"2020-05-06T07:08:09Z\"}"
	run grep "\"path\":\"/$TAG/\"" "$BATS_FILE_TMPDIR/isc.log"
	assert_line -n 0 --partial '"ctype":"application/json","command":"config"}'
	assert_line -n 1 --partial '"command":"status","client_version":"0.1","database_version":"0.0","cache_efficiency":[0,0,0],"database_efficiency":[0,0]}'
	assert_line -n 2 --partial "\"command\":\"query\",\"domain\":\"plain-$TAG.com\"}"
	assert_equal "${#lines[@]}" 3
	run -1 born -- --source isc <<<"err1-$TAG.com"
	assert_equal "$(sqlite3 "$DOMSTAT_DB" "SELECT name || '=' || value FROM counters ORDER BY name" | paste -sd' ')" "isc_fail=1 isc_good=1"
	assert_equal "$(sqlite3 "$DOMSTAT_DB" "SELECT domain, source, isc_seen FROM registration ORDER BY domain" | paste -sd' ')" "err1-$TAG.com|ISC| plain-$TAG.com|ISC|1588748889"
}

@test "ISC-FIRST-CONTACT goes to the first record only; a later record and run read the store" {
	run -0 born -- --source isc <<<$'first-'$TAG$'.com\nfirst-'$TAG'.com'
	run jq -c '.alerts' <<<"$output"
	assert_output $'["ISC-FIRST-CONTACT"]\nnull'
	run -0 born -- --source isc <<<"first-$TAG.com"
	run jq -c '[.alerts, .seen_by_isc]' <<<"$output"
	assert_output '[null,"2020-05-06T07:08:09Z"]'
	assert_equal "$(asked query "first-$TAG.com")" 1
}

@test "an alert besides the first contact keeps the answer 24 hours: not asked again at +1 h, asked at +25 h" {
	run -0 born -- --source isc <<<"alert-$TAG.com"
	assert_equal "$(jq -c .alerts <<<"$output")" '["ISC-WATCHLIST"]'
	assert_equal "$(sqlite3 "$DOMSTAT_DB" 'SELECT valid_until - fetched, alerts, source FROM registration')" "86400|ISC-WATCHLIST|ISC"
	DOMSTAT_NOW=$((T0 + 3600)) run -0 born -- --source isc <<<"alert-$TAG.com"
	# from the store, with its alert
	assert_equal "$(jq -c .alerts <<<"$output")" '["ISC-WATCHLIST"]'
	assert_equal "$(asked query "alert-$TAG.com")" 1
	DOMSTAT_NOW=$((T0 + 25 * 3600)) run -0 born -- --source isc <<<"alert-$TAG.com"
	assert_equal "$(asked query "alert-$TAG.com")" 2
}

@test "an ISC error with a lifetime in hours is kept that long, with the service's alerts and an error" {
	run --separate-stderr -1 born -- --source isc <<<"err2-$TAG.com"
	assert_equal "$(jq -c '[.alerts, .errors[0].code, .seen_by_web]' <<<"$output")" '[["ISC-NO-DATA"],"isc-error",null]'
	stderr_has "line 1: the ISC service has no dates for 'err2-$TAG.com'"
	DOMSTAT_NOW=$((T0 + 7199)) run -1 born -- --source isc <<<"err2-$TAG.com"
	assert_equal "$(asked query "err2-$TAG.com")" 1
	DOMSTAT_NOW=$((T0 + 7200)) run -1 born -- --source isc <<<"err2-$TAG.com"
	assert_equal "$(asked query "err2-$TAG.com")" 2
}

@test "an ISC error with lifetime 0 is not kept" {
	run -1 born -- --source isc <<<"err0-$TAG.com"
	run -1 born -- --source isc <<<"err0-$TAG.com"
	assert_equal "$(asked query "err0-$TAG.com")" 2
	assert_equal "$(sqlite3 "$DOMSTAT_DB" 'SELECT count(*) FROM registration')" 0
}

@test "an ISC error with lifetime -1 never expires but --refresh and seen-db expire drop it" {
	run -1 born -- --source isc <<<"errm1-$TAG.com"
	DOMSTAT_NOW=$((T0 + 3650 * 86400)) run -1 born -- --source isc <<<"errm1-$TAG.com"
	assert_equal "$(asked query "errm1-$TAG.com")" 1
	DOMSTAT_NOW=$((T0 + 10)) run -1 born -- --source isc --refresh <<<"errm1-$TAG.com"
	assert_equal "$(asked query "errm1-$TAG.com")" 2
	run -0 seen-db expire
	assert_equal "$(sqlite3 "$DOMSTAT_DB" 'SELECT count(*) FROM registration')" 0
	run -1 born -- --source isc <<<"errm1-$TAG.com"
	assert_equal "$(asked query "errm1-$TAG.com")" 3
}

@test "an ISC error with lifetime -2 is permanent: not even --refresh or seen-db expire ask again" {
	run -1 born -- --source isc <<<"errm2-$TAG.com"
	run -0 seen-db expire
	DOMSTAT_NOW=$((T0 + 10)) run --separate-stderr -1 born -- --source isc,rdap --refresh <<<"errm2-$TAG.com"
	assert_equal "$(jq -c '.errors[0].code' <<<"$output")" '"isc-error"'
	assert_equal "$(asked query "errm2-$TAG.com")" 1
	assert_equal "$(rdap_asked "errm2-$TAG.com")" 0
}

@test "an ISC error falls back to RDAP, whose answer is the record's and seen_by_isc says RDAP" {
	run -0 born -- --source isc,rdap <<<"err5-$TAG.com"
	assert_output "{\"domain\":\"err5-$TAG.com\",\"seen_by_web\":\"2001-02-03T04:05:06Z\",\"expires\":\"2031-02-03T04:05:06Z\",\"category\":\"ESTABLISHED\",\"seen_by_isc\":\"RDAP\"}"
	assert_equal "$(rdap_asked "err5-$TAG.com")" 1
}

@test "an ISC answer that is not the API's moves on to RDAP, or fails the record with isc-bad-answer" {
	run -0 born -- --source isc,rdap <<<"garbage-$TAG.com"
	assert_equal "$(jq -r .seen_by_isc <<<"$output")" "RDAP"
	run --separate-stderr -1 born -- --source isc <<<"garbage-$TAG.org"
	assert_equal "$(jq -r '.errors[0].code' <<<"$output")" "isc-bad-answer"
	stderr_has "line 1: the ISC service's answer for 'garbage-$TAG.org' is unusable: the query answer is not a JSON object"
}

@test "--source order is preference: isc,rdap asks the ISC first, rdap,isc asks RDAP and the ISC only when RDAP fails" {
	run -0 born -- --source isc,rdap <<<"both-$TAG.com"
	assert_equal "$(jq -r .seen_by_isc <<<"$output")" "2020-05-06T07:08:09Z"
	assert_equal "$(rdap_asked "both-$TAG.com")" 0
	run -0 born -- --source rdap,isc <<<"other-$TAG.com"
	assert_equal "$(jq -r '.seen_by_isc + " " + .seen_by_web' <<<"$output")" "RDAP 2001-02-03T04:05:06Z"
	assert_equal "$(asked query "other-$TAG.com")" 0
	run -0 born -- --source rdap,isc <<<"nf404-$TAG.com"
	assert_equal "$(jq -r .seen_by_isc <<<"$output")" "2020-05-06T07:08:09Z"
	assert_equal "$(rdap_asked "nf404-$TAG.com")" 1
	assert_equal "$(asked query "nf404-$TAG.com")" 1
}

@test "names under a prohibited TLD are never sent to the ISC" {
	run -0 born prohibit=.net -- --source isc,rdap <<<$'a-'$TAG$'.net\nb-'$TAG'.com'
	assert_equal "$(jq -r .seen_by_isc <<<"$output" | paste -sd' ')" "RDAP 2020-05-06T07:08:09Z"
	assert_equal "$(asked query "a-$TAG.net")" 0
	assert_equal "$(asked query "b-$TAG.com")" 1
	run --separate-stderr -1 born prohibit=.net -- --source isc <<<"c-$TAG.net"
	assert_equal "$(jq -r .errors[0].code <<<"$output")" "isc-prohibited"
	assert_equal "$(grep -c "$TAG.net" "$BATS_FILE_TMPDIR/isc.log")" 0
}

@test "a client older than min_software_version falls back to RDAP, saying so on stderr and in errors" {
	run --separate-stderr -1 born old -- --source isc,rdap <<<$'a-'$TAG$'.com\nb-'$TAG'.com'
	stderr_has "domain-born: the ISC service at 'https://"
	stderr_has "is not used: it needs client version 99.0 or later, this is 0.1; falling back to the next source"
	stderr_has "domain-born: line 2: the ISC service was not asked: it needs client version 99.0"
	run jq -c '[.seen_by_isc, .seen_by_web, .errors[0].code]' <<<"$output"
	assert_output - <<-EOF
	["RDAP","2001-02-03T04:05:06Z","isc-unavailable"]
	["RDAP","2001-02-03T04:05:06Z","isc-unavailable"]
	EOF
	assert_equal "$(asked query)" 0
	assert_equal "$(asked status)" 0
	# the store keeps RDAP's answer alone: a later run has nothing to complain about
	run -0 born -- --source isc,rdap <<<"a-$TAG.com"
}

@test "deny_client stops the service's use with its message; records fall back to RDAP" {
	run --separate-stderr -1 born deny -- --source isc,rdap <<<"a-$TAG.com"
	stderr_has "is not used: it denies this client: denied by the test service; falling back"
	assert_equal "$(jq -c '[.seen_by_isc, .errors[0].msg]' <<<"$output")" '["RDAP","the ISC service was not asked: it denies this client: denied by the test service"]'
	assert_equal "$(asked query)" 0
	run --separate-stderr -1 born deny -- --source isc <<<"b-$TAG.com"
	assert_equal "$(jq -r '.errors[0].code' <<<"$output")" "isc-unavailable"
}

@test "a config answer that is not JSON stops the service's use too" {
	run --separate-stderr -1 born badconfig -- --source isc,rdap <<<"a-$TAG.com"
	stderr_has "is not used: its config could not be read: the config answer is not a JSON object"
	assert_equal "$(jq -r .seen_by_isc <<<"$output")" "RDAP"
}

@test "a min_database_version above the store's import version asks for a seed list refresh" {
	run --separate-stderr -0 born dbv=1.2 -- --source isc <<<"a-$TAG.com"
	stderr_has "the ISC service expects seed list version 1.2 or later, the store has 0.0: refresh the seed list"
	echo "seed-$TAG.com" >seed.txt
	run -0 seen-db import --seed-version 1.2 seed.txt
	assert_equal "$(sqlite3 "$DOMSTAT_DB" "SELECT value FROM counters WHERE name = 'import_version'")" 100002
	run --separate-stderr -0 born dbv=1.2 -- --source isc <<<"a-$TAG.com"
	assert_equal "$stderr" ""
	assert_equal "$(asked status)" 2
	run -0 grep -q "\"path\":\"/$TAG/dbv=1.2/\".*\"database_version\":\"1.2\"" "$BATS_FILE_TMPDIR/isc.log"
}

@test "status is sent at start and again once the injected clock passes the interval" {
	# the clock moves 20 minutes a record; the service asks for a report every 60
	DOMSTAT_NOW_STEP=1200 run -0 born interval=60 -- --source isc <<<$'a-'$TAG$'.com\nb-'$TAG$'.com\nc-'$TAG'.com'
	assert_equal "$(asked status)" 1
	DOMSTAT_NOW_STEP=1200 run -0 born interval=60 -- --source isc <<<$'d-'$TAG$'.com\ne-'$TAG$'.com\nf-'$TAG$'.com\ng-'$TAG'.com'
	assert_equal "$(asked status)" 3
	# the second report counts the run's cache lookups before it: three misses
	run bash -c "grep '\"path\":\"/$TAG/interval=60/\"' '$BATS_FILE_TMPDIR/isc.log' | grep '\"command\":\"status\"' | tail -1"
	assert_output --partial '"cache_efficiency":[0,3,0],"database_efficiency":[0,3]'
}

@test "--offline never contacts the service" {
	run -1 born -- --source isc --offline <<<"a-$TAG.com"
	assert_equal "$(asked config)" 0
}

@test "--source and --isc-url are checked" {
	run --separate-stderr -2 domain-born --source isc <<<"a.com"
	assert_equal "$stderr" "domain-born: --source isc needs --isc-url"
	run --separate-stderr -2 domain-born --source rdap,rdap <<<"a.com"
	assert_equal "$stderr" "domain-born: invalid value for --source: 'rdap,rdap'"
	run -2 domain-born --source whois <<<"a.com"
	run -2 domain-born --source isc, --isc-url https://127.0.0.1:9/ <<<"a.com"
}
