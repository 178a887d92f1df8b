#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# seen-db: the store of every domain seen here, first contact, imports and admin views.
load helper
bats_require_minimum_version 1.5.0

setup() { setup_isolated; }

@test "a new domain raises YOUR-FIRST-CONTACT once, later sightings do not" {
	run -0 seen-db <<<'www.example.com'
	assert_output --partial '"alerts":["YOUR-FIRST-CONTACT"]'
	assert_output --partial '"seen_by_isc":"RDAP"'
	run -0 seen-db <<<'{"domain":"mail.example.com","n":1}'
	refute_output --partial 'YOUR-FIRST-CONTACT'
	assert_output --regexp '^\{"domain":"mail.example.com","n":1,"seen_by_you":"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z","seen_by_isc":"RDAP"\}$'
}

@test "the store is created private under XDG_DATA_HOME with schema version 2 in WAL mode" {
	run -0 seen-db <<<'example.org'
	db="$XDG_DATA_HOME/domstat/domains.db"
	[ "$(stat -c %a "$db")" = 600 ]
	[ "$(stat -c %a "$XDG_DATA_HOME/domstat")" = 700 ]
	run -0 sqlite3 "$db" 'PRAGMA user_version; PRAGMA journal_mode; SELECT domain, times_seen, source FROM seen'
	assert_output "$(printf '2\nwal\nexample.org|1|RDAP')"
}

@test "a version 1 store is upgraded in place and keeps its rows" {
	sqlite3 old.db "PRAGMA application_id = 1685024115; PRAGMA user_version = 1;
		CREATE TABLE seen (domain TEXT PRIMARY KEY, first_seen INTEGER NOT NULL,
		 last_seen INTEGER NOT NULL, times_seen INTEGER NOT NULL DEFAULT 0, source TEXT NOT NULL,
		 never_expire INTEGER NOT NULL DEFAULT 0, expires INTEGER) WITHOUT ROWID;
		CREATE TABLE registration (domain TEXT PRIMARY KEY, created INTEGER, expires INTEGER,
		 source TEXT NOT NULL, server TEXT, fetched INTEGER NOT NULL, error_code TEXT,
		 error_msg TEXT, valid_until INTEGER NOT NULL) WITHOUT ROWID;
		CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
		INSERT INTO registration VALUES ('old.com', 946684800, NULL, 'RDAP', NULL, 1, NULL, NULL, 9999999999);"
	run -0 domain-born --db old.db --offline <<<'old.com'
	assert_equal "$(jq -r .seen_by_web <<<"$output")" "2000-01-01T00:00:00Z"
	assert_equal "$(sqlite3 old.db 'PRAGMA user_version; SELECT isc_seen IS NULL FROM registration')" "$(printf '2\n1')"
}

@test "names without a registrable domain get an error and no store row" {
	run -1 --separate-stderr seen-db <<<"$(printf 'com\nlocalhost\n192.0.2.1\na..b.com\nok.example.net')"
	[ "${#lines[@]}" -eq 5 ]
	assert_line -n 0 --partial '"code":"no-registrable-domain"'
	assert_line -n 3 --partial '"code":"invalid-name"'
	assert_line -n 4 --partial 'YOUR-FIRST-CONTACT'
	run -0 sqlite3 "$XDG_DATA_HOME/domstat/domains.db" 'SELECT group_concat(domain) FROM seen'
	assert_output 'example.net'
}

@test "first contact is exact across 8 parallel writers on one store (GNU parallel --pipe -j8)" {
	# 3000 distinct registrable domains, each seen 4 times, shuffled: copies of a name land in
	# different processes that race to record it.
	seq 1 3000 | awk '{ print "host" $1 ".d" $1 ".com" }' >names
	for i in 1 2 3 4; do cat names; done | shuf --random-source=<(yes) >in
	parallel --pipe -j8 --round-robin --block 8k seen-db <in >out
	[ "$(count_lines out)" -eq 12000 ]
	[ "$(grep -c YOUR-FIRST-CONTACT out)" -eq 3000 ]
	grep YOUR-FIRST-CONTACT out | jq -r .domain | sed 's/^host[0-9]*\.//' | sort | uniq -d >dups
	[ ! -s dups ]
	run -0 sqlite3 "$XDG_DATA_HOME/domstat/domains.db" 'SELECT count(*), sum(times_seen) FROM seen'
	assert_output '3000|12000'
}

@test "a record whose registration expired makes the next sighting a first contact again" {
	printf '%s\n' '{"domain":"gone.com","expires":"2001-01-01T00:00:00Z","first_seen":"2000-01-01T00:00:00Z"}' \
		'{"domain":"later.com","expires":"2999-01-01T00:00:00Z"}' >in.ndjson
	run -0 seen-db import in.ndjson
	run -0 seen-db <<<"$(printf 'gone.com\nlater.com')"
	assert_line -n 0 --partial 'YOUR-FIRST-CONTACT'
	refute_line -n 0 --partial '2000-01-01'
	refute_line -n 1 --partial 'YOUR-FIRST-CONTACT'
	assert_line -n 1 --partial '"seen_by_isc":"in"'
	run -0 seen-db <<<'www.gone.com'
	refute_output --partial 'YOUR-FIRST-CONTACT'
	assert_output --partial '"seen_by_isc":"RDAP"'
}

@test "--never-expire keeps an imported name live whatever its expiry" {
	printf '%s\n' '{"domain":"kept.org","expires":"2001-01-01T00:00:00Z"}' >seed.ndjson
	run -0 seen-db import --never-expire --tag seed seed.ndjson
	run -0 seen-db <<<'kept.org'
	refute_output --partial 'YOUR-FIRST-CONTACT'
	assert_output --partial '"seen_by_isc":"seed"'
	run -0 seen-db get kept.org
	assert_output --partial '"never_expire":true'
	assert_output --partial '"live":true'
}

@test "import --seed-version records the store's import version only when the import succeeds" {
	echo "a.com" >seed.txt
	run --separate-stderr -2 seen-db import --seed-version 1 seed.txt
	assert_equal "$stderr" "seen-db: invalid value for --seed-version: '1' (major.minor)"
	run -2 seen-db import --seed-version 2.0 seed.txt missing.txt
	assert_equal "$(sqlite3 "$XDG_DATA_HOME/domstat/domains.db" "SELECT count(*) FROM counters WHERE name = 'import_version'")" 0
	run -0 seen-db import --seed-version 1.10 seed.txt
	assert_equal "$(sqlite3 "$XDG_DATA_HOME/domstat/domains.db" "SELECT value FROM counters WHERE name = 'import_version'")" 100010
	run --separate-stderr -2 seen-db --seed-version 1.0 <<<"a.com"
}

@test "import reads a bare list and a rank,domain CSV, reduces names and never alerts on them" {
	printf 'www.Example.COM\n\nsub.example.co.uk\n' >list.txt
	printf '1,google.com\n2,www.bbc.co.uk\n3,localhost\n' >tranco.csv
	run -1 --separate-stderr seen-db import list.txt tranco.csv
	assert_equal "$stderr" "$(printf "%s\n" \
		"seen-db: 'list.txt': 2 names imported, 0 rejected" \
		"seen-db: 'tranco.csv': 3: no registrable domain in 'localhost' [no-registrable-domain]" \
		"seen-db: 'tranco.csv': 2 names imported, 1 rejected")"
	run -0 sqlite3 "$XDG_DATA_HOME/domstat/domains.db" 'SELECT domain, source, times_seen FROM seen ORDER BY domain'
	assert_output "$(printf 'bbc.co.uk|tranco|0\nexample.co.uk|list|0\nexample.com|list|0\ngoogle.com|tranco|0')"
	run -0 seen-db <<<"$(printf 'example.com\nnews.bbc.co.uk')"
	refute_output --partial 'YOUR-FIRST-CONTACT'
}

@test "import streams domain_stats' export array: tag from the file name, seen_by_web, expiry" {
	cp "$FIXTURES/seen-db/domain_stats-export.json" top1m.import
	run -1 --separate-stderr seen-db import top1m.import
	assert_equal "$stderr" "$(printf "%s\n" \
		"seen-db: 'top1m.import': 4: no registrable domain in 'com' [no-registrable-domain]" \
		"seen-db: 'top1m.import': 3 names imported, 1 rejected")"
	run -0 seen-db --date-format=http <<<"$(printf 'www.sans.org\nxn--bcher-kva.de\nold-expired.com')"
	assert_line -n 0 --partial '"seen_by_isc":"top1m","seen_by_web":"Fri, 04 Aug 1995 04:00:00 GMT","category":"ESTABLISHED"}'
	refute_line -n 0 --partial 'YOUR-FIRST-CONTACT'
	assert_line -n 1 --partial '"seen_by_web":"Mon, 26 Nov 2018 01:42:03 GMT"'
	refute_line -n 1 --partial 'YOUR-FIRST-CONTACT'
	# expired in 2021: stored (unlike domain_stats) but no longer live
	assert_line -n 2 --partial 'YOUR-FIRST-CONTACT'
}

@test "a broken domain_stats array keeps the elements before the damage, says where, exits 2 and the next file is still read" {
	printf '[{"domain": "a.com"}, {"domain": "b.com"} {"domain": "c.com"}]' >broken.json
	printf '[{"domain": "d.com"}, {"domain": "e.com", "expires": nul' >cut.json
	printf '[{"domain": "f.com"}, 7, {"domain": ' >short.json
	printf 'ok.com\n' >more.txt
	run -2 --separate-stderr seen-db import broken.json cut.json short.json more.txt
	assert_equal "$stderr" "$(printf "%s\n" \
		"seen-db: 'broken.json': byte 43: not a JSON array of objects" \
		"seen-db: 'broken.json': 2 names imported, 0 rejected" \
		"seen-db: 'cut.json': the JSON array is cut short after element 2" \
		"seen-db: 'cut.json': 1 names imported, 0 rejected" \
		"seen-db: 'short.json': 2: element is not an object [no-field]" \
		"seen-db: 'short.json': the JSON array is cut short after element 3" \
		"seen-db: 'short.json': 1 names imported, 1 rejected" \
		"seen-db: 'more.txt': 1 names imported, 0 rejected")"
	run -0 sqlite3 "$XDG_DATA_HOME/domstat/domains.db" 'SELECT group_concat(domain, " ") FROM (SELECT domain FROM seen ORDER BY domain)'
	assert_output 'a.com b.com d.com f.com ok.com'
}

@test "import of a 1M-line ranked CSV stores every name (200,000 lines on the sanitizer build)" {
	local n=1000000
	! sanitized || n=200000
	awk -v n=$n 'BEGIN { for (i = 1; i <= n; i++) printf "%d,n%d.com\n", i, i }' >top-1m.csv
	run -0 seen-db import --tag tranco top-1m.csv
	run -0 sqlite3 "$XDG_DATA_HOME/domstat/domains.db" "SELECT count(*), count(DISTINCT source), max(source) FROM seen"
	assert_output "$n|1|tranco"
	run -0 seen-db <<<"$(printf 'n1.com\nn%d.com\nn%d.com' $((n - 1)) $((n + 1)))"
	[ "$(grep -c YOUR-FIRST-CONTACT <<<"$output")" -eq 1 ]
	assert_line -n 2 --partial 'YOUR-FIRST-CONTACT'
}

@test "import is idempotent and export/import round-trips the store" {
	printf '%s\n' '{"domain":"a.com","first_seen":"2020-01-02T03:04:05Z","last_seen":"2021-01-01T00:00:00Z","times_seen":7,"source":"RDAP","registration":{"source":"RDAP","created":"1999-01-01T00:00:00Z","expires":"2999-01-01T00:00:00Z","server":"https://rdap.example/"}}' \
		'{"domain":"b.org","never_expire":true,"source":"top1m"}' >in.ndjson
	run -0 seen-db import in.ndjson
	run -0 seen-db export
	first="$output"
	run -0 seen-db import in.ndjson
	run -0 seen-db export
	assert_equal "$output" "$first"
	assert_line -n 0 --partial '"domain":"a.com","source":"RDAP","first_seen":"2020-01-02T03:04:05Z","last_seen":"2021-01-01T00:00:00Z","times_seen":7'
	echo "$first" >dump.ndjson
	export DOMSTAT_DB="$BATS_TEST_TMPDIR/other.db"
	run -0 seen-db import dump.ndjson
	run -0 seen-db export
	assert_equal "$output" "$first"
}

@test "export | import carries what the ISC service said: its date and alerts" {
	export DOMSTAT_DB="$PWD/a.db"
	printf 'isc.com\nplain.org\n' | seen-db >/dev/null
	# as domain-born stores an ISC answer (store schema 2): the date and the alerts, one a line
	sqlite3 a.db "INSERT INTO registration(domain, created, expires, source, server, fetched,
		valid_until, isc_seen, alerts) VALUES
		('isc.com', 946684800, 4102444800, 'ISC', 'https://isc.example/api', 1700000000,
		 1700086400, 1262304000, 'ISC-SUSPICIOUS' || char(10) || 'ISC-BLOCKLIST'),
		('plain.org', 946684800, 4102444800, 'RDAP', NULL, 1700000000, 4102444800, NULL, NULL)"
	run -0 seen-db export
	echo "$output" >dump.ndjson
	run -0 jq -c '[.domain, .registration.isc_seen, .registration.alerts]' dump.ndjson
	assert_line -n 0 '["isc.com","2010-01-01T00:00:00Z",["ISC-SUSPICIOUS","ISC-BLOCKLIST"]]'
	assert_line -n 1 '["plain.org",null,null]'
	export DOMSTAT_DB="$PWD/b.db"
	run -0 seen-db import dump.ndjson
	run -0 sqlite3 b.db "SELECT domain, isc_seen, replace(alerts, char(10), '|') FROM registration ORDER BY domain"
	assert_output $'isc.com|1262304000|ISC-SUSPICIOUS|ISC-BLOCKLIST\nplain.org||'
	run -0 seen-db export
	assert_equal "$output" "$(cat dump.ndjson)"
}

@test "export --format domain-stats writes the original array, which import reads back" {
	cp "$FIXTURES/seen-db/domain_stats-export.json" top1m.import
	run -1 seen-db import top1m.import
	run -0 --separate-stderr seen-db export --format domain-stats
	echo "$output" >again.json
	run -0 jq -c '[.[] | [.domain, .expires, .seen_by_isc, .seen_by_web, (.freq_score | length)]]' again.json
	assert_output '[["old-expired.com",1637890923,"top1m","Mon, 26 Nov 2018 01:42:03 GMT",2],["sans.org",2786022400,"top1m","Fri, 04 Aug 1995 04:00:00 GMT",2],["xn--bcher-kva.de",null,"top1m","Mon, 26 Nov 2018 01:42:03 GMT",2]]'
	grep -q '^\[{"domain": "old-expired.com", "expires": 1637890923.0, "freq_score": \[' again.json
	export DOMSTAT_DB="$BATS_TEST_TMPDIR/other.db"
	run -0 seen-db import again.json
	run -0 sqlite3 "$DOMSTAT_DB" 'SELECT group_concat(domain || "=" || source) FROM seen'
	assert_output 'old-expired.com=again,sans.org=again,xn--bcher-kva.de=again'
}

@test "--compat prints domain_stats' reply byte for byte (golden reply from the spec)" {
	printf '%s\n' '{"domain":"sans.org","first_seen":"2020-11-07T17:19:49Z","source":"top1m","registration":{"created":"1995-08-04T04:00:00Z"}}' >seed.ndjson
	run -0 seen-db import seed.ndjson
	printf '%s\n' '{"domain":"www.sans.org","freq_score":[6.832,4.1],"alerts":["SUSPECT-FREQ-SCORE"],"extra":1}' >in
	seen-db --compat <in >out
	cmp out "$FIXTURES/seen-db/compat-known.golden"
	seen-db --compat <<<'com' >out2 || true
	cmp out2 "$FIXTURES/seen-db/compat-no-etld.golden"
}

@test "--compat on a first contact: alert order, ERROR fields, escaped non-ASCII, RFC 1123 dates" {
	# no registration date: domain_stats' reply to a failed RDAP lookup, every date ERROR
	printf '%s\n' '{"domain":"bücher.de","alerts":["RDAP lookup to https://www.rdap.net/domain/xn--bcher-kva.de returned 404","LOW-FREQ-SCORES"]}' >in
	run -0 seen-db --compat <in
	assert_output '{"alerts":["LOW-FREQ-SCORES","YOUR-FIRST-CONTACT","RDAP lookup to https://www.rdap.net/domain/xn--bcher-kva.de returned 404"],"category":"ERROR","freq_score":"ERROR","seen_by_isc":"ERROR","seen_by_web":"ERROR","seen_by_you":"ERROR"}'
	# a date from domain-born: the reply of a lookup that worked
	printf '%s\n' '{"domain":"new.de","seen_by_web":"2001-02-03T04:05:06Z","category":"ESTABLISHED","seen_by_isc":"RDAP"}' >in1
	run -0 seen-db --compat <in1
	assert_output --regexp '^\{"alerts":\["YOUR-FIRST-CONTACT"\],"category":"ESTABLISHED","freq_score":"ERROR","seen_by_isc":"RDAP","seen_by_web":"Sat, 03 Feb 2001 04:05:06 GMT","seen_by_you":"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT"\}$'
	printf '%s\n' '{"domain":"xn--bcher-kva.de","alerts":["caf\u00e9 \ud83d\ude00"]}' >in2
	run -0 seen-db --compat <in2
	assert_output --partial '{"alerts":["caf\u00e9 \ud83d\ude00"],'
}

@test "--date-format=http prints seen_by_you as RFC 1123" {
	run -0 seen-db --date-format=http <<<'example.net'
	assert_output --regexp '"seen_by_you":"[A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9:]{8} GMT"'
	run -2 seen-db --date-format=rfc <<<'example.net'
}

@test "kill -9 in the middle of a large import leaves a sound store and a re-run completes it" {
	local total=300000 # more than one of import's commits, on either build
	awk -v n=$total 'BEGIN { for (i = 1; i <= n; i++) printf "%d,k%d.net\n", i, i }' >big.csv
	seen-db import big.csv 2>/dev/null &
	pid=$!
	db="$XDG_DATA_HOME/domstat/domains.db"
	for i in $(seq 1 600); do
		n=$(sqlite3 "$db" 'SELECT count(*) FROM seen' 2>/dev/null || echo 0)
		[ "${n:-0}" -gt 0 ] && break
		sleep 0.05
	done
	kill -9 "$pid"
	wait "$pid" || true
	run -0 sqlite3 "$db" 'PRAGMA integrity_check'
	assert_output ok
	n=$(sqlite3 "$db" 'SELECT count(*) FROM seen')
	[ "$n" -gt 0 ]
	[ "$n" -lt "$total" ]
	run -0 seen-db import big.csv
	run -0 sqlite3 "$db" 'SELECT count(*) FROM seen; PRAGMA integrity_check'
	assert_output "$(printf '%d\nok' "$total")"
}

@test "a store locked beyond the busy timeout: clear message naming the file, exit 2" {
	db="$BATS_TEST_TMPDIR/locked.db"
	run -0 seen-db --db "$db" <<<'first.com'
	mkfifo hold
	sqlite3 "$db" <hold &
	exec 7>hold
	# sqlite3 says when it holds the lock (however slow the machine is to start it)
	printf '%s\n' 'BEGIN EXCLUSIVE; INSERT INTO counters VALUES ("lock", 1);' '.shell touch locked' >&7
	for _ in $(seq 1 600); do [ -e locked ] && break; sleep 0.05; done
	[ -e locked ]
	DOMSTAT_BUSY_TIMEOUT=300 run -2 --separate-stderr seen-db --db "$db" <<<"$(printf 'first.com\nnew-name.com\nlater.com')"
	exec 7>&-
	wait
	assert_line -n 0 --partial '"domain":"first.com"'
	assert_line -n 1 --partial '"code":"not-stored"'
	[ "${#lines[@]}" -eq 2 ]
	assert_equal "$(head -1 <<<"$stderr")" "seen-db: line 2: not stored: cannot write to '$db': database is locked by another process (gave up after 300 ms) [not-stored]"
}

@test "a read-only store: clear message naming the file, exit 2" {
	dir=$(mktemp -d /tmp/seen-db-ro.XXXXXX)
	chmod 755 "$dir"
	run -0 seen-db --db "$dir/ro.db" <<<'example.com'
	mkdir "$dir/bin"
	cp "$(command -v seen-db)" "$dir/bin/seen-db"
	chmod 755 "$dir/bin" "$dir/bin/seen-db"
	chmod 444 "$dir/ro.db"
	chmod 555 "$dir"
	if [ "$(id -u)" = 0 ]; then
		as=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	else
		as=()
	fi
	# the other user runs a copy beside the store: the checkout may sit in a folder only its
	# owner can enter (mktemp -d), and seen-db needs nothing else from it to refuse the store
	run -2 --separate-stderr "${as[@]}" env PATH=/usr/bin:/bin HOME=/nonexistent XDG_CONFIG_HOME=/nonexistent "$dir/bin/seen-db" --db "$dir/ro.db" <<<'example.com'
	chmod 755 "$dir"
	rm -rf "$dir"
	assert_equal "$stderr" "seen-db: cannot open '$dir/ro.db': the store is read-only (no write permission)"
	assert_equal "$output" ""
}

# Run a command that may write only where the file modes let it: as root, without the
# capabilities that override them (root's own files then obey their modes as anyone's do).
no_write() {
	if [ "$(id -u)" = 0 ]; then
		setpriv --inh-caps=-dac_override,-dac_read_search,-fowner \
			--bounding-set=-dac_override,-dac_read_search,-fowner -- "$@"
	else
		"$@"
	fi
}

@test "get, stats, export and stats-report --store read a store in a folder the user cannot write, idle or while others write it" {
	mkdir ro
	run -0 seen-db --db ro/x.db <<<'old.com'
	chmod 444 ro/x.db
	chmod 555 ro
	# the test itself cannot write there, and no writer has the store open
	run -1 no_write touch ro/probe
	[ ! -e ro/x.db-wal ]
	run -0 --separate-stderr no_write seen-db --db ro/x.db get old.com
	assert_output --partial '"domain":"old.com","source":"RDAP"'
	run -0 --separate-stderr no_write seen-db --db ro/x.db stats
	assert_output --partial '"domains":1,"live":1,'
	assert_output --partial '"integrity":"ok"'
	run -0 --separate-stderr no_write seen-db --db ro/x.db export
	assert_output --regexp '^\{"domain":"old.com",'
	run -0 --separate-stderr no_write stats-report --store ro/x.db -F json
	assert_equal "$(jq -r '.figures.store_lookups.items[] | select(.key == "first_contacts") | .count' <<<"$output")" 1
	[ ! -e ro/x.db-wal ]
	# a seen-db at work keeps the store open: its commits are in the WAL, not yet in the file
	mkfifo feed hold
	seen-db --db ro/x.db <feed >seen.out &
	exec 7>feed
	echo 'new.com' >&7
	for i in $(seq 1 1500); do [ -s seen.out ] && break; sleep 0.02; done
	assert_equal "$(jq -r .domain seen.out)" new.com
	[ -e ro/x.db-wal ]
	run -0 --separate-stderr no_write seen-db --db ro/x.db get new.com
	assert_output --partial '"domain":"new.com"'
	# and another writer's transaction is open: readers see what was committed before it
	sqlite3 ro/x.db <hold >held.out &
	exec 8>hold
	echo "BEGIN IMMEDIATE; INSERT INTO seen(domain, first_seen, last_seen, source) VALUES ('pending.com', 1, 1, 'x'); SELECT 'held';" >&8
	for i in $(seq 1 1500); do [ -s held.out ] && break; sleep 0.02; done
	run -0 --separate-stderr no_write seen-db --db ro/x.db export
	assert_equal "$(jq -r .domain <<<"$output" | paste -sd' ')" 'new.com old.com'
	run -0 --separate-stderr no_write seen-db --db ro/x.db stats
	assert_output --partial '"domains":2,'
	run -0 --separate-stderr no_write stats-report --store ro/x.db -F json
	assert_equal "$(jq -r '.figures.store_file.items[0].count' <<<"$output")" 2
	exec 8>&- 7>&-
	wait
	chmod 755 ro
}

@test "--db in a folder that does not exist is an error, not a new store; the default folders are created" {
	run -2 --separate-stderr seen-db --db "$BATS_TEST_TMPDIR/no/such/x.db" <<<'example.com'
	assert_equal "$stderr" "seen-db: cannot create '$BATS_TEST_TMPDIR/no/such/x.db': no folder '$BATS_TEST_TMPDIR/no/such' (only the default store's folders are created)"
	assert_output ''
	[ ! -e "$BATS_TEST_TMPDIR/no" ]
	DOMSTAT_DB="$BATS_TEST_TMPDIR/no/x.db" run -2 --separate-stderr domain-born --offline <<<'example.com'
	[ ! -e "$BATS_TEST_TMPDIR/no" ]
	run -2 --separate-stderr seen-db --db "$BATS_TEST_TMPDIR/no/x.db" import /dev/null
	[ ! -e "$BATS_TEST_TMPDIR/no" ]
	run -0 seen-db <<<'example.com'
	[ -s "$XDG_DATA_HOME/domstat/domains.db" ]
}

@test "a corrupt store or one from a newer schema is refused with the file and the reason" {
	head -c 8192 /dev/urandom >bad.db
	run -2 --separate-stderr seen-db --db bad.db <<<'example.com'
	assert_equal "$stderr" "seen-db: cannot open 'bad.db': the store is damaged or not a database (file is not a database)"
	run -0 seen-db --db new.db <<<'example.com'
	sqlite3 new.db 'PRAGMA user_version = 3'
	run -2 --separate-stderr seen-db --db new.db <<<'example.com'
	assert_equal "$stderr" "seen-db: cannot open 'new.db': schema version 3 is newer than this program knows (2); upgrade domstat"
	sqlite3 other.db 'CREATE TABLE t (x)'
	run -2 --separate-stderr seen-db --db other.db stats
	assert_equal "$stderr" "seen-db: cannot open 'other.db': not a domstat store (it has other tables)"
}

@test "hostile names are data: SQL metacharacters, control bytes, over-long names" {
	{
		printf '%s\n' "x'); DROP TABLE seen; --.com" 'a"b.com' "robert'--.example.org"
		printf 'ctl\001.com\n'
		head -c 3000 /dev/zero | tr '\0' a; echo .com
	} >in
	run -1 --separate-stderr seen-db <in
	[ "${#lines[@]}" -eq 5 ]
	run -0 sqlite3 "$XDG_DATA_HOME/domstat/domains.db" 'SELECT count(*) FROM seen; PRAGMA integrity_check'
	n="${lines[0]}"
	assert_equal "${lines[1]}" ok
	run -0 seen-db browse
	[ "$(count_lines <(echo -n "$output" | grep . || true))" -eq "$n" ]
}

@test "get, browse, stats, expire and vacuum" {
	printf '%s\n' b.com a.com c.com d.com >in
	run -0 seen-db <in
	run -0 seen-db <<<'a.com'
	run -0 seen-db get www.a.com
	assert_output --regexp '^\{"domain":"a\.com","source":"RDAP","first_seen":"[0-9TZ:-]+","last_seen":"[0-9TZ:-]+","times_seen":2,"never_expire":false,"expires":null,"live":true\}$'
	run -1 --separate-stderr seen-db get nowhere.net
	assert_equal "$stderr" "seen-db: 'nowhere.net' is not in the store '$XDG_DATA_HOME/domstat/domains.db'"
	run -0 seen-db browse --offset 1 --limit 2
	[ "${#lines[@]}" -eq 2 ]
	assert_line -n 0 --partial '"domain":"b.com"'
	assert_line -n 1 --partial '"domain":"c.com"'
	run -2 seen-db browse --limit 10001
	run -0 seen-db stats
	assert_output --regexp '^\{"store":"[^"]+","domains":4,"live":4,"never_expire":0,"registrations":0,"registration_errors":0,"first_contacts":4,"hits":1,"misses":4,"rdap_good":0,"rdap_fail":0,"since":null,"bytes":[0-9]+,"integrity":"ok"\}$'
	run -0 seen-db stats --reset
	assert_output --partial '"hits":1,"misses":4'
	run -0 seen-db stats
	assert_output --regexp '"first_contacts":4,"hits":0,"misses":0,.*"since":"[0-9TZ:-]+"'
	printf '%s\n' '{"domain":"old.com","expires":"2001-01-01T00:00:00Z"}' >old.ndjson
	run -0 seen-db import old.ndjson
	run -0 seen-db expire
	assert_output '{"expired":1,"registrations_removed":0}'
	run -0 seen-db vacuum
	run -0 sqlite3 "$XDG_DATA_HOME/domstat/domains.db" 'SELECT count(*) FROM seen'
	assert_output 4
	run -2 seen-db --tag x
}

@test "depuny shows the Unicode form of xn-- names, and says when it is a look-alike" {
	run -0 --separate-stderr seen-db depuny xn--bcher-kva.de xn--yutube-wqf.com xn--80ak6aa92e.com
	# the example of domain_stats' /depuny: a homograph with a Cyrillic o
	assert_output "$(printf 'bücher.de\ny\xd0\xbeutube.com\n\xd0\xb0\xd1\x80\xd1\x80\xd3\x8f\xd0\xb5.com')"
	# the two look-alikes are named on stderr, the ordinary IDN is not
	[ "${#stderr_lines[@]}" -eq 2 ]
	assert_equal "${stderr_lines[0]}" "seen-db: MIXED-SCRIPT: 'yоutube.com' (xn--yutube-wqf.com): a label mixes scripts"
	assert_equal "${stderr_lines[1]}" "seen-db: MIXED-SCRIPT: 'аррӏе.com' (xn--80ak6aa92e.com): a label of Cyrillic or Greek letters that look like Latin ones"
	run -0 seen-db depuny <<<'xn--bcher-kva.de'
	assert_output 'bücher.de'
}

@test "SIGTERM while waiting for input leaves everything seen committed" {
	mkfifo feed
	seen-db <feed >out &
	pid=$!
	exec 7>feed
	printf 'one.com\ntwo.org\n' >&7
	for i in $(seq 1 300); do [ "$(count_lines out)" -eq 2 ] && break; sleep 0.1; done
	kill -TERM "$pid"
	wait "$pid" || true
	exec 7>&-
	run -0 sqlite3 "$XDG_DATA_HOME/domstat/domains.db" 'SELECT group_concat(domain) FROM seen'
	assert_output 'one.com,two.org'
}

@test "SIGTERM in the middle of a busy stream commits every record already printed" {
	awk 'BEGIN { for (i = 1; i <= 400000; i++) printf "s%d.org\n", i }' >big
	seen-db <big >out 2>/dev/null &
	pid=$!
	db="$XDG_DATA_HOME/domstat/domains.db"
	for i in $(seq 1 600); do
		n=$(sqlite3 "$db" 'SELECT count(*) FROM seen' 2>/dev/null || echo 0)
		[ "${n:-0}" -gt 0 ] && break
		sleep 0.05
	done
	kill -TERM "$pid"
	st=0
	wait "$pid" || st=$?
	[ "$st" -eq 143 ]
	alerts=$(grep -c YOUR-FIRST-CONTACT out)
	[ "$alerts" -gt 0 ] && [ "$alerts" -lt 400000 ]
	run -0 sqlite3 "$XDG_DATA_HOME/domstat/domains.db" 'SELECT count(*) FROM seen'
	assert_output "$alerts"
}

@test "the shipped seed list share/top1m.import imports cleanly under its tag" {
	run -0 --separate-stderr seen-db import "$TOP/share/top1m.import"
	assert_equal "$stderr" "seen-db: '$TOP/share/top1m.import': $(count_lines "$TOP/share/top1m.import") names imported, 0 rejected"
	run -0 seen-db <<<'www.github.com'
	refute_output --partial 'YOUR-FIRST-CONTACT'
	assert_output --partial '"seen_by_isc":"top1m"'
}

@test "kill -9 loop: every domain in the store had its first-contact line written, but for the batch in flight" {
	# Batches of 50 rows: a kill may lose the lines of the one batch being committed at that
	# instant (at most 50), never lines of a batch committed before it.
	export DOMSTAT_BATCH_ROWS=50
	awk 'BEGIN { for (i = 1; i <= 200000; i++) printf "{\"domain\":\"k%d.net\"}\n", i }' >big
	for round in 1 2 3 4 5 6 7 8; do
		seen-db --db "k$round.db" <big >"out$round" 2>/dev/null &
		pid=$!
		for i in $(seq 1 3000); do
			[ "$(stat -c %s "out$round")" -gt 200000 ] && break
			sleep 0.01
		done
		kill -9 "$pid"
		wait "$pid" || true
		# a torn last line belongs to the batch in flight: count whole lines only
		if [ -n "$(tail -c1 "out$round")" ]; then head -n -1 "out$round"; else cat "out$round"; fi |
			grep YOUR-FIRST-CONTACT | jq -r .domain | sort >said
		sqlite3 "k$round.db" 'SELECT domain FROM seen' | sort >stored
		[ -s stored ]
		# every line written is in the store
		run -0 comm -13 stored said
		assert_output ''
		# every stored domain was said, but for at most one batch
		lost=$(comm -23 stored said | wc -l)
		echo "round $round: $(wc -l <stored) stored, $lost not said" >&3
		[ "$lost" -le 50 ]
	done
}

@test "8 writers started together on a store that does not exist yet: 20 rounds (8 on the sanitizer build), none fails" {
	# The writers wait on one pipe and are released by one write, so they open together.
	local rounds=20
	! sanitized || rounds=8
	mkfifo gate
	exec 4<>gate
	for round in $(seq 1 $rounds); do
		rm -f race.db race.db-wal race.db-shm
		pids=()
		for i in 1 2 3 4 5 6 7 8; do
			(
				read -r _ <&4
				exec 4<&-
				printf 'w%d.com\nshared.com\n' "$i" | exec seen-db --db race.db >"out.$i" 2>"err.$i"
			) &
			pids+=($!)
		done
		printf '\n\n\n\n\n\n\n\n' >&4
		for i in 1 2 3 4 5 6 7 8; do
			st=0
			wait "${pids[$((i - 1))]}" || st=$?
			if [ "$st" -ne 0 ]; then
				echo "round $round writer $i: status $st: $(cat "err.$i")" >&3
				return 1
			fi
		done
		# exactly one of them made shared.com's first contact
		[ "$(cat out.* | grep -c '"shared.com".*YOUR-FIRST-CONTACT')" -eq 1 ]
		run -0 sqlite3 race.db 'SELECT count(*) FROM seen; PRAGMA user_version; PRAGMA journal_mode'
		assert_output "$(printf '9\n2\nwal')"
	done
	exec 4<&-
}

@test "a foreign SQLite file given as the store is refused by every command and left byte-identical" {
	sqlite3 other.db 'CREATE TABLE t (x); INSERT INTO t VALUES (1)'
	sqlite3 app.db 'PRAGMA application_id = 42; CREATE TABLE u (y)'
	# a schema version of its own (ours and 1 below it) but no application id: not ours either
	sqlite3 v2.db 'PRAGMA user_version = 2; CREATE TABLE seen (x)'
	sqlite3 v1.db 'PRAGMA user_version = 1; CREATE TABLE w (z)'
	for db in other.db app.db v2.db v1.db; do
		cp "$db" "$db.orig"
		run -2 --separate-stderr seen-db --db "$db" <<<'example.com'
		assert_output ''
		[[ "$stderr" == "seen-db: cannot open '$db': not a domstat store ("* ]]
		run -2 seen-db --db "$db" import <<<'example.com'
		run -2 seen-db --db "$db" expire
		run -2 domain-born --db "$db" --offline <<<'example.com'
		run -2 stats-report --store "$db"
		cmp "$db" "$db.orig"
		[ ! -e "$db-wal" ]
	done
}

@test "no symlink planted at the store's name or its -wal, -shm and -journal names is written through" {
	echo secret >victim
	cp victim victim.orig
	# a dangling link as the store is not followed to create its target
	ln -s target.db dangling.db
	run -2 seen-db --db dangling.db <<<'example.com'
	[ ! -e target.db ]
	# SQLite's side files, planted beside a new store and beside one in use
	seen-db --db old.db <<<'old.com' >/dev/null
	for side in -wal -shm -journal; do
		for db in "new$side.db" old.db; do
			ln -s victim "$db$side"
			st=0
			seen-db --db "$db" <<<'example.com' >/dev/null 2>&1 || st=$?
			[ "$st" -eq 0 ] || [ "$st" -eq 2 ]
			domain-born --db "$db" --offline <<<'example.com' >/dev/null 2>&1 || true
			cmp victim victim.orig
			rm -f "$db$side"
		done
	done
	# the store in use is refused while a link is there, and sound once it is gone
	run -0 seen-db --db old.db <<<'example.com'
	run -0 sqlite3 old.db 'PRAGMA integrity_check; SELECT domain FROM seen ORDER BY domain'
	assert_output "$(printf 'ok\nexample.com\nold.com')"
}

@test "a UTF-8 byte order mark before a record or a name is no part of the line" {
	run -0 --separate-stderr seen-db < <(printf '\xef\xbb\xbf{"domain":"bom.com","n":1}\n\xef\xbb\xbfbare.org\n')
	assert_equal "$stderr" ''
	assert_line -n 0 --regexp '^\{"domain":"bom.com","n":1,"seen_by_you":"[^"]*","seen_by_isc":"RDAP","alerts":\["YOUR-FIRST-CONTACT"\]\}$'
	assert_line -n 1 --regexp '^\{"domain":"bare.org",.*"alerts":\["YOUR-FIRST-CONTACT"\]\}$'
}

@test "every spelling of a name is one domain: one first contact, one row, found by get" {
	printf '%s\n' 'bücher.de' xn--bcher-kva.de 'BÜCHER。de' 'example。com' 'ＥＸＡＭＰＬＥ．ｃｏｍ' \
		'www.Example.com' 'аррӏе.com' >in
	run -0 --separate-stderr seen-db <in
	assert_equal "$stderr" ""
	run -0 jq -r '[(.alerts // [] | join(",")), .name_ascii // "-", .name_unicode // "-"] | @tsv' <<<"$output"
	assert_output "$(printf '%s\t%s\t%s\n' \
		YOUR-FIRST-CONTACT xn--bcher-kva.de 'bücher.de' \
		'' xn--bcher-kva.de 'bücher.de' \
		'' xn--bcher-kva.de 'bücher.de' \
		YOUR-FIRST-CONTACT - - \
		'' - - \
		'' - - \
		MIXED-SCRIPT,YOUR-FIRST-CONTACT xn--80ak6aa92e.com 'аррӏе.com')"
	run -0 sqlite3 "$XDG_DATA_HOME/domstat/domains.db" 'SELECT domain, times_seen FROM seen ORDER BY domain'
	assert_output "$(printf 'example.com|3\nxn--80ak6aa92e.com|1\nxn--bcher-kva.de|3')"
	run -0 seen-db get 'ＢＵ̈ＣＨＥＲ．de'
	assert_output --partial '"xn--bcher-kva.de"'
}
