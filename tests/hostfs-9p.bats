#!/usr/bin/env bats
# The container's files reach the guest only through runuml-9p, the 9P2000.L
# server on vhost-user (hostfs-proxy/): file semantics compared with runc,
# escapes through planted symbolic links, bind mounts (directories, single
# files, ro, nosuid, nodev), host edits seen by the guest, the proxy's
# confinement, and the kernel's own lack of host-file access.

load helpers/runuml

setup() {
	common_setup
	BUNDLE=$BATS_TEST_TMPDIR/bundle
	make_bundle "$BUNDLE"
	cp "$TOP/tests/fs-ops.sh" "$BUNDLE/rootfs/bin/fs-ops"
	chmod 0755 "$BUNDLE/rootfs/bin/fs-ops"
	# docker's default capabilities: file ownership and modes are the guest's
	local caps='["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FSETID","CAP_FOWNER","CAP_MKNOD","CAP_NET_RAW",
		"CAP_SETGID","CAP_SETUID","CAP_SETFCAP","CAP_SETPCAP","CAP_NET_BIND_SERVICE",
		"CAP_SYS_CHROOT","CAP_KILL","CAP_AUDIT_WRITE"]'
	jq --argjson c "$caps" '.process.capabilities = {bounding:$c, effective:$c, permitted:$c}' \
		"$BUNDLE/config.json" > "$BUNDLE/c" && mv "$BUNDLE/c" "$BUNDLE/config.json"
}

teardown() {
	common_teardown
}

# jqb FILTER: edits the bundle's config.json
jqb() {
	jq "$@" "$BUNDLE/config.json" > "$BUNDLE/c" && mv "$BUNDLE/c" "$BUNDLE/config.json"
}

# bind SRC DEST [OPTIONS-JSON]: adds a bind mount
bind() {
	jqb --arg s "$1" --arg d "$2" --argjson o "${3:-[\"rbind\"]}" \
		'.mounts += [{destination:$d, type:"bind", source:$s, options:$o}]'
}

run_in() {
	set_args "$BUNDLE" "$@"
	run "$RUNUML" --root "$STATE" run -b "$BUNDLE" "t$BATS_TEST_NUMBER"
}

@test "9p: the root file system is 9P from the proxy, and the kernel has no hostfs" {
	run_in sh -c 'grep " / " /proc/mounts | head -n 1; grep -c hostfs /proc/filesystems || true'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *" / 9p "* ]]
	[ "${lines[1]}" = 0 ]
}

@test "9p: mount -t hostfs fails inside the guest, even with CAP_SYS_ADMIN" {
	jqb '.process.capabilities.bounding += ["CAP_SYS_ADMIN"] |
		.process.capabilities.effective += ["CAP_SYS_ADMIN"] |
		.process.capabilities.permitted += ["CAP_SYS_ADMIN"]'
	run_in sh -c 'mkdir -p /tmp/h && mount -t tmpfs none /tmp/h && umount /tmp/h && echo admin-ok;
		mount -t hostfs none /tmp/h && echo MOUNTED; ls /tmp/h | head -n 3; echo end'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *admin-ok* ]]
	[[ "$output" != *MOUNTED* ]]
	[[ "$output" == *end* ]]
}

@test "9p: file operations give the same results as under runc" {
	command -v runc >/dev/null || skip "runc is not installed"
	[ "$(id -u)" -eq 0 ] || skip "the runc reference needs root"
	mkdir "$BUNDLE/rootfs/w"
	run_in fs-ops /w
	echo "$output" > "$BATS_TEST_TMPDIR/uml.out"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *done ]]
	# what the guest wrote through a shared mapping and an xattr is on the host
	[ "$(cat "$BUNDLE/rootfs/w/m")" = shared-bytes ]
	[ "$(python3 -c 'import os,sys; print(os.getxattr(sys.argv[1], "user.runuml-test").decode())' \
		"$BUNDLE/rootfs/w/b")" = value1 ]
	[ "$(stat -c %u:%g "$BUNDLE/rootfs/w/l1")" = 1000:1000 ]
	rm -rf "$BUNDLE/rootfs/w" && mkdir "$BUNDLE/rootfs/w"
	run runc --root "$BATS_TEST_TMPDIR/runc" run -b "$BUNDLE" "r$BATS_TEST_NUMBER"
	echo "$output" > "$BATS_TEST_TMPDIR/runc.out"
	[ "$status" -eq 0 ]
	diff -u "$BATS_TEST_TMPDIR/runc.out" "$BATS_TEST_TMPDIR/uml.out"
}

@test "9p: symbolic links planted in the root and in a bind mount stay inside the share" {
	local secret=TOPSECRET-$RANDOM$RANDOM
	echo "$secret" > "$BATS_TEST_TMPDIR/marker"
	ln -s ../../marker "$BUNDLE/rootfs/rel"
	ln -s "$BATS_TEST_TMPDIR/marker" "$BUNDLE/rootfs/abs"
	ln -s ../../../../../../../../../.. "$BUNDLE/rootfs/up"
	mkdir -p "$BATS_TEST_TMPDIR/share/sub"
	ln -s ../marker "$BATS_TEST_TMPDIR/share/out"
	ln -s ../../marker "$BATS_TEST_TMPDIR/share/sub/out2"
	ln -s / "$BATS_TEST_TMPDIR/share/root"
	bind "$BATS_TEST_TMPDIR/share" /mnt
	run_in sh -c "cat /rel /abs /up$BATS_TEST_TMPDIR/marker /mnt/out /mnt/sub/out2 \
		/mnt/root$BATS_TEST_TMPDIR/marker /../../marker /mnt/../../marker 2>&1;
		ls /up/ | head -n 50; ls /../../.. | grep -c '^bin$'; cd /mnt/../../..; pwd"
	echo "$output"
	[[ "$output" != *"$secret"* ]]
	[[ "$output" == *rtest* || "$output" == *bin* ]]
	[ "${lines[-1]}" = / ]
	# the guest may make its own links to anything: they resolve in the guest
	run_in sh -c "ln -s $BATS_TEST_TMPDIR/marker /mine && cat /mine 2>&1; ln -s ../../.. /mnt/l && ls /mnt/l/ | grep -c rtest"
	echo "$output"
	[[ "$output" != *"$secret"* ]]
}

@test "9p: bind mounts: directory rw, directory ro, single files, root.readonly" {
	mkdir -p "$BATS_TEST_TMPDIR/rw" "$BATS_TEST_TMPDIR/ro"
	echo host-data > "$BATS_TEST_TMPDIR/ro/f"
	echo "10.9.8.7 myhost" > "$BATS_TEST_TMPDIR/hosts"
	echo single > "$BATS_TEST_TMPDIR/single"
	echo sibling > "$BATS_TEST_TMPDIR/sibling"
	bind "$BATS_TEST_TMPDIR/rw" /data
	bind "$BATS_TEST_TMPDIR/ro" /ro '["rbind","ro"]'
	bind "$BATS_TEST_TMPDIR/hosts" /etc/hosts
	bind "$BATS_TEST_TMPDIR/single" /opt/one.txt
	jqb '.root.readonly = true'
	run_in sh -c 'echo from-guest > /data/new && cat /data/new;
		cat /ro/f; echo x > /ro/f 2>&1 || echo ro-refused;
		cat /etc/hosts; echo appended >> /etc/hosts && echo hosts-written;
		cat /opt/one.txt; ls /opt; ls /opt/one.txt/.. 2>&1 | head -n 3;
		touch /rootfile 2>&1 || echo root-refused; echo ok'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(cat "$BATS_TEST_TMPDIR/rw/new")" = from-guest ]
	[ "$(cat "$BATS_TEST_TMPDIR/ro/f")" = host-data ]
	[[ "$output" == *ro-refused* ]]
	[[ "$output" == *"Read-only file system"* ]]
	[[ "$output" == *"10.9.8.7 myhost"* ]]
	[ "$(tail -n 1 "$BATS_TEST_TMPDIR/hosts")" = appended ]
	[[ "$output" == *single* ]]
	[[ "$output" != *sibling* ]]
	[[ "$output" == *root-refused* ]]
	[ ! -e "$BUNDLE/rootfs/rootfile" ]
}

@test "9p: nosuid and nodev are enforced by the proxy" {
	mkdir -p "$BATS_TEST_TMPDIR/ns"
	cp "$BUNDLE/rootfs/bin/busybox" "$BATS_TEST_TMPDIR/ns/suidbin"
	chmod 4755 "$BATS_TEST_TMPDIR/ns/suidbin"
	bind "$BATS_TEST_TMPDIR/ns" /ns '["rbind","nosuid","nodev"]'
	run_in sh -c 'stat -c %a /ns/suidbin; touch /ns/f; chmod 6755 /ns/f; stat -c %a /ns/f;
		mknod /ns/null c 1 3 2>&1 || echo mknod-refused; mkfifo /ns/fifo && echo fifo-ok;
		mknod /devnode c 1 3 2>&1 || echo root-mknod-refused'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 755 ]
	[ "${lines[1]}" = 755 ]
	[[ "$output" == *mknod-refused* ]]
	[[ "$output" == *fifo-ok* ]]
	[[ "$output" == *root-mknod-refused* ]]
	[ ! -e "$BATS_TEST_TMPDIR/ns/null" ]
	[ "$(stat -c %a "$BATS_TEST_TMPDIR/ns/f")" = 755 ]
	[ "$(stat -c %a "$BATS_TEST_TMPDIR/ns/suidbin")" = 4755 ]
}

@test "9p: host edits to a bind mount are visible in the running guest" {
	mkdir -p "$BATS_TEST_TMPDIR/live"
	echo v1 > "$BATS_TEST_TMPDIR/live/f"
	bind "$BATS_TEST_TMPDIR/live" /live
	set_args "$BUNDLE" sh -c 'cat /live/f; ls /live; i=0; while [ ! -e /live/go ] && [ $i -lt 600 ]; do
		sleep 0.05; i=$((i+1)); done; cat /live/f; ls /live; stat -c %s /live/f'
	"$RUNUML" --root "$STATE" run -b "$BUNDLE" live > "$BATS_TEST_TMPDIR/out" 2>&1 &
	local pid=$!
	wait_for 60 "grep -q v1 '$BATS_TEST_TMPDIR/out'"
	echo "version-two" > "$BATS_TEST_TMPDIR/live/f"
	echo new > "$BATS_TEST_TMPDIR/live/added"
	touch "$BATS_TEST_TMPDIR/live/go"
	wait "$pid"
	cat "$BATS_TEST_TMPDIR/out"
	grep -q version-two "$BATS_TEST_TMPDIR/out"
	grep -q added "$BATS_TEST_TMPDIR/out"
	[ "$(tail -n 1 "$BATS_TEST_TMPDIR/out")" = 12 ]
}

@test "9p: the proxy is confined (seccomp, no_new_privs, empty root, few fds)" {
	set_args "$BUNDLE" sleep 60
	"$RUNUML" --root "$STATE" run -d -b "$BUNDLE" conf </dev/null >/dev/null 2>&1
	local p
	p=$(pgrep -f -- "runuml-9p.*$STATE/conf" | head -n 1)
	[ -n "$p" ]
	grep -E '^Seccomp:' "/proc/$p/status"
	[ "$(awk '/^Seccomp:/{print $2}' "/proc/$p/status")" = 2 ]
	[ "$(awk '/^NoNewPrivs:/{print $2}' "/proc/$p/status")" = 1 ]
	[ "$(awk '/^CapEff:/{print $2}' "/proc/$p/status")" != 000001ffffffffff ]
	# its root is the empty directory, not the host's
	[ "$(ls -A "/proc/$p/root/" 2>/dev/null | wc -l)" -eq 0 ]
	# its sockets are the ones the kernel handed it for the one share: the
	# vhost-user connection and virtio_uml's request and call channels
	# (socketpairs); no network socket in its own network namespace
	local socks
	socks=$(ls -l "/proc/$p/fd" | grep -c 'socket:' || true)
	[ "$socks" -ge 1 ] && [ "$socks" -le 3 ]
	[ -z "$(nsenter -t "$p" -n ss -tuwap | grep "pid=$p," || true)" ]
	# its network namespace is not the host's
	[ "$(readlink "/proc/$p/ns/net")" != "$(readlink /proc/self/ns/net)" ]
	"$RUNUML" --root "$STATE" delete -f conf
}

@test "9p: a forbidden system call kills the proxy and the container fails with a clear error" {
	set_args "$BUNDLE" sh -c 'echo never; sleep 5'
	RUNUML_TEST_9P_FORBIDDEN_SYSCALL=1 run "$RUNUML" --root "$STATE" run -b "$BUNDLE" sec
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"runuml-9p was killed by its seccomp filter"* ]]
	[ "$(printf '%s\n' "$output" | grep -c .)" -eq 1 ]
}

@test "9p: a missing bind source is a one-line error before anything boots" {
	bind "$BATS_TEST_TMPDIR/does-not-exist" /mnt
	run_in true
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"does-not-exist"* ]]
	[ "$(printf '%s\n' "$output" | grep -c .)" -eq 1 ]
}

# The proxy's own descriptors of its shares: were the proxy taken over, the
# host's ".." of a share's directory must not lead out of it, a share the
# container got read-only is read-only to the kernel, not just to the
# proxy's checks, and no device node can be opened through them (nodev).
# Seen from the host through /proc/PID/fd (as root).
@test "9p: a share's descriptors in the proxy reach nothing above the share, ro is the kernel's" {
	[ "$(id -u)" -eq 0 ] || skip "reading another process's descriptors needs root"
	local tag=outside-$RANDOM$RANDOM
	mkdir -p "$BATS_TEST_TMPDIR/shared/sub" "$BATS_TEST_TMPDIR/ro"
	echo secret > "$BATS_TEST_TMPDIR/$tag"
	echo keep > "$BATS_TEST_TMPDIR/ro/ro-only-file"
	# a device node in a share without nodev: the proxy never opens one
	mknod "$BATS_TEST_TMPDIR/shared/devzero" c 1 5
	bind "$BATS_TEST_TMPDIR/shared" /mnt
	bind "$BATS_TEST_TMPDIR/ro" /ro '["rbind","ro"]'
	set_args "$BUNDLE" sh -c 'ls /mnt/sub /ro >/dev/null; sleep 60'
	"$RUNUML" --root "$STATE" run -d -b "$BUNDLE" iso </dev/null >/dev/null 2>&1
	local p n dirs=0 ro=0 devs=0
	p=$(pgrep -f -- "runuml-9p.*$STATE/iso" | head -n 1)
	[ -n "$p" ]
	for n in $(ls "/proc/$p/fd"); do
		[ -d "/proc/$p/fd/$n" ] || continue
		dirs=$((dirs + 1))
		ls -a "/proc/$p/fd/$n/.." "/proc/$p/fd/$n/../.." | grep -qx "$tag" && {
			echo "fd $n reaches $tag"; return 1; }
		ls -a "/proc/$p/fd/$n/.." "/proc/$p/fd/$n/../.." | grep -qx config.json && {
			echo "fd $n reaches the bundle"; return 1; }
		if [ -e "/proc/$p/fd/$n/devzero" ]; then
			devs=$((devs + 1))
			run head -c 1 "/proc/$p/fd/$n/devzero"
			[ "$status" -ne 0 ]
			[[ "$output" == *"Permission denied"* ]]
		fi
		if [ -e "/proc/$p/fd/$n/ro-only-file" ]; then
			ro=$((ro + 1))
			run touch "/proc/$p/fd/$n/new-file"
			[ "$status" -ne 0 ]
			[[ "$output" == *"Read-only file system"* ]]
		fi
	done
	echo "dirs=$dirs ro=$ro devs=$devs"
	[ "$dirs" -ge 3 ]
	[ "$ro" -ge 1 ]
	[ "$devs" -ge 1 ]
	[ ! -e "$BATS_TEST_TMPDIR/ro/new-file" ]
	"$RUNUML" --root "$STATE" delete -f iso
}

@test "9p: rootless too, a share's descriptors in the proxy reach nothing above the share" {
	[ "$(id -u)" -eq 0 ] || skip "reading another user's process descriptors needs root"
	command -v useradd >/dev/null || skip "no useradd to create an unprivileged user"
	local user=runuml-rl tag=outside-$RANDOM$RANDOM rl=$BATS_TEST_TMPDIR/rl
	id "$user" >/dev/null 2>&1 || useradd -M -s /bin/sh "$user"
	chmod o+rx "$BATS_TEST_TMPDIR" "$BATS_RUN_TMPDIR" "$BATS_RUN_TMPDIR/test" \
		"$(dirname "$BATS_TEST_TMPDIR")" 2>/dev/null || true
	mkdir -p "$rl/shared" "$rl/state"
	echo secret > "$rl/$tag"
	make_bundle "$rl/bundle" sh -c 'ls /mnt >/dev/null; sleep 60'
	jq --arg s "$rl/shared" '.mounts += [{destination:"/mnt", type:"bind", source:$s, options:["rbind"]}]' \
		"$rl/bundle/config.json" > "$rl/c" && mv "$rl/c" "$rl/bundle/config.json"
	chown -R "$user" "$rl"
	su "$user" -s /bin/sh -c "'$RUNUML' --root '$rl/state' run -d -b '$rl/bundle' rliso </dev/null >/dev/null 2>&1"
	local p n dirs=0
	p=$(pgrep -f -- "runuml-9p.*$rl/state/rliso" | head -n 1)
	[ -n "$p" ]
	[ "$(stat -c %U "/proc/$p")" = "$user" ]
	for n in $(ls "/proc/$p/fd"); do
		[ -d "/proc/$p/fd/$n" ] || continue
		dirs=$((dirs + 1))
		ls -a "/proc/$p/fd/$n/.." "/proc/$p/fd/$n/../.." | grep -qx "$tag" && {
			echo "fd $n reaches $tag"; su "$user" -s /bin/sh -c "'$RUNUML' --root '$rl/state' delete -f rliso"; return 1; }
	done
	echo "dirs=$dirs"
	su "$user" -s /bin/sh -c "'$RUNUML' --root '$rl/state' delete -f rliso"
	[ "$dirs" -ge 2 ]
}
