# SPDX-License-Identifier: ISC
# A recursive resolver (Unbound) on loopback in front of the tests' Knot zones, so tests scan as
# users do: through a validating resolver, never straight at the authoritative server.
#
#   unbound_start ID MODE ADDR PORT ZONE=AUTH@PORT... [-- ANCHOR...]
#       starts unbound on ADDR@PORT and waits until it answers; MODE is one of
#         good      a validating resolver: each ZONE goes to AUTH (stub-zone,
#                   do-not-query-localhost: no); each ANCHOR (a DS record line) is a trust
#                   anchor, so AD comes from validation, and a zone that fails it answers
#                   SERVFAIL with an extended DNS error (RFC 8914, `ede: yes`)
#         refusing  access refused for every client: REFUSED as a bare header, no question
#         sinkhole  every name, even one that cannot exist, has A 192.0.2.66 (a local-zone
#                   redirect at the root), as a resolver that rewrites NXDOMAIN would say
#       List every zone the server hosts, not only the parent: a delegation's NS and glue
#       name port 53, so Unbound would leave the stub for the zone's servers at port 53.
#       Config and log live in $DNS_TMP/unbound-ID (DNS_TMP defaults to BATS_FILE_TMPDIR).
#       One process per mode: Unbound's interface-action cannot refuse on one address only
#       here, since its default access-control for 127.0.0.0/8 wins and every client is
#       127.0.0.1.
#   unbound_stop ID / unbound_stop_all
#
# Unbound sets aside, for a while, an authoritative server that handed it bogus data: serve a
# zone meant to be bogus from a Knot of its own, or the other zones slow down after it.
#
# Nothing leaves 127.0.0.0/8: names outside the stub zones are answered NXDOMAIN by Unbound
# itself (a static local zone at the root), and the root hints name an address of the test's
# own network where nothing listens, so even a priming query stays on loopback.

# The waiting and stopping it shares with Knot's helpers.
declare -F server_stop >/dev/null || source "${BASH_SOURCE[0]%/*}/dns_server.bash"

unbound_start() {
	local id=$1 mode=$2 addr=$3 port=$4
	shift 4
	local dir="${DNS_TMP:-$BATS_FILE_TMPDIR}/unbound-$id"
	mkdir -p "$dir"
	printf '. 3600000 NS a.root-servers.test.\na.root-servers.test. 3600000 A %s.254\n' \
		"${addr%.*}" >"$dir/root.hints"
	{
		printf 'server:\n'
		printf '    directory: "%s"\n    chroot: ""\n    username: ""\n' "$dir"
		printf '    pidfile: "%s/unbound.pid"\n    logfile: "%s/unbound.log"\n' "$dir" "$dir"
		printf '    use-syslog: no\n    verbosity: 1\n    num-threads: 1\n'
		printf '    root-hints: "%s/root.hints"\n' "$dir"
		printf '    do-not-query-localhost: no\n    do-ip6: no\n'
		printf '    ede: yes\n    val-log-level: 2\n'
		printf '    so-reuseport: no\n    outgoing-range: 64\n    num-queries-per-thread: 512\n'
		printf '    msg-cache-size: 4m\n    rrset-cache-size: 4m\n    key-cache-size: 1m\n'
		printf '    neg-cache-size: 1m\n    infra-cache-numhosts: 1000\n'
		printf '    interface: %s@%s\n' "$addr" "$port"
		case $mode in
		good) printf '    local-zone: "." static\n' ;;
		refusing) printf '    access-control: 127.0.0.0/8 refuse\n' ;;
		sinkhole)
			printf '    local-zone: "." redirect\n'
			printf '    local-data: ". 60 IN A 192.0.2.66"\n'
			;;
		*)
			echo "unbound_start: unknown mode '$mode'" >&2
			return 1
			;;
		esac
	} >"$dir/unbound.conf"
	local spec zone first="" i
	local -a stubs=()
	while [ $# -gt 0 ]; do
		spec=$1
		shift
		[ "$spec" = -- ] && break
		zone=${spec%%=*}
		first=${first:-$zone}
		# Unbound's own default zone for test. (RFC 6761) would answer first
		case $mode in
		good) printf '    local-zone: "%s." transparent\n' "$zone" ;;
		sinkhole) printf '    local-zone: "%s." redirect\n    local-data: "%s. 60 IN A 192.0.2.66"\n' "$zone" "$zone" ;;
		esac >>"$dir/unbound.conf"
		stubs+=("$zone" "${spec#*=}")
	done
	for spec in "$@"; do
		printf '    trust-anchor: "%s"\n' "$spec" >>"$dir/unbound.conf"
	done
	for ((i = 0; i < ${#stubs[@]}; i += 2)); do
		printf 'stub-zone:\n    name: "%s."\n    stub-addr: %s\n' "${stubs[i]}" \
			"${stubs[i + 1]}" >>"$dir/unbound.conf"
	done
	if ! unbound-checkconf "$dir/unbound.conf" >"$dir/checkconf.log" 2>&1; then
		cat "$dir/checkconf.log" >&2
		return 1
	fi
	unbound -d -c "$dir/unbound.conf" >"$dir/stdout.log" 2>&1 &
	echo $! >"$dir/pid"
	# any answer will do: the refusing one says REFUSED
	server_wait_up "unbound $id" "$dir" "$addr" "$port" "${first:-test}." 'status: ' \
		"$dir/stdout.log" "$dir/unbound.log"
}

unbound_stop() {
	server_stop "${DNS_TMP:-$BATS_FILE_TMPDIR}/unbound-$1"
}

unbound_stop_all() {
	local d
	for d in "${DNS_TMP:-$BATS_FILE_TMPDIR}"/unbound-*; do
		[ -d "$d" ] && unbound_stop "${d##*/unbound-}"
	done
	return 0
}
