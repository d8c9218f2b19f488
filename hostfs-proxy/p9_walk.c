/* Confined lookups: one name at a time beneath the share's root.
 *
 * Each component is opened with openat2(dirfd, name, O_PATH|O_NOFOLLOW,
 * RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS|RESOLVE_NO_MAGICLINKS|RESOLVE_NO_XDEV):
 * a name is never a path (no '/', no NUL), a symlink is returned as itself
 * and never followed (the guest kernel follows it through Treadlink, within
 * its own view of the share), and a mount point below the share answers
 * EXDEV.  "." is the node itself, ".." its recorded parent; ".." of the root
 * is the root.  Kernels without openat2 fall back to openat(O_PATH|
 * O_NOFOLLOW), which gives the same guarantees except the mount check. */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "p9_impl.h"

int p9_check_name(const struct p9_str *n, char *out)
{
	if (n->len == 0 || n->len > P9_NAME_MAX || memchr(n->s, '/', n->len) ||
	    memchr(n->s, '\0', n->len))
		return -EINVAL;
	memcpy(out, n->s, n->len);
	out[n->len] = '\0';
	return 0;
}

bool p9_host_dir(const struct p9_server *s, const struct p9_node *n)
{
	return s->only_name && (n == s->root || (n->ino == s->root->ino && n->dev == s->root->dev));
}

/* A name to create, remove or rename in dir. */
int p9_check_new_name(struct p9_server *s, struct p9_node *dir, const struct p9_str *n, char *out)
{
	int rc = p9_check_name(n, out);

	if (rc < 0)
		return rc;
	if (!strcmp(out, ".") || !strcmp(out, ".."))
		return -EINVAL;
	if (dir->type != S_IFDIR)
		return -ENOTDIR;
	if (s->only_name && dir == s->root)
		return -EACCES;
	return 0;
}

static int open_beneath(int dirfd, const char *name)
{
	static bool no_openat2;
	struct open_how how = {
		.flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS |
			   RESOLVE_NO_XDEV,
	};

	if (!no_openat2) {
		long fd;
		do
			fd = syscall(SYS_openat2, dirfd, name, &how, sizeof(how));
		while (fd < 0 && errno == EAGAIN);
		if (fd >= 0 || errno != ENOSYS)
			return (int)fd;
		no_openat2 = true;
	}
	return openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
}

int p9_node_stat(struct p9_node *n, struct stat *st)
{
	return fstat(n->fd, st) < 0 ? -errno : 0;
}

int p9_lookup(struct p9_server *s, struct p9_node *dir, const char *name, struct p9_node **out,
	      struct stat *st)
{
	struct stat tmp;
	struct p9_node *n;
	int fd;

	if (!st)
		st = &tmp;
	if (!strcmp(name, ".") || !strcmp(name, "..")) {
		if (dir->type != S_IFDIR)
			return -ENOTDIR;
		n = (name[1] && dir->parent) ? dir->parent : dir;
		int rc = p9_node_stat(n, st);
		if (rc < 0)
			return rc;
		*out = p9_node_ref(n);
		return 0;
	}
	if (dir->type != S_IFDIR)
		return -ENOTDIR;
	if (s->only_name && dir == s->root && strcmp(name, s->only_name))
		return -ENOENT;
	if (s->n_nodes >= P9_MAX_NODES)
		return -ENFILE;
	fd = open_beneath(dir->fd, name);
	if (fd < 0)
		return errno == ELOOP ? -ENOENT : -errno;
	if (fstat(fd, st) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	n = p9_node_new(s, dir, name, strlen(name), fd, st);
	if (!n) {
		close(fd);
		return -ENOMEM;
	}
	*out = n;
	return 0;
}

/* An open (not O_PATH) descriptor of a node: directories through their own
 * descriptor, regular files by name in their parent, checked to still be
 * the same inode (ESTALE otherwise).  Other types are never opened on the
 * host: the guest kernel serves fifos, sockets and devices itself, and
 * opening a device node here would reach a host device. */
int p9_node_open(struct p9_server *s, struct p9_node *n, int flags)
{
	struct stat st;
	int fd;

	(void)s;
	flags |= O_CLOEXEC | O_NOCTTY | O_NOFOLLOW;
	if (n->type == S_IFDIR) {
		if ((flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC))
			return -EISDIR;
		fd = openat(n->fd, ".", flags | O_DIRECTORY);
		return fd < 0 ? -errno : fd;
	}
	if (n->type != S_IFREG)
		return -ENXIO;
	if (!n->parent)
		return -ESTALE;
	/* The name must still be this regular file before it is opened: the
	 * guest itself can replace it (unlink, then mknod a device in a share
	 * without nodev) and opening a device node has effects on the host even
	 * if it is closed at once.  The guest's requests are serialized, so only
	 * another writer of the host directory is left to race this check (see
	 * docs/hostfs-9p.md, "Residual race"). */
	if (fstatat(n->parent->fd, n->name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT || errno == ENOTDIR ? -ESTALE : -errno;
	if (st.st_ino != n->ino || st.st_dev != n->dev || !S_ISREG(st.st_mode))
		return -ESTALE;
	/* O_NONBLOCK: should the name have become a fifo, don't hang (it has
	 * no effect on the regular file this must be, so it stays set) */
	fd = openat(n->parent->fd, n->name, (flags & ~O_TRUNC) | O_NONBLOCK);
	if (fd < 0)
		return errno == ELOOP || errno == ENOENT ? -ESTALE : -errno;
	if (fstat(fd, &st) < 0 || st.st_ino != n->ino || st.st_dev != n->dev ||
	    !S_ISREG(st.st_mode)) {
		close(fd);
		return -ESTALE;
	}
	if ((flags & O_TRUNC) && ftruncate(fd, 0) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

void p9_qid_from_stat(const struct stat *st, struct p9_qid *q)
{
	q->type = S_ISDIR(st->st_mode) ? P9_QTDIR : S_ISLNK(st->st_mode) ? P9_QTSYMLINK : P9_QTFILE;
	/* 0: linux-6.1 v9fs_test_inode_dotl compares qid.version, and a version
	 * that changed with every write would give one file several inodes */
	q->version = 0;
	q->path = (uint64_t)st->st_ino;
}

/* Twalk fid[4] newfid[4] nwname[2] nwname*(wname[s]) -> Rwalk nwqid[2] nwqid*(qid[13])
 * A partial walk answers the qids of the names that worked and creates no
 * newfid; only a failing first name is an error (9P2000 walk(5)). */
int p9_h_walk(struct p9_server *s, struct p9_rd *r, struct p9_wr *w)
{
	uint32_t fid = p9_get32(r), newfid = p9_get32(r);
	uint16_t nw = p9_get16(r);
	struct p9_str names[P9_MAXWELEM];
	struct p9_fid *f;
	struct p9_node *cur;
	struct p9_qid q;
	struct stat st;
	char name[P9_NAME_MAX + 1];
	uint16_t i;
	int rc = 0;

	if (nw > P9_MAXWELEM)
		return -E2BIG;
	for (i = 0; i < nw; i++)
		names[i] = p9_getstr(r);
	if (!p9_rd_ok(r))
		return -EPROTO;
	f = p9_fid_get(s, fid);
	if (!f)
		return -EBADF;
	if (newfid == fid ? f->kind != P9_FID_NODE : p9_fid_get(s, newfid) != NULL)
		return -EBADF;
	if (newfid != fid && s->n_fids >= P9_MAX_FIDS)
		return -EMFILE;
	if (newfid == P9_NOFID)
		return -EBADF;

	cur = p9_node_ref(f->node);
	size_t count_at = w->off;
	p9_put16(w, 0);
	for (i = 0; i < nw; i++) {
		struct p9_node *next;
		rc = p9_check_name(&names[i], name);
		if (rc == 0)
			rc = p9_lookup(s, cur, name, &next, &st);
		if (rc < 0)
			break;
		p9_node_unref(s, cur);
		cur = next;
		p9_qid_from_stat(&st, &q);
		p9_putqid(w, &q);
	}
	if (i == 0 && nw > 0) {
		p9_node_unref(s, cur);
		return rc;
	}
	w->p[count_at] = (uint8_t)i;
	w->p[count_at + 1] = (uint8_t)(i >> 8);
	if (i == nw) {
		if (newfid == fid) {
			p9_node_unref(s, f->node);
			f->node = p9_node_ref(cur);
		} else {
			rc = p9_fid_add(s, newfid, cur, f->uid, NULL);
			if (rc < 0) {
				p9_node_unref(s, cur);
				return rc;
			}
		}
	}
	p9_node_unref(s, cur);
	return 0;
}
