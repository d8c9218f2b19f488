/* File-system helpers (see fsutil.h). */
#include "fsutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"

int read_file_bounded(const char *path, size_t max, char **out, size_t *len, struct rerr **err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	_cleanup_free_ char *buf = NULL;
	struct stat st;
	size_t n = 0;

	if (fd < 0)
		return rerr_make(err, errno, "cannot open `%s`", path);
	if (fstat(fd, &st) < 0)
		return rerr_make(err, errno, "cannot stat `%s`", path);
	if (!S_ISREG(st.st_mode))
		return rerr_make(err, 0, "cannot read `%s`: not a regular file", path);
	if ((size_t)st.st_size > max)
		return rerr_make(err, 0, "cannot read `%s`: larger than %zu bytes", path, max);
	buf = malloc(max + 1);
	if (!buf)
		return rerr_make(err, ENOMEM, "cannot read `%s`", path);
	for (;;) {
		ssize_t r = read(fd, buf + n, max + 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return rerr_make(err, errno, "cannot read `%s`", path);
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > max)
			return rerr_make(err, 0, "cannot read `%s`: larger than %zu bytes", path, max);
	}
	buf[n] = '\0';
	if (len)
		*len = n;
	*out = steal_ptr(buf);
	return 0;
}

int write_file_atomic(int dirfd, const char *name, const void *data, size_t len, mode_t mode,
		      struct rerr **err)
{
	char tmp[PATH_MAX];
	const char *p = data;
	int fd;

	snprintf(tmp, sizeof(tmp), ".%s.%d.tmp", name, (int)getpid());
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0)
		return rerr_make(err, errno, "cannot create `%s`", tmp);
	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			int e = errno;
			close(fd);
			unlinkat(dirfd, tmp, 0);
			return rerr_make(err, e, "cannot write `%s`", name);
		}
		p += w;
		len -= (size_t)w;
	}
	if (close(fd) < 0 || renameat(dirfd, tmp, dirfd, name) < 0) {
		int e = errno;
		unlinkat(dirfd, tmp, 0);
		return rerr_make(err, e, "cannot write `%s`", name);
	}
	return 0;
}

int mkdir_p(const char *path, mode_t mode, struct rerr **err)
{
	_cleanup_free_ char *p = strdup(path);

	if (!p)
		return rerr_make(err, ENOMEM, "cannot create `%s`", path);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST)
			return rerr_make(err, errno, "cannot create directory `%s`", p);
		*s = '/';
	}
	if (mkdir(p, mode) < 0 && errno != EEXIST)
		return rerr_make(err, errno, "cannot create directory `%s`", p);
	return 0;
}

int remove_tree_at(int dfd, const char *name)
{
	struct stat st, parent;
	int fd, ret = 0;
	DIR *d;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlinkat(dfd, name, 0);
	if (fstat(dfd, &parent) == 0 && parent.st_dev != st.st_dev)
		return -1; /* a mount point: never descend */
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -1;
	}
	for (struct dirent *e; (e = readdir(d));) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (remove_tree_at(dirfd(d), e->d_name) < 0)
			ret = -1;
	}
	closedir(d);
	if (unlinkat(dfd, name, AT_REMOVEDIR) < 0)
		ret = -1;
	return ret;
}

char *abs_path(const char *path, struct rerr **err)
{
	char *r = realpath(path, NULL);

	if (!r)
		rerr_make(err, errno, "cannot resolve `%s`", path);
	return r;
}

int write_full(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN) {
			struct pollfd pf = { .fd = fd, .events = POLLOUT };
			poll(&pf, 1, 1000);
			continue;
		}
		if (w < 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}
