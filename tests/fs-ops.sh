#!/bin/sh
# File operations whose results must not depend on how the container's files
# are served: tests/hostfs-9p.bats runs this inside runuml (files through the
# 9P proxy) and inside runc (the host's own file system) and compares the
# output line by line.  Prints results only (no inode numbers, no times that
# depend on the run).  Run as root with docker's default capabilities, in an
# empty directory given as $1.
set -e
cd "$1"
say() { echo "$*"; }

say "--- create, append, truncate"
echo hello > a; cat a
echo more >> a; cat a
truncate -s 3 a; cat a; echo
truncate -s 10 a; stat -c '%s' a

say "--- rename, also over an existing file"
echo old > b
mv a b; cat b | head -c 3; echo; ls
mkdir d1 d2; echo in > d1/f; mv d1/f d2/g; ls d1 d2
mv d2 d3; ls -d d*

say "--- hard and symbolic links"
echo linked > l1
ln l1 l2; stat -c '%h' l1 l2; echo again >> l2; cat l1
ln -s l1 s1; readlink s1; cat s1
ln -s /nonexistent/target s2; readlink s2; [ -e s2 ] || say "dangling"
ln -s ../../../../etc/hostname s3; readlink s3

say "--- modes, owners, times"
chmod 0640 l1; stat -c '%a' l1
chmod 4755 l1; stat -c '%a' l1
chown 1000:1000 l1; stat -c '%u:%g' l1
chown 0:1000 b; stat -c '%u:%g' b
touch -d '2001-02-03 04:05:06' b; stat -c '%Y' b
mkdir -m 0700 priv; stat -c '%a' priv

say "--- mmap shared write"
rtest mmap-write m shared-bytes; cat m; echo

say "--- 10000 entries"
mkdir many; (cd many && seq 1 10000 | xargs touch)
ls many | wc -l; ls many | sort -n | tail -n 1
rm -r many; [ ! -e many ] && say "removed"

say "--- sparse 1 GiB"
dd if=/dev/zero of=sparse bs=1 count=1 seek=1073741823 2>/dev/null
stat -c '%s' sparse
[ "$(du -k sparse | cut -f1)" -lt 1024 ] && say "sparse on disk"
truncate -s 0 sparse; stat -c '%s' sparse

say "--- xattrs"
rtest setxattr b user.runuml-test value1; rtest getxattr b user.runuml-test

say "--- fsync, unlink while open"
echo synced > sy; sync sy 2>/dev/null || sync; cat sy
rtest unlink-open u; [ ! -e u ] && say "gone"

say "--- locks"
: > lk
rtest flock-try lk
rtest lock lk > lock.out &
while [ ! -s lock.out ]; do sleep 0.05; done
cat lock.out; rtest trylock lk
wait
rtest trylock lk

say "--- fifo, unlink, rmdir"
mkfifo ff; stat -c '%F' ff; chmod 0600 ff; stat -c '%a' ff
rm ff l2 s1 s2 s3; rmdir d1 2>/dev/null; ls

say "--- errors"
cat nonexistent 2>&1 | sed 's/^cat: //'
mkdir d3 2>&1 | sed 's/^mkdir: //'
rmdir d3 2>&1 | sed 's/^rmdir: //'
ln -s x d3/x; ls d3/x > /dev/null 2>&1 || say "dangling in dir"
say "done"
