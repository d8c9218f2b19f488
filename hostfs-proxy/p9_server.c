/* The 9P2000.L server core: request framing and dispatch, Tversion,
 * Tattach, Tflush, Tclunk (see p9_server.h; the other operations live in
 * p9_walk.c, p9_file.c, p9_dir.c, p9_xattr.c and p9_lock.c).
 *
 * Framing: size[4] type[1] tag[2] body.  Fewer than 7 bytes can't be
 * answered (0 is returned: the transport completes the buffer empty).  A
 * size field below 7 or beyond the bytes received, or a body too short for
 * its fields, is answered Rlerror(EPROTO); bytes after `size` are ignored.
 * An unknown type is answered Rlerror(EOPNOTSUPP).  Responses never exceed
 * the negotiated msize nor the caller's buffer; a handler whose answer
 * wouldn't fit is answered Rlerror(EMSGSIZE).  Requests are served one at a
 * time to completion, so Tflush has nothing to cancel. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "p9_impl.h"

/* Tversion msize[4] version[s] -> Rversion msize[4] version[s]
 * Also ends the session: every fid is clunked. */
static int h_version(struct p9_server *s, struct p9_rd *r, struct p9_wr *w)
{
	uint32_t msize = p9_get32(r);
	struct p9_str v = p9_getstr(r);
	static const char dotl[] = "9P2000.L";

	if (!p9_rd_ok(r))
		return -EPROTO;
	if (msize > P9_MSIZE_MAX)
		msize = P9_MSIZE_MAX;
	if (msize < P9_MSIZE_MIN)
		return -EINVAL;
	p9_fid_clunk_all(s);
	s->msize = msize;
	p9_put32(w, msize);
	if (v.len == sizeof(dotl) - 1 && !memcmp(v.s, dotl, v.len))
		p9_putstr(w, dotl, sizeof(dotl) - 1);
	else
		p9_putstr(w, "unknown", 7);
	return 0;
}

/* Tattach fid[4] afid[4] uname[s] aname[s] n_uname[4] -> Rattach qid[13]
 * aname is ignored: one server serves one share.  n_uname is the uid files
 * created through this fid's descendants get (linux access=client). */
static int h_attach(struct p9_server *s, struct p9_rd *r, struct p9_wr *w)
{
	uint32_t fid = p9_get32(r);
	struct p9_qid q;
	struct stat st;
	uint32_t uid;
	int rc;

	(void)p9_get32(r);
	(void)p9_getstr(r);
	(void)p9_getstr(r);
	uid = p9_get32(r);
	if (!p9_rd_ok(r))
		return -EPROTO;
	if ((rc = p9_node_stat(s->root, &st)) < 0)
		return rc;
	if ((rc = p9_fid_add(s, fid, s->root, uid == P9_NONUNAME ? 0 : uid, NULL)) < 0)
		return rc;
	p9_qid_from_stat(&st, &q);
	p9_putqid(w, &q);
	return 0;
}

/* Tflush oldtag[2] -> Rflush */
static int h_flush(struct p9_server *s, struct p9_rd *r, struct p9_wr *w)
{
	(void)s;
	(void)w;
	(void)p9_get16(r);
	return p9_rd_ok(r) ? 0 : -EPROTO;
}

/* Tclunk fid[4] -> Rclunk; a pending Txattrcreate is committed here. */
static int h_clunk(struct p9_server *s, struct p9_rd *r, struct p9_wr *w)
{
	uint32_t fid = p9_get32(r);

	(void)w;
	if (!p9_rd_ok(r))
		return -EPROTO;
	return p9_fid_clunk(s, fid);
}

static const p9_handler handlers[256] = {
	[P9_TSTATFS] = p9_h_statfs,       [P9_TLOPEN] = p9_h_lopen,
	[P9_TLCREATE] = p9_h_lcreate,     [P9_TSYMLINK] = p9_h_symlink,
	[P9_TMKNOD] = p9_h_mknod,         [P9_TRENAME] = p9_h_rename,
	[P9_TREADLINK] = p9_h_readlink,   [P9_TGETATTR] = p9_h_getattr,
	[P9_TSETATTR] = p9_h_setattr,     [P9_TXATTRWALK] = p9_h_xattrwalk,
	[P9_TXATTRCREATE] = p9_h_xattrcreate, [P9_TREADDIR] = p9_h_readdir,
	[P9_TFSYNC] = p9_h_fsync,         [P9_TLOCK] = p9_h_lock,
	[P9_TGETLOCK] = p9_h_getlock,     [P9_TLINK] = p9_h_link,
	[P9_TMKDIR] = p9_h_mkdir,         [P9_TRENAMEAT] = p9_h_renameat,
	[P9_TUNLINKAT] = p9_h_unlinkat,   [P9_TVERSION] = h_version,
	[P9_TATTACH] = h_attach,          [P9_TFLUSH] = h_flush,
	[P9_TWALK] = p9_h_walk,           [P9_TREAD] = p9_h_read,
	[P9_TWRITE] = p9_h_write,         [P9_TCLUNK] = h_clunk,
	[P9_TREMOVE] = p9_h_remove,
};

size_t p9_server_handle(struct p9_server *s, const uint8_t *req, size_t len, uint8_t *out,
			size_t cap)
{
	struct p9_rd hr, r;
	struct p9_wr w;
	uint32_t size;
	uint8_t type;
	uint16_t tag;
	int rc;

	if (!s || !req || !out || len < P9_HDR_SIZE || cap < 64)
		return 0;
	p9_rd_init(&hr, req, len);
	size = p9_get32(&hr);
	type = p9_get8(&hr);
	tag = p9_get16(&hr);
	if (type != P9_TVERSION && cap > s->msize)
		cap = s->msize;
	if (cap > P9_MSIZE_MAX)
		cap = P9_MSIZE_MAX;
	p9_wr_init(&w, out, cap);
	w.off = P9_HDR_SIZE;

	if (size < P9_HDR_SIZE || size > len) {
		rc = -EPROTO;
	} else if (size > s->msize && type != P9_TVERSION) {
		rc = -EMSGSIZE;
	} else if (!handlers[type]) {
		rc = -EOPNOTSUPP;
	} else {
		p9_rd_init(&r, req + P9_HDR_SIZE, size - P9_HDR_SIZE);
		rc = handlers[type](s, &r, &w);
		if (rc == 0 && w.err)
			rc = -EMSGSIZE;
	}
	if (rc < 0) {
		p9_wr_init(&w, out, cap);
		w.off = P9_HDR_SIZE;
		p9_put32(&w, (uint32_t)-rc);
		p9_finish(&w, P9_RLERROR, tag);
	} else {
		p9_finish(&w, (uint8_t)(type + 1), tag);
	}
	return w.off;
}

uint32_t p9_server_msize(const struct p9_server *s)
{
	return s->msize;
}

struct p9_server *p9_server_new(const struct p9_share *share, struct rerr **err)
{
	struct p9_server *s;
	struct stat st;

	if (!share || share->root_fd < 0) {
		rerr_make(err, EINVAL, "cannot serve a share without a directory");
		return NULL;
	}
	if (fstat(share->root_fd, &st) < 0) {
		rerr_make(err, errno, "cannot stat the shared directory");
		return NULL;
	}
	if (!S_ISDIR(st.st_mode)) {
		rerr_make(err, ENOTDIR, "cannot serve the share");
		return NULL;
	}
	if (share->only_name && (!*share->only_name || strchr(share->only_name, '/') ||
				 strlen(share->only_name) > P9_NAME_MAX ||
				 !strcmp(share->only_name, ".") || !strcmp(share->only_name, ".."))) {
		rerr_make(err, EINVAL, "cannot serve single-file share `%s`", share->only_name);
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		goto nomem;
	s->sh = *share;
	s->msize = P9_MSIZE_MAX;
	s->euid = geteuid();
	s->egid = getegid();
	s->root_dev = st.st_dev;
	s->dirbuf = malloc(P9_XATTR_SIZE_MAX);
	if (share->only_name && !(s->only_name = strdup(share->only_name)))
		goto nomem;
	s->sh.only_name = s->only_name;
	if (!s->dirbuf || !(s->root = p9_node_new(s, NULL, NULL, 0, share->root_fd, &st)))
		goto nomem;
	/* modes of created files are the guest's, already masked by its umask */
	umask(0);
	return s;
nomem:
	if (s) {
		free(s->dirbuf);
		free(s->only_name);
		free(s);
	}
	rerr_make(err, ENOMEM, "cannot allocate a 9P server");
	return NULL;
}

void p9_server_free(struct p9_server *s)
{
	if (!s)
		return;
	p9_fid_clunk_all(s);
	p9_node_unref(s, s->root);   /* closes root_fd */
	free(s->dirbuf);
	free(s->only_name);
	free(s);
}
