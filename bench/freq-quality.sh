#!/bin/sh
# Detection quality of domain-freq tables (a measurement, not a test): for each table, the share
# of benign names (../shared/datasets/top-1m.csv) and of malware DGA names (dga-domains.tsv)
# that raise each alert at the default thresholds, and the ROC AUC of each score (benign high).
# usage: bench/freq-quality.sh [TABLE...]   (default: the shipped table, and freqtable2018 if
# ../shared is there). The datasets are only measured here, never trained on.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${DOMSTAT_BIN:-$top/build/bin}
data=$top/../shared/datasets
[ -r "$data/top-1m.csv" ] && [ -r "$data/dga-domains.tsv" ] || {
	echo "freq-quality: needs ../shared/datasets (skipped)"; exit 0; }
[ $# -gt 0 ] || set -- "$top/share/freq/domstat.freq" $( [ -r "$top/../shared/freq/freqtable2018.freq" ] && echo "$top/../shared/freq/freqtable2018.freq")
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cut -d, -f2 "$data/top-1m.csv" | cut -d/ -f1 >"$tmp/benign"
tail -n +2 "$data/dga-domains.tsv" | cut -f1 >"$tmp/dga"
for table in "$@"; do
	for set in benign dga; do
		"$bin/domain-freq" -t "$table" <"$tmp/$set" 2>/dev/null |
			jq -r '[(.freq_score|if type=="array" then "\(.[0])\t\(.[1])" else "ERROR\tERROR" end), ((.alerts//[])|join(","))]|join("\t")' >"$tmp/$set.scores"
	done
	python3 - "$table" "$tmp/benign.scores" "$tmp/dga.scores" <<'PY'
import sys
def load(p):
    rows = [l.rstrip("\n").split("\t") for l in open(p)]
    return [r for r in rows if r[0] != "ERROR"], len(rows)
def auc(pos, neg):
    # P(benign score > dga score) + half the ties, by ranks
    allv = sorted([(v, 1) for v in pos] + [(v, 0) for v in neg])
    rank_sum, i, n = 0.0, 0, len(allv)
    while i < n:
        j = i
        while j < n and allv[j][0] == allv[i][0]: j += 1
        r = (i + 1 + j) / 2.0
        rank_sum += r * sum(1 for k in range(i, j) if allv[k][1])
        i = j
    return (rank_sum - len(pos) * (len(pos) + 1) / 2.0) / (len(pos) * len(neg))
b, nb = load(sys.argv[2]); d, nd = load(sys.argv[3])
def share(rows, n, alert): return 100.0 * sum(1 for r in rows if alert in r[2].split(",")) / n
def anyalert(rows, n): return 100.0 * sum(1 for r in rows if r[2]) / n
print("table: %s" % sys.argv[1])
for name, rows, n in (("benign", b, nb), ("dga", d, nd)):
    print("  %-6s names %6d  scored %6d  LOW-FREQ-SCORES %5.1f%%  SUSPECT-FREQ-SCORE %5.1f%%  any alert %5.1f%%"
          % (name, n, len(rows), share(rows, n, "LOW-FREQ-SCORES"), share(rows, n, "SUSPECT-FREQ-SCORE"), anyalert(rows, n)))
print("  ROC AUC avg %.4f  word %.4f" % (auc([float(r[0]) for r in b], [float(r[0]) for r in d]),
                                       auc([float(r[1]) for r in b], [float(r[1]) for r in d])))
PY
done
