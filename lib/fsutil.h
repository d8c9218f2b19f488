/* Small file-system helpers shared by the CLI and the monitor. */
#ifndef RUNUML_FSUTIL_H
#define RUNUML_FSUTIL_H

#include <stddef.h>
#include <sys/types.h>

#include "rerr.h"

/* Reads a whole regular file of at most max bytes (NUL-terminated). */
int read_file_bounded(const char *path, size_t max, char **out, size_t *len, struct rerr **err);
/* Writes data to dir/name atomically: temp file in dir, fsync, rename. */
int write_file_atomic(int dirfd, const char *name, const void *data, size_t len, mode_t mode,
		      struct rerr **err);
/* mkdir -p with mode for created components. */
int mkdir_p(const char *path, mode_t mode, struct rerr **err);
/* rm -rf below dirfd/name without following symlinks; never crosses mounts. */
int remove_tree_at(int dirfd, const char *name);
/* Writes all of buf to fd, waiting (poll) when a non-blocking fd is full;
 * the fd's flags belong to whoever gave it to us, so they are not changed. */
int write_full(int fd, const void *buf, size_t len);
/* Absolute, symlink-free path of an existing path. */
char *abs_path(const char *path, struct rerr **err);

#endif
