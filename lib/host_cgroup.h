/* The sandbox's place in the host's cgroups: linux.cgroupsPath of
 * config.json.  containerd's shim reads `docker stats` (and OOM events) from
 * the host cgroup of the pid in the pid file (oci-cli-contract B2.9), so the
 * monitor joins that cgroup before it starts the kernel, and everything of
 * the sandbox (reaper, kernel, one host process per guest address space)
 * follows it there.
 *
 * cgroup v1 (one hierarchy per controller), v2 and hybrid hosts are handled
 * alike: the path is created under every cgroup file system mounted on the
 * host.  Skipped (nothing to join) when cgroupsPath is empty, in systemd's
 * `slice:prefix:name` form (--systemd-cgroup: not supported yet, see
 * docs/limitations.md), or when runuml is not root of the initial user
 * namespace (rootless, as runc without systemd). */
#ifndef RUNUML_HOST_CGROUP_H
#define RUNUML_HOST_CGROUP_H

#include <stdbool.h>

#include "rerr.h"

#define HOST_CGROUP_MAX 16

struct host_cgroup {
	char *dirs[HOST_CGROUP_MAX];   /* the cgroup directory in each hierarchy */
	char *roots[HOST_CGROUP_MAX];  /* that hierarchy's mount point */
	int n;
};

/* True when cgroups_path names a cgroup runuml places the sandbox in. */
bool host_cgroup_applies(const char *cgroups_path);
/* Moves the calling process into cgroups_path in every hierarchy, creating
 * the directories.  On failure nothing is left joined or created. */
int host_cgroup_enter(const char *cgroups_path, struct host_cgroup *hc, struct rerr **err);
/* Moves the caller back to each hierarchy's root and removes the (now
 * empty) directories; frees hc. */
void host_cgroup_leave(struct host_cgroup *hc);
/* Removes cgroups_path in every hierarchy if it is empty (`delete`, after
 * the monitor is gone). */
void host_cgroup_remove(const char *cgroups_path);

#endif
