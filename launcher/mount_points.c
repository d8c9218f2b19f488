/* mount_point_make(): see mount_points.h. */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mount_points.h"

static int open_in_root(int root_fd, const char *path)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	return (int)syscall(SYS_openat2, root_fd, *path ? path : ".", &how, sizeof(how));
}

int mount_point_make(int root_fd, const char *dest, bool file, struct rerr **err)
{
	char path[4096];
	size_t len = strlen(dest);

	if (len + 2 > sizeof(path))
		return rerr_make(err, ENAMETOOLONG, "mount point `%s` is too long", dest);
	path[0] = '/'; /* every prefix then has a '/' before its last name */
	memcpy(path + 1, dest, len + 1);
	/* each prefix in turn: /a, /a/b, ... */
	for (char *p = path; *p;) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		char *end = p + strcspn(p, "/");
		bool last = !*end || !end[strspn(end, "/")];
		char saved = *end;
		*end = '\0';
		int fd = open_in_root(root_fd, path);
		if (fd >= 0) {
			close(fd);
		} else if (errno == ENOENT) {
			/* the parent resolved in the root; create the name there */
			char *slash = strrchr(path, '/');
			*slash = '\0';
			int parent = open_in_root(root_fd, path);
			*slash = '/';
			if (parent < 0)
				return rerr_make(err, errno, "cannot create mount point `%s`", dest);
			int r;
			if (last && file) {
				r = openat(parent, slash + 1, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
					   O_CLOEXEC, 0644);
				if (r >= 0)
					close(r);
			} else {
				r = mkdirat(parent, slash + 1, 0755);
			}
			int e = errno;
			close(parent);
			if (r < 0 && e != EEXIST)
				return rerr_make(err, e, "cannot create mount point `%s`", dest);
		} else {
			return rerr_make(err, errno, "cannot create mount point `%s`", dest);
		}
		*end = saved;
		p = end;
	}
	return 0;
}
