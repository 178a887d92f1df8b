#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# Every command draws a progress line on stderr when stderr is a terminal (a pseudo-terminal
# from util-linux's script(1) here) and writes nothing there in a pipe. The input comes slowly
# (a pause after its first line, longer than the half second between redraws), so each run is
# long enough to be shown; the same slow input in a pipe must leave stderr empty.
bats_require_minimum_version 1.5.0
load helper
load dns_server

setup_file() {
	load dns_server
	dns_pick_net
	knot_start main "$DNS_NET.1" "$DNS_PORT" full.test="$ZONES/full.test.zone"
}

teardown_file() {
	knot_stop_all
}

setup() {
	setup_isolated
	command -v script >/dev/null || skip "needs script(1) (util-linux)"
	export DOMSTAT_DB="$BATS_TEST_TMPDIR/domains.db"
	unset DOMSTAT_PROGRESS
}

# slow_script IN CMD...: a script feeding IN to CMD slowly, stdout to the file out. The pause
# after the first line starts only once CMD waits for more input (its progress clock started,
# however long a loaded machine or a sanitizer build took to start it), so the run is always
# long enough to be shown.
slow_script() {
	local in=$1
	shift
	{
		printf 'rm -f feed; mkfifo feed\n'
		printf '%q ' "$@"
		printf '<feed >out & pid=$!\n'
		printf 'exec 3>feed; head -n 1 %q >&3\n' "$in"
		# read(0), poll, ppoll, select, pselect6, epoll_wait or epoll_pwait: waiting for input
		printf 'for i in $(seq 1 400); do\n'
		printf '  read -r sc fd _ </proc/$pid/syscall 2>/dev/null || break\n'
		printf '  case "$sc $fd" in "0 0x0"|7\ *|271\ *|23\ *|270\ *|232\ *|281\ *) break;; esac\n'
		printf '  sleep 0.05\ndone\n'
		printf 'sleep 0.6; tail -n +2 %q >&3; exec 3>&-; wait $pid\n' "$in"
	} >slow.sh
}

# on_tty IN CMD...: run it with stderr (and nothing else) on a pseudo-terminal; $output is
# what reached the terminal
on_tty() {
	slow_script "$@"
	run script -qec "bash slow.sh" /dev/null </dev/null
}

# in_pipe IN CMD...: the same with stderr into a pipe; $stderr is what came out
in_pipe() {
	slow_script "$@"
	run --separate-stderr bash -c 'bash slow.sh 2>&1 | cat >&2'
}

# the command's progress line was drawn over itself ("\r<cmd>: ... <N> <what>")
assert_progress() {
	assert_success
	assert_output --regexp $'\r'"$1: .*[0-9]+ $2"
}

assert_silent() {
	assert_success
	assert_equal "$stderr" ""
	[ -s out ]
}

@test "domain-freq: a progress line on a terminal, nothing in a pipe" {
	printf 'example.com\nxkqzvbtr.com\nwikipedia.org\n' >in
	on_tty in domain-freq
	assert_progress domain-freq "records in [0-9.]+ s"
	in_pipe in domain-freq
	assert_silent
	# --train reads a corpus, and counts it
	on_tty in domain-freq --train
	assert_progress domain-freq "lines trained in [0-9.]+ s"
	in_pipe in domain-freq --train
	assert_silent
}

@test "dns-grade: a progress line on a terminal, nothing in a pipe" {
	on_tty "$FIXTURES/dns-grade/scans.ndjson" dns-grade
	assert_progress dns-grade "records in [0-9.]+ s"
	in_pipe "$FIXTURES/dns-grade/scans.ndjson" dns-grade
	assert_silent
}

@test "stats-report: a progress line while reading on a terminal, nothing in a pipe" {
	on_tty "$FIXTURES/stats-report/graded.ndjson" stats-report -F text
	assert_progress stats-report "records read in [0-9.]+ s"
	in_pipe "$FIXTURES/stats-report/graded.ndjson" stats-report -F text
	assert_silent
}

@test "seen-db: a progress line on a terminal, nothing in a pipe; import shows one too" {
	printf 'example.com\nexample.org\nexample.net\n' >in
	on_tty in seen-db
	assert_progress seen-db "records in [0-9.]+ s"
	in_pipe in seen-db
	assert_silent
	# import always ends with its summary line; on a terminal the progress line comes first
	on_tty in seen-db import --tag t
	assert_progress seen-db "names in [0-9.]+ s"
	assert_output --partial "seen-db: '-': 3 names imported, 0 rejected"
}

@test "domain-born: a progress line on a terminal, nothing in a pipe (answers from the store)" {
	printf '{"domain":"%s","seen_by_web":"2001-02-03T00:00:00Z"}\n' a.com b.org c.net |
		seen-db import 2>/dev/null
	printf 'a.com\nb.org\nc.net\n' >in
	on_tty in domain-born --offline
	assert_progress domain-born "done"
	in_pipe in domain-born --offline
	assert_silent
	# --no-progress wins over the terminal, --progress over the pipe
	on_tty in domain-born --offline --no-progress
	assert_output ""
	in_pipe in domain-born --offline --progress
	assert_equal "$(grep -c 'domain-born: 3 done' <<<"$stderr")" 1
}

@test "dns-scan: a progress line on a terminal, nothing in a pipe" {
	# minimal: only names of full.test, the one zone served (Knot refuses the others, and a
	# refused question makes the scan incomplete)
	local scan=(dns-scan -r "$DNS_NET.1:$DNS_PORT" --ns-port "$DNS_PORT" --ns-allow 127.0.0.0/8
		--timeout 2 --profile minimal)
	printf 'full.test\nfull.test\n' >in
	on_tty in "${scan[@]}"
	assert_progress dns-scan "domains"
	in_pipe in "${scan[@]}"
	assert_silent
}

@test "DOMSTAT_PROGRESS=1 forces the line into a pipe, =0 keeps a terminal quiet" {
	printf 'example.com\nexample.org\n' >in
	DOMSTAT_PROGRESS=1 in_pipe in domain-freq
	assert_success
	local cr=$'\r' el=$'\e[K'
	# one redraw or more (a loaded machine may draw after the first record too), then the end
	[[ $stderr =~ ^("$cr"'domain-freq: '[12]' records, '[0-9]+/s"$el")+"$cr"'domain-freq: 2 records in '[0-9.]+' s ('[0-9]+/s")$el"$ ]]
	DOMSTAT_PROGRESS=0 on_tty in domain-freq
	assert_success
	assert_output ""
}

@test "with the output on the same terminal, the line is erased before each record is written" {
	printf 'a.com\nb.com\nc.com\n' >in
	{
		printf '{ head -n 1 in; sleep 0.6; sed -n 2p in; sleep 0.6; tail -n 1 in; } | domain-freq\n'
	} >same.sh
	run -0 script -qec "bash same.sh" /dev/null </dev/null
	# every record is on a line of its own: at the start, or right after the erase sequence
	local esc=$'\e[K' cr=$'\r' n=0 line
	while IFS= read -r line; do
		case $line in
		*'{"domain"'*)
			n=$((n + 1))
			[[ $line == '{"domain"'* || $line == *"$cr$esc"'{"domain"'* ]] || {
				echo "record after the progress text: $line" | cat -v >&2
				return 1
			} ;;
		esac
	done <<<"$output"
	[ "$n" -eq 3 ]
	assert_output --partial "domain-freq: 3 records in"
}
