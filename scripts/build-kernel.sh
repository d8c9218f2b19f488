#!/usr/bin/env bash
# Builds the UML kernel from Debian's linux-source-6.1, configured with
# ARCH=um defconfig + uml-config/runuml.config and patched with
# uml-config/patches/*.patch (in order).  The result is cached under
# $CACHE/kernel-<hash>/ where the hash covers the source package version,
# the fragment, the patches and this script, so an unchanged tree never
# rebuilds.  Usage: build-kernel.sh CACHE_DIR OUTPUT_LINUX OUTPUT_CONFIG
set -euo pipefail

cache=$1 out=$2 out_config=$3
top=$(cd "$(dirname "$0")/.." && pwd)
tarball=/usr/src/linux-source-6.1.tar.xz
fragment=$top/uml-config/runuml.config
shopt -s nullglob
patches=("$top"/uml-config/patches/*.patch)

[ -f "$tarball" ] || { echo "build-kernel: $tarball is missing; run 'make deps'" >&2; exit 1; }
version=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null || stat -c %s "$tarball")
key=$( { echo "$version"; cat "$fragment" "${patches[@]}" "$0"; } | sha256sum | cut -c1-16)
dest=$cache/kernel-$key

if [ ! -x "$dest/linux" ]; then
	echo "build-kernel: building UML kernel $key (linux-source $version); cached afterwards"
	start=$(date +%s)
	mkdir -p "$cache"
	work=$(mktemp -d "$cache/work.XXXXXX")
	trap 'rm -rf "$work"' EXIT
	tar -C "$work" -xf "$tarball"
	src=$work/linux-source-6.1
	for p in "${patches[@]}"; do
		echo "build-kernel: applying $(basename "$p")"
		patch -d "$src" -p1 --quiet --forward < "$p"
	done
	mkdir -p "$work/out"
	make -s -C "$src" O="$work/out" ARCH=um defconfig
	(cd "$work/out" && ARCH=um "$src/scripts/kconfig/merge_config.sh" -m -O "$work/out" \
		"$work/out/.config" "$fragment" >/dev/null)
	make -s -C "$src" O="$work/out" ARCH=um olddefconfig
	make -s -C "$src" O="$work/out" ARCH=um -j"$(nproc)" linux
	mkdir -p "$work/result"
	cp "$work/out/linux" "$work/result/linux"
	cp "$work/out/.config" "$work/result/config"
	cp "$src/usr/gen_init_cpio.c" "$work/result/gen_init_cpio.c"
	rm -rf "$dest"
	mv "$work/result" "$dest"
	echo "build-kernel: built in $(( $(date +%s) - start ))s"
fi
mkdir -p "$(dirname "$out")" "$(dirname "$out_config")"
cp "$dest/linux" "$out.tmp" && mv "$out.tmp" "$out"
cp "$dest/config" "$out_config"
cp "$dest/gen_init_cpio.c" "$(dirname "$out_config")/gen_init_cpio.c"
