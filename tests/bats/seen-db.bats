#!/usr/bin/env bats
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

@test "the store is created private under XDG_DATA_HOME with schema version 1 in WAL mode" {
	run -0 seen-db <<<'example.org'
	db="$XDG_DATA_HOME/domstat/domains.db"
	[ "$(stat -c %a "$db")" = 600 ]
	[ "$(stat -c %a "$XDG_DATA_HOME/domstat")" = 700 ]
	run -0 sqlite3 "$db" 'PRAGMA user_version; PRAGMA journal_mode; SELECT domain, times_seen, source FROM seen'
	assert_output "$(printf '1\nwal\nexample.org|1|RDAP')"
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
