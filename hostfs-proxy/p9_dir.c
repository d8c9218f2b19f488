/* 9P2000.L directory operations: Treaddir, Tmkdir, Tmknod, Tsymlink, Tlink,
 * Trename, Trenameat, Tunlinkat, Tremove (linux-6.1 fs/9p/vfs_dir.c,
 * vfs_inode_dotl.c).  Every name is one component in a directory the guest
 * holds a fid of (p9_check_new_name); nothing is created, removed or renamed
 * in the root of a single-file share. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "p9_impl.h"

#define DIRBUF_SIZE 32768

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static int dir_fid(struct p9_server *s, uint32_t id, struct p9_node **dir)
{
	struct p9_fid *f = p9_fid_get(s, id);

	if (!f || f->kind == P9_FID_XREAD || f->kind == P9_FID_XWRITE)
		return -EBADF;
	*dir = f->node;
	return 0;
}

/* one Rreaddir entry: qid[13] offset[8] type[1] name[s]; false when full */
static bool put_dirent(struct p9_wr *w, size_t end, uint64_t ino, uint8_t dtype, uint64_t off,
		       const char *name, size_t len)
{
	struct p9_qid q = { dtype == DT_DIR ? P9_QTDIR : dtype == DT_LNK ? P9_QTSYMLINK : P9_QTFILE,
			    0, ino };

	if (end - w->off < P9_QID_SIZE + 8 + 1 + 2 + len)
		return false;
	p9_putqid(w, &q);
	p9_put64(w, off);
	p9_put8(w, dtype);
	p9_putstr(w, name, len);
	return true;
}

/* The root of a single-file share: ".", ".." and the one name, at cookies 1..3. */
static void readdir_only(struct p9_server *s, uint64_t off, struct p9_wr *w, size_t end)
{
	struct stat st;

	if (off < 1 && !put_dirent(w, end, s->root->ino, DT_DIR, 1, ".", 1))
		return;
	if (off < 2 && !put_dirent(w, end, s->root->ino, DT_DIR, 2, "..", 2))
		return;
	if (off < 3 && fstatat(s->root->fd, s->only_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
		put_dirent(w, end, st.st_ino, (uint8_t)IFTODT(st.st_mode), 3, s->only_name,
			   strlen(s->only_name));
}

/* Treaddir fid[4] offset[8] count[4] -> Rreaddir count[4] data[count]
 * Offsets are the host's d_off cookies (telldir/seekdir), valid across calls
 * on the same open directory; 0 is the start. */
int p9_h_readdir(struct p9_server *s, struct p9_rd *r, struct p9_wr *w)
{
	uint32_t id = p9_get32(r);
	uint64_t off = p9_get64(r);
	uint32_t count = p9_get32(r);
	struct p9_fid *f;

	if (!p9_rd_ok(r))
		return -EPROTO;
	f = p9_fid_get(s, id);
	if (!f || f->kind != P9_FID_OPEN)
		return -EBADF;
	if (f->node->type != S_IFDIR)
		return -ENOTDIR;
	if (off > INT64_MAX)
		return -EINVAL;
	if (count > p9_wr_left(w) - 4)
		count = (uint32_t)(p9_wr_left(w) - 4);
	size_t at = w->off;
	p9_put32(w, 0);
	size_t start = w->off, end = w->off + count;

	if (s->only_name && f->node == s->root) {
		readdir_only(s, off, w, end);
	} else {
		if (lseek(f->fd, (off_t)off, SEEK_SET) < 0)
			return -errno;
		bool full = false;
		while (!full) {
			size_t want = end - w->off < DIRBUF_SIZE ? end - w->off : DIRBUF_SIZE;
			if (want < 512)
				want = 512;
			long n = getdents64(f->fd, s->dirbuf, want);
			if (n < 0) {
				if (errno == EINVAL && w->off > start)
					break;   /* the next entry didn't fit `want` */
				return -errno;
			}
			if (n == 0)
				break;
			for (long pos = 0; pos < n;) {
				struct linux_dirent64 *d = (void *)(s->dirbuf + pos);
				uint64_t ino = d->d_ino;
				pos += d->d_reclen;
				if (f->node == s->root && !strcmp(d->d_name, ".."))
					ino = s->root->ino;  /* the share's root has no parent */
				if (!put_dirent(w, end, ino, d->d_type, (uint64_t)d->d_off,
						d->d_name, strlen(d->d_name))) {
					full = true;
					break;
				}
			}
		}
	}
	uint32_t n = (uint32_t)(w->off - start);
	for (int i = 0; i < 4; i++)
		w->p[at + i] = (uint8_t)(n >> (8 * i));
	return 0;
}

/* The node of a just-created dir/name, its ownership applied (or the new
 * entry removed again); its qid into w. */
static int finish_create(struct p9_server *s, struct p9_node *dir, const char *name, uint32_t uid,
			 uint32_t gid, uint32_t mode, uint64_t rdev, struct p9_wr *w)
{
	struct p9_node *n;
	struct stat st;
	struct p9_qid q;
	int rc = p9_lookup(s, dir, name, &n, &st);

	if (rc == 0) {
		rc = p9_owner_created(s, n, n->fd, uid, gid, mode, rdev);
		p9_node_unref(s, n);
	}
	if (rc < 0) {
		unlinkat(dir->fd, name, S_ISDIR(mode) ? AT_REMOVEDIR : 0);
		return rc;
	}
	p9_qid_from_stat(&st, &q);
	p9_putqid(w, &q);
	return 0;
}

/* Tmkdir dfid[4] name[s] mode[4] gid[4] -> Rmkdir qid[13] */
int p9_h_mkdir(struct p9_server *s, struct p9_rd *r, struct p9_wr *w)
{
	uint32_t id = p9_get32(r);
	struct p9_str nm = p9_getstr(r);
	uint32_t mode = p9_get32(r), gid = p9_get32(r);
	char name[P9_NAME_MAX + 1];
	struct p9_node *dir;
	int rc;

	if (!p9_rd_ok(r))
		return -EPROTO;
	if ((rc = dir_fid(s, id, &dir)) < 0)
		return rc;
	if (s->sh.readonly)
		return -EROFS;
	if ((rc = p9_check_new_name(s, dir, &nm, name)) < 0)
		return rc;
	if (mkdirat(dir->fd, name, p9_owner_host_mode(s, S_IFDIR, mode)) < 0)
		return -errno;
	return finish_create(s, dir, name, p9_fid_get(s, id)->uid, gid, S_IFDIR | (mode & 07777),
			     0, w);
}

/* Tmknod dfid[4] name[s] mode[4] major[4] minor[4] gid[4] -> Rmknod qid[13] */
int p9_h_mknod(struct p9_server *s, struct p9_rd *r, struct p9_wr *w)
{
	uint32_t id = p9_get32(r);
	struct p9_str nm = p9_getstr(r);
	uint32_t mode = p9_get32(r), major = p9_get32(r), minor = p9_get32(r), gid = p9_get32(r);
	char name[P9_NAME_MAX + 1];
	struct p9_node *dir;
	uint32_t type = mode & S_IFMT;
	uint64_t rdev = 0;
	int rc;

	if (!p9_rd_ok(r))
		return -EPROTO;
	if ((rc = dir_fid(s, id, &dir)) < 0)
		return rc;
	if (s->sh.readonly)
		return -EROFS;
	if ((rc = p9_check_new_name(s, dir, &nm, name)) < 0)
		return rc;
	if (type == 0)
		type = S_IFREG;
	if (type == S_IFCHR || type == S_IFBLK) {
		if (s->sh.nodev)
			return -EPERM;
		rdev = makedev(major, minor);
	} else if (type != S_IFREG && type != S_IFIFO && type != S_IFSOCK) {
		return -EINVAL;
	}
	mode = type | (mode & 07777);
	if (s->sh.owner == P9_OWNER_MAPPED) {
		/* a regular file on the host; its type lives in user.runuml.mode */
		int fd = openat(dir->fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
				p9_owner_host_mode(s, S_IFREG, mode));
		if (fd < 0)
			return -errno;
		close(fd);
	} else if (mknodat(dir->fd, name, type | p9_owner_host_mode(s, type, mode),
			   (dev_t)rdev) < 0) {
		return -errno;
	}
	return finish_create(s, dir, name, p9_fid_get(s, id)->uid, gid, mode, rdev, w);
}

/* Tsymlink fid[4] name[s] symtgt[s] gid[4] -> Rsymlink qid[13]
 * The target is stored as the guest wrote it: only the guest follows it. */
int p9_h_symlink(struct p9_server *s, struct p9_rd *r, struct p9_wr *w)
{
	uint32_t id = p9_get32(r);
	struct p9_str nm = p9_getstr(r), tg = p9_getstr(r);
	uint32_t gid = p9_get32(r);
	char name[P9_NAME_MAX + 1], target[P9_SYMLINK_MAX + 1];
	struct p9_node *dir;
	int rc;

	if (!p9_rd_ok(r))
		return -EPROTO;
	if ((rc = dir_fid(s, id, &dir)) < 0)
		return rc;
	if (s->sh.readonly)
		return -EROFS;
	if ((rc = p9_check_new_name(s, dir, &nm, name)) < 0)
		return rc;
	if (tg.len == 0 || memchr(tg.s, '\0', tg.len))
		return -EINVAL;
	if (tg.len > P9_SYMLINK_MAX)
		return -ENAMETOOLONG;
	memcpy(target, tg.s, tg.len);
	target[tg.len] = '\0';
	if (symlinkat(target, dir->fd, name) < 0)
		return -errno;
	return finish_create(s, dir, name, p9_fid_get(s, id)->uid, gid, S_IFLNK | 0777, 0, w);
}

/* Tlink dfid[4] fid[4] name[s] -> Rlink */
int p9_h_link(struct p9_server *s, struct p9_rd *r, struct p9_wr *w)
{
	uint32_t did = p9_get32(r), id = p9_get32(r);
	struct p9_str nm = p9_getstr(r);
	char name[P9_NAME_MAX + 1];
	struct p9_node *dir, *n;
	struct stat st;
	int rc;

	(void)w;
	if (!p9_rd_ok(r))
		return -EPROTO;
	if ((rc = dir_fid(s, did, &dir)) < 0 || (rc = dir_fid(s, id, &n)) < 0)
		return rc;
	if (s->sh.readonly)
		return -EROFS;
	if ((rc = p9_check_new_name(s, dir, &nm, name)) < 0)
		return rc;
	if (n->type == S_IFDIR)
		return -EPERM;
	/* by descriptor (needs CAP_DAC_READ_SEARCH), else by name once it is
	 * checked to still be the same inode */
	if (linkat(n->fd, "", dir->fd, name, AT_EMPTY_PATH) == 0)
		return 0;
	if (errno != ENOENT && errno != EPERM)
		return -errno;
	if (!n->parent)
		return -EPERM;
	if (fstatat(n->parent->fd, n->name, &st, AT_SYMLINK_NOFOLLOW) < 0 || st.st_ino != n->ino ||
	    st.st_dev != n->dev)
		return -ESTALE;
	return linkat(n->parent->fd, n->name, dir->fd, name, 0) < 0 ? -errno : 0;
}

static int do_rename(struct p9_server *s, struct p9_node *odir, const char *oldname,
		     struct p9_node *ndir, const char *newname)
{
	if (renameat(odir->fd, oldname, ndir->fd, newname) < 0)
		return -errno;
	/* Trename passes the moved node's parent, which that node may be the
	 * last to hold: re-pointing it would free odir while the fix-up still
	 * compares other nodes against it */
	p9_node_ref(odir);
	p9_nodes_renamed(s, odir, oldname, ndir, newname);
	p9_node_unref(s, odir);
	return 0;
}

/* Trenameat olddirfid[4] oldname[s] newdirfid[4] newname[s] -> Rrenameat */
int p9_h_renameat(struct p9_server *s, struct p9_rd *r, struct p9_wr *w)
{
	uint32_t oid = p9_get32(r);
	struct p9_str on = p9_getstr(r);
	uint32_t nid = p9_get32(r);
	struct p9_str nn = p9_getstr(r);
	char oldname[P9_NAME_MAX + 1], newname[P9_NAME_MAX + 1];
	struct p9_node *odir, *ndir;
	int rc;

	(void)w;
	if (!p9_rd_ok(r))
		return -EPROTO;
	if ((rc = dir_fid(s, oid, &odir)) < 0 || (rc = dir_fid(s, nid, &ndir)) < 0)
		return rc;
	if (s->sh.readonly)
		return -EROFS;
	if ((rc = p9_check_new_name(s, odir, &on, oldname)) < 0 ||
	    (rc = p9_check_new_name(s, ndir, &nn, newname)) < 0)
		return rc;
	return do_rename(s, odir, oldname, ndir, newname);
}

/* Trename fid[4] dfid[4] name[s] -> Rrename */
int p9_h_rename(struct p9_server *s, struct p9_rd *r, struct p9_wr *w)
{
	uint32_t id = p9_get32(r), did = p9_get32(r);
	struct p9_str nn = p9_getstr(r);
	char oldname[P9_NAME_MAX + 1], newname[P9_NAME_MAX + 1];
	struct p9_node *n, *ndir;
	int rc;

	(void)w;
	if (!p9_rd_ok(r))
		return -EPROTO;
	if ((rc = dir_fid(s, id, &n)) < 0 || (rc = dir_fid(s, did, &ndir)) < 0)
		return rc;
	if (s->sh.readonly)
		return -EROFS;
	if (!n->parent)
		return -EBUSY;
	if (s->only_name && n->parent == s->root)
		return -EACCES;
	if ((rc = p9_check_new_name(s, ndir, &nn, newname)) < 0)
		return rc;
	strcpy(oldname, n->name);
	return do_rename(s, n->parent, oldname, ndir, newname);
}

/* Tunlinkat dirfd[4] name[s] flags[4] -> Runlinkat */
int p9_h_unlinkat(struct p9_server *s, struct p9_rd *r, struct p9_wr *w)
{
	uint32_t id = p9_get32(r);
	struct p9_str nm = p9_getstr(r);
	uint32_t flags = p9_get32(r);
	char name[P9_NAME_MAX + 1];
	struct p9_node *dir;
	int rc;

	(void)w;
	if (!p9_rd_ok(r))
		return -EPROTO;
	if ((rc = dir_fid(s, id, &dir)) < 0)
		return rc;
	if (s->sh.readonly)
		return -EROFS;
	if ((rc = p9_check_new_name(s, dir, &nm, name)) < 0)
		return rc;
	if (unlinkat(dir->fd, name, flags & P9_DOTL_AT_REMOVEDIR ? AT_REMOVEDIR : 0) < 0)
		return -errno;
	return 0;
}

/* Tremove fid[4] -> Rremove; the fid is clunked whatever the outcome. */
int p9_h_remove(struct p9_server *s, struct p9_rd *r, struct p9_wr *w)
{
	uint32_t id = p9_get32(r);
	struct p9_node *n;
	struct stat st;
	int rc;

	(void)w;
	if (!p9_rd_ok(r))
		return -EPROTO;
	if ((rc = dir_fid(s, id, &n)) < 0)
		return rc;
	if (s->sh.readonly)
		rc = -EROFS;
	else if (!n->parent)
		rc = -EBUSY;
	else if (s->only_name && n->parent == s->root)
		rc = -EACCES;
	else if (fstatat(n->parent->fd, n->name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		rc = -errno;
	else if (st.st_ino != n->ino || st.st_dev != n->dev)
		rc = -ESTALE;
	else if (unlinkat(n->parent->fd, n->name, n->type == S_IFDIR ? AT_REMOVEDIR : 0) < 0)
		rc = -errno;
	p9_fid_clunk(s, id);
	return rc;
}
