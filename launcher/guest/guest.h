/* runuml-init: PID 1 of the guest kernel (shipped in the initrd, never in
 * the container image).  Shared declarations of its files:
 *   init_main.c          boot, control channel, event loop, power-off
 *   container_mounts.c   the container's file-system view (root, mounts, /dev)
 *   container_process.c  the container process: credentials, limits, exec
 *   guest_cgroup.c       the container's cgroup: limits (update), stats
 *   guest_seccomp.c      linux.seccomp, compiled with libseccomp */
#ifndef RUNUML_GUEST_H
#define RUNUML_GUEST_H

#include <stdbool.h>
#include <sys/types.h>

#include "ctl_proto.h"
#include "launch_doc.h"
#include "rerr.h"

#define GUEST_NEWROOT "/newroot"

/* Where the child reports: 'R' when prepared, 'E'+text on failure; EOF after
 * a successful execve (the pipe is close-on-exec). */
struct child_pipes {
	int status_w;   /* child -> init */
	int start_r;    /* init -> child: one byte = go */
	int start_w_parent; /* init's end of the start pipe */
	int stdio[3];   /* the child's stdin/stdout/stderr pipe ends (no terminal) */
	bool terminal;  /* the child opens a pty in the container's own devpts and
			 * sends the master to init over console_sock */
	int console_sock;
};

/* Builds the container's mount tree under GUEST_NEWROOT, in the calling
 * process's (new) mount namespace, then moves it to / and chroots. */
int container_mounts_setup(const struct launch_doc *d, struct rerr **err);

/* Runs in the child (clone()d by init, in new mount and maybe pid
 * namespaces).  Never returns. */
__attribute__((noreturn)) void container_child(const struct launch_doc *d,
					       const struct child_pipes *p);

/* The container's namespaces and root, opened by init for an exec. */
struct exec_ns {
	int fd[4];      /* cgroup, ipc, uts, mnt (-1: not separate) */
	int root;       /* /proc/<container>/root */
};

/* An additional process in the container (runuml exec), under the
 * container's seccomp profile (sc, may be NULL).  Never returns. */
__attribute__((noreturn)) void exec_child(const struct oci_process *proc,
					  const struct oci_seccomp *sc, const struct exec_ns *ns,
					  const struct child_pipes *p);

/* guest_seccomp.c: compiles linux.seccomp (a libseccomp filter context, or
 * NULL with *err set) and loads it (releasing the context). */
void *guest_seccomp_build(const struct oci_seccomp *sc, struct rerr **err);
int guest_seccomp_load(void *filter, struct rerr **err);

/* Writes a one-line error to the status pipe and exits 127. */
__attribute__((noreturn)) void child_fail(int status_w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Mounts cgroup2, makes the container's cgroup and applies config.json's
 * memory and pids limits to it (init, before the container process). */
int guest_cgroup_setup(const struct oci_spec *s, struct rerr **err);
/* Moves the calling process into the container's cgroup; < 0 = -errno. */
int guest_cgroup_join(void);
/* Applies new limits; 0, or an errno with a one-line message in msg. */
int guest_cgroup_update(const struct ctl_resources *r, char *msg, size_t size);
void guest_cgroup_stats(struct ctl_stats *st);

/* Init's diagnostics go to the kernel console (console.log on the host). */
void guest_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
