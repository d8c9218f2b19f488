/* ubench fs: file-system costs as an application sees them, on whatever
 * transport backs the directory (inside runuml: the container's rootfs).
 *   fstype_root       file system type of / (last "/" line of /proc/self/mounts)
 *   write_MBps        sequential write of WRITESIZE in 1 MiB blocks + fsync
 *   read_MBps         sequential read of READFILE (written beforehand by the host)
 *   stat_per_s        stat() round robin over the entries of STATDIR
 *   create_unlink_per_s  open(O_CREAT|O_EXCL) + close + unlink of a new name */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ubench.h"

#define BLOCK (1 << 20)

static void print_root_fstype(void)
{
	char dev[512], dir[512], type[64], fstype[64] = "unknown";
	FILE *f = fopen("/proc/self/mounts", "re");

	while (f && fscanf(f, "%511s %511s %63s %*[^\n]", dev, dir, type) == 3)
		if (!strcmp(dir, "/"))
			snprintf(fstype, sizeof(fstype), "%s", type);
	if (f)
		fclose(f);
	printf("fstype_root %s\n", fstype);
}

static double mbps(long long bytes, long long ns)
{
	return (double)bytes / (1024.0 * 1024.0) / ((double)ns / 1e9);
}

static int bench_write(const char *dir, long long size, char *buf)
{
	char path[PATH_MAX];
	long long t, done = 0;
	int fd;

	snprintf(path, sizeof(path), "%s/ubench-write.bin", dir);
	t = ub_now_ns();
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return ub_fail(path);
	while (done < size) {
		size_t n = size - done < BLOCK ? (size_t)(size - done) : BLOCK;
		ssize_t w = write(fd, buf, n);
		if (w <= 0) {
			close(fd);
			return ub_fail("write");
		}
		done += w;
	}
	if (fsync(fd) < 0 || close(fd) < 0)
		return ub_fail("fsync/close");
	printf("write_MBps %.1f\n", mbps(done, ub_now_ns() - t));
	unlink(path);
	return 0;
}

static int bench_read(const char *path, char *buf)
{
	long long t = ub_now_ns(), done = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t r;

	if (fd < 0)
		return ub_fail(path);
	while ((r = read(fd, buf, BLOCK)) > 0)
		done += r;
	close(fd);
	if (r < 0 || done == 0)
		return ub_fail("read");
	printf("read_MBps %.1f\n", mbps(done, ub_now_ns() - t));
	return 0;
}

static int bench_stat(const char *dir, long n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t count = 0, cap = 0;
	struct stat st;
	long long t;
	int dfd, rc = 0;

	if (!d)
		return ub_fail(dir);
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (count == cap) {
			char **nn = realloc(names, (cap = cap ? cap * 2 : 256) * sizeof(*names));
			if (!nn)
				return ub_fail("realloc");
			names = nn;
		}
		if (!(names[count++] = strdup(e->d_name)))
			return ub_fail("strdup");
	}
	if (count == 0) {
		fprintf(stderr, "ubench fs: `%s` is empty\n", dir);
		closedir(d);
		return 1;
	}
	dfd = dirfd(d);
	t = ub_now_ns();
	for (long i = 0; i < n; i++)
		if (fstatat(dfd, names[(size_t)i % count], &st, 0) < 0) {
			rc = ub_fail("fstatat");
			break;
		}
	if (!rc)
		printf("stat_per_s %.0f\n", (double)n / ((double)(ub_now_ns() - t) / 1e9));
	closedir(d);
	for (size_t i = 0; i < count; i++)
		free(names[i]);
	free(names);
	return rc;
}

static int bench_create(const char *dir, long n)
{
	char path[PATH_MAX];
	long long t = ub_now_ns();

	for (long i = 0; i < n; i++) {
		int fd;
		snprintf(path, sizeof(path), "%s/ubench-c%ld", dir, i);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd < 0)
			return ub_fail(path);
		close(fd);
		if (unlink(path) < 0)
			return ub_fail(path);
	}
	printf("create_unlink_per_s %.0f\n", (double)n / ((double)(ub_now_ns() - t) / 1e9));
	return 0;
}

int ub_cmd_fs(int argc, char **argv)
{
	long long nstat, ncreate, wsize;
	char *buf;
	int rc;

	if (argc != 7) {
		fprintf(stderr, "usage: ubench fs DIR READFILE STATDIR NSTAT NCREATE WRITESIZE\n");
		return 2;
	}
	nstat = ub_parse_size(argv[4]);
	ncreate = ub_parse_size(argv[5]);
	wsize = ub_parse_size(argv[6]);
	if (nstat <= 0 || ncreate <= 0 || wsize <= 0 || nstat > LONG_MAX || ncreate > LONG_MAX) {
		fprintf(stderr, "ubench fs: bad count\n");
		return 2;
	}
	buf = malloc(BLOCK);
	if (!buf)
		return ub_fail("malloc");
	memset(buf, 0x5a, BLOCK);
	print_root_fstype();
	rc = bench_write(argv[1], wsize, buf) || bench_read(argv[2], buf) ||
	     bench_stat(argv[3], (long)nstat) || bench_create(argv[1], (long)ncreate);
	free(buf);
	if (fflush(stdout))
		return ub_fail("stdout");
	return rc;
}
