# SPDX-License-Identifier: ISC
# `make lint`: Ql quotes everything up to the end of its macro line but the closing
# punctuation, so `.Pq Ql a No to Ql b` renders as (‘a to ‘b’’) and `.Pq Ql a , b` as (‘a, b’).
# mandoc -Tlint does not report it; this does (file:line, status 1). Words after a Ql's
# argument are meant to be quoted (`.Ql dig +short`); a comma and more words are a list that
# should have been quoted item by item.
/^\./ {
	q = 0
	for (i = 1; i <= NF; i++) {
		if (q && ($i == "No" || $i == "Ql" ||
		    ($i == "," && i < NF && $(i + 1) !~ /^[.,:;?!)\]]$/))) {
			printf "%s:%d: '%s' after 'Ql' on one line ends up inside its quotes " \
			    "(put each Ql on a line of its own, in .Po/.Pc)\n", FILENAME, FNR, $i
			bad = 1
			break
		}
		if ($i == "Ql" || $i == ".Ql")
			q = 1
	}
}
END { exit bad }
