#!/usr/bin/env bats
# Networking (docs/networking.md): runuml-net's virtio-net device in mode
# slirp (libslirp: guest 10.0.2.15, host loopback only with the flag, port
# forwards, DNS forwarding), netns (the guest takes over the interface of a
# network namespace: one the test makes with `ip netns` + veth, or docker's
# bridge) and none.  Traffic goes only to loopback addresses and to network
# namespaces the test creates itself.

load helpers/runuml
load helpers/dockerd

setup_file() {
	if dockerd_available && [ -z "${RUNUML_NET_NO_DOCKER:-}" ]; then
		export DOCKER_DIR=$BATS_FILE_TMPDIR/docker
		dockerd_start "$DOCKER_DIR" && docker_import_busybox
	fi
	true
}

teardown_file() {
	if [ -n "${DOCKER_DIR:-}" ]; then
		# user-defined networks are bridges in the host's namespace
		local h=unix://$DOCKER_DIR/docker.sock
		docker -H "$h" ps -aq | xargs -r docker -H "$h" rm -f >/dev/null 2>&1 || true
		docker -H "$h" network prune -f >/dev/null 2>&1 || true
		dockerd_stop "$DOCKER_DIR"
	fi
	true
}

setup() {
	common_setup
	BUNDLE=$BATS_TEST_TMPDIR/bundle
	make_bundle "$BUNDLE"
	NS=rn$$t$BATS_TEST_NUMBER
	PIDS=()
}

teardown() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	if [ -n "${DOCKER_DIR:-}" ] && [ -S "$DOCKER_DIR/docker.sock" ]; then
		local h=unix://$DOCKER_DIR/docker.sock
		docker -H "$h" ps -aq | xargs -r docker -H "$h" rm -f >/dev/null 2>&1 || true
		docker -H "$h" network rm "rn-net$$" >/dev/null 2>&1 || true
	fi
	ip netns del "${NS}a" 2>/dev/null || true
	ip netns del "${NS}b" 2>/dev/null || true
	common_teardown
}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# http_server ADDR PORT DIR [NETNS]: python's http.server, in the background
http_server() {
	local ns=()
	[ -z "${4:-}" ] || ns=(ip netns exec "$4")
	(cd "$3" && exec "${ns[@]}" python3 -m http.server "$2" --bind "$1") >/dev/null 2>&1 &
	PIDS+=($!)
	wait_for 10 "${ns[*]} python3 -c 'import socket, sys; socket.create_connection((sys.argv[1], int(sys.argv[2])), 1)' $1 $2 2>/dev/null"
}

run_in() { # run_in [RUNUML_ARGS... --] ARGS...: runs the bundle with process.args = ARGS
	local pre=()
	if [[ " $* " == *" -- "* ]]; then
		while [ "$1" != -- ]; do pre+=("$1"); shift; done
		shift
	fi
	set_args "$BUNDLE" "$@"
	run "$RUNUML" --root "$STATE" "${pre[@]}" run -b "$BUNDLE" "t$BATS_TEST_NUMBER"
}

# start_detached ID [RUN_ARGS...]: run -d with the bundle as it is
start_detached() {
	local id=$1
	shift
	"$RUNUML" --root "$STATE" run -d "$@" -b "$BUNDLE" "$id"
}

@test "net slirp: eth0 is 10.0.2.15/24 via 10.0.2.2, resolv.conf names 10.0.2.3" {
	run_in sh -c 'ip -4 addr show eth0; ip route; cat /etc/resolv.conf'
	[ "$status" -eq 0 ]
	[[ "$output" == *"inet 10.0.2.15/24"* ]]
	[[ "$output" == *"default via 10.0.2.2 dev eth0"* ]]
	[[ "$output" == *"nameserver 10.0.2.3"* ]]
	# the image's own (empty) resolv.conf is untouched on the host
	[ ! -s "$BUNDLE/rootfs/etc/resolv.conf" ]
}

@test "net slirp: the guest fetches from a host loopback server with --net-allow-host-loopback" {
	local port
	port=$(free_port)
	mkdir -p "$BATS_TEST_TMPDIR/www"
	echo "hello from the host" >"$BATS_TEST_TMPDIR/www/index.html"
	http_server 127.0.0.1 "$port" "$BATS_TEST_TMPDIR/www"
	run_in --net-allow-host-loopback -- wget -q -O - "http://10.0.2.2:$port/index.html"
	[ "$status" -eq 0 ]
	[ "$output" = "hello from the host" ]
}

@test "net slirp: IPv6 by router advertisement; the host's ::1 only with the flag" {
	python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null ||
		skip "no IPv6 loopback on this host"
	local port
	port=$(free_port)
	mkdir -p "$BATS_TEST_TMPDIR/www"
	echo "hello over IPv6" >"$BATS_TEST_TMPDIR/www/index.html"
	(cd "$BATS_TEST_TMPDIR/www" && exec python3 -m http.server "$port" --bind ::1) >/dev/null 2>&1 &
	PIDS+=($!)
	wait_for 10 "curl -fs --max-time 1 'http://[::1]:$port/' >/dev/null"
	local script="for i in \$(seq 50); do ip -6 addr show eth0 | grep -q 'fd00::.*global' && break; sleep 0.2; done
		ip -6 addr show eth0; ip -6 route; wget -q -O - http://[fd00::2]:$port/index.html"
	run_in --net-allow-host-loopback -- sh -c "$script"
	[ "$status" -eq 0 ]
	[[ "$output" == *"inet6 fd00::5054:ff:fe12:3456/64 scope global"* ]]
	[[ "$output" == *"default via fe80::2 dev eth0"* ]]
	[[ "$output" == *"hello over IPv6"* ]]
	run_in sh -c "$script"
	[ "$status" -ne 0 ]
	[[ "$output" != *"hello over IPv6"* ]]
}

@test "net slirp: host loopback is refused without the flag" {
	local port
	port=$(free_port)
	mkdir -p "$BATS_TEST_TMPDIR/www"
	echo "secret" >"$BATS_TEST_TMPDIR/www/index.html"
	http_server 127.0.0.1 "$port" "$BATS_TEST_TMPDIR/www"
	run_in wget -q -O - "http://10.0.2.2:$port/index.html"
	[ "$status" -ne 0 ]
	[[ "$output" != *"secret"* ]]
}

@test "net slirp: a host client reaches a guest server through run -p" {
	local port
	port=$(free_port)
	set_args "$BUNDLE" sh -c 'mkdir -p /tmp/w && echo "hello from the guest" >/tmp/w/index.html && exec httpd -f -p 80 -h /tmp/w'
	start_detached fwd -p "127.0.0.1:$port:80"
	wait_for 30 "curl -fs --max-time 2 http://127.0.0.1:$port/index.html >/dev/null"
	run curl -fs --max-time 5 "http://127.0.0.1:$port/index.html"
	[ "$status" -eq 0 ]
	[ "$output" = "hello from the guest" ]
	"$RUNUML" --root "$STATE" delete -f fwd
	# the port is free again
	wait_for 10 "python3 -c \"import socket; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', $port)); s.listen()\""
}

@test "net slirp: 64 MiB of TCP each way (64 KiB frames, both queues under load)" {
	local port out
	port=$(free_port)
	set_args "$BUNDLE" rtest tcp-sink 5001
	start_detached sink -p "127.0.0.1:$port:5001"
	sleep 0.5
	run timeout 120 python3 "$TOP/bench/net_tcp.py" send 127.0.0.1 "$port" 64
	[ "$status" -eq 0 ]
	[[ "$output" == "64 MiB in "* ]]
	wait_for 30 "'$RUNUML' --root '$STATE' state sink | grep -q stopped"
	"$RUNUML" --root "$STATE" delete -f sink
	port=$(free_port)
	out=$BATS_TEST_TMPDIR/recv
	timeout 120 python3 "$TOP/bench/net_tcp.py" recv 127.0.0.1 "$port" >"$out" &
	PIDS+=($!)
	wait_for 10 "grep -q ready '$out'"
	run_in --net-allow-host-loopback -- rtest tcp-source 10.0.2.2 "$port" 64
	[ "$status" -eq 0 ]
	wait_for 10 "grep -q 'MiB in' '$out'"
	grep -q "^64 MiB in " "$out"
}

@test "net slirp: the org.runuml.net.ports annotation publishes a port (UDP too)" {
	local port
	port=$(free_port)
	jq --arg p "127.0.0.1:$port:7000/udp" '.annotations["org.runuml.net.ports"] = $p' \
		"$BUNDLE/config.json" >"$BUNDLE/c" && mv "$BUNDLE/c" "$BUNDLE/config.json"
	set_args "$BUNDLE" rtest udp-echo 7000 1
	# a loopback client's UDP is answered only with host loopback allowed:
	# libslirp 4.7 sends the guest's reply to 10.0.2.2 (docs/networking.md)
	"$RUNUML" --root "$STATE" --net-allow-host-loopback run -d -b "$BUNDLE" udp
	run ss -lun "sport = :$port"
	[[ "$output" == *"127.0.0.1:$port"* ]]
	run python3 -c "
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(0.5)
for _ in range(40):
    s.sendto(b'ping over udp', ('127.0.0.1', $port))
    try:
        print(s.recv(100).decode()); sys.exit(0)
    except socket.timeout:
        pass
sys.exit(1)"
	[ "$status" -eq 0 ]
	[ "$output" = "ping over udp" ]
	"$RUNUML" --root "$STATE" delete -f udp
}

@test "net slirp: rootless, the guest reaches a host loopback server and publishes a port" {
	local user=runuml-rl port port2
	if [ "$(id -u)" -eq 0 ]; then
		command -v useradd >/dev/null || skip "no useradd to create an unprivileged user"
		id "$user" >/dev/null 2>&1 || useradd -M -s /bin/sh "$user"
		RL=(su "$user" -s /bin/sh -c)
		chown -R "$user" "$BUNDLE"
	else
		RL=(bash -c)
	fi
	chmod o+rx "$BATS_TEST_TMPDIR" "$BATS_RUN_TMPDIR" "$BATS_RUN_TMPDIR/test" \
		"$(dirname "$BATS_TEST_TMPDIR")" 2>/dev/null || true
	local rls=$BATS_TEST_TMPDIR/rlstate
	mkdir -p "$rls"
	[ "$(id -u)" -ne 0 ] || chown "$user" "$rls"
	port=$(free_port)
	mkdir -p "$BATS_TEST_TMPDIR/www"
	echo "hello rootless" >"$BATS_TEST_TMPDIR/www/index.html"
	chmod -R o+rX "$BATS_TEST_TMPDIR/www"
	http_server 127.0.0.1 "$port" "$BATS_TEST_TMPDIR/www"
	set_args "$BUNDLE" wget -q -O - "http://10.0.2.2:$port/index.html"
	run "${RL[@]}" "'$RUNUML' --root '$rls' --net-allow-host-loopback run -b '$BUNDLE' rln"
	[ "$status" -eq 0 ]
	[ "$output" = "hello rootless" ]
	port2=$(free_port)
	set_args "$BUNDLE" sh -c 'mkdir -p /tmp/w && echo "rootless guest" >/tmp/w/index.html && exec httpd -f -p 80 -h /tmp/w'
	"${RL[@]}" "'$RUNUML' --root '$rls' run -d -p 127.0.0.1:$port2:80 -b '$BUNDLE' rlfwd"
	wait_for 30 "curl -fs --max-time 2 http://127.0.0.1:$port2/index.html >/dev/null"
	run curl -fs --max-time 5 "http://127.0.0.1:$port2/index.html"
	"${RL[@]}" "'$RUNUML' --root '$rls' delete -f rlfwd"
	[ "$status" -eq 0 ]
	[ "$output" = "rootless guest" ]
	[ -z "$(ls -A "$rls")" ]
}

@test "net slirp: DNS through a resolver the test runs on loopback" {
	[ "$(id -u)" -eq 0 ] || skip "the resolver needs port 53 (root)"
	python3 "$BATS_TEST_DIRNAME/helpers/dns_responder.py" 127.0.0.153 53 >"$BATS_TEST_TMPDIR/dns.out" 2>&1 &
	PIDS+=($!)
	wait_for 10 "grep -q ready '$BATS_TEST_TMPDIR/dns.out'" || skip "cannot bind 127.0.0.153:53"
	echo "nameserver 127.0.0.153" >"$BATS_TEST_TMPDIR/resolv.conf"
	RUNUML_NET_RESOLV_CONF=$BATS_TEST_TMPDIR/resolv.conf run_in nslookup host.runuml.test
	[ "$status" -eq 0 ]
	[[ "$output" == *"Address: 10.11.12.13"* ]]
	RUNUML_NET_RESOLV_CONF=$BATS_TEST_TMPDIR/resolv.conf run_in nslookup nothing.example
	[ "$status" -ne 0 ]
	[[ "$output" == *"NXDOMAIN"* ]]
}

@test "net slirp: a port already bound fails in one line and leaves nothing" {
	local port
	port=$(free_port)
	mkdir -p "$BATS_TEST_TMPDIR/www"
	http_server 127.0.0.1 "$port" "$BATS_TEST_TMPDIR/www"
	run_in --publish "127.0.0.1:$port:80" -- true
	[ "$status" -ne 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"cannot publish port 127.0.0.1:$port/tcp: Address already in use"* ]]
	set_args "$BUNDLE" true
	run "$RUNUML" --root "$STATE" create -p "127.0.0.1:$port:80" -b "$BUNDLE" busy
	[ "$status" -ne 0 ]
	[[ "$output" == *"Address already in use"* ]]
	[ ! -e "$STATE/busy" ]
}

@test "net: bad forward specs, modes and combinations fail in one line" {
	run_in --publish 1:2:3 -- true
	[ "$status" -ne 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"invalid port forward \`1:2:3\`"* ]]
	run_in --publish 70000:80 -- true
	[[ "$output" == *"invalid port forward"* ]]
	run "$RUNUML" --root "$STATE" --network bogus run -b "$BUNDLE" x
	[ "$status" -ne 0 ]
	[[ "$output" == *"invalid --network"* ]]
	run_in --network none --publish 8080:80 -- true
	[ "$status" -ne 0 ]
	[[ "$output" == *"cannot publish ports in network mode none"* ]]
	run_in --network netns -- true
	[ "$status" -ne 0 ]
	[[ "$output" == *"cannot use network mode netns"* ]]
}

@test "net none: loopback only, no eth0" {
	run_in --network none -- sh -c 'ip -o link; ping -c1 -W1 127.0.0.1 >/dev/null 2>&1; wget -q -O - http://127.0.0.1:1/ 2>&1; true'
	[ "$status" -eq 0 ]
	[[ "$output" == *"lo:"*"UP"* ]]
	[[ "$output" != *"eth0"* ]]
}

@test "net: runuml-net is confined: a forbidden system call kills it and ends the container" {
	run "$BUILD_DIR/libexec/runuml/runuml-net" --print-seccomp
	[ "$status" -eq 0 ]
	[[ "$output" == *"socket"*"AF_INET"* || "$output" == *"socket "*"arg0 == 0x2"* ]]
	[[ "$output" != *"execve"* ]]
	RUNUML_TEST_NET_FORBIDDEN_SYSCALL=1 run_in sh -c 'wget -q -O /dev/null http://10.0.2.2:9/ ; sleep 10'
	[ "$status" -ne 0 ]
	[[ "$output" == *"runuml-net was killed by its seccomp filter"* ]]
}

# netns_pair: NS a (the container's end, 10.199.X.2/24) and NS b (the peer,
# 10.199.X.1/24) joined by a veth pair, all made by the test.
netns_pair() {
	NET=10.199.$((BATS_TEST_NUMBER % 250))
	ip netns add "${NS}a"
	ip netns add "${NS}b"
	ip link add "${NS}x" type veth peer name "${NS}y"
	ip link set "${NS}x" netns "${NS}a"
	ip link set "${NS}y" netns "${NS}b"
	ip -n "${NS}a" link set lo up
	ip -n "${NS}a" addr add "$NET.2/24" dev "${NS}x"
	ip -n "${NS}a" link set "${NS}x" up
	ip -n "${NS}a" route add default via "$NET.1"
	ip -n "${NS}b" link set lo up
	ip -n "${NS}b" addr add "$NET.1/24" dev "${NS}y"
	ip -n "${NS}b" link set "${NS}y" up
	jq --arg p "/var/run/netns/${NS}a" \
		'.linux.namespaces |= map(if .type == "network" then .path = $p else . end)' \
		"$BUNDLE/config.json" >"$BUNDLE/c" && mv "$BUNDLE/c" "$BUNDLE/config.json"
}

@test "net netns: the guest takes over a veth of an ip-netns namespace (address, MAC, route)" {
	[ "$(id -u)" -eq 0 ] || skip "ip netns needs root"
	netns_pair
	local mac
	mac=$(ip -n "${NS}a" -o link show "${NS}x" | grep -o 'link/ether [0-9a-f:]*' | cut -d' ' -f2)
	run_in sh -c 'ip -o addr show eth0; ip -o link show eth0; ip route'
	[ "$status" -eq 0 ]
	[[ "$output" == *"inet $NET.2/24"* ]]
	[[ "$output" == *"$mac"* ]]
	[[ "$output" == *"default via $NET.1 dev eth0"* ]]
	# given back afterwards: the namespace outlives the container
	run ip -n "${NS}a" -o addr show "${NS}x"
	[[ "$output" == *"inet $NET.2/24"* ]]
}

@test "net netns: reached from the other end of the veth, and reaching it" {
	[ "$(id -u)" -eq 0 ] || skip "ip netns needs root"
	netns_pair
	mkdir -p "$BATS_TEST_TMPDIR/www"
	echo "hello from b" >"$BATS_TEST_TMPDIR/www/index.html"
	http_server "$NET.1" 8000 "$BATS_TEST_TMPDIR/www" "${NS}b"
	set_args "$BUNDLE" sh -c "wget -q -O - http://$NET.1:8000/index.html; mkdir -p /tmp/w && echo 'hello from the guest' >/tmp/w/index.html && exec httpd -f -p 80 -h /tmp/w"
	start_detached nsd
	wait_for 30 "ip netns exec ${NS}b curl -fs --max-time 2 http://$NET.2/index.html >/dev/null"
	run ip netns exec "${NS}b" curl -fs --max-time 5 "http://$NET.2/index.html"
	[ "$status" -eq 0 ]
	[ "$output" = "hello from the guest" ]
	"$RUNUML" --root "$STATE" delete -f nsd
}

@test "net netns: the host's own namespace is never taken over (slirp instead; netns refused)" {
	[ "$(id -u)" -eq 0 ] || skip "needs root to bind-mount a namespace"
	local bind=$BATS_TEST_TMPDIR/hostns v6before
	touch "$bind"
	mount --bind /proc/self/ns/net "$bind"
	jq --arg p "$bind" '.linux.namespaces |= map(if .type == "network" then .path = $p else . end)' \
		"$BUNDLE/config.json" >"$BUNDLE/c" && mv "$BUNDLE/c" "$BUNDLE/config.json"
	v6before=$(ip -o addr | md5sum)
	run_in ip -4 -o addr show eth0
	local st=$status out=$output
	run_in --network netns -- true
	local st2=$status out2=$output
	umount "$bind"
	[ "$st" -eq 0 ]
	[[ "$out" == *"10.0.2.15/24"* ]]
	[ "$st2" -ne 0 ]
	[[ "$out2" == *"is the host's own network namespace"* ]]
	[ "$(ip -o addr | md5sum)" = "$v6before" ]
}

@test "net netns: the interface is given back even when the monitor is killed" {
	[ "$(id -u)" -eq 0 ] || skip "ip netns needs root"
	netns_pair
	set_args "$BUNDLE" sleep 60
	start_detached victim
	run ip -n "${NS}a" -4 -o addr show "${NS}x"
	[[ "$output" != *"$NET.2"* ]]
	kill -9 "$(jq -r .pid "$STATE/victim/state.json")"
	wait_for 10 "ip -n ${NS}a -4 -o addr show ${NS}x | grep -q '$NET.2/24'"
	run ip -n "${NS}a" route
	[[ "$output" == *"default via $NET.1"* ]]
	"$RUNUML" --root "$STATE" delete -f victim
}

@test "net netns: a namespace path that does not exist fails in one line" {
	jq '.linux.namespaces |= map(if .type == "network" then .path = "/var/run/netns/runuml-absent" else . end)' \
		"$BUNDLE/config.json" >"$BUNDLE/c" && mv "$BUNDLE/c" "$BUNDLE/config.json"
	run_in true
	[ "$status" -ne 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"runuml-absent"* ]]
}

@test "net netns: a namespace with loopback alone fails in one line" {
	[ "$(id -u)" -eq 0 ] || skip "ip netns needs root"
	ip netns add "${NS}a"
	jq --arg p "/var/run/netns/${NS}a" \
		'.linux.namespaces |= map(if .type == "network" then .path = $p else . end)' \
		"$BUNDLE/config.json" >"$BUNDLE/c" && mv "$BUNDLE/c" "$BUNDLE/config.json"
	run_in true
	[ "$status" -ne 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"has no interface"* ]]
}

docker_ready() {
	[ -n "${DOCKER_DIR:-}" ] && [ -S "$DOCKER_DIR/docker.sock" ] ||
		skip "needs root and Debian's docker.io (dockerd, containerd)"
	export DOCKER_HOST=unix://$DOCKER_DIR/docker.sock
}

@test "net docker: -p publishes a busybox httpd in the guest (user-defined bridge)" {
	docker_ready
	local port
	port=$(free_port)
	docker_cli network create --driver bridge --subnet 10.198.$((BATS_TEST_NUMBER % 250)).0/24 "rn-net$$" >/dev/null
	docker_cli run --runtime=uml -d --name "rn-web$$" --network "rn-net$$" -p "127.0.0.1:$port:80" \
		runuml-busybox sh -c 'mkdir -p /tmp/w && echo "hello through docker" >/tmp/w/index.html && exec httpd -f -p 80 -h /tmp/w' >/dev/null 2>&1
	wait_for 60 "curl -fs --max-time 2 http://127.0.0.1:$port/index.html >/dev/null"
	run curl -fs --max-time 5 "http://127.0.0.1:$port/index.html"
	[ "$status" -eq 0 ]
	[ "$output" = "hello through docker" ]
}

@test "net docker: two uml containers on a user-defined bridge talk by name" {
	docker_ready
	docker_cli network create --driver bridge --subnet 10.197.$((BATS_TEST_NUMBER % 250)).0/24 "rn-net$$" >/dev/null
	docker_cli run --runtime=uml -d --name "rn-srv$$" --network "rn-net$$" runuml-busybox \
		sh -c 'mkdir -p /tmp/w && echo "hello by name" >/tmp/w/index.html && exec httpd -f -p 80 -h /tmp/w' >/dev/null 2>&1
	local ip
	ip=$(docker_cli inspect -f "{{(index .NetworkSettings.Networks \"rn-net$$\").IPAddress}}" "rn-srv$$")
	# by address first: the bridge carries the guests' frames
	run docker_cli run --runtime=uml --rm --network "rn-net$$" runuml-busybox \
		sh -c "for i in 1 2 3 4 5 6 7 8 9 10; do wget -q -O - http://$ip/index.html && exit 0; sleep 1; done; exit 1"
	[ "$status" -eq 0 ]
	[[ "$output" == *"hello by name"* ]]
	# by name: docker's embedded DNS (127.0.0.11 in the namespace, DNAT'd by
	# rules docker adds there with iptables)
	command -v iptables >/dev/null || skip "docker's embedded DNS needs iptables in the namespace"
	run docker_cli run --runtime=uml --rm --network "rn-net$$" runuml-busybox \
		sh -c "cat /etc/resolv.conf; wget -q -O - http://rn-srv$$/index.html"
	[ "$status" -eq 0 ]
	# the guest asks runuml-net's DNS proxy, which relays to 127.0.0.11
	[[ "$output" == *"nameserver 169.254.255.53"* ]]
	[[ "$output" == *"hello by name"* ]]
}

@test "net docker: --network none gives loopback only" {
	docker_ready
	run docker_cli run --runtime=uml --rm --network none runuml-busybox sh -c 'ip -o link; ip -o addr'
	[ "$status" -eq 0 ]
	[[ "$output" == *"lo:"* ]]
	[[ "$output" != *"inet "*"eth0"* ]]
}

@test "net docker: --network host gives the guest slirp (it cannot share the host's stack)" {
	docker_ready
	run docker_cli run --runtime=uml --rm --network host runuml-busybox ip -4 -o addr show eth0
	[ "$status" -eq 0 ]
	[[ "$output" == *"10.0.2.15/24"* ]]
}
