#!/usr/bin/env bash
# make demo: runs a busybox container inside its own UML kernel and shows
# that it is one: uname and the first lines of /proc/cpuinfo from inside.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${RUNUML_BUILD:-$top/build}
runuml=$build/bin/runuml
image=$build/images/busybox
[ -x "$runuml" ] && [ -f "$image/config.json" ] || { echo "demo: run 'make' first" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/runuml-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp -a "$image/rootfs" "$work/rootfs"
jq '.process.terminal = false
    | .process.args = ["sh", "-c", "echo \"inside: $(uname -a)\"; head -n 3 /proc/cpuinfo; echo \"uid=$(id -u) hostname=$(hostname)\""]' \
	"$image/config.json" > "$work/config.json"
echo "\$ runuml run -b <bundle> demo"
start=$(date +%s%N)
"$runuml" --root "$work/state" run -b "$work" "demo-$$"
echo "(host kernel: $(uname -sr); container ran in $(( ($(date +%s%N) - start) / 1000000 )) ms)"
