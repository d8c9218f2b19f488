#!/usr/bin/env bats
# runuml check: one line per host prerequisite,
#   ok <what>: <detail>   |   FAIL <what>: <detail>; fix: <hint>
# exit 0 iff there is no FAIL line.

load helpers/runuml

LINE_RE='^(ok|FAIL) [a-z][a-z ]*: .+$'

# check_shape: every line has the shape; FAIL lines and only they carry a
# fix; the exit status matches their presence.
check_shape() {
	local l fails=0
	[ "${#lines[@]}" -gt 0 ]
	for l in "${lines[@]}"; do
		[[ "$l" =~ $LINE_RE ]] || { echo "bad line: $l"; return 1; }
		if [[ "$l" == FAIL* ]]; then
			fails=$((fails + 1))
			[[ "$l" =~ \;\ fix:\ .+$ ]] || { echo "no fix: $l"; return 1; }
		else
			[[ "$l" != *"; fix: "* ]] || { echo "fix on ok: $l"; return 1; }
		fi
	done
	if [ "$fails" -gt 0 ]; then [ "$status" -eq 1 ]; else [ "$status" -eq 0 ]; fi
}

@test "check: every line has the shape, exit status follows the FAIL lines" {
	run "$RUNUML" --root "$BATS_TEST_TMPDIR/state" check
	check_shape
	for what in kernel initrd monitor ptrace "executable memory file" namespaces "state root"; do
		printf '%s\n' "${lines[@]}" | grep -qE "^(ok|FAIL) $what: "
	done
}

@test "check: finds the kernel and initrd relative to the binary" {
	local t=$BATS_TEST_TMPDIR/inst
	mkdir -p "$t/bin" "$t/libexec/runuml"
	cp "$RUNUML" "$t/bin/runuml"
	run "$t/bin/runuml" --root "$BATS_TEST_TMPDIR/state" check
	check_shape
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == "FAIL kernel: $t/bin/../libexec/runuml/linux: No such file or directory; fix: "* ]]
	printf '%s\n' "${lines[@]}" | grep -q '^FAIL initrd: '

	for f in linux initrd.img runuml-monitor; do # check looks, it does not boot
		printf '#!/bin/sh\n' >"$t/libexec/runuml/$f"
		chmod 755 "$t/libexec/runuml/$f"
	done
	run "$t/bin/runuml" --root "$BATS_TEST_TMPDIR/state" check
	check_shape
	[ "${lines[0]}" = "ok kernel: $t/bin/../libexec/runuml/linux" ]
	[ "${lines[1]}" = "ok initrd: $t/bin/../libexec/runuml/initrd.img" ]
}

@test "check: an unusable state root fails that line only" {
	run "$RUNUML" --root /proc/runuml-no-such-dir check
	check_shape
	[ "$status" -eq 1 ]
	printf '%s\n' "${lines[@]}" | grep -q '^FAIL state root: .*/proc/runuml-no-such-dir.*; fix: '
	run "$RUNUML" --root "$BATS_TEST_TMPDIR/state" check
	printf '%s\n' "${lines[@]}" | grep -q "^ok state root: $BATS_TEST_TMPDIR/state is writable$"
}

@test "check: a noexec TMPDIR fails the executable-mapping check" {
	[ "$(id -u)" -eq 0 ] || skip "mounts a noexec tmpfs"
	mkdir -p "$BATS_TEST_TMPDIR/noexec"
	mount -t tmpfs -o noexec,size=1m tmpfs "$BATS_TEST_TMPDIR/noexec" || skip "cannot mount tmpfs here"
	run env TMPDIR="$BATS_TEST_TMPDIR/noexec" "$RUNUML" --root "$BATS_TEST_TMPDIR/state" check
	umount "$BATS_TEST_TMPDIR/noexec"
	check_shape
	[ "$status" -eq 1 ]
	printf '%s\n' "${lines[@]}" | grep -q "^FAIL executable memory file: .*$BATS_TEST_TMPDIR/noexec.*; fix: "
}

@test "check: follows UML's choice of directory (TMPDIR, else /dev/shm)" {
	run env TMPDIR="$BATS_TEST_TMPDIR" "$RUNUML" --root "$BATS_TEST_TMPDIR/state" check
	printf '%s\n' "${lines[@]}" | grep -q "^ok executable memory file: $BATS_TEST_TMPDIR ("
	# it leaves no file behind
	[ -z "$(ls -A "$BATS_TEST_TMPDIR" | grep -v '^state$')" ]
}

@test "check: as an unprivileged user" {
	[ "$(id -u)" -eq 0 ] || skip "switches to nobody"
	command -v setpriv >/dev/null || skip "needs setpriv"
	run setpriv --reuid 65534 --regid 65534 --clear-groups env -u XDG_RUNTIME_DIR "$RUNUML" \
		--root "$BATS_TEST_TMPDIR/nobody-state" check
	check_shape
	[ "$status" -eq 1 ] # /tmp/bats… is root's: the state root cannot be made
	printf '%s\n' "${lines[@]}" | grep -qE '^(ok|FAIL) namespaces: .*user'
	run setpriv --reuid 65534 --regid 65534 --clear-groups env -u XDG_RUNTIME_DIR TMPDIR=/tmp \
		"$RUNUML" --root /tmp/runuml-check-$$ check
	rm -rf /tmp/runuml-check-$$
	check_shape
}

@test "check: refuses arguments and unknown options; --help" {
	run "$RUNUML" check extra
	[ "$status" -ne 0 ]
	[ "${#lines[@]}" -eq 1 ]
	run "$RUNUML" check --bogus
	[ "$status" -ne 0 ]
	[ "${#lines[@]}" -eq 1 ]
	run "$RUNUML" check --help
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "usage: runuml check" ]
}
