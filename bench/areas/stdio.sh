# area stdio: throughput of the container's stdout into a host pipe --
# `runuml run … ubench emit SIZE | ubench sink` vs the same with runc; the
# sink times from the first byte, so start-up is not counted.

_stdio_ru() { ru_run "$B" | "$UBENCH" sink; }
_stdio_rc() { rc_run "$B" | "$UBENCH" sink; }

area_stdio() {
	B=$WORK/bundle-stdio
	make_bench_bundle "$B"
	set_args "$B" ubench emit "$BENCH_STDIO"
	interleave runuml=_stdio_ru runc=_stdio_rc
	local want
	want=$(numfmt --from=iec "$BENCH_STDIO")
	for b in ${V[runuml.bytes]} ${V[runc.bytes]}; do
		[ "$b" = "$want" ] || { log "stdio: got $b bytes, expected $want"; return 1; }
	done
	row stdio "stdout → host pipe ($BENCH_STDIO)" sink_MBps MB/s higher runuml runc
}
