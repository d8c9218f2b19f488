#!/usr/bin/env bash
# TCP throughput of the guest's network, one connection each way, for mode
# slirp and mode netns, next to the same transfer without a VM in the same
# run (docs/networking.md "Throughput"):
#   slirp   runuml (runuml-net + libslirp)   vs   slirp4netns (--mtu 65520) on
#           a plain network namespace -- what rootless podman/runc use
#   netns   runuml (veth taken over)         vs   a process in that namespace
#           (what a runc container there gets)
# Traffic stays on loopback and in namespaces made here.  Needs root (ip
# netns), the build, and slirp4netns for its baseline (skipped without).
#   bench/net-tcp.sh [MIB]     (default 256 MiB per transfer)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${RUNUML_BUILD:-$top/build}
case $build in /*) ;; *) build=$top/$build ;; esac
mib=${1:-256}
runuml=$build/bin/runuml
tool=$top/bench/net_tcp.py
work=$(mktemp -d)
state=$work/state
ns=rbench$$
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for d in "$state"/*/; do [ -d "$d" ] && "$runuml" --root "$state" delete -f "$(basename "$d")" >/dev/null 2>&1; done
	ip netns del "${ns}a" 2>/dev/null || true
	ip netns del "${ns}b" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
bundle() { # bundle ARGS...: a fresh bundle running ARGS
	rm -rf "$work/b" && mkdir -p "$work/b"
	cp -a "$build/images/busybox/rootfs" "$work/b/rootfs"
	jq '.process.args = $ARGS.positional | .process.terminal = false' \
		"$build/images/busybox/config.json" --args "$@" >"$work/b/config.json"
}
with_netns() { # the bundle joins namespace ${ns}a
	jq --arg p "/var/run/netns/${ns}a" \
		'.linux.namespaces |= map(if .type == "network" then .path = $p else . end)' \
		"$work/b/config.json" >"$work/b/c" && mv "$work/b/c" "$work/b/config.json"
}
finish() { # finish ID: waits until the container's process ended, then deletes it
	for _ in $(seq 100); do
		"$runuml" --root "$state" state "$1" 2>/dev/null | grep -q '"stopped"' && break
		sleep 0.1
	done
	"$runuml" --root "$state" delete -f "$1"
}
result() { printf '%-44s %s\n' "$1" "$(grep -o '[0-9.]* MiB/s' <<<"$2" | tail -1)"; }

echo "# TCP throughput, $mib MiB per transfer, one connection ($(uname -r), $(nproc) CPUs)"

# --- slirp, runuml ---
p=$(free_port)
bundle rtest tcp-sink 5001
"$runuml" --root "$state" run -d -p "127.0.0.1:$p:5001" -b "$work/b" s-in >/dev/null
sleep 0.5
result "slirp   host -> guest  runuml" "$(python3 "$tool" send 127.0.0.1 "$p" "$mib")"
finish s-in
p=$(free_port)
python3 "$tool" recv 127.0.0.1 "$p" >"$work/recv" & pids+=($!)
sleep 0.3
bundle rtest tcp-source 10.0.2.2 "$p" "$mib"
"$runuml" --root "$state" --net-allow-host-loopback run -b "$work/b" s-out >/dev/null
wait "${pids[-1]}" || true
result "slirp   guest -> host  runuml" "$(cat "$work/recv")"

# --- slirp, slirp4netns baseline ---
if command -v slirp4netns >/dev/null; then
	p=$(free_port)
	unshare --net sleep 600 & holder=$!; pids+=($holder)
	sleep 0.3
	child=$holder
	slirp4netns --configure --mtu=65520 --api-socket "$work/api" \
		"$child" tap0 >"$work/s4nn.log" 2>&1 & pids+=($!)
	for _ in $(seq 50); do [ -S "$work/api" ] && break; sleep 0.1; done
	echo '{"execute": "add_hostfwd", "arguments": {"proto": "tcp", "host_addr": "127.0.0.1", "host_port": '"$p"', "guest_port": 5001}}' |
		python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(sys.stdin.buffer.read()); print(s.recv(4096).decode())' "$work/api" >/dev/null
	nsenter -t "$child" -n python3 "$tool" recv 0.0.0.0 5001 >"$work/recv" & pids+=($!)
	sleep 0.5
	result "slirp   host -> ns     slirp4netns" "$(python3 "$tool" send 127.0.0.1 "$p" "$mib")"
	p=$(free_port)
	python3 "$tool" recv 127.0.0.1 "$p" >"$work/recv" & pids+=($!)
	sleep 0.3
	result "slirp   ns -> host     slirp4netns" "$(nsenter -t "$child" -n python3 "$tool" send 10.0.2.2 "$p" "$mib")"
	kill "$holder" 2>/dev/null || true
else
	echo "# slirp4netns not installed: no slirp baseline"
fi

# --- netns: a veth pair between two namespaces made here ---
ip netns add "${ns}a"
ip netns add "${ns}b"
ip link add "${ns}x" type veth peer name "${ns}y"
ip link set "${ns}x" netns "${ns}a"
ip link set "${ns}y" netns "${ns}b"
for n in a b; do ip -n "${ns}$n" link set lo up; done
ip -n "${ns}a" addr add 10.198.254.2/24 dev "${ns}x"
ip -n "${ns}b" addr add 10.198.254.1/24 dev "${ns}y"
ip -n "${ns}a" link set "${ns}x" up
ip -n "${ns}b" link set "${ns}y" up

bundle rtest tcp-sink 5001
with_netns
"$runuml" --root "$state" run -d -b "$work/b" n-in >/dev/null
sleep 0.5
result "netns   peer -> guest  runuml" "$(ip netns exec "${ns}b" python3 "$tool" send 10.198.254.2 5001 "$mib")"
finish n-in  # its monitor gives the interface back as it ends
ip netns exec "${ns}b" python3 "$tool" recv 10.198.254.1 5002 >"$work/recv" & pids+=($!)
sleep 0.3
bundle rtest tcp-source 10.198.254.1 5002 "$mib"
with_netns
"$runuml" --root "$state" run -b "$work/b" n-out >/dev/null
wait "${pids[-1]}" || true
result "netns   guest -> peer  runuml" "$(cat "$work/recv")"

ip netns exec "${ns}a" python3 "$tool" recv 10.198.254.2 5003 >"$work/recv" & pids+=($!)
sleep 0.3
result "netns   peer -> ns     native (runc-like)" "$(ip netns exec "${ns}b" python3 "$tool" send 10.198.254.2 5003 "$mib")"
ip netns exec "${ns}b" python3 "$tool" recv 10.198.254.1 5004 >"$work/recv" & pids+=($!)
sleep 0.3
result "netns   ns -> peer     native (runc-like)" "$(ip netns exec "${ns}a" python3 "$tool" send 10.198.254.1 5004 "$mib")"
