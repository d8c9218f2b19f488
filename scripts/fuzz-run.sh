#!/usr/bin/env bash
# Runs each libFuzzer harness for a bounded time: fuzz-run.sh SECONDS HARNESS...
# Each gets its own corpus directory under build-fuzz/corpus/<name> (seeded
# from tests/fuzz/seeds/<name> when that exists); a crash fails the run and
# leaves the reproducer in build-fuzz/crashes/<name>/.
set -euo pipefail
secs=$1; shift
[ $# -gt 0 ] || { echo "fuzz-run: no harnesses built" >&2; exit 1; }
top=$(cd "$(dirname "$0")/.." && pwd)
rc=0
for h in "$@"; do
	name=$(basename "$h")
	corpus=$top/build-fuzz/corpus/$name crashes=$top/build-fuzz/crashes/$name
	mkdir -p "$corpus" "$crashes"
	seeds=()
	[ -d "$top/tests/fuzz/seeds/$name" ] && seeds=("$top/tests/fuzz/seeds/$name")
	echo "# fuzz: $name for ${secs}s"
	if ! "$h" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$crashes/" "$corpus" "${seeds[@]}" 2>"$crashes/log"; then
		echo "fuzz: $name FAILED; reproducer and log in $crashes" >&2
		tail -40 "$crashes/log" >&2
		rc=1
	else
		grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "$crashes/log" | sed "s/^/# $name /"
	fi
done
exit $rc
