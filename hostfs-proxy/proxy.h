/* runuml-9p internals shared by proxy_main.c and proxy_confine.c. */
#ifndef RUNUML_PROXY_H
#define RUNUML_PROXY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "p9_server.h"

#define PROXY_MAX_SHARES 64
#define PROXY_TAG_MAX    31   /* mount tags are short: "runuml0" … */

struct proxy_opts {
	enum p9_owner_model owner;
	const char *empty_root;   /* chroot target; NULL: no chroot (tests) */
	pid_t parent;             /* the monitor, to die with */
	bool debug;               /* forbidden system calls are named, then fatal */
	bool print_seccomp;
	bool test_forbidden_syscall;
};

/* A share's directory descriptor and the flags its mount copy gets. */
struct proxy_share_fd {
	int fd;
	bool ro, nodev;
	const char *tag;
};

/* The ordered confinement of docs/confinement.md; keep: the descriptors
 * that survive (stdio, the shares' sockets and directories).  Each share's
 * descriptor is replaced, under the same number, by one on a private
 * detached copy of its mount tree where the kernel allows it. */
int proxy_confine(const struct proxy_opts *o, const int *keep, size_t n_keep,
		  const struct proxy_share_fd *shares, size_t n_shares);
void proxy_print_seccomp(int fd);

#endif
