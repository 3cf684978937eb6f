#!/usr/bin/env bash
# Runs every test: the unit tests (normal and sanitizer builds), then the
# bats integration suites against the sanitizer build of the programs.
# Ends with one line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

passed=0 failed=0
fail_names=()
log=$(mktemp -d /tmp/ais-tests.XXXXXX)

run_unit() {		# $1: a cmocka test binary
	local out="$log/$(basename "$(dirname "$(dirname "$1")")")-$(basename "$1").out"
	AIS_TESTDATA=tests/data timeout 120 "$1" >"$out" 2>&1
	local rc=$? p f
	p=$(grep -c '^\[       OK \]' "$out")
	f=$(grep -c '^\[  FAILED  \] test' "$out")
	[ $rc -ne 0 ] && [ "$f" -eq 0 ] && f=1	# crashed or timed out
	passed=$((passed + p)) failed=$((failed + f))
	if [ "$f" -ne 0 ]; then
		fail_names+=("$1")
		cat "$out"
	fi
	printf '%-45s %3d passed, %d failed\n' "$1" "$p" "$f"
}

for t in build/release/tests/test_* build/asan/tests/test_*; do
	[ -x "$t" ] && run_unit "$t"
done

export AIS_BIN=$PWD/build/asan/bin
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export AIS_TEST_LOGS=$log	# cluster_down copies sanitizer reports here
bats --tap tests/*.bats >"$log/bats.tap" 2>&1
bats_rc=$?
cat "$log/bats.tap"
p=$(grep -c '^ok ' "$log/bats.tap")
f=$(grep -c '^not ok ' "$log/bats.tap")
[ $bats_rc -ne 0 ] && [ "$f" -eq 0 ] && f=1
passed=$((passed + p)) failed=$((failed + f))

# A sanitizer report in any daemon or tool is a failure, even if the test
# that caused it passed.
if [ -s "$log/sanitizer.log" ]; then
	echo "sanitizer reports in daemon logs:"
	head -100 "$log/sanitizer.log"
	failed=$((failed + 1))
fi

[ $((passed + failed)) -eq 0 ] && failed=1
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
