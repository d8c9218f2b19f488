# A real dockerd for tests, started by the suite itself with its own
# data-root, exec-root and socket (Debian's docker.io), with runuml
# registered as runtime "uml".  Never touches a system docker.
#
#   dockerd_start DIR       starts it (bounded wait); exports DOCKER_HOST;
#                           DOCKERD_CONFIG=FILE uses that daemon.json instead
#   docker_cli ARGS...      docker against that daemon (-H $DOCKER_HOST)
#   docker_import_rootfs TAR IMAGE   a rootfs tarball as an image
#   docker_import_busybox   imports the busybox test image as runuml-busybox
#   dockerd_stop DIR        stops it and unmounts what it left
#
# Flags that work on the Debian 12 test machines (cgroup v1, cgroupfs driver,
# no systemd): --iptables=false with "ip-forward": false (no netfilter
# needed; docker then warns "IPv4 forwarding is disabled" on every run),
# --bridge none (no docker0), vfs storage (no overlay-on-overlay), and
# --exec-root/--data-root/--pidfile/-H all under DIR.  `docker run
# --runtime=runc` works with these, so a failure with --runtime=uml is ours.

dockerd_available() {
	command -v dockerd >/dev/null && command -v containerd >/dev/null && [ "$(id -u)" -eq 0 ]
}

dockerd_start() {
	local dir=$1
	mkdir -p "$dir"/{data,exec}
	if [ -n "${DOCKERD_CONFIG:-}" ]; then
		cp "$DOCKERD_CONFIG" "$dir/daemon.json"
	else
	cat >"$dir/daemon.json" <<-EOF
	{
	  "runtimes": { "uml": { "path": "$RUNUML" } },
	  "iptables": false,
	  "ip-forward": false,
	  "storage-driver": "vfs",
	  "log-level": "warn"
	}
	EOF
	fi
	dockerd --config-file "$dir/daemon.json" --data-root "$dir/data" --exec-root "$dir/exec" \
		--pidfile "$dir/docker.pid" -H "unix://$dir/docker.sock" \
		--bridge none >"$dir/dockerd.log" 2>&1 &
	echo $! >"$dir/dockerd.launch.pid"
	export DOCKER_HOST=unix://$dir/docker.sock
	local i
	for i in $(seq 1 300); do
		docker version >/dev/null 2>&1 && return 0
		kill -0 "$(cat "$dir/dockerd.launch.pid")" 2>/dev/null || break
		sleep 0.1
	done
	echo "dockerd did not start:" >&2
	tail -n 20 "$dir/dockerd.log" >&2
	return 1
}

docker_cli() {
	docker -H "${DOCKER_HOST:?dockerd_start first}" "$@"
}

docker_import_rootfs() {
	local tar=$1 image=$2
	docker_cli image inspect "$image" >/dev/null 2>&1 && return 0
	docker_cli import -c 'CMD ["sh"]' \
		-c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
		"$tar" "$image" >/dev/null
}

docker_import_busybox() {
	docker_import_rootfs "$IMAGE_DIR.tar" runuml-busybox
}

dockerd_stop() {
	local dir=$1 pid
	docker ps -aq 2>/dev/null | xargs -r docker rm -f >/dev/null 2>&1 || true
	pid=$(cat "$dir/dockerd.launch.pid" 2>/dev/null || true)
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null || true
		for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$pid" 2>/dev/null || true
	fi
	# containerd-shims and mounts it may have left
	pkill -9 -f "containerd-shim.*$dir" 2>/dev/null || true
	grep -F "$dir" /proc/mounts | awk '{print $2}' | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
	rm -rf "$dir"
}
