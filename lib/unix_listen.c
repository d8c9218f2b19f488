/* unix_listen_at(): see unix_listen.h. */
#include <errno.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "unix_listen.h"

int unix_listen_at(int dirfd, const char *dir_for_errors, const char *name, int backlog,
		   struct rerr **err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if ((size_t)snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/%s", dirfd, name) >=
	    sizeof(sa.sun_path))
		return rerr_make(err, ENAMETOOLONG, "socket name `%s` is too long", name);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return rerr_make(err, errno, "cannot create socket `%s/%s`", dir_for_errors, name);
	mode_t old = umask(077);
	int r = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (r < 0 || listen(fd, backlog) < 0) {
		int e = errno;
		close(fd);
		return rerr_make(err, e, "cannot listen on `%s/%s`", dir_for_errors, name);
	}
	return fd;
}
