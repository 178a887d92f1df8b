# SPDX-License-Identifier: ISC
# `make lint`: Ql quotes everything up to the end of its macro line, so `.Pq Ql a No to Ql b`
# renders as (‘a to ‘b’’). mandoc -Tlint does not report it; this does (file:line, status 1).
/^\./ {
	q = 0
	for (i = 1; i <= NF; i++) {
		if (q && ($i == "No" || $i == "Ql")) {
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
