# area cpu: a CPU-bound job with many processes -- `make -j1` of a generated
# C project (BENCH_CPU_FILES files, gcc -O2) -- inside runuml vs natively.
# The busybox image has no compiler, so the container gets the host's /usr
# (and /lib* where they are not symlinks into /usr) bind-mounted read-only
# and the project directory bind-mounted read-write at /work.  -j1 on both
# sides: a UML kernel runs on one CPU.

_cpu_gen() { # DIR FILES
	local dir=$1 n=$2
	mkdir -p "$dir"
	awk -v dir="$dir" -v n="$n" 'BEGIN {
		for (f = 0; f < n; f++) {
			p = sprintf("%s/unit%02d.c", dir, f)
			print "#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n" > p
			for (k = 0; k < 12; k++) {
				printf "static int t%d_%d[64];\n", f, k > p
				printf "int fn%d_%d(int x)\n{\n\tint s = %d;\n", f, k, k > p
				printf "\tfor (int i = 0; i < x; i++) {\n\t\ts += (i * %d) ^ (s >> 3);\n", k + 3 > p
				printf "\t\tif (s & 1)\n\t\t\ts = s * 3 + 1;\n\t\tt%d_%d[i & 63] += s;\n\t}\n", f, k > p
				printf "\tchar buf[32];\n\tsnprintf(buf, sizeof(buf), \"%%d\", s);\n" > p
				printf "\treturn (int)strlen(buf) + t%d_%d[x & 63] + abs(s %% 7);\n}\n\n", f, k > p
			}
			printf "int unit%d(int x)\n{\n\treturn 0", f > p
			for (k = 0; k < 12; k++) printf " + fn%d_%d(x)", f, k > p
			print ";\n}" > p
			close(p)
		}
		p = dir "/main.c"
		print "#include <stdio.h>" > p
		for (f = 0; f < n; f++) printf "int unit%d(int);\n", f > p
		printf "int main(void)\n{\n\tlong s = 0;\n" > p
		for (f = 0; f < n; f++) printf "\ts += unit%d(100);\n", f > p
		print "\tprintf(\"%ld\\n\", s);\n\treturn 0;\n}" > p
		close(p)
	}'
	# shellcheck disable=SC2016 # make variables, not shell ones
	printf '%s\n' 'CC = gcc' 'CFLAGS = -O2 -Wall' 'OBJS = $(patsubst %.c,%.o,$(sort $(wildcard *.c)))' \
		'prog: $(OBJS)' '	$(CC) -o $@ $(OBJS)' 'clean:' '	rm -f *.o prog' >"$dir/Makefile"
}

_cpu_ru() {
	make -s -C "$CPU_SRC" clean && set_args "$B" ubench time make -s -j1 -C /work && ru_run "$B"
}
_cpu_native() {
	make -s -C "$CPU_SRC" clean && "$UBENCH" time make -s -j1 -C "$CPU_SRC"
}

area_cpu() {
	local d m mounts='[]'
	if ! command -v gcc >/dev/null || ! command -v make >/dev/null; then
		record_na cpu "make -j1 of $BENCH_CPU_FILES C files" s native "gcc or make missing on the host"
		return 0
	fi
	B=$WORK/bundle-cpu
	CPU_SRC=$WORK/cpu-src
	make_bench_bundle "$B"
	rm -rf "$CPU_SRC"
	_cpu_gen "$CPU_SRC" "$BENCH_CPU_FILES"
	for d in lib lib32 lib64 libx32; do
		if [ -L "/$d" ]; then
			ln -sfn "$(readlink "/$d")" "$B/rootfs/$d"
		elif [ -d "/$d" ]; then
			mounts=$(jq -c --arg d "/$d" '. + [{destination: $d, type: "bind", source: $d, options: ["rbind", "ro"]}]' <<<"$mounts")
		fi
	done
	m=$(jq -c --arg w "$CPU_SRC" '. + [
		{destination: "/usr", type: "bind", source: "/usr", options: ["rbind", "ro"]},
		{destination: "/work", type: "bind", source: $w, options: ["rbind", "rw"]}]' <<<"$mounts")
	jq --argjson m "$m" '.mounts += $m' "$B/config.json" >"$B/config.json.new"
	mv "$B/config.json.new" "$B/config.json"
	mkdir -p "$B/rootfs/work"
	interleave runuml=_cpu_ru native=_cpu_native
	make -s -C "$CPU_SRC" clean
	row cpu "make -j1 of $BENCH_CPU_FILES C files (gcc -O2)" elapsed_s s lower runuml native \
		"host /usr bind-mounted read-only; $(gcc --version | head -n 1)"
}
