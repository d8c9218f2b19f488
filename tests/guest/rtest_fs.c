/* rtest's file-system commands: what busybox cannot do and the 9P tests
 * need, each printing one parseable line.
 *
 *   mmap-write FILE TEXT     MAP_SHARED write of TEXT at offset 0, msync
 *   setxattr FILE NAME VAL   getxattr FILE NAME   listxattr FILE
 *   lock FILE                F_SETLK write lock, holds it for 2 s
 *   trylock FILE             prints "locked" or "busy" (F_SETLK write)
 *   flock-try FILE           prints "locked" or "busy" (flock LOCK_EX|LOCK_NB)
 *   unlink-open FILE         writes, unlinks, reads back through the open fd
 *   statfs PATH              f_type in hex, f_bsize, f_blocks > 0 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "rtest.h"

static int fail(const char *what, const char *path)
{
	fprintf(stderr, "rtest: %s `%s`: %s\n", what, path, strerror(errno));
	return 1;
}

static int mmap_write(const char *path, const char *text)
{
	size_t len = strlen(text);
	int fd = open(path, O_RDWR | O_CREAT, 0644);

	if (fd < 0)
		return fail("cannot open", path);
	if (ftruncate(fd, (off_t)len) < 0)
		return fail("cannot truncate", path);
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return fail("cannot mmap", path);
	memcpy(p, text, len);
	if (msync(p, len, MS_SYNC) < 0)
		return fail("cannot msync", path);
	munmap(p, len);
	close(fd);
	printf("mapped %zu\n", len);
	return 0;
}

static int setlk(const char *path, bool hold)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	int fd = open(path, O_RDWR);

	if (fd < 0)
		return fail("cannot open", path);
	if (fcntl(fd, F_SETLK, &fl) < 0) {
		if (errno != EAGAIN && errno != EACCES)
			return fail("cannot lock", path);
		printf("busy\n");
		return 0;
	}
	printf("locked\n");
	fflush(stdout);
	if (hold)
		sleep(2);
	return 0;
}

static int unlink_open(const char *path)
{
	char buf[64] = "";
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		return fail("cannot create", path);
	if (write(fd, "still here", 10) != 10 || unlink(path) < 0)
		return fail("cannot write and unlink", path);
	if (access(path, F_OK) == 0)
		return fail("still visible", path);
	if (pread(fd, buf, sizeof(buf) - 1, 0) != 10)
		return fail("cannot read back", path);
	printf("%s\n", buf);
	return 0;
}

int rtest_fs(int argc, char **argv)
{
	const char *cmd = argv[1], *path = argc > 2 ? argv[2] : NULL;
	char buf[4096];
	ssize_t n;

	if (!path)
		return -1;
	if (!strcmp(cmd, "mmap-write") && argc > 3)
		return mmap_write(path, argv[3]);
	if (!strcmp(cmd, "setxattr") && argc > 4) {
		if (setxattr(path, argv[3], argv[4], strlen(argv[4]), 0) < 0)
			return fail("cannot setxattr", path);
		printf("set\n");
		return 0;
	}
	if (!strcmp(cmd, "getxattr") && argc > 3) {
		n = getxattr(path, argv[3], buf, sizeof(buf) - 1);
		if (n < 0)
			return fail("cannot getxattr", path);
		buf[n] = '\0';
		printf("%s\n", buf);
		return 0;
	}
	if (!strcmp(cmd, "listxattr")) {
		n = listxattr(path, buf, sizeof(buf));
		if (n < 0)
			return fail("cannot listxattr", path);
		for (ssize_t i = 0; i < n; i += (ssize_t)strlen(buf + i) + 1)
			printf("%s\n", buf + i);
		return 0;
	}
	if (!strcmp(cmd, "lock"))
		return setlk(path, true);
	if (!strcmp(cmd, "trylock"))
		return setlk(path, false);
	if (!strcmp(cmd, "flock-try")) {
		int fd = open(path, O_RDONLY);
		if (fd < 0)
			return fail("cannot open", path);
		if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
			if (errno != EWOULDBLOCK)
				return fail("cannot flock", path);
			printf("busy\n");
		} else {
			printf("locked\n");
		}
		return 0;
	}
	if (!strcmp(cmd, "unlink-open"))
		return unlink_open(path);
	if (!strcmp(cmd, "statfs")) {
		struct statfs sf;
		if (statfs(path, &sf) < 0)
			return fail("cannot statfs", path);
		printf("type=%lx bsize=%ld blocks=%s\n", (unsigned long)sf.f_type, (long)sf.f_bsize,
		       sf.f_blocks > 0 ? "nonzero" : "zero");
		return 0;
	}
	return -1;
}
