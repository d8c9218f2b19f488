# area micro: per-operation kernel costs, ubench micro inside runuml, inside
# runc and natively (same static binary): getppid round trip, first touch of
# a fresh page, fork+wait, fork+exec+wait.

# shellcheck disable=SC2086 # BENCH_MICRO is four counts
_micro_ru() { set_args "$B" ubench micro $BENCH_MICRO && ru_run "$B"; }
# shellcheck disable=SC2086
_micro_rc() { set_args "$B" ubench micro $BENCH_MICRO && rc_run "$B"; }
# shellcheck disable=SC2086
_micro_native() { "$UBENCH" micro $BENCH_MICRO; }

area_micro() {
	B=$WORK/bundle-micro
	make_bench_bundle "$B"
	interleave runuml=_micro_ru native=_micro_native runc=_micro_rc
	local base
	for base in native runc; do
		row micro "getppid() round trip" getppid_ns ns lower runuml $base
		row micro "page fault (fresh page)" pagefault_ns ns lower runuml $base
		row micro "fork + wait" fork_us µs lower runuml $base
		row micro "fork + exec + wait" forkexec_us µs lower runuml $base
	done
}
