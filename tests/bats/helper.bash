# SPDX-License-Identifier: ISC
# Loaded by every .bats file: isolates each test and finds the build under test.
bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert

TOP="$(cd "$BATS_TEST_DIRNAME/../.." && pwd)"
FIXTURES="$BATS_TEST_DIRNAME/fixtures"
SHARED="$TOP/../shared"

setup_isolated() {
	TEST_ROOT="$BATS_TEST_TMPDIR/root"
	mkdir -p "$TEST_ROOT/home" "$TEST_ROOT/data" "$TEST_ROOT/cache" "$TEST_ROOT/config"
	export HOME="$TEST_ROOT/home"
	export XDG_DATA_HOME="$TEST_ROOT/data"
	export XDG_CACHE_HOME="$TEST_ROOT/cache"
	export XDG_CONFIG_HOME="$TEST_ROOT/config"
	# the project's own settings must not leak in from the caller
	unset DOMSTAT_DB DOMSTAT_SHARE DOMSTAT_PSL DOMSTAT_BOOTSTRAP DOMSTAT_BATCH_ROWS
	export PATH="${DOMSTAT_BIN:-$TOP/build/bin}:$PATH"
	export LC_ALL=C.UTF-8
	cd "$BATS_TEST_TMPDIR" || return 1
}

# Skip a test that reads ../shared when it is not there.
require_shared() {
	[ -e "$SHARED/$1" ] || skip "needs ../shared/$1"
}

# Count lines of a file (0 for an empty one).
count_lines() {
	wc -l <"$1" | tr -d ' '
}

# Are the commands under test a sanitizer build (make asan)? They run three to ten times slower
# there: a test of sheer volume scales its input down, keeping everything it checks.
sanitized() {
	ldd "$(command -v seen-db)" 2>/dev/null | grep -q 'libasan\|libubsan'
}
