#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# The bash completion (completion/domstat.bash) in a real bash: every long option each
# command's --help shows is offered, option values and subcommands complete, and every
# fixed choice it offers is one the command accepts.
load helper
bats_require_minimum_version 1.5.0

CMDS="dns-scan dns-grade stats-report domain-freq seen-db domain-born"

setup() {
	setup_isolated
	COMPLETION="$TOP/completion/domstat.bash"
}

# complete WORD...: what TAB offers after the words (the last one is the word being completed),
# one a line, sorted.
complete_words() {
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _domstat
		printf "%s\n" "${COMPREPLY[@]}"' sh "$COMPLETION" "$@" | LC_ALL=C sort
}

@test "every command has the completion function" {
	run -0 bash -c '. "$1"; for c in '"$CMDS"'; do complete -p "$c"; done' sh "$COMPLETION"
	assert_equal "$(grep -c -- '-F _domstat' <<<"$output")" 6
}

@test "every long option in each command's --help is offered after --" {
	local c
	for c in $CMDS; do
		"$c" --help 2>&1 | grep -oE -- '--[a-z][a-z0-9-]+' | LC_ALL=C sort -u >"$c.want"
		[ "$(count_lines "$c.want")" -ge 5 ]
		complete_words "$c" -- | sed 's/=$//' | LC_ALL=C sort -u >"$c.got"
		run -0 diff -u "$c.want" "$c.got"
	done
}

@test "options that take a value complete with '=', the others without" {
	run -0 complete_words dns-scan --res
	assert_output - <<-'EOF'
	--resolver=
	--resolvers=
	EOF
	run -0 complete_words seen-db --never
	assert_output "--never-expire"
	run -0 complete_words stats-report --st
	assert_output "--store="
}

@test "fixed choices complete after the option, in both spellings" {
	run -0 complete_words stats-report --format m
	assert_output "markdown"
	run -0 complete_words stats-report -F ""
	assert_output - <<-'EOF'
	html
	json
	markdown
	text
	EOF
	run -0 complete_words dns-grade --scale = d
	assert_output - <<-'EOF'
	dnstats
	domstat
	EOF
	run -0 complete_words seen-db import --format c
	assert_output "csv"
}

@test "every fixed choice offered is accepted by the command" {
	local v
	for v in $(complete_words stats-report --format ""); do
		run -0 stats-report --format "$v" </dev/null
	done
	for v in $(complete_words dns-grade --scale ""); do
		run -0 dns-grade --scale "$v" </dev/null
	done
	for v in $(complete_words domain-freq --score-on ""); do
		run -0 domain-freq --score-on "$v" </dev/null
	done
	for v in $(complete_words dns-scan --profile ""); do
		run -0 dns-scan --profile "$v" -r 127.0.0.1:9 </dev/null
	done
	for c in seen-db domain-born; do
		for v in $(complete_words "$c" --date-format ""); do
			run -0 "$c" --date-format "$v" --db "$c.db" </dev/null
		done
	done
	# an empty input is a cut-short array to --format domain-stats: only the usage is checked
	for v in $(complete_words seen-db import --format ""); do
		run --separate-stderr seen-db --db s.db import --format "$v" </dev/null
		[[ $stderr != *"invalid value"* ]]
	done
}

@test "seen-db's subcommands complete first, files after them and after file options" {
	run -0 complete_words seen-db ""
	assert_output - <<-'EOF'
	browse
	depuny
	expire
	export
	get
	import
	stats
	vacuum
	EOF
	touch list-a.txt list-b.txt
	run -0 complete_words seen-db import list-
	assert_output - <<-'EOF'
	list-a.txt
	list-b.txt
	EOF
	run -0 complete_words domain-born --db list-a
	assert_output "list-a.txt"
	run -0 complete_words stats-report --lists=list-b
	assert_output "list-b.txt"
}

@test "zsh's compinit picks up _domstat for the six commands" {
	command -v zsh >/dev/null || skip "needs zsh"
	run -0 zsh -fc 'fpath=("$1" $fpath); autoload -Uz compinit; compinit -u -d "$2"
		for c in '"$CMDS"'; do print -r -- "$c ${_comps[$c]}"; done' zsh "$TOP/completion" "$PWD/zcompdump"
	assert_output - <<-'EOF'
	dns-scan _domstat
	dns-grade _domstat
	stats-report _domstat
	domain-freq _domstat
	seen-db _domstat
	domain-born _domstat
	EOF
}
