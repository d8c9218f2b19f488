/* runuml-monitor: the per-container host process.  It boots the UML kernel
 * with the guest init, starts the file (and later network) helpers, relays
 * the container's stdio over the control channel and exits with the
 * container's status.  Files:
 *   monitor_main.c       arguments, set-up order, tear-down
 *   rootfs_transport.c   how host files reach the guest (one interface)
 *   kernel_spawn.c       kernel command line and process
 *   stdio_relay.c        the control-channel event loop
 *   exit_status.c        exiting with the container's wait status */
#ifndef RUNUML_MONITOR_H
#define RUNUML_MONITOR_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "launch_doc.h"
#include "oci_spec.h"
#include "rerr.h"

#define MAX_KERNEL_ARGS 64

struct kernel_args {
	char *argv[MAX_KERNEL_ARGS + 1];
	int argc;
};
int kernel_args_add(struct kernel_args *ka, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void kernel_args_free(struct kernel_args *ka);

/* --- rootfs_transport.c ---------------------------------------------------
 * Decides how the root and each bind mount reach the guest: fills the
 * launch sources, adds kernel arguments (devices), and starts any helper
 * process it needs.  Exactly one implementation is active. */
struct transport {
	struct launch_src root;
	struct launch_src *binds;  /* spec->n_mounts entries */
	size_t n_binds;
	pid_t helper;              /* file server process, or -1 */
};
int transport_prepare(struct transport *t, const struct oci_spec *spec, const char *bundle,
		      const char *state_dir, struct kernel_args *ka, struct rerr **err);
void transport_release(struct transport *t);

/* --- kernel_spawn.c -------------------------------------------------------- */
struct kernel_proc {
	pid_t pid;
	int ctl_fd;      /* monitor's end of the control line */
	int console_fd;  /* console.log */
};
/* Adds the fixed kernel arguments (memory, initrd, channels). */
int kernel_base_args(struct kernel_args *ka, const char *initrd, const char *state_dir,
		     int64_t mem_bytes, struct rerr **err);
int kernel_spawn(struct kernel_proc *k, const char *kernel, struct kernel_args *ka,
		 const char *state_dir, struct rerr **err);
/* The last lines of console.log, joined into one line. */
char *console_tail(const char *state_dir, int lines);

/* --- stdio_relay.c --------------------------------------------------------- */
struct relay_result {
	bool exited;          /* the container process ended */
	int wait_status;
	char *error;          /* guest-reported error (exec failure…) */
	bool kernel_died;     /* the kernel exited before the container ended */
};
int relay_run(struct kernel_proc *k, const char *launch_doc, struct relay_result *res,
	      struct rerr **err);

/* --- exit_status.c --------------------------------------------------------- */
__attribute__((noreturn)) void exit_like(int wait_status);

#endif
