/* Mount points created in the container's root from the host side, for a
 * root the file server serves read-only (root.readonly): the guest cannot
 * create them itself there.  Every step resolves beneath the root
 * (openat2 RESOLVE_IN_ROOT), so a symlink in the image cannot lead out. */
#ifndef RUNUML_MOUNT_POINTS_H
#define RUNUML_MOUNT_POINTS_H

#include <stdbool.h>

#include "rerr.h"

/* Makes dest (a path in the container) exist below root_fd: missing
 * directories on the way are created (0755), the last component as a
 * directory or, with file, an empty regular file (0644). */
int mount_point_make(int root_fd, const char *dest, bool file, struct rerr **err);

#endif
