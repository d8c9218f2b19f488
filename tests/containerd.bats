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
