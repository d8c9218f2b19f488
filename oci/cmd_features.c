/* runuml features: what this runtime supports, as the runtime-spec
 * features.md document (docker calls it at start-up, containerd's Info). */
#include <json-c/json.h>
#include <stdio.h>

#include "cli.h"

static struct json_object *strings(const char *const *v)
{
	struct json_object *a = json_object_new_array();

	for (; *v; v++)
		json_object_array_add(a, json_object_new_string(*v));
	return a;
}

int cmd_features(const struct global_opts *g, int argc, char **argv, struct rerr **err)
{
	static const char *const hooks[] = { "prestart", "createRuntime", "createContainer",
		"startContainer", "poststart", "poststop", NULL };
	static const char *const mount_opts[] = { "async", "atime", "bind", "dev", "diratime",
		"dirsync", "exec", "mand", "noatime", "nodev", "nodiratime", "noexec", "nomand",
		"norelatime", "nostrictatime", "nosuid", "private", "rbind", "relatime", "remount",
		"ro", "rprivate", "rshared", "rslave", "runbindable", "rw", "shared", "slave",
		"strictatime", "suid", "sync", "tmpcopyup", "unbindable", NULL };
	static const char *const namespaces[] = { "cgroup", "ipc", "mount", "network", "pid",
		"user", "uts", NULL };
	static const char *const caps[] = { "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH",
		"CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP",
		"CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN",
		"CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO",
		"CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
		"CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD",
		"CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
		"CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
		"CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
		"CAP_CHECKPOINT_RESTORE", NULL };
	/* linux.seccomp, applied inside the guest (launcher/guest/guest_seccomp.c) */
	static const char *const sc_actions[] = { "SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO",
		"SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG",
		"SCMP_ACT_TRACE", "SCMP_ACT_TRAP", NULL };
	static const char *const sc_ops[] = { "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT",
		"SCMP_CMP_LE", "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE", NULL };
	static const char *const sc_archs[] = { "SCMP_ARCH_X86_64", NULL };
	static const char *const sc_flags[] = { "SECCOMP_FILTER_FLAG_LOG",
		"SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_TSYNC", NULL };
	struct json_object *o, *linux_, *cg, *sc, *ann, *off;

	if (argc > 1)
		return rerr_make(err, 0, "features: takes no arguments");
	o = json_object_new_object();
	linux_ = json_object_new_object();
	cg = json_object_new_object();
	sc = json_object_new_object();
	ann = json_object_new_object();
	off = json_object_new_object();
	json_object_object_add(o, "ociVersionMin", json_object_new_string("1.0.0"));
	json_object_object_add(o, "ociVersionMax", json_object_new_string(OCI_SPEC_VERSION));
	json_object_object_add(o, "hooks", strings(hooks));
	json_object_object_add(o, "mountOptions", strings(mount_opts));
	json_object_object_add(linux_, "namespaces", strings(namespaces));
	json_object_object_add(linux_, "capabilities", strings(caps));
	/* enforced inside the guest kernel, not on the host (docs/limitations.md) */
	json_object_object_add(cg, "v1", json_object_new_boolean(0));
	json_object_object_add(cg, "v2", json_object_new_boolean(1));
	json_object_object_add(cg, "systemd", json_object_new_boolean(0));
	json_object_object_add(cg, "systemdUser", json_object_new_boolean(0));
	json_object_object_add(linux_, "cgroup", cg);
	json_object_object_add(sc, "enabled", json_object_new_boolean(1));
	json_object_object_add(sc, "actions", strings(sc_actions));
	json_object_object_add(sc, "operators", strings(sc_ops));
	json_object_object_add(sc, "archs", strings(sc_archs));
	json_object_object_add(sc, "knownFlags", strings(sc_flags));
	json_object_object_add(sc, "supportedFlags", strings(sc_flags));
	json_object_object_add(linux_, "seccomp", sc);
	json_object_object_add(off, "enabled", json_object_new_boolean(0));
	json_object_object_add(linux_, "apparmor", json_object_get(off));
	json_object_object_add(linux_, "selinux", off);
	json_object_object_add(o, "linux", linux_);
	json_object_object_add(ann, "io.github.runuml.version", json_object_new_string(RUNUML_VERSION));
	json_object_object_add(ann, "io.github.runuml.sandbox", json_object_new_string("uml"));
	json_object_object_add(o, "annotations", ann);
	/* org.runuml.net.ports opens host ports (docs/networking.md) */
	struct json_object *unsafe = json_object_new_array();
	json_object_array_add(unsafe, json_object_new_string("org.runuml.net.ports"));
	json_object_object_add(o, "potentiallyUnsafeConfigAnnotations", unsafe);
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
						     JSON_C_TO_STRING_SPACED |
						     JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return 0;
}
