#!/usr/bin/env bats
# docker run --runtime=uml against a real dockerd that this file starts
# (own data-root, exec-root and socket; --iptables=false, vfs storage), with
# an image imported from the busybox test rootfs.

load helpers/runuml
load helpers/dockerd

setup_file() {
	if ! dockerd_available; then
		return 0
	fi
	export DOCKER_DIR=$BATS_FILE_TMPDIR/docker
	dockerd_start "$DOCKER_DIR"
	docker_import_busybox
}

teardown_file() {
	[ -n "${DOCKER_DIR:-}" ] && dockerd_stop "$DOCKER_DIR"
	true
}

setup() {
	dockerd_available || skip "needs root and Debian's docker.io (dockerd, containerd)"
	export DOCKER_HOST=unix://$DOCKER_DIR/docker.sock
}

teardown() {
	docker ps -aq | xargs -r docker rm -f >/dev/null 2>&1 || true
	# nothing of a uml container may outlive it
	wait_for 10 "! pgrep -f 'runuml-monitor.*$DOCKER_DIR' >/dev/null"
	! pgrep -af "runuml-monitor.*$DOCKER_DIR"
}

# docker run, minus dockerd's "IPv4 forwarding is disabled" warning (this
# dockerd runs with --iptables=false and no bridge)
drun() {
	local rc
	docker run --runtime=uml --rm "$@" 2>"$BATS_TEST_TMPDIR/docker.err"
	rc=$?
	grep -v 'IPv4 forwarding' "$BATS_TEST_TMPDIR/docker.err" >&2
	return $rc
}

@test "docker: run prints the output" {
	run drun runuml-busybox echo hello from docker
	[ "$status" -eq 0 ]
	[ "$output" = "hello from docker" ]
	run drun runuml-busybox head -n 2 /proc/cpuinfo
	[[ "$output" == *"User Mode Linux"* ]]
}

@test "docker: exit codes" {
	for code in 0 3 255; do
		run drun runuml-busybox sh -c "exit $code"
		[ "$status" -eq "$code" ]
	done
}

@test "docker: -e, -w, -u" {
	run drun -e FOO=bar -w /tmp -u 1000:1000 runuml-busybox sh -c 'echo $FOO; pwd; id -u; id -g'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'bar\n/tmp\n1000\n1000')" ]
}

@test "docker: -i passes stdin" {
	run bash -c 'printf "line1\nline2\n" | docker run --runtime=uml --rm -i runuml-busybox cat 2>/dev/null'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'line1\nline2')" ]
}

@test "docker: -t gives a terminal" {
	run script -qec "docker run --runtime=uml --rm -t runuml-busybox rtest isatty" /dev/null
	[ "$status" -eq 0 ]
	[[ "$output" == *"stdin=1 stdout=1 stderr=1"* ]]
}

@test "docker: -v directory rw and ro, and a single file" {
	mkdir -p "$BATS_TEST_TMPDIR/vol" "$BATS_TEST_TMPDIR/rovol"
	echo host-data > "$BATS_TEST_TMPDIR/vol/in.txt"
	echo ro-data > "$BATS_TEST_TMPDIR/rovol/r.txt"
	echo single > "$BATS_TEST_TMPDIR/one.txt"
	run drun -v "$BATS_TEST_TMPDIR/vol:/vol" -v "$BATS_TEST_TMPDIR/rovol:/ro:ro" \
		-v "$BATS_TEST_TMPDIR/one.txt:/etc/one.txt" runuml-busybox \
		sh -c 'cat /vol/in.txt; echo from-guest > /vol/out.txt; cat /ro/r.txt; touch /ro/x 2>/dev/null && echo WRITABLE; cat /etc/one.txt'
	[ "$status" -eq 0 ]
	[[ "$output" == *"host-data"* ]]
	[[ "$output" == *"ro-data"* ]]
	[[ "$output" == *"single"* ]]
	[[ "$output" != *"WRITABLE"* ]]
	[ "$(cat "$BATS_TEST_TMPDIR/vol/out.txt")" = from-guest ]
}

@test "docker: --read-only root" {
	run drun --read-only runuml-busybox sh -c 'touch /x 2>&1 && echo WRITABLE'
	[[ "$output" != *"WRITABLE"* ]]
	[[ "$output" == *"Read-only"* ]]
}

@test "docker: --network none" {
	run drun --network none runuml-busybox cat /proc/net/dev
	[ "$status" -eq 0 ]
	[[ "$output" == *"lo:"* ]]
}

@test "docker: -m 256m is what the guest has" {
	run drun -m 256m runuml-busybox sh -c "grep MemTotal /proc/meminfo | tr -s ' ' | cut -d' ' -f2"
	[ "$status" -eq 0 ]
	[ "$output" -gt $((200 * 1024)) ]
	[ "$output" -lt $((330 * 1024)) ]
}

@test "docker: --cpus and --cpu-shares reach the guest cgroup" {
	run drun --cpus 0.5 --cpu-shares 512 runuml-busybox sh -c \
		'd=/sys/fs/cgroup$(cut -d: -f3 /proc/self/cgroup); cat $d/cpu.max $d/cpu.weight'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "50000 100000" ]
	[ "${lines[1]}" -lt 100 ]
}

@test "docker: exec, plain and -it" {
	docker run --runtime=uml -d --name ex1 runuml-busybox sleep 60
	run docker exec ex1 sh -c 'echo in-exec; exit 4'
	[ "$status" -eq 4 ]
	[ "$output" = in-exec ]
	run script -qec "docker exec -it ex1 rtest isatty" /dev/null
	[[ "$output" == *"stdin=1 stdout=1 stderr=1"* ]]
	docker rm -f ex1
}

@test "docker: logs are complete when the process exits right after writing" {
	docker run --runtime=uml -d --name lg1 runuml-busybox sh -c 'seq 1 5000; echo last-line'
	docker wait lg1
	run docker logs lg1
	[ "${#lines[@]}" -eq 5001 ]
	[ "${lines[5000]}" = last-line ]
	docker rm lg1
}

@test "docker: stop sends SIGTERM, then SIGKILL after -t" {
	docker run --runtime=uml -d --name st1 runuml-busybox rtest sigwait
	sleep 1
	docker stop -t 10 st1
	[ "$(docker inspect -f '{{.State.ExitCode}}' st1)" -eq 0 ]
	run docker logs st1
	[[ "$output" == *"got SIGTERM"* ]]
	docker rm st1
	# PID 1 without a handler ignores SIGTERM: SIGKILL after the timeout
	docker run --runtime=uml -d --name st2 runuml-busybox sleep 60
	sleep 1
	docker stop -t 1 st2
	[ "$(docker inspect -f '{{.State.ExitCode}}' st2)" -eq 137 ]
	docker rm st2
}

@test "docker: kill -s and wait" {
	docker run --runtime=uml -d --name kl1 runuml-busybox sleep 60
	docker kill -s KILL kl1
	run docker wait kl1
	[ "$output" -eq 137 ]
	docker rm kl1
}

@test "docker: restart" {
	docker run --runtime=uml -d --name rs1 runuml-busybox sh -c 'date +%s%N; sleep 60'
	docker restart -t 1 rs1
	[ "$(docker inspect -f '{{.State.Running}}' rs1)" = true ]
	run docker logs rs1
	[ "${#lines[@]}" -eq 2 ]
	docker rm -f rs1
}

@test "docker: run -d then rm -f leaves no host process, mount or state" {
	docker run --runtime=uml -d --name rm1 runuml-busybox sleep 60
	id=$(docker inspect -f '{{.Id}}' rm1)
	pgrep -f "runuml-monitor.*$id" >/dev/null
	docker rm -f rm1
	wait_for 10 "! pgrep -f 'runuml-monitor.*$id' >/dev/null"
	! pgrep -f "libexec/runuml/linux.*$id"
	! grep -q "$id" /proc/mounts || ! grep "$id" /proc/mounts | grep -v overlay | grep -q .
	[ ! -e "$DOCKER_DIR/exec/runtime-runc/moby/$id" ]
}

@test "docker: update -m and --pids-limit reach the guest cgroup" {
	docker run --runtime=uml -d --name up1 runuml-busybox sleep 60
	docker update -m 64m --memory-swap 128m --pids-limit 9 up1
	run docker exec up1 sh -c 'd=/sys/fs/cgroup$(cut -d: -f3 /proc/self/cgroup); cat $d/memory.max $d/pids.max'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '67108864\n9')" ]
	# above the memory the guest booted with: refused in one line, nothing changes
	run docker update -m 4g --memory-swap 8g up1
	[ "$status" -ne 0 ]
	[[ "$output" == *"fixed at boot"* ]]
	run docker exec up1 sh -c 'cat /sys/fs/cgroup$(cut -d: -f3 /proc/self/cgroup)/memory.max'
	[ "$output" = 67108864 ]
	docker rm -f up1
}

@test "docker: stats --no-stream shows the sandbox's own numbers" {
	docker run --runtime=uml -d --name sx1 runuml-busybox sh -c 'head -c 20000000 /dev/zero > /dev/shm/x; sleep 60'
	id=$(docker inspect -f '{{.Id}}' sx1)
	sleep 2
	run docker stats --no-stream --format '{{.MemUsage}}|{{.PIDs}}' sx1
	echo "$output"
	[ "$status" -eq 0 ]
	# the sandbox's cgroup (monitor, kernel, guest address spaces), not the shim's
	[[ "$output" =~ ^[0-9.]+MiB ]]
	mib=${output%%.*}; mib=${mib%%MiB*}
	[ "$mib" -ge 20 ] && [ "$mib" -lt 400 ]
	[ "${output##*|}" -ge 3 ]
	pid=$(pgrep -f "runuml-monitor.*$id" | head -n 1)
	grep -q "memory:.*$id" "/proc/$pid/cgroup"
	docker rm -f sx1
	# the cgroup goes with the container
	wait_for 10 "! ls -d /sys/fs/cgroup/*/docker/$id 2>/dev/null | grep -q ."
}

@test "docker: the default seccomp profile is applied; unconfined and a custom profile work" {
	run drun runuml-busybox grep '^Seccomp:' /proc/self/status
	[ "$status" -eq 0 ]
	[[ "$output" == *"Seccomp:"*"2" ]]
	# the default profile refuses unshare(CLONE_NEWUSER) without CAP_SYS_ADMIN
	run drun runuml-busybox unshare -U true
	[ "$status" -ne 0 ]
	[[ "$output" == *"Operation not permitted"* ]]
	run drun --security-opt seccomp=unconfined runuml-busybox grep '^Seccomp:' /proc/self/status
	[ "$status" -eq 0 ]
	[[ "$output" == *"Seccomp:"*"0" ]]
	cat > "$BATS_TEST_TMPDIR/nomkdir.json" <<'JSON'
{"defaultAction": "SCMP_ACT_ALLOW",
 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}
JSON
	run drun --security-opt "seccomp=$BATS_TEST_TMPDIR/nomkdir.json" runuml-busybox \
		sh -c 'mkdir /tmp/d'
	[ "$status" -ne 0 ]
	[[ "$output" == *"Operation not permitted"* ]]
	# docker exec runs under the container's profile
	docker run --runtime=uml -d --name sc-exec --security-opt "seccomp=$BATS_TEST_TMPDIR/nomkdir.json" \
		runuml-busybox sleep 60 2>/dev/null
	run docker exec sc-exec sh -c 'grep "^Seccomp:" /proc/self/status; mkdir /tmp/e'
	[ "$status" -ne 0 ]
	[[ "$output" == *"Seccomp:"*"2"* ]]
	[[ "$output" == *"Operation not permitted"* ]]
	docker rm -f sc-exec >/dev/null
}
