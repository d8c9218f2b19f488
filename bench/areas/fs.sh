# area fs: file-system costs inside the container on its own rootfs (whatever
# transport backs it: hostfs today, the 9P proxy later; the table names the
# fstype of / seen inside) vs the same operations natively on the host
# directory that holds that rootfs.  The read file, the stat directory and
# the tarball are written by the host before the container boots, so the
# guest's cache is cold and the host's is warm on both sides.

_fs_gen_tree() { # DIR FILES: FILES small text files in 100-file directories
	awk -v root="$1" -v n="$2" 'BEGIN {
		srand(1)
		for (i = 0; i < n; i++) {
			d = sprintf("%s/d%03d", root, int(i / 100))
			if (i % 100 == 0) system("mkdir -p " d)
			p = sprintf("%s/f%03d.txt", d, i % 100)
			len = int(rand() * 2000) + 50; s = ""
			while (length(s) < len) s = s "lorem ipsum dolor sit amet "
			print substr(s, 1, len) > p
			close(p)
		}
	}'
}

_fs_prepare() {
	local r=$B/rootfs/bench
	mkdir -p "$r/work" "$r/stat" "$r/untar" "$WORK/fs-native/work" "$WORK/fs-native/untar"
	"$UBENCH" emit "$BENCH_FS_READ" >"$r/read.bin"
	awk -v d="$r/stat" -v n="$(numfmt --from=iec "$BENCH_FS_STATFILES")" \
		'BEGIN { for (i = 0; i < n; i++) { p = sprintf("%s/s%05d", d, i); printf "" > p; close(p) } }'
	rm -rf "$WORK/fs-tree"
	mkdir -p "$WORK/fs-tree"
	_fs_gen_tree "$WORK/fs-tree" "$BENCH_FS_TREE"
	tar -C "$WORK/fs-tree" -cf "$r/tree.tar" .
	rm -rf "$WORK/fs-tree"
}

_fs_ru() {
	local rc=0
	set_args "$B" sh -c "ubench fs /bench/work /bench/read.bin /bench/stat $BENCH_FS_STAT $BENCH_FS_CREATE $BENCH_FS_WRITE && ubench time tar -xf /bench/tree.tar -C /bench/untar" || return 1
	ru_run "$B" || rc=$?
	find "$B/rootfs/bench/untar" -mindepth 1 -delete
	return $rc
}
_fs_native() {
	local r=$B/rootfs/bench n=$WORK/fs-native rc=0
	{ "$UBENCH" fs "$n/work" "$r/read.bin" "$r/stat" "$BENCH_FS_STAT" "$BENCH_FS_CREATE" "$BENCH_FS_WRITE" &&
		"$UBENCH" time "$B/rootfs/bin/busybox" tar -xf "$r/tree.tar" -C "$n/untar"; } || rc=$?
	find "$n/untar" -mindepth 1 -delete
	return $rc
}

area_fs() {
	B=$WORK/bundle-fs
	make_bench_bundle "$B"
	_fs_prepare
	interleave runuml=_fs_ru native=_fs_native
	local fstype note
	fstype=${V[runuml.fstype_root]%% *}
	note="transport: / inside the container is \`$fstype\`; native: \`${V[native.fstype_root]%% *}\` on the host"
	row fs "sequential write ($BENCH_FS_WRITE, 1 MiB blocks, fsync)" write_MBps MB/s higher runuml native "$note"
	row fs "sequential read ($BENCH_FS_READ, host cache warm)" read_MBps MB/s higher runuml native "$note"
	row fs "stat()" stat_per_s ops/s higher runuml native "$note"
	row fs "create + close + unlink" create_unlink_per_s ops/s higher runuml native "$note"
	row fs "untar $BENCH_FS_TREE files (busybox tar)" elapsed_s s lower runuml native "$note"
}
