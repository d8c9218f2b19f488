#!/usr/bin/env bats
# containerd's runc v2 shim driving runuml: `ctr run --runc-binary` against a
# containerd this file starts itself (own root, state and socket).

load helpers/runuml

setup_file() {
	command -v containerd >/dev/null && command -v ctr >/dev/null && [ "$(id -u)" -eq 0 ] || return 0
	export CTRD_DIR=$BATS_FILE_TMPDIR/ctrd
	mkdir -p "$CTRD_DIR"/{root,state}
	cat >"$CTRD_DIR/config.toml" <<-EOF
	version = 2
	root = "$CTRD_DIR/root"
	state = "$CTRD_DIR/state"
	disabled_plugins = ["io.containerd.grpc.v1.cri"]
	[grpc]
	  address = "$CTRD_DIR/containerd.sock"
	EOF
	containerd --config "$CTRD_DIR/config.toml" >"$CTRD_DIR/containerd.log" 2>&1 &
	echo $! >"$CTRD_DIR/pid"
	for _ in $(seq 1 100); do
		ctr -a "$CTRD_DIR/containerd.sock" version >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	cat "$CTRD_DIR/containerd.log" >&2
	return 1
}

teardown_file() {
	[ -n "${CTRD_DIR:-}" ] || return 0
	kill "$(cat "$CTRD_DIR/pid")" 2>/dev/null || true
	sleep 1
	pkill -9 -f "containerd-shim.*$CTRD_DIR" 2>/dev/null || true
	grep -F "$CTRD_DIR" /proc/mounts | awk '{print $2}' | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
	# the (empty) parent cgroup of ctr's cgroupsPath /<namespace>/<id>
	rmdir /sys/fs/cgroup/*/runuml-test /sys/fs/cgroup/runuml-test 2>/dev/null || true
}

setup() {
	[ -n "${CTRD_DIR:-}" ] || skip "needs root and Debian's containerd (ctr)"
	ROOTFS=$BATS_TEST_TMPDIR/rootfs
	cp -a "$IMAGE_DIR/rootfs" "$ROOTFS"
}

teardown() {
	wait_for 10 "! pgrep -f 'runuml-monitor.*$CTRD_DIR' >/dev/null" || true
	! pgrep -af "runuml-monitor.*$CTRD_DIR"
}

ctr_run() {
	ctr -a "$CTRD_DIR/containerd.sock" -n runuml-test run --rm --runc-binary "$RUNUML" --env PATH=/bin:/usr/bin \
		--rootfs "$ROOTFS" "$@"
}

@test "containerd: ctr run prints the output from inside UML" {
	run ctr_run "c$BATS_TEST_NUMBER" head -n 2 /proc/cpuinfo
	[ "$status" -eq 0 ]
	[[ "$output" == *"User Mode Linux"* ]]
}

@test "containerd: exit status" {
	run ctr_run "c$BATS_TEST_NUMBER" sh -c 'exit 5'
	[ "$status" -eq 5 ]
}

@test "containerd: a missing executable is containerd's one-line runtime error" {
	run ctr -a "$CTRD_DIR/containerd.sock" -n runuml-test run --rm --runc-binary "$RUNUML" \
		--rootfs "$ROOTFS" "c$BATS_TEST_NUMBER" nosuch
	[ "$status" -ne 0 ]
	[[ "$output" == *'OCI runtime create failed'*'exec: "nosuch": executable file not found in $PATH'* ]]
}

@test "containerd: piped stdin reaches the process, and the session ends with it" {
	run bash -c "echo hi | ctr -a '$CTRD_DIR/containerd.sock' -n runuml-test run --rm --runc-binary '$RUNUML' \
		--env PATH=/bin --rootfs '$ROOTFS' c$BATS_TEST_NUMBER sh -c 'read l; echo got \$l; exit 3'"
	[ "$status" -eq 3 ]
	[ "$output" = "got hi" ]
}

# `echo hi | ctr run … cat` never ends: ctr copies its stdin into the FIFO
# but never calls CloseIO, and the shim keeps its own write end of that FIFO
# open until CloseIO (containerd#2439, #2659), so EOF never reaches the
# runtime's stdin pipe.  runc behaves the same; this pins that parity.
ctr_cat_for() {
	local binary=$1 name=$2
	echo hi | timeout -s KILL 8 ctr -a "$CTRD_DIR/containerd.sock" -n runuml-test run --rm --runc-binary "$binary" \
		--env PATH=/bin --rootfs "$ROOTFS" "$name" cat
	local rc=$?
	ctr -a "$CTRD_DIR/containerd.sock" -n runuml-test task kill -s KILL "$name" >/dev/null 2>&1
	for _ in $(seq 1 50); do
		ctr -a "$CTRD_DIR/containerd.sock" -n runuml-test task rm -f "$name" >/dev/null 2>&1
		ctr -a "$CTRD_DIR/containerd.sock" -n runuml-test c rm "$name" >/dev/null 2>&1 && break
		sleep 0.2
	done
	return $rc
}

@test "containerd: ctr's piped stdin EOF is lost in containerd, for runc as for runuml" {
	command -v runc >/dev/null || skip "no runc to compare with"
	run ctr_cat_for "$(command -v runc)" "r$BATS_TEST_NUMBER"
	[ "$output" = hi ] || skip "runc cannot run a container on this machine: $output"
	echo "# runc: exit $status" >&3
	run ctr_cat_for "$RUNUML" "c$BATS_TEST_NUMBER"
	echo "# runuml: exit $status" >&3
	[ "$output" = hi ]
	# the data arrives; whether the lost EOF ends the session before ctr is
	# killed depends on containerd's timing, for runc as for runuml, so
	# both outcomes are accepted: a clean end (0) or the kill (137)
	[ "$status" -eq 0 ] || [ "$status" -eq 137 ]
}
