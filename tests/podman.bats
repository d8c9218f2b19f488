#!/usr/bin/env bats
# podman (Debian's, with conmon) driving runuml through --runtime: as root,
# and rootless as an unprivileged user this file creates.  Storage is vfs
# under a directory of the suite's own, the image is imported from the test
# rootfs (no registry), the network is none (no netavark/slirp needed), and
# cgroups are managed by cgroupfs (no systemd).

load helpers/runuml

PM_USER=runuml-pm

setup_file() {
	command -v podman >/dev/null && [ "$(id -u)" -eq 0 ] || return 0
	export PM_DIR=$BATS_FILE_TMPDIR/podman
	mkdir -p "$PM_DIR"
	# podman as root, as one command (for `script -c` and pipes too)
	cat >"$PM_DIR/pm" <<-EOF
	#!/bin/sh
	exec podman --root '$PM_DIR/storage' --runroot '$PM_DIR/run' --storage-driver vfs \\
		--cgroup-manager cgroupfs --events-backend file --runtime '$RUNUML' "\$@"
	EOF
	chmod +x "$PM_DIR/pm"
	pm import "$IMAGE_DIR.tar" localhost/runuml-busybox >/dev/null
}

teardown_file() {
	[ -n "${PM_DIR:-}" ] || return 0
	pm rm -a -f -t 0 >/dev/null 2>&1 || true
	if [ -f "$BATS_FILE_TMPDIR/rl_dir" ]; then
		PM_RL_DIR=$(cat "$BATS_FILE_TMPDIR/rl_dir")
		rl "$(rl_pm) rm -a -f -t 0" >/dev/null 2>&1 || true
		rm -rf "$PM_RL_DIR"
	fi
	grep -F "$PM_DIR" /proc/mounts | awk '{print $2}' | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
}

setup() {
	command -v podman >/dev/null || skip "podman is not installed (scripts/packages.txt)"
	[ "$(id -u)" -eq 0 ] || skip "the root half of this suite needs root"
	[ -f "$IMAGE_DIR.tar" ] || skip "no test image tarball (run make)"
	# podman passes runtime flags (--runtime-flag root=…) to create and start
	# but not to delete, so runuml keeps its default root, /run/runuml
	_state_before=$(ls -A /run/runuml 2>/dev/null | sort)
	_monitors_before=$(pgrep -f 'runuml-monitor --state-dir /run/runuml/' | sort)
}

teardown() {
	[ -n "${PM_DIR:-}" ] || return 0
	pm rm -a -f -t 0 >/dev/null 2>&1 || true
	# nothing of a container may outlive it: monitor (and so kernel), state
	wait_for 10 "[ \"\$(pgrep -f 'runuml-monitor --state-dir /run/runuml/' | sort)\" = \"\$_monitors_before\" ]" || {
		echo "# left behind: $(pgrep -af 'runuml-monitor --state-dir /run/runuml/')" >&3
		return 1
	}
	if [ "$(ls -A /run/runuml 2>/dev/null | sort)" != "$_state_before" ]; then
		echo "# state left behind: $(ls -A /run/runuml)" >&3
		return 1
	fi
}

pm() { "$PM_DIR/pm" "$@"; }

prun() { pm run --rm --network none "$@"; }

@test "podman: run prints the output from inside UML" {
	run prun localhost/runuml-busybox head -n 2 /proc/cpuinfo
	[ "$status" -eq 0 ]
	[[ "$output" == *"User Mode Linux"* ]]
}

@test "podman: exit codes" {
	for code in 0 3 255; do
		run prun localhost/runuml-busybox sh -c "exit $code"
		[ "$status" -eq "$code" ]
	done
}

@test "podman: -e, -w, -u and -v rw, ro" {
	mkdir -p "$BATS_TEST_TMPDIR/vol" "$BATS_TEST_TMPDIR/ro"
	echo host-data > "$BATS_TEST_TMPDIR/vol/in.txt"
	echo ro-data > "$BATS_TEST_TMPDIR/ro/r.txt"
	run prun -e FOO=bar -w /tmp -u 1000:1000 localhost/runuml-busybox sh -c 'echo $FOO; pwd; id -u'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'bar\n/tmp\n1000')" ]
	run prun -v "$BATS_TEST_TMPDIR/vol:/vol" -v "$BATS_TEST_TMPDIR/ro:/ro:ro" localhost/runuml-busybox \
		sh -c 'cat /vol/in.txt /ro/r.txt; echo from-guest > /vol/out.txt; touch /ro/x 2>/dev/null && echo WRITABLE'
	[[ "$output" == *host-data*ro-data* ]]
	[[ "$output" != *WRITABLE* ]]
	[ "$(cat "$BATS_TEST_TMPDIR/vol/out.txt")" = from-guest ]
}

@test "podman: -i passes stdin, -t gives a terminal" {
	run bash -c "printf 'line1\nline2\n' | '$PM_DIR/pm' run --rm -i --network none localhost/runuml-busybox cat"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'line1\nline2')" ]
	run script -qec "'$PM_DIR/pm' run --rm -t --network none localhost/runuml-busybox rtest isatty" /dev/null
	[[ "$output" == *"stdin=1 stdout=1 stderr=1"* ]]
}

@test "podman: run -d, exec, stop, rm leaves nothing" {
	id=$(pm run -d --network none --name pd1 localhost/runuml-busybox sleep 60)
	[ -d "/run/runuml/$id" ]
	pgrep -f "runuml-monitor.*$id" >/dev/null
	run pm exec pd1 sh -c 'echo in-exec; exit 4'
	[ "$status" -eq 4 ]
	[ "$output" = in-exec ]
	run script -qec "'$PM_DIR/pm' exec -it pd1 rtest isatty" /dev/null
	[[ "$output" == *"stdin=1 stdout=1 stderr=1"* ]]
	# sleep as PID 1 ignores SIGTERM: SIGKILL after the timeout
	pm stop -t 1 pd1
	[ "$(pm inspect -f '{{.State.ExitCode}}' pd1)" -eq 137 ]
	pm rm pd1
	wait_for 10 "! pgrep -f 'runuml-monitor.*$id' >/dev/null"
	[ ! -e "/run/runuml/$id" ]
	! grep -q "$id" /proc/mounts
}

@test "podman: stop with a handler exits 0; kill -s; wait" {
	pm run -d --network none --name pd2 localhost/runuml-busybox rtest sigwait
	sleep 1
	pm stop -t 10 pd2
	[ "$(pm inspect -f '{{.State.ExitCode}}' pd2)" -eq 0 ]
	[[ "$(pm logs pd2)" == *"got SIGTERM"* ]]
	pm rm pd2
	pm run -d --network none --name pd3 localhost/runuml-busybox sleep 60
	pm kill -s KILL pd3
	run pm wait pd3
	[ "$output" -eq 137 ]
	pm rm pd3
}

# --- rootless: podman as an unprivileged user (its own user namespace from
# /etc/subuid via newuidmap); runuml runs as root of that namespace and keeps
# its state in the user's $XDG_RUNTIME_DIR, as runc does.

rootless_setup() {
	command -v useradd >/dev/null || skip "no useradd to create an unprivileged user"
	command -v newuidmap >/dev/null || skip "rootless podman needs newuidmap (Debian package uidmap)"
	id "$PM_USER" >/dev/null 2>&1 || useradd -M -s /bin/sh "$PM_USER"
	grep -q "^$PM_USER:" /etc/subuid || echo "$PM_USER:200000:65536" >> /etc/subuid
	grep -q "^$PM_USER:" /etc/subgid || echo "$PM_USER:200000:65536" >> /etc/subgid
	[ "$(cat /proc/sys/kernel/unprivileged_userns_clone 2>/dev/null || echo 1)" = 1 ] ||
		skip "unprivileged user namespaces are disabled (kernel.unprivileged_userns_clone=0)"
	# a directory the user owns, reachable through world-searchable parents
	if [ -z "${PM_RL_DIR:-}" ] || [ ! -d "$PM_RL_DIR" ]; then
		PM_RL_DIR=$(mktemp -d /tmp/runuml-podman-rl.XXXXXX)
		chmod 755 "$PM_RL_DIR"
		mkdir -p "$PM_RL_DIR/xdg"
		chmod 700 "$PM_RL_DIR/xdg"
		chown -R "$PM_USER" "$PM_RL_DIR"
		echo "$PM_RL_DIR" > "$BATS_FILE_TMPDIR/rl_dir"
	fi
	export PM_RL_DIR
	rl "podman --version" >/dev/null || skip "podman does not run as $PM_USER"
	rl "$(rl_pm) image exists localhost/runuml-busybox || $(rl_pm) import '$IMAGE_DIR.tar' localhost/runuml-busybox" >/dev/null 2>&1 ||
		skip "rootless podman cannot import an image here: $(rl "$(rl_pm) info" 2>&1 | tail -n 1)"
}

rl() {
	su "$PM_USER" -s /bin/sh -c "cd '$PM_RL_DIR' && export HOME='$PM_RL_DIR' XDG_RUNTIME_DIR='$PM_RL_DIR/xdg' USER='$PM_USER' && $1"
}

rl_pm() {
	echo "podman --root '$PM_RL_DIR/storage' --runroot '$PM_RL_DIR/run' --storage-driver vfs" \
		"--cgroup-manager cgroupfs --events-backend file --runtime '$RUNUML'"
}

rl_teardown() {
	rl "$(rl_pm) rm -a -f -t 0" >/dev/null 2>&1 || true
	wait_for 10 "! pgrep -f 'runuml-monitor.*$PM_RL_DIR' >/dev/null"
	! pgrep -af "runuml-monitor.*$PM_RL_DIR"
	[ -z "$(ls -A "$PM_RL_DIR/xdg/runuml" 2>/dev/null)" ]
}

@test "podman rootless: run as an unprivileged user, guest root inside" {
	[ -f "$BATS_FILE_TMPDIR/rl_dir" ] && PM_RL_DIR=$(cat "$BATS_FILE_TMPDIR/rl_dir")
	rootless_setup
	echo "# rootless podman as $PM_USER ($(rl 'id -u'))" >&3
	run rl "$(rl_pm) run --rm --network none localhost/runuml-busybox sh -c 'id -u; head -n 2 /proc/cpuinfo; exit 6'"
	echo "$output"
	[ "$status" -eq 6 ]
	[ "${lines[0]}" = 0 ]
	[[ "$output" == *"User Mode Linux"* ]]
	rl_teardown
}

@test "podman rootless: run -d, exec, stop, rm leaves nothing" {
	[ -f "$BATS_FILE_TMPDIR/rl_dir" ] && PM_RL_DIR=$(cat "$BATS_FILE_TMPDIR/rl_dir")
	rootless_setup
	run rl "$(rl_pm) run -d --network none --name rl1 localhost/runuml-busybox sleep 60"
	[ "$status" -eq 0 ]
	id=${lines[-1]}
	[ -d "$PM_RL_DIR/xdg/runuml/$id" ]
	run rl "$(rl_pm) exec rl1 sh -c 'echo in-exec; exit 4'"
	[ "$status" -eq 4 ]
	[ "$output" = in-exec ]
	rl "$(rl_pm) stop -t 1 rl1" 2>/dev/null
	rl "$(rl_pm) rm rl1"
	wait_for 10 "! pgrep -f 'runuml-monitor.*$id' >/dev/null"
	[ ! -e "$PM_RL_DIR/xdg/runuml/$id" ]
	rl_teardown
}
