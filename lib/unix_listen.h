/* Listening unix sockets made inside a directory named by a descriptor, so
 * a long directory path (container state) still fits sun_path. */
#ifndef RUNUML_UNIX_LISTEN_H
#define RUNUML_UNIX_LISTEN_H

#include "rerr.h"

/* Binds dirfd/name (mode 0600 through umask 077), listens; the fd is
 * SOCK_CLOEXEC|SOCK_NONBLOCK.  Returns the fd or -1 with *err. */
int unix_listen_at(int dirfd, const char *dir_for_errors, const char *name, int backlog,
		   struct rerr **err);

#endif
