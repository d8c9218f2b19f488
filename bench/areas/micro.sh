# area micro: per-operation kernel costs, ubench micro inside runuml, inside
# runc and natively (same static binary): getppid round trip, first touch of
# a fresh page, fork+wait, fork+exec+wait (and how many page faults that
# exec takes).

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
	row micro "page faults of one fork + exec" forkexec_faults faults lower runuml native \
		"page faults: getrusage(RUSAGE_CHILDREN) minor + major, per child"
}
