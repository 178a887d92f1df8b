#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# Fuzz regressions: every fuzz target replays its seeds and the inputs that once crashed it
# (fuzz/corpus/<target>/crash-*), and the crashing inputs go through the real commands too.
# The target binaries come from `make fuzz-build` (build-fuzz/fuzz/, or $DOMSTAT_FUZZ_BIN);
# those tests skip when it has not been run. The command tests always run.
load helper

setup() { setup_isolated; }

FUZZ_BIN="${DOMSTAT_FUZZ_BIN:-$TOP/build-fuzz/fuzz}"

# Each target runs once over each file of its corpus (file arguments: no fuzzing).
@test "every fuzz target replays its seeds and crash regressions cleanly" {
	[ -d "$FUZZ_BIN" ] || skip "no $FUZZ_BIN (run make fuzz-build)"
	for src in "$TOP"/fuzz/*.c; do
		t=$(basename "$src" .c)
		[ -x "$FUZZ_BIN/$t" ] || continue # built before this target existed
		run "$FUZZ_BIN/$t" "$TOP/fuzz/corpus/$t"/*
		[ "$status" -eq 0 ] || { echo "== $t"; echo "$output" | tail -n 40; return 1; }
		n=$(grep -c "^Executed $TOP/fuzz/corpus/$t/" <<<"$output")
		[ "$n" -eq "$(find "$TOP/fuzz/corpus/$t" -type f | wc -l)" ]
	done
}

@test "every fuzz target has a seed corpus and a build rule" {
	for src in "$TOP"/fuzz/*.c; do
		t=$(basename "$src" .c)
		n=$(find "$TOP/fuzz/corpus/$t" -type f | wc -l)
		[ "$n" -ge 3 ] || { echo "fuzz/corpus/$t has $n files"; return 1; }
	done
}

# Record inputs (after the target's two header bytes) fed to a real filter: one JSON object
# per input line, in order, whatever the bytes.
@test "domain-freq gives one valid output line per line of every record fuzz input" {
	for f in "$TOP"/fuzz/corpus/record/*; do
		tail -c +3 "$f" >in
		want=$(tr -cd '\n' <in | wc -c)
		[ ! -s in ] || [ "$(tail -c 1 in | od -An -c | tr -d ' ')" = '\n' ] || want=$((want + 1))
		run -0 --separate-stderr bash -c 'domain-freq <in >out; s=$?; [ $s -le 1 ] && echo ok'
		assert_equal "$(count_lines out)" "$want"
		grep -v '^$' out | jq -e 'type == "object"' >/dev/null
	done
}

@test "domain-freq --train on empty input writes an empty table (freq_write on no pairs)" {
	run -0 domain-freq --train </dev/null
	assert_output '[true, "\n\t~`!@#$%^&*()_+-", []]'
	# and the table it wrote loads back
	printf '%s\n' "$output" >empty.freq
	run -0 domain-freq --table empty.freq <<<"example.com"
	jq -e '.freq_score' <<<"$output" >/dev/null
}

@test "domain-freq --train reads the crashing freq table inputs as text" {
	for f in "$TOP"/fuzz/corpus/freq/crash-*; do
		tail -c +2 "$f" >t.freq
		run domain-freq --table t.freq <<<"example.com"
		[ "$status" -eq 0 ] || [ "$status" -eq 2 ]
		[[ "$output" != *Sanitizer* ]]
	done
}

# Found by structure-aware mutation of domain_stats exports under ASan: import_item copied the
# sighting's source from the import arena into the same arena, reading freed memory whenever
# that copy grew it (every element with a seen_by_web date and no source of its own).
@test "seen-db import of a large domain_stats export keeps every registration's source" {
	awk 'BEGIN { printf "["; for (i = 1; i <= 3000; i++)
		printf "%s{\"domain\": \"name%d.com\", \"expires\": null, \"seen_by_web\": \"Fri, 04 Aug 1995 04:00:00 GMT\", \"seen_by_isc\": \"TOP1M\"}", (i > 1 ? ", " : ""), i
		print "]" }' >top-sites.json
	run -0 --separate-stderr seen-db --db s.db import top-sites.json
	assert_equal "$stderr" "seen-db: 'top-sites.json': 3000 names imported, 0 rejected"
	run -0 sqlite3 s.db 'SELECT source, count(*) FROM registration GROUP BY 1'
	assert_output 'top-sites|3000'
}

# Found by fuzz/dname: UTS #46 maps U+00A0 (no-break space) to a space, so a name the ASCII
# path refuses came out valid, with a space in its A-label form.
@test "a name whose IDNA mapping gives a space is invalid, as the same name typed in ASCII is" {
	printf 'e\xc2\xa01x.com\ne 1x.com\n' >in
	run -1 --separate-stderr domain-freq <in
	for i in 0 1; do
		jq -e '.errors[0].msg == "invalid name: control character or space in name"' <<<"${lines[i]}" >/dev/null
	done
}

# Found by fuzz/dname: libidn2 applied its hyphen rules to the ASCII labels of a Unicode name,
# so "bømlo.non.-" was refused while its A-label spelling was a valid name.
@test "an ASCII label follows the ASCII rules whichever way the other labels are spelled" {
	printf '%s\n' 'bømlo.non.-' 'xn--bmlo-gra.non.-' 'ａｂ－－ｃ.bømlo.no' 'ab--c.xn--bmlo-gra.no' >in
	run -0 --separate-stderr domain-freq --score-on name <in
	run -0 jq -r '.name_ascii' <<<"$output"
	assert_output "$(printf '%s\n' xn--bmlo-gra.non.- xn--bmlo-gra.non.- ab--c.xn--bmlo-gra.no ab--c.xn--bmlo-gra.no)"
}

# Structure-aware mutation (fuzz/mutjson.py) for parsers that live inside commands: members
# retyped, dropped, repeated, lengthened or grafted at any depth. FUZZ_MUT_SEEDS widens it.
no_sanitizer_report() {
	! grep -q -e 'Sanitizer' -e 'runtime error' <<<"$1"
}

@test "dns-grade and stats-report take structure-mutated records: one line each, no crash" {
	for seed in ${FUZZ_MUT_SEEDS:-1 2}; do
		python3 "$TOP/fuzz/mutjson.py" "$seed" 150 <"$FIXTURES/dns-grade/scans.ndjson" >scans
		run --separate-stderr dns-grade <scans
		[ "$status" -le 1 ]
		no_sanitizer_report "$stderr"
		[ "${#lines[@]}" -eq 150 ]
		python3 "$TOP/fuzz/mutjson.py" "$seed" 150 <"$FIXTURES/stats-report/graded.ndjson" >graded
		for f in json html; do
			run --separate-stderr stats-report -F "$f" --date 2026-11-23 <graded
			[ "$status" -le 1 ]
			no_sanitizer_report "$stderr"
		done
	done
}

@test "seen-db import takes structure-mutated domain_stats exports and NDJSON: no crash" {
	for seed in ${FUZZ_MUT_SEEDS:-31 33}; do
		jq -c '.[]' "$FIXTURES/seen-db/domain_stats-export.json" |
			python3 "$TOP/fuzz/mutjson.py" "$seed" 200 >el.ndjson
		{ echo '['; paste -sd, el.ndjson; echo ']'; } >export.json
		run --separate-stderr seen-db --db s.db import --format domain-stats export.json
		[ "$status" -le 2 ]
		no_sanitizer_report "$stderr"
		run --separate-stderr seen-db --db s.db import --format ndjson el.ndjson
		[ "$status" -le 1 ]
		no_sanitizer_report "$stderr"
		run -0 sqlite3 s.db 'PRAGMA integrity_check'
		assert_output ok
	done
}

# Found by fuzz/freq: json-c asserts when indexing a non-array, and freq_parse indexed each pair
# before checking it was one; domain-freq aborted (SIGABRT) instead of refusing the table.
@test "domain-freq refuses a table whose pair is not an array, with exit 2 and the reason" {
	printf '[true, "", [["a", [["b", 4], 2]]]]' >bad.freq
	run -2 --separate-stderr domain-freq --table bad.freq <<<"example.com"
	assert_equal "$stderr" "domain-freq: cannot load table: bad pair: expected [char, integer count]"
}
