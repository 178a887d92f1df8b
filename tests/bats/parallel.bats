#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# Scale-out with GNU parallel as README and domstat(7) show it: blocks of the input on several
# jobs give what one process gives, with -k or with the merge step; stores merge across hosts.

load helper

setup_file() {
	load dns_server
	knot_start_scan_zones
}

teardown_file() {
	load dns_server
	knot_stop_all
}

setup() {
	setup_isolated
	# every question here is answered: a long timeout costs nothing, and keeps a loaded machine
	# (the sanitizer suite beside the normal one) from turning a slow answer into a timeout that
	# one of the two runs compared would not have
	SCAN="dns-scan -r $DNS_NET.1:$DNS_PORT --ns-port $DNS_PORT --ns-allow 127.0.0.0/8 --timeout 10"
	# a ranked list: answers, NXDOMAIN, SPF walks and loops, names asked twice
	local n i=0
	for n in full.test caa.test chain.spf.test nxdomain.test spf.test redir.spf.test \
		loop.spf.test long.spf.test host.spf.test mail.spf.test sub.caa.test test; do
		i=$((i + 1))
		echo "$i,$n"
		echo "$((i + 100)),$n"
	done | sort -t, -k1,1n >list.csv
}

# The record without what legitimately differs between two scans: when it started, how long it
# and each query took, the order in which queries finished, and the attempts that timed out on
# a loaded machine before an answer came (the answers do not differ).
stable() {
	jq -c 'if .dns then .dns |= (del(.started, .elapsed_ms) |
		.queries |= (map(del(.ms, .failed_attempts)) | sort_by(tojson)) |
		if .https then .https |= map(del(.ms)) else . end) else . end'
}

# The number of jobs parallel ran, from its --joblog.
jobs_run() {
	tail -n +2 "$1" | wc -l
}

@test "dns-scan | dns-grade in 4 jobs without -k: the same records as one process, once sorted" {
	$SCAN <list.csv | dns-grade | stable | sort >single
	parallel --will-cite --pipe -N 4 -j 4 --joblog jl "$SCAN | dns-grade" <list.csv | stable >par
	[ "$(jobs_run jl)" -eq 6 ]
	[ "$(count_lines single)" -eq 24 ]
	sort par | diff single -
	# the grades themselves were computed (not just passed through); the domain that does not
	# exist has none
	jq -e -s 'all(.[]; (.grades.overall | type == "number") or
		(.domain == "nxdomain.test" and .facts.exists == false))' par
}

@test "the merge step: sorting on the rank restores one process's order exactly" {
	$SCAN <list.csv | stable >single
	parallel --will-cite --pipe -N 3 -j 4 --joblog jl $SCAN <list.csv >par
	[ "$(jobs_run jl)" -eq 8 ]
	# records start with the list's own members, {"rank":N,...: sort numerically on N
	sort -t, -s -k1.9,1n par | stable >merged
	diff single merged
	# with -k parallel does the merge itself
	parallel --will-cite --pipe -k -N 5 -j 4 $SCAN <list.csv | stable >kept
	diff single kept
}

@test "--sshlogin (here the local host ':', two slots): blocks come back in order with -k" {
	$SCAN <list.csv | stable >single
	parallel --will-cite --pipe -k -N 4 --sshlogin 2/: --joblog jl $SCAN <list.csv | stable >par
	[ "$(jobs_run jl)" -eq 6 ]
	diff single par
}

# An sshd of our own on a loopback port, as two "hosts": ssh aliases scan1 and scan2 for it in
# $SSH_DIR/ssh_config, with throwaway host and user keys. Its sessions find the build's commands
# on PATH, as they would on hosts where domstat is installed.
start_sshd() {
	SSH_DIR="$BATS_TEST_TMPDIR/ssh"
	mkdir -p "$SSH_DIR"
	local d=$SSH_DIR port bin
	bin=$(cd "$(dirname "$(command -v dns-scan)")" && pwd)
	ssh-keygen -q -t ed25519 -N '' -f "$d/host_key"
	ssh-keygen -q -t ed25519 -N '' -f "$d/user_key"
	cp "$d/user_key.pub" "$d/authorized_keys"
	echo "domstat-test-sshd $(cat "$d/host_key.pub")" >"$d/known_hosts"
	# as root, sshd wants its privilege separation folder (made at boot where it runs as a
	# service); as another user it runs without one
	if [ "$(id -u)" = 0 ]; then mkdir -p /run/sshd; fi
	export PARALLEL_SSH="ssh -F $d/ssh_config"
	# a free port found now may be taken before sshd binds it (by any client socket beside
	# this test): when sshd exits, try again on another
	local try i
	for try in 1 2 3 4 5; do
		port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
		cat >"$d/sshd_config" <<-EOF
		ListenAddress 127.0.0.1:$port
		HostKey $d/host_key
		PidFile $d/sshd.pid
		AuthorizedKeysFile $d/authorized_keys
		AuthenticationMethods publickey
		PasswordAuthentication no
		KbdInteractiveAuthentication no
		UsePAM no
		StrictModes no
		PermitRootLogin prohibit-password
		KexAlgorithms curve25519-sha256
		SetEnv PATH=$bin:/usr/bin:/bin HOME=$d
		EOF
		cat >"$d/ssh_config" <<-EOF
		Host scan1 scan2
			HostName 127.0.0.1
			Port $port
			User $(id -un)
			IdentityFile $d/user_key
			IdentitiesOnly yes
			HostKeyAlias domstat-test-sshd
			UserKnownHostsFile $d/known_hosts
			StrictHostKeyChecking yes
			KexAlgorithms curve25519-sha256
			BatchMode yes
			LogLevel ERROR
		EOF
		"$SSHD" -D -f "$d/sshd_config" -E "$d/sshd.log" &
		SSHD_PID=$!
		for i in $(seq 1 300); do
			ssh -F "$d/ssh_config" scan1 true 2>/dev/null && return 0
			kill -0 "$SSHD_PID" 2>/dev/null || break
			sleep 0.1
		done
		kill "$SSHD_PID" 2>/dev/null || true
		wait "$SSHD_PID" 2>/dev/null || true
	done
	cat "$d/sshd.log" >&2
	return 1
}

teardown() {
	if [ -n "${SSHD_PID:-}" ]; then
		kill "$SSHD_PID" 2>/dev/null || true
		wait "$SSHD_PID" 2>/dev/null || true
	fi
}

@test "README's multi-host recipe through a real sshd, two hosts and this one: the output of one process" {
	SSHD=$(command -v sshd || echo /usr/sbin/sshd)
	[ -x "$SSHD" ] || skip "no sshd (Debian package openssh-server)"
	command -v ssh >/dev/null || skip "no ssh client"
	# the recipe exactly as README gives it (joined where a line ends in a backslash), the same
	# wherever README shows it
	recipes=$(awk '/\\$/ { sub(/\\$/, ""); printf "%s", $0; next } { print }' "$TOP/README.md" |
		sed -n 's/^ *\(parallel .*--sshlogin .*dns-scan.*| dns-grade.*\)$/\1/p' | tr -s ' ' | sort -u)
	[ "$(wc -l <<<"$recipes")" -eq 1 ]
	assert_equal "$recipes" 'parallel --pipe --block 1M --keep-order --sshlogin 8/scan1,8/scan2,4/: dns-scan -c 500 < top-1m.csv | dns-grade > graded.ndjson'
	start_sshd
	mkdir -p "$HOME/.parallel" && touch "$HOME/.parallel/will-cite"
	cp list.csv top-1m.csv
	# small blocks, so that each host gets some; dns-scan asks the loopback DNS server
	cmd=${recipes//--block 1M/--block 100 --joblog jl}
	cmd=${cmd//dns-scan -c 500/$SCAN -c 500}
	sh -c "$cmd"
	# every "host" ran blocks, and the output is one process's
	run -0 awk -F'\t' 'NR > 1 { print $2 }' jl
	assert_line scan1
	assert_line scan2
	assert_line :
	# with 500 queries in flight a loaded machine drops some and dns-scan asks again: the
	# attempts that timed out differ between runs, not the answers
	$SCAN -c 500 <list.csv | dns-grade | stable | jq -c 'del(.dns.queries[]?.failed_attempts)' >single
	stable <graded.ndjson | jq -c 'del(.dns.queries[]?.failed_attempts)' >par
	[ "$(count_lines single)" -eq 24 ]
	cmp single par
}

@test "domain-freq with --keep-order and small blocks is byte for byte one process's output" {
	for _ in $(seq 1 15); do cat "$TOP/share/examples/eve-dns.ndjson"; done >eve
	printf 'plain.example.org\n\n{"domain":"qwxzvbnm.biz"}\n{broken\n' >>eve
	domain-freq -f dns.rrname <eve >single 2>/dev/null || true
	parallel --will-cite --pipe --keep-order --block 4k -j 4 --joblog jl \
		'domain-freq -f dns.rrname 2>/dev/null; true' <eve >par
	[ "$(jobs_run jl)" -gt 4 ]
	[ "$(count_lines single)" -eq "$(count_lines eve)" ]
	cmp single par
}

@test "stores of two hosts merge with export | import: union, earliest first sighting, no alerts" {
	printf 'alpha-host.org\nshared-host.org\n' | seen-db --db a.db >/dev/null
	sleep 1 # a later first sighting on the second host
	printf 'beta-host.org\nshared-host.org\n' | seen-db --db b.db >/dev/null
	first_a=$(seen-db --db a.db get shared-host.org | jq -r .first_seen)
	first_b=$(seen-db --db b.db get shared-host.org | jq -r .first_seen)
	[ "$first_a" \< "$first_b" ]
	# on a real pair of hosts: ssh host-a seen-db export | seen-db import
	seen-db --db a.db export | seen-db --db b.db import 2>/dev/null
	run -0 jq -r .domain < <(seen-db --db b.db export)
	assert_output "$(printf 'alpha-host.org\nbeta-host.org\nshared-host.org')"
	assert_equal "$(seen-db --db b.db get shared-host.org | jq -r .first_seen)" "$first_a"
	# names the other host saw are known now: only a new one is a first contact
	printf 'alpha-host.org\nbeta-host.org\nnew-host.org\n' | seen-db --db b.db >out
	run jq -r 'select(.alerts) | .domain' out
	assert_output new-host.org
}
