#!/usr/bin/env bats
# Bad input: a clear one-line error naming the problem, a non-zero exit, and
# nothing left behind.

load helpers/runuml

setup() {
	common_setup
	BUNDLE=$BATS_TEST_TMPDIR/bundle
	make_bundle "$BUNDLE" true
}

teardown() {
	common_teardown
}

one_line_error() { # asserts: non-zero, exactly one line, containing $1
	[ "$status" -ne 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"$1"* ]]
}

@test "errors: missing bundle" {
	run "$RUNUML" --root "$STATE" run -b "$BATS_TEST_TMPDIR/nope" e1
	one_line_error "nope"
}

@test "errors: bundle without config.json" {
	rm "$BUNDLE/config.json"
	run "$RUNUML" --root "$STATE" run -b "$BUNDLE" e2
	one_line_error "config.json"
}

@test "errors: malformed config.json" {
	echo '{"ociVersion": "1.0.0", "process": {' > "$BUNDLE/config.json"
	run "$RUNUML" --root "$STATE" run -b "$BUNDLE" e3
	one_line_error "config.json"
	echo 'not json at all' > "$BUNDLE/config.json"
	run "$RUNUML" --root "$STATE" run -b "$BUNDLE" e3
	one_line_error "config.json"
}

@test "errors: truncated config.json" {
	make_bundle "$BATS_TEST_TMPDIR/good" true
	head -c 200 "$BATS_TEST_TMPDIR/good/config.json" > "$BUNDLE/config.json"
	run "$RUNUML" --root "$STATE" run -b "$BUNDLE" e4
	one_line_error "config.json"
}

@test "errors: missing or empty process.args" {
	jq 'del(.process.args)' "$BUNDLE/config.json" > "$BUNDLE/c" && mv "$BUNDLE/c" "$BUNDLE/config.json"
	run "$RUNUML" --root "$STATE" run -b "$BUNDLE" e5
	one_line_error "args must not be empty"
	jq '.process.args = []' "$BUNDLE/config.json" > "$BUNDLE/c" && mv "$BUNDLE/c" "$BUNDLE/config.json"
	run "$RUNUML" --root "$STATE" run -b "$BUNDLE" e5
	one_line_error "args must not be empty"
}

@test "errors: wrong types in config.json name the field" {
	jq '.process.user.uid = "zero"' "$BUNDLE/config.json" > "$BUNDLE/c" && mv "$BUNDLE/c" "$BUNDLE/config.json"
	run "$RUNUML" --root "$STATE" run -b "$BUNDLE" e6
	one_line_error "process.user.uid"
}

@test "errors: nonexistent executable, in runc's words" {
	set_args "$BUNDLE" nosuch
	run "$RUNUML" --root "$STATE" run -b "$BUNDLE" e7
	one_line_error 'exec: "nosuch": executable file not found in $PATH'
}

@test "errors: duplicate id" {
	set_args "$BUNDLE" sleep 30
	"$RUNUML" --root "$STATE" run -d -b "$BUNDLE" dup
	run "$RUNUML" --root "$STATE" run -b "$BUNDLE" dup
	one_line_error "already exists"
	"$RUNUML" --root "$STATE" delete -f dup
}

@test "errors: invalid ids" {
	for id in "../x" "" "a/b" "$(head -c 1024 /dev/zero | tr '\0' a)" "." ".."; do
		run "$RUNUML" --root "$STATE" run -b "$BUNDLE" "$id"
		one_line_error "invalid container id"
	done
}

@test "errors: missing bind-mount source" {
	jq '.mounts += [{"destination": "/data", "type": "bind", "source": "/nonexistent/src", "options": ["rbind"]}]' \
		"$BUNDLE/config.json" > "$BUNDLE/c" && mv "$BUNDLE/c" "$BUNDLE/config.json"
	run "$RUNUML" --root "$STATE" run -b "$BUNDLE" e9
	one_line_error "/nonexistent/src"
}

@test "errors: unknown command and bad flags" {
	run "$RUNUML" frobnicate
	one_line_error "unknown command"
	run "$RUNUML" --log-format yaml state x
	one_line_error "log-format"
}

@test "errors: --log json records the root cause as the last error line" {
	set_args "$BUNDLE" nosuch
	run "$RUNUML" --root "$STATE" --log "$BATS_TEST_TMPDIR/log.json" --log-format json run -b "$BUNDLE" e10
	[ "$status" -ne 0 ]
	last=$(grep '"level":"error"' "$BATS_TEST_TMPDIR/log.json" | tail -n 1)
	echo "$last" | jq -e '.msg | contains("executable file not found")'
	echo "$last" | jq -e '.time | test("^[0-9]{4}-")'
}
