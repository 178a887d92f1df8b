# SPDX-License-Identifier: ISC
# Authoritative DNS servers (Knot DNS) on loopback for tests: dns-scan's and dns-grade's.
#
#   dns_pick_net                 sets DNS_NET (a random 127.a.b prefix) and DNS_PORT (a high port)
#   dns_zone_file SRC DST        copies a zone file, replacing @NS1@ @NS2@ @NS3@ by
#                                $DNS_NET.1 .2 .3
#   knot_start ID ADDR PORT ZONE=FILE...
#                                starts knotd for those zones on ADDR@PORT (UDP and TCP) and
#                                waits until it answers; config, database and log live in
#                                $DNS_TMP/ID (DNS_TMP defaults to BATS_FILE_TMPDIR)
#   knot_stop ID / knot_stop_all stops it / every server this file started
#   knot_start_scan_zones        picks the net and starts "main" with the zones whole scans use
#                                (test, full.test and its _msdcs, spf.test, caa.test)
#
# Typical use, once per .bats file:
#   setup_file() { load dns_server; dns_pick_net; knot_start main "$DNS_NET.1" "$DNS_PORT" ...; }
#   teardown_file() { load dns_server; knot_stop_all; }
# Everything binds 127.0.0.0/8 only; nothing reaches the internet.

ZONES="${ZONES:-$(cd "$BATS_TEST_DIRNAME/../zones" 2>/dev/null && pwd)}"

dns_pick_net() {
	# other test files (and engineers) may run servers at the same time: spread out. The port
	# stays below Linux's ephemeral range (32768 up): the client sockets of every scan and
	# kdig running beside this file, and the servers on port 0, take their ports from there,
	# and one of them holding this port would keep the server from binding it
	DNS_NET="127.$((RANDOM % 200 + 20)).$((RANDOM % 250 + 1))"
	DNS_PORT=$((RANDOM % 12000 + 20000))
	export DNS_NET DNS_PORT
}

dns_zone_file() {
	sed -e "s/@NS1@/$DNS_NET.1/g" -e "s/@NS2@/$DNS_NET.2/g" -e "s/@NS3@/$DNS_NET.3/g" "$1" >"$2"
}

# server_wait_up WHAT DIR ADDR PORT QNAME PATTERN LOG...: wait until the server whose pid is in
# DIR/pid answers an SOA query for QNAME at ADDR@PORT with a status line matching PATTERN (grep
# -E); when it exits, or after 10 s, print WHAT and its LOG files and fail.
server_wait_up() {
	local what=$1 dir=$2 addr=$3 port=$4 qname=$5 pattern=$6 i
	shift 6
	for i in $(seq 1 100); do
		if kdig +retry=0 +timeout=1 -p "$port" "@$addr" SOA "$qname" 2>/dev/null |
			grep -qE "$pattern"; then
			return 0
		fi
		kill -0 "$(cat "$dir/pid")" 2>/dev/null || break
		sleep 0.1
	done
	echo "$what did not start on $addr@$port:" >&2
	cat "$@" >&2 2>/dev/null
	return 1
}

# server_stop DIR: stop the server whose pid is in DIR/pid (TERM, then KILL after 5 s).
server_stop() {
	local dir=$1 pid i
	[ -f "$dir/pid" ] || return 0
	pid=$(cat "$dir/pid")
	kill "$pid" 2>/dev/null || true
	for i in $(seq 1 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -9 "$pid" 2>/dev/null || true
	rm -f "$dir/pid"
}

knot_start() {
	local id=$1 addr=$2 port=$3
	shift 3
	local dir="${DNS_TMP:-$BATS_FILE_TMPDIR}/knot-$id"
	mkdir -p "$dir/zones" "$dir/db"
	{
		printf 'server:\n    rundir: "%s"\n    listen: %s@%s\n' "$dir" "$addr" "$port"
		printf '    udp-workers: 1\n    tcp-workers: 1\n    background-workers: 1\n'
		printf 'database:\n    storage: "%s/db"\n' "$dir"
		printf 'log:\n  - target: "%s/knot.log"\n    any: warning\n' "$dir"
		printf 'template:\n  - id: default\n    storage: "%s/zones"\n' "$dir"
		printf '    zonefile-sync: -1\n    journal-content: none\n    zonefile-load: whole\n'
		printf 'zone:\n'
	} >"$dir/knot.conf"
	local first="" z spec
	for spec in "$@"; do
		z=${spec%%=*}
		dns_zone_file "${spec#*=}" "$dir/zones/$z.zone" || return 1
		printf '  - domain: "%s."\n    file: "%s/zones/%s.zone"\n' "$z" "$dir" "$z" >>"$dir/knot.conf"
		first=${first:-$z}
	done
	knotd -c "$dir/knot.conf" >"$dir/stdout.log" 2>&1 &
	echo $! >"$dir/pid"
	server_wait_up "knotd $id" "$dir" "$addr" "$port" "$first." 'status: NOERROR' \
		"$dir/stdout.log" "$dir/knot.log"
}

knot_stop() {
	server_stop "${DNS_TMP:-$BATS_FILE_TMPDIR}/knot-$1"
}

knot_stop_all() {
	local d
	for d in "${DNS_TMP:-$BATS_FILE_TMPDIR}"/knot-*; do
		[ -d "$d" ] && knot_stop "${d##*/knot-}"
	done
	return 0
}

# dns_sign_zone ZONE IN OUT: sign IN (a finished zone file) with fresh ECDSA P-256 keys (a KSK
# and a ZSK) and NSEC3 (salt AB12, 1 iteration) into OUT; print the DS record of the KSK.
dns_sign_zone() {
	local zone=$1 in=$2 out=$3 dir
	dir=$(mktemp -d "${DNS_TMP:-$BATS_FILE_TMPDIR}/keys.XXXXXX") || return 1
	(
		cd "$dir" || exit 1
		ksk=$(ldns-keygen -a ECDSAP256SHA256 -k "$zone") || exit 1
		zsk=$(ldns-keygen -a ECDSAP256SHA256 "$zone") || exit 1
		ldns-signzone -n -s ab12 -t 1 -f "$out" "$in" "$zsk" "$ksk" >/dev/null || exit 1
		cat "$ksk.ds"
	)
}

knot_start_scan_zones() {
	dns_pick_net
	knot_start main "$DNS_NET.1" "$DNS_PORT" test="$ZONES/test.zone" \
		full.test="$ZONES/full.test.zone" _msdcs.full.test="$ZONES/_msdcs.full.test.zone" \
		spf.test="$ZONES/spf.test.zone" caa.test="$ZONES/caa.test.zone"
}
