/* Confinement of runuml-9p, in the order of docs/confinement.md: die with
 * the monitor, close inherited fds, rlimits, a private copy of each share's
 * mount tree (before or, rootless, just after the namespaces), namespaces,
 * chroot into an empty directory, capabilities cut to what file service needs, no_new_privs, and
 * last the seccomp allow-list of seccomp_rules.h. */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/mount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "confine.h"
#include "proxy.h"
#include "seccomp_filter.h"

static const struct seccomp_rule proxy_rules[] = {
#define ALLOW(name, why) SECCOMP_ALLOW(name, why)
#define ALLOW_ARG(name, arg, op, val, why) SECCOMP_ALLOW_ARG(name, arg, op, val, why)
#define ALLOW_MASKED(name, arg, mask, val, why) SECCOMP_ALLOW_MASKED(name, arg, mask, val, why)
#include "seccomp_rules.h"
#undef ALLOW
#undef ALLOW_ARG
#undef ALLOW_MASKED
};

/* What serving files as the guest's owners takes when the proxy is root
 * (passthrough ownership); in a user namespace (rootless) these only reach
 * the caller's own files. */
static const int proxy_caps[] = {
	CAP_CHOWN,           /* creations owned by the guest's uid/gid; chown */
	CAP_DAC_OVERRIDE,    /* the guest kernel checks permissions (access=client) */
	CAP_DAC_READ_SEARCH,
	CAP_FOWNER,          /* chmod/utimes/xattrs of files of any owner */
	CAP_FSETID,          /* setgid bits kept on chown/write as the guest asked */
	CAP_MKNOD,           /* device nodes in shares without nodev */
	CAP_SETFCAP,         /* security.capability in shares without nosuid */
};

static int fail(struct rerr *err)
{
	fprintf(stderr, "runuml-9p: %s\n", err->msg);
	rerr_free(err);
	return -1;
}

/* Serves a share from a private, detached copy of its mount tree
 * (open_tree OPEN_TREE_CLONE|AT_RECURSIVE) put in place of its descriptor
 * (same number: dup3).  The host's ".." stops at the root of a detached
 * mount, so even a proxy taken over can't walk from a share to the rest of
 * the host (its own lookups never use ".."); and the copy gets flags from
 * the kernel: read-only for `ro` shares, and always nodev, nosuid, noexec
 * and nosymfollow, none of which the proxy needs.  nodev for every share:
 * the proxy never opens a device node (the guest kernel serves them; mknod
 * still works on a nodev mount, the `nodev` share flag is the server's
 * check), so no race between a lookup and an open -- another container
 * swapping a name in a shared bind mount -- can make it open one.  src is the share's directory
 * as seen in the current mount namespace.  0, or -1 with errno. */
static int isolate_tree(int src, const struct proxy_share_fd *sh, bool debug)
{
#if defined(SYS_open_tree) && defined(SYS_mount_setattr)
	int fd = (int)syscall(SYS_open_tree, src, "",
			      OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
	if (fd < 0)
		return -1;
	struct mount_attr attr = {
		.attr_set = MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC |
			    MOUNT_ATTR_NOSYMFOLLOW | (sh->ro ? MOUNT_ATTR_RDONLY : 0),
	};
	if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0 &&
	    debug)   /* linux < 5.12: the copy alone still confines ".." */
		fprintf(stderr, "runuml-9p: %s: cannot set the share's mount flags: %m\n", sh->tag);
	int rc = dup3(fd, sh->fd, O_CLOEXEC) < 0 ? -1 : 0;
	int e = errno;
	close(fd);
	errno = e;
	return rc;
#else
	(void)src;
	(void)sh;
	(void)debug;
	errno = ENOSYS;
	return -1;
#endif
}

/* Before the namespaces: the monitor's descriptor can be copied directly
 * when the proxy is privileged (passthrough, as root).  Otherwise its path
 * is kept in *path for isolate_after(). */
static void isolate_before(const struct proxy_share_fd *sh, char **path, bool debug)
{
	char link[64], buf[4096];
	ssize_t n;

	*path = NULL;
	if (isolate_tree(sh->fd, sh, debug) == 0)
		return;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", sh->fd);
	n = readlink(link, buf, sizeof(buf) - 1);
	if (n > 0 && buf[0] == '/') {
		buf[n] = '\0';
		*path = strdup(buf);
	}
}

/* After the namespaces (rootless: the proxy is root of its own user and
 * mount namespaces now): the share's directory is found again by path in
 * the new namespace's copy of the mounts, checked to be the same directory,
 * and that mount is copied. */
static void isolate_after(const struct proxy_share_fd *sh, const char *path, bool debug)
{
	struct stat a, b;
	int fd = open(path, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &a) < 0 || fstat(sh->fd, &b) < 0 || a.st_dev != b.st_dev ||
	    a.st_ino != b.st_ino || isolate_tree(fd, sh, debug) < 0) {
		if (debug)
			fprintf(stderr, "runuml-9p: %s: no private copy of the share's mount: %m\n",
				sh->tag);
	}
	if (fd >= 0)
		close(fd);
}

int proxy_confine(const struct proxy_opts *o, const int *keep, size_t n_keep,
		  const struct proxy_share_fd *shares, size_t n_shares)
{
	struct rerr *err = NULL;
	char *paths[PROXY_MAX_SHARES] = { NULL };

	/* fids hold up to three descriptors each (path, open file, directory) */
	uint64_t nofile = 64 + 3ULL * P9_MAX_FIDS;

	if (n_shares > PROXY_MAX_SHARES)
		return -1;
	if (confine_die_with_parent(o->parent, &err) < 0 || confine_close_fds(keep, n_keep, &err) < 0 ||
	    confine_rlimits(nofile, &err) < 0)
		return fail(err);
	for (size_t i = 0; i < n_shares; i++)
		isolate_before(&shares[i], &paths[i], o->debug);
	int rc = confine_namespaces(true, &err);
	for (size_t i = 0; i < n_shares; i++) {
		if (rc == 0 && paths[i])
			isolate_after(&shares[i], paths[i], o->debug);
		free(paths[i]);
	}
	if (rc < 0 ||
	    (o->empty_root && confine_chroot_empty(o->empty_root, &err) < 0) ||
	    confine_drop_caps(proxy_caps, sizeof(proxy_caps) / sizeof(proxy_caps[0]), &err) < 0 ||
	    confine_no_new_privs(&err) < 0)
		return fail(err);
	if (o->debug)
		seccomp_trap_handler_install("runuml-9p");
	if (seccomp_filter_install(proxy_rules, sizeof(proxy_rules) / sizeof(proxy_rules[0]),
				   o->debug ? SECCOMP_TRAP : SECCOMP_KILL, &err) < 0)
		return fail(err);
	return 0;
}

void proxy_print_seccomp(int fd)
{
	seccomp_filter_print(proxy_rules, sizeof(proxy_rules) / sizeof(proxy_rules[0]), fd);
}
