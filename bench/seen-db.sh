#!/bin/sh
# SPDX-License-Identifier: ISC
# seen-db import time and warm-store filter throughput (a measurement, not a test).
# 1. Imports a generated 1,000,000-line ranked CSV (Tranco's "rank,domain" shape) into a new
#    store: wall time, CPU time, peak RSS (target: under 5 s).
# 2. Filters N Suricata-style DNS records (default 1,000,000) through seen-db on that warm
#    store, pinned to one core: the names are drawn with a Zipf-like skew from 200,000 of the
#    imported domains plus 1% never seen before, as resolver logs repeat names. Best of 3 runs
#    in lines/s (target: 125,000 lines/s on one core).
# 3. The same on a uniform draw over all 1,000,000 names (the worst case for the cache).
# usage: bench/seen-db.sh [N]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${DOMSTAT_BIN:-$top/build/bin}
n=${1:-1000000}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export DOMSTAT_DB="$tmp/store.db"
pin=""
command -v taskset >/dev/null && pin="taskset -c 0"

python3 - "$n" "$tmp" <<'PY'
import bisect, json, random, sys
n, out = int(sys.argv[1]), sys.argv[2]
rnd = random.Random(7)
letters = "abcdefghijklmnopqrstuvwxyz"
sfx = ["com"] * 8 + ["net", "org", "co.uk", "de", "io", "info", "ru", "jp", "com.br", "fr"]
names, seen = [], set()
while len(names) < 1000000:
    d = "".join(rnd.choice(letters) for _ in range(rnd.randint(4, 14))) + "." + rnd.choice(sfx)
    if d not in seen:
        seen.add(d)
        names.append(d)
with open(out + "/top-1m.csv", "w") as f:
    for i, d in enumerate(names, 1):
        f.write("%d,%s\n" % (i, d))
hot = names[:200000]
cum, total = [], 0.0
for r in range(1, len(hot) + 1):
    total += 1.0 / r
    cum.append(total)
def rec(i, name):
    return json.dumps({"timestamp": "2026-11-23T09:00:00.%06d+0000" % (i % 1000000), "event_type": "dns",
                       "src_ip": "10.0.%d.%d" % (i % 7, i % 250), "dest_ip": "10.0.0.1", "dest_port": 53,
                       "dns": {"type": "query", "rrname": name, "rrtype": "A"}}, separators=(",", ":")) + "\n"
with open(out + "/zipf.ndjson", "w") as f, open(out + "/uniform.ndjson", "w") as g:
    for i in range(n):
        if rnd.random() < 0.01:
            name = "new%d.%s" % (i, rnd.choice(sfx))
        else:
            name = rnd.choice(["www.", "", "api.", "cdn."]) + hot[bisect.bisect_left(cum, rnd.random() * total)]
        f.write(rec(i, name))
        g.write(rec(i, "www." + names[rnd.randrange(len(names))]))
PY

cpu() { awk '{ printf "%.2f", $2 + $3 }' "$tmp/time"; }

/usr/bin/time -f "%e %U %S %M" -o "$tmp/time" "$bin/seen-db" import --tag tranco "$tmp/top-1m.csv" 2>/dev/null
read -r wall _ _ rss <"$tmp/time"
echo "seen-db import: 1000000 ranked names in ${wall} s wall, $(cpu) s CPU, peak RSS $((rss / 1024)) MiB (target < 5 s)"
/usr/bin/time -f "%e %U %S %M" -o "$tmp/time" "$bin/seen-db" import --tag tranco "$tmp/top-1m.csv" 2>/dev/null
read -r wall _ _ rss <"$tmp/time"
echo "seen-db import again (every name already there): ${wall} s wall, $(cpu) s CPU"

for kind in zipf uniform; do
	best="" bestcpu=""
	for run in 1 2 3; do
		cp "$DOMSTAT_DB" "$tmp/run.db"
		/usr/bin/time -f "%e %U %S %M" -o "$tmp/time" $pin "$bin/seen-db" -f dns.rrname \
			--db "$tmp/run.db" <"$tmp/$kind.ndjson" >/dev/null 2>&1 || true
		read -r wall _ _ rss <"$tmp/time"
		c=$(cpu)
		if [ -z "$best" ] || awk "BEGIN { exit !($wall < $best) }"; then
			best=$wall bestcpu=$c bestrss=$rss
		fi
		rm -f "$tmp/run.db" "$tmp/run.db-wal" "$tmp/run.db-shm"
	done
	echo "seen-db filter ($kind, warm store of 1M names, one core): $n lines in $best s wall" \
	     "($(awk "BEGIN { printf \"%.0f\", $n / $best }") lines/s; $bestcpu s CPU =" \
	     "$(awk "BEGIN { printf \"%.0f\", $n / $bestcpu }") lines/s of CPU), peak RSS $((bestrss / 1024)) MiB" \
	     "(target 125000 lines/s)"
done
