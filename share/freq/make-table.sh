#!/bin/sh
# SPDX-License-Identifier: ISC
# Builds domstat's default frequency table with domain-freq's own trainer (run by
# `make freq-table`). The corpus is made here, deterministically, from one source we can name
# and redistribute: the English word list of Debian's wamerican package (SCOWL, public-domain
# style licence; /usr/share/dict/american-english). Each word starts a domain-like string: the
# word followed by 0 to 2 other words of the list (compounds such as "bestbuy"), then a dot and a
# suffix from a fixed mix of common top-level suffixes. Names look like names, so pairs such as
# "e." and ".c" carry real weight, unlike a table trained on prose.
# usage: make-table.sh path/to/domain-freq > domstat.freq
set -eu
trainer=$1
words=${WORDS:-/usr/share/dict/american-english}
[ -r "$words" ] || { echo "make-table.sh: $words missing (apt-get install wamerican)" >&2; exit 2; }
LC_ALL=C grep -E '^[A-Za-z]+$' "$words" | LC_ALL=C tr 'A-Z' 'a-z' | LC_ALL=C sort -u |
awk '
# Park-Miller generator: the same sequence in every awk (all products stay below 2^53).
function rnd() { seed = (seed * 16807) % 2147483647; return seed / 2147483647 }
BEGIN { seed = 7; n = split("com com com com com com net net org org de co.uk ru info io jp fr br it nl pl in au ca es", sfx, " ") }
{ w[NR] = $0 }
END {
	for (i = 1; i <= NR; i++) {
		k = 1 + int(rnd() * 3); s = w[i]
		for (m = 1; m < k; m++) s = s w[int(rnd() * NR) + 1]
		if (rnd() < 0.5)
			s = s "." sfx[int(rnd() * n) + 1]
		print s
	}
}' | "$trainer" --train
