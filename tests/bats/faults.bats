#!/usr/bin/env bats
# Store faults for seen-db that its own suite does not cover: a full filesystem, a read-only
# filesystem, a truncated database file, a lock held during an import, and kill -9 loops.
# In every case: no crash, a message that names the store and the cause, exit status 2 when
# the store cannot be used, a sound database afterwards (PRAGMA integrity_check) and no record
# lost that the command already reported. A small filesystem is a tmpfs when this runs as
# root and mounting is allowed, else a file size limit (ulimit -f).
load helper

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
	# the last line is the failing record, named on stderr with the store and the cause
	last=$(tail -n 1 <<<"$stderr")
	[[ "$last" == "seen-db: line $n: not stored: cannot write to '$db': "* ]]
	[[ "$last" == *"disk full"* || "$last" == *"I/O error"* ]]
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

@test "a store on a read-only filesystem: exit 2 with the file named, for the filter and the readers" {
	small_fs 4096 || skip "needs root and mount (tmpfs)"
	db="$MNT/r.db"
	run -0 seen-db --db "$db" <<<"example.com"
	mount -o remount,ro "$MNT"
	run -2 --separate-stderr seen-db --db "$db" <<<"$(printf 'example.com\nnew.com')"
	assert_equal "$output" ""
	assert_equal "$stderr" "seen-db: cannot open '$db': the store is read-only (no write permission)"
	for sub in stats export "get example.com"; do
		run -2 --separate-stderr seen-db --db "$db" $sub
		[[ "$stderr" == "seen-db: cannot open '$db': "* ]]
	done
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
	echo 'BEGIN EXCLUSIVE; INSERT INTO counters VALUES ("lock", 1);' >&7
	sleep 0.3
	DOMSTAT_BUSY_TIMEOUT=300 run -2 --separate-stderr seen-db --db l.db import list.txt
	exec 7>&-
	wait
	[[ "$stderr" == *"'l.db'"* && "$stderr" == *locked* ]]
	integrity l.db
	run -0 seen-db --db l.db import list.txt
	run -0 sqlite3 l.db 'SELECT count(*) FROM seen'
	assert_output 1001
}

@test "kill -9 of the filter 20 times: every name it wrote out is stored, the store stays sound" {
	for it in $(seq 1 20); do
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

@test "kill -9 of an import 20 times: the stored count never drops and a last run completes" {
	awk 'BEGIN { for (i = 1; i <= 200000; i++) printf "%d,m%d.net\n", i, i }' >big.csv
	prev=0
	for it in $(seq 1 20); do
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
