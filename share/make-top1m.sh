#!/bin/sh
# SPDX-License-Identifier: ISC
# Build share/top1m.import, the seed list domstat ships, on standard output.
# Source: the Public Suffix List as Debian's publicsuffix package installs it (MPL-2.0,
# https://publicsuffix.org/). Its comments name, for most entries, the web site of the
# organisation that runs the suffix and the address that submitted it; the registrable
# domains of those sites and addresses are well-known, long-lived domains (google.com,
# amazon.com, github.com, cloudflare.com, ...). A seed, not a top-1M: README shows how to
# import the current Tranco list in one command.
# usage: share/make-top1m.sh SEEN-DB [public_suffix_list.dat] > share/top1m.import
set -eu
seen_db=$1
psl=${2:-/usr/share/publicsuffix/public_suffix_list.dat}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# Hosts of the http(s) URLs and e-mail addresses in the list's comment lines.
grep '^//' "$psl" |
	grep -oE 'https?://[A-Za-z0-9.-]+|@[A-Za-z0-9.-]+\.[A-Za-z]{2,}' |
	sed -E 's,^https?://,,; s,^@,,; s,\.$,,' |
	tr 'A-Z' 'a-z' | LC_ALL=C sort -u >"$tmp/hosts"
# seen-db reduces them to registrable domains (dropping public suffixes themselves) and
# exports them in name order; keep only the domain and the tag.
"$seen_db" --db "$tmp/seed.db" import --tag top1m "$tmp/hosts" 2>/dev/null || true
"$seen_db" --db "$tmp/seed.db" export |
	sed -E 's/^\{"domain":("[^"]*"),.*/{"domain":\1,"source":"top1m"}/'
