#!/bin/sh
# SPDX-License-Identifier: ISC
# Detection quality of domain-freq's scores (a measurement, not a test). Benign names: the
# even-ranked half of Alexa's top 100,000 (../shared/datasets/top-1m.csv), the half the shipped
# n-gram model was not trained on (share/freq/make-ngram.sh trains on the odd ranks). Malicious:
# all 110,453 DGA names of 84 malware families (dga-domains.tsv), never trained on.
# For each setup: the share of names raising each alert at the default thresholds; per score
# (freq.py's average and word numbers, ngram_score) the ROC AUC (benign high) and the share of
# DGA names below the threshold that lets 1 % and 2 % of benign names alert; and the share of
# each family that raises any alert, the 10 lowest named.
# usage: bench/freq-quality.sh [TABLE...]   Each TABLE is measured with --table (freq.py's
# thresholds) beside the defaults. Without TABLE: the defaults, the shipped table at freq.py's
# thresholds without ngram_score (domain-freq before ngram_score), and freq.py's own table
# when ../shared has it. DOMSTAT_SHARED names another ../shared.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${DOMSTAT_BIN:-$top/build/bin}
shared=${DOMSTAT_SHARED:-$top/../shared}
data=$shared/datasets
[ -r "$data/top-1m.csv" ] && [ -r "$data/dga-domains.tsv" ] || {
	echo "freq-quality: needs ../shared/datasets (skipped)"; exit 0; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
awk -F, '$1 % 2 == 0 { sub(/\/.*/, "", $2); print $2 }' "$data/top-1m.csv" >"$tmp/benign"
tail -n +2 "$data/dga-domains.tsv" | cut -f1 >"$tmp/dga"
tail -n +2 "$data/dga-domains.tsv" | cut -f2 >"$tmp/dga.family"

# one setup: a name, then domain-freq's options
measure() {
	name=$1
	shift
	for set in benign dga; do
		"$bin/domain-freq" "$@" <"$tmp/$set" 2>/dev/null |
			jq -r '[(.freq_score | if type == "array" then "\(.[0])\t\(.[1])" else "-\t-" end),
				(.ngram_score // "-"), ((.alerts // []) | join(","))] | join("\t")' >"$tmp/$set.scores"
	done
	python3 - "$name" "$tmp/benign.scores" "$tmp/dga.scores" "$tmp/dga.family" <<'PY'
import sys
from collections import defaultdict

def load(p):
    return [l.rstrip("\n").split("\t") for l in open(p)]

def auc(pos, neg):
    # P(benign score > dga score) + half the ties, by ranks
    allv = sorted([(v, 1) for v in pos] + [(v, 0) for v in neg])
    rank_sum, i, n = 0.0, 0, len(allv)
    while i < n:
        j = i
        while j < n and allv[j][0] == allv[i][0]:
            j += 1
        rank_sum += (i + 1 + j) / 2.0 * sum(1 for k in range(i, j) if allv[k][1])
        i = j
    return (rank_sum - len(pos) * (len(pos) + 1) / 2.0) / (len(pos) * len(neg))

def at_benign(b, d, nd, share):
    # the threshold below which at most `share` of the scored benign names fall
    b = sorted(b)
    t = b[int(share * len(b))]
    return t, 100.0 * sum(1 for v in b if v < t) / len(b), 100.0 * sum(1 for v in d if v < t) / nd

name, b, d = sys.argv[1], load(sys.argv[2]), load(sys.argv[3])
fam = [l.strip() for l in open(sys.argv[4])]
print("%s" % name)
alerts = sorted({a for r in b + d for a in r[3].split(",") if a})
for label, rows in (("benign", b), ("dga", d)):
    n = len(rows)
    per = "  ".join("%s %.2f%%" % (a, 100.0 * sum(1 for r in rows if a in r[3].split(",")) / n) for a in alerts)
    print("  %-6s %6d names  any alert %6.2f%%  %s" % (label, n, 100.0 * sum(1 for r in rows if r[3]) / n, per))
for col, score in ((0, "freq avg"), (1, "freq word"), (2, "ngram_score")):
    bs = [float(r[col]) for r in b if r[col] != "-"]
    ds = [float(r[col]) for r in d if r[col] != "-"]
    if not bs or not ds:
        continue
    line = "  %-11s ROC AUC %.4f" % (score, auc(bs, ds))
    for share in (0.01, 0.02):
        t, fb, fd = at_benign(bs, ds, len(d), share)
        line += "  | below %g: benign %.2f%%, dga %.1f%%" % (t, fb, fd)
    print(line)
hit, tot = defaultdict(int), defaultdict(int)
for r, f in zip(d, fam):
    tot[f] += 1
    hit[f] += bool(r[3])
worst = sorted(tot, key=lambda f: (hit[f] / tot[f], f))[:10]
print("  lowest families (any alert): " + ", ".join("%s %.0f%% of %d" % (f, 100.0 * hit[f] / tot[f], tot[f]) for f in worst))
PY
}

measure "defaults (shipped table, pair scores without alerts; ngram_score below -4 on labels of 6 or more)"
measure "shipped table at freq.py's thresholds (5, 4), no ngram_score" \
	--avg-alert 5 --word-alert 4 --no-ngram
[ $# -gt 0 ] || { [ -r "$shared/freq/freqtable2018.freq" ] && set -- "$shared/freq/freqtable2018.freq"; } || true
for table in "$@"; do
	measure "--table $table (thresholds 5, 4), with ngram_score" --table "$table"
	measure "--table $table (thresholds 5, 4), --no-ngram" --table "$table" --no-ngram
done
