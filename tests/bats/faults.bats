#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# Faults from outside, with real servers on loopback, that the commands' own suites do not
# cover. In every case: one output line per input line, in order; the per-record error as
# domstat(7) and the man pages document it, named on stderr with the line number; the
# documented exit status; no crash, no hang (every run is under timeout(1)), bounded memory.
#  - seen-db: a full filesystem, a read-only filesystem, a truncated database file, a lock held
#    during an import, and kill -9 loops. A small filesystem is a tmpfs when this runs as root
#    and mounting is allowed, else a file size limit (ulimit -f).
#  - dns-scan against tests/dns_responder.py in its "faults" mode (late answers, SERVFAIL,
#    REFUSED, wrong questions, no question, compression loops, oversized UDP answers, TC=1 with
#    a TCP side that resets, lies about the length or hangs, 64 KB TCP answers).
#  - domain-born against tests/rdap-server.py (resets, silence, slow drip, 2 GiB bodies,
#    gzip bombs, redirect loops and redirects that sneak back to loopback, invalid TLS,
#    Retry-After forms, invalid UTF-8, deep nesting) and kill -9 loops on its cache.
load helper

PY=$(command -v /usr/bin/python3 || command -v python3)

# start_bg NAME CMD...: run a server in the background; its pid goes to $BATS_FILE_TMPDIR/NAME.pid
start_bg() {
	local name=$1
	shift
	"$@" >"$BATS_FILE_TMPDIR/$name.out" 2>&1 3>&- &
	echo $! >"$BATS_FILE_TMPDIR/$name.pid"
}

stop_bg() {
	local f="$BATS_FILE_TMPDIR/$1.pid"
	[ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null
	rm -f "$f"
	return 0
}

setup_file() {
	local d="$BATS_FILE_TMPDIR" i
	[ -n "$PY" ] || return 0
	# the DNS responder: a random 127.a.b.5 and high port (others may run servers too)
	for i in 1 2 3 4 5; do
		DNS_ADDR="127.$((RANDOM % 200 + 20)).$((RANDOM % 250 + 1)).5"
		DNS_PORT=$((RANDOM % 12000 + 20000)) # below the ephemeral range (dns_pick_net)
		start_bg dns "$PY" "$TOP/tests/dns_responder.py" "$DNS_ADDR" "$DNS_PORT" faults
		for _ in $(seq 300); do
			grep -q ready "$d/dns.out" 2>/dev/null && break 2
			kill -0 "$(cat "$d/dns.pid")" 2>/dev/null || break
			sleep 0.1
		done
		stop_bg dns
	done
	export DNS_ADDR DNS_PORT
	# RDAP: two plain servers, and TLS servers with certificates made now
	start_rdap main
	start_rdap alt
	if command -v openssl >/dev/null; then
		mkcert "$d" self 2 -x509
		start_rdap tls-self --tls-cert "$d/self.pem" --tls-key "$d/self.key"
		# a CA of our own, a certificate for another name and one already expired
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
			-subj /CN=faults-ca -keyout "$d/ca.key" -out "$d/ca.pem" >/dev/null 2>&1
		mkcert "$d" other 2 "" "DNS:other.example" && start_rdap tls-other \
			--tls-cert "$d/other.pem" --tls-key "$d/other.key"
		mkcert "$d" expired 0 && start_rdap tls-expired \
			--tls-cert "$d/expired.pem" --tls-key "$d/expired.key"
		mkcert "$d" good 2 && start_rdap tls-good \
			--tls-cert "$d/good.pem" --tls-key "$d/good.key"
	fi
	for i in main alt tls-self tls-other tls-expired tls-good; do
		[ ! -e "$d/rdap-$i.pid" ] || wait_port "$i" || stop_bg "rdap-$i"
	done
	local m
	m=$(rdap_port main)
	printf '{"version":"1.0","services":[[["com"],["http://127.0.0.1:%s/rdap/"]]]}\n' "$m" \
		>"$d/bs.json"
	cp "$d/bs.json" "$d/served.json"
}

# mkcert DIR NAME DAYS [-x509 | "" [SAN]]: a P-256 key and certificate for 127.0.0.1, self-signed
# with -x509, else signed by DIR/ca.pem; DAYS 0 makes one that expires at once.
mkcert() {
	local d=$1 n=$2 days=$3 how=${4:-} san=${5:-IP:127.0.0.1,DNS:localhost}
	if [ "$how" = -x509 ]; then
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
			-days "$days" -subj /CN=localhost -addext "subjectAltName=$san" \
			-keyout "$d/$n.key" -out "$d/$n.pem" >/dev/null 2>&1
		return
	fi
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=localhost \
		-keyout "$d/$n.key" -out "$d/$n.csr" >/dev/null 2>&1 &&
		printf 'subjectAltName=%s\n' "$san" >"$d/$n.ext" &&
		openssl x509 -req -in "$d/$n.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" \
			-CAcreateserial -days "$days" -extfile "$d/$n.ext" -out "$d/$n.pem" >/dev/null 2>&1
}

# start_rdap NAME [options]: start tests/rdap-server.py; its port goes to
# $BATS_FILE_TMPDIR/NAME.port (wait_port NAME waits for it)
start_rdap() {
	local n=$1 d="$BATS_FILE_TMPDIR"
	shift
	rm -f "$d/$n.port"
	start_bg "rdap-$n" "$PY" "$TOP/tests/rdap-server.py" --port-file "$d/$n.port" \
		--log "$d/$n.log" --bootstrap-file "$d/served.json" "$@"
}

wait_port() {
	local n=$1 d="$BATS_FILE_TMPDIR"
	for _ in $(seq 600); do
		[ -s "$d/$n.port" ] && return 0
		sleep 0.05
	done
	echo "rdap-server $n did not start:" >&2
	cat "$d/rdap-$n.out" >&2
	return 1
}

rdap_port() { head -1 "$BATS_FILE_TMPDIR/$1.port"; }

teardown_file() {
	local f
	for f in "$BATS_FILE_TMPDIR"/*.pid; do
		[ -e "$f" ] && stop_bg "$(basename "$f" .pid)"
	done
	return 0
}

setup() {
	setup_isolated
	MNT=""
}

teardown() {
	if [ -n "$MNT" ] && mountpoint -q "$MNT"; then
		umount "$MNT" || umount -l "$MNT"
	fi
	return 0
}

# small_fs KiB: a fresh tmpfs of that size at $MNT, or return 1 when mounting is not allowed.
small_fs() {
	MNT="$BATS_TEST_TMPDIR/mnt"
	mkdir -p "$MNT"
	[ "$(id -u)" = 0 ] && mount -t tmpfs -o "size=${1}k,mode=0755" tmpfs "$MNT" 2>/dev/null ||
		{ MNT=""; return 1; }
}

names() { # names PREFIX N
	awk -v p="$1" -v n="$2" 'BEGIN { for (i = 1; i <= n; i++) printf "%s%d.com\n", p, i }'
}

integrity() {
	[ -e "$1" ] || return 0 # killed before it created the store
	run -0 sqlite3 "$1" 'PRAGMA integrity_check'
	assert_output ok
}

@test "a full filesystem: the failing line is reported not-stored, exit 2, store sound, re-run completes" {
	# enough names to outgrow 1 MiB (about 50 bytes each in the store and its log)
	names full 50000 >in
	if small_fs 1024; then
		db="$MNT/s.db"
		run -2 --separate-stderr seen-db --db "$db" <in
	else
		db="$BATS_TEST_TMPDIR/s.db"
		run -2 --separate-stderr bash -c "trap '' XFSZ; ulimit -f 400; exec seen-db --db '$db'" <in
	fi
	n=${#lines[@]}
	[ "$n" -gt 1 ]
	[ "$n" -lt 50000 ]
	# the last line is the failing record, named on stderr with the store and the cause, before
	# the lines of its batch that were read after it
	at=$(grep -n ': not stored: ' <<<"$stderr" | cut -d: -f1)
	[ "$(wc -w <<<"$at")" -eq 1 ]
	msg=$(sed -n "${at}p" <<<"$stderr")
	[[ "$msg" == "seen-db: line $n: not stored: cannot write to '$db': "* ]]
	[[ "$msg" == *"disk full"* || "$msg" == *"I/O error"* ]]
	either=$(grep -n 'were not stored either$' <<<"$stderr" | cut -d: -f1)
	[ -z "$either" ] || [ "$either" -gt "$at" ]
	[ "$(tail -n 1 <<<"$stderr")" = "$(sed -n "${either:-$at}p" <<<"$stderr")" ]
	jq -e --arg d "full$n.com" '.domain == $d and .errors[0].code == "not-stored"' <<<"${lines[n - 1]}" >/dev/null
	# every earlier line came out in order as a first contact, and is in the store
	for i in 1 $((n / 2)) $((n - 1)); do
		jq -e --arg d "full$i.com" '.domain == $d and (.alerts | index("YOUR-FIRST-CONTACT"))' <<<"${lines[i - 1]}" >/dev/null
	done
	integrity "$db"
	run -0 sqlite3 "$db" 'SELECT count(*) FROM seen'
	assert_output "$((n - 1))"
	# with room again, the run completes and only the names not stored alert
	cp "$db" big.db
	[ ! -e "$db-wal" ] || cp "$db-wal" big.db-wal
	run -0 seen-db --db big.db <in
	[ "${#lines[@]}" -eq 50000 ]
	[ "$(grep -c YOUR-FIRST-CONTACT <<<"$output")" -eq $((50000 - n + 1)) ]
	integrity big.db
}

@test "an import into a full filesystem ends with exit 2 naming the store; what it committed stays sound" {
	names imp 50000 >list.txt
	if small_fs 1024; then
		db="$MNT/i.db"
		run -2 --separate-stderr seen-db --db "$db" import list.txt
	else
		db="$BATS_TEST_TMPDIR/i.db"
		run -2 --separate-stderr bash -c "trap '' XFSZ; ulimit -f 400; exec seen-db --db '$db' import list.txt"
	fi
	[[ "$stderr" == *"'$db'"* ]]
	[[ "$stderr" == *"disk full"* || "$stderr" == *"I/O error"* ]]
	integrity "$db"
	cp "$db" big.db
	[ ! -e "$db-wal" ] || cp "$db-wal" big.db-wal
	run -0 seen-db --db big.db import list.txt
	run -0 sqlite3 big.db 'SELECT count(*) FROM seen'
	assert_output 50000
}

@test "a store on a read-only filesystem: the filter exits 2 with the file named, the readers read it" {
	small_fs 4096 || skip "needs root and mount (tmpfs)"
	db="$MNT/r.db"
	run -0 seen-db --db "$db" <<<"example.com"
	mount -o remount,ro "$MNT"
	run -2 --separate-stderr seen-db --db "$db" <<<"$(printf 'example.com\nnew.com')"
	assert_equal "$output" ""
	assert_equal "$stderr" "seen-db: cannot open '$db': the store is read-only (no write permission)"
	# not even root can make the WAL's side files there: get, stats, export and stats-report
	# read the store as it is
	run -0 --separate-stderr seen-db --db "$db" get example.com
	assert_output --partial '"domain":"example.com"'
	run -0 --separate-stderr seen-db --db "$db" stats
	assert_output --partial '"domains":1,'
	run -0 --separate-stderr seen-db --db "$db" export
	assert_output --regexp '^\{"domain":"example.com",'
	run -0 --separate-stderr stats-report -F json --store "$db"
	assert_equal "$(jq -r .figures.store_file.items[0].count <<<"$output")" 1
	[ ! -e "$db-wal" ]
}

@test "a truncated store file is refused or still works: never a crash, never a lost line" {
	awk 'BEGIN { for (i = 1; i <= 5000; i++) printf "%d,t%d.org\n", i, i }' >t.csv
	run -0 seen-db --db t.db import t.csv
	sqlite3 t.db 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
	size=$(stat -c %s t.db)
	printf 't1.org\nt4999.org\nnew.org\n' >in
	for pct in 99 90 50 10 1 0; do
		cp t.db cut.db
		truncate -s $((size * pct / 100)) cut.db
		run --separate-stderr seen-db --db cut.db <in
		if [ "$status" -eq 2 ]; then
			assert_equal "$output" ""
			[[ "$stderr" == "seen-db: cannot open 'cut.db': "* ]]
		else
			# the part that is left still answers: one line per input line
			[ "$status" -le 1 ]
			[ "${#lines[@]}" -eq 3 ]
		fi
		rm -f cut.db cut.db-wal cut.db-shm
	done
}

@test "an import against a store locked by another process ends with exit 2 naming the lock" {
	run -0 seen-db --db l.db <<<"first.com"
	names lock 1000 >list.txt
	mkfifo hold
	sqlite3 l.db <hold &
	exec 7>hold
	# sqlite3 says when it holds the lock (however slow the machine is to start it)
	printf '%s\n' 'BEGIN EXCLUSIVE; INSERT INTO counters VALUES ("lock", 1);' '.shell touch locked' >&7
	for _ in $(seq 1 600); do [ -e locked ] && break; sleep 0.05; done
	[ -e locked ]
	DOMSTAT_BUSY_TIMEOUT=300 run -2 --separate-stderr seen-db --db l.db import list.txt
	exec 7>&-
	wait
	[[ "$stderr" == *"'l.db'"* && "$stderr" == *locked* ]]
	integrity l.db
	run -0 seen-db --db l.db import list.txt
	run -0 sqlite3 l.db 'SELECT count(*) FROM seen'
	assert_output 1001
}

@test "kill -9 of the filter 20 times (8 on the sanitizer build): every name it wrote out is stored, the store stays sound" {
	local rounds=20
	! sanitized || rounds=8
	for it in $(seq 1 $rounds); do
		names "k$it-" 30000 >in
		seen-db --db k.db <in >out 2>/dev/null &
		pid=$!
		sleep "0.$((RANDOM % 3 + 1))"
		kill -9 "$pid" 2>/dev/null || true # it may have finished already: the checks still hold
		wait "$pid" || true
		integrity k.db
		# complete lines only: the last one may have been cut by the kill
		grep -o '^{"domain":"k[0-9]*-[0-9]*\.com".*}$' out | jq -r .domain | sort >emitted || true
		sqlite3 k.db "SELECT domain FROM seen WHERE domain LIKE 'k$it-%'" 2>/dev/null | sort >stored
		missing=$(comm -23 emitted stored | head -n 3)
		[ -z "$missing" ] || { echo "iteration $it: written out but not stored: $missing"; return 1; }
	done
}

@test "kill -9 of an import 20 times (8 on the sanitizer build): the stored count never drops and a last run completes" {
	awk 'BEGIN { for (i = 1; i <= 200000; i++) printf "%d,m%d.net\n", i, i }' >big.csv
	local rounds=20
	! sanitized || rounds=8
	prev=0
	for it in $(seq 1 $rounds); do
		seen-db --db m.db import big.csv 2>/dev/null &
		pid=$!
		sleep "0.$((RANDOM % 3 + 1))"
		kill -9 "$pid" 2>/dev/null || true # it may have finished already: the checks still hold
		wait "$pid" || true
		integrity m.db
		n=$(sqlite3 m.db 'SELECT count(*) FROM seen' 2>/dev/null || echo 0)
		[ "$n" -ge "$prev" ] || { echo "iteration $it: $n rows after $prev"; return 1; }
		prev=$n
	done
	run -0 seen-db --db m.db import big.csv
	run -0 sqlite3 m.db 'SELECT count(*) FROM seen; PRAGMA integrity_check'
	assert_output "$(printf '200000\nok')"
}

# ---- DNS: dns-scan against tests/dns_responder.py (faults mode) ----

need_dns() {
	[ -n "${DNS_ADDR:-}" ] || skip "needs python3 for the DNS responder"
	[ -f "$BATS_FILE_TMPDIR/dns.pid" ] || skip "the DNS responder did not start"
}

# scan [options]: dns-scan asking only A of each name of the responder, 1.4 s a query in all
# (attempts of 200, 400 and 800 ms), under timeout(1) so a hang fails the test.
scan() {
	timeout 60 dns-scan -r "$DNS_ADDR:$DNS_PORT" --types A --timeout 1.4 --retries 2 --stats "$@"
}

# the names in an output file, one a line: the domain, the raw line, or "" for a blank line
out_names() {
	sed 's/^$/{}/' "$1" | jq -r '.domain // .raw // ""'
}

# same_names IN OUT: OUT has one line per line of IN, in order (domain or raw member)
same_names() {
	[ "$(count_lines "$1")" -eq "$(count_lines "$2")" ] || {
		echo "$(count_lines "$1") lines in, $(count_lines "$2") out"
		return 1
	}
	diff "$1" <(out_names "$2")
}

# qf OUT LINE FILTER: FILTER applied to the single query of record LINE
qf() {
	sed -n "${2}p" "$1" | jq -r ".dns.queries[0] | $3"
}

# stat_n TEXT: the number after TEXT in the --stats summary on $stderr
stat_n() {
	sed -n "s/.*$1 \([0-9]*\).*/\1/p" <<<"$stderr"
}

# peak_kb FILE CMD...: run CMD (stdin and stdout passed on), write its peak RSS in KiB to FILE,
# return its status
peak_kb() {
	local f=$1
	shift
	"$PY" -c 'import resource, subprocess, sys
rc = subprocess.call(sys.argv[2:])
open(sys.argv[1], "w").write("%d\n" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(rc)' "$f" "$@"
}

@test "DNS: SERVFAIL and REFUSED are answers with their rcode, asked again, and the domain failed" {
	need_dns
	printf 'servfail-%s.test\nrefused-%s.test\nok-%s.test\nrefusednoq-%s.test\n' $BATS_TEST_NUMBER{,,,} >in
	run -1 --separate-stderr scan <in
	echo "$output" >out
	same_names in out
	# the last answer is kept; each of the three attempts (--retries 2) is named
	assert_equal "$(qf out 1 '"\(.rcode) \(.error) \(.answer | length) \([.failed_attempts[].cause] | join(","))"')" "SERVFAIL null 0 servfail,servfail,servfail"
	assert_equal "$(qf out 2 '"\(.rcode) \(.error) \(.answer | length) \([.failed_attempts[].cause] | join(","))"')" "REFUSED null 0 refused,refused,refused"
	assert_equal "$(qf out 3 '"\(.rcode) \(.answer[0].address) \(.failed_attempts)"')" "NOERROR 192.0.2.1 null"
	# a bare REFUSED header (no question) is that server's answer, not a spoofing attempt
	assert_equal "$(qf out 4 '"\(.rcode) \(.error)"')" "REFUSED null"
	# a SERVFAIL is asked once more with CD=1, its answer inside the first one's object
	assert_equal "$(qf out 1 .cd_retry.rcode)" SERVFAIL
	assert_equal "$(qf out 2 .cd_retry)" null
	run -0 jq -r '[.dns.status, .dns.failed.servfail, .dns.failed.refused, (.errors[0].code // "-")] | @tsv' out
	assert_output "$(printf 'failed\t1\t0\tdns-incomplete\nfailed\t0\t1\tdns-incomplete\nok\t0\t0\t-\nfailed\t0\t1\tdns-incomplete')"
	[[ "$stderr" == *"dns-scan: line 1: 1 of 1 queries failed (see dns.failed)"* ]]
	# final answers: the SERVFAIL and its CD=1 question, two REFUSED; 8 attempts moved on
	[[ "$stderr" == *"SERVFAIL 2, REFUSED 2"* ]]
	[[ "$stderr" == *"asked again after SERVFAIL or REFUSED 8"* ]]
	[ "$(stat_n 'wrong ID or question')" -eq 0 ]
}

@test "DNS: a late answer is dropped and the retry answers; answers later than the whole timeout end as timeout" {
	need_dns
	n=$BATS_TEST_NUMBER
	printf 'delay1-%s.test\ndelayall-%s.test\n' $n $n >in
	run -1 --separate-stderr scan <in
	echo "$output" >out
	same_names in out
	# 0.5 s late: the first attempt (200 ms) timed out, the retry got the answer at once
	assert_equal "$(qf out 1 '"\(.rcode) \(.answer[0].address) \(.error)"')" "NOERROR 192.0.2.1 null"
	run jq -r '.dns.queries[0].ms < 1400' <(sed -n 1p out)
	assert_output true
	# 3 s late, past the 1.4 s of all attempts: timeout, and the record has dns-no-answer
	assert_equal "$(qf out 2 '"\(.rcode) \(.error)"')" "null timeout"
	assert_equal "$(sed -n 2p out | jq -r '.errors[0].code')" dns-no-answer
	[[ "$stderr" == *"dns-scan: line 2: no answer to any of 1 queries"* ]]
	[[ "$stderr" != *"line 1:"* ]]
	# the late answer to the first attempt came while the scan still ran: dropped, counted
	[ "$(stat_n 'wrong ID or question')" -ge 1 ]
}

@test "DNS: wrong or missing questions are dropped and counted; compression loops and oversized UDP answers are malformed" {
	need_dns
	n=$BATS_TEST_NUMBER
	for k in otherq noq ok ptrloop ptrloop2 big huge; do echo "$k-$n.test"; done >in
	run -1 --separate-stderr scan <in
	echo "$output" >out
	same_names in out
	# an answer to another question, or one without a question section, never counts: the
	# query times out and the record has dns-no-answer
	assert_equal "$(qf out 1 .error)" timeout
	assert_equal "$(qf out 2 .error)" timeout
	assert_equal "$(sed -n 2p out | jq -r '.errors[0].code')" dns-no-answer
	assert_equal "$(qf out 3 '"\(.rcode) \(.answer[0].address)"')" "NOERROR 192.0.2.1"
	# a compression pointer to itself, or back to its own label: cannot be parsed
	assert_equal "$(qf out 4 .error)" malformed
	assert_equal "$(qf out 5 .error)" malformed
	# 3000 bytes although the query said 1232: taken as it is, all 190 records
	assert_equal "$(qf out 6 '"\(.rcode) \(.tc) \(.tcp) \(.answer | length)"')" "NOERROR false false 190"
	assert_equal "$(qf out 6 '.answer[189].address')" 10.0.0.189
	# 20000 bytes: cut by the receive buffer, so it cannot be read
	assert_equal "$(qf out 7 '"\(.error) \(.detail)"')" "malformed UDP answer larger than 8192 bytes"
	for i in 1 2 4 5 7; do
		[[ "$stderr" == *"dns-scan: line $i: no answer to any of 1 queries"* ]]
	done
	[ "$(grep -c ': line [0-9]*: ' <<<"$stderr")" -eq 5 ]
	# three attempts each, each answered wrongly once (6) or unreadably once (9); an answer
	# that comes after its attempt timed out counts as a wrong ID instead
	wrong=$(stat_n 'wrong ID or question') bad=$(stat_n malformed)
	[ $((wrong + bad)) -eq 15 ] && [ "$wrong" -ge 6 ] && [ "$bad" -ge 3 ]
}

@test "DNS: an answer with two TSIG records is malformed, and nothing of it is kept (ldns leaks one)" {
	need_dns
	n=$BATS_TEST_NUMBER
	printf 'tsig2-%s.test\nok-%s.test\n' $n $n >in
	# under AddressSanitizer a record ldns lost is a leak report and a failing exit at the end
	run -1 --separate-stderr scan <in
	echo "$output" >out
	same_names in out
	assert_equal "$(qf out 1 .error)" malformed
	assert_equal "$(qf out 2 '"\(.rcode) \(.answer[0].address)"')" "NOERROR 192.0.2.1"
	[ "$(stat_n malformed)" -eq 3 ]
	[[ "$stderr" != *Sanitizer* ]]
}

@test "DNS: truncated answers come whole over TCP: 4000 records, a 65535-byte message; memory stays flat" {
	need_dns
	n=$BATS_TEST_NUMBER
	printf 'many-%s.test\nmax-%s.test\n' $n $n >in
	run -0 --separate-stderr scan <in
	echo "$output" >out
	same_names in out
	assert_equal "$(qf out 1 '"\(.rcode) \(.tc) \(.tcp) \(.answer | length)"')" "NOERROR true true 4000"
	assert_equal "$(qf out 1 '.answer[3999].address')" 10.0.15.159
	# 16 TXT records filling the message to 65535 bytes: the string bytes all arrived
	q="max-$n.test"
	want=$((65535 - 12 - (${#q} + 2 + 4) - 16 * 12))
	assert_equal "$(qf out 2 '"\(.tc) \(.tcp) \(.answer | length)"')" "true true 16"
	# every character-string is a length byte and its bytes
	assert_equal "$(qf out 2 '[.answer[].txt[] | length + 1] | add')" "$want"
	# 8 then 40 such records (350 KB of JSON each) through a window of 8: both runs fill the
	# window, whatever the machine's load, so the peak must not grow with the input by 8 MiB
	# (a small quarantine keeps AddressSanitizer's freed memory from counting)
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=4"
	for k in 8 40; do
		seq "$k" | sed "s/.*/many-$n-&.test/" >in$k
		peak_kb rss$k timeout 60 dns-scan -r "$DNS_ADDR:$DNS_PORT" --types A --timeout 5 \
			--window 8 -c 8 <in$k >out$k
		[ "$(count_lines out$k)" -eq "$k" ]
	done
	echo "peak RSS: $(cat rss8) KiB for 8, $(cat rss40) KiB for 40"
	[ "$(cat rss40)" -lt $(($(cat rss8) + 8192)) ]
}

@test "DNS: a TCP fallback that resets, lies about the length, sends garbage or another ID, or hangs keeps the truncated answer" {
	need_dns
	n=$BATS_TEST_NUMBER
	for k in tcreset tcshort tcgarbage tclen1 tchang tcwrongid; do echo "$k-$n.test"; done >in
	run -0 --separate-stderr scan <in
	echo "$output" >out
	same_names in out
	run jq -r '.dns.queries[0] | "\(.rcode) \(.tc) \(.tcp) \(.error) \(.detail)"' out
	assert_output - <<-EOF
	NOERROR true false null TCP fallback failed: Connection reset by peer
	NOERROR true false null TCP fallback failed: connection closed
	NOERROR true false null TCP fallback failed: no matching answer
	NOERROR true false null TCP fallback failed: connection closed
	NOERROR true false null TCP fallback timed out
	NOERROR true false null TCP fallback failed: no matching answer
	EOF
	[[ "$stderr" == *"truncated 6, TCP 6,"* ]]
	# the TCP answer with another ID and the 5-byte message are counted as dropped
	[ "$(stat_n 'wrong ID or question')" -ge 1 ]
	[ "$(stat_n malformed)" -eq 1 ]
}

@test "DNS: every fault at once among bad lines, through a small window: one line per line, in order" {
	need_dns
	n=$BATS_TEST_NUMBER
	{
		for k in ok servfail refused otherq noq ptrloop big huge many tcreset tcshort \
			tchang delay1 delayall; do
			echo "$k-$n.test"
		done
		printf 'x..bad\n\n{"domain":"max-%s.test","keep":[1]}\nnot json {\n' "$n"
		printf '{"domain":"'; head -c 300 /dev/zero | tr '\0' a; printf '.test"}\n'
	} >in
	run -1 --separate-stderr scan --timeout 0.7 -c 8 --window 4 <in
	echo "$output" >out
	[ "$(count_lines out)" -eq "$(count_lines in)" ]
	run -0 out_names out
	assert_equal "$output" "$(sed -e 's/^{"domain":"\([^"]*\)".*/\1/' in)"
	assert_equal "$(sed -n 17p out | jq -c .keep)" "[1]"
	# the records whose only query failed (SERVFAIL and REFUSED included), the bad lines, and
	# nothing else carry errors
	run -0 jq -r 'select(.errors) | input_line_number' <(sed 's/^$/{}/' out)
	assert_output "$(printf '%s\n' 2 3 4 5 6 8 14 15 18 19)"
}

# ---- RDAP: domain-born against tests/rdap-server.py ----

need_rdap() {
	[ -s "$BATS_FILE_TMPDIR/main.port" ] || skip "needs python3 for the RDAP server"
	export DOMSTAT_DB="$BATS_TEST_TMPDIR/domains.db"
}

# born [options]: domain-born with .com on the plain server (its requests under /t<test>/, so
# they can be told apart), 1.5 s a request and 1 s at most of Retry-After, under timeout(1)
born() {
	born_args
	timeout 60 "${BORN[@]}" "$@"
}

# born_args: the command line of born in the array BORN (to run it without a shell function)
born_args() {
	printf '{"services":[[["com"],["http://127.0.0.1:%s/t%s/"]]]}\n' \
		"$(rdap_port main)" "$BATS_TEST_NUMBER" >bs.json
	BORN=(domain-born --bootstrap bs.json --allow-http --allow-private --no-progress
		--timeout 1.5 --retry-wait-max 1 --server-rate 1000)
}

# asked NAME [SERVER]: how many requests this test made for NAME on the plain server (main)
asked() {
	grep -c " /t$BATS_TEST_NUMBER/domain/$1\$" "$BATS_FILE_TMPDIR/${2:-main}.log" || true
}

# two_servers FILE: a bootstrap file with .com on the main server and .net on the alt one
two_servers() {
	printf '{"services":[[["com"],["http://127.0.0.1:%s/t%s/"]],[["net"],["http://127.0.0.1:%s/t%s/"]]]}\n' \
		"$(rdap_port main)" "$BATS_TEST_NUMBER" "$(rdap_port alt)" "$BATS_TEST_NUMBER" >"$1"
}

# codes OUT: per line, the error code or the category
codes() {
	sed 's/^$/{}/' "$1" | jq -r '.errors[0].code // .category // ""'
}

integrity() {
	[ -e "$1" ] || return 0 # killed before it created the store
	run -0 sqlite3 "$1" 'PRAGMA integrity_check'
	assert_output ok
}

@test "RDAP: a reset mid-body, a non-HTTP answer, endless headers are network; silence and a slow drip are timeouts" {
	need_rdap
	printf '%s-a.com\n' reset never drip ok nothttp headerbomb >in
	run -1 --separate-stderr born <in
	echo "$output" >out
	same_names in out
	run codes out
	assert_output $'network\ntimeout\ntimeout\nESTABLISHED\nnetwork\nnetwork'
	[[ "$stderr" == *"line 5: "*"nothttp-a.com: the answer is not HTTP"* ]]
	# the header stream was cut by the client after a few MB at most
	for i in $(seq 300); do
		grep -q " sent headerbomb-a.com " "$BATS_FILE_TMPDIR/main.log" && break
		sleep 0.1
	done
	run -0 awk '$4 == "headerbomb-a.com" { print $5 }' "$BATS_FILE_TMPDIR/main.log"
	[ "$output" -lt $((32 << 20)) ]
	# each failure named on stderr with its line and the URL asked
	m=$(rdap_port main)
	[[ "$stderr" == *"line 1: http://127.0.0.1:$m/t$BATS_TEST_NUMBER/domain/reset-a.com: "* ]]
	[[ "$stderr" == *"line 2: "*"never-a.com: Timeout was reached"* ]]
	[[ "$stderr" == *"line 3: "*"drip-a.com: Timeout was reached"* ]]
	[[ "$stderr" != *"line 4"* ]]
	integrity domains.db
	run -0 sqlite3 domains.db "SELECT domain, error_code FROM registration ORDER BY domain"
	assert_output - <<-EOF
	drip-a.com|timeout
	headerbomb-a.com|network
	never-a.com|timeout
	nothttp-a.com|network
	ok-a.com|
	reset-a.com|network
	EOF
}

@test "RDAP: 2 GiB bodies, with and without Content-Length, and a gzip bomb stop at --max-body" {
	need_rdap
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=4"
	born_args
	printf 'ok-b.com\n' >in1
	peak_kb rss1 timeout 60 "${BORN[@]}" <in1 >out1 2>/dev/null
	printf 'giant-b.com\ngiantchunked-b.com\ngzipbomb-b.com\nok-c.com\n' >in
	run -1 --separate-stderr peak_kb rss timeout 60 "${BORN[@]}" <in
	echo "$output" >out
	same_names in out
	run codes out
	assert_output $'too-large\ntoo-large\ntoo-large\nESTABLISHED'
	[ "$(grep -c ': answer larger than 1048576 bytes \[too-large\]$' <<<"$stderr")" -eq 3 ]
	# the server saw the client go: it had sent a few MB, never the 2 GiB (or 66 MB of gzip)
	for i in $(seq 300); do
		[ "$(grep -c " sent [a-z]*-b.com " "$BATS_FILE_TMPDIR/main.log")" -ge 3 ] && break
		sleep 0.1
	done
	run -0 awk '$3 == "sent" && $4 ~ /-b\.com$/ { print $4, $5 }' "$BATS_FILE_TMPDIR/main.log"
	echo "$output"
	[ "${#lines[@]}" -eq 3 ]
	for l in "${lines[@]}"; do
		[ "${l#* }" -lt $((32 << 20)) ]
	done
	# and memory held no more than the cap and buffers
	echo "peak RSS: $(cat rss1) KiB for one answer, $(cat rss) KiB with the big ones"
	[ "$(cat rss)" -lt $(($(cat rss1) + 32768)) ]
}

@test "RDAP: a redirect loop ends at --max-redirects; redirects to loopback by another spelling, file: and ftp: are refused" {
	need_rdap
	run -1 --separate-stderr born <<<"loop-a.com"
	assert_equal "$(jq -r '.errors[0].code' <<<"$output")" too-many-redirects
	assert_equal "$(asked loop-a.com)" 6 # the request and 5 redirects
	# without --allow-private: 0.0.0.0, 2130706433, 127.1 and localhost all reach loopback
	printf '%s-a.com\n' tozero todecimal toshort tolocalhost tofile toftp badloc >in
	printf '{"services":[[["com"],["http://127.0.0.1:%s/t%s/"]]]}\n' \
		"$(rdap_port main)" "$BATS_TEST_NUMBER" >bs.json
	run -1 --separate-stderr timeout 60 domain-born --bootstrap bs.json --allow-http \
		--no-progress --timeout 1.5 <in
	echo "$output" >out
	same_names in out
	run codes out
	assert_output $'private-address\nprivate-address\nprivate-address\nprivate-address\ninsecure-redirect\ninsecure-redirect\nnetwork'
	# none of the targets was asked (each would have answered 200)
	! grep -q "/plainanswer/domain/" "$BATS_FILE_TMPDIR/main.log"
	# with --allow-private the scheme rule still holds
	run -1 --separate-stderr born <<<$'tofile-b.com\ntoftp-b.com'
	run codes <(echo "$output")
	assert_output $'insecure-redirect\ninsecure-redirect'
}

@test "RDAP: TLS: self-signed, wrong name, expired and plain HTTP are tls errors; nothing falls back" {
	need_rdap
	[ -s "$BATS_FILE_TMPDIR/tls-good.port" ] || skip "needs openssl"
	local d="$BATS_FILE_TMPDIR"
	# the expired certificate is valid until the second it was made
	for i in $(seq 30); do
		openssl x509 -checkend 0 -noout -in "$d/expired.pem" >/dev/null || break
		sleep 0.1
	done
	cat >tls-bs.json <<-EOF
	{"services":[
	 [["com"],["https://127.0.0.1:$(rdap_port tls-self)/"]],
	 [["net"],["https://127.0.0.1:$(rdap_port tls-other)/"]],
	 [["org"],["https://127.0.0.1:$(rdap_port tls-expired)/"]],
	 [["info"],["https://127.0.0.1:$(rdap_port main)/"]],
	 [["biz"],["https://127.0.0.1:$(rdap_port tls-good)/"]]]}
	EOF
	printf 'self-t.com\nother-t.net\nexpired-t.org\nplain-t.info\ngood-t.biz\n' >in
	run -1 --separate-stderr timeout 60 domain-born --bootstrap tls-bs.json --allow-private \
		--cacert "$d/ca.pem" --no-progress --timeout 3 <in
	echo "$output" >out
	same_names in out
	run codes out
	assert_output $'tls\ntls\ntls\ntls\nESTABLISHED'
	[[ "$stderr" == *"line 1: "*"certificate"* ]]
	[[ "$stderr" == *"line 3: "*"expired"* ]]
	# no request reached a server whose certificate failed, over https or plain http
	! grep -q -- '-t\.' "$d/tls-self.log" "$d/tls-other.log" "$d/tls-expired.log" "$d/main.log" 2>/dev/null
	grep -q '/domain/good-t.biz$' "$d/tls-good.log"
	# an https bootstrap URL with a self-signed certificate: every line no-bootstrap, nothing
	# downloaded or cached
	run -1 --separate-stderr timeout 60 domain-born --no-progress --timeout 3 \
		--bootstrap-url "https://127.0.0.1:$(rdap_port tls-self)/bootstrap" <<<$'a.com\nb.org'
	run codes <(echo "$output")
	assert_output $'no-bootstrap\nno-bootstrap'
	[[ "$stderr" == *"line 2: cannot download the RDAP bootstrap from 'https://127.0.0.1:"*"certificate"* ]]
	! grep -q /bootstrap "$d/tls-self.log" 2>/dev/null
	[ ! -e "$XDG_CACHE_HOME/domstat/rdap-dns.json" ]
	# a bootstrap server that never answers, or sends 2 GiB: bounded by --timeout and the cap
	run -1 --separate-stderr timeout 60 domain-born --no-progress --timeout 1 --allow-http \
		--bootstrap-url "http://127.0.0.1:$(rdap_port main)/bootstrap-never" <<<"a.com"
	assert_equal "$(jq -r '.errors[0].code' <<<"$output")" no-bootstrap
	run -1 --separate-stderr timeout 60 domain-born --no-progress --timeout 5 --allow-http \
		--bootstrap-url "http://127.0.0.1:$(rdap_port main)/bootstrap-giant" <<<"a.com"
	assert_equal "$(jq -r '.errors[0].code' <<<"$output")" no-bootstrap
	[ ! -e "$XDG_CACHE_HOME/domstat/rdap-dns.json" ]
}

@test "RDAP: Retry-After of an hour, as a date or junk waits at most --retry-wait-max; a 429 storm ends rate-limited" {
	need_rdap
	# the storm on a server of its own, so that its pauses do not hold the other names
	two_servers ra.json
	{
		printf 'ra3600-a.com\nradate-a.com\nrajunk-a.com\n'
		seq 8 | sed 's/.*/always429-s&.net/'
	} >in
	run -1 --separate-stderr timeout 60 domain-born --bootstrap ra.json --allow-http \
		--allow-private --no-progress --timeout 1.5 --retry-wait-max 1 --server-rate 1000 \
		--server-conns 32 <in
	echo "$output" >out
	same_names in out
	run codes out
	assert_output "$(printf 'ESTABLISHED\n%.0s' 1 2 3; printf 'rate-limited\n%.0s' $(seq 8))"
	for n in ra3600-a.com radate-a.com rajunk-a.com; do
		assert_equal "$(asked $n)" 2 # once, and once more after the pause (--retries 1)
	done
	for n in always429-s1.net always429-s8.net; do
		assert_equal "$(asked $n alt)" 2
	done
	[ "$(grep -c ': line [0-9]*: ' <<<"$stderr")" -eq 8 ]
	# 429 is never cached
	run -0 sqlite3 domains.db "SELECT count(*) FROM registration WHERE domain LIKE 'always429%'"
	assert_output 0
}

@test "RDAP: invalid UTF-8, escape sequences and 100000-deep nesting: stdout and stderr stay clean" {
	need_rdap
	printf 'badutf8-a.com\nbadutf8name-a.com\nescname-a.com\ndeep-a.com\ndeepobj-a.com\n' >in
	run -1 --separate-stderr born <in
	echo "$output" >out
	same_names in out
	run codes out
	# a member domain-born does not read may hold anything; the name it checks may not
	assert_output $'ESTABLISHED\nnot-domain\nnot-domain\nbad-json\nbad-json'
	iconv -f UTF-8 -t UTF-8 out >/dev/null
	iconv -f UTF-8 -t UTF-8 <<<"$stderr" >/dev/null
	# the server's name is quoted on stderr, but as one line without control characters
	[ "$(grep -c '' <<<"$stderr")" -eq 4 ]
	! grep -q $'[\x01-\x1f\x7f]' <<<"$stderr"
	[[ "$stderr" == *'line 3: RDAP answer is about another domain: \x1b[2J\x1b]0;owned\x07\x0afake: '* ]]
	[[ "$stderr" == *"line 4: malformed RDAP answer: nesting too deep"* ]]
	[[ "$stderr" == *"line 5: malformed RDAP answer: nesting too deep"* ]]
}

@test "RDAP: a run full of faults among bad lines keeps input order and what the store held" {
	need_rdap
	printf 'keep%s.com\n' 1 2 3 4 5 >seed
	run -0 born <seed
	{
		echo keep1.com
		printf '%s-m.com\n' reset never drip giant gzipbomb loop badutf8name deep ok
		printf 'keep2.com\n\nnot json {\n{"domain":"keep3.com","x":1}\nlocalhost\na..com\n'
		printf 'always429-n.net\ndrip-n.com\n'
		printf 'keep4.com\nkeep5.com\n'
	} >in
	# a server that answers 429 pauses; the other one goes on meanwhile
	two_servers two.json
	run -1 --separate-stderr born --bootstrap two.json --window 6 -j 8 <in
	echo "$output" >out
	[ "$(count_lines out)" -eq "$(count_lines in)" ]
	run out_names out
	assert_equal "$output" "$(sed -e 's/^{"domain":"\([^"]*\)".*/\1/' in)"
	run codes out
	assert_output - <<-EOF
	ESTABLISHED
	network
	timeout
	timeout
	too-large
	too-large
	too-many-redirects
	not-domain
	bad-json
	ESTABLISHED
	ESTABLISHED

	invalid-name
	ESTABLISHED
	no-registrable-domain
	invalid-name
	rate-limited
	timeout
	ESTABLISHED
	ESTABLISHED
	EOF
	# the stored answers were used (no second request) and are all still there
	for i in 1 2 3 4 5; do
		assert_equal "$(asked keep$i.com)" 1
	done
	integrity domains.db
	run -0 sqlite3 domains.db "SELECT count(*) FROM registration WHERE domain LIKE 'keep%' AND error_code IS NULL"
	assert_output 5
}

@test "kill -9 of domain-born 8 times: its cache stays sound, nothing committed is lost, a last run completes" {
	need_rdap
	awk 'BEGIN { for (i = 1; i <= 1500; i++) printf "kb%d.com\n", i }' >in
	: >before
	born_args
	for it in $(seq 1 8); do
		"${BORN[@]}" --db k.db -j 64 --server-conns 16 <in >out 2>/dev/null &
		pid=$!
		# it starts writing after about 0.3 s and commits every 200 ms; the last kill waits
		# until this run has committed something, however slow the machine (at most 60 s)
		if [ "$it" -lt 8 ]; then
			sleep "0.$((RANDOM % 4 + 3))"
		else
			for _ in $(seq 1 600); do
				kill -0 "$pid" 2>/dev/null || break
				n=$(sqlite3 k.db 'SELECT count(*) FROM registration' 2>/dev/null) || n=0
				[ "${n:-0}" -gt "$(count_lines before)" ] && break
				sleep 0.1
			done
		fi
		kill -9 "$pid" 2>/dev/null || true # it may have finished already: the checks still hold
		wait "$pid" || true
		integrity k.db
		sqlite3 k.db 'SELECT domain FROM registration ORDER BY domain' >now 2>/dev/null || : >now
		lost=$(comm -23 before now | head -n 3)
		[ -z "$lost" ] || { echo "iteration $it: committed before, gone now: $lost"; return 1; }
		mv now before
	done
	stored=$(count_lines before)
	echo "$stored of 1500 stored across the kills"
	[ "$stored" -gt 0 ]
	run -0 sqlite3 k.db 'SELECT count(*) FROM registration WHERE error_code IS NOT NULL'
	assert_output 0
	# the last run, under a path of its own so that late requests of killed runs do not count
	sed "s|/t$BATS_TEST_NUMBER/|/last$BATS_TEST_NUMBER/|" bs.json >last.json
	run -0 timeout 60 "${BORN[@]}" --bootstrap last.json --db k.db -j 64 --server-conns 16 <in
	[ "${#lines[@]}" -eq 1500 ]
	[ "$(grep -c '"category":"ESTABLISHED"' <<<"$output")" -eq 1500 ]
	# it asked only for what was not stored
	asked=$(grep -c " /last$BATS_TEST_NUMBER/domain/" "$BATS_FILE_TMPDIR/main.log" || true)
	assert_equal "$asked" "$((1500 - stored))"
	run -0 sqlite3 k.db 'SELECT count(*) FROM registration; PRAGMA integrity_check'
	assert_output $'1500\nok'
}

@test "domain-born: a store that fails at close (full filesystem) ends with status 2, every line out, nothing leaked" {
	need_rdap
	small_fs 384 || skip "needs root to mount a small tmpfs"
	db="$MNT/b.db"
	run -0 seen-db --db "$db" <<<'first.com'
	# leave about 48 KiB: room to open the store (its 32 KiB -shm), not to commit 300 answers
	avail=$(df --output=avail -B1 "$MNT" | tail -n 1)
	head -c $((avail - 49152)) /dev/zero >"$MNT/fill"
	names full 300 >in
	run -2 --separate-stderr born --db "$db" <in
	[ "${#lines[@]}" -eq 300 ]
	[[ "$stderr" == *"'$db': "*"disk full"* ]]
	# under AddressSanitizer a leak at exit would be reported here
	[[ "$stderr" != *Sanitizer* ]]
	integrity "$db"
}
