#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# The manual pages say what the code does and render as written: quoting that mandoc -Tlint
# lets through, the standards they cite, the environment each command reads, --help's promise.
load helper
bats_require_minimum_version 1.5.0

setup() {
	setup_isolated
}

PAGES=("$TOP"/man/man1/*.1 "$TOP"/man/man7/*.7)

@test "make lint's quote check: no page has a Ql that swallows the words after it" {
	run -0 awk -f "$TOP/tests/man-quotes.awk" "${PAGES[@]}"
	assert_output ""
	# the check itself: the pattern that rendered as (‘a to ‘b’’) is caught, with its line
	printf '%s\n' '.Dd November 23, 2026' '.Pq Ql www.sans.org No scores Ql sans.org ,' \
		'.Ql 6.832 , Ql 0.0 .' '.Ql \&No match' '.Ql www. Ns Ar domain' \
		'.Pq Ql localhost , an IP address' '.Ql dig +short , .' >bad.1
	run -1 awk -f "$TOP/tests/man-quotes.awk" bad.1
	assert_line -n 0 --partial "bad.1:2: 'No' after 'Ql'"
	assert_line -n 1 --partial "bad.1:3: ',' after 'Ql'"
	assert_line -n 2 --partial "bad.1:6: ',' after 'Ql'"
	assert_equal "${#lines[@]}" 3
	grep -q 'awk -f tests/man-quotes.awk' "$TOP/Makefile"
	# and the pages render every quotation closed where it opened
	command -v mandoc >/dev/null || skip "needs mandoc"
	for p in "${PAGES[@]}"; do
		run -0 bash -c 'mandoc -T utf8 "$1" | col -b' _ "$p"
		refute_output --partial "’’"
	done
}

@test "every page that cites DMARC cites RFC 9989" {
	n=0
	for p in "${PAGES[@]}"; do
		grep -q '^\.%T Domain-based Message Authentication' "$p" || continue
		run -0 grep -B1 '^\.%T Domain-based Message Authentication' "$p"
		assert_line -n 0 ".%R RFC 9989"
		n=$((n + 1))
	done
	[ "$n" -ge 3 ] # dns-scan, dns-grade, stats-report
	run -1 grep -l '^\.%R RFC 7489' "${PAGES[@]}"
}

@test "every command that reads the public suffix list documents DOMSTAT_PSL" {
	# common/dname.c reads DOMSTAT_PSL the first time a name is reduced to its registrable
	# domain: the commands whose code does that are the ones that read it
	n=0
	for d in "$TOP"/cmd/*/; do
		c=$(basename "$d")
		grep -qE 'dname_registrable\(' "$d"*.c || continue
		grep -q '^\.It Ev DOMSTAT_PSL' "$TOP/man/man1/$c.1" || {
			echo "$c reads the public suffix list; $c(1) does not name DOMSTAT_PSL"
			return 1
		}
		n=$((n + 1))
	done
	[ "$n" -ge 5 ]
	grep -q '^\.It Ev DOMSTAT_PSL' "$TOP/man/man7/domstat.7"
	# the file named as the default is the one the code loads
	f=$(sed -n 's/^#define SYSTEM_PSL "\(.*\)"$/\1/p' "$TOP/common/dname.c")
	[ -n "$f" ]
	run -0 bash -c 'grep -ohE "public_suffix_list\.[a-z]+" "$@" | sort -u' _ "${PAGES[@]}"
	assert_output "$(basename "$f")"
}

@test "domain-born --help promises only the fields domain-born writes" {
	run -0 domain-born --help
	refute_output --regexp '(^|[^a-z])age([^a-z]|$)'
	assert_line -n 0 --partial 'registration and expiry dates'
	assert_output --partial 'NEW or ESTABLISHED category'
	# and what it writes: the dates and the category, no age member
	export DOMSTAT_DB="$PWD/d.db"
	printf 'example.com\n' | seen-db >/dev/null
	sqlite3 d.db "INSERT INTO registration(domain, created, expires, source, server, fetched,
		error_code, error_msg, valid_until) VALUES ('example.com', 808876800, 4102444800,
		'RDAP', 'https://rdap.example/', 1767225600, NULL, NULL, 4102444800)"
	run -0 bash -c 'echo example.com | domain-born --offline | jq -c "keys"'
	assert_output '["category","domain","expires","seen_by_isc","seen_by_web"]'
}
