#!/usr/bin/env bats
# runuml features: the runtime-spec features.md document (docker runs
# `<path> <runtimeArgs> features` at start-up, containerd at Info).

load helpers/runuml

setup() {
	"$RUNUML" features >"$BATS_TEST_TMPDIR/f.json"
}

@test "features: valid JSON, every top-level key of features.md with its type" {
	jq -e '
		(.ociVersionMin | type == "string") and (.ociVersionMax | type == "string") and
		(.hooks | type == "array") and (.mountOptions | type == "array") and
		(.linux | type == "object") and (.annotations | type == "object") and
		(.potentiallyUnsafeConfigAnnotations | type == "array")' "$BATS_TEST_TMPDIR/f.json"
	# pretty printed like runc's, slashes not escaped
	[ "$(wc -l <"$BATS_TEST_TMPDIR/f.json")" -gt 20 ]
	! grep -q '\\/' "$BATS_TEST_TMPDIR/f.json"
}

@test "features: OCI versions 1.0.0 up to the spec version --version names" {
	local spec
	spec=$("$RUNUML" --version | sed -n 's/^spec: //p')
	jq -e --arg s "$spec" '.ociVersionMin == "1.0.0" and .ociVersionMax == $s' "$BATS_TEST_TMPDIR/f.json"
	[[ "$spec" =~ ^1\.[0-9]+\.[0-9]+$ ]]
}

@test "features: the six hooks, mount options, namespaces" {
	jq -e '.hooks == ["prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"]' \
		"$BATS_TEST_TMPDIR/f.json"
	jq -e '.mountOptions | all(type == "string") and (index("bind") != null) and (index("rbind") != null)
		and (index("ro") != null) and (index("nosuid") != null)' "$BATS_TEST_TMPDIR/f.json"
	jq -e '.linux.namespaces | all(IN("cgroup", "ipc", "mount", "network", "pid", "user", "uts", "time"))
		and (index("pid") != null) and (index("network") != null) and (index("mount") != null)' \
		"$BATS_TEST_TMPDIR/f.json"
}

@test "features: capabilities are every known name, once" {
	jq -e '.linux.capabilities | all(test("^CAP_[A-Z_]+$")) and (length == (unique | length))
		and (index("CAP_SYS_ADMIN") != null) and (index("CAP_CHECKPOINT_RESTORE") != null)
		and (length >= 41)' "$BATS_TEST_TMPDIR/f.json"
}

@test "features: cgroup v2 only, seccomp inside the guest, no apparmor or selinux" {
	jq -e '.linux.cgroup == {v1: false, v2: true, systemd: false, systemdUser: false}' "$BATS_TEST_TMPDIR/f.json"
	jq -e '.linux.seccomp.enabled == true and (.linux.seccomp.actions | index("SCMP_ACT_ERRNO") != null)
		and (.linux.seccomp.actions | index("SCMP_ACT_NOTIFY") == null)
		and .linux.seccomp.archs == ["SCMP_ARCH_X86_64"]
		and (.linux.seccomp.operators | length == 7)
		and (.linux.seccomp.supportedFlags | index("SECCOMP_FILTER_FLAG_TSYNC") != null)' "$BATS_TEST_TMPDIR/f.json"
	jq -e '.linux.apparmor.enabled == false
		and .linux.selinux.enabled == false' "$BATS_TEST_TMPDIR/f.json"
}

@test "features: annotations name runuml's version; the port-forward annotation is listed as unsafe" {
	local v
	v=$("$RUNUML" --version | sed -n 's/^runuml version //p')
	jq -e --arg v "$v" '.annotations["io.github.runuml.version"] == $v
		and (.annotations | to_entries | all(.value | type == "string"))
		and .potentiallyUnsafeConfigAnnotations == ["org.runuml.net.ports"]' "$BATS_TEST_TMPDIR/f.json"
}

@test "features: as docker calls it (runtimeArgs first), creating no state root" {
	run "$RUNUML" --debug --root "$BATS_TEST_TMPDIR/state" --log "$BATS_TEST_TMPDIR/log.json" \
		--log-format json features
	[ "$status" -eq 0 ]
	echo "$output" | jq -e '.ociVersionMax'
	[ ! -e "$BATS_TEST_TMPDIR/state" ]
}

@test "features: takes no arguments" {
	run "$RUNUML" features extra
	[ "$status" -ne 0 ]
	[ "${#lines[@]}" -eq 1 ]
}
