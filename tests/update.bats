#!/usr/bin/env bats
# runuml update and runuml events: limits and statistics of the container's
# cgroup inside the guest, with runc's flags, runc's --resources JSON (as
# docker/containerd send it on stdin) and runc's event JSON.

load helpers/runuml

setup() {
	common_setup
	BUNDLE=$BATS_TEST_TMPDIR/bundle
	make_bundle "$BUNDLE" sleep 60
	ID="upd$BATS_TEST_NUMBER"
	LOG=$BUNDLE/log.json
}

teardown() {
	"$RUNUML" --root "$STATE" delete --force "$ID" 2>/dev/null || true
	common_teardown
}

rt() { "$RUNUML" --root "$STATE" --log "$LOG" --log-format json "$@"; }

start_container() {
	rt create --bundle "$BUNDLE" --pid-file "$BUNDLE/init.pid" "$ID" </dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/create.err"
	rt start "$ID"
}

# the container's own view of its cgroup file
cg() { rt exec "$ID" sh -c "cat /sys/fs/cgroup\$(cut -d: -f3 /proc/self/cgroup)/$1"; }

@test "update: --memory and --pids-limit reach the guest cgroup" {
	start_container
	run rt update --memory 100m --pids-limit 20 "$ID"
	[ "$status" -eq 0 ]
	[ "$(cg memory.max)" = 104857600 ]
	[ "$(cg pids.max)" = 20 ]
	run rt update --pids-limit -1 "$ID"
	[ "$status" -eq 0 ]
	[ "$(cg pids.max)" = max ]
	[ "$(cg memory.max)" = 104857600 ]
}

@test "update: --resources - reads docker's LinuxResources JSON from stdin" {
	start_container
	# the shape moby's toContainerdResources produces for `docker update -m 64m --pids-limit 7`
	run rt update --resources - "$ID" <<-'EOF'
	{"memory":{"limit":67108864,"swap":134217728},"cpu":{"shares":0,"quota":0,"period":0,"cpus":"","mems":""},"pids":{"limit":7},"blockIO":{}}
	EOF
	[ "$status" -eq 0 ]
	[ "$(cg memory.max)" = 67108864 ]
	[ "$(cg pids.max)" = 7 ]
	echo '{"pids":{"limit":9}}' > "$BATS_TEST_TMPDIR/res.json"
	run rt update -r "$BATS_TEST_TMPDIR/res.json" --memory 32m "$ID"
	[ "$status" -eq 0 ]
	[ "$(cg pids.max)" = 9 ]
	[ "$(cg memory.max)" = 33554432 ]
}

@test "update: --cpu-quota/--cpu-period and config.json's cpu quota reach cpu.max" {
	jq '.linux.resources.cpu = {quota: 20000, period: 100000}' "$BUNDLE/config.json" > "$BUNDLE/c" &&
		mv "$BUNDLE/c" "$BUNDLE/config.json"
	start_container
	[ "$(cg cpu.max)" = "20000 100000" ]
	run rt update --cpu-quota 50000 --cpu-period 200000 "$ID"
	[ "$status" -eq 0 ]
	[ "$(cg cpu.max)" = "50000 200000" ]
	run rt update --cpu-quota -1 "$ID"
	[ "$status" -eq 0 ]
	[[ "$(cg cpu.max)" == "max "* ]]
}

@test "update: the pids limit is enforced" {
	start_container
	rt update --pids-limit 3 "$ID"
	run rt exec "$ID" sh -c 'sleep 5 & sleep 5 & sleep 5 & wait'
	[[ "$output" == *"Resource temporarily unavailable"* || "$output" == *"can't fork"* ]]
}

@test "update: config.json's limits are the starting point" {
	jq '.linux.resources = {"memory": {"limit": 134217728}, "pids": {"limit": 50}}' "$BUNDLE/config.json" > "$BUNDLE/c" &&
		mv "$BUNDLE/c" "$BUNDLE/config.json"
	start_container
	[ "$(cg memory.max)" = 134217728 ]
	[ "$(cg pids.max)" = 50 ]
	# lowering is fine; raising above the boot-time memory is refused
	run rt update --memory 64m "$ID"
	[ "$status" -eq 0 ]
	run rt update --memory 256m "$ID"
	[ "$status" -ne 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"cannot set the memory limit"*"fixed at boot"* ]]
	[ "$(cg memory.max)" = 67108864 ]
	tail -n 1 "$LOG" | jq -e '.level == "error" and (.msg | contains("fixed at boot"))'
}

@test "update: bad input is one line, non-zero, and changes nothing" {
	start_container
	rt update --pids-limit 11 "$ID"
	for bad in '{"memory":{"limit":"lots"}}' '{"memory":' '[1,2]' '{"pids":{"limit":-7}}'; do
		run rt update -r - "$ID" <<<"$bad"
		[ "$status" -ne 0 ]
		[ "${#lines[@]}" -eq 1 ]
		[[ "$output" == *"invalid resources"* ]]
	done
	run rt update --memory lots "$ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"invalid value \`lots\` for --memory"* ]]
	run rt update -r "$BATS_TEST_TMPDIR/nosuch.json" "$ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"nosuch.json"* ]]
	run rt update --cpu-rt-runtime 5 "$ID"
	[ "$status" -ne 0 ]
	[ "$(cg pids.max)" = 11 ]
}

@test "update: unknown, stopped and paused containers" {
	run rt update --memory 64m nosuchid
	[ "$status" -ne 0 ]
	[[ "$output" == *"does not exist"* ]]
	set_args "$BUNDLE" true
	start_container
	wait_for 10 "! kill -0 $(cat "$BUNDLE/init.pid") 2>/dev/null"
	run rt update --memory 64m "$ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"container not running"* ]]
	rt delete "$ID"
	set_args "$BUNDLE" sleep 60
	start_container
	rt pause "$ID"
	run rt update --memory 64m "$ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"paused"* ]]
	rt resume "$ID"
}

@test "update: works on a created container" {
	rt create --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
	run rt update --pids-limit 5 "$ID"
	[ "$status" -eq 0 ]
	rt start "$ID"
	[ "$(cg pids.max)" = 5 ]
}

@test "events --stats: one runc-shaped JSON line with the guest cgroup's numbers" {
	jq '.linux.resources = {"pids": {"limit": 40}}' "$BUNDLE/config.json" > "$BUNDLE/c" &&
		mv "$BUNDLE/c" "$BUNDLE/config.json"
	set_args "$BUNDLE" sh -c 'head -c 16777216 /dev/zero > /dev/shm/fill; sleep 60'
	start_container
	wait_for 20 "rt events --stats '$ID' | jq -e '.data.memory.usage.usage > 16000000' >/dev/null"
	run rt events --stats "$ID"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	echo "$output" | jq -e --arg id "$ID" '.type == "stats" and .id == $id'
	echo "$output" | jq -e '.data.pids.current >= 1 and .data.pids.limit == 40'
	echo "$output" | jq -e '.data.cpu.usage.total > 0'
	echo "$output" | jq -e '.data.memory.usage.limit > 0 and (.data.memory.raw | has("anon"))'
	echo "$output" | jq -e '.data | has("cpuset") and has("blkio") and has("hugetlb")'
}

@test "events: streams every --interval until the container stops" {
	set_args "$BUNDLE" sleep 3
	start_container
	run timeout 30 "$RUNUML" --root "$STATE" events --interval 500ms "$ID"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -ge 3 ]
	for l in "${lines[@]}"; do
		echo "$l" | jq -e '.type == "stats" and (.data.memory.usage.usage > 0)'
	done
}

@test "events: refusals are one line and non-zero" {
	run rt events --stats nosuchid
	[ "$status" -ne 0 ]
	[[ "$output" == *"does not exist"* ]]
	start_container
	run rt events --interval soon "$ID"
	[ "$status" -ne 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"--interval"* ]]
	run rt events --interval 0s "$ID"
	[ "$status" -ne 0 ]
	rt kill "$ID" KILL
	wait_for 10 "! kill -0 $(cat "$BUNDLE/init.pid") 2>/dev/null"
	run rt events --stats "$ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"container not running"* ]]
}
