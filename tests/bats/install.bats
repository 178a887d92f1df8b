#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# make install / uninstall / installcheck, and installed commands finding their shipped data
# without this checkout. The build under test ($DOMSTAT_BIN's folder) is copied once and the
# copy made for PREFIX=$P: only tool.o (which holds DATADIR) is compiled again and the six
# commands relinked, with the flags the build was made with (its build-flags file). The build
# under test itself is never touched.
load helper
bats_require_minimum_version 1.5.0

setup_file() {
	local build
	build=$(dirname "${DOMSTAT_BIN:-$TOP/build/bin}")
	[ -f "$build/build-flags" ] || skip "no $build/build-flags: build with make first"
	export COPY="$BATS_FILE_TMPDIR/build" P="$BATS_FILE_TMPDIR/prefix"
	cp -a "$build" "$COPY"
	rm -f "$COPY"/*.db*
	# a make running this suite passes its variables down; this one sets its own
	unset MAKEFLAGS MFLAGS MAKELEVEL
	make -s -C "$TOP" -f Makefile -f "$COPY/build-flags" O="$COPY" PREFIX="$P" all >/dev/null
}

setup() {
	setup_isolated
	unset MAKEFLAGS MFLAGS MAKELEVEL
	# nothing of the checkout on PATH: the installed commands are called by their path
	export PATH=/usr/bin:/bin
}

mk() {
	make -s -C "$TOP" -f Makefile -f "$COPY/build-flags" O="$COPY" PREFIX="$P" "$@"
}

# What install must put under PREFIX, listed from the source tree.
expected_files() {
	local c f
	for c in "$TOP"/cmd/*/; do
		c=$(basename "$c")
		echo "bin/$c"
		echo "share/man/man1/$c.1"
		echo "share/bash-completion/completions/$c"
	done
	echo share/man/man7/domstat.7
	echo share/zsh/site-functions/_domstat
	(cd "$TOP/share" && find . -type f ! -name '.*') | while read -r f; do echo "share/domstat/${f#./}"; done
}

@test "install puts every command, manual page, share/ file and completion under DESTDIR/PREFIX" {
	mk install DESTDIR="$PWD/stage" >/dev/null
	expected_files | LC_ALL=C sort >want
	(cd "stage$P" && find . -type f | sed 's,^\./,,' | LC_ALL=C sort) >got
	run -0 diff -u want got
	[ "$(count_lines got)" -gt 20 ]
	run -0 find "stage$P/bin" -type f ! -perm -0755
	assert_output ""
	# scripts in share/ stay runnable, data is not executable
	[ -x "stage$P/share/domstat/make-top1m.sh" ]
	[ ! -x "stage$P/share/domstat/freq/domstat.freq" ]
	run -0 man -l "stage$P/share/man/man7/domstat.7"
	assert_output --partial "domstat"
}

@test "staged commands (DESTDIR) find the shipped data next to their bin/, not in the checkout" {
	mk install DESTDIR="$PWD/stage" >/dev/null
	local b="$PWD/stage$P/bin" d="$PWD/stage$P/share/domstat"
	cd /
	# the freq table
	run -0 --separate-stderr "$b/domain-freq" <<<"example.com"
	assert_output --regexp '"freq_score":\[[0-9.]+,[0-9.]+\]'
	# the provider tables: dns-grade warns when it cannot find them
	local rec='{"domain":"example.com","dns":{"v":1,"domain":"example.com","queries":[]}}'
	run -0 --separate-stderr "$b/dns-grade" <<<"$rec"
	assert_output --partial '"grades"'
	[ -z "$stderr" ]
	# the seed list imports from where it is installed
	run -0 --separate-stderr "$b/seen-db" --db "$BATS_TEST_TMPDIR/s.db" import "$d/top1m.import"
	run -0 "$b/seen-db" --db "$BATS_TEST_TMPDIR/s.db" stats
	assert_output --regexp '"domains": ?[1-9][0-9]{2}'
	# the RDAP overrides: the installed file (changed here to a closed loopback port) is the
	# one asked, after a cached, empty IANA registry
	mkdir -p "$XDG_CACHE_HOME/domstat"
	echo '{"version":"1.0","publication":"2026-01-01T00:00:00Z","services":[]}' \
		>"$XDG_CACHE_HOME/domstat/rdap-dns.json"
	sed -i 's,https://rdap.denic.de/,http://127.0.0.1:9/installed-overrides/,' "$d/rdap/overrides.json"
	run -1 --separate-stderr "$b/domain-born" --allow-http --allow-private --no-progress \
		--db "$BATS_TEST_TMPDIR/b.db" --timeout 5 <<<"example.de"
	assert_output --partial 'http://127.0.0.1:9/installed-overrides/domain/example.de'
	# and they are the installed files: without them the commands say so
	rm "$d/freq/domstat.freq" "$d/providers/ns.tsv"
	run -2 --separate-stderr "$b/domain-freq" <<<"example.com"
	assert_equal "$stderr" "domain-freq: cannot find the default table freq/domstat.freq (set DOMSTAT_SHARE or use --table)"
	run -0 --separate-stderr "$b/dns-grade" <<<"$rec"
	assert_equal "$stderr" "dns-grade: cannot find the shipped table providers/ns.tsv (set DOMSTAT_SHARE)"
}

@test "make installcheck passes on a staged install and fails on a broken one" {
	mk install DESTDIR="$PWD/stage" >/dev/null
	run -0 mk installcheck DESTDIR="$PWD/stage"
	assert_output --partial "installcheck: $PWD/stage$P ok"
	rm "stage$P/share/domstat/freq/domstat.freq"
	run -2 mk installcheck DESTDIR="$PWD/stage"
}

@test "installed without DESTDIR, a command copied elsewhere finds the data in the compiled-in PREFIX/share/domstat" {
	mk install >/dev/null
	mkdir -p elsewhere/bin
	cp "$P/bin/domain-freq" elsewhere/bin/
	cd /
	run -0 "$BATS_TEST_TMPDIR/elsewhere/bin/domain-freq" <<<"example.com"
	assert_output --partial '"freq_score":['
	rm "$P/share/domstat/freq/domstat.freq"
	run -2 "$BATS_TEST_TMPDIR/elsewhere/bin/domain-freq" <<<"example.com"
	mk uninstall >/dev/null
}

@test "uninstall removes exactly what install put, and the folders only domstat uses" {
	mk install DESTDIR="$PWD/stage" >/dev/null
	# files of other packages in the same folders stay
	touch "stage$P/bin/other" "stage$P/share/man/man1/other.1"
	mk uninstall DESTDIR="$PWD/stage" >/dev/null
	run -0 sh -c "find stage -type f | LC_ALL=C sort"
	assert_output - <<-EOF
	stage$P/bin/other
	stage$P/share/man/man1/other.1
	EOF
	[ ! -e "stage$P/share/domstat" ]
	[ ! -e "stage$P/share/bash-completion" ]
	[ ! -e "stage$P/share/zsh" ]
	# uninstalling again is not an error
	mk uninstall DESTDIR="$PWD/stage" >/dev/null
}

@test "the installed bash completion offers each command's options" {
	mk install DESTDIR="$PWD/stage" >/dev/null
	local dir="$PWD/stage$P/share/bash-completion/completions" b="$PWD/stage$P/bin"
	run -0 bash -c '
		PATH=$2:$PATH
		for c in dns-scan dns-grade stats-report domain-freq seen-db domain-born; do
			. "$1/$c"
			complete -p "$c" | grep -q -- "-F _domstat" || exit 1
		done
		COMP_WORDS=(seen-db --ne); COMP_CWORD=1; _domstat; echo "${COMPREPLY[*]}"' sh "$dir" "$b"
	assert_output "--never-expire"
}

@test "bash-completion loads the installed completion on demand, from PREFIX/share" {
	local loader=/usr/share/bash-completion/bash_completion
	[ -f "$loader" ] || skip "needs the bash-completion package"
	mk install DESTDIR="$PWD/stage" >/dev/null
	# bash-completion looks in $XDG_DATA_DIRS/bash-completion/completions/<command>
	run -0 env XDG_DATA_DIRS="$PWD/stage$P/share" PATH="$PWD/stage$P/bin:$PATH" bash -c '
		. "$1"
		for c in dns-scan dns-grade stats-report domain-freq seen-db domain-born; do
			__load_completion "$c" && complete -p "$c"
		done
		COMP_WORDS=(domain-born --no-p); COMP_CWORD=1; _domstat; echo "${COMPREPLY[*]}"' sh "$loader"
	assert_equal "$(grep -c -- '-F _domstat' <<<"$output")" 6
	assert_line "--no-progress"
}
