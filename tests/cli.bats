#!/usr/bin/env bats
# The CLI surface that needs no container: version, features, spec, usage.

load helpers/runuml

@test "cli: --version and -v in runc's three-line shape" {
	for flag in --version -v; do
		run "$RUNUML" "$flag"
		[ "$status" -eq 0 ]
		[[ "${lines[0]}" =~ ^runuml\ version\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
		[[ "${lines[1]}" =~ ^commit:\ .+ ]]
		[[ "${lines[2]}" =~ ^spec:\ 1\.[0-9]+\.[0-9]+$ ]]
	done
}

@test "cli: features is the runtime-spec features document" {
	run "$RUNUML" features
	[ "$status" -eq 0 ]
	echo "$output" | jq -e '.ociVersionMin and .ociVersionMax and (.hooks | index("prestart"))
		and (.linux.namespaces | index("pid")) and (.mountOptions | index("rbind"))
		and (.potentiallyUnsafeConfigAnnotations | type == "array")'
}

@test "cli: spec writes a parseable config.json and refuses to overwrite" {
	cd "$BATS_TEST_TMPDIR"
	run "$RUNUML" spec
	[ "$status" -eq 0 ]
	jq -e '.process.args == ["sh"] and .root.path == "rootfs"' config.json
	run "$RUNUML" spec
	[ "$status" -ne 0 ]
	[[ "$output" == *"exists"* ]]
	run "$RUNUML" spec --bundle "$BATS_TEST_TMPDIR/nonexistent"
	[ "$status" -ne 0 ]
	[ "${#lines[@]}" -eq 1 ]
}

@test "cli: help lists the commands; no command is an error" {
	run "$RUNUML" --help
	[ "$status" -eq 0 ]
	for c in create start run state kill delete list ps exec pause resume spec features; do
		[[ "$output" == *"  $c "* ]]
	done
	run "$RUNUML"
	[ "$status" -ne 0 ]
}

@test "cli: the state root defaults to /run/runuml for root" {
	[ "$(id -u)" -eq 0 ] || skip "checks the default as root only"
	run env -u XDG_RUNTIME_DIR "$RUNUML" list -q
	[ "$status" -eq 0 ]
	[ -d /run/runuml ]
}
