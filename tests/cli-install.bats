#!/usr/bin/env bats
# runuml install / uninstall: docker's daemon.json edited in place — other
# keys and runtimes kept, a file dockerd could not parse refused and left
# byte for byte as it was, the file replaced atomically with its mode.

load helpers/runuml

setup() {
	CONF=$BATS_TEST_TMPDIR/etc/daemon.json
	mkdir -p "$(dirname "$CONF")"
	SELF=$(readlink -f "$RUNUML")
}

# no temporary file of ours may stay next to the config
no_temp_left() {
	! ls -A "$(dirname "$CONF")" | grep -q '^\.daemon\.json\.'
}

@test "install: creates a missing daemon.json (0644) and says how to reload docker" {
	rm -rf "$(dirname "$CONF")"
	run "$RUNUML" install --config "$CONF"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == "runtime \`uml\` ($SELF) added to \`$CONF\`;"* ]]
	[[ "$output" == *"systemctl reload docker"*"kill -HUP"* ]]
	jq -e --arg p "$SELF" '. == {runtimes: {uml: {path: $p}}}' "$CONF"
	[ "$(stat -c %a "$CONF")" = 644 ]
	no_temp_left
}

@test "install: merges into a daemon.json with other keys and runtimes" {
	cat >"$CONF" <<-'EOF2'
	{
	  "log-level": "warn",
	  "runtimes": { "runsc": { "path": "/usr/bin/runsc", "runtimeArgs": ["--platform=ptrace"] } },
	  "default-ulimits": { "nofile": { "Name": "nofile", "Hard": 64000, "Soft": 64000 } },
	  "registry-mirrors": ["https://mirror.example/"],
	  "max-concurrent-downloads": 1.50
	}
	EOF2
	cp "$CONF" "$BATS_TEST_TMPDIR/orig.json"
	run "$RUNUML" install --config "$CONF"
	[ "$status" -eq 0 ]
	# everything that was there is still there, unchanged and in order
	diff <(jq 'del(.runtimes.uml)' "$BATS_TEST_TMPDIR/orig.json") <(jq 'del(.runtimes.uml)' "$CONF")
	jq -e --arg p "$SELF" '.runtimes.uml == {path: $p} and (.runtimes | keys_unsorted == ["runsc", "uml"])' "$CONF"
	# numbers keep their text (json-c would otherwise reformat them)
	grep -q '"max-concurrent-downloads": 1.50' "$CONF"
	grep -q '"https://mirror.example/"' "$CONF"
	no_temp_left
}

@test "install: a second install changes nothing; new runtime args update the entry" {
	run "$RUNUML" install --config "$CONF"
	[ "$status" -eq 0 ]
	cp "$CONF" "$BATS_TEST_TMPDIR/first.json"
	run "$RUNUML" install --config "$CONF"
	[ "$status" -eq 0 ]
	[[ "$output" == *"is already installed in"* ]]
	cmp "$CONF" "$BATS_TEST_TMPDIR/first.json"

	run "$RUNUML" install --config "$CONF" -- --debug --log-format json
	[ "$status" -eq 0 ]
	[[ "$output" == *"updated in"* ]]
	jq -e --arg p "$SELF" '.runtimes.uml == {path: $p, runtimeArgs: ["--debug", "--log-format", "json"]}' "$CONF"
	run "$RUNUML" install --config "$CONF"
	[ "$status" -eq 0 ]
	jq -e '.runtimes.uml | has("runtimeArgs") | not' "$CONF"
}

@test "install: --runtime-name and --config; arguments only after --" {
	run "$RUNUML" install --runtime-name uml-debug --config "$CONF" -- --debug
	[ "$status" -eq 0 ]
	run "$RUNUML" install --config "$CONF"
	[ "$status" -eq 0 ]
	jq -e '(.runtimes | keys_unsorted) == ["uml-debug", "uml"] and .runtimes["uml-debug"].runtimeArgs == ["--debug"]' "$CONF"
	cp "$CONF" "$BATS_TEST_TMPDIR/before.json"
	run "$RUNUML" install --config "$CONF" --debug
	[ "$status" -ne 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"unknown option \`--debug\`"* ]]
	run "$RUNUML" install --config "$CONF" stray
	[ "$status" -ne 0 ]
	[[ "$output" == *"after \`--\`"* ]]
	cmp "$CONF" "$BATS_TEST_TMPDIR/before.json"
}

@test "install: names docker reserves are refused" {
	for n in runc io.containerd.runc.v2 ""; do
		run "$RUNUML" install --runtime-name "$n" --config "$CONF"
		[ "$status" -ne 0 ]
		[ "${#lines[@]}" -eq 1 ]
	done
	[ ! -e "$CONF" ]
}

@test "install: malformed JSON is refused and the file left untouched" {
	local bad
	while IFS= read -r bad; do
		printf '%s\n' "$bad" >"$CONF"
		cp "$CONF" "$BATS_TEST_TMPDIR/bad.json"
		run "$RUNUML" install --config "$CONF"
		echo "input: $bad -> $output"
		[ "$status" -ne 0 ]
		[ "${#lines[@]}" -eq 1 ]
		[[ "$output" == *"\`$CONF\`"*"the file was not changed"* ]]
		cmp "$CONF" "$BATS_TEST_TMPDIR/bad.json"
		no_temp_left
	done <<-'EOF2'
	{"log-level": "warn",}
	{'log-level': 'warn'}
	{"log-level": "warn"
	{"log-level": "warn"} {}
	["not", "an", "object"]
	{"runtimes": "uml"}
	{"a": NaN}
	{"a": 123456789012345678901234567890}
	{"a": 01}
	{"a": "tab	inside"}
	{"a": tru}
	// comment
	EOF2
}

@test "install: the error names the line and column" {
	printf '{\n  "a": 1,\n  "b": [1 2]\n}\n' >"$CONF"
	run "$RUNUML" install --config "$CONF"
	[ "$status" -ne 0 ]
	[[ "$output" == *"line 3, column 11"* ]]
}

@test "install: an empty daemon.json is an empty object" {
	: >"$CONF"
	run "$RUNUML" install --config "$CONF"
	[ "$status" -eq 0 ]
	jq -e '.runtimes.uml.path' "$CONF"
}

@test "install: keeps the file's mode and a symlinked daemon.json stays a link" {
	echo '{"debug": true}' >"$BATS_TEST_TMPDIR/real.json"
	chmod 600 "$BATS_TEST_TMPDIR/real.json"
	ln -s "$BATS_TEST_TMPDIR/real.json" "$CONF"
	run "$RUNUML" install --config "$CONF"
	[ "$status" -eq 0 ]
	[ -L "$CONF" ]
	[ "$(stat -c %a "$BATS_TEST_TMPDIR/real.json")" = 600 ]
	jq -e '.debug == true and (.runtimes.uml.path | length > 0)' "$BATS_TEST_TMPDIR/real.json"
}

@test "install: a directory as --config is refused" {
	run "$RUNUML" install --config "$BATS_TEST_TMPDIR"
	[ "$status" -ne 0 ]
	[[ "$output" == *"not a regular file"* ]]
}

@test "uninstall: removes only that runtime; install + uninstall gives the same JSON back" {
	echo '{"debug": true, "runtimes": {"runsc": {"path": "/usr/bin/runsc"}}}' >"$CONF"
	cp "$CONF" "$BATS_TEST_TMPDIR/orig.json"
	run "$RUNUML" install --config "$CONF"
	[ "$status" -eq 0 ]
	run "$RUNUML" uninstall --config "$CONF"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == "runtime \`uml\` removed from \`$CONF\`;"*"reload docker"* ]]
	diff <(jq -S . "$BATS_TEST_TMPDIR/orig.json") <(jq -S . "$CONF")
	no_temp_left

	# the last runtime gone, "runtimes" goes too
	echo '{"debug": true}' >"$CONF"
	"$RUNUML" install --config "$CONF"
	run "$RUNUML" uninstall --config "$CONF"
	[ "$status" -eq 0 ]
	jq -e '. == {debug: true}' "$CONF"
}

@test "uninstall: --runtime-name removes that one only" {
	"$RUNUML" install --config "$CONF"
	"$RUNUML" install --runtime-name uml2 --config "$CONF"
	run "$RUNUML" uninstall --runtime-name uml2 --config "$CONF"
	[ "$status" -eq 0 ]
	jq -e '(.runtimes | keys) == ["uml"]' "$CONF"
}

@test "uninstall: a runtime that is not installed is an error and changes nothing" {
	echo '{"runtimes": {"runsc": {"path": "/usr/bin/runsc"}}}' >"$CONF"
	cp "$CONF" "$BATS_TEST_TMPDIR/orig.json"
	run "$RUNUML" uninstall --config "$CONF"
	[ "$status" -ne 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"runtime \`uml\` is not installed in \`$CONF\`"* ]]
	cmp "$CONF" "$BATS_TEST_TMPDIR/orig.json"

	echo '{}' >"$CONF"
	run "$RUNUML" uninstall --config "$CONF"
	[ "$status" -ne 0 ]
	[[ "$output" == *"is not installed in"* ]]

	run "$RUNUML" uninstall --config "$BATS_TEST_TMPDIR/missing.json"
	[ "$status" -ne 0 ]
	[[ "$output" == *"runtime \`uml\` is not installed in"*"No such file or directory"* ]]
	[ ! -e "$BATS_TEST_TMPDIR/missing.json" ]
}

@test "uninstall: refuses to remove the default-runtime, and malformed files" {
	echo '{"default-runtime": "uml", "runtimes": {"uml": {"path": "/x"}}}' >"$CONF"
	cp "$CONF" "$BATS_TEST_TMPDIR/orig.json"
	run "$RUNUML" uninstall --config "$CONF"
	[ "$status" -ne 0 ]
	[[ "$output" == *"default-runtime"* ]]
	cmp "$CONF" "$BATS_TEST_TMPDIR/orig.json"

	echo '{"runtimes": {"uml": {"path": "/x"},}}' >"$CONF"
	cp "$CONF" "$BATS_TEST_TMPDIR/orig.json"
	run "$RUNUML" uninstall --config "$CONF"
	[ "$status" -ne 0 ]
	[[ "$output" == *"cannot parse"* ]]
	cmp "$CONF" "$BATS_TEST_TMPDIR/orig.json"
}

@test "install/uninstall: create no state root; --help" {
	run "$RUNUML" --root "$BATS_TEST_TMPDIR/state" install --config "$CONF"
	[ "$status" -eq 0 ]
	run "$RUNUML" --root "$BATS_TEST_TMPDIR/state" uninstall --config "$CONF"
	[ "$status" -eq 0 ]
	[ ! -e "$BATS_TEST_TMPDIR/state" ]
	run "$RUNUML" install --help
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "usage: runuml install "* ]]
	run "$RUNUML" uninstall --help
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "usage: runuml uninstall "* ]]
}

@test "install: dockerd loads the file it wrote and runs containers with the runtime" {
	load helpers/dockerd
	dockerd_available || skip "needs root and Debian's docker.io (dockerd, containerd)"
	[ -f "$IMAGE_DIR.tar" ] || skip "no test image at $IMAGE_DIR.tar (run make)"
	echo '{"log-level": "warn", "iptables": false, "ip-forward": false, "storage-driver": "vfs"}' >"$CONF"
	"$RUNUML" install --config "$CONF" -- --debug
	DOCKER_DIR=$BATS_TEST_TMPDIR/docker
	DOCKERD_CONFIG=$CONF dockerd_start "$DOCKER_DIR"
	local rc=0
	{
		docker_cli info --format '{{json .Runtimes}}' >"$BATS_TEST_TMPDIR/runtimes.json" &&
		docker_import_busybox &&
		# the harness itself, with docker's own runtime
		[ "$(docker_cli run --runtime=runc --rm runuml-busybox echo hi 2>/dev/null)" = hi ] &&
		[ "$(docker_cli run --runtime=uml --rm runuml-busybox echo hi 2>/dev/null)" = hi ]
	} || rc=$?
	dockerd_stop "$DOCKER_DIR"
	[ "$rc" -eq 0 ]
	jq -e --arg p "$SELF" '.uml.path == $p and .uml.runtimeArgs == ["--debug"]' "$BATS_TEST_TMPDIR/runtimes.json"
}
