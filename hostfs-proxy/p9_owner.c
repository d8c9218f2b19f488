/* Ownership models of the 9P server.
 *
 * PASSTHROUGH (the proxy runs as root): the guest's uid/gid/mode are the
 * host's; files the guest creates are chowned to the creating fid's uid and
 * the gid it asks for.
 *
 * MAPPED (rootless, like QEMU's security_model=mapped-xattr): the proxy runs
 * as an unprivileged user and owns everything it creates.  The guest sees
 * files of the proxy's euid (egid) as owned by 0 (0), other host owners as
 * 65534.  What the guest sets -- uid, gid, mode bits, the type and number of
 * a device -- is kept in the xattrs user.runuml.uid, .gid, .mode (type and
 * permission bits) and .rdev (decimal text) and reported back by Tgetattr.
 * Device nodes, fifos and sockets are regular files on the host whose type
 * lives in user.runuml.mode; the host mode keeps the proxy's access (files
 * at least 0600, directories at least 0700) and never setuid/setgid bits.
 * Symlinks can't carry user.* xattrs: they show their host owner's mapping
 * and a chown of them is accepted and ignored. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "p9_impl.h"

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif

#define X_UID  P9_MAPPED_PREFIX "uid"
#define X_GID  P9_MAPPED_PREFIX "gid"
#define X_MODE P9_MAPPED_PREFIX "mode"
#define X_RDEV P9_MAPPED_PREFIX "rdev"

uint32_t p9_owner_map_id(uint32_t host_id, uint32_t self)
{
	return host_id == self ? 0 : P9_NOBODY;
}

static int xget(int fd, const char *name, uint64_t *v)
{
	char buf[24], *end;
	ssize_t n = fgetxattr(fd, name, buf, sizeof(buf) - 1);

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	errno = 0;
	unsigned long long x = strtoull(buf, &end, 10);
	if (errno || *end || end == buf)
		return -1;
	*v = x;
	return 0;
}

static int xset(int fd, const char *name, uint64_t v)
{
	char buf[24];
	int n = snprintf(buf, sizeof(buf), "%" PRIu64, v);

	return fsetxattr(fd, name, buf, (size_t)n, 0) < 0 ? -errno : 0;
}

static uint32_t strip(struct p9_server *s, uint32_t mode)
{
	return s->sh.nosuid ? mode & ~(uint32_t)(S_ISUID | S_ISGID) : mode;
}

/* type as stored in user.runuml.mode, if it may describe a host file of type host */
static bool type_ok(mode_t host, uint32_t stored)
{
	mode_t t = stored & S_IFMT;

	if (host == S_IFDIR)
		return t == S_IFDIR;
	if (host == S_IFREG)
		return t == S_IFREG || t == S_IFCHR || t == S_IFBLK || t == S_IFIFO || t == S_IFSOCK;
	return false;
}

void p9_owner_view(struct p9_server *s, struct p9_node *n, int fd, const struct stat *st,
		   struct p9_owner_attr *a)
{
	a->uid = st->st_uid;
	a->gid = st->st_gid;
	a->mode = st->st_mode;
	a->rdev = st->st_rdev;
	if (s->sh.owner == P9_OWNER_MAPPED) {
		int own = -1;
		uint64_t v;

		a->uid = p9_owner_map_id(st->st_uid, s->euid);
		a->gid = p9_owner_map_id(st->st_gid, s->egid);
		if (S_ISREG(st->st_mode) || S_ISDIR(st->st_mode)) {
			if (fd < 0)
				fd = own = p9_node_open(s, n, O_RDONLY);
			if (fd >= 0) {
				if (xget(fd, X_UID, &v) == 0 && v <= UINT32_MAX)
					a->uid = (uint32_t)v;
				if (xget(fd, X_GID, &v) == 0 && v <= UINT32_MAX)
					a->gid = (uint32_t)v;
				if (xget(fd, X_MODE, &v) == 0 && v <= UINT32_MAX &&
				    type_ok(st->st_mode & S_IFMT, (uint32_t)v)) {
					a->mode = (uint32_t)v & (S_IFMT | 07777);
					if (xget(fd, X_RDEV, &v) == 0)
						a->rdev = v;
					else
						a->rdev = 0;
				}
			}
			if (own >= 0)
				close(own);
		}
	}
	a->mode = strip(s, a->mode);
}

mode_t p9_owner_host_mode(struct p9_server *s, mode_t type, uint32_t mode)
{
	mode = strip(s, mode & 07777);
	if (s->sh.owner == P9_OWNER_MAPPED)
		return (mode & 0777) | (type == S_IFDIR ? 0700 : 0600);
	return mode;
}

static int set_mapped(int fd, uint32_t uid, uint32_t gid, uint32_t mode, uint64_t rdev)
{
	int rc = 0;

	if (uid != (uint32_t)-1)
		rc = xset(fd, X_UID, uid);
	if (rc == 0 && gid != (uint32_t)-1)
		rc = xset(fd, X_GID, gid);
	if (rc == 0 && mode != (uint32_t)-1)
		rc = xset(fd, X_MODE, mode);
	if (rc == 0 && mode != (uint32_t)-1 && (S_ISCHR(mode) || S_ISBLK(mode)))
		rc = xset(fd, X_RDEV, rdev);
	return rc;
}

/* An open descriptor for the mapped xattrs: fd itself unless it is O_PATH. */
static int xattr_fd(struct p9_server *s, struct p9_node *n, int fd, int *own)
{
	*own = -1;
	if (fd >= 0 && !(fcntl(fd, F_GETFL) & O_PATH))
		return fd;
	return *own = p9_node_open(s, n, O_RDONLY);
}

int p9_owner_created(struct p9_server *s, struct p9_node *n, int fd, uint32_t uid, uint32_t gid,
		     uint32_t mode, uint64_t rdev)
{
	if (s->sh.owner == P9_OWNER_PASSTHROUGH) {
		if (fchownat(fd, "", uid, gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0)
			return -errno;
		return 0;
	}
	if (n->type == S_IFLNK)
		return 0;
	int own, xfd = xattr_fd(s, n, fd, &own);
	if (xfd < 0)
		return xfd;
	int rc = set_mapped(xfd, uid, gid, strip(s, mode), rdev);
	if (own >= 0)
		close(own);
	/* a file system without user xattrs: files and directories still work
	 * (shown as the proxy's, 0:0); a device or fifo would lose its type */
	if (rc == -EOPNOTSUPP && (S_ISREG(mode) || S_ISDIR(mode)))
		rc = 0;
	return rc;
}

int p9_owner_chmod(struct p9_server *s, struct p9_node *n, uint32_t mode)
{
	mode_t host = p9_owner_host_mode(s, n->type, mode);
	int rc = 0;

	if (n->type == S_IFLNK)
		return -EOPNOTSUPP;
	if (n->type == S_IFREG || n->type == S_IFDIR) {
		int fd = p9_node_open(s, n, O_RDONLY);
		if (fd < 0)
			return fd;
		if (s->sh.owner == P9_OWNER_MAPPED) {
			uint64_t old;
			uint32_t type = n->type;
			if (xget(fd, X_MODE, &old) == 0 && type_ok(n->type, (uint32_t)old))
				type = (uint32_t)old & S_IFMT;
			rc = xset(fd, X_MODE, type | strip(s, mode & 07777));
			if (rc == -EOPNOTSUPP && (type == S_IFREG || type == S_IFDIR))
				rc = 0;   /* no user xattrs: the host mode is all there is */
		}
		if (rc == 0 && fchmod(fd, host) < 0)
			rc = -errno;
		close(fd);
		return rc;
	}
	/* fifos, sockets, devices are never opened: change them by descriptor
	 * (fchmodat2 with AT_EMPTY_PATH) or by name without following */
	if (syscall(SYS_fchmodat2, n->fd, "", host, AT_EMPTY_PATH) == 0)
		return 0;
	if (n->parent && syscall(SYS_fchmodat2, n->parent->fd, n->name, host,
				 AT_SYMLINK_NOFOLLOW) == 0)
		return 0;
	return errno == ENOSYS || errno == EINVAL ? -EOPNOTSUPP : -errno;
}

int p9_owner_chown(struct p9_server *s, struct p9_node *n, uint32_t uid, uint32_t gid)
{
	if (s->sh.owner == P9_OWNER_PASSTHROUGH) {
		if (fchownat(n->fd, "", uid, gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0)
			return -errno;
		return 0;
	}
	if (n->type != S_IFREG && n->type != S_IFDIR)
		return 0;
	int fd = p9_node_open(s, n, O_RDONLY);
	if (fd < 0)
		return fd;
	int rc = set_mapped(fd, uid, gid, (uint32_t)-1, 0);
	close(fd);
	return rc;
}
