# bench/lib.sh: what every area of `make bench` shares, sourced by
# bench/run.sh.  Sizes and repetitions come from bench_config (full or
# smoke); results go to $RESULTS, one TSV row per measure and baseline:
#
#   area  measure  unit  better  subject  subject_values  baseline  baseline_values  note
#
# where better is `lower` or `higher`, values are space-separated samples
# (warm-up runs excluded) or `n/a: <reason>` / `FAIL: <reason>`.
# bench/report.sh turns that file into docs/benchmarks.md and the chart.

# bench_config MODE: sizes for `full` (make bench) or `smoke` (make bench-smoke).
# Every knob can be overridden from the environment (BENCH_<NAME>).
bench_config() {
	if [ "$1" = smoke ]; then
		: "${BENCH_REPS:=1}" "${BENCH_WARMUP:=0}"
		: "${BENCH_MICRO:=200 50 3 3}"
		: "${BENCH_FS_WRITE:=1M}" "${BENCH_FS_READ:=1M}" "${BENCH_FS_STAT:=200}"
		: "${BENCH_FS_CREATE:=20}" "${BENCH_FS_STATFILES:=20}" "${BENCH_FS_TREE:=100}"
		: "${BENCH_NET_SIZE:=1M}" "${BENCH_MEM_N:=2}" "${BENCH_MEM_SETTLE:=0.5}"
		: "${BENCH_CPU_FILES:=3}" "${BENCH_STDIO:=1M}"
	else
		: "${BENCH_REPS:=5}" "${BENCH_WARMUP:=1}"
		# getppid calls, fresh pages, forks, fork+execs per run
		: "${BENCH_MICRO:=10k 2k 50 30}"
		: "${BENCH_FS_WRITE:=64M}" "${BENCH_FS_READ:=64M}" "${BENCH_FS_STAT:=20k}"
		: "${BENCH_FS_CREATE:=2k}" "${BENCH_FS_STATFILES:=1000}" "${BENCH_FS_TREE:=10000}"
		: "${BENCH_NET_SIZE:=64M}" "${BENCH_MEM_N:=20}" "${BENCH_MEM_SETTLE:=1}"
		# 30 files: about 40 s a round inside UML on a loaded 2-core host (15 min budget)
		: "${BENCH_CPU_FILES:=30}" "${BENCH_STDIO:=100M}"
	fi
	# runuml network modes to try: `default` (no flag) or a --network=MODE value
	: "${BENCH_NET_MODES:=default slirp}"
	# address the container dials for the host (default: its IPv4 gateway)
	: "${BENCH_NET_HOST:=}"
	: "${BENCH_DOCKER:=auto}" # auto: when root and dockerd/containerd exist; no: skip
}

log() { printf '%s bench: %s\n' "$(date +%T)" "$*" >&2; }

# now_us: wall clock in microseconds, without a fork
now_us() { local t=$EPOCHREALTIME; echo "${t/./}"; }

# elapsed_ms START_US: milliseconds since START_US, 3 decimals
elapsed_ms() {
	local d=$(( $(now_us) - $1 ))
	printf '%d.%03d' $((d / 1000)) $((d % 1000))
}

# record AREA MEASURE UNIT BETTER SUBJECT SVALS BASELINE BVALS [NOTE]
record() {
	local IFS=$'\t'
	echo "$*" >>"$RESULTS"
}

# record_na AREA MEASURE UNIT BASELINE REASON: a measure that cannot run here.
record_na() {
	record "$1" "$2" "$3" lower runuml "n/a: $5" "$4" "" ""
}

# Samples of the current area: V[side.key] = "v1 v2 ...", kept only for
# runs past the warm-up.
declare -A V

# sample SIDE KEEP CMD...: runs CMD, parses its `key value` lines into V.
sample() {
	local side=$1 keep=$2 out k v
	shift 2
	if ! out=$("$@"); then
		log "$side: \`$*\` failed"
		return 1
	fi
	[ "$keep" = 1 ] || return 0
	while read -r k v _; do
		if [ -z "$k" ] || [ -z "$v" ]; then continue; fi
		V[$side.$k]+="${V[$side.$k]:+ }$v"
	done <<<"$out"
}

# interleave SIDE=FUNC[ ARG]...: BENCH_WARMUP + BENCH_REPS rounds; each round
# runs every side once, in reverse order every other round, so that drift of
# a shared machine spreads evenly over the sides.  FUNC gets the round
# number and prints `key value` lines.
interleave() {
	local total=$((BENCH_WARMUP + BENCH_REPS)) i j keep n=$#
	local -a sides=("$@")
	for ((i = 0; i < total; i++)); do
		keep=$((i >= BENCH_WARMUP ? 1 : 0))
		for ((j = 0; j < n; j++)); do
			local s=${sides[$(( i % 2 ? n - 1 - j : j ))]}
			# shellcheck disable=SC2086 # FUNC may carry its own arguments
			sample "${s%%=*}" "$keep" ${s#*=} "$i" || return 1
		done
	done
}

# row AREA MEASURE KEY UNIT BETTER SUBJECT BASELINE [NOTE]: records the
# samples of KEY for SUBJECT against BASELINE.
row() {
	local area=$1 measure=$2 key=$3 unit=$4 better=$5 subj=$6 base=$7 note=${8:-}
	local sv=${V[$subj.$key]:-} bv=${V[$base.$key]:-}
	if [ -z "$sv" ] || [ -z "$bv" ]; then
		log "$area/$measure: no samples of $key ($subj: '$sv', $base: '$bv')"
		return 1
	fi
	record "$area" "$measure" "$unit" "$better" "$subj" "$sv" "$base" "$bv" "$note"
}

# kv KEY < OUTPUT: the value of KEY in `key value` lines
kv() { awk -v k="$1" '$1 == k { print $2; exit }'; }

# --- bundles and containers ------------------------------------------------

# make_bench_bundle DIR: the busybox test image plus ubench as /bin/ubench
# and an empty /bench.
make_bench_bundle() {
	local dir=$1
	rm -rf "$dir"
	mkdir -p "$dir"
	cp -a "$IMAGE_DIR/rootfs" "$dir/rootfs"
	install -m 0755 "$UBENCH" "$dir/rootfs/bin/ubench"
	mkdir -p "$dir/rootfs/bench"
	jq '.process.terminal = false | .process.args = ["true"]' \
		"$IMAGE_DIR/config.json" >"$dir/config.json"
}

# set_args DIR ARGS...: process.args of DIR/config.json
set_args() {
	local dir=$1
	shift
	# named arguments: jq 1.6 would take an argument like -c as its own option
	local i=0 a named=()
	for a in "$@"; do
		named+=(--arg "a$i" "$a")
		i=$((i + 1))
	done
	jq --argjson n "$i" "${named[@]}" '.process.args = [range($n) as $i | $ARGS.named["a\($i)"]]' \
		<"$dir/config.json" >"$dir/config.json.new"
	mv "$dir/config.json.new" "$dir/config.json"
}

# A fresh container id per call: b<pid>-<n>
_cid_n=0
new_id() {
	_cid_n=$((_cid_n + 1))
	echo "b$BASHPID-$1-$_cid_n"
}

# ru [GLOBAL...] -- ARGS: runuml with the bench state root
ru() { "$RUNUML" --root "$RU_STATE" "$@"; }
rc() { runc --root "$RC_STATE" "$@"; }

# ru_run BUNDLE: runs the bundle's process to completion with runuml; its
# stdout is ours.  RU_FLAGS (array) adds global flags.
ru_run() { "$RUNUML" --root "$RU_STATE" "${RU_FLAGS[@]}" run -b "$1" "$(new_id ru)" </dev/null; }
rc_run() { runc --root "$RC_STATE" run -b "$1" "$(new_id rc)" </dev/null; }

# descendants PID...: the PIDs and all their descendants (host view)
descendants() {
	ps -e -o pid=,ppid= | awk -v roots="$*" '
		BEGIN { n = split(roots, r, " "); for (i = 1; i <= n; i++) want[r[i]] = 1 }
		{ parent[$1] = $2; pids[++m] = $1 }
		END {
			do {
				grew = 0
				for (i = 1; i <= m; i++)
					if (!(pids[i] in want) && (parent[pids[i]] in want)) { want[pids[i]] = 1; grew = 1 }
			} while (grew)
			for (p in want) print p
		}'
}

# wait_gone SECONDS PID...: true once none of the PIDs exists
wait_gone() {
	local deadline=$((SECONDS + $1)) p alive
	shift
	while :; do
		alive=0
		for p in "$@"; do kill -0 "$p" 2>/dev/null && alive=1; done
		[ $alive = 1 ] || return 0
		[ $SECONDS -lt $deadline ] || return 1
		sleep 0.1
	done
}

# cleanup_containers: deletes whatever the bench left in its state roots
cleanup_containers() {
	local id d
	for d in "$RU_STATE"/*/; do
		[ -d "$d" ] || continue
		id=$(basename "$d")
		"$RUNUML" --root "$RU_STATE" delete --force "$id" >/dev/null 2>&1 || true
	done
	if [ -d "$RC_STATE" ]; then
		for id in $(runc --root "$RC_STATE" list -q 2>/dev/null); do
			runc --root "$RC_STATE" delete --force "$id" >/dev/null 2>&1 || true
		done
	fi
}
