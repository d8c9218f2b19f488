/* 9P2000.L file operations: Tlopen, Tlcreate, Tread, Twrite, Tgetattr,
 * Tsetattr, Tstatfs, Tfsync, Treadlink (linux-6.1 fs/9p/vfs_inode_dotl.c,
 * vfs_file.c).  Data moves by pread/pwrite straight between the file and
 * the request/response buffers. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "p9_impl.h"

/* P9_DOTL_* open flags -> host flags; O_DIRECT, O_NOATIME, FASYNC and
 * creation bits are not passed on. */
static int host_oflags(uint32_t f, int *out)
{
	int h;

	switch (f & P9_DOTL_ACCMODE) {
	case 0: h = O_RDONLY; break;
	case 1: h = O_WRONLY; break;
	case 2: h = O_RDWR; break;
	default: return -EINVAL;
	}
	if (f & P9_DOTL_TRUNC)
		h |= O_TRUNC;
	if (f & P9_DOTL_APPEND)
		h |= O_APPEND;
	if (f & P9_DOTL_NONBLOCK)
		h |= O_NONBLOCK;
	if (f & P9_DOTL_DSYNC)
		h |= O_DSYNC;
	if (f & P9_DOTL_SYNC)
		h |= O_SYNC;
	if (f & P9_DOTL_DIRECTORY)
		h |= O_DIRECTORY;
	*out = h;
	return 0;
}

static bool writes(int h)
{
	return (h & O_ACCMODE) != O_RDONLY || (h & (O_TRUNC | O_APPEND));
}

static int fid_node(struct p9_server *s, uint32_t id, struct p9_fid **f)
{
	*f = p9_fid_get(s, id);
	if (!*f)
		return -EBADF;
	if ((*f)->kind == P9_FID_XREAD || (*f)->kind == P9_FID_XWRITE)
		return -EBADF;
	return 0;
}

/* Tlopen fid[4] flags[4] -> Rlopen qid[13] iounit[4] */
int p9_h_lopen(struct p9_server *s, struct p9_rd *r, struct p9_wr *w)
{
	uint32_t id = p9_get32(r), flags = p9_get32(r);
	struct p9_fid *f;
	struct p9_qid q;
	struct stat st;
	int h, fd, rc;

	if (!p9_rd_ok(r))
		return -EPROTO;
	if ((rc = fid_node(s, id, &f)) < 0)
		return rc;
	if (f->kind != P9_FID_NODE)
		return -EBADF;
	if ((rc = host_oflags(flags, &h)) < 0)
		return rc;
	if (s->sh.readonly && writes(h))
		return -EROFS;
	fd = p9_node_open(s, f->node, h);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	f->kind = P9_FID_OPEN;
	f->fd = fd;
	f->oflags = (uint32_t)h;
	p9_qid_from_stat(&st, &q);
	p9_putqid(w, &q);
	p9_put32(w, 0);
	return 0;
}

/* Removes dir/name if it is still the file st describes. */
static void unlink_created(struct p9_node *dir, const char *name, const struct stat *st)
{
	struct stat now;

	if (fstatat(dir->fd, name, &now, AT_SYMLINK_NOFOLLOW) == 0 && now.st_ino == st->st_ino &&
	    now.st_dev == st->st_dev)
		unlinkat(dir->fd, name, 0);
}

/* Tlcreate fid[4] name[s] flags[4] mode[4] gid[4] -> Rlcreate qid[13] iounit[4]
 * The fid (a directory) becomes the new, open file. */
int p9_h_lcreate(struct p9_server *s, struct p9_rd *r, struct p9_wr *w)
{
	uint32_t id = p9_get32(r);
	struct p9_str nm = p9_getstr(r);
	uint32_t flags = p9_get32(r), mode = p9_get32(r), gid = p9_get32(r);
	char name[P9_NAME_MAX + 1];
	struct p9_node *dir, *n;
	struct p9_fid *f;
	struct p9_qid q;
	struct stat st, pst;
	int h, fd, rc;

	if (!p9_rd_ok(r))
		return -EPROTO;
	if ((rc = fid_node(s, id, &f)) < 0)
		return rc;
	if (f->kind != P9_FID_NODE)
		return -EBADF;
	if (s->sh.readonly)
		return -EROFS;
	dir = f->node;
	if ((rc = p9_check_new_name(s, dir, &nm, name)) < 0)
		return rc;
	if ((rc = host_oflags(flags, &h)) < 0)
		return rc;
	h &= ~(O_DIRECTORY | O_TRUNC);
	/* exclusive: linux asks only after a negative lookup, and the chown
	 * below must never reach a file that already existed */
	fd = openat(dir->fd, name, h | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY,
		    p9_owner_host_mode(s, S_IFREG, mode));
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	rc = p9_lookup(s, dir, name, &n, &pst);
	if (rc == 0 && (pst.st_ino != st.st_ino || pst.st_dev != st.st_dev)) {
		p9_node_unref(s, n);
		rc = -ESTALE;
	}
	if (rc < 0) {
		/* the file we made (the proxy's, with the guest's mode bits,
		 * setuid included) must not stay; an entry swapped in since is
		 * someone else's and stays */
		if (rc != -ESTALE)
			unlink_created(dir, name, &st);
		close(fd);
		return rc;
	}
	rc = p9_owner_created(s, n, fd, f->uid, gid, S_IFREG | (mode & 07777), 0);
	if (rc < 0) {
		unlink_created(dir, name, &st);
		p9_node_unref(s, n);
		close(fd);
		return rc;
	}
	p9_node_unref(s, f->node);
	f->node = n;
	f->kind = P9_FID_OPEN;
	f->fd = fd;
	f->oflags = (uint32_t)h;
	p9_qid_from_stat(&st, &q);
	p9_putqid(w, &q);
	p9_put32(w, 0);
	return 0;
}

/* Tread fid[4] offset[8] count[4] -> Rread count[4] data[count] */
int p9_h_read(struct p9_server *s, struct p9_rd *r, struct p9_wr *w)
{
	uint32_t id = p9_get32(r);
	uint64_t off = p9_get64(r);
	uint32_t count = p9_get32(r);
	struct p9_fid *f;

	if (!p9_rd_ok(r))
		return -EPROTO;
	f = p9_fid_get(s, id);
	if (!f)
		return -EBADF;
	if (off > INT64_MAX)
		return -EINVAL;
	if (count > p9_wr_left(w) - 4)
		count = (uint32_t)(p9_wr_left(w) - 4);
	if (f->kind == P9_FID_XREAD)
		return p9_xattr_read(f, off, count, w);
	if (f->kind != P9_FID_OPEN)
		return -EBADF;
	size_t at = w->off;
	p9_put32(w, 0);
	uint8_t *data = w->p + w->off;
	ssize_t n;
	do
		n = pread(f->fd, data, count, (off_t)off);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	w->off += (size_t)n;
	for (int i = 0; i < 4; i++)
		w->p[at + i] = (uint8_t)((uint32_t)n >> (8 * i));
	return 0;
}

/* Twrite fid[4] offset[8] count[4] data[count] -> Rwrite count[4] */
int p9_h_write(struct p9_server *s, struct p9_rd *r, struct p9_wr *w)
{
	uint32_t id = p9_get32(r);
	uint64_t off = p9_get64(r);
	uint32_t count = p9_get32(r);
	const uint8_t *data = p9_getbytes(r, count);
	struct p9_fid *f;
	ssize_t n;

	if (!p9_rd_ok(r))
		return -EPROTO;
	f = p9_fid_get(s, id);
	if (!f)
		return -EBADF;
	if (off > INT64_MAX)
		return -EINVAL;
	if (f->kind == P9_FID_XWRITE) {
		int rc = p9_xattr_write(f, off, data, count);
		if (rc < 0)
			return rc;
		p9_put32(w, count);
		return 0;
	}
	if (f->kind != P9_FID_OPEN)
		return -EBADF;
	if (s->sh.readonly)
		return -EROFS;
	do
		n = pwrite(f->fd, data, count, (off_t)off);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	p9_put32(w, (uint32_t)n);
	return 0;
}

static int fid_stat(struct p9_fid *f, struct stat *st)
{
	if (f->kind == P9_FID_OPEN)
		return fstat(f->fd, st) < 0 ? -errno : 0;
	return p9_node_stat(f->node, st);
}

/* Tgetattr fid[4] request_mask[8] -> Rgetattr valid[8] qid[13] mode[4] uid[4]
 * gid[4] nlink[8] rdev[8] size[8] blksize[8] blocks[8] atime[16] mtime[16]
 * ctime[16] btime[16] gen[8] data_version[8] */
int p9_h_getattr(struct p9_server *s, struct p9_rd *r, struct p9_wr *w)
{
	uint32_t id = p9_get32(r);
	struct p9_owner_attr a;
	struct p9_fid *f;
	struct p9_qid q;
	struct stat st;
	int rc;

	(void)p9_get64(r);
	if (!p9_rd_ok(r))
		return -EPROTO;
	if ((rc = fid_node(s, id, &f)) < 0)
		return rc;
	if ((rc = fid_stat(f, &st)) < 0)
		return rc;
	p9_owner_view(s, f->node, f->kind == P9_FID_OPEN ? f->fd : -1, &st, &a);
	p9_qid_from_stat(&st, &q);
	p9_put64(w, P9_GETATTR_BASIC);
	p9_putqid(w, &q);
	p9_put32(w, a.mode);
	p9_put32(w, a.uid);
	p9_put32(w, a.gid);
	p9_put64(w, st.st_nlink);
	p9_put64(w, a.rdev);
	p9_put64(w, (uint64_t)st.st_size);
	p9_put64(w, (uint64_t)st.st_blksize);
	p9_put64(w, (uint64_t)st.st_blocks);
	p9_put64(w, (uint64_t)st.st_atim.tv_sec);
	p9_put64(w, (uint64_t)st.st_atim.tv_nsec);
	p9_put64(w, (uint64_t)st.st_mtim.tv_sec);
	p9_put64(w, (uint64_t)st.st_mtim.tv_nsec);
	p9_put64(w, (uint64_t)st.st_ctim.tv_sec);
	p9_put64(w, (uint64_t)st.st_ctim.tv_nsec);
	for (int i = 0; i < 4; i++)   /* btime sec/nsec, gen, data_version */
		p9_put64(w, 0);
	return 0;
}

static int truncate_node(struct p9_server *s, struct p9_fid *f, uint64_t size)
{
	int fd, rc = 0;

	if (size > INT64_MAX)
		return -EINVAL;
	if (f->node->type == S_IFDIR)
		return -EISDIR;
	if (f->kind == P9_FID_OPEN && (f->oflags & O_ACCMODE) != O_RDONLY)
		return ftruncate(f->fd, (off_t)size) < 0 ? -errno : 0;
	fd = p9_node_open(s, f->node, O_WRONLY);
	if (fd < 0)
		return fd == -ENXIO ? -EINVAL : fd;
	if (ftruncate(fd, (off_t)size) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

/* Tsetattr fid[4] valid[4] mode[4] uid[4] gid[4] size[8] atime_sec[8]
 * atime_nsec[8] mtime_sec[8] mtime_nsec[8] -> Rsetattr */
int p9_h_setattr(struct p9_server *s, struct p9_rd *r, struct p9_wr *w)
{
	uint32_t id = p9_get32(r), valid = p9_get32(r), mode = p9_get32(r);
	uint32_t uid = p9_get32(r), gid = p9_get32(r);
	uint64_t size = p9_get64(r);
	uint64_t as = p9_get64(r), ans = p9_get64(r), ms = p9_get64(r), mns = p9_get64(r);
	struct p9_fid *f;
	int rc;

	(void)w;
	if (!p9_rd_ok(r))
		return -EPROTO;
	if ((rc = fid_node(s, id, &f)) < 0)
		return rc;
	if (s->sh.readonly && (valid & (P9_ATTR_MODE | P9_ATTR_UID | P9_ATTR_GID | P9_ATTR_SIZE |
					P9_ATTR_ATIME | P9_ATTR_MTIME)))
		return -EROFS;
	if (p9_host_dir(s, f->node) && (valid & (P9_ATTR_MODE | P9_ATTR_UID | P9_ATTR_GID |
						 P9_ATTR_SIZE | P9_ATTR_ATIME | P9_ATTR_MTIME)))
		return -EPERM;
	if ((valid & P9_ATTR_MODE) && (rc = p9_owner_chmod(s, f->node, mode)) < 0)
		return rc;
	if ((valid & (P9_ATTR_UID | P9_ATTR_GID)) &&
	    (rc = p9_owner_chown(s, f->node, valid & P9_ATTR_UID ? uid : (uint32_t)-1,
				 valid & P9_ATTR_GID ? gid : (uint32_t)-1)) < 0)
		return rc;
	if ((valid & P9_ATTR_SIZE) && (rc = truncate_node(s, f, size)) < 0)
		return rc;
	if (valid & (P9_ATTR_ATIME | P9_ATTR_MTIME)) {
		struct timespec ts[2] = { { 0, UTIME_OMIT }, { 0, UTIME_OMIT } };
		if (valid & P9_ATTR_ATIME) {
			if (valid & P9_ATTR_ATIME_SET) {
				if (as > INT64_MAX || ans >= 1000000000u)
					return -EINVAL;
				ts[0] = (struct timespec){ (time_t)as, (long)ans };
			} else {
				ts[0].tv_nsec = UTIME_NOW;
			}
		}
		if (valid & P9_ATTR_MTIME) {
			if (valid & P9_ATTR_MTIME_SET) {
				if (ms > INT64_MAX || mns >= 1000000000u)
					return -EINVAL;
				ts[1] = (struct timespec){ (time_t)ms, (long)mns };
			} else {
				ts[1].tv_nsec = UTIME_NOW;
			}
		}
		if (utimensat(f->node->fd, "", ts, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0)
			return -errno;
	}
	return 0;
}

/* Tstatfs fid[4] -> Rstatfs type[4] bsize[4] blocks[8] bfree[8] bavail[8]
 * files[8] ffree[8] fsid[8] namelen[4] */
int p9_h_statfs(struct p9_server *s, struct p9_rd *r, struct p9_wr *w)
{
	uint32_t id = p9_get32(r);
	struct p9_fid *f;
	struct statfs sf;
	int rc;

	if (!p9_rd_ok(r))
		return -EPROTO;
	if ((rc = fid_node(s, id, &f)) < 0)
		return rc;
	if (fstatfs(f->node->fd, &sf) < 0)
		return -errno;
	uint64_t fsid;
	memcpy(&fsid, &sf.f_fsid, sizeof(fsid));
	p9_put32(w, (uint32_t)sf.f_type);
	p9_put32(w, (uint32_t)sf.f_bsize);
	p9_put64(w, sf.f_blocks);
	p9_put64(w, sf.f_bfree);
	p9_put64(w, sf.f_bavail);
	p9_put64(w, sf.f_files);
	p9_put64(w, sf.f_ffree);
	p9_put64(w, fsid);
	p9_put32(w, (uint32_t)sf.f_namelen);
	return 0;
}

/* Tfsync fid[4] datasync[4] -> Rfsync */
int p9_h_fsync(struct p9_server *s, struct p9_rd *r, struct p9_wr *w)
{
	uint32_t id = p9_get32(r), datasync = p9_get32(r);
	struct p9_fid *f;
	int fd, rc = 0;

	(void)w;
	if (!p9_rd_ok(r))
		return -EPROTO;
	if ((rc = fid_node(s, id, &f)) < 0)
		return rc;
	if (f->kind == P9_FID_OPEN)
		fd = f->fd;
	else if ((fd = p9_node_open(s, f->node, O_RDONLY)) < 0)
		return fd == -ENXIO ? 0 : fd;
	if ((datasync ? fdatasync(fd) : fsync(fd)) < 0)
		rc = -errno;
	if (fd != f->fd)
		close(fd);
	return rc;
}

/* Treadlink fid[4] -> Rreadlink target[s] */
int p9_h_readlink(struct p9_server *s, struct p9_rd *r, struct p9_wr *w)
{
	uint32_t id = p9_get32(r);
	char buf[PATH_MAX];
	struct p9_fid *f;
	ssize_t n;
	int rc;

	if (!p9_rd_ok(r))
		return -EPROTO;
	if ((rc = fid_node(s, id, &f)) < 0)
		return rc;
	if (f->node->type != S_IFLNK)
		return -EINVAL;
	n = readlinkat(f->node->fd, "", buf, sizeof(buf));
	if (n < 0)
		return -errno;
	if ((size_t)n >= sizeof(buf))
		return -ENAMETOOLONG;
	p9_putstr(w, buf, (size_t)n);
	return 0;
}
