#!/usr/bin/env bats
# runuml needs no privilege: as an unprivileged user (made here when the
# suite runs as root) the same container runs, with state under that user's
# own runtime directory, and nothing is left behind.

load helpers/runuml

RL_USER=runuml-rl

setup() {
	common_setup
	if [ "$(id -u)" -ne 0 ]; then
		RL_RUN=(bash -c)
	else
		command -v useradd >/dev/null || skip "no useradd to create an unprivileged user"
		id "$RL_USER" >/dev/null 2>&1 || useradd -M -s /bin/sh "$RL_USER"
		RL_RUN=(su "$RL_USER" -s /bin/sh -c)
	fi
	# the user needs to reach the build and its own bundle
	chmod o+rx "$BATS_TEST_TMPDIR" "$BATS_RUN_TMPDIR" 2>/dev/null || true
	BUNDLE=$BATS_TEST_TMPDIR/rlbundle
	make_bundle "$BUNDLE" sh -c 'id -u; echo written > /tmp/f; cat /tmp/f; head -n 2 /proc/cpuinfo'
	[ "$(id -u)" -ne 0 ] || chown -R "$RL_USER" "$BUNDLE"
	RL_STATE=$BATS_TEST_TMPDIR/rlstate
	mkdir -p "$RL_STATE"
	[ "$(id -u)" -ne 0 ] || chown "$RL_USER" "$RL_STATE"
	chmod o+rx "$BATS_RUN_TMPDIR/test" "$(dirname "$BATS_TEST_TMPDIR")" 2>/dev/null || true
}

teardown() {
	"${RL_RUN[@]}" "'$RUNUML' --root '$RL_STATE' list -q" 2>/dev/null | while read -r id; do
		"${RL_RUN[@]}" "'$RUNUML' --root '$RL_STATE' delete -f '$id'"
	done
	common_teardown
}

@test "rootless: run works without privilege, as guest root" {
	[ -x "$RUNUML" ] || skip "not built"
	run "${RL_RUN[@]}" "cd '$BUNDLE' && '$RUNUML' --root '$RL_STATE' run rl1"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 0 ]
	[[ "$output" == *written* ]]
	[[ "$output" == *"User Mode Linux"* ]]
	[ -z "$(ls -A "$RL_STATE" 2>/dev/null)" ]
}

@test "rootless: create/start/delete lifecycle without privilege" {
	set_args "$BUNDLE" sleep 30
	[ "$(id -u)" -ne 0 ] || chown "$RL_USER" "$BUNDLE/config.json"
	run "${RL_RUN[@]}" "'$RUNUML' --root '$RL_STATE' create -b '$BUNDLE' rl2 </dev/null >/dev/null 2>&1 &&
		'$RUNUML' --root '$RL_STATE' start rl2 && '$RUNUML' --root '$RL_STATE' state rl2 &&
		'$RUNUML' --root '$RL_STATE' delete -f rl2"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *'"status": "running"'* ]]
}

@test "rootless: the invoking user's files are root's in the guest; other owners the guest sets are kept" {
	# docker's default capabilities, so the guest's root may chown
	local caps='["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FSETID","CAP_FOWNER","CAP_MKNOD","CAP_SETGID",
		"CAP_SETUID","CAP_KILL","CAP_AUDIT_WRITE"]'
	jq --argjson c "$caps" '.process.capabilities = {bounding:$c, effective:$c, permitted:$c}' \
		"$BUNDLE/config.json" > "$BUNDLE/c" && mv "$BUNDLE/c" "$BUNDLE/config.json"
	# a rootless user's image is the user's and the user's group's
	[ "$(id -u)" -ne 0 ] || chown -R "$RL_USER:$(id -gn "$RL_USER")" "$BUNDLE"
	set_args "$BUNDLE" sh -c 'stat -c %u:%g /bin/busybox; echo x > /owned; chown 1000:1000 /owned;
		stat -c %u:%g /owned; chmod 0604 /owned; stat -c %a /owned; mkdir /d; chown 123:456 /d;
		stat -c %u:%g /d; mkfifo /p && stat -c %F /p'
	[ "$(id -u)" -ne 0 ] || chown "$RL_USER" "$BUNDLE/config.json"
	run "${RL_RUN[@]}" "'$RUNUML' --root '$RL_STATE' run -b '$BUNDLE' rl3"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 0:0 ]
	[ "${lines[1]}" = 1000:1000 ]
	[ "${lines[2]}" = 604 ]
	[ "${lines[3]}" = 123:456 ]
	[ "${lines[4]}" = fifo ]
	# on the host the files stay the invoking user's
	local me
	me=$("${RL_RUN[@]}" 'id -u')
	[ "$(stat -c %u "$BUNDLE/rootfs/owned")" = "$me" ]
	[ "$(stat -c %u "$BUNDLE/rootfs/d")" = "$me" ]
}
