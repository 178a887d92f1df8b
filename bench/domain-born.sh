#!/bin/sh
# SPDX-License-Identifier: ISC
# domain-born throughput on loopback (nothing leaves the machine):
#  1. cold: 10,000 new names spread over 20 RDAP servers (the fixture server on 20 ports of
#     127.0.0.1, or with BENCH_PROCS=20 one process on each of 127.0.0.1-20; every answer delayed
#     50 ms), per-server limits on (default --server-conns 16 --server-rate 200:
#     at most 200 requests/s per server, so 4,000/s over 20 servers);
#  2. warm: 1,000,000 lines answered from the store (those 10,000 names, repeated), with peak RSS.
# Prints names/s, lines/s and peak memory. Speed is never asserted.
set -eu
BIN=${DOMSTAT_BIN:-$(cd "$(dirname "$0")/.." && pwd)/build/bin}
TOP=$(cd "$(dirname "$0")/.." && pwd)
N=${BENCH_NAMES:-10000}
LINES=${BENCH_LINES:-1000000}
CONNS=${BENCH_CONNS:-16}
RATE=${BENCH_RATE:-200}
PY=$(command -v /usr/bin/python3 || command -v python3)
tmp=$(mktemp -d)
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# the fixture server (Python, one process, a thread per connection) on 20 ports of 127.0.0.1;
# BENCH_PROCS=20 runs one process per server on 127.0.0.1-20 instead
PROCS=${BENCH_PROCS:-1}
if [ "$PROCS" = 1 ]; then
	"$PY" "$TOP/tests/rdap-server.py" --ports 20 --latency 50 --port-file "$tmp/ports" \
		>/dev/null 2>&1 &
	pids="$!"
	n=0
	while [ ! -s "$tmp/ports" ] && [ $n -lt 200 ]; do sleep 0.05; n=$((n + 1)); done
	for i in $(seq 0 19); do
		sed -n "$((i + 1))p" "$tmp/ports" >"$tmp/port.$i"
		echo 127.0.0.1 >"$tmp/addr.$i"
	done
else
	for i in $(seq 0 19); do
		"$PY" "$TOP/tests/rdap-server.py" --addr "127.0.0.$((i + 1))" --latency 50 \
			--port-file "$tmp/port.$i" >/dev/null 2>&1 &
		pids="$pids $!"
		echo "127.0.0.$((i + 1))" >"$tmp/addr.$i"
	done
	for i in $(seq 0 19); do
		n=0
		while [ ! -s "$tmp/port.$i" ] && [ $n -lt 200 ]; do sleep 0.05; n=$((n + 1)); done
	done
fi

"$PY" - "$tmp" "$N" "$LINES" <<'EOF'
import json, sys
tmp, n, lines = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
tlds = ("com net org info biz name pro mobi asia tel travel jobs cat aero coop museum xyz top "
        "club online").split()
svc = []
for i, t in enumerate(tlds):
    port = open("%s/port.%d" % (tmp, i)).read().split()[0]
    addr = open("%s/addr.%d" % (tmp, i)).read().split()[0]
    svc.append([[t], ["http://%s:%s/" % (addr, port)]])
json.dump({"services": svc}, open(tmp + "/bs.json", "w"))
with open(tmp + "/names", "w") as f:
    for i in range(n):
        f.write("bench%d.%s\n" % (i, tlds[i % 20]))
with open(tmp + "/warm", "w") as f:
    for i in range(lines):
        f.write("www.bench%d.%s\n" % (i % n, tlds[i % n % 20]))
EOF

export DOMSTAT_DB="$tmp/bench.db"
now() { date +%s.%N; }
rate() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.0f", n / (b - a) }'; }

t0=$(now)
"$BIN/domain-born" --bootstrap "$tmp/bs.json" --allow-http --no-progress -j 256 \
	--server-conns "$CONNS" --server-rate "$RATE" <"$tmp/names" >"$tmp/out.cold"
t1=$(now)
ok=$(grep -c '"seen_by_isc":"RDAP"' "$tmp/out.cold" || true)
echo "cold: $N new names over 20 servers (50 ms each; per server $CONNS conns, $RATE req/s):" \
	"$(rate "$N" "$t0" "$t1") names/s ($ok answered)"

/usr/bin/time -f "%e %U %S %M" -o "$tmp/time" "$BIN/domain-born" --bootstrap "$tmp/bs.json" \
	--allow-http --no-progress <"$tmp/warm" >"$tmp/out.warm"
read -r secs usr sys kb <"$tmp/time"
echo "warm: $LINES lines ($N names) from the store: $(awk -v n="$LINES" -v s="$secs" \
	'BEGIN { printf "%.0f", n / s }') lines/s wall, $(awk -v n="$LINES" -v u="$usr" -v s="$sys" \
	'BEGIN { printf "%.0f", n / (u + s) }') lines/s of CPU (one thread), peak RSS $((kb / 1024)) MiB"
[ "$(wc -l <"$tmp/out.warm")" -eq "$LINES" ]
