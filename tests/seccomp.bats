#!/usr/bin/env bats
# linux.seccomp: compiled with libseccomp by the guest init and loaded in
# the container process (and every exec'd process) right before execve,
# with runc's semantics: errnoRet, args (AND within a rule), unknown system
# call names skipped, kill actions, and one-line errors for bad profiles.

load helpers/runuml

setup() {
	common_setup
	BUNDLE=$BATS_TEST_TMPDIR/bundle
	make_bundle "$BUNDLE"
	ID="sc$BATS_TEST_NUMBER"
	LOG=$BATS_TEST_TMPDIR/log.json
}

teardown() {
	"$RUNUML" --root "$STATE" delete --force "$ID" 2>/dev/null || true
	common_teardown
}

rt() { "$RUNUML" --root "$STATE" --log "$LOG" --log-format json "$@"; }

# profile JSON: sets linux.seccomp of the bundle
profile() {
	jq --argjson p "$1" '.linux.seccomp = $p' "$BUNDLE/config.json" > "$BUNDLE/c" &&
		mv "$BUNDLE/c" "$BUNDLE/config.json"
}

jq_bundle() {
	jq "$1" "$BUNDLE/config.json" > "$BUNDLE/c" && mv "$BUNDLE/c" "$BUNDLE/config.json"
}

run_in() { # run_in ARGS... : runs the bundle with process.args = ARGS
	set_args "$BUNDLE" "$@"
	run rt run -b "$BUNDLE" "$ID"
}

DENY='{"defaultAction": "SCMP_ACT_ALLOW",
       "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
       "syscalls": [
         {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"},
         {"names": ["sethostname", "no_such_syscall_xyz"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38},
         {"names": ["personality"], "action": "SCMP_ACT_ERRNO",
          "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_EQ"}]},
         {"names": ["getpriority"], "action": "SCMP_ACT_ALLOW"}
       ]}'

@test "seccomp: ERRNO (EPERM by default, errnoRet), arg filters, unknown names skipped" {
	profile "$DENY"
	run_in sh -c 'mkdir /tmp/x; echo rc=$?; hostname foo; echo rc=$?
		linux32 true; echo rc=$?; linux64 true; echo rc=$?; grep "^Seccomp:" /proc/self/status'
	[ "$status" -eq 0 ]
	[[ "$output" == *"mkdir: can't create directory '/tmp/x': Operation not permitted"* ]]
	[[ "$output" == *"sethostname: Function not implemented"* ]]
	# personality(PER_LINUX32) is refused, personality(PER_LINUX) is not
	[[ "$output" == *"personality(0x8): Operation not permitted"* ]]
	[ "$(grep -c '^rc=1$' <<<"$output")" -eq 3 ]
	[ "$(grep -c '^rc=0$' <<<"$output")" -eq 1 ]
	[[ "$output" == *"Seccomp:"*"2"* ]]
}

@test "seccomp: several args on one rule must all match; several rules for one call are alternatives" {
	# kill(1, 0) only: both args must match.  Two conditions on the same
	# argument become rules of their own (runc): signal & 0xff == 10 or 12.
	profile '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
	  {"names": ["kill"], "action": "SCMP_ACT_ERRNO", "errnoRet": 22,
	   "args": [{"index": 1, "value": 0, "op": "SCMP_CMP_EQ"},
	            {"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}]},
	  {"names": ["kill"], "action": "SCMP_ACT_ERRNO", "errnoRet": 22,
	   "args": [{"index": 1, "value": 255, "valueTwo": 10, "op": "SCMP_CMP_MASKED_EQ"},
	            {"index": 1, "value": 12, "op": "SCMP_CMP_EQ"}]}]}'
	run_in sh -c 'sleep 30 & p=$!; kill -0 1; echo a=$?; kill -0 $p; echo b=$?
		kill -USR1 $p; echo c=$?; kill -USR2 $p; echo d=$?; kill -TERM $p; echo e=$?'
	[ "$status" -eq 0 ]
	[[ "$output" == *"Invalid argument"* ]]
	[[ "$output" == *"a=1"*"b=0"*"c=1"*"d=1"*"e=0"* ]]
}

@test "seccomp: KILL_PROCESS exits 159 (128+SIGSYS), with or without noNewPrivileges" {
	profile '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
	  {"names": ["uname"], "action": "SCMP_ACT_KILL_PROCESS"}]}'
	jq_bundle '.process.noNewPrivileges = true'
	run_in uname
	[ "$status" -eq 159 ]
	jq_bundle '.process.noNewPrivileges = false | .process.user = {"uid": 1000, "gid": 1000}'
	run_in uname
	[ "$status" -eq 159 ]
	run_in true
	[ "$status" -eq 0 ]
}

@test "seccomp: defaultAction ERRNO with an allow-list" {
	local allow
	allow=$(jq -nc '["execve","brk","arch_prctl","set_tid_address","mmap","munmap","mprotect",
		"rt_sigaction","rt_sigprocmask","getpid","getppid","getuid","geteuid","getgid","getegid",
		"write","writev","read","exit","exit_group","ioctl","open","openat","close","fstat",
		"newfstatat","stat","lstat","uname","prlimit64","fcntl","getcwd","rt_sigreturn",
		"set_robust_list","rseq","readlink","access","faccessat","faccessat2","dup2","dup3",
		"getrandom","wait4","clone","fork","vfork","statx","sigaltstack"]')
	profile "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 1,
		\"syscalls\": [{\"names\": $allow, \"action\": \"SCMP_ACT_ALLOW\"}]}"
	run_in sh -c 'echo ok; mkdir /tmp/y || echo denied'
	[ "$status" -eq 0 ]
	[[ "$output" == "ok"* ]]
	[[ "$output" == *"Operation not permitted"* ]]
	[[ "$output" == *"denied"* ]]
}

@test "seccomp: exec'd processes get the container's filter" {
	profile "$DENY"
	set_args "$BUNDLE" sleep 60
	rt create --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
	rt start "$ID"
	run rt exec "$ID" sh -c 'grep "^Seccomp:" /proc/self/status; mkdir /tmp/z'
	[ "$status" -ne 0 ]
	[[ "$output" == *"Seccomp:"*"2"* ]]
	[[ "$output" == *"Operation not permitted"* ]]
	run rt exec "$ID" hostname foo
	[[ "$output" == *"Function not implemented"* ]]
	rt delete --force "$ID"
}

@test "seccomp: a bad profile is a one-line error and nothing is left" {
	local bad
	for bad in '{"defaultAction": "SCMP_ACT_WHATEVER"}' \
		'{"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_NOPE"]}' \
		'{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO",
		  "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_ALMOST"}]}]}' \
		'{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]}' \
		'{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_Z80"]}' \
		'{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO",
		  "args": [{"index": 6, "value": 1, "op": "SCMP_CMP_EQ"}]}]}'; do
		profile "$bad"
		run_in true
		[ "$status" -ne 0 ]
		[ "${#lines[@]}" -eq 1 ]
		[[ "$output" == *"seccomp"* ]]
		! rt state "$ID" >/dev/null 2>&1
	done
	profile '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]}'
	run_in true
	[[ "$output" == *"SCMP_ACT_NOTIFY"*"listenerPath"* ]]
	rt create --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1 || true
	! rt state "$ID" >/dev/null 2>&1
}

@test "seccomp: flags TSYNC, SPEC_ALLOW and LOG are accepted" {
	profile '{"defaultAction": "SCMP_ACT_ALLOW",
	  "flags": ["SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_LOG"],
	  "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"},
	               {"names": ["getpid"], "action": "SCMP_ACT_LOG"}]}'
	run_in sh -c 'mkdir /tmp/x'
	[ "$status" -eq 1 ]
	[[ "$output" == *"Operation not permitted"* ]]
}
