# area start: time until a container that runs `true` has exited, seen by
# the caller: `runuml run` vs `runc run` of the same bundle, and through
# docker (`docker run --rm --runtime=uml|runc`) when a dockerd can be started.

_start_ru() {
	local t
	t=$(now_us)
	ru_run "$B" >/dev/null || return 1
	echo "run_ms $(elapsed_ms "$t")"
}
_start_rc() {
	local t
	t=$(now_us)
	rc_run "$B" >/dev/null || return 1
	echo "run_ms $(elapsed_ms "$t")"
}
_start_docker() {
	local t
	t=$(now_us)
	docker_cli run --rm --network none --runtime="$1" runuml-bench true >/dev/null || return 1
	echo "docker_ms $(elapsed_ms "$t")"
}

# docker_reason: empty when a dockerd can be tried, else why not
_docker_reason() {
	[ "$BENCH_DOCKER" != no ] || { echo "disabled (BENCH_DOCKER=no)"; return; }
	command -v dockerd >/dev/null || { echo "dockerd is not installed"; return; }
	command -v containerd >/dev/null || { echo "containerd is not installed"; return; }
	[ "$(id -u)" -eq 0 ] || { echo "starting a dockerd needs root"; return; }
}

# The bench's own dockerd (tests/helpers/dockerd.bash starts it under
# DOCKERD_DIR); stopped by pid, then whatever it mounted there is unmounted.
_start_docker_stop() {
	local pid p
	[ -n "${DOCKERD_DIR:-}" ] && [ -d "$DOCKERD_DIR" ] || return 0
	docker_cli ps -aq 2>/dev/null | xargs -r docker -H "$DOCKER_HOST" rm -f >/dev/null 2>&1 || true
	pid=$(cat "$DOCKERD_DIR/dockerd.launch.pid" 2>/dev/null || true)
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null || true
		wait_gone 20 "$pid" || kill -9 "$pid" 2>/dev/null || true
	fi
	for p in $(pgrep -f -- "$DOCKERD_DIR/" || true); do kill -9 "$p" 2>/dev/null || true; done
	awk -v d="$DOCKERD_DIR/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r |
		xargs -r -n1 umount -l 2>/dev/null || true
	rm -rf "$DOCKERD_DIR"
}

area_start() {
	B=$WORK/bundle-start
	make_bench_bundle "$B"
	set_args "$B" true
	interleave runuml=_start_ru runc=_start_rc
	row start "run \`true\`" run_ms ms lower runuml runc

	local why
	why=$(_docker_reason)
	if [ -z "$why" ]; then
		# shellcheck source=tests/helpers/dockerd.bash
		source "$TOP/tests/helpers/dockerd.bash"
		DOCKERD_DIR=$WORK/dockerd
		rm -rf "$DOCKERD_DIR"
		trap _start_docker_stop EXIT
		if ! dockerd_start "$DOCKERD_DIR" 2>>"$LOG"; then
			why="dockerd did not start: $(grep -v '^\s*$' "$DOCKERD_DIR/dockerd.log" | tail -n 1 | cut -c1-160)"
		elif ! docker_import_rootfs "$IMAGE_DIR.tar" runuml-bench; then
			why="docker import of the test image failed"
		fi
	fi
	if [ -n "$why" ]; then
		record_na start "docker run --rm \`true\`" ms runc "$why"
	else
		interleave uml="_start_docker uml" runc="_start_docker runc"
		row start "docker run --rm \`true\`" docker_ms ms lower uml runc "docker: --network none, vfs storage"
	fi
	_start_docker_stop
}
