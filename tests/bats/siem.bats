#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# SIEM and IDS recipes, offline: Zeek's JSON dns.log (share/zeek/domstat-zeek.sh) and
# Suricata's eve.json (share/examples/domstat-enrich.sh) on hand-written sample logs.

load helper

setup() {
	setup_isolated
	ENRICH="$TOP/share/examples/domstat-enrich.sh"
	ZEEK="$TOP/share/zeek/domstat-zeek.sh"
	DNSLOG="$FIXTURES/siem/zeek-dns.log"
	EVE="$FIXTURES/siem/eve.json"
	export DOMSTAT_DB="$PWD/store.db"
	unset DOMSTAT_ENRICH DOMSTAT_BORN_OPTS DOMSTAT_ENRICH_SH
	# what RDAP would have said about zeek.org, so that domain-born --offline knows it
	echo '{"domain":"zeek.org","created":"1999-05-11T00:00:00Z","expires":"2030-05-11T00:00:00Z"}' |
		seen-db import --tag rdap 2>/dev/null
}

teardown() {
	if [ -n "${HTTP_PID:-}" ]; then
		kill "$HTTP_PID" 2>/dev/null || true
	fi
}

# The members of a record that are not among domain_stats' added ones, one object a line.
input_part() {
	jq -c 'del(.freq_score, .ngram_score, .seen_by_you, .seen_by_isc, .seen_by_web, .expires, .category,
		.alerts, .errors, .name_ascii, .name_unicode)' "$@"
}

@test "zeek -d: domainstats.log lines with domain_stats.zeek's fields and the server's values" {
	DOMSTAT_BORN_OPTS=--offline run -1 --separate-stderr sh "$ZEEK" -d -b <"$DNSLOG"
	printf '%s\n' "${lines[@]}" >out
	# one line per dns.log line with a query, in order, with ts and uid kept
	assert_equal "$(jq -r '"\(.uid) \(.query)"' out)" \
		"$(jq -r 'select(.query) | "\(.uid) \(.query)"' "$DNSLOG")"
	jq -e -s --slurpfile in <(jq -c 'select(.query)' "$DNSLOG") \
		'[.[].ts] == [$in[].ts]' out
	run -0 jq -r -s 'map(keys | join(",")) | unique[]' out
	assert_output "alerts,category,freq_avg_prob,freq_word_prob,query,seen_by_isc,seen_by_web,seen_by_you,ts,uid"
	# a registered, known domain (from the store): its registration date, no alert
	run -0 jq -c 'select(.query == "www.zeek.org") | [.alerts, .category, .seen_by_web, .seen_by_isc]' out
	assert_output '[[],"ESTABLISHED","Tue, 11 May 1999 00:00:00 GMT","rdap"]'
	# the frequency probabilities are domain-freq's two scores of that name
	want=$(echo xjq7kz2vbw9p.info | domain-freq | jq -c .freq_score)
	run -0 jq -c 'select(.query == "xjq7kz2vbw9p.info") | [[.freq_avg_prob, .freq_word_prob], .alerts]' out
	assert_output "[$want,[\"YOUR-FIRST-CONTACT\",\"LOW-NGRAM-SCORE\",\"'xjq7kz2vbw9p.info' is not in the store (--offline)\"]]"
	# an unknown domain: domain_stats' values for a failed lookup, every date ERROR
	run -0 jq -r 'select(.query == "mail.google.com") | "\(.category) \(.seen_by_web) \(.seen_by_you) \(.seen_by_isc)"' out
	assert_output 'ERROR ERROR ERROR ERROR'
	# no registrable domain: domain_stats' own answer
	run -0 jq -c 'select(.query == "wpad.localdomain") | [.alerts, .freq_avg_prob, .seen_by_you]' out
	assert_output '[["No valid eTLD exists for this domain."],"ERROR","ERROR"]'
	[[ "$stderr" == *"'google.com' is not in the store (--offline)"* ]]
	# a second pass over the same log: nothing is a first contact any more
	DOMSTAT_BORN_OPTS=--offline sh "$ZEEK" -d -b <"$DNSLOG" >again 2>/dev/null || true
	run jq -r 'select(.alerts | index("YOUR-FIRST-CONTACT")) | .query' again
	assert_output ""
}

@test "zeek: every dns.log line, in order; those with a query gain domain_stats' members" {
	run -1 --separate-stderr sh "$ZEEK" <"$DNSLOG"
	printf '%s\n' "${lines[@]}" >out
	[ "$(count_lines out)" -eq "$(count_lines "$DNSLOG")" ]
	# the log's own members are untouched (the added ones come after them)
	diff <(jq -c . "$DNSLOG") <(input_part out)
	# the line without a query (a NetBIOS broadcast) is passed through byte for byte
	cmp <(sed -n 5p "$DNSLOG") <(sed -n 5p out)
	run -0 jq -r 'select(.query and .seen_by_you) | [.query, (.freq_score | type), (.seen_by_you | test("^20..-..-..T..:..:..Z$")), .seen_by_isc] | @tsv' out
	assert_line --index 0 "$(printf 'www.zeek.org\tarray\ttrue\trdap')"
	assert_line --index 1 "$(printf 'www.wikipedia.org\tarray\ttrue\tRDAP')"
	# first contact once per registrable domain: docs.zeek.org shares zeek.org (known anyway)
	run -0 jq -r 'select(.alerts | index("YOUR-FIRST-CONTACT")) | .query' out
	assert_output "$(printf 'www.wikipedia.org\nxjq7kz2vbw9p.info\nxn--bcher-kva.de\nmail.google.com')"
	# the IDN's record carries its Unicode form beside the A-label the log wrote
	run -0 jq -r 'select(.name_unicode) | [.query, .name_ascii, .name_unicode] | @tsv' out
	assert_output "$(printf 'xn--bcher-kva.de\txn--bcher-kva.de\tbücher.de')"
}

@test "suricata: DNS events enriched, every other event byte for byte, big flow ids intact" {
	run -1 --separate-stderr sh "$ENRICH" -f dns.rrname <"$EVE"
	printf '%s\n' "${lines[@]}" >out
	[ "$(count_lines out)" -eq "$(count_lines "$EVE")" ]
	# events without dns.rrname (flow, alert, tls, http, stats, anomaly) come out as they went in
	paste -d '\n' "$EVE" out | paste - - | awk -F '\t' 'index($1, "\"rrname\":\"") == 0 || $1 ~ /"event_type":"alert"/ { if ($1 != $2) bad++ } END { exit bad }'
	[ "$(grep -c -v '"freq_score"' out)" -eq 6 ]
	# DNS events gain the fields, members and numbers kept exactly (jq would round the ids)
	grep -q '"flow_id":1987654321098765433,' out
	diff <(grep -o '"flow_id":[0-9]*' "$EVE") <(grep -o '"flow_id":[0-9]*' out)
	run -0 jq -r 'select(.dns.rrname) | [.dns.type, .dns.rrname, (.freq_score | type)] | @tsv' out
	assert_line --index 0 "$(printf 'query\txjq7kz2vbw9p.info\tarray')"
	assert_line --index 1 "$(printf 'answer\txjq7kz2vbw9p.info\tarray')"
	# one first contact per domain; the mDNS name has no registrable domain and says so
	run -0 jq -r 'select(.alerts | index("YOUR-FIRST-CONTACT")) | .dns.rrname' out
	assert_output "$(printf 'xjq7kz2vbw9p.info\ndocs.suricata.io\nxn--bcher-kva.de')"
	jq -e -s 'map(select(.dns.rrname == "_googlecast._tcp.local"))[0].errors[0].msg | test("no registrable domain")' out
	# the filters read the whole log (--pass-through), so the line named is the log's own
	[[ "$stderr" == *"seen-db: line 10: no registrable domain in '_googlecast._tcp.local'"* ]]
}

@test "suricata: -s chooses the events (queries only); answers pass through" {
	sh "$ENRICH" -f dns.rrname -s '.dns.type == "query"' <"$EVE" >out 2>/dev/null || true
	[ "$(count_lines out)" -eq "$(count_lines "$EVE")" ]
	run -0 jq -r 'select(.freq_score) | .dns.type' out
	assert_equal "$(sort -u <<<"$output")" query
	cmp <(sed -n 3p "$EVE") <(sed -n 3p out)
}

@test "a live log: each line comes out while the input is still open" {
	mkfifo feed
	sh "$ENRICH" -f dns.rrname <feed >out 2>/dev/null &
	exec 5>feed
	sed -n 1,2p "$EVE" >&5
	for _ in $(seq 1 300); do
		[ "$(count_lines out)" -eq 2 ] && break
		sleep 0.1
	done
	[ "$(count_lines out)" -eq 2 ]
	grep -q '"freq_score"' out
	exec 5>&-
	wait
}

@test "filters that fail or lose lines fail the run with a message" {
	DOMSTAT_ENRICH='domain-freq --no-such-option' run -2 --separate-stderr sh "$ENRICH" -f dns.rrname <"$EVE"
	[[ "$stderr" == *"domstat-enrich: the filters ended early"* ]]
	DOMSTAT_ENRICH='head -n 1' run -2 --separate-stderr sh "$ENRICH" -f dns.rrname <"$EVE"
	[[ "$stderr" == *"the filters ended early"* ]]
	DOMSTAT_ENRICH='sed p' run -2 --separate-stderr sh "$ENRICH" -f dns.rrname <"$EVE"
	run -2 sh "$ENRICH" -m 'bad"name' </dev/null
}

@test "the Elastic ingest pipeline renames exactly the fields domstat-zeek.sh -d writes" {
	P="$TOP/share/zeek/elasticsearch-domainstats.json"
	sh "$ZEEK" -d <"$DNSLOG" >out 2>/dev/null || true
	run -0 jq -r '[.processors[].rename.field // empty] | sort | join(",")' "$P"
	assert_equal "$output" "$(jq -r -s '.[0] | del(.ts, .uid) | keys | join(",")' out)"
	# dates and timestamps are parsed from the fields as renamed
	run -0 jq -r '.processors[].date.field // empty' "$P"
	assert_output "$(printf 'ts\ndomainstats.seen_by_web\ndomainstats.seen_by_you')"
}

@test "the Logstash pipe input's command is the Suricata recipe" {
	cmd=$(sed -n 's/^ *command => "\(.*\)"$/\1/p' "$TOP/share/examples/logstash-domstat.conf")
	cmd=${cmd//tail -n 0 -F \/var\/log\/suricata\/eve.json/cat $EVE}
	cmd=${cmd//\/var\/lib\/domstat\/domains.db/$PWD/ls.db}
	cmd=${cmd//\/usr\/local\/share\/domstat/$TOP/share}
	sh -c "$cmd" >out 2>/dev/null || true
	DOMSTAT_DB="$PWD/direct.db" sh "$ENRICH" -f dns.rrname <"$EVE" >want 2>/dev/null || true
	[ "$(count_lines out)" -eq 12 ]
	diff <(jq -c 'del(.seen_by_you)' want) <(jq -c 'del(.seen_by_you)' out)
	[ -s ls.db ]
}

# Start share/examples/domstat-http.py on a loopback port; $url is where it answers.
start_http() {
	python3 "$TOP/share/examples/domstat-http.py" --port 0 --port-file http.port 2>http.err &
	HTTP_PID=$!
	for _ in $(seq 1 300); do
		[ -s http.port ] && break
		sleep 0.1
	done
	read -r addr port <http.port
	assert_equal "$addr" 127.0.0.1
	url="http://127.0.0.1:$port"
}

@test "domstat-http: GET /<domain> on loopback answers what seen-db --compat answers" {
	export DOMSTAT_ENRICH='domain-freq | domain-born --offline --date-format http |
		seen-db --compat --date-format http'
	start_http
	# the same names through the same filters on a copy of the store, by hand
	echo '{"domain":"zeek.org","created":"1999-05-11T00:00:00Z","expires":"2030-05-11T00:00:00Z"}' |
		seen-db --db ref.db import --tag rdap 2>/dev/null
	printf '%s\n' www.zeek.org mail.google.com wpad.localdomain |
		DOMSTAT_DB="$PWD/ref.db" sh -c "$DOMSTAT_ENRICH" >want 2>/dev/null || true
	for n in www.zeek.org mail.google.com wpad.localdomain; do
		curl -sS --fail "$url/$n"
		echo
	done >got
	diff <(jq -c 'del(.seen_by_you)' want) <(jq -c 'del(.seen_by_you)' got)
	run -0 jq -r .seen_by_you got
	assert_line --index 0 --regexp '^[A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} 20[0-9]{2} [0-9:]{8} GMT$'
	assert_line --index 2 ERROR
	jq -e -s '.[1].alerts == ["YOUR-FIRST-CONTACT", "'"'google.com' is not in the store (--offline)"'"] and .[0].category == "ESTABLISHED"' got
	# asked again: known now
	run -0 curl -sS --fail "$url/mail.google.com"
	assert_equal "$(jq -c .alerts <<<"$output")" '["'"'google.com' is not in the store (--offline)"'"]'
	# a line break or a JSON object in the name is refused, and the stream stays in step
	run -0 curl -sS -o /dev/null -w '%{http_code}' "$url/evil.com%0Aother.com"
	assert_output 400
	run -0 curl -sS -o /dev/null -w '%{http_code}' "$url/%7B%22domain%22:%22x.com%22%7D"
	assert_output 400
	run -0 curl -sS "$url/b%C3%BCcher.de"
	jq -e '.alerts[0] == "YOUR-FIRST-CONTACT" and (.freq_score | type) == "array"' <<<"$output"
}

@test "domstat-http: domain-born by default; /stats, /cache_get, /cache_browse, /depuny from seen-db; /stats-reset refused" {
	# no RDAP service for any TLD: domain-born answers every lookup itself, offline
	echo '{"version":"1.0","publication":"2026-01-01T00:00:00Z","services":[]}' >bs.json
	export DOMSTAT_BOOTSTRAP="$PWD/bs.json"
	start_http
	run -0 curl -sS --fail "$url/mail.google.com"
	assert_output '{"alerts":["YOUR-FIRST-CONTACT","no RDAP service for '"'google.com'"'"],"category":"ERROR","freq_score":[13.1057,11.1517],"seen_by_isc":"ERROR","seen_by_web":"ERROR","seen_by_you":"ERROR"}'
	run -0 curl -sS --fail "$url/www.zeek.org"
	jq -e '.category == "ESTABLISHED" and .seen_by_web == "Tue, 11 May 1999 00:00:00 GMT"' <<<"$output"
	run -0 curl -sS --fail "$url/stats"
	assert_output --regexp '^\{"hit":1,"miss":1,"rdap_fail":0,"rdap_good":0,"size":[0-9]+,"warnings":\[\]\}$'
	run -0 curl -sS --fail "$url/cache_get?domain=zeek.org"
	assert_output --regexp '^\{"cache_expires":"Sat, 11 May 2030 00:00:00 GMT","cache_value":\{"alerts":\[\],"category":"ESTABLISHED","freq_score":\[[0-9.]+,[0-9.]+\],"seen_by_isc":"rdap","seen_by_web":"Tue, 11 May 1999 00:00:00 GMT","seen_by_you":"[A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} 20[0-9]{2} [0-9:]{8} GMT"\},"domain":"zeek.org"\}$'
	run -0 curl -sS --fail "$url/cache_get?domain=nowhere.org"
	assert_output '{"text":"That domain is not in the database."}'
	run -0 curl -sS --fail "$url/cache_get"
	assert_output '{"text":"Try /cache_get?domain=markbaggett.com"}'
	run -0 curl -sS --fail "$url/cache_browse?offset=0&limit=1"
	assert_equal "$(jq -c '[.[0].next, .[1].domain, (.|length)]' <<<"$output")" '["'"$url"'/cache_browse?offset=1&limit=1","google.com",2]'
	run -0 curl -sS --fail "$url/cache_browse"
	assert_equal "$(jq -c '[.[].domain]' <<<"$output")" '["google.com","zeek.org"]'
	run -0 curl -sS --fail "$url/depuny?domain=xn--bcher-kva.de"
	assert_output '"b\u00fccher.de"'
	run -0 curl -sS -o /dev/null -w '%{http_code}' "$url/stats-reset"
	assert_output 404
	run -0 curl -sS --fail "$url/stats"
	assert_output --partial '"hit":1,"miss":1,'
}

@test "a reader that goes away (| head) ends the recipes quietly with status 0" {
	printf "$EVE\n%.0s" $(seq 1 300) | xargs -d '\n' cat >big.json
	run -0 --separate-stderr bash -c 'sh "$0" -f dns.rrname <big.json 2>/dev/null | head -n 2 >/dev/null; exit ${PIPESTATUS[0]}' "$ENRICH"
	printf "$DNSLOG\n%.0s" $(seq 1 300) | xargs -d '\n' cat >big.log
	run -0 bash -c 'sh "$0" -d <big.log 2>/dev/null | head -n 2 >/dev/null; exit ${PIPESTATUS[0]}' "$ZEEK"
}
