/* Starting a container's monitor from the CLI: the state directory, the
 * argument vector, and (create) the double fork that hands the monitor to
 * the nearest subreaper -- containerd's shim -- with a ready pipe that says
 * when the container is "created". */
#ifndef RUNUML_OCI_MONITOR_LAUNCH_H
#define RUNUML_OCI_MONITOR_LAUNCH_H

#include <stdbool.h>
#include <sys/types.h>

#include "cli.h"

struct monitor_launch {
	const char *id;
	const char *bundle;     /* absolute */
	bool keep;
	bool create;
	int console_fd;         /* pty slave for the container, or -1 */
	char *state_dir;        /* filled by monitor_launch_prepare */
};

/* Validates the id and bundle, creates the state directory. */
int monitor_launch_prepare(const struct global_opts *g, struct monitor_launch *ml,
			   struct rerr **err);
/* run: becomes the monitor (exec); returns only on failure. */
int monitor_launch_exec(const struct global_opts *g, struct monitor_launch *ml, struct rerr **err);
/* create: starts the monitor detached and waits until the container is
 * created; *pid gets the monitor's pid. */
int monitor_launch_detached(const struct global_opts *g, struct monitor_launch *ml, pid_t *pid,
			    struct rerr **err);

#endif
