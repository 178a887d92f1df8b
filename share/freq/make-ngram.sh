#!/bin/sh
# SPDX-License-Identifier: ISC
# Builds domstat's default n-gram model (share/freq/domstat.ngram, run by `make freq-table`)
# with domain-freq's own trainer, from one half of a ranked benign list: the names of odd rank
# in Alexa's top 100,000 ("rank,domain" lines, ../shared/datasets/top-1m.csv). The names of even
# rank are never trained on: bench/freq-quality.sh measures on them. A name's path ("/user/reg")
# is cut off; names without a registrable domain (blogspot.de is a public suffix) add nothing.
# usage: make-ngram.sh path/to/domain-freq path/to/top-1m.csv > domstat.ngram
set -eu
trainer=$1
list=$2
[ -r "$list" ] || { echo "make-ngram.sh: cannot read '$list'" >&2; exit 2; }
echo "# domstat n-gram model of registrable labels: counts of 4-symbol windows (domain-freq(1))."
echo "# Made by share/freq/make-ngram.sh from the odd-ranked half of Alexa's top 100,000"
echo "# (sha256 $(sha256sum <"$list" | cut -d' ' -f1)); see README.md, Data."
# domain-freq exits 1 for the names without a registrable domain: those are expected here
LC_ALL=C awk -F, '$1 % 2 == 1 { sub(/\/.*/, "", $2); print $2 }' "$list" |
	{ "$trainer" --train-ngram 2>/dev/null || [ $? -eq 1 ]; }
