/* POSIX byte-range locks over 9P2000.L (linux-6.1 fs/9p/vfs_file.c
 * v9fs_file_do_lock/v9fs_file_getlock; flock(2) arrives as Tlock too).
 * The server is single-threaded and never blocks: Tlock takes an open file
 * description lock with F_OFD_SETLK and answers P9_LOCK_BLOCKED when it
 * conflicts -- the client sleeps and retries.  OFD locks belong to the
 * fid's open descriptor, so they go away when the fid is clunked. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>

#include "p9_impl.h"

static int lock_fid(struct p9_server *s, uint32_t id, struct p9_fid **f)
{
	*f = p9_fid_get(s, id);
	if (!*f || (*f)->kind != P9_FID_OPEN)
		return -EBADF;
	return 0;
}

/* The descriptor a fid's locks live on.  flock(2) reaches the server as a
 * POSIX write lock (v9fs_file_flock_dotl), and a guest may flock a file it
 * opened read-only -- which F_OFD_SETLK refuses on an O_RDONLY descriptor.
 * So the first lock of a fid not opened read-write reopens the file O_RDWR
 * once, used for locking only (never read or written), and every later lock
 * and unlock of that fid goes to the same descriptor; where the reopen is
 * refused the fid's own descriptor serves the lock types it allows. */
static int lock_fd_of(struct p9_server *s, struct p9_fid *f)
{
	if (f->lock_fd >= 0)
		return f->lock_fd;
	if (f->lock_fd == -1) {
		int fd = -1;
		/* never in a read-only share: nothing there is opened for
		 * writing (a file open for writing can't be executed on the
		 * host), so a write lock of a read-only fid is refused */
		if ((f->oflags & O_ACCMODE) != O_RDWR && f->node->type == S_IFREG && !s->sh.readonly)
			fd = p9_node_open(s, f->node, O_RDWR);
		f->lock_fd = fd >= 0 ? fd : -2;
	}
	return f->lock_fd >= 0 ? f->lock_fd : f->fd;
}

static int fill_flock(uint8_t type, uint64_t start, uint64_t len, struct flock *fl)
{
	memset(fl, 0, sizeof(*fl));
	switch (type) {
	case P9_LOCK_TYPE_RDLCK: fl->l_type = F_RDLCK; break;
	case P9_LOCK_TYPE_WRLCK: fl->l_type = F_WRLCK; break;
	case P9_LOCK_TYPE_UNLCK: fl->l_type = F_UNLCK; break;
	default: return -EINVAL;
	}
	if (start > INT64_MAX || len > INT64_MAX)
		return -EINVAL;
	fl->l_whence = SEEK_SET;
	fl->l_start = (off_t)start;
	fl->l_len = (off_t)len;   /* 0: to the end of file, as in 9P */
	return 0;
}

/* Tlock fid[4] type[1] flags[4] start[8] length[8] proc_id[4] client_id[s] -> Rlock status[1] */
int p9_h_lock(struct p9_server *s, struct p9_rd *r, struct p9_wr *w)
{
	uint32_t id = p9_get32(r);
	uint8_t type = p9_get8(r);
	uint64_t start, len;
	struct p9_fid *f;
	struct flock fl;
	int rc;

	(void)p9_get32(r);   /* flags: P9_LOCK_FLAGS_BLOCK is the client's retry loop */
	start = p9_get64(r);
	len = p9_get64(r);
	(void)p9_get32(r);
	(void)p9_getstr(r);
	if (!p9_rd_ok(r))
		return -EPROTO;
	if ((rc = lock_fid(s, id, &f)) < 0)
		return rc;
	if ((rc = fill_flock(type, start, len, &fl)) < 0)
		return rc;
	if (fcntl(lock_fd_of(s, f), F_OFD_SETLK, &fl) == 0)
		p9_put8(w, P9_LOCK_SUCCESS);
	else if (errno == EAGAIN || errno == EACCES)
		p9_put8(w, P9_LOCK_BLOCKED);
	else
		p9_put8(w, P9_LOCK_ERROR);
	return 0;
}

/* Tgetlock fid[4] type[1] start[8] length[8] proc_id[4] client_id[s]
 *   -> Rgetlock type[1] start[8] length[8] proc_id[4] client_id[s] */
int p9_h_getlock(struct p9_server *s, struct p9_rd *r, struct p9_wr *w)
{
	uint32_t id = p9_get32(r);
	uint8_t type = p9_get8(r);
	uint64_t start = p9_get64(r), len = p9_get64(r);
	uint32_t proc = p9_get32(r);
	struct p9_str client = p9_getstr(r);
	struct p9_fid *f;
	struct flock fl;
	int rc;

	if (!p9_rd_ok(r))
		return -EPROTO;
	if ((rc = lock_fid(s, id, &f)) < 0)
		return rc;
	if ((rc = fill_flock(type, start, len, &fl)) < 0)
		return rc;
	if (fcntl(lock_fd_of(s, f), F_OFD_GETLK, &fl) < 0)
		return -errno;
	/* the holder is another fid of this guest; its process is the guest's
	 * business, so the asker's proc_id/client_id are echoed */
	p9_put8(w, fl.l_type == F_RDLCK ? P9_LOCK_TYPE_RDLCK :
		   fl.l_type == F_WRLCK ? P9_LOCK_TYPE_WRLCK : P9_LOCK_TYPE_UNLCK);
	p9_put64(w, (uint64_t)(fl.l_type == F_UNLCK ? start : (uint64_t)fl.l_start));
	p9_put64(w, (uint64_t)(fl.l_type == F_UNLCK ? len : (uint64_t)fl.l_len));
	p9_put32(w, proc);
	p9_putstr(w, client.s, client.len);
	return 0;
}
