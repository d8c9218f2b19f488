# Shared set-up for the bats suites that drive runuml: paths, bundles made
# from the busybox test image, bounded waits, and a teardown that fails the
# test if anything of a container is left behind (processes, state, files in
# /dev/shm or TMPDIR).

TOP=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
BUILD_DIR=${RUNUML_BUILD:-$TOP/build}
case $BUILD_DIR in /*) ;; *) BUILD_DIR=$TOP/$BUILD_DIR ;; esac
RUNUML=$BUILD_DIR/bin/runuml
RECVTTY=$BUILD_DIR/tests/tools/recvtty
SUBREAPER=$BUILD_DIR/tests/tools/subreaper
IMAGE_DIR=$BUILD_DIR/images/busybox
RTEST_HOST=$IMAGE_DIR/rootfs/bin/rtest

common_setup() {
	STATE=$BATS_TEST_TMPDIR/state
	mkdir -p "$STATE"
	export TMPDIR=${TMPDIR:-/tmp}
	_shm_before=$(ls -A /dev/shm 2>/dev/null | sort)
	_tmp_before=$(ls -A "$TMPDIR" 2>/dev/null | grep -v '^bats' | sort)
}

# Everything of the test's containers must be gone: the monitor and kernel
# processes (their command lines name the test's state directory), the
# state entries, and any temporary file UML or we might have left.
common_teardown() {
	local left procs
	for d in "$STATE"/*/; do
		[ -d "$d" ] || continue
		"$RUNUML" --root "$STATE" delete --force "$(basename "$d")" >/dev/null 2>&1 || true
	done
	wait_for 10 "! pgrep -f -- '$STATE/' >/dev/null"
	procs=$(pgrep -af -- "$STATE/" || true)
	if [ -n "$procs" ]; then
		echo "# left behind: $procs" >&3
		pkill -9 -f -- "$STATE/" || true
		return 1
	fi
	left=$(ls -A "$STATE" 2>/dev/null || true)
	if [ -n "$left" ]; then
		echo "# state left behind: $left" >&3
		return 1
	fi
	if [ "$(ls -A /dev/shm 2>/dev/null | sort)" != "$_shm_before" ]; then
		echo "# /dev/shm changed: $(ls -A /dev/shm)" >&3
		return 1
	fi
	# UML's memory file lives in TMPDIR (unlinked at once): nothing new may
	# stay there (other suites running in parallel are not expected)
	local tmp_new
	tmp_new=$(comm -13 <(echo "$_tmp_before") <(ls -A "$TMPDIR" 2>/dev/null | grep -v '^bats' | sort) |
		grep -iE 'uml|vm_file|runuml' || true)
	if [ -n "$tmp_new" ]; then
		echo "# left in $TMPDIR: $tmp_new" >&3
		return 1
	fi
}

# make_bundle DIR [ARGS...]: a fresh bundle from the busybox image, with
# terminal off and process.args = ARGS (default: sh).
make_bundle() {
	local dir=$1
	shift
	[ -f "$IMAGE_DIR/config.json" ] || { echo "no test image at $IMAGE_DIR (run make)" >&2; return 1; }
	mkdir -p "$dir"
	cp -a "$IMAGE_DIR/rootfs" "$dir/rootfs"
	jq '.process.terminal = false' "$IMAGE_DIR/config.json" > "$dir/config.json"
	[ $# -eq 0 ] || set_args "$dir" "$@"
}

# set_args DIR ARGS...: sets process.args of DIR/config.json.
set_args() {
	local dir=$1
	shift
	local args='[]' a
	for a in "$@"; do
		args=$(jq -c --arg a "$a" '. + [$a]' <<<"$args")
	done
	jq --argjson a "$args" '.process.args = $a' "$dir/config.json" > "$dir/config.json.new"
	mv "$dir/config.json.new" "$dir/config.json"
}

# wait_for SECONDS COMMAND: polls COMMAND (a shell string) every 50 ms.
wait_for() {
	local deadline=$((SECONDS + $1))
	while ! eval "$2"; do
		[ "$SECONDS" -lt "$deadline" ] || return 1
		sleep 0.05
	done
}

# rtest_host ARGS...: the test helper run natively, as a reference.
rtest_host() {
	"$RTEST_HOST" "$@"
}

# subreaper_run CMD1... -- CMD2...: runs both under a child subreaper that
# prints how every orphan it reaps ended.
subreaper_run() {
	"$SUBREAPER" "$@"
}
