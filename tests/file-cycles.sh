#!/bin/sh
# SPDX-License-Identifier: ISC
# Calls between the files of one command folder must not go round in a circle (issue 17: a file
# that calls another and is called by it cannot be read, changed or linked alone). From the
# built objects: file A uses file B when A's object has an undefined symbol B's object defines.
# Prints each file that lies on a cycle, with what it uses; exit status 1 when there is one.
#
# usage: tests/file-cycles.sh OBJECT_FOLDER...   (e.g. build/cmd/dns-grade)
set -eu
status=0
for dir in "$@"; do
	for o in "$dir"/*.o; do
		[ -e "$o" ] || continue
		nm "$o" | awk -v f="$(basename "$o" .o)" '$1 == "U" { print f, "U", $2; next }
			NF == 3 && $2 ~ /^[TDBR]$/ { print f, "D", $3 }'
	done | awk -v dir="$dir" '
		$2 == "D" { def[$3] = $1; next }
		{ use[++n] = $1 SUBSEP $3 }
		END {
			for (i = 1; i <= n; i++) {
				split(use[i], u, SUBSEP)
				if ((u[2] in def) && def[u[2]] != u[1]) {
					edge[u[1], def[u[2]]] = 1
					why[u[1], def[u[2]]] = why[u[1], def[u[2]]] " " u[2]
					file[u[1]] = file[def[u[2]]] = 1
				}
			}
			# reach[a, b]: a uses b, directly or through other files (Warshall)
			for (a in file) for (b in file) reach[a, b] = ((a, b) in edge)
			for (k in file) for (a in file) if (reach[a, k]) for (b in file)
				if (reach[k, b]) reach[a, b] = 1
			bad = 0
			for (a in file) if (reach[a, a]) {
				bad = 1
				for (b in file) if ((a, b) in edge && reach[b, a])
					printf "%s: %s.c uses %s.c (%s ) which leads back to it\n", dir, a, b, why[a, b]
			}
			exit bad
		}' || status=1
done
exit "$status"
