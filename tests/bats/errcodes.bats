#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# One error vocabulary: every errors entry of every command has a code from the one list in
# common/errcode.c, each documented in domstat(7) "Error codes", the same condition the same
# code whichever command meets it.
load helper
bats_require_minimum_version 1.5.0

setup() {
	setup_isolated
}

# The list in common/errcode.c, one code a line.
code_list() {
	sed -n 's/^ *"\([a-z0-9-]*\)",$/\1/p' "$TOP/common/errcode.c"
}

# The codes domstat(7) documents: the .It Li lines of its "Error codes" subsection.
documented() {
	sed -n '/^\.Ss Error codes$/,/^\.S[sh] /p' "$TOP/man/man7/domstat.7" |
		sed -n 's/^\.It Li \([a-z0-9-]*\)$/\1/p'
}

@test "every code on the list is documented in domstat(7), and nothing else is" {
	code_list >list
	documented >doc
	[ "$(wc -l <list)" -ge 40 ]
	# one case convention: lower-case kebab, each code once
	run -1 grep -vE '^[a-z][a-z0-9]*(-[a-z0-9]+)*$' list
	assert_equal "$(sort list | uniq -d)" ""
	diff -u <(sort list) <(sort doc)
}

@test "every code a command's source can write is on the list" {
	code_list | sort >list
	# the literals given as codes: rec_error_code, seen-db import's reject, domain-born's
	# result_fail, the RDAP, whois and HTTP clients' codes, dns-scan's error and cause values
	{
		grep -rhoE '(rec_error_code|result_fail|reject)\([^,]+, *"[^"]*"' "$TOP/cmd" "$TOP/common" |
			sed -E 's/.*"([^"]*)"$/\1/'
		grep -rhoE '\bfail\((d|c), *"[^"]*"' "$TOP/common/rdap.c" "$TOP/common/whois.c" |
			sed -E 's/.*"([^"]*)"$/\1/'
		grep -rhoE '(->|\.)(error_)?code = "[^"]*"' "$TOP/cmd" "$TOP/common" |
			sed -E 's/.*"([^"]*)"$/\1/'
		grep -hoE 'res->code : "[^"]*"' "$TOP/cmd/domain-born/result.c" | sed -E 's/.*"([^"]*)"$/\1/'
		sed -n '/^dns_err_str/,/^}/p' "$TOP/common/dns.c" | sed -n 's/.*return "\([a-z-]*\)";/\1/p' |
			grep -vx ok
		sed -n '/cause_name\[NCAUSES\] = {/,/};/p' "$TOP/cmd/dns-scan/answer.c" |
			grep -oE '"[a-z-]+"' | tr -d '"'
	} | sort -u >emitted
	[ "$(wc -l <emitted)" -ge 35 ]
	run -0 comm -23 emitted list
	assert_output ""
	# no code is built at run time: every rec_error_code call names a literal or a code that
	# came from one of the literals above
	grep -rnE 'rec_error_code\([^,]+, *[^" ]' "$TOP/cmd" "$TOP/common" --include=*.c >calls || true
	run -1 grep -v -e 'res->code' -e 'const char \*code' calls
}

# The codes in a command's output records and in the brackets ending its stderr lines.
codes_of() { # out err
	jq -r '.errors[]?.code' "$1"
	sed -n 's/.* \[\([a-z0-9-]*\)\]$/\1/p' "$2"
}

@test "bad input through every command: each error has a code on the list, on stdout and stderr" {
	export DOMSTAT_DB="$PWD/d.db"
	printf '%s\n' '{bad' '{"x":1}' '{"domain":5}' 'a..b' 'localhost' 'com' \
		"$(head -c 5000 /dev/zero | tr '\0' a)" >bad
	code_list | sort >list
	: >all
	# every errors entry has a code, from the list; its stderr line ends with the same code
	for c in domain-freq seen-db "domain-born --offline" "dns-scan -r 127.0.0.1:9" dns-grade; do
		run -1 --separate-stderr $c --max-line 4096 <bad
		printf '%s\n' "$output" >out
		printf '%s\n' "$stderr" >err
		[ "$(jq -s 'length' out)" -eq 7 ]
		# every errors entry of this command has a code
		run -0 jq -r --arg by "${c%% *}" '.errors[] | select(.by == $by) | .code // "NONE"' out
		refute_output --partial NONE
		run -0 jq -r '.errors[0].code' out
		assert_line -n 0 invalid-json
		if [ "$c" = dns-grade ]; then # it reads the dns member, not the name
			assert_line -n 1 no-dns
			assert_line -n 3 no-dns
		else
			assert_line -n 1 no-field
			assert_line -n 2 field-not-string
			assert_line -n 3 invalid-name
		fi
		assert_line -n 6 line-too-long
		diff <(jq -r '.errors[]?.code' out | sort) <(sed -n 's/.* \[\([a-z0-9-]*\)\]$/\1/p' err | sort)
		codes_of out err >>all
	done
	# stats-report writes a report, not records: its codes are on stderr
	printf '%s\n' '{bad' '{"grades":{"whois":1}}' '{"grades":{"spf":200}}' \
		'{"grades":{"spf":1},"remarks":5}' 'example.com' >graded
	run -1 --separate-stderr stats-report graded
	printf '%s\n' "$stderr" >err
	run -0 sed -n 's/.* \[\([a-z0-9-]*\)\]$/\1/p' err
	assert_output $'invalid-json\nunknown-category\nbad-grade\nbad-member\nno-grades'
	codes_of /dev/null err >>all
	# seen-db import says why it rejects a name the same way
	printf '%s\n' '{bad' 'localhost' 'a..b' '{"x":1}' 'example.com' >import.txt
	run -1 --separate-stderr seen-db import import.txt
	printf '%s\n' "$stderr" >err
	run -0 sed -n 's/.* \[\([a-z0-9-]*\)\]$/\1/p' err
	assert_output $'invalid-json\nno-registrable-domain\ninvalid-name\nno-field'
	codes_of /dev/null err >>all
	run -0 comm -23 <(sort -u all) list
	assert_output ""
	# and each is documented
	run -0 comm -23 <(sort -u all) <(documented | sort)
	assert_output ""
}

@test "localhost: domain-freq, seen-db and domain-born give the same code" {
	export DOMSTAT_DB="$PWD/d.db"
	run -1 --separate-stderr bash -c 'set -o pipefail
		echo localhost | domain-freq | seen-db | domain-born --offline'
	run -0 jq -c '[.errors[] | [.by, .code]]' <<<"$output"
	assert_output '[["domain-freq","no-registrable-domain"],["seen-db","no-registrable-domain"],["domain-born","no-registrable-domain"]]'
	assert_equal "${#lines[@]}" 1
	assert_equal "$stderr" "domain-freq: line 1: no registrable domain in 'localhost' [no-registrable-domain]
seen-db: line 1: no registrable domain in 'localhost' [no-registrable-domain]
domain-born: line 1: no registrable domain in 'localhost' [no-registrable-domain]"
	# an invalid name likewise, in all three and in dns-scan
	for c in domain-freq seen-db "domain-born --offline" "dns-scan -r 127.0.0.1:9"; do
		run -1 --separate-stderr $c <<<"a..b"
		run -0 jq -c '[.errors[] | [.by, .code]]' <<<"$output"
		assert_output "[[\"${c%% *}\",\"invalid-name\"]]"
	done
}

@test "dns-grade's errors are in the list's case; its remarks stay the upper-case findings" {
	run -1 --separate-stderr dns-grade <<<'{"domain":"example.com"}'
	run -0 jq -c '.errors' <<<"$output"
	assert_output '[{"by":"dns-grade","code":"no-dns","msg":"no '"'"'dns'"'"' member (run dns-scan first)"}]'
	run -1 --separate-stderr dns-grade <<<'{"domain":"example.com","dns":5}'
	run -0 jq -r '.errors[0].code' <<<"$output"
	assert_output bad-dns
}
