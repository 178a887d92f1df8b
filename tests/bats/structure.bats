#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# What keeps the code changeable (issue 17): files of a command that do not call each other in
# circles, no command reaching into another's folder, and none of the bench-only devices that
# were removed coming back.

load helper

setup() {
	setup_isolated
}

@test "dns-grade's and stats-report's files do not call each other in a circle" {
	objs="$(dirname "${DOMSTAT_BIN:-$TOP/build/bin}")/cmd"
	[ -e "$objs/dns-grade/grader.o" ] || skip "no objects beside the binaries under test"
	run -0 "$TOP/tests/file-cycles.sh" "$objs/dns-grade" "$objs/stats-report"
	[ "$output" = "" ]
}

@test "the cycle check finds a circle between two files" {
	printf 'int b(void);\nint a(void) { return b(); }\n' >a.c
	printf 'int a(void);\nint b(void) { return a(); }\n' >b.c
	mkdir objs
	cc -c -o objs/a.o a.c && cc -c -o objs/b.o b.c
	run -1 "$TOP/tests/file-cycles.sh" objs
	assert_output --partial 'a.c uses b.c ( b ) which leads back to it'
}

@test "no command's source includes another command's header" {
	cd "$TOP"
	run grep -n '#include "\.\./' cmd/*/*.[ch]
	[ "$status" -eq 1 ]
}

@test "the removed bench-only devices stay gone (file statics shared by stages, unroll pragmas, the writev queue)" {
	cd "$TOP"
	run grep -n 'static.*ds\b\|pragma GCC unroll\|tool_out_direct' -r cmd common
	[ "$status" -eq 1 ]
}
