#!/usr/bin/env bats
# The runc lifecycle driven with exactly the argv shapes containerd's runc v2
# shim (go-runc) uses: `--root R --log B/log.json --log-format json <cmd> …`.

load helpers/runuml

setup() {
	common_setup
	BUNDLE=$BATS_TEST_TMPDIR/bundle
	make_bundle "$BUNDLE" sleep 60
	ID="shim$BATS_TEST_NUMBER"
	LOG=$BUNDLE/log.json
}

teardown() {
	"$RUNUML" --root "$STATE" delete --force "$ID" 2>/dev/null || true
	common_teardown
}

rt() { "$RUNUML" --root "$STATE" --log "$LOG" --log-format json "$@"; }

# create hands its stdio to the container (runc's pass-through): give it
# files, not bats' capture pipe, and read its error from there.
rtc() {
	rt create "$@" </dev/null >"$BATS_TEST_TMPDIR/create.out" 2>"$BATS_TEST_TMPDIR/create.err"
}
run_create() {
	run rtc "$@"
	output=$(cat "$BATS_TEST_TMPDIR/create.err")
}

@test "shim: create, state, start, kill, state, delete" {
	run_create --bundle "$BUNDLE" --pid-file "$BUNDLE/init.pid" "$ID"
	[ "$status" -eq 0 ]
	pid=$(cat "$BUNDLE/init.pid")
	[ -d "/proc/$pid" ]
	run rt state "$ID"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r .status)" = created ]
	[ "$(echo "$output" | jq -r .pid)" = "$pid" ]
	[ "$(echo "$output" | jq -r .id)" = "$ID" ]
	[ "$(echo "$output" | jq -r .bundle)" = "$BUNDLE" ]
	echo "$output" | jq -e '.created | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T")'
	run rt start "$ID"
	[ "$status" -eq 0 ]
	[ "$(rt state "$ID" | jq -r .status)" = running ]
	run rt kill "$ID" KILL
	[ "$status" -eq 0 ]
	wait_for 10 "! kill -0 $pid 2>/dev/null"
	run rt state "$ID"
	[ "$(echo "$output" | jq -r .status)" = stopped ]
	[ "$(echo "$output" | jq -r .pid)" = 0 ]
	run rt delete "$ID"
	[ "$status" -eq 0 ]
	run rt state "$ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"does not exist"* ]]
}

@test "shim: the pid-file process exits with the container's status" {
	set_args "$BUNDLE" sh -c 'exit 7'
	rtc --bundle "$BUNDLE" --pid-file "$BUNDLE/init.pid" "$ID"
	pid=$(cat "$BUNDLE/init.pid")
	# we are not its parent (it was double-forked): watch it through /proc
	rt start "$ID"
	wait_for 10 "! kill -0 $pid 2>/dev/null"
	run rt state "$ID"
	[ "$(echo "$output" | jq -r .status)" = stopped ]
}

@test "shim: the monitor is re-parented to a subreaper, which gets its exit status" {
	set_args "$BUNDLE" sh -c 'exit 9'
	run subreaper_run "$RUNUML" --root "$STATE" create --bundle "$BUNDLE" --pid-file "$BUNDLE/init.pid" "$ID" \
		-- "$RUNUML" --root "$STATE" start "$ID"
	[[ "$output" == *"reaped $(cat "$BUNDLE/init.pid") status 9"* ]]
}

@test "shim: kill accepts names with and without SIG, and numbers" {
	for sig in TERM SIGTERM 15; do
		rtc --bundle "$BUNDLE" "$ID"
		rt start "$ID"
		run rt kill "$ID" "$sig"
		[ "$status" -eq 0 ]
		rt delete --force "$ID"
	done
	rtc --bundle "$BUNDLE" "$ID"
	run rt kill "$ID" NOSUCHSIG
	[ "$status" -ne 0 ]
	[[ "$output" == *"invalid signal"* ]]
}

@test "shim: kill of a created container ends it; kill --all of a stopped one is fine" {
	rtc --bundle "$BUNDLE" --pid-file "$BUNDLE/init.pid" "$ID"
	pid=$(cat "$BUNDLE/init.pid")
	run rt kill "$ID" 9
	[ "$status" -eq 0 ]
	wait_for 10 "! kill -0 $pid 2>/dev/null"
	run rt kill "$ID" 9
	[ "$status" -ne 0 ]
	[[ "$output" == *"container not running"* ]]
	run rt kill --all "$ID" 9
	[ "$status" -eq 0 ]
}

@test "shim: delete refuses a running container without --force" {
	rtc --bundle "$BUNDLE" "$ID"
	rt start "$ID"
	run rt delete "$ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"cannot delete container $ID that is not stopped"* ]]
	run rt delete --force "$ID"
	[ "$status" -eq 0 ]
	run rt state "$ID"
	[ "$status" -ne 0 ]
}

@test "shim: delete --force of an unknown id succeeds; delete without it says does not exist" {
	run rt delete --force nosuchid
	[ "$status" -eq 0 ]
	run rt delete nosuchid
	[ "$status" -ne 0 ]
	[[ "$output" == *"does not exist"* ]]
	grep -q '"level":"error"' "$LOG"
	tail -n 1 "$LOG" | jq -e '.msg | contains("does not exist")'
}

@test "shim: delete --force removes a half-created state directory" {
	mkdir -p "$STATE/half"
	run rt delete --force half
	[ "$status" -eq 0 ]
	[ ! -e "$STATE/half" ]
}

@test "shim: start is an error unless created" {
	run rt start nosuchid
	[ "$status" -ne 0 ]
	[[ "$output" == *"does not exist"* ]]
	rtc --bundle "$BUNDLE" "$ID"
	rt start "$ID"
	run rt start "$ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"already running"* ]]
}

@test "shim: create keeps the container's stdio but returns promptly" {
	set_args "$BUNDLE" sh -c 'read line; echo "got $line"; echo err >&2'
	mkfifo "$BATS_TEST_TMPDIR/in"
	rt create --bundle "$BUNDLE" "$ID" <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" &
	exec 7>"$BATS_TEST_TMPDIR/in"
	wait $!
	rt start "$ID"
	echo hello >&7
	exec 7>&-
	wait_for 10 "grep -q 'got hello' '$BATS_TEST_TMPDIR/out'"
	wait_for 10 "grep -q err '$BATS_TEST_TMPDIR/err'"
}

@test "shim: console-socket flow gives a real tty and forwards resizes" {
	jq '.process.terminal = true' "$BUNDLE/config.json" > "$BUNDLE/c" && mv "$BUNDLE/c" "$BUNDLE/config.json"
	set_args "$BUNDLE" sh -c 'rtest isatty; stty size; echo RESIZE-NOW; sleep 2; stty size'
	"$RECVTTY" "$BATS_TEST_TMPDIR/tty.sock" --rows 20 --cols 70 --resize-on RESIZE-NOW \
		>"$BATS_TEST_TMPDIR/tty.out" </dev/null &
	recv=$!
	wait_for 5 "[ -S '$BATS_TEST_TMPDIR/tty.sock' ]"
	run_create --bundle "$BUNDLE" --console-socket "$BATS_TEST_TMPDIR/tty.sock" "$ID"
	[ "$status" -eq 0 ]
	rt start "$ID"
	wait "$recv" || true
	cat "$BATS_TEST_TMPDIR/tty.out"
	grep -q "stdin=1 stdout=1 stderr=1" "$BATS_TEST_TMPDIR/tty.out"
	grep -q "20 70" "$BATS_TEST_TMPDIR/tty.out"
	grep -q "33 111" "$BATS_TEST_TMPDIR/tty.out"
}

@test "shim: a terminal without a console socket, or the reverse, is refused" {
	run_create --bundle "$BUNDLE" --console-socket "$BATS_TEST_TMPDIR/x.sock" "$ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"console socket"* ]]
	jq '.process.terminal = true' "$BUNDLE/config.json" > "$BUNDLE/c" && mv "$BUNDLE/c" "$BUNDLE/config.json"
	run_create --bundle "$BUNDLE" "$ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"console socket"* ]]
	[ ! -e "$STATE/$ID" ]
}

@test "shim: exec --process with --detach and --pid-file" {
	rtc --bundle "$BUNDLE" "$ID"
	rt start "$ID"
	cat >"$BATS_TEST_TMPDIR/proc.json" <<-'EOF'
	{"args": ["sh", "-c", "echo exec-out; echo exec-err >&2; exit 3"], "env": ["PATH=/bin"], "cwd": "/"}
	EOF
	run rt exec --process "$BATS_TEST_TMPDIR/proc.json" "$ID"
	[ "$status" -eq 3 ]
	[[ "$output" == *"exec-out"* ]]
	[[ "$output" == *"exec-err"* ]]
	cat >"$BATS_TEST_TMPDIR/proc2.json" <<-'EOF'
	{"args": ["sleep", "1"], "env": ["PATH=/bin"], "cwd": "/"}
	EOF
	run rt exec --process "$BATS_TEST_TMPDIR/proc2.json" --detach --pid-file "$BUNDLE/exec.pid" "$ID"
	[ "$status" -eq 0 ]
	epid=$(cat "$BUNDLE/exec.pid")
	[ -d "/proc/$epid" ]
	wait_for 10 "! kill -0 $epid 2>/dev/null"
}

@test "shim: exec CLI form with -e, -u, --cwd; exit codes; bad process file" {
	rtc --bundle "$BUNDLE" "$ID"
	rt start "$ID"
	run rt exec -e FOO=bar -u 1000:1000 --cwd /tmp "$ID" sh -c 'echo $FOO; id -u; id -g; pwd'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'bar\n1000\n1000\n/tmp')" ]
	run rt exec "$ID" rtest exit 42
	[ "$status" -eq 42 ]
	run rt exec "$ID" nosuch
	[ "$status" -eq 255 ]
	[[ "$output" == *"executable file not found"* ]]
	echo '{"args": [' > "$BATS_TEST_TMPDIR/bad.json"
	run rt exec --process "$BATS_TEST_TMPDIR/bad.json" "$ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"bad.json"* ]]
}

@test "shim: exec in a stopped or unknown container is an error" {
	run rt exec nosuchid true
	[ "$status" -ne 0 ]
	[[ "$output" == *"does not exist"* ]]
	set_args "$BUNDLE" true
	rtc --bundle "$BUNDLE" --pid-file "$BUNDLE/init.pid" "$ID"
	rt start "$ID"
	wait_for 10 "! kill -0 $(cat "$BUNDLE/init.pid") 2>/dev/null"
	run rt exec "$ID" true
	[ "$status" -ne 0 ]
	[[ "$output" == *"not running"* ]]
}

@test "shim: list and ps" {
	rtc --bundle "$BUNDLE" "$ID"
	rt start "$ID"
	run rt list --format json
	[ "$status" -eq 0 ]
	echo "$output" | jq -e --arg id "$ID" '.[] | select(.id == $id) | .status == "running"'
	run rt list
	[[ "$output" == *"$ID"*running* ]]
	run rt ps --format json "$ID"
	[ "$status" -eq 0 ]
	echo "$output" | jq -e 'length >= 2'
}

@test "shim: list tolerates directories it did not write" {
	mkdir -p "$STATE/stranger" "$STATE/another/deeper"
	echo garbage > "$STATE/another/state.json"
	run rt list --format json
	[ "$status" -eq 0 ]
	echo "$output" | jq -e 'type == "array"'
	rm -rf "$STATE/stranger" "$STATE/another"
}

@test "shim: pause and resume" {
	set_args "$BUNDLE" sh -c 'while true; do date +%s%N > /tmp/tick; sleep 0.1; done'
	rtc --bundle "$BUNDLE" "$ID"
	rt start "$ID"
	run rt pause "$ID"
	[ "$status" -eq 0 ]
	[ "$(rt state "$ID" | jq -r .status)" = paused ]
	run rt resume "$ID"
	[ "$status" -eq 0 ]
	[ "$(rt state "$ID" | jq -r .status)" = running ]
	run rt exec "$ID" true
	[ "$status" -eq 0 ]
}

@test "shim: hooks run in order with the state on stdin" {
	cat >"$BATS_TEST_TMPDIR/hook.sh" <<-EOF
	#!/bin/sh
	state=\$(cat)
	echo "\$1 \$(echo "\$state" | jq -r '.status + " " + (.pid|tostring)')" >> "$BATS_TEST_TMPDIR/hooks.log"
	EOF
	chmod +x "$BATS_TEST_TMPDIR/hook.sh"
	h=$BATS_TEST_TMPDIR/hook.sh
	jq --arg h "$h" '.hooks = {
	    "prestart": [{"path": $h, "args": ["hook", "prestart"]}],
	    "createRuntime": [{"path": $h, "args": ["hook", "createRuntime"]}],
	    "createContainer": [{"path": $h, "args": ["hook", "createContainer"]}],
	    "startContainer": [{"path": $h, "args": ["hook", "startContainer"]}],
	    "poststart": [{"path": $h, "args": ["hook", "poststart"]}],
	    "poststop": [{"path": $h, "args": ["hook", "poststop"]}]}' \
		"$BUNDLE/config.json" > "$BUNDLE/c" && mv "$BUNDLE/c" "$BUNDLE/config.json"
	rtc --bundle "$BUNDLE" --pid-file "$BUNDLE/init.pid" "$ID"
	rt start "$ID"
	rt delete --force "$ID"
	pid=$(cat "$BUNDLE/init.pid")
	run cat "$BATS_TEST_TMPDIR/hooks.log"
	[ "${lines[0]}" = "prestart created $pid" ]
	[ "${lines[1]}" = "createRuntime created $pid" ]
	[ "${lines[2]}" = "createContainer created $pid" ]
	[[ "${lines[3]}" == "startContainer "* ]]
	[[ "${lines[4]}" == "poststart "* ]]
	[[ "${lines[5]}" == "poststop stopped"* ]]
}

@test "shim: a failing create-time hook fails create and leaves nothing" {
	jq '.hooks = {"prestart": [{"path": "/bin/false"}]}' "$BUNDLE/config.json" > "$BUNDLE/c" &&
		mv "$BUNDLE/c" "$BUNDLE/config.json"
	run_create --bundle "$BUNDLE" "$ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"prestart hook"* ]]
	[ ! -e "$STATE/$ID" ]
}

@test "shim: the hook's pid lives in the container's network namespace" {
	[ "$(id -u)" -eq 0 ] || skip "needs root to create a network namespace"
	cat >"$BATS_TEST_TMPDIR/nshook.sh" <<-EOF
	#!/bin/sh
	pid=\$(jq -r .pid)
	readlink /proc/\$pid/ns/net > "$BATS_TEST_TMPDIR/ns.txt"
	EOF
	chmod +x "$BATS_TEST_TMPDIR/nshook.sh"
	jq --arg h "$BATS_TEST_TMPDIR/nshook.sh" '.hooks = {"prestart": [{"path": $h}]}' \
		"$BUNDLE/config.json" > "$BUNDLE/c" && mv "$BUNDLE/c" "$BUNDLE/config.json"
	rtc --bundle "$BUNDLE" "$ID"
	[ -s "$BATS_TEST_TMPDIR/ns.txt" ]
	[ "$(cat "$BATS_TEST_TMPDIR/ns.txt")" != "$(readlink /proc/self/ns/net)" ]
}

@test "shim: global flags in any runc position, and runtimeArgs before them" {
	run "$RUNUML" --debug --root "$STATE" --log "$LOG" --log-format json --systemd-cgroup --rootless false list
	[ "$status" -eq 0 ]
}

@test "shim: the sandbox lives in linux.cgroupsPath on the host, which delete removes" {
	[ "$(id -u)" -eq 0 ] || skip "needs root to create host cgroups"
	grep -q cgroup /proc/self/mountinfo || skip "no cgroup file system on this host"
	cg=/runuml-shim-test/$ID
	jq --arg cg "$cg" '.linux.cgroupsPath = $cg' "$BUNDLE/config.json" > "$BUNDLE/c" && mv "$BUNDLE/c" "$BUNDLE/config.json"
	rtc --bundle "$BUNDLE" --pid-file "$BUNDLE/init.pid" "$ID"
	rt start "$ID"
	# every host process of the sandbox, in every hierarchy
	for p in $(rt ps --format json "$ID" | jq '.[]'); do
		[ -z "$(grep -v ":$cg\$" "/proc/$p/cgroup" 2>/dev/null)" ]
	done
	rt kill "$ID" KILL
	wait_for 10 "! kill -0 $(cat "$BUNDLE/init.pid") 2>/dev/null"
	rt delete "$ID"
	[ -z "$(ls -d /sys/fs/cgroup/*"$cg" /sys/fs/cgroup"$cg" 2>/dev/null)" ]
	for d in /sys/fs/cgroup/*/runuml-shim-test /sys/fs/cgroup/runuml-shim-test; do rmdir "$d" 2>/dev/null || true; done
}

@test "shim: a systemd-style cgroupsPath is left to the host (not placed)" {
	jq '.linux.cgroupsPath = "system.slice:runuml:x"' "$BUNDLE/config.json" > "$BUNDLE/c" && mv "$BUNDLE/c" "$BUNDLE/config.json"
	run_create --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	rt delete --force "$ID"
}
