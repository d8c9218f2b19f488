#!/usr/bin/env bats
# Every failure path the CLI contract names (oci-cli-contract B2.4, B2.10):
# unknown id, wrong state, bad process file, bad update input.  Each is one
# line on stderr (and the last "level":"error" line of --log), a non-zero
# exit, runc's words where containerd matches them, and nothing changed or
# left behind.

load helpers/runuml

setup() {
	common_setup
	BUNDLE=$BATS_TEST_TMPDIR/bundle
	make_bundle "$BUNDLE" sleep 60
	ID="le$BATS_TEST_NUMBER"
	LOG=$BATS_TEST_TMPDIR/log.json
}

teardown() {
	"$RUNUML" --root "$STATE" delete --force "$ID" 2>/dev/null || true
	common_teardown
}

rt() { "$RUNUML" --root "$STATE" --log "$LOG" --log-format json "$@"; }

# asserts: non-zero, exactly one line containing $1, and the log's last
# error line says the same
one_line_error() {
	[ "$status" -ne 0 ] || { echo "exit status 0"; return 1; }
	[ "${#lines[@]}" -eq 1 ] || { echo "${#lines[@]} lines: $output"; return 1; }
	[[ "$output" == *"$1"* ]] || { echo "no '$1' in: $output"; return 1; }
	grep '"level":"error"' "$LOG" | tail -n 1 | jq -e --arg m "$1" '.msg | contains($m)' >/dev/null
}

create() {
	rt create --bundle "$BUNDLE" --pid-file "$BUNDLE/init.pid" "$ID" </dev/null >/dev/null 2>&1
}

status_is() { [ "$(rt state "$ID" | jq -r .status)" = "$1" ]; }

@test "unknown id: every command says the container does not exist" {
	echo '{"args":["true"],"cwd":"/"}' > "$BATS_TEST_TMPDIR/p.json"
	for cmd in "state" "start" "kill" "kill --all" "delete" "pause" "resume" "ps" \
		"update --memory 64m" "events --stats" "exec --process $BATS_TEST_TMPDIR/p.json"; do
		# shellcheck disable=SC2086
		run rt $cmd nosuchid
		one_line_error "container \`nosuchid\` does not exist" || { echo "($cmd)"; return 1; }
	done
	run rt exec nosuchid true
	one_line_error "does not exist"
	[ -z "$(ls -A "$STATE")" ]
}

@test "created: start twice, pause, resume, exec, delete without --force" {
	create
	run rt pause "$ID"
	one_line_error "container not running"
	run rt resume "$ID"
	one_line_error "container not paused"
	run rt exec "$ID" true
	one_line_error "cannot exec in a created (not yet started) container: container not running"
	status_is created
	rt start "$ID"
	run rt start "$ID"
	one_line_error "already"
	run rt delete "$ID"
	one_line_error "cannot delete container $ID that is not stopped"
	run rt resume "$ID"
	one_line_error "container not paused"
	status_is running
}

@test "paused: pause again, delete without --force, exec" {
	create
	rt start "$ID"
	rt pause "$ID"
	run rt pause "$ID"
	one_line_error "container not running"
	run rt delete "$ID"
	one_line_error "that is not stopped"
	run rt update --pids-limit 5 "$ID"
	one_line_error "paused"
	status_is paused
	rt resume "$ID"
	status_is running
}

@test "stopped: start, kill, pause, exec, ps, update, events all refuse" {
	set_args "$BUNDLE" true
	create
	rt start "$ID"
	wait_for 10 "! kill -0 $(cat "$BUNDLE/init.pid") 2>/dev/null"
	status_is stopped
	run rt start "$ID"
	one_line_error "cannot start"
	run rt kill "$ID" KILL
	one_line_error "container not running"
	run rt pause "$ID"
	one_line_error "container not running"
	run rt resume "$ID"
	one_line_error "container not paused"
	run rt exec "$ID" true
	one_line_error "not running"
	run rt ps "$ID"
	one_line_error "container not running"
	run rt update --memory 64m "$ID"
	one_line_error "container not running"
	run rt events --stats "$ID"
	one_line_error "container not running"
	# and the one that is fine: kill --all of a stopped container
	run rt kill --all "$ID" KILL
	[ "$status" -eq 0 ]
	run rt delete "$ID"
	[ "$status" -eq 0 ]
	[ ! -e "$STATE/$ID" ]
}

@test "bad process file: missing, malformed, no args, wrong types; the container goes on" {
	create
	rt start "$ID"
	run rt exec --process "$BATS_TEST_TMPDIR/nosuch.json" "$ID"
	one_line_error "nosuch.json"
	echo '{"args": [' > "$BATS_TEST_TMPDIR/bad.json"
	run rt exec --process "$BATS_TEST_TMPDIR/bad.json" "$ID"
	one_line_error "bad.json"
	echo '{"cwd": "/"}' > "$BATS_TEST_TMPDIR/noargs.json"
	run rt exec --process "$BATS_TEST_TMPDIR/noargs.json" "$ID"
	one_line_error "args"
	echo '{"args": ["true"], "cwd": "/", "user": {"uid": "root"}}' > "$BATS_TEST_TMPDIR/types.json"
	run rt exec --process "$BATS_TEST_TMPDIR/types.json" "$ID"
	one_line_error "uid"
	echo '[]' > "$BATS_TEST_TMPDIR/array.json"
	run rt exec --process "$BATS_TEST_TMPDIR/array.json" "$ID"
	one_line_error "array.json"
	status_is running
	# no exec session was left: the container still has just its process
	[ "$(rt events --stats "$ID" | jq .data.pids.current)" -eq 1 ]
}

@test "bad exec: missing executable and bad cwd are 255 and one line" {
	create
	rt start "$ID"
	run rt exec "$ID" nosuch
	[ "$status" -eq 255 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *'exec: "nosuch": executable file not found in $PATH'* ]]
	run rt exec --cwd /nonexistent "$ID" true
	[ "$status" -eq 255 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"/nonexistent"* ]]
	status_is running
}

@test "bad update input: one line, nothing changed" {
	create
	rt start "$ID"
	rt update --pids-limit 12 "$ID"
	run rt update -r - "$ID" <<<'{"pids": {"limit": "many"}}'
	one_line_error "invalid resources: \`pids.limit\` must be an integer"
	run rt update -r - "$ID" <<<'not json'
	one_line_error "invalid resources"
	run rt update --pids-limit many "$ID"
	one_line_error "invalid value \`many\` for --pids-limit"
	run rt update --memory 100g "$ID"
	one_line_error "fixed at boot"
	run rt update "$ID" extra
	[ "$status" -ne 0 ]
	run rt exec "$ID" sh -c 'cat /sys/fs/cgroup$(cut -d: -f3 /proc/self/cgroup)/pids.max'
	[ "$output" = 12 ]
}

@test "bad kill and events arguments" {
	create
	run rt kill "$ID" NOSUCHSIG
	one_line_error "invalid signal"
	run rt kill "$ID" 99
	one_line_error "invalid signal"
	run rt events --interval -1s "$ID"
	one_line_error "--interval"
	status_is created
}
