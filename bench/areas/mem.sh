# area mem: host memory of idle sandboxes, as the PSS summed over every host
# process of each sandbox (runuml: the monitor and all its descendants --
# UML kernel, its ptrace'd guest processes, helpers -- plus what `runuml ps`
# lists; runc: the container's processes), shared address spaces counted
# once (ubench pss).  One round starts one sandbox running `sleep`, measures
# it, starts BENCH_MEM_N - 1 more, measures all, and deletes them.

_mem_wait_settle() { sleep "$BENCH_MEM_SETTLE"; }

# _mem_pids_ru ID...: host pids of those runuml sandboxes
_mem_pids_ru() {
	local id roots=()
	for id in "$@"; do
		roots+=("$(ru state "$id" | jq -r .pid)")
		ru ps --format json "$id" | jq -r '.[]'
	done
	descendants "${roots[@]}"
}
_mem_pids_rc() {
	local id roots=()
	for id in "$@"; do roots+=("$(rc state "$id" | jq -r .pid)"); done
	descendants "${roots[@]}"
}

# _mem_round KIND: KIND is ru or rc
_mem_round() {
	local kind=$1 ids=() pids=() first=() id i one all
	for ((i = 0; i < BENCH_MEM_N; i++)); do
		id=$(new_id "$kind")
		ids+=("$id")
		"$kind" run -d -b "$B" "$id" </dev/null >/dev/null 2>>"$LOG" || return 1
		if [ $i = 0 ]; then
			_mem_wait_settle
			mapfile -t first < <("_mem_pids_$kind" "$id" | sort -un)
			one=$("$UBENCH" pss "${first[@]}" | kv pss_kB)
			[ -n "$one" ] || return 1
		fi
	done
	_mem_wait_settle
	mapfile -t pids < <("_mem_pids_$kind" "${ids[@]}" | sort -un)
	all=$("$UBENCH" pss "${pids[@]}" | kv pss_kB)
	[ -n "$all" ] || return 1
	for id in "${ids[@]}"; do
		"$kind" delete --force "$id" >/dev/null 2>>"$LOG" || return 1
	done
	if ! wait_gone 30 "${pids[@]}"; then
		log "mem: $kind sandboxes left processes behind"
		return 1
	fi
	awk -v o="$one" -v a="$all" \
		'BEGIN { printf "one_MiB %.3f\nall_MiB %.3f\n", o / 1024, a / 1024 }'
}

area_mem() {
	B=$WORK/bundle-mem
	make_bench_bundle "$B"
	set_args "$B" sleep 100000
	interleave runuml="_mem_round ru" runc="_mem_round rc"
	row mem "1 idle sandbox (PSS)" one_MiB MiB lower runuml runc "runc: no shim (runc run -d), so only the container's own processes"
	row mem "$BENCH_MEM_N idle sandboxes (PSS, total)" all_MiB MiB lower runuml runc
}
