#!/bin/sh
# SPDX-License-Identifier: ISC
# domain-freq throughput and memory (a measurement, not a test).
# Generates N Suricata-style DNS log records (default 1,000,000; names drawn with a Zipf-like
# skew from 50,000 distinct names, as real resolver logs repeat names), scores them 3 times and
# prints the best lines/s per core (CPU time) and the peak RSS; then peak RSS at N/10 to show memory stays flat.
# With FREQ_PY=/path/to/freq.py (Mark Baggett's, kept outside this repository) it also times
# freq.py's FreqCounter.probability on the same names with the same table.
# usage: bench/domain-freq.sh [N]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${DOMSTAT_BIN:-$top/build/bin}
n=${1:-1000000}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

python3 - "$n" "$tmp" <<'PY'
import json, random, sys
n, out = int(sys.argv[1]), sys.argv[2]
rnd = random.Random(42)
syll = ["ka", "to", "mi", "ra", "ne", "lo", "su", "vi", "de", "an", "or", "el", "in", "us", "ex", "co"]
sfx = ["com"] * 6 + ["net", "org", "co.uk", "de", "io", "info", "ru", "jp"]
names = []
for i in range(50000):
    base = "".join(rnd.choice(syll) for _ in range(rnd.randint(2, 5)))
    if rnd.random() < 0.1:
        base = "".join(rnd.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(rnd.randint(8, 16)))
    names.append(rnd.choice(["www.", "mail.", "api.", "", "", "cdn.", "login."]) + base + "." + rnd.choice(sfx))
# Zipf-like: weight 1/rank
cum, total = [], 0.0
for r in range(1, len(names) + 1):
    total += 1.0 / r
    cum.append(total)
import bisect
with open(out + "/eve.ndjson", "w") as f, open(out + "/names.txt", "w") as g:
    for i in range(n):
        name = names[bisect.bisect_left(cum, rnd.random() * total)]
        rec = {"timestamp": "2026-11-23T09:00:00.%06d+0000" % (i % 1000000), "flow_id": rnd.randrange(10**15),
               "event_type": "dns", "src_ip": "10.0.%d.%d" % (i % 7, i % 250), "src_port": rnd.randrange(1024, 65535),
               "dest_ip": "10.0.0.1", "dest_port": 53, "proto": "UDP",
               "dns": {"type": "query", "id": rnd.randrange(65536), "rrname": name, "rrtype": "A", "tx_id": 0}}
        f.write(json.dumps(rec, separators=(",", ":")) + "\n")
        g.write(name + "\n")
PY
head -n $((n / 10)) "$tmp/eve.ndjson" >"$tmp/eve-small.ndjson"
bytes=$(wc -c <"$tmp/eve.ndjson")
echo "domain-freq: $n records, $((bytes / n)) bytes each on average, field dns.rrname"

# CPU seconds (user + system) give lines/s per core even on a busy shared machine; elapsed
# seconds are printed beside them.
best=""
for run in 1 2 3; do
	/usr/bin/time -f "%e %U %S %M" -o "$tmp/time" "$bin/domain-freq" -f dns.rrname <"$tmp/eve.ndjson" >/dev/null 2>&1 || true
	read -r secs user sys rss <"$tmp/time"
	cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN{print u + s}')
	if [ -z "$best" ] || awk -v a="$cpu" -v b="$best" 'BEGIN{exit !(a < b)}'; then best=$cpu; best_secs=$secs; best_rss=$rss; fi
done
awk -v n="$n" -v c="$best" -v s="$best_secs" -v r="$best_rss" 'BEGIN{printf "  best of 3: %.2f s CPU (%.2f s elapsed), %.0f lines/s per core, peak RSS %d KB\n", c, s, n / c, r}'
/usr/bin/time -f "%M" -o "$tmp/time" "$bin/domain-freq" -f dns.rrname <"$tmp/eve-small.ndjson" >/dev/null 2>&1 || true
echo "  peak RSS at $((n / 10)) records: $(cat "$tmp/time") KB (flat memory: compare with the line above)"

if [ -n "${FREQ_PY:-}" ]; then
	table=${FREQ_TABLE:-$top/../shared/freq/freqtable2018.freq}
	head -n 100000 "$tmp/names.txt" >"$tmp/names100k.txt"
	/usr/bin/time -f "%e" -o "$tmp/time" "$bin/domain-freq" -t "$table" <"$tmp/names.txt" >/dev/null 2>&1 || true
	ours=$(cat "$tmp/time")
	/usr/bin/time -f "%e" -o "$tmp/time" python3 -c '
import sys
sys.path.insert(0, sys.argv[1])
from freq import FreqCounter
fc = FreqCounter(); fc.load(sys.argv[2])
for line in open(sys.argv[3]):
    fc.probability(line.strip())
' "$(dirname "$FREQ_PY")" "$table" "$tmp/names100k.txt"
	theirs=$(cat "$tmp/time")
	awk -v o="$ours" -v n="$n" -v t="$theirs" 'BEGIN{printf "  bare names, same table: domain-freq %.2f us/name (%d names, with PSL reduction and JSON output), freq.py %.1f us/name (100000 names, scoring only): %.0f times faster\n", o / n * 1e6, n, t / 100000 * 1e6, (t / 100000) / (o / n)}'
fi
