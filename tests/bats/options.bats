#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# Each command's options are declared once (common/options.h) and --help is made from that
# table, so the manual is what can drift: every option --help lists is in the page's SYNOPSIS
# and in its option list (the .It lines), and every option the page lists is in --help.
load helper
bats_require_minimum_version 1.5.0

CMDS="dns-scan dns-grade stats-report domain-freq seen-db domain-born"

setup() {
	setup_isolated
}

# The option rows of CMD --help, one "--long x" a line (x: its short letter, if any).
help_options() {
	"$1" --help | sed -nE 's/^  (-([A-Za-z]), |    )--([a-z][a-z0-9-]*).*/--\3 \2/p'
}

# The SYNOPSIS of man page $1, '\-' read as '-'.
man_synopsis() {
	sed -n '/^\.Sh SYNOPSIS/,/^\.Sh DESCRIPTION/p' "$1" | sed 's/\\-/-/g'
}

# Every long option named on the page's .It lines (its option list), one "--long" a line.
man_list() {
	grep -E '^\.It .*Fl' "$1" | sed 's/\\-/-/g' | grep -oE '(^| )-[a-z][a-z0-9-]*' |
		sed 's/^ /-/' | sort -u
}

# check CMD PAGE: print what is missing where; fail if anything is.
check() {
	local cmd=$1 page=$2 long short bad=0
	local syn list
	syn=$(man_synopsis "$page")
	list=$(man_list "$page")
	[ -n "$syn" ] && [ -n "$list" ] || { echo "$page: no SYNOPSIS or option list"; return 1; }
	while read -r long short; do
		if ! grep -qE -- "(^| )${long#-}( |\$)" <<<"$syn" &&
			! { [ -n "$short" ] && grep -qE -- "Fl $short( |\$)" <<<"$syn"; }; then
			echo "$cmd: $long is in --help, not in the SYNOPSIS of $page"
			bad=1
		fi
		if ! grep -qx -- "$long" <<<"$list"; then
			echo "$cmd: $long is in --help, not in the option list of $page"
			bad=1
		fi
	done < <(help_options "$cmd")
	local helped
	helped=$(help_options "$cmd" | cut -d' ' -f1)
	while read -r long; do
		if ! grep -qx -- "$long" <<<"$helped"; then
			echo "$cmd: $long is in the option list of $page, not in --help"
			bad=1
		fi
	done <<<"$list"
	return "$bad"
}

@test "every option in --help is in the man page's SYNOPSIS and option list, and back" {
	! sanitized || skip "text the normal build prints the same (the sanitizer build runs the commands elsewhere)"
	local c
	for c in $CMDS; do
		[ "$(help_options "$c" | wc -l)" -ge 5 ]
		run check "$c" "$TOP/man/man1/$c.1"
		[ "$status" -eq 0 ] || fail "$output"
	done
}

@test "every command takes the common options" {
	local c
	for c in $CMDS; do
		for o in --max-line --progress --no-progress --help --version; do
			help_options "$c" | grep -q -- "^$o " || fail "$c --help lacks $o"
		done
		# -f names the member the command reads (the domain; dns-grade's the scan)
		help_options "$c" | grep -qx -- "--field f" || fail "$c --help lacks -f, --field"
		run -2 "$c" --field 'a['
		assert_output --partial "invalid value for --field"
		run -0 "$c" --version
		run -2 "$c" --max-line 10
		assert_output --partial "invalid value for --max-line"
	done
}

@test "every option --help lists is in the usage line" {
	! sanitized || skip "text the normal build prints the same (the sanitizer build runs the commands elsewhere)"
	local c long short in_usage
	for c in $CMDS; do
		run -2 "$c" --no-such-option
		while read -r long short; do
			in_usage=no
			grep -qE -- "(^|[[ ])$long([] ]|\$)" <<<"$output" && in_usage=yes
			[ -n "$short" ] && grep -qE -- "\[-$short[] ]" <<<"$output" && in_usage=yes
			[ "$in_usage" = yes ] || fail "$c: the usage lines lack $long"
		done < <(help_options "$c")
	done
}

@test "the check fails when the page leaves an option out of one place" {
	local page="$TOP/man/man1/domain-born.1"
	# left out of the SYNOPSIS
	sed '/^\.Op Fl -whois-map/d' "$page" >no-synopsis.1
	run -1 check domain-born no-synopsis.1
	assert_output "domain-born: --whois-map is in --help, not in the SYNOPSIS of no-synopsis.1"
	# left out of the option list
	sed '/^\.It Fl -whois-map/d' "$page" >no-item.1
	run -1 check domain-born no-item.1
	assert_output "domain-born: --whois-map is in --help, not in the option list of no-item.1"
	# an option the page lists that the command does not have
	sed 's/^\.It Fl -whois-map/.It Fl -whois-atlas Ar file\n&/' "$page" >extra.1
	run -1 check domain-born extra.1
	assert_output "domain-born: --whois-atlas is in the option list of extra.1, not in --help"
}
