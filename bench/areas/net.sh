# area net: TCP throughput between a container and the host, both
# directions, per runuml network mode (BENCH_NET_MODES: `default` = no flag,
# else --network=MODE).  The container dials its IPv4 default gateway, where
# `ubench tcp-serve` listens on all host addresses; the baseline is the same
# pair over the host's loopback.  A container without a default route (no
# network device but lo) gives n/a with the interfaces it has.

# _net_pair CLIENT_FUNC DIRECTION: one transfer; prints tcp_<dir>_MBps
_net_pair() {
	local client=$1 dir=$2 mode port="" srv rc=0
	[ "$dir" = send ] && mode=sink || mode=source
	: >"$WORK/net-port"
	"$UBENCH" tcp-serve 0 "$mode" "$BENCH_NET_SIZE" >"$WORK/net-port" &
	srv=$!
	for _ in $(seq 1 100); do
		port=$(kv port <"$WORK/net-port")
		[ -z "$port" ] || break
		sleep 0.05
	done
	if [ -z "$port" ]; then
		kill "$srv" 2>/dev/null || true
		wait "$srv" 2>/dev/null || true
		log "net: tcp-serve did not start"
		return 1
	fi
	"$client" "$port" "$dir" || rc=$?
	[ $rc = 0 ] || kill "$srv" 2>/dev/null || true
	wait "$srv" || { [ $rc != 0 ] || rc=1; }
	return $rc
}

_net_client_ru() {
	set_args "$B" ubench tcp-client "$NET_GW" "$1" "$2" "$BENCH_NET_SIZE" && ru_run "$B"
}
_net_client_native() { "$UBENCH" tcp-client 127.0.0.1 "$1" "$2" "$BENCH_NET_SIZE"; }

_net_ru() { _net_pair _net_client_ru send && _net_pair _net_client_ru recv; }
_net_native() { _net_pair _net_client_native send && _net_pair _net_client_native recv; }

area_net() {
	local mode why out
	B=$WORK/bundle-net
	make_bench_bundle "$B"
	for mode in $BENCH_NET_MODES; do
		# slirp (the default without a network namespace) reaches the
		# host's own addresses only when allowed
		RU_FLAGS=(--net-allow-host-loopback)
		[ "$mode" = default ] || RU_FLAGS+=("--network=$mode")
		why=""
		set_args "$B" ubench netinfo
		if ! out=$(ru_run "$B" 2>"$WORK/net-err"); then
			why="runuml ${RU_FLAGS[*]} cannot run: $(grep -v '^usage' "$WORK/net-err" | head -n 1 | sed 's|^[^ ]*/runuml: ||' | cut -c1-120)"
		elif [ "$(kv gateway <<<"$out")" = "" ]; then
			why="no IPv4 default route in the container (interfaces besides lo:$(sed -n 's/^none//p' <<<"$out")); networking is issue 5"
		fi
		if [ -n "$why" ]; then
			record_na net "TCP container → host ($mode)" MB/s native "$why"
			record_na net "TCP host → container ($mode)" MB/s native "$why"
			continue
		fi
		NET_GW=${BENCH_NET_HOST:-$(kv gateway <<<"$out")}
		# shellcheck disable=SC2034 # V is read by row()
		V=()
		interleave runuml=_net_ru native=_net_native
		row net "TCP container → host ($mode, $BENCH_NET_SIZE)" tcp_send_MBps MB/s higher runuml native \
			"the container dials $NET_GW (BENCH_NET_HOST, else its gateway); baseline: host loopback"
		row net "TCP host → container ($mode, $BENCH_NET_SIZE)" tcp_recv_MBps MB/s higher runuml native \
			"the container dials $NET_GW (BENCH_NET_HOST, else its gateway); baseline: host loopback"
	done
	RU_FLAGS=()
}
