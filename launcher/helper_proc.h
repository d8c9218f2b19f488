/* The monitor's helper processes (the 9P file server; later the network
 * helper): started with a fixed set of inherited descriptors and their
 * diagnostics in <state>/<name>.log, watched by the event loop, and
 * described in one line when they die before the container does. */
#ifndef RUNUML_HELPER_PROC_H
#define RUNUML_HELPER_PROC_H

#include <stddef.h>
#include <sys/types.h>

#include "rerr.h"

struct helper_proc {
	pid_t pid;        /* -1: not running */
	char *name;       /* "runuml-9p" */
	char *log_path;   /* <state>/<name>.log */
};

/* Starts path with argv; keep[] survive into it (CLOEXEC cleared), stdin is
 * /dev/null, stdout and stderr the log. */
int helper_spawn(struct helper_proc *h, const char *name, const char *path, char *const argv[],
		 const char *state_dir, const int *keep, size_t n_keep, struct rerr **err);
/* One line: how it ended and the last line it logged. */
char *helper_exit_reason(const struct helper_proc *h, int wait_status);
/* Kills (SIGKILL) and reaps it if it still runs; frees the strings. */
void helper_release(struct helper_proc *h);

#endif
