/* Confinement steps (see confine.h).  Each returns < 0 with a one-line
 * error naming the step; none is skipped silently. */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "confine.h"

int confine_die_with_parent(pid_t expected_parent, struct rerr **err)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		return rerr_make(err, errno, "cannot set the parent-death signal");
	/* the parent may have gone before the prctl: then nobody would kill us */
	if (expected_parent > 0 && getppid() != expected_parent)
		return rerr_make(err, 0, "the parent process is gone");
	return 0;
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

int confine_close_fds(const int *keep, size_t n, struct rerr **err)
{
	int sorted[64];
	unsigned lo = 0;

	if (n > sizeof(sorted) / sizeof(sorted[0]))
		return rerr_make(err, E2BIG, "cannot close inherited descriptors");
	memcpy(sorted, keep, n * sizeof(int));
	qsort(sorted, n, sizeof(int), cmp_int);
	for (size_t i = 0; i < n; i++) {
		if (sorted[i] < 0 || (unsigned)sorted[i] < lo)
			continue;
		if ((unsigned)sorted[i] > lo && close_range(lo, (unsigned)sorted[i] - 1, 0) < 0)
			return rerr_make(err, errno, "cannot close inherited descriptors");
		lo = (unsigned)sorted[i] + 1;
	}
	if (close_range(lo, ~0U, 0) < 0)
		return rerr_make(err, errno, "cannot close inherited descriptors");
	return 0;
}

int confine_rlimits(uint64_t nofile, struct rerr **err)
{
	struct rlimit core = { 0, 0 }, fds;

	if (getrlimit(RLIMIT_NOFILE, &fds) < 0)
		return rerr_make(err, errno, "cannot read RLIMIT_NOFILE");
	if (fds.rlim_max != RLIM_INFINITY && nofile > fds.rlim_max)
		nofile = fds.rlim_max;
	fds.rlim_cur = fds.rlim_max = nofile;
	if (setrlimit(RLIMIT_NOFILE, &fds) < 0)
		return rerr_make(err, errno, "cannot set RLIMIT_NOFILE to %llu",
				 (unsigned long long)nofile);
	if (setrlimit(RLIMIT_CORE, &core) < 0)
		return rerr_make(err, errno, "cannot set RLIMIT_CORE");
	return 0;
}

static int write_proc(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

int confine_namespaces(bool new_net, struct rerr **err)
{
	int flags = CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS | (new_net ? CLONE_NEWNET : 0);
	uid_t uid = geteuid();
	gid_t gid = getegid();
	char map[64];

	/* Unprivileged, a user namespace is what makes the others (and the
	 * chroot) possible; ids map to themselves so file ownership is kept. */
	if (uid != 0)
		flags |= CLONE_NEWUSER;
	if (unshare(flags) < 0)
		return rerr_make(err, errno, "cannot create namespaces");
	if (uid != 0) {
		snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)uid, (unsigned)uid);
		if (write_proc("/proc/self/setgroups", "deny") < 0 ||
		    write_proc("/proc/self/uid_map", map) < 0)
			return rerr_make(err, errno, "cannot map the user id");
		snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)gid, (unsigned)gid);
		if (write_proc("/proc/self/gid_map", map) < 0)
			return rerr_make(err, errno, "cannot map the group id");
	}
	/* nothing we mount (nothing, after the chroot) may propagate out */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return rerr_make(err, errno, "cannot make the mount tree private");
	return 0;
}

int confine_chroot_empty(const char *dir, struct rerr **err)
{
	if (chroot(dir) < 0)
		return rerr_make(err, errno, "cannot chroot into `%s`", dir);
	if (chdir("/") < 0)
		return rerr_make(err, errno, "cannot change into the new root");
	return 0;
}

int confine_drop_caps(const int *caps, size_t n, struct rerr **err)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];
	uint64_t keep = 0;

	for (size_t i = 0; i < n; i++)
		keep |= 1ULL << caps[i];
	for (int c = 0; c <= 63; c++) {
		if (keep & (1ULL << c))
			continue;
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
			return rerr_make(err, errno, "cannot drop capability %d from the bounding set", c);
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return rerr_make(err, errno, "cannot clear the ambient capabilities");
	if (syscall(SYS_capget, &hdr, data) < 0)
		return rerr_make(err, errno, "cannot read capabilities");
	data[0].effective &= (uint32_t)keep;
	data[0].permitted &= (uint32_t)keep;
	data[1].effective &= (uint32_t)(keep >> 32);
	data[1].permitted &= (uint32_t)(keep >> 32);
	data[0].inheritable = data[1].inheritable = 0;
	if (syscall(SYS_capset, &hdr, data) < 0)
		return rerr_make(err, errno, "cannot drop capabilities");
	return 0;
}

int confine_no_new_privs(struct rerr **err)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return rerr_make(err, errno, "cannot set no_new_privs");
	return 0;
}
