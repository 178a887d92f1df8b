#!/bin/sh
# SPDX-License-Identifier: ISC
# domain-freq throughput and memory (a measurement, not a test).
# Generates N Suricata-style DNS log records (default 1,000,000), every one with a name of its
# own, as a scan of a list is and as a lookup cache would never see twice: real-shaped names made
# of words from Debian's wamerican list (compounds, words with digits or hyphens; without the
# list, made-up syllables), a fifth machine-made strings of letters and digits, under common
# host labels and a mix of public suffixes. Scores them 3 times, pinned to one core, and prints
# lines/s per core from the best run's CPU time (every run's figures and the load average beside
# it), the peak RSS; then the peak RSS at N/10 to show memory stays flat.
# With FREQ_PY=/path/to/freq.py (Mark Baggett's, kept outside this repository) it also times
# freq.py's FreqCounter.probability on the same names with the same table.
# usage: bench/domain-freq.sh [N]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${DOMSTAT_BIN:-$top/build/bin}
n=${1:-1000000}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

python3 - "$n" "$tmp" "${WORDS:-/usr/share/dict/american-english}" <<'PY'
import json, random, sys
n, out, words_file = int(sys.argv[1]), sys.argv[2], sys.argv[3]
rnd = random.Random(42)
try:
    with open(words_file, encoding="utf-8", errors="replace") as f:
        words = sorted({w for w in (l.strip().lower() for l in f)
                        if w.isascii() and w.isalpha() and 3 <= len(w) <= 10})
except OSError:
    words = []
if len(words) < 1000:
    syll = ["ka", "to", "mi", "ra", "ne", "lo", "su", "vi", "de", "an", "or", "el", "in", "us"]
    words = sorted({"".join(rnd.choice(syll) for _ in range(rnd.randint(2, 4))) for _ in range(20000)})
alnum = "abcdefghijklmnopqrstuvwxyz0123456789"
sfx = ["com"] * 12 + ["net"] * 3 + ["org"] * 2 + ["co.uk", "de", "io", "info", "ru", "jp", "com.br",
       "com.au", "fr", "nl", "cn", "co.jp", "it", "pl", "in", "biz", "xyz", "cloudfront.net"]
hosts = ["www"] * 6 + ["mail", "api", "cdn", "login", "static", "img", "m", "ns1", "smtp", "app",
         "auth", "assets", "edge", "images", "video", "time", "update", "ocsp", "s3", "web"]
def word():
    return rnd.choice(words)
def label():
    r = rnd.random()
    if r < 0.45:
        return word() + (word() if rnd.random() < 0.5 else "")
    if r < 0.55:
        return word() + str(rnd.randint(1, 999))
    if r < 0.65:
        return word() + "-" + word()
    if r < 0.80:
        return word() + word() + word()
    return "".join(rnd.choice(alnum) for _ in range(rnd.randint(8, 20)))
def rand(lo, hi):
    return "".join(rnd.choice(alnum) for _ in range(rnd.randint(lo, hi)))
seen = set()
with open(out + "/eve.ndjson", "w") as f, open(out + "/names.txt", "w") as g:
    i = 0
    while i < n:
        r = rnd.random()
        host = "" if r < 0.4 else rnd.choice(hosts) + "." if r < 0.85 else rnd.choice(hosts) + "." + rand(2, 6) + "."
        name = host + label() + "." + rnd.choice(sfx)
        if name in seen:
            continue
        seen.add(name)
        rec = {"timestamp": "2026-11-23T09:00:00.%06d+0000" % (i % 1000000), "flow_id": rnd.randrange(10**15),
               "event_type": "dns", "src_ip": "10.0.%d.%d" % (i % 7, i % 250), "src_port": rnd.randrange(1024, 65535),
               "dest_ip": "10.0.0.1", "dest_port": 53, "proto": "UDP",
               "dns": {"type": "query", "id": rnd.randrange(65536), "rrname": name, "rrtype": "A", "tx_id": 0}}
        f.write(json.dumps(rec, separators=(",", ":")) + "\n")
        g.write(name + "\n")
        i += 1
PY
head -n $((n / 10)) "$tmp/eve.ndjson" >"$tmp/eve-small.ndjson"
bytes=$(wc -c <"$tmp/eve.ndjson")
echo "domain-freq: $n records, each name distinct, $((bytes / n)) bytes each on average, field dns.rrname"

# CPU seconds (user + system) give lines/s per core even on a busy shared machine; elapsed
# seconds and the load average are printed beside them (a loaded machine still costs some CPU
# time: shared caches). Each run is pinned to one core, as bench/dns-grade.sh's are: a run
# moved between cores starts again with cold caches (on this 2-core VM unpinned runs of one
# binary spread over 0.88 to 1.48 s, pinned ones over 0.86 to 1.07 s).
pin=""
command -v taskset >/dev/null && pin="taskset -c 0"
best=""
for run in 1 2 3; do
	# shellcheck disable=SC2086 # $pin is empty or "taskset -c 0"
	/usr/bin/time -f "%e %U %S %M" -o "$tmp/time" $pin "$bin/domain-freq" -f dns.rrname <"$tmp/eve.ndjson" >/dev/null 2>&1 || true
	# the last line: above it, GNU time notes exit status 1 (a word-made name that is itself a
	# public suffix, as africa.com is, has no registrable domain)
	read -r secs user sys rss <<-END
	$(tail -n 1 "$tmp/time")
	END
	cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN{print u + s}')
	awk -v n="$n" -v c="$cpu" -v s="$secs" -v l="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)" \
		'BEGIN{printf "  run: %.2f s CPU (%.2f s elapsed), %.0f lines/s per core, load %s\n", c, s, n / c, l}'
	if [ -z "$best" ] || awk -v a="$cpu" -v b="$best" 'BEGIN{exit !(a < b)}'; then best=$cpu; best_secs=$secs; best_rss=$rss; fi
done
awk -v n="$n" -v c="$best" -v s="$best_secs" -v r="$best_rss" 'BEGIN{printf "  best of 3: %.2f s CPU (%.2f s elapsed), %.0f lines/s per core, peak RSS %d KB\n", c, s, n / c, r}'
/usr/bin/time -f "%M" -o "$tmp/time" "$bin/domain-freq" -f dns.rrname <"$tmp/eve-small.ndjson" >/dev/null 2>&1 || true
echo "  peak RSS at $((n / 10)) records: $(tail -n 1 "$tmp/time") KB (flat memory: compare with the line above)"

if [ -n "${FREQ_PY:-}" ]; then
	table=${FREQ_TABLE:-$top/../shared/freq/freqtable2018.freq}
	head -n 100000 "$tmp/names.txt" >"$tmp/names100k.txt"
	/usr/bin/time -f "%e" -o "$tmp/time" "$bin/domain-freq" -t "$table" <"$tmp/names.txt" >/dev/null 2>&1 || true
	ours=$(tail -n 1 "$tmp/time")
	/usr/bin/time -f "%e" -o "$tmp/time" python3 -c '
import sys
sys.path.insert(0, sys.argv[1])
from freq import FreqCounter
fc = FreqCounter(); fc.load(sys.argv[2])
for line in open(sys.argv[3]):
    fc.probability(line.strip())
' "$(dirname "$FREQ_PY")" "$table" "$tmp/names100k.txt"
	theirs=$(tail -n 1 "$tmp/time")
	awk -v o="$ours" -v n="$n" -v t="$theirs" 'BEGIN{printf "  bare names, same table: domain-freq %.2f us/name (%d names, with PSL reduction and JSON output), freq.py %.1f us/name (100000 names, scoring only): %.0f times faster\n", o / n * 1e6, n, t / 100000 * 1e6, (t / 100000) / (o / n)}'
fi
