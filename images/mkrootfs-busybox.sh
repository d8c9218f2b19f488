#!/usr/bin/env bash
# Builds the busybox test bundle: DEST/rootfs from Debian's busybox-static
# plus the static test helper (rtest), DEST/config.json (runuml spec with
# terminal off and args ["sh"]), and DEST.tar (the rootfs, for docker import).
#   mkrootfs-busybox.sh DEST RTEST RUNUML
set -euo pipefail
dest=$1 rtest=$2 runuml=$3
busybox=/bin/busybox
[ -x "$busybox" ] || { echo "mkrootfs: $busybox missing; run 'make deps'" >&2; exit 1; }

tmp=$(mktemp -d "$(dirname "$dest")/.busybox.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
root=$tmp/rootfs
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,root,home/tester,var/tmp,run}
chmod 1777 "$root/tmp" "$root/var/tmp"
cp "$busybox" "$root/bin/busybox"
for applet in $("$busybox" --list-full); do
	[ -e "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"
done
install -m 0755 "$rtest" "$root/bin/rtest"
cat > "$root/etc/passwd" <<'PW'
root:x:0:0:root:/root:/bin/sh
tester:x:1000:1000:tester:/home/tester:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PW
cat > "$root/etc/group" <<'GR'
root:x:0:
tester:x:1000:
nogroup:x:65534:
GR
echo runuml > "$root/etc/hostname"
: > "$root/etc/hosts"
: > "$root/etc/resolv.conf"
chown 1000:1000 "$root/home/tester" 2>/dev/null || true

"$runuml" spec --bundle "$tmp"
jq '.process.terminal = false | .process.args = ["sh"] | .root.readonly = false' \
	"$tmp/config.json" > "$tmp/config.json.new"
mv "$tmp/config.json.new" "$tmp/config.json"
tar -C "$root" -cf "$tmp/rootfs.tar" .

rm -rf "$dest" "$dest.tar"
mv "$tmp/rootfs.tar" "$dest.tar"
mkdir -p "$dest"
mv "$root" "$dest/rootfs"
mv "$tmp/config.json" "$dest/config.json"
