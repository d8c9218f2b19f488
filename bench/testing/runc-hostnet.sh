#!/usr/bin/env bash
# A test double for the net area while runuml has no network: takes
# runuml's `[--root R] [--network=M] run -b BUNDLE ID` and runs the bundle
# with runc in the host's network namespace, so that ubench tcp-client
# reaches the host's tcp-serve over loopback.  Exercises the harness only:
#   BENCH_RUNUML=bench/testing/runc-hostnet.sh BENCH_NET_HOST=127.0.0.1 \
#       bench/run.sh --smoke --areas net --out /tmp/net-selftest
set -euo pipefail
root=${TMPDIR:-/tmp}/runc-hostnet-state bundle=. args=()
while [ $# -gt 0 ]; do
	case $1 in
	--root) root=$2-hostnet; shift ;;
	--network=*|run) ;;
	-b|--bundle) bundle=$2; shift ;;
	*) args+=("$1") ;;
	esac
	shift
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
jq --arg r "$(cd "$bundle" && pwd)/rootfs" \
	'.root.path = $r | .linux.namespaces |= map(select(.type != "network"))' \
	"$bundle/config.json" >"$tmp/config.json"
runc --root "$root" run -b "$tmp" "${args[@]}"
