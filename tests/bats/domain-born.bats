#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# domain-born against real HTTP(S) servers on loopback serving our own fixtures
# (tests/rdap-server.py); nothing here reaches the internet.
load helper
bats_require_minimum_version 1.5.0

SERVER="$BATS_TEST_DIRNAME/../rdap-server.py"
# Debian's python3 (tools such as pyenv put slow shims first on PATH)
PY=$(command -v /usr/bin/python3 || command -v python3)

# start_server NAME [server options]: a fixture server whose port ends up in $DIR/NAME.port
start_server() {
	local name=$1 dir=$2
	shift 2
	rm -f "$dir/$name.port"
	"$PY" "$SERVER" --port-file "$dir/$name.port" --log "$dir/$name.log" \
		--fixtures "$FIXTURES/rdap" "$@" >"$dir/$name.err" 2>&1 3>&- &
	echo $! >"$dir/$name.pid"
	local i
	for i in $(seq 600); do
		[ -s "$dir/$name.port" ] && return 0
		sleep 0.05
	done
	echo "server $name did not start" >&2
	cat "$dir/$name.err" >&2
	return 1
}

stop_server() {
	local pidf="$1/$2.pid"
	[ -f "$pidf" ] && kill "$(cat "$pidf")" 2>/dev/null
	rm -f "$pidf"
}

port() { head -1 "$BATS_FILE_TMPDIR/$1.port"; }

setup_file() {
	local d="$BATS_FILE_TMPDIR"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
		-subj /CN=localhost \
		-addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
		-keyout "$d/key.pem" -out "$d/cert.pem" >/dev/null 2>&1
	start_server alt "$d"
	echo '{"services":[]}' >"$d/served.json"
	start_server main "$d" --other "http://127.0.0.1:$(head -1 "$d/alt.port")/alt/" \
		--bootstrap-file "$d/served.json"
	start_server whois "$d" --whois
	start_server tls "$d" --tls-cert "$d/cert.pem" --tls-key "$d/key.pem"
	local m a t
	m=$(head -1 "$d/main.port") a=$(head -1 "$d/alt.port") t=$(head -1 "$d/tls.port")
	cat >"$d/bs.json" <<-EOF
	{"version":"1.0","publication":"2026-01-01T00:00:00Z","services":[
	 [["com"],["http://127.0.0.1:$m/rdap"]],
	 [["org","example.com"],["http://127.0.0.1:$a/alt/"]],
	 [["net"],["https://127.0.0.1:$t/sec/"]],
	 [["info"],["http://127.0.0.1:$m/plainhttp/"]],
	 [["contacts@example"],["bogus"],["three elements: skipped"]]
	]}
	EOF
}

teardown_file() {
	stop_server "$BATS_FILE_TMPDIR" main
	stop_server "$BATS_FILE_TMPDIR" alt
	stop_server "$BATS_FILE_TMPDIR" tls
	stop_server "$BATS_FILE_TMPDIR" whois
}

setup() {
	setup_isolated
	BS="$BATS_FILE_TMPDIR/bs.json"
	export DOMSTAT_DB="$BATS_TEST_TMPDIR/domains.db"
}

# Every fixture server is on loopback, so the tests let links reach it (--allow-private).
born() {
	domain-born --bootstrap "$BS" --allow-http --allow-private --no-progress "$@"
}

stderr_has() {
	[[ "$stderr" == *"$1"* ]] || {
		echo "stderr lacks '$1': $stderr" >&2
		return 1
	}
}

# requests the fixture servers logged for a name
requests() {
	cat "$BATS_FILE_TMPDIR"/*.log "$BATS_TEST_TMPDIR"/*.log 2>/dev/null | grep -c "/$1\$" || true
}

@test "a registry answer gives seen_by_web, expires, category and seen_by_isc" {
	run -0 born <<<"www.zulu.com"
	assert_output '{"domain":"www.zulu.com","seen_by_web":"2005-08-02T14:16:36Z","expires":"2025-06-09T22:08:09Z","category":"ESTABLISHED","seen_by_isc":"RDAP"}'
}

@test "JSON records keep their members and the domain field can be chosen" {
	run -0 born -f q.name <<<'{"q":{"name":"Zulu.COM."},"n":1}'
	assert_output '{"q":{"name":"Zulu.COM."},"n":1,"seen_by_web":"2005-08-02T14:16:36Z","expires":"2025-06-09T22:08:09Z","category":"ESTABLISHED","seen_by_isc":"RDAP"}'
}

@test "every RDAP date form servers send is read as UTC" {
	run -0 born <<-EOF
	lowerz.com
	colon.com
	nocolon.com
	hhonly.com
	frac1.com
	frac9.com
	nozone.com
	space.com
	EOF
	run jq -r '[.domain, .seen_by_web, .expires] | join(" ")' <<<"$output"
	assert_output - <<-EOF
	lowerz.com 2005-08-02T14:16:36Z 2025-06-09T22:08:09Z
	colon.com 2004-08-30T20:55:00Z 2019-08-30T17:30:00Z
	nocolon.com 1997-09-15T07:00:00Z 2028-09-13T08:00:00Z
	hhonly.com 2014-11-17T13:00:29Z 2030-11-17T19:00:29Z
	frac1.com 2014-11-17T16:00:29Z 2030-11-17T16:00:29Z
	frac9.com 2014-11-12T19:15:55Z 2030-11-12T19:15:55Z
	nozone.com 2008-08-18T13:19:55Z 2029-08-18T13:19:55Z
	space.com 2008-08-18T13:19:55Z 2029-08-18T13:19:55Z
	EOF
}

@test "dates that do not parse strictly are bad-date errors, not guesses" {
	run -1 --separate-stderr born <<-EOF
	frac10.com
	baddate.com
	badexp.com
	EOF
	run jq -c '[.domain, .errors[0].code, .seen_by_web]' <<<"$output"
	assert_output - <<-EOF
	["frac10.com","bad-date",null]
	["baddate.com","bad-date",null]
	["badexp.com","bad-date",null]
	EOF
}

@test "--date-format=http prints domain_stats' RFC 1123 dates" {
	run -0 born --date-format=http <<<"zulu.com"
	assert_output --partial '"seen_by_web":"Tue, 02 Aug 2005 14:16:36 GMT","expires":"Mon, 09 Jun 2025 22:08:09 GMT"'
	run -2 born --date-format=rfc <<<"zulu.com"
}

@test "no expiration event: expires stays absent" {
	run -0 born <<<"noexp.com"
	assert_output '{"domain":"noexp.com","seen_by_web":"2017-01-24T12:09:23Z","category":"ESTABLISHED","seen_by_isc":"RDAP"}'
}

@test "only top-level events count; repeated ones keep the earliest registration and latest expiration" {
	run -0 born <<<"dup.com"
	assert_output --partial '"seen_by_web":"2009-06-01T00:00:00Z","expires":"2031-01-01T00:00:00Z"'
	run -0 born <<<"zulu.com"
	refute_output --partial 1980
}

@test "ldhName with a trailing dot matches; an answer about another name is refused" {
	run -1 --separate-stderr born <<-EOF
	dotted.com
	other.com
	EOF
	assert_line -n 0 --partial '"seen_by_web":"2020-05-14T00:00:00Z"'
	assert_line -n 1 --partial '"code":"not-domain"'
}

@test "NEW at exactly --established-days old, ESTABLISHED one second later" {
	# boundary.com was registered 2020-01-01T00:00:00Z = 1577836800; 730 days later:
	DOMSTAT_NOW=$((1577836800 + 730 * 86400)) run -0 born <<<"boundary.com"
	assert_output --partial '"category":"NEW"'
	DOMSTAT_NOW=$((1577836800 + 730 * 86400 + 1)) run -0 born <<<"boundary.com"
	assert_output --partial '"category":"ESTABLISHED"'
	DOMSTAT_NOW=$((1577836800 + 730 * 86400 + 1)) run -0 born --established-days 731 <<<"boundary.com"
	assert_output --partial '"category":"NEW"'
}

@test "bootstrap: label-wise longest match, goodexample.com is not example.com" {
	run -0 born <<-EOF
	goodexample-lm.com
	www.example.com
	EXAMPLE.COM.
	EOF
	local a m
	a=$(port alt) m=$(port main)
	grep -q " $m /rdap/domain/goodexample-lm.com\$" "$BATS_FILE_TMPDIR/main.log"
	run grep -c " $a /alt/domain/example.com\$" "$BATS_FILE_TMPDIR/alt.log"
	# the two example.com records were one lookup (in flight together, or cached)
	assert_output 1
	run grep -c "goodexample" "$BATS_FILE_TMPDIR/alt.log"
	assert_output 0
}

@test "bootstrap: the root entry catches what nothing else matches, and no match is no-service" {
	local m
	m=$(port main)
	cat >bs2.json <<-EOF
	{"services":[[["com"],["http://127.0.0.1:$m/com/"]],[[""],["http://127.0.0.1:$m/root/"]]]}
	EOF
	run -0 domain-born --bootstrap bs2.json --allow-http <<<"rootcatch.org"
	grep -q " $m /root/domain/rootcatch.org\$" "$BATS_FILE_TMPDIR/main.log"
	run -1 --separate-stderr born <<<"nothing.de"
	assert_output --partial '"code":"no-service"'
	stderr_has "line 1: no RDAP service for 'nothing.de'"
}

@test "bootstrap: http-only services are refused unless --allow-http" {
	run -1 --separate-stderr domain-born --bootstrap "$BS" <<<"insecure.info"
	assert_output --partial '"code":"no-service"'
	assert_output --partial 'http only'
	run -0 born <<<"insecure.info"
	assert_output --partial '"seen_by_isc":"RDAP"'
}

@test "the real IANA files: .de has no service, .uz is http only" {
	require_shared rdap/iana-dns-bootstrap-2022-12-21.json
	run -1 --separate-stderr domain-born --bootstrap "$SHARED/rdap/iana-dns-bootstrap-2022-12-21.json" <<-EOF
	denic.de
	nic.uz
	EOF
	assert_line -n 0 --partial "no RDAP service for 'denic.de'"
	assert_line -n 1 --partial "http only"
}

@test "a broken --bootstrap file is fatal" {
	echo '{"services":' >bad.json
	run -2 --separate-stderr domain-born --bootstrap bad.json <<<"a.com"
	stderr_has "not an RDAP bootstrap file"
}

@test "404 with an empty body and 404 with an RDAP error body are not-found" {
	run -1 --separate-stderr born <<-EOF
	nf404-a.com
	nfjson-a.com
	EOF
	run jq -r '.errors[0].code' <<<"$output"
	assert_output $'not-found\nnot-found'
}

@test "--compat gives domain_stats' ERROR shape, the error text among the alerts" {
	run -1 --separate-stderr born --compat <<<"nf404-b.com"
	msg="not registered (404 from http://127.0.0.1:$(port main))"
	assert_output '{"domain":"nf404-b.com","seen_by_web":"ERROR","category":"ERROR","seen_by_isc":"ERROR","alerts":["'"$msg"'"],"errors":[{"by":"domain-born","code":"not-found","msg":"'"$msg"'"}]}'
	run -1 --separate-stderr born <<<"nf404-b.com"
	refute_output --partial ERROR
}

@test "an RDAP failure through domain-born and seen-db --compat is domain_stats' reply, first and cached" {
	msg="not registered (404 from http://127.0.0.1:$(port main))"
	want='{"alerts":["YOUR-FIRST-CONTACT","'"$msg"'"],"category":"ERROR","freq_score":"ERROR","seen_by_isc":"ERROR","seen_by_web":"ERROR","seen_by_you":"ERROR"}'
	born --compat <<<"nf404-c.com" 2>/dev/null | seen-db --compat >out
	assert_equal "$(cat out)" "$want"
	# domain_stats answers a cached error without YOUR-FIRST-CONTACT
	born --compat <<<"www.nf404-c.com" 2>/dev/null | seen-db --compat >out
	assert_equal "$(cat out)" "${want/\"YOUR-FIRST-CONTACT\",/}"
	# domain-born's own shape (the error entry) gives the same reply
	born <<<"nf404-d.com" 2>/dev/null | seen-db --compat >out
	assert_equal "$(cat out)" "${want//nf404-c/nf404-d}"
}

@test "established_days and the store from the settings file: domain-born and seen-db --compat agree" {
	unset DOMSTAT_DB
	mkdir -p "$XDG_CONFIG_HOME/domstat"
	printf '# shared by every command\ndb = %s\n  established_days =  10000 \n' "$BATS_TEST_TMPDIR/shared.db" >"$XDG_CONFIG_HOME/domstat/config"
	# zulu.com was registered in 2005: ESTABLISHED at 730 days, NEW at 10000
	run -0 born <<<"www.zulu.com"
	assert_output --partial '"category":"NEW"'
	run -0 seen-db --compat <<<"www.zulu.com"
	assert_output --partial '"category":"NEW","freq_score":"ERROR","seen_by_isc":"RDAP","seen_by_web":"Tue, 02 Aug 2005 14:16:36 GMT"'
	run -0 sqlite3 "$BATS_TEST_TMPDIR/shared.db" 'SELECT group_concat(domain) FROM seen; SELECT group_concat(domain) FROM registration'
	assert_output $'zulu.com\nzulu.com'
	[ ! -e "$XDG_DATA_HOME/domstat" ]
	# the environment over the file, the command line over both
	DOMSTAT_ESTABLISHED_DAYS=730 run -0 seen-db --compat <<<"zulu.com"
	assert_output --partial '"category":"ESTABLISHED"'
	DOMSTAT_ESTABLISHED_DAYS=730 run -0 born --established-days 9000 <<<"zulu.com"
	assert_output --partial '"category":"NEW"'
	# a mistyped key or value stops every command that reads the file, naming the line
	printf 'db = %s\nestablished_dayz = 1\n' "$BATS_TEST_TMPDIR/shared.db" >"$XDG_CONFIG_HOME/domstat/config"
	run -2 --separate-stderr seen-db --compat <<<"zulu.com"
	assert_equal "$stderr" "seen-db: $XDG_CONFIG_HOME/domstat/config line 2: unknown setting 'established_dayz'"
	printf 'established_days = soon\n' >"$XDG_CONFIG_HOME/domstat/config"
	run -2 --separate-stderr born <<<"zulu.com"
	assert_equal "$stderr" "domain-born: $XDG_CONFIG_HOME/domstat/config line 1: invalid value for established_days: 'soon' (days, 0 to 100000)"
	DOMSTAT_CONFIG=/nonexistent/config run -2 --separate-stderr domain-freq <<<"zulu.com"
	assert_equal "$stderr" "domain-freq: cannot read settings '/nonexistent/config': No such file or directory"
}

@test "500, 403, truncated JSON, non-JSON, no events and wrong object class are per-record errors" {
	run -1 --separate-stderr born <<-EOF
	err500-a.com
	err403-a.com
	trunc-a.com
	plain-a.com
	noevents-a.com
	notdomain-a.com
	zulu.com
	EOF
	run jq -r '.errors[0].code // .category' <<<"$output"
	assert_output - <<-EOF
	server-error
	http-error
	bad-json
	bad-json
	no-events
	not-domain
	ESTABLISHED
	EOF
}

@test "a 302 chain is followed; too long a chain is too-many-redirects" {
	run -0 born <<<"redir3-a.com"
	assert_output --partial '"seen_by_isc":"RDAP"'
	run -1 --separate-stderr born --max-redirects 2 <<<"redir3-b.com"
	assert_output --partial '"code":"too-many-redirects"'
}

@test "redirects and registrar links to loopback or private addresses are refused by default" {
	run -1 --separate-stderr domain-born --bootstrap "$BS" --allow-http --no-progress <<<"redir3-c.com"
	assert_output --partial '"code":"private-address"'
	stderr_has "refused to follow a link to a loopback or private address"
	# the registry answer itself (listed in the bootstrap) is trusted; its registrar link is not
	run -1 --separate-stderr domain-born --bootstrap "$BS" --allow-http --no-progress <<<"related-c.com"
	assert_output --partial '"code":"no-events"'
	! grep -q "/alt/plainanswer/domain/related-c.com\$" "$BATS_FILE_TMPDIR/alt.log"
	run -0 born <<<"redir3-d.com"
}

@test "a 404 after a redirect to another server is not taken as not registered" {
	run -1 --separate-stderr born <<<"toabs-nf404.com"
	assert_output --partial '"code":"http-error"'
}

@test "the registrar's related link is followed when the registry has no dates" {
	run -0 born <<<"related-a.com"
	assert_output --partial '"seen_by_web":"2001-02-03T04:05:06Z"'
	grep -q "/alt/plainanswer/domain/related-a.com\$" "$BATS_FILE_TMPDIR/alt.log"
	run -1 --separate-stderr born --no-related <<<"related-b.com"
	assert_output --partial '"code":"no-events"'
}

@test "a slow server past --timeout and a stalled body are timeouts" {
	run -1 --separate-stderr born --timeout 0.5 <<-EOF
	slow-t.com
	stall-t.com
	EOF
	run jq -r '.errors[0].code' <<<"$output"
	assert_output $'timeout\ntimeout'
}

@test "a 50 MB answer is refused at the body cap" {
	run -1 --separate-stderr born <<<"huge-a.com"
	assert_output --partial '"code":"too-large"'
	# without a Content-Length the cap stops the read as well
	run -1 --separate-stderr born <<<"chunky-a.com"
	assert_output --partial '"code":"too-large"'
}

@test "output keeps input order when fast and slow answers mix" {
	run -0 born --timeout 10 <<-EOF
	slow-o1.com
	fast-o1.org
	fast-o2.com
	slow-o2.org
	fast-o3.org
	EOF
	run jq -r .domain <<<"$output"
	assert_output $'slow-o1.com\nfast-o1.org\nfast-o2.com\nslow-o2.org\nfast-o3.org'
}

@test "duplicate names in flight are fetched once" {
	run -0 born <<-EOF
	dupe-x.com
	www.dupe-x.com
	a.b.dupe-x.com
	DUPE-X.com
	EOF
	assert_equal "$(count_lines <(echo "$output"))" 4
	assert_equal "$(requests dupe-x.com)" 1
}

@test "429 with Retry-After: the client waits for that server only" {
	# the other server's requests are spread out (4 a second) so some fall inside the pause
	run -0 born --server-rate 4 <<-EOF
	ratelimit-w.com
	other-w1.org
	other-w2.org
	other-w3.org
	other-w4.org
	EOF
	run jq -r .seen_by_isc <<<"$output"
	assert_output $'RDAP\nRDAP\nRDAP\nRDAP\nRDAP'
	local t1 t2
	t1=$(grep "/ratelimit-w.com\$" "$BATS_FILE_TMPDIR/main.log" | head -1 | cut -d' ' -f1)
	t2=$(grep "/ratelimit-w.com\$" "$BATS_FILE_TMPDIR/main.log" | tail -1 | cut -d' ' -f1)
	# the retry came at least the second asked for after the 429
	"$PY" -c "import sys; a,b=map(float,sys.argv[1:]); sys.exit(not b-a>=0.95)" "$t1" "$t2"
	# and the other server was asked meanwhile
	run awk -v a="$t1" -v b="$t2" '/other-w/ && $1 > a && $1 < b' "$BATS_FILE_TMPDIR/alt.log"
	assert [ "${#lines[@]}" -ge 1 ]
}

@test "503 with Retry-After is retried; 429 that persists is rate-limited" {
	run -0 born <<<"ra503-a.com"
	assert_output --partial '"seen_by_isc":"RDAP"'
	run -1 --separate-stderr born --retry-wait-max 1 <<<"always429-a.com"
	assert_output --partial '"code":"rate-limited"'
	assert_equal "$(requests always429-a.com)" 2
}

@test "HTTPS with --cacert; without the CA it is a tls error" {
	run -0 born --cacert "$BATS_FILE_TMPDIR/cert.pem" <<<"secure.net"
	assert_output --partial '"seen_by_isc":"RDAP"'
	run -1 --separate-stderr born <<<"secure2.net"
	assert_output --partial '"code":"tls"'
}

@test "bare names without a registrable domain and bad lines get errors, blank lines pass" {
	run -1 --separate-stderr born <<-EOF
	localhost

	{"domain":1}
	a..com
	EOF
	run jq -c '.errors[0].code' <<<"$output"
	assert_output $'"no-registrable-domain"\n"field-not-string"\n"invalid-name"'
	run -1 --separate-stderr born <<<$'localhost\n\na.com'
	assert_equal "$(printf '%s\n' "$output" | sed -n 2p)" ""
}

@test "--help and --version" {
	run -0 domain-born --help
	assert_output --partial "--established-days"
	run -0 domain-born --version
	assert_output --partial "domain-born (domstat)"
	run -2 domain-born --nope
}

# .com on the main server under a path of this test's own, so its requests can be counted
own_server() {
	printf '{"services":[[["com"],["http://127.0.0.1:%s/own%s/"]]]}\n' "$(port main)" \
		"$BATS_TEST_NUMBER" >own-bs.json
}

# from now on .com has a server that is not there: any network use would fail
own_stop() {
	echo '{"services":[[["com"],["http://127.0.0.1:9/"]]]}' >own-bs.json
}

# how many times this test's requests asked for a name ("" = all its requests)
owncount() {
	grep -c " /own$BATS_TEST_NUMBER/domain/$1" "$BATS_FILE_TMPDIR/main.log" || true
}

own() {
	domain-born --bootstrap own-bs.json --allow-http --no-progress "$@"
}

@test "cache: a second run answers from the store with the server stopped" {
	own_server
	run -1 --separate-stderr own <<<$'zulu.com\nnf404-c.com\nnoexp.com'
	local first=$output
	own_stop
	run -1 --separate-stderr own <<<$'www.zulu.com\nnf404-c.com\nnoexp.com'
	assert_equal "$(jq -c 'del(.domain)' <<<"$output")" "$(jq -c 'del(.domain)' <<<"$first")"
	assert_equal "$(owncount "")" 3
	run sqlite3 "$DOMSTAT_DB" "SELECT name, value FROM counters WHERE name LIKE 'rdap%' ORDER BY name"
	assert_output $'rdap_fail|1\nrdap_good|2'
}

@test "--db names the store" {
	own_server
	run -0 own --db my.db <<<"zulu.com"
	run sqlite3 my.db "SELECT domain, created, source FROM registration"
	assert_output "zulu.com|1122992196|RDAP"
	[ ! -e "$DOMSTAT_DB" ]
}

@test "--offline answers from the store only" {
	own_server
	run -0 own <<<"zulu.com"
	own_stop
	run -1 --separate-stderr own --offline <<<$'zulu.com\nunknown-off.com'
	assert_line -n 0 --partial '"seen_by_web":"2005-08-02T14:16:36Z"'
	assert_line -n 1 --partial '"code":"offline"'
	# no bootstrap is needed offline
	run -0 domain-born --offline --no-progress <<<"zulu.com"
	run -2 domain-born --offline --refresh <<<"zulu.com"
}

@test "--refresh asks again, once per run" {
	own_server
	run -0 own <<<"zulu.com"
	sleep 1
	run -0 own --refresh <<<$'zulu.com\nwww.zulu.com'
	assert_equal "$(owncount zulu.com\$)" 2
}

@test "cache TTLs: transient errors an hour, 404 a day, 429 never" {
	own_server
	local t=2000000000
	DOMSTAT_NOW=$t run -1 own --retries 0 <<<$'err500-ttl.com\nnf404-ttl.com\nalways429-ttl.com'
	DOMSTAT_NOW=$((t + 3599)) run -1 own --retries 0 <<<$'err500-ttl.com\nnf404-ttl.com\nalways429-ttl.com'
	assert_equal "$(owncount err500-ttl.com\$)" 1
	assert_equal "$(owncount always429-ttl.com\$)" 2
	DOMSTAT_NOW=$((t + 3600)) run -1 own --retries 0 <<<$'err500-ttl.com\nnf404-ttl.com'
	assert_equal "$(owncount err500-ttl.com\$)" 2
	assert_equal "$(owncount nf404-ttl.com\$)" 1
	DOMSTAT_NOW=$((t + 86400)) run -1 own --retries 0 <<<"nf404-ttl.com"
	assert_equal "$(owncount nf404-ttl.com\$)" 2
	# and the TTLs are options
	DOMSTAT_NOW=$((t + 86400 + 10)) run -1 own --ttl-not-found 5 <<<"nf404-ttl.com"
	assert_equal "$(owncount nf404-ttl.com\$)" 2
	DOMSTAT_NOW=$((t + 86400 + 10)) run -1 own --ttl-error 5 <<<"err500-ttl.com"
	assert_equal "$(owncount err500-ttl.com\$)" 3
}

@test "cache: a NEW domain is asked again when it turns ESTABLISHED" {
	own_server
	local created=1577836800 day=86400
	DOMSTAT_NOW=$((created + 700 * day)) run -0 own <<<"boundary.com"
	assert_output --partial '"category":"NEW"'
	DOMSTAT_NOW=$((created + 730 * day)) run -0 own <<<"boundary.com"
	assert_output --partial '"category":"NEW"'
	assert_equal "$(owncount boundary.com\$)" 1
	DOMSTAT_NOW=$((created + 730 * day + 1)) run -0 own <<<"boundary.com"
	assert_output --partial '"category":"ESTABLISHED"'
	assert_equal "$(owncount boundary.com\$)" 2
	# an established one is kept until its expiry (2030-01-01), capped by --ttl-max
	run sqlite3 "$DOMSTAT_DB" "SELECT valid_until - fetched FROM registration"
	assert_output $((90 * day))
}

@test "bootstrap download: fetched once, then fresh for a day, then revalidated with a conditional GET" {
	local m served="$BATS_FILE_TMPDIR/served.json"
	m=$(port main)
	printf '{"services":[[["com"],["http://127.0.0.1:%s/dl/"]]]}\n' "$m" >"$served"
	touch -d '-3 days' "$served"
	local url="http://127.0.0.1:$m/bootstrap"
	run -0 domain-born --allow-http --bootstrap-url "$url" <<<"zulu.com"
	assert_output --partial '"seen_by_isc":"RDAP"'
	local cached="$XDG_CACHE_HOME/domstat/rdap-dns.json"
	cmp "$served" "$cached"
	# made under a new unpredictable name and renamed: nothing else is left, readable by all
	assert_equal "$(ls -A "$XDG_CACHE_HOME/domstat")" rdap-dns.json
	assert_equal "$(stat -c %a "$cached")" 644
	run -0 domain-born --allow-http --bootstrap-url "$url" --refresh <<<"zulu.com"
	assert_equal "$(grep -c /bootstrap "$BATS_FILE_TMPDIR/main.log")" 1
	# a day later: If-Modified-Since, answered 304, the copy is kept and fresh again
	touch -d '-2 days' "$cached"
	run -0 domain-born --allow-http --bootstrap-url "$url" --refresh <<<"zulu.com"
	assert_equal "$(grep -c /bootstrap "$BATS_FILE_TMPDIR/main.log")" 2
	[ "$(stat -c %Y "$cached")" -gt "$(($(date +%s) - 100))" ]
	# the server is gone: the stale copy serves, with a warning
	url="http://127.0.0.1:9/bootstrap"
	touch -d '-2 days' "$cached"
	run -0 --separate-stderr domain-born --allow-http --bootstrap-url "$url" --refresh <<<"zulu.com"
	assert_output --partial '"seen_by_isc":"RDAP"'
	stderr_has "cannot refresh the RDAP bootstrap"
	# and with no copy at all every record says so, without stopping
	rm "$cached"
	run -1 --separate-stderr domain-born --allow-http --bootstrap-url "$url" --refresh <<<$'zulu.com\nnoexp.com'
	assert_equal "$(jq -r '.errors[0].code' <<<"$output" | sort -u)" "no-bootstrap"
}

@test "bootstrap download: a link planted at the cached file is replaced, its target left alone" {
	local m served="$BATS_FILE_TMPDIR/served.json"
	m=$(port main)
	printf '{"services":[[["com"],["http://127.0.0.1:%s/dl/"]]]}\n' "$m" >"$served"
	mkdir -p "$XDG_CACHE_HOME/domstat"
	echo precious >victim
	ln -s "$PWD/victim" "$XDG_CACHE_HOME/domstat/rdap-dns.json"
	run -0 domain-born --allow-http --bootstrap-url "http://127.0.0.1:$m/bootstrap" <<<"zulu.com"
	assert_output --partial '"seen_by_isc":"RDAP"'
	assert_equal "$(cat victim)" precious
	[ ! -L "$XDG_CACHE_HOME/domstat/rdap-dns.json" ]
	cmp "$served" "$XDG_CACHE_HOME/domstat/rdap-dns.json"
}

@test "overrides serve TLDs the registry lacks, and never shadow it" {
	local m a
	m=$(port main) a=$(port alt)
	printf '{"services":[[["de"],["http://127.0.0.1:%s/over/"]],[["com"],["http://127.0.0.1:%s/over/"]]]}\n' "$m" "$m" >over.json
	run -0 born --overrides over.json <<<$'override-a.de\noverride-b.com'
	grep -q " $m /over/domain/override-a.de\$" "$BATS_FILE_TMPDIR/main.log"
	grep -q " $m /rdap/domain/override-b.com\$" "$BATS_FILE_TMPDIR/main.log"
	# the user's own overrides file is read too
	mkdir -p "$XDG_CONFIG_HOME/domstat"
	printf '{"services":[[["ch"],["http://127.0.0.1:%s/user/"]]]}\n' "$a" >"$XDG_CONFIG_HOME/domstat/rdap-overrides.json"
	run -0 born <<<"override-c.ch"
	grep -q " $a /user/domain/override-c.ch\$" "$BATS_FILE_TMPDIR/alt.log"
}

@test "the shipped overrides file is a valid bootstrap file" {
	run -0 jq -e '.services | length > 0' "$TOP/share/rdap/overrides.json"
}

@test "whois fallback for TLDs without RDAP, against a loopback port-43 server" {
	local w="127.0.0.1:$(port whois)"
	run -1 --separate-stderr born --whois-server "$w" <<-EOF
	whois-a.de
	whois-b.de
	whois-c.de
	whois-d.de
	whois-e.de
	whois-f.de
	nomatch-a.de
	zulu.com
	EOF
	run jq -r '[.domain, .seen_by_web, .expires, .seen_by_isc, .errors[0].code] | map(. // "-") | join(" ")' <<<"$output"
	assert_output - <<-EOF
	whois-a.de 2010-05-04T10:11:12Z 2030-05-04T10:11:12Z WHOIS -
	whois-b.de 2001-02-03T00:00:00Z 2027-02-03T21:00:00Z WHOIS -
	whois-c.de 1999-08-26T00:00:00Z 2027-08-26T00:00:00Z WHOIS -
	whois-d.de 2003-03-17T12:20:05Z 2027-03-17T12:48:36Z WHOIS -
	whois-e.de 2008-04-15T00:00:00Z 2028-04-15T00:00:00Z WHOIS -
	whois-f.de - - - no-events
	nomatch-a.de - - - not-found
	zulu.com 2005-08-02T14:16:36Z 2025-06-09T22:08:09Z RDAP -
	EOF
	grep -q "whois whois-a.de" "$BATS_FILE_TMPDIR/whois.log"
	# answered from the store next time, with no whois server
	run -0 born --whois-server 127.0.0.1:9 <<<"whois-a.de"
	assert_output --partial '"seen_by_isc":"WHOIS"'
}

@test "whois: the read is bounded, a silent server times out, without --whois there is no service" {
	local w="127.0.0.1:$(port whois)"
	run -1 --separate-stderr born --whois-server "$w" <<<"whoisbig-a.de"
	assert_output --partial '"code":"no-events"'
	assert_output --partial 'answer cut'
	run -1 --separate-stderr born --whois-server "$w" --timeout 0.5 <<<"whoisslow-a.de"
	assert_output --partial '"code":"timeout"'
	run -1 --separate-stderr born <<<"whois-a.de"
	assert_output --partial '"code":"no-service"'
	# a map file chooses the server per TLD
	echo "de $w" >map
	run -0 born --whois-map map <<<"whois-c.de"
	assert_output --partial '"seen_by_web":"1999-08-26T00:00:00Z"'
}

@test "https only: a redirect to http is refused" {
	run -1 --separate-stderr domain-born --bootstrap "$BS" --cacert "$BATS_FILE_TMPDIR/cert.pem" <<<"toabs-sec.net"
	assert_output --partial '"code":"insecure-redirect"'
}

@test "hostile input: one line out per line in, never a hang" {
	{
		head -c 3000 /dev/urandom | tr '\n' 'x'
		echo
		printf '{"domain":"%s.com"}\n' "$(head -c 300 /dev/zero | tr '\0' a)"
		printf '\xff\xfe.com\n'
		printf '{"domain":"zulu.com"\n'
		echo zulu.com
	} >hostile
	run -1 --separate-stderr born <hostile
	assert_equal "${#lines[@]}" 5
	assert_line -n 4 --partial '"seen_by_isc":"RDAP"'
}

@test "--progress writes a progress line on stderr; none by default when stderr is not a terminal" {
	run -0 --separate-stderr born --progress <<<"zulu.com"
	stderr_has "1 done"
	run -0 --separate-stderr born <<<"zulu.com"
	assert_equal "$stderr" ""
}

@test "answers are committed to the store while waiting for more input" {
	# the input stays open (a fifo held by this test) until the first answer is stored and out
	mkfifo feed
	born <feed >out 3>&- &
	local pid=$!
	exec 7>feed
	echo zulu.com >&7
	local found=""
	for _ in $(seq 300); do
		found=$(sqlite3 "$DOMSTAT_DB" "SELECT domain FROM registration" 2>/dev/null || true)
		[ -n "$found" ] && [ -s out ] && break
		sleep 0.1
	done
	assert_equal "$found" "zulu.com"
	# and the first answer is already out
	assert_equal "$(jq -r .domain out)" "zulu.com"
	echo noexp.com >&7
	exec 7>&-
	wait "$pid"
	assert_equal "$(count_lines out)" 2
}

@test "SIGTERM while waiting for input: answers so far are committed, the run ends at once" {
	# its own pid from $!, not pgrep: another test file running beside this one has
	# domain-born processes of its own
	mkfifo feed
	domain-born --bootstrap "$BS" --allow-http --allow-private --no-progress <feed >out 3>&- &
	local pid=$!
	exec 7>feed
	echo zulu.com >&7
	for _ in $(seq 300); do
		sleep 0.1
		[ -s out ] && break
	done
	kill -TERM "$pid"
	for _ in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	! kill -0 "$pid" 2>/dev/null
	exec 7>&-
	assert_equal "$(sqlite3 "$DOMSTAT_DB" "SELECT domain FROM registration")" "zulu.com"
	assert_equal "$(sqlite3 "$DOMSTAT_DB" "PRAGMA integrity_check")" "ok"
}

@test "a closed downstream pipe ends the run quietly and keeps what was fetched" {
	# more output than a pipe holds, fetched fast, so writes go on after head has gone
	for i in $(seq 1000); do echo "n$i.com"; done >names
	run bash -c "domain-born --bootstrap '$BS' --allow-http --no-progress --server-rate 1000 --server-conns 16 <names 2>err | head -n 1 >/dev/null; echo \${PIPESTATUS[0]}; cat err"
	assert_output "0"
	[ "$(sqlite3 "$DOMSTAT_DB" "SELECT count(*) FROM registration")" -ge 1 ]
	assert_equal "$(sqlite3 "$DOMSTAT_DB" "PRAGMA integrity_check")" "ok"
}

@test "--offline on a damaged store: unreadable rows are store-unreadable, never 'not in the store', exit 2 like seen-db" {
	echo x.com | seen-db --db dmg.db >/dev/null
	sqlite3 dmg.db "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 20000)
		INSERT INTO registration(domain, created, source, fetched, valid_until)
		SELECT 'r' || i || '.com', 946684800, 'RDAP', 1, 9999999999 FROM c;
		PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
	# pages 4 to 103 of the registration table become 0xff bytes
	head -c 409600 /dev/zero | tr '\0' '\377' | dd of=dmg.db bs=4096 seek=3 conv=notrunc 2>/dev/null
	run -2 --separate-stderr domain-born --db dmg.db --offline --no-progress <<<$'r1.com\nr5000.com\nr15000.com'
	[ "${#lines[@]}" -eq 3 ]
	refute_output --partial '"code":"offline"'
	assert_output --partial '"code":"store-unreadable"'
	assert_line -n 2 --partial '"seen_by_web":"2000-01-01T00:00:00Z"'
	[[ "$stderr" == *"line 1: cannot read 'dmg.db': the store is damaged"* ]]
}

@test "--offline: every spelling of a name finds the one registration in the store" {
	cp "$FIXTURES/seen-db/domain_stats-export.json" top1m.import
	run -1 seen-db import top1m.import
	printf '%s\n' 'bücher.de' 'BÜCHER。de' xn--bcher-kva.de 'ｗｗｗ．ＳＡＮＳ．ｏｒｇ' 'sans。org' Sans.Org \
		'аррӏе.com' >in
	run -1 --separate-stderr domain-born --offline --no-progress <in
	run -0 jq -r '[.seen_by_web // .errors[0].code, .name_unicode // "-", (.alerts // [] | join(","))] | @tsv' <<<"$output"
	assert_output "$(printf '%s\t%s\t%s\n' \
		2018-11-26T01:42:03Z 'bücher.de' '' \
		2018-11-26T01:42:03Z 'bücher.de' '' \
		2018-11-26T01:42:03Z 'bücher.de' '' \
		1995-08-04T04:00:00Z - '' \
		1995-08-04T04:00:00Z - '' \
		1995-08-04T04:00:00Z - '' \
		offline 'аррӏе.com' MIXED-SCRIPT)"
	assert_equal "$stderr" "domain-born: line 7: 'xn--80ak6aa92e.com' is not in the store (--offline) [offline]"
}
