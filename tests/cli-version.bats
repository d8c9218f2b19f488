#!/usr/bin/env bats
# Global surface: --version in runc's shape (go-runc's parseVersion reads
# it), --help's two command groups, and one-line refusals.

load helpers/runuml

@test "version: --version and -v print the same three lines" {
	run "$RUNUML" --version
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
	[[ "${lines[0]}" =~ ^runuml\ version\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
	[[ "${lines[1]}" =~ ^commit:\ [^\ ]+$ ]]
	[[ "${lines[2]}" =~ ^spec:\ 1\.[0-9]+\.[0-9]+$ ]]
	local long=$output
	run "$RUNUML" -v
	[ "$status" -eq 0 ]
	[ "$output" = "$long" ]
}

@test "version: the commit is a git hash when built from a checkout" {
	git -C "$TOP" rev-parse HEAD >/dev/null 2>&1 || skip "not a git checkout"
	run "$RUNUML" --version
	[[ "${lines[1]}" =~ ^commit:\ [0-9a-f]{7,40}$ ]]
}

@test "version: after runc's global flags, creating no state root" {
	run "$RUNUML" --root "$BATS_TEST_TMPDIR/state" --debug --log-format json --version
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "runuml version "* ]]
	[ ! -e "$BATS_TEST_TMPDIR/state" ]
}

@test "cli: an unknown command is a one-line error" {
	run "$RUNUML" --root "$BATS_TEST_TMPDIR/state" frobnicate
	[ "$status" -ne 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"unknown command \`frobnicate\`"* ]]
	[ ! -e "$BATS_TEST_TMPDIR/state" ]
}

@test "cli: an unknown global flag or a bad --log-format is refused" {
	run "$RUNUML" --no-such-flag list
	[ "$status" -ne 0 ]
	[[ "$output" == *"no-such-flag"* ]]
	run "$RUNUML" --log-format yaml list
	[ "$status" -ne 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"yaml"* ]]
}

@test "cli: --help lists runc's commands and, apart, runuml's own" {
	run "$RUNUML" --help
	[ "$status" -eq 0 ]
	local runc_part own_part
	runc_part=$(sed -n '/^commands:/,/^$/p' <<<"$output")
	own_part=$(sed -n '/^runuml-specific commands:/,/^$/p' <<<"$output")
	for c in create start run state kill delete list ps exec pause resume spec features; do
		[[ "$runc_part" == *"  $c "* ]]
	done
	for c in install uninstall check; do
		[[ "$own_part" == *"  $c "* ]]
		[[ "$runc_part" != *"  $c "* ]]
	done
}
