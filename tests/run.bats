#!/usr/bin/env bats
# `runuml run`: a container boots in a real UML kernel and behaves like runc
# for output, exit codes, signals, environment, identity and stdio.

load helpers/runuml

setup() {
	common_setup
	BUNDLE=$BATS_TEST_TMPDIR/bundle
	make_bundle "$BUNDLE"
}

teardown() {
	common_teardown
}

run_in() { # run_in ARGS... : runs the bundle with process.args = ARGS
	set_args "$BUNDLE" "$@"
	run "$RUNUML" --root "$STATE" run -b "$BUNDLE" "t$BATS_TEST_NUMBER"
}

@test "run: echo output reaches stdout" {
	run_in echo hello from uml
	[ "$status" -eq 0 ]
	[ "$output" = "hello from uml" ]
}

@test "run: it is a User Mode Linux kernel" {
	run_in head -n 3 /proc/cpuinfo
	[ "$status" -eq 0 ]
	[[ "$output" == *"User Mode Linux"* ]]
}

@test "run: exit codes 0, 1, 42, 255 are passed through" {
	for code in 0 1 42 255; do
		run_in rtest exit "$code"
		[ "$status" -eq "$code" ]
	done
}

@test "run: death by signal is the monitor's death by the same signal" {
	# without a PID namespace the process is not PID 1, so a self-kill works
	jq '.linux.namespaces = [{"type":"mount"}]' "$BUNDLE/config.json" > "$BUNDLE/c" &&
		mv "$BUNDLE/c" "$BUNDLE/config.json"
	set_args "$BUNDLE" rtest kill-self 9
	run bash -c '"$0" --root "$1" run -b "$2" sig9; echo "status=$?"' "$RUNUML" "$STATE" "$BUNDLE"
	[[ "$output" == *"status=137"* ]]
	set_args "$BUNDLE" rtest kill-self SEGV
	run bash -c '"$0" --root "$1" run -b "$2" sig11; echo "status=$?"' "$RUNUML" "$STATE" "$BUNDLE"
	[[ "$output" == *"status=139"* ]]
	set_args "$BUNDLE" rtest kill-self TERM
	run bash -c '"$0" --root "$1" run -b "$2" sig15; echo "status=$?"' "$RUNUML" "$STATE" "$BUNDLE"
	[[ "$output" == *"status=143"* ]]
}

@test "run: PID 1 of a PID namespace ignores its own SIGKILL, as under runc" {
	run_in sh -c 'kill -9 $$; echo survived'
	[ "$status" -eq 0 ]
	[ "$output" = "survived" ]
}

@test "run: process.env is the environment" {
	jq '.process.env = ["PATH=/bin:/usr/bin", "FOO=bar baz", "EMPTY="]' "$BUNDLE/config.json" > "$BUNDLE/c" &&
		mv "$BUNDLE/c" "$BUNDLE/config.json"
	run_in rtest env
	[ "$status" -eq 0 ]
	[[ "$output" == *"FOO=bar baz"* ]]
	[[ "$output" == *"EMPTY="* ]]
	[[ "$output" == *"PATH=/bin:/usr/bin"* ]]
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 3 ]
}

@test "run: cwd is applied; a missing cwd is a one-line error" {
	jq '.process.cwd = "/tmp"' "$BUNDLE/config.json" > "$BUNDLE/c" && mv "$BUNDLE/c" "$BUNDLE/config.json"
	run_in rtest cwd
	[ "$status" -eq 0 ]
	[ "$output" = "/tmp" ]
	jq '.process.cwd = "/nonexistent"' "$BUNDLE/config.json" > "$BUNDLE/c" && mv "$BUNDLE/c" "$BUNDLE/config.json"
	run_in rtest cwd
	[ "$status" -ne 0 ]
	[[ "$output" == *"cwd"*"/nonexistent"* ]]
	[ "${#lines[@]}" -eq 1 ]
}

@test "run: uid, gid, additionalGids and umask are applied" {
	jq '.process.user = {"uid": 1000, "gid": 1000, "additionalGids": [5, 7], "umask": 63}' \
		"$BUNDLE/config.json" > "$BUNDLE/c" && mv "$BUNDLE/c" "$BUNDLE/config.json"
	run_in rtest ids
	[ "$status" -eq 0 ]
	[[ "$output" == *"uid=1000 gid=1000 euid=1000 egid=1000"* ]]
	[[ "$output" == *"groups=5,7"* ]]
	[[ "$output" == *"umask=0077"* ]]
}

@test "run: hostname is set" {
	jq '.hostname = "uml-box"' "$BUNDLE/config.json" > "$BUNDLE/c" && mv "$BUNDLE/c" "$BUNDLE/config.json"
	run_in rtest hostname
	[ "$status" -eq 0 ]
	[ "$output" = "uml-box" ]
}

@test "run: rlimits are applied" {
	jq '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 321, "hard": 654},
	                        {"type": "RLIMIT_CORE", "soft": 0, "hard": 0}]' \
		"$BUNDLE/config.json" > "$BUNDLE/c" && mv "$BUNDLE/c" "$BUNDLE/config.json"
	run_in rtest rlimit NOFILE
	[ "$status" -eq 0 ]
	[[ "$output" == *"321"*"654"* ]]
	run_in rtest rlimit CORE
	[[ "$output" == *"0"*"0"* ]]
}

@test "run: noNewPrivileges and capabilities are applied" {
	jq '.process.noNewPrivileges = true | .process.user = {"uid": 1000, "gid": 1000}' \
		"$BUNDLE/config.json" > "$BUNDLE/c" && mv "$BUNDLE/c" "$BUNDLE/config.json"
	run_in rtest nnp
	[ "$status" -eq 0 ]
	[[ "$output" == *"1"* ]]
	jq '.process.noNewPrivileges = false | .process.user = {"uid": 0, "gid": 0}
	    | .process.capabilities = {"bounding": ["CAP_KILL"], "effective": ["CAP_KILL"], "permitted": ["CAP_KILL"]}' \
		"$BUNDLE/config.json" > "$BUNDLE/c" && mv "$BUNDLE/c" "$BUNDLE/config.json"
	run_in rtest caps
	[ "$status" -eq 0 ]
	# CAP_KILL is bit 5: 0x20
	[[ "$output" == *"CapEff"*"0000000000000020"* ]]
	[[ "$output" == *"CapBnd"*"0000000000000020"* ]]
	run_in rtest nnp
	[[ "$output" == *"0"* ]]
}

@test "run: stdin is piped through" {
	set_args "$BUNDLE" cat
	run bash -c 'printf "data\nmore" | "$0" --root "$1" run -b "$2" stdin1' "$RUNUML" "$STATE" "$BUNDLE"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'data\nmore')" ]
}

@test "run: stdin without a reader of it still ends" {
	set_args "$BUNDLE" true
	run bash -c 'yes | head -c 1000000 | "$0" --root "$1" run -b "$2" stdin2' "$RUNUML" "$STATE" "$BUNDLE"
	[ "$status" -eq 0 ]
}

@test "run: 10 MB of stdout arrive intact, stderr kept separate" {
	set_args "$BUNDLE" sh -c 'rtest write-bytes 10000000; echo to-stderr >&2'
	"$RUNUML" --root "$STATE" run -b "$BUNDLE" big >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err"
	[ "$(stat -c %s "$BATS_TEST_TMPDIR/out")" -eq 10000000 ]
	expected=$(rtest_host write-bytes 10000000 | sha256sum)
	[ "$(sha256sum < "$BATS_TEST_TMPDIR/out")" = "$expected" ]
	[ "$(cat "$BATS_TEST_TMPDIR/err")" = "to-stderr" ]
}

@test "run: 4 MB of stdin arrive intact" {
	set_args "$BUNDLE" sha256sum
	run bash -c 'head -c 4000000 /dev/urandom > "$3/in"; "$0" --root "$1" run -b "$2" sin < "$3/in"' \
		"$RUNUML" "$STATE" "$BUNDLE" "$BATS_TEST_TMPDIR"
	[ "$status" -eq 0 ]
	[ "${output%% *}" = "$(sha256sum < "$BATS_TEST_TMPDIR/in" | cut -d' ' -f1)" ]
}

@test "run: the kernel console never reaches stdout" {
	run_in echo only-this
	[ "$output" = "only-this" ]
	[[ "$output" != *"Linux version"* ]]
	[[ "$output" != *"Kernel command line"* ]]
}

@test "run: a terminal process gets a real tty with the caller's size" {
	jq '.process.terminal = true' "$BUNDLE/config.json" > "$BUNDLE/c" && mv "$BUNDLE/c" "$BUNDLE/config.json"
	set_args "$BUNDLE" sh -c 'rtest isatty; stty size'
	run script -qec "stty rows 31 cols 97; '$RUNUML' --root '$STATE' run -b '$BUNDLE' tty1" /dev/null
	[ "$status" -eq 0 ]
	[[ "$output" == *"stdin=1 stdout=1 stderr=1"* ]]
	[[ "$output" == *"31 97"* ]]
}

@test "run: without a terminal, stdio is not a tty" {
	run_in rtest isatty
	[ "$status" -eq 0 ]
	[[ "$output" == *"stdin=0 stdout=0 stderr=0"* ]]
}

@test "run: memory is available to the process" {
	run_in rtest memhog 64M
	[ "$status" -eq 0 ]
}

@test "run: a kernel that cannot boot gives a one-line error quoting the console" {
	set_args "$BUNDLE" true
	RUNUML_KERNEL_ARGS="rdinit=/nonexistent" run "$RUNUML" --root "$STATE" run -b "$BUNDLE" panic1
	[ "$status" -ne 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"Kernel panic"* ]]
}

@test "run: a config.json larger than a tty buffer (input flow control)" {
	jq '.annotations = {"big": ("x" * 20000)}' "$BUNDLE/config.json" > "$BUNDLE/c" &&
		mv "$BUNDLE/c" "$BUNDLE/config.json"
	run_in echo started-after-big-config
	[ "$status" -eq 0 ]
	[ "$output" = "started-after-big-config" ]
}

@test "run: stdin that pauses after a burst still arrives" {
	set_args "$BUNDLE" sh -c 'wc -c'
	run bash -c '{ head -c 100000 /dev/zero; sleep 1; printf "tail"; } | "$0" --root "$1" run -b "$2" burst' \
		"$RUNUML" "$STATE" "$BUNDLE"
	[ "$status" -eq 0 ]
	[ "$output" -eq 100004 ]
}
