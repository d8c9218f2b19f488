/* Extended attributes over 9P2000.L (linux-6.1 fs/9p/xattr.c):
 * Txattrwalk makes a new fid holding a value (or, for the empty name, the
 * list of names) that the guest reads with Tread; Txattrcreate turns a fid
 * into a buffer of the announced size that Twrite fills and Tclunk commits
 * (size 0 removes the attribute).  Values and lists are at most 64 KiB
 * (XATTR_SIZE_MAX / XATTR_LIST_MAX) and all buffers of a server share a
 * budget.  Hidden from the guest: user.runuml.* (mapped ownership),
 * security.capability on nosuid shares; never settable: trusted.overlay.*
 * and user.overlay.* (a host overlayfs, with or without userxattr, would
 * obey them), and POSIX ACLs on mapped shares (their
 * ids would be host ids).  The root of a single-file share (the host's
 * directory around the file) shows and takes none.  Only regular files and directories carry them:
 * other types are never opened on the host. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "p9_impl.h"

static bool prefix(const char *s, const char *p)
{
	return !strncmp(s, p, strlen(p));
}

static bool hidden(struct p9_server *s, const char *name)
{
	return prefix(name, P9_MAPPED_PREFIX) ||
	       (s->sh.nosuid && !strcmp(name, "security.capability"));
}

static int xname(const struct p9_str *n, char *out)
{
	if (n->len > P9_NAME_MAX || memchr(n->s, '\0', n->len))
		return -EINVAL;
	memcpy(out, n->s, n->len);
	out[n->len] = '\0';
	return 0;
}

/* Txattrwalk fid[4] newfid[4] name[s] -> Rxattrwalk size[8] */
int p9_h_xattrwalk(struct p9_server *s, struct p9_rd *r, struct p9_wr *w)
{
	uint32_t id = p9_get32(r), newid = p9_get32(r);
	struct p9_str nm = p9_getstr(r);
	char name[P9_NAME_MAX + 1];
	struct p9_fid *f, *nf;
	ssize_t n = 0;
	int fd = -1, own = -1, rc;

	if (!p9_rd_ok(r))
		return -EPROTO;
	f = p9_fid_get(s, id);
	if (!f || f->kind == P9_FID_XREAD || f->kind == P9_FID_XWRITE)
		return -EBADF;
	if (newid == id || p9_fid_get(s, newid))
		return -EBADF;
	if ((rc = xname(&nm, name)) < 0)
		return rc;
	if (*name && hidden(s, name))
		return -ENODATA;
	/* the host's directory around a single file: none of its attributes
	 * are the guest's (an empty list, no values) */
	bool host_dir = p9_host_dir(s, f->node);
	if (host_dir && *name)
		return -ENODATA;
	if (host_dir)
		fd = -1;
	else if (f->kind == P9_FID_OPEN)
		fd = f->fd;
	else if (f->node->type == S_IFREG || f->node->type == S_IFDIR)
		fd = own = p9_node_open(s, f->node, O_RDONLY);
	else if (*name)
		return -ENODATA;
	if (!host_dir && fd < 0 && (f->node->type == S_IFREG || f->node->type == S_IFDIR))
		return fd;

	if (fd >= 0) {
		n = *name ? fgetxattr(fd, name, s->dirbuf, P9_XATTR_SIZE_MAX)
			  : flistxattr(fd, (char *)s->dirbuf, P9_XATTR_SIZE_MAX);
		rc = n < 0 ? (errno == ERANGE ? -E2BIG : -errno) : 0;
		if (own >= 0)
			close(own);
		if (rc < 0)
			return rc;
	}
	if (!*name) {   /* drop hidden names from the list */
		size_t out = 0;
		for (size_t i = 0; i < (size_t)n;) {
			char *e = (char *)s->dirbuf + i;
			size_t l = strnlen(e, (size_t)n - i);
			if (l < (size_t)n - i && !hidden(s, e)) {
				memmove(s->dirbuf + out, e, l + 1);
				out += l + 1;
			}
			i += l + 1;
		}
		n = (ssize_t)out;
	}
	if ((rc = p9_xattr_reserve(s, (size_t)n)) < 0)
		return rc;
	uint8_t *buf = malloc(n ? (size_t)n : 1);
	if (!buf || (rc = p9_fid_add(s, newid, f->node, f->uid, &nf)) < 0) {
		free(buf);
		p9_xattr_release(s, (size_t)n);
		return buf ? rc : -ENOMEM;
	}
	memcpy(buf, s->dirbuf, (size_t)n);
	nf->kind = P9_FID_XREAD;
	nf->xbuf = buf;
	nf->xsize = nf->xfill = (size_t)n;
	p9_put64(w, (uint64_t)n);
	return 0;
}

/* Txattrcreate fid[4] name[s] attr_size[8] flags[4] -> Rxattrcreate */
int p9_h_xattrcreate(struct p9_server *s, struct p9_rd *r, struct p9_wr *w)
{
	uint32_t id = p9_get32(r);
	struct p9_str nm = p9_getstr(r);
	uint64_t size = p9_get64(r);
	uint32_t flags = p9_get32(r);
	char name[P9_NAME_MAX + 1];
	struct p9_fid *f;
	int rc;

	(void)w;
	if (!p9_rd_ok(r))
		return -EPROTO;
	f = p9_fid_get(s, id);
	if (!f || f->kind != P9_FID_NODE)
		return -EBADF;
	if (s->sh.readonly)
		return -EROFS;
	if (p9_host_dir(s, f->node))
		return -EPERM;
	if ((rc = xname(&nm, name)) < 0)
		return rc;
	if (!*name || (flags & ~(uint32_t)(XATTR_CREATE | XATTR_REPLACE)))
		return -EINVAL;
	if (hidden(s, name) || prefix(name, "trusted.overlay.") || prefix(name, "user.overlay."))
		return -EPERM;
	if (s->sh.owner == P9_OWNER_MAPPED && prefix(name, "system.posix_acl_"))
		return -EOPNOTSUPP;
	if (f->node->type != S_IFREG && f->node->type != S_IFDIR)
		return -EOPNOTSUPP;
	if (size > P9_XATTR_SIZE_MAX)
		return -E2BIG;
	if ((rc = p9_xattr_reserve(s, (size_t)size)) < 0)
		return rc;
	f->xbuf = calloc(1, size ? (size_t)size : 1);
	f->xname = strdup(name);
	if (!f->xbuf || !f->xname) {
		free(f->xbuf);
		free(f->xname);
		f->xbuf = NULL;
		f->xname = NULL;
		p9_xattr_release(s, (size_t)size);
		return -ENOMEM;
	}
	f->kind = P9_FID_XWRITE;
	f->xsize = (size_t)size;
	f->xfill = 0;
	f->xflags = (int)flags;
	return 0;
}

int p9_xattr_read(struct p9_fid *f, uint64_t off, uint32_t count, struct p9_wr *w)
{
	size_t n = off < f->xsize ? f->xsize - (size_t)off : 0;

	if (n > count)
		n = count;
	p9_put32(w, (uint32_t)n);
	uint8_t *q = p9_reserve(w, n);
	if (q && n)
		memcpy(q, f->xbuf + off, n);
	return 0;
}

int p9_xattr_write(struct p9_fid *f, uint64_t off, const uint8_t *data, uint32_t count)
{
	if (off > f->xsize || count > f->xsize - (size_t)off)
		return -ENOSPC;
	if (count)
		memcpy(f->xbuf + off, data, count);
	if (off + count > f->xfill)
		f->xfill = (size_t)off + count;
	return 0;
}

/* At Tclunk of a Txattrcreate fid. */
int p9_xattr_commit(struct p9_server *s, struct p9_fid *f)
{
	int fd, rc = 0;

	if (f->xfill != f->xsize)
		return -EINVAL;
	fd = p9_node_open(s, f->node, O_RDONLY);
	if (fd < 0)
		return fd;
	if (f->xsize == 0 ? fremovexattr(fd, f->xname) : fsetxattr(fd, f->xname, f->xbuf, f->xsize,
								   f->xflags))
		rc = -errno;
	close(fd);
	return rc;
}
