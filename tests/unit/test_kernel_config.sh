#!/usr/bin/env bash
# Every option the fragment sets (uml-config/runuml.config) is what the
# built kernel's .config says, so a Kconfig dependency can't silently drop
# one (build/kernel/config is copied from the cached kernel build).
# tests/run.sh exports RUNUML_TOP and RUNUML_BUILD (absolute)
top=${RUNUML_TOP:?run me through tests/run.sh}
build=${RUNUML_BUILD:-$top/build}
config=$build/kernel/config
fragment=$top/uml-config/runuml.config
if [ ! -f "$config" ]; then
	# a build without the kernel (make check-asan builds host programs only)
	echo "1..0 # SKIP no kernel built in $build"
	exit 0
fi
mapfile -t want < <(grep -E '^(CONFIG_|# CONFIG_)' "$fragment")
echo "1..$(( ${#want[@]} + 1 ))"
n=0
[ -f "$config" ] && echo "ok $((++n)) - built kernel config exists" || { echo "not ok $((++n)) - no $config"; }
for line in "${want[@]}"; do
	if [[ $line == "# CONFIG_"* ]]; then
		key=${line#\# }; key=${key%% *}
		if grep -qE "^$key=" "$config" 2>/dev/null; then
			echo "not ok $((++n)) - $key must be off"
		else
			echo "ok $((++n)) - $key off"
		fi
	else
		if grep -qxF "$line" "$config" 2>/dev/null; then
			echo "ok $((++n)) - $line"
		else
			echo "not ok $((++n)) - $line (built: $(grep -E "^${line%%=*}=|^# ${line%%=*} " "$config" 2>/dev/null))"
		fi
	fi
done
