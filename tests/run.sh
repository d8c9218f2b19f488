#!/usr/bin/env bash
# The test runner behind `make test` (and `tests/run.sh unit`): runs every C
# unit test in $BUILD/tests/unit, then every tests/*.bats (or those named in
# RUNUML_TESTS), streaming their TAP, and ends with one plain line
#   N passed, N failed, N skipped
# exiting non-zero if anything failed, crashed or printed no plan.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${RUNUML_BUILD:-build}
case $build in /*) ;; *) build=$top/$build ;; esac
export RUNUML_TOP=$top RUNUML_BUILD=$build
mode=${1:-all}
per_file_timeout=${RUNUML_TEST_TIMEOUT:-1200}
passed=0 failed=0 skipped=0 broken=0

# tally FILE NAME: counts a TAP stream; a stream with no plan or a plan that
# does not match is a failure of its own.
tally() {
	local out=$1 name=$2 rc=$3 plan ok notok skip total
	plan=$(grep -m1 -E '^1\.\.[0-9]+' "$out" | sed 's/^1\.\.//')
	ok=$(grep -cE '^ok [0-9]+' "$out" || true)
	notok=$(grep -cE '^not ok [0-9]+' "$out" || true)
	skip=$(grep -cE '^ok [0-9]+.*# [Ss][Kk][Ii][Pp]' "$out" || true)
	total=$((ok + notok))
	passed=$((passed + ok - skip))
	skipped=$((skipped + skip))
	failed=$((failed + notok))
	if [ -z "$plan" ] || [ "$plan" -ne "$total" ] || { [ "$rc" -ne 0 ] && [ "$notok" -eq 0 ]; }; then
		echo "# $name: broken run (exit $rc, plan '${plan:-none}', $total results)"
		broken=$((broken + 1))
		failed=$((failed + 1))
	fi
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ "$mode" = all ] || [ "$mode" = unit ]; then
	for t in "$build"/tests/unit/*; do
		[ -x "$t" ] && [ -f "$t" ] || continue
		name=unit/$(basename "$t")
		echo "# --- $name"
		timeout "$per_file_timeout" "$t" 2>&1 | tee "$tmp/out"
		tally "$tmp/out" "$name" "${PIPESTATUS[0]}"
	done
fi
if [ "$mode" = all ] || [ "$mode" = bats ]; then
	cd "$top/tests"
	files=${RUNUML_TESTS:-$(ls ./*.bats 2>/dev/null | sed 's|^\./||')}
	for f in $files; do
		echo "# --- $f"
		timeout "$per_file_timeout" bats --tap "$f" 2>&1 | tee "$tmp/out"
		tally "$tmp/out" "$f" "${PIPESTATUS[0]}"
	done
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
