/* The parts of an OCI runtime-spec config.json that runuml applies, parsed
 * and validated once.  The CLI and the monitor parse it on the host (every
 * error is reported before anything starts); the guest init parses the same
 * bytes with the same code.
 *
 * Ownership: oci_spec_parse() allocates; oci_spec_free() frees everything. */
#ifndef RUNUML_OCI_SPEC_H
#define RUNUML_OCI_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "rerr.h"

#define OCI_SPEC_MAX_BYTES (4u << 20)

struct oci_mount {
	char *destination;
	char *type;       /* may be NULL (bind) */
	char *source;     /* may be NULL */
	char **options;   /* NULL-terminated */
	bool bind;        /* "bind"/"rbind" in options or type "bind" */
	bool ro;
};

struct oci_rlimit {
	int resource;
	uint64_t soft, hard;
};

struct oci_caps {
	uint64_t bounding, effective, inheritable, permitted, ambient;
};

struct oci_process {
	bool terminal;
	uint16_t console_height, console_width;
	char **args;      /* NULL-terminated, at least one */
	char **env;       /* NULL-terminated */
	char *cwd;
	uint32_t uid, gid;
	uint32_t *additional_gids;
	size_t n_additional_gids;
	int umask;        /* -1 = not given */
	struct oci_rlimit *rlimits;
	size_t n_rlimits;
	bool no_new_privileges;
	bool has_caps;
	struct oci_caps caps;
	bool has_oom_score_adj;
	int oom_score_adj;
};

enum oci_ns {
	OCI_NS_PID, OCI_NS_NETWORK, OCI_NS_MOUNT, OCI_NS_IPC, OCI_NS_UTS, OCI_NS_USER,
	OCI_NS_CGROUP, OCI_NS_TIME, OCI_NS_COUNT
};

struct oci_hook {
	char *path;
	char **args;
	char **env;
	int timeout;      /* seconds, 0 = none */
};

enum oci_hook_kind {
	OCI_HOOK_PRESTART, OCI_HOOK_CREATE_RUNTIME, OCI_HOOK_CREATE_CONTAINER,
	OCI_HOOK_START_CONTAINER, OCI_HOOK_POSTSTART, OCI_HOOK_POSTSTOP, OCI_HOOK_KINDS
};

/* linux.seccomp (config-linux.md "Seccomp"), validated on the host; the
 * guest init compiles it with libseccomp (launcher/guest/guest_seccomp.c). */
enum oci_scmp_action {
	OCI_SCMP_KILL_THREAD, OCI_SCMP_KILL_PROCESS, OCI_SCMP_TRAP, OCI_SCMP_ERRNO,
	OCI_SCMP_TRACE, OCI_SCMP_ALLOW, OCI_SCMP_LOG
};

enum oci_scmp_op {
	OCI_SCMP_NE, OCI_SCMP_LT, OCI_SCMP_LE, OCI_SCMP_EQ, OCI_SCMP_GE, OCI_SCMP_GT,
	OCI_SCMP_MASKED_EQ
};

#define OCI_SCMP_FLAG_TSYNC      (1u << 0)
#define OCI_SCMP_FLAG_LOG        (1u << 1)
#define OCI_SCMP_FLAG_SPEC_ALLOW (1u << 2)

#define OCI_SCMP_MAX_ARGS 6

struct oci_scmp_arg {
	unsigned index;
	uint64_t value, value_two;
	enum oci_scmp_op op;
};

struct oci_scmp_syscall {
	char **names;              /* NULL-terminated */
	enum oci_scmp_action action;
	bool has_errno_ret;
	uint32_t errno_ret;
	struct oci_scmp_arg *args;
	size_t n_args;
};

struct oci_seccomp {
	enum oci_scmp_action default_action;
	bool has_default_errno_ret;
	uint32_t default_errno_ret;
	unsigned flags;            /* OCI_SCMP_FLAG_* */
	char **architectures;      /* NULL-terminated, validated names */
	struct oci_scmp_syscall *syscalls;
	size_t n_syscalls;
};

struct oci_spec {
	char *oci_version;
	char *root_path;      /* as written (relative to the bundle or absolute) */
	bool root_readonly;
	char *hostname;       /* may be NULL */
	bool has_process;
	struct oci_process process;
	struct oci_mount *mounts;
	size_t n_mounts;
	bool ns[OCI_NS_COUNT];     /* namespace requested */
	char *ns_path[OCI_NS_COUNT]; /* path to join, or NULL */
	int64_t memory_limit;      /* bytes, -1 = none */
	int64_t pids_limit;        /* -1 = none */
	int64_t cpu_shares;        /* linux.resources.cpu: 0 = not set */
	int64_t cpu_quota, cpu_period;
	char *cgroups_path;
	char **masked_paths;
	char **readonly_paths;
	char **sysctl;             /* "key=value", NULL-terminated */
	struct oci_hook *hooks[OCI_HOOK_KINDS];
	size_t n_hooks[OCI_HOOK_KINDS];
	char **annotations;        /* "key=value", NULL-terminated */
	struct oci_seccomp *seccomp; /* NULL = none */
};

/* Parses config.json text.  require_process: `create`/`run` need a process
 * with non-empty args. */
struct oci_spec *oci_spec_parse(const char *json, size_t len, bool require_process,
				struct rerr **err);
struct json_object;
/* Parses JSON text with the limits config.json gets (size, depth). */
struct json_object *oci_json_parse(const char *json, size_t len, struct rerr **err);
/* Builds a spec from an already parsed config object. */
struct oci_spec *oci_spec_from_object(struct json_object *top, bool require_process,
				      struct rerr **err);
/* Reads and parses <bundle>/config.json. */
struct oci_spec *oci_spec_load(const char *bundle, bool require_process, char **raw_out,
			       size_t *raw_len, struct rerr **err);
void oci_spec_free(struct oci_spec *s);

/* A lone process object (`exec --process FILE`, the guest's CTL_EXEC). */
int oci_process_parse(const char *json, size_t len, struct oci_process *p, struct rerr **err);
void oci_process_clear(struct oci_process *p);

/* Value of an annotation, or NULL. */
const char *oci_spec_annotation(const struct oci_spec *s, const char *key);

#endif
