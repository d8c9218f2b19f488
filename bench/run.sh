#!/usr/bin/env bash
# bench/run.sh [--smoke] [--areas "start micro ..."] [--out DIR]
#
# `make bench`: measures every area (bench/areas/<area>.sh) against its
# baseline in the same session and writes DIR/benchmarks.md and
# DIR/benchmarks.png (default DIR: docs/).  `make bench-smoke` (--smoke):
# every area once with tiny sizes, report under build/bench/smoke/; no
# timing is judged, but the exit status is non-zero when any harness broke.
# Raw samples: build/bench/results-<mode>.tsv; log: build/bench/bench-<mode>.log.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"

MODE=full
AREAS="start micro fs net mem cpu stdio"
OUT=""
while [ $# -gt 0 ]; do
	case $1 in
	--smoke) MODE=smoke ;;
	--areas) AREAS=$2; shift ;;
	--out) OUT=$2; shift ;;
	*) echo "usage: bench/run.sh [--smoke] [--areas LIST] [--out DIR]" >&2; exit 2 ;;
	esac
	shift
done

BUILD_DIR=${RUNUML_BUILD:-$TOP/build}
case $BUILD_DIR in /*) ;; *) BUILD_DIR=$TOP/$BUILD_DIR ;; esac
RUNUML=${BENCH_RUNUML:-$BUILD_DIR/bin/runuml} # another runuml to measure: BENCH_RUNUML
UBENCH=$BUILD_DIR/bench/ubench
IMAGE_DIR=$BUILD_DIR/images/busybox
for f in "$RUNUML" "$UBENCH" "$IMAGE_DIR/config.json" "$IMAGE_DIR.tar"; do
	[ -e "$f" ] || { echo "bench: $f missing; run make first" >&2; exit 2; }
done
command -v runc >/dev/null || { echo "bench: runc missing; run make deps" >&2; exit 2; }
[ -n "$OUT" ] || { [ $MODE = full ] && OUT=$TOP/docs || OUT=$BUILD_DIR/bench/smoke; }
mkdir -p "$OUT"

WORK=$BUILD_DIR/bench/work
RU_STATE=$WORK/state-runuml
RC_STATE=$WORK/state-runc
RESULTS=$BUILD_DIR/bench/results-$MODE.tsv
FACTS=$BUILD_DIR/bench/facts-$MODE.tsv
LOG=$BUILD_DIR/bench/bench-$MODE.log
RU_FLAGS=()

# shellcheck source=bench/lib.sh
source "$TOP/bench/lib.sh"
bench_config "$MODE"
for a in $AREAS; do
	[ -f "$TOP/bench/areas/$a.sh" ] || { echo "bench: no area \`$a\`" >&2; exit 2; }
	# shellcheck disable=SC1090
	source "$TOP/bench/areas/$a.sh"
done

say() { log "$@" 2>&1 | tee -a "$LOG" >&2; }

# Processes of the bench's runuml containers: their command lines name
# the state root.  Anything there after an area is a leak; it is reported
# (the area fails) and killed by pid.
leftovers() { pgrep -f -- "$RU_STATE/" || true; }

finish() {
	cleanup_containers
	local p
	for p in $(leftovers); do kill -9 "$p" 2>/dev/null || true; done
}
trap finish EXIT

# mounts a crashed earlier run may have left (its dockerd's)
awk -v d="$WORK/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r | xargs -r -n1 umount -l
rm -rf "$WORK"
mkdir -p "$WORK" "$RU_STATE" "$RC_STATE"
: >"$RESULTS"
: >"$LOG"
say "mode $MODE: areas $AREAS; reps $BENCH_REPS after $BENCH_WARMUP warm-up; log $LOG"

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD -- . ':!docs/benchmarks.md' ':!docs/benchmarks.png' 2>/dev/null || commit+=" (with uncommitted changes)"
{
	printf 'reps\t%s\nwarmup\t%s\n' "$BENCH_REPS" "$BENCH_WARMUP"
	printf 'date\t%s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
	printf 'git commit\t%s\n' "$commit"
	printf 'CPU\t%s\n' "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
	printf 'cores\t%s\n' "$(nproc)"
	printf 'memory\t%s\n' "$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
	printf 'host kernel\t%s\n' "$(uname -r)"
	printf 'guest kernel\tUML %s\n' "$(timeout 5 "$BUILD_DIR/libexec/runuml/linux" --version 2>/dev/null || echo '?')"
	printf 'runc\t%s\n' "$(runc --version | head -n 1)"
	printf 'load average at start\t%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
} >"$FACTS"

failed=()
started=$SECONDS
for a in $AREAS; do
	say "area $a"
	t=$SECONDS
	unset V
	declare -A V
	set +e
	(
		set -e
		"area_$a"
	) 2>>"$LOG"
	st=$?
	set -e
	cleanup_containers
	left=$(leftovers)
	if [ -n "$left" ]; then
		say "area $a left processes behind: ${left//$'\n'/ }"
		for p in $left; do kill -9 "$p" 2>/dev/null || true; done
		st=1
	fi
	if [ $st != 0 ]; then
		failed+=("$a")
		record "$a" "(harness)" "" lower runuml "FAIL: area \`$a\` broke (exit $st); see the bench log" "" "" ""
		say "area $a FAILED; end of the log:"
		tail -n 15 "$LOG" >&2
	fi
	printf 'time of area %s\t%ss\n' "$a" $((SECONDS - t)) >>"$FACTS"
	say "area $a done in $((SECONDS - t))s"
done
printf 'load average at end\t%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)" >>"$FACTS"
printf 'total bench time\t%ss\n' $((SECONDS - started)) >>"$FACTS"

bash "$TOP/bench/report.sh" "$RESULTS" "$FACTS" "$OUT/benchmarks.md" "$OUT/benchmarks.png"
say "wrote $OUT/benchmarks.md and $OUT/benchmarks.png in $((SECONDS - started))s"
if [ ${#failed[@]} -gt 0 ]; then
	say "FAILED areas: ${failed[*]}"
	exit 1
fi
