/* The 9P2000.L server core driven by encoded messages over a temporary
 * directory: every operation's result is checked against the host file
 * system; escapes (symlinks, "..") never reach a marker outside the share;
 * readonly/nosuid/nodev/single-file shares refuse what they must; mapped
 * ownership round-trips through xattrs (also as an unprivileged user); and
 * hostile framing, strings, counts and fids are answered, never crashed on. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "../../hostfs-proxy/p9_impl.h"
#include "fsutil.h"
#include "seccomp_filter.h"
#include "tap.h"

/* runuml-9p's allow-list, as proxy_confine.c builds it */
static const struct seccomp_rule proxy_rules[] = {
#define ALLOW(name, why) SECCOMP_ALLOW(name, why)
#define ALLOW_ARG(name, arg, op, val, why) SECCOMP_ALLOW_ARG(name, arg, op, val, why)
#define ALLOW_MASKED(name, arg, mask, val, why) SECCOMP_ALLOW_MASKED(name, arg, mask, val, why)
#include "../../hostfs-proxy/seccomp_rules.h"
#undef ALLOW
#undef ALLOW_ARG
#undef ALLOW_MASKED
};

#define BUFCAP (P9_MSIZE_MAX + 4096)

static uint8_t reqb[BUFCAP], respb[BUFCAP];
static struct p9_server *srv;
static struct p9_wr W;
static struct p9_rd R;      /* the last response's body */
static uint8_t rtype;
static char top[PATH_MAX], share[PATH_MAX + 16], outside[PATH_MAX + 16];

/* ---- client side ---------------------------------------------------- */

static void begin(void)
{
	p9_wr_init(&W, reqb, sizeof(reqb));
	W.off = P9_HDR_SIZE;
}

static void putstr(const char *s)
{
	p9_putstr(&W, s, strlen(s));
}

/* Sends the message built in W; 0 on the matching R-type, the errno of an
 * Rlerror, -1 on anything else. */
static int rpc(uint8_t type)
{
	p9_finish(&W, type, 1);
	size_t n = p9_server_handle(srv, reqb, W.off, respb, sizeof(respb));
	if (n < P9_HDR_SIZE)
		return -1;
	p9_rd_init(&R, respb, n);
	uint32_t size = p9_get32(&R);
	rtype = p9_get8(&R);
	if (p9_get16(&R) != 1 || size != n)
		return -1;
	if (rtype == P9_RLERROR)
		return (int)p9_get32(&R);
	return rtype == type + 1 ? 0 : -1;
}

static int t_version(uint32_t msize, const char *v)
{
	begin();
	p9_put32(&W, msize);
	putstr(v);
	return rpc(P9_TVERSION);
}

static int t_attach(uint32_t fid, uint32_t uid)
{
	begin();
	p9_put32(&W, fid);
	p9_put32(&W, P9_NOFID);
	putstr("root");
	putstr("");
	p9_put32(&W, uid);
	return rpc(P9_TATTACH);
}

static struct p9_qid getqid(void)
{
	struct p9_qid q;
	q.type = p9_get8(&R);
	q.version = p9_get32(&R);
	q.path = p9_get64(&R);
	return q;
}

/* walk by a '/'-separated path ("" = clone); *nq gets the qid count */
static int t_walk(uint32_t fid, uint32_t newfid, const char *path, int *nq, struct p9_qid *last)
{
	char buf[1024], *save = NULL;
	const char *names[64];
	int n = 0;

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *t = strtok_r(buf, "/", &save); t && n < 64; t = strtok_r(NULL, "/", &save))
		names[n++] = t;
	begin();
	p9_put32(&W, fid);
	p9_put32(&W, newfid);
	p9_put16(&W, (uint16_t)n);
	for (int i = 0; i < n; i++)
		putstr(names[i]);
	int rc = rpc(P9_TWALK);
	if (rc == 0) {
		int k = p9_get16(&R);
		if (nq)
			*nq = k;
		for (int i = 0; i < k; i++) {
			struct p9_qid q = getqid();
			if (last)
				*last = q;
		}
	}
	return rc;
}

/* full walk or -1 */
static int walk(uint32_t fid, uint32_t newfid, const char *path)
{
	int nq = -1, rc = t_walk(fid, newfid, path, &nq, NULL);
	int want = 0;
	for (const char *p = path; *p; p++)
		if (*p != '/' && (p == path || p[-1] == '/'))
			want++;
	return rc ? rc : nq == want ? 0 : -1;
}

static int t_clunk(uint32_t fid)
{
	begin();
	p9_put32(&W, fid);
	return rpc(P9_TCLUNK);
}

static int t_lopen(uint32_t fid, uint32_t flags)
{
	begin();
	p9_put32(&W, fid);
	p9_put32(&W, flags);
	return rpc(P9_TLOPEN);
}

static int t_lcreate(uint32_t fid, const char *name, uint32_t flags, uint32_t mode, uint32_t gid)
{
	begin();
	p9_put32(&W, fid);
	putstr(name);
	p9_put32(&W, flags);
	p9_put32(&W, mode);
	p9_put32(&W, gid);
	return rpc(P9_TLCREATE);
}

static int t_read(uint32_t fid, uint64_t off, uint32_t count, void *buf, size_t *n)
{
	begin();
	p9_put32(&W, fid);
	p9_put64(&W, off);
	p9_put32(&W, count);
	int rc = rpc(P9_TREAD);
	if (rc == 0) {
		uint32_t c = p9_get32(&R);
		const uint8_t *d = p9_getbytes(&R, c);
		if (!d)
			return -1;
		if (buf)
			memcpy(buf, d, c);
		*n = c;
	}
	return rc;
}

static int t_write(uint32_t fid, uint64_t off, const void *data, uint32_t count, uint32_t *n)
{
	begin();
	p9_put32(&W, fid);
	p9_put64(&W, off);
	p9_put32(&W, count);
	memcpy(p9_reserve(&W, count), data, count);
	int rc = rpc(P9_TWRITE);
	if (rc == 0)
		*n = p9_get32(&R);
	return rc;
}

struct attr {
	struct p9_qid qid;
	uint32_t mode, uid, gid;
	uint64_t nlink, rdev, size, blocks, atime, mtime;
};

static int t_getattr(uint32_t fid, struct attr *a)
{
	begin();
	p9_put32(&W, fid);
	p9_put64(&W, P9_GETATTR_BASIC);
	int rc = rpc(P9_TGETATTR);
	if (rc)
		return rc;
	(void)p9_get64(&R);
	a->qid = getqid();
	a->mode = p9_get32(&R);
	a->uid = p9_get32(&R);
	a->gid = p9_get32(&R);
	a->nlink = p9_get64(&R);
	a->rdev = p9_get64(&R);
	a->size = p9_get64(&R);
	(void)p9_get64(&R);
	a->blocks = p9_get64(&R);
	a->atime = p9_get64(&R);
	(void)p9_get64(&R);
	a->mtime = p9_get64(&R);
	return p9_rd_ok(&R) ? 0 : -1;
}

static int t_setattr(uint32_t fid, uint32_t valid, uint32_t mode, uint32_t uid, uint32_t gid,
		     uint64_t size, uint64_t atime, uint64_t mtime)
{
	begin();
	p9_put32(&W, fid);
	p9_put32(&W, valid);
	p9_put32(&W, mode);
	p9_put32(&W, uid);
	p9_put32(&W, gid);
	p9_put64(&W, size);
	p9_put64(&W, atime);
	p9_put64(&W, 0);
	p9_put64(&W, mtime);
	p9_put64(&W, 0);
	return rpc(P9_TSETATTR);
}

static int t_mkdir(uint32_t fid, const char *name, uint32_t mode, uint32_t gid)
{
	begin();
	p9_put32(&W, fid);
	putstr(name);
	p9_put32(&W, mode);
	p9_put32(&W, gid);
	return rpc(P9_TMKDIR);
}

static int t_mknod(uint32_t fid, const char *name, uint32_t mode, uint32_t maj, uint32_t min)
{
	begin();
	p9_put32(&W, fid);
	putstr(name);
	p9_put32(&W, mode);
	p9_put32(&W, maj);
	p9_put32(&W, min);
	p9_put32(&W, 0);
	return rpc(P9_TMKNOD);
}

static int t_symlink(uint32_t fid, const char *name, const char *target)
{
	begin();
	p9_put32(&W, fid);
	putstr(name);
	putstr(target);
	p9_put32(&W, 0);
	return rpc(P9_TSYMLINK);
}

static int t_readlink(uint32_t fid, char *out, size_t cap)
{
	begin();
	p9_put32(&W, fid);
	int rc = rpc(P9_TREADLINK);
	if (rc == 0) {
		struct p9_str s = p9_getstr(&R);
		snprintf(out, cap, "%.*s", s.len, s.s);
	}
	return rc;
}

static int t_link(uint32_t dfid, uint32_t fid, const char *name)
{
	begin();
	p9_put32(&W, dfid);
	p9_put32(&W, fid);
	putstr(name);
	return rpc(P9_TLINK);
}

static int t_renameat(uint32_t od, const char *on, uint32_t nd, const char *nn)
{
	begin();
	p9_put32(&W, od);
	putstr(on);
	p9_put32(&W, nd);
	putstr(nn);
	return rpc(P9_TRENAMEAT);
}

static int t_rename(uint32_t fid, uint32_t dfid, const char *nn)
{
	begin();
	p9_put32(&W, fid);
	p9_put32(&W, dfid);
	putstr(nn);
	return rpc(P9_TRENAME);
}

static int t_unlinkat(uint32_t fid, const char *name, uint32_t flags)
{
	begin();
	p9_put32(&W, fid);
	putstr(name);
	p9_put32(&W, flags);
	return rpc(P9_TUNLINKAT);
}

static int t_fid1(uint8_t type, uint32_t fid)
{
	begin();
	p9_put32(&W, fid);
	return rpc(type);
}

static int t_fsync(uint32_t fid)
{
	begin();
	p9_put32(&W, fid);
	p9_put32(&W, 0);
	return rpc(P9_TFSYNC);
}

static int t_lock(uint32_t fid, uint8_t type, uint8_t *status)
{
	begin();
	p9_put32(&W, fid);
	p9_put8(&W, type);
	p9_put32(&W, 0);
	p9_put64(&W, 0);
	p9_put64(&W, 0);
	p9_put32(&W, 42);
	putstr("guest");
	int rc = rpc(P9_TLOCK);
	if (rc == 0)
		*status = p9_get8(&R);
	return rc;
}

static int t_getlock(uint32_t fid, uint8_t type, uint8_t *out)
{
	begin();
	p9_put32(&W, fid);
	p9_put8(&W, type);
	p9_put64(&W, 0);
	p9_put64(&W, 0);
	p9_put32(&W, 43);
	putstr("guest");
	int rc = rpc(P9_TGETLOCK);
	if (rc == 0)
		*out = p9_get8(&R);
	return rc;
}

static int t_xattrwalk(uint32_t fid, uint32_t newfid, const char *name, uint64_t *size)
{
	begin();
	p9_put32(&W, fid);
	p9_put32(&W, newfid);
	putstr(name);
	int rc = rpc(P9_TXATTRWALK);
	if (rc == 0)
		*size = p9_get64(&R);
	return rc;
}

static int t_xattrcreate(uint32_t fid, const char *name, uint64_t size, uint32_t flags)
{
	begin();
	p9_put32(&W, fid);
	putstr(name);
	p9_put64(&W, size);
	p9_put32(&W, flags);
	return rpc(P9_TXATTRCREATE);
}

/* sets an xattr the way linux does: clone fid, xattrcreate, write, clunk */
static int set_xattr(uint32_t fid, const char *name, const char *val)
{
	uint32_t n;
	int rc = walk(fid, 900, "");
	if (rc)
		return rc;
	rc = t_xattrcreate(900, name, strlen(val), 0);
	if (rc) {
		t_clunk(900);
		return rc;
	}
	if (*val && (rc = t_write(900, 0, val, (uint32_t)strlen(val), &n)) != 0) {
		t_clunk(900);
		return rc;
	}
	return t_clunk(900);
}

/* reads an xattr value (or the list for "") into out; length or -errno */
static long get_xattr(uint32_t fid, const char *name, char *out, size_t cap)
{
	uint64_t size;
	size_t n = 0;
	int rc = t_xattrwalk(fid, 901, name, &size);
	if (rc)
		return -rc;
	rc = t_read(901, 0, (uint32_t)cap, out, &n);
	t_clunk(901);
	if (rc || n != size)
		return -EIO;
	return (long)n;
}

/* readdir of an open fid from offset off; names appended to a list */
struct dent {
	char name[256];
	uint64_t off;
	uint8_t type;
};

static int t_readdir(uint32_t fid, uint64_t off, uint32_t count, struct dent *d, int max, int *n)
{
	begin();
	p9_put32(&W, fid);
	p9_put64(&W, off);
	p9_put32(&W, count);
	int rc = rpc(P9_TREADDIR);
	if (rc)
		return rc;
	uint32_t c = p9_get32(&R);
	struct p9_rd sub;
	const uint8_t *data = p9_getbytes(&R, c);
	if (!data)
		return -1;
	p9_rd_init(&sub, data, c);
	*n = 0;
	while (p9_rd_left(&sub) > 0 && *n < max) {
		sub.off += P9_QID_SIZE;
		d[*n].off = p9_get64(&sub);
		d[*n].type = p9_get8(&sub);
		struct p9_str s = p9_getstr(&sub);
		if (!p9_rd_ok(&sub))
			return -1;
		snprintf(d[*n].name, sizeof(d[*n].name), "%.*s", s.len, s.s);
		(*n)++;
	}
	return 0;
}

/* ---- host side ------------------------------------------------------ */

static void host_write(const char *rel, const char *data)
{
	char p[PATH_MAX + 64];
	snprintf(p, sizeof(p), "%s/%s", share, rel);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0) {
		if (write(fd, data, strlen(data)) < 0)
			perror("write");
		close(fd);
	}
}

static int host_stat(const char *rel, struct stat *st)
{
	char p[PATH_MAX + 64];
	snprintf(p, sizeof(p), "%s/%s", share, rel);
	return lstat(p, st);
}

static void unlink_share(const char *rel)
{
	char p[PATH_MAX + 64];
	snprintf(p, sizeof(p), "%s/%s", share, rel);
	unlink(p);
}

static char *host_read(const char *rel, char *buf, size_t cap)
{
	char p[PATH_MAX + 64];
	snprintf(p, sizeof(p), "%s/%s", share, rel);
	int fd = open(p, O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, cap - 1) : -1;
	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static struct p9_server *serve(const char *dir, const char *only, bool ro, bool nosuid, bool nodev,
			       enum p9_owner_model owner)
{
	struct rerr *err = NULL;
	struct p9_share sh = { .root_fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC),
			       .only_name = only, .readonly = ro, .nosuid = nosuid,
			       .nodev = nodev, .owner = owner };
	struct p9_server *s = p9_server_new(&sh, &err);
	if (!s) {
		printf("# p9_server_new: %s\n", err->msg);
		rerr_free(err);
		close(sh.root_fd);
	}
	return s;
}

static void restart(const char *only, bool ro, bool nosuid, bool nodev, enum p9_owner_model o)
{
	p9_server_free(srv);
	srv = serve(share, only, ro, nosuid, nodev, o);
	t_version(P9_MSIZE_MAX, "9P2000.L");
	t_attach(1, 0);
}

/* ---- suites --------------------------------------------------------- */

static void test_session(void)
{
	TAP_OK(t_version(8192, "9P2000.u") == 0, "Tversion with another version is answered");
	struct p9_str v = (p9_get32(&R), p9_getstr(&R));
	TAP_OK(v.len == 7 && !memcmp(v.s, "unknown", 7), "... as \"unknown\"");
	TAP_OK(t_version(1u << 30, "9P2000.L") == 0 && p9_get32(&R) == P9_MSIZE_MAX,
	       "Tversion clamps msize to P9_MSIZE_MAX");
	TAP_OK(p9_server_msize(srv) == P9_MSIZE_MAX, "p9_server_msize reports it");
	TAP_OK(t_attach(1, 0) == 0 && getqid().type == P9_QTDIR, "Tattach gives the root, a directory");
	TAP_OK(t_attach(1, 0) == EBADF, "Tattach on a fid in use is EBADF");
	TAP_OK(t_walk(1, 1, "", NULL, NULL) == 0, "Twalk with newfid == fid and no names");
	TAP_OK(t_walk(1, 2, "", NULL, NULL) == 0 && t_walk(1, 2, "", NULL, NULL) == EBADF,
	       "Twalk to a newfid in use is EBADF");
	TAP_OK(t_clunk(2) == 0 && t_clunk(2) == EBADF, "Tclunk frees; a second Tclunk is EBADF");
	TAP_OK(t_walk(2, 3, "", NULL, NULL) == EBADF, "a clunked fid can't be walked");
	TAP_OK(t_walk(1, 2, "", NULL, NULL) == 0 && t_clunk(2) == 0, "... and can be reused");
	begin();
	p9_put16(&W, 7);
	TAP_OK(rpc(P9_TFLUSH) == 0, "Tflush is answered Rflush");
}

static void test_files(void)
{
	char buf[4096];
	size_t n;
	uint32_t wn;
	struct stat st;
	struct attr a;

	host_write("hello", "hello world\n");
	TAP_OK(walk(1, 10, "hello") == 0, "walk to a file");
	TAP_OK(t_getattr(10, &a) == 0 && host_stat("hello", &st) == 0 && a.qid.path == st.st_ino &&
	       a.size == 12 && a.mode == st.st_mode && a.uid == st.st_uid && a.nlink == 1,
	       "Tgetattr matches the host's stat");
	TAP_OK(t_lopen(10, 0) == 0, "Tlopen read-only");
	TAP_OK(t_read(10, 0, sizeof(buf), buf, &n) == 0 && n == 12 && !memcmp(buf, "hello world\n", 12),
	       "Tread returns the file's bytes");
	TAP_OK(t_read(10, 6, 3, buf, &n) == 0 && n == 3 && !memcmp(buf, "wor", 3), "Tread at an offset");
	TAP_OK(t_read(10, 100, 10, buf, &n) == 0 && n == 0, "Tread past the end is empty");
	TAP_OK(t_lopen(10, 0) == EBADF, "Tlopen of an open fid is EBADF");
	TAP_OK(t_write(10, 0, "x", 1, &wn) != 0, "Twrite to a read-only fid fails");
	t_clunk(10);

	/* create, write, read back */
	TAP_OK(walk(1, 11, "") == 0 && t_lcreate(11, "new", 2, 0640, 0) == 0, "Tlcreate");
	TAP_OK(t_write(11, 0, "abcdef", 6, &wn) == 0 && wn == 6, "Twrite");
	TAP_OK(!strcmp(host_read("new", buf, sizeof(buf)), "abcdef") && host_stat("new", &st) == 0 &&
	       (st.st_mode & 07777) == 0640 && S_ISREG(st.st_mode), "created with its mode and bytes");
	TAP_OK(t_lcreate(11, "new2", 2, 0640, 0) == EBADF, "Tlcreate on an open fid is EBADF");
	t_clunk(11);
	TAP_OK(walk(1, 11, "") == 0 && t_lcreate(11, "new", 2, 0640, 0) == EEXIST,
	       "Tlcreate of an existing name is EEXIST");
	TAP_OK(t_lcreate(11, "a/b", 2, 0640, 0) == EINVAL && t_lcreate(11, "..", 2, 0640, 0) == EINVAL &&
	       t_lcreate(11, "", 2, 0640, 0) == EINVAL, "names with '/', \"..\" or empty are refused");
	t_clunk(11);

	/* append and truncate */
	TAP_OK(walk(1, 12, "new") == 0 && t_lopen(12, 1 | P9_DOTL_APPEND) == 0 &&
	       t_write(12, 0, "XY", 2, &wn) == 0, "Twrite on an O_APPEND fid");
	TAP_OK(!strcmp(host_read("new", buf, sizeof(buf)), "abcdefXY"), "... appends");
	t_clunk(12);
	TAP_OK(walk(1, 12, "new") == 0 && t_lopen(12, 1 | P9_DOTL_TRUNC) == 0 &&
	       host_stat("new", &st) == 0 && st.st_size == 0, "Tlopen with O_TRUNC truncates");
	t_write(12, 0, "0123456789", 10, &wn);
	TAP_OK(t_setattr(12, P9_ATTR_SIZE, 0, 0, 0, 4, 0, 0) == 0 &&
	       !strcmp(host_read("new", buf, sizeof(buf)), "0123"), "Tsetattr size truncates");
	t_clunk(12);
	TAP_OK(walk(1, 12, "new") == 0 && t_setattr(12, P9_ATTR_SIZE, 0, 0, 0, 1ull << 30, 0, 0) == 0 &&
	       host_stat("new", &st) == 0 && st.st_size == 1ll << 30 && st.st_blocks < 1024,
	       "a 1 GiB sparse file via Tsetattr size on an unopened fid");
	TAP_OK(t_lopen(12, 0) == 0 && t_read(12, (1ull << 30) - 4, 100, buf, &n) == 0 && n == 4 &&
	       !memcmp(buf, "\0\0\0\0", 4), "... reads zeros at its end");
	TAP_OK(t_fsync(12) == 0, "Tfsync");
	t_clunk(12);

	/* chmod, chown, utimes */
	TAP_OK(walk(1, 13, "new") == 0 && t_setattr(13, P9_ATTR_MODE, 0604, 0, 0, 0, 0, 0) == 0 &&
	       host_stat("new", &st) == 0 && (st.st_mode & 07777) == 0604, "Tsetattr mode");
	TAP_OK(t_setattr(13, P9_ATTR_UID | P9_ATTR_GID, 0, 1234, 4321, 0, 0, 0) == 0 &&
	       host_stat("new", &st) == 0 && st.st_uid == 1234 && st.st_gid == 4321,
	       "Tsetattr uid/gid (passthrough)");
	TAP_OK(t_setattr(13, P9_ATTR_ATIME | P9_ATTR_MTIME | P9_ATTR_ATIME_SET | P9_ATTR_MTIME_SET,
			 0, 0, 0, 0, 1000000, 2000000) == 0 && host_stat("new", &st) == 0 &&
	       st.st_atime == 1000000 && st.st_mtime == 2000000, "Tsetattr atime/mtime SET");
	time_t now = time(NULL);
	TAP_OK(t_setattr(13, P9_ATTR_MTIME, 0, 0, 0, 0, 0, 0) == 0 && host_stat("new", &st) == 0 &&
	       st.st_mtime >= now - 5 && st.st_atime == 1000000, "Tsetattr mtime NOW leaves atime");
	TAP_OK(t_getattr(13, &a) == 0 && a.uid == 1234 && a.gid == 4321 && a.mtime == (uint64_t)st.st_mtime,
	       "Tgetattr reports them");
	t_clunk(13);

	/* lcreate as another uid (attach n_uname) with a gid */
	TAP_OK(t_attach(20, 777) == 0 && walk(20, 21, "") == 0 &&
	       t_lcreate(21, "owned", 2, 0600, 555) == 0 && host_stat("owned", &st) == 0 &&
	       st.st_uid == 777 && st.st_gid == 555, "Tlcreate chowns to the attach uid and gid");
	t_clunk(21);
	TAP_OK(walk(20, 21, "") == 0 && t_mkdir(21, "d777", 0750, 556) == 0 && host_stat("d777", &st) == 0 &&
	       st.st_uid == 777 && st.st_gid == 556 && (st.st_mode & 07777) == 0750, "Tmkdir owner and mode");
	t_clunk(21);
	t_clunk(20);

	/* unlink while open */
	TAP_OK(walk(1, 14, "") == 0 && t_lcreate(14, "gone", 2, 0600, 0) == 0 &&
	       t_write(14, 0, "still here", 10, &wn) == 0, "create a file to unlink");
	TAP_OK(t_unlinkat(1, "gone", 0) == 0 && host_stat("gone", &st) < 0, "Tunlinkat removes it");
	TAP_OK(t_read(14, 0, 100, buf, &n) == 0 && n == 10 && !memcmp(buf, "still here", 10),
	       "the open fid still reads it");
	TAP_OK(t_getattr(14, &a) == 0 && a.nlink == 0, "... and shows nlink 0");
	t_clunk(14);

	/* statfs */
	struct statfs sf;
	statfs(share, &sf);
	TAP_OK(t_fid1(P9_TSTATFS, 1) == 0 && p9_get32(&R) == (uint32_t)sf.f_type &&
	       p9_get32(&R) == (uint32_t)sf.f_bsize, "Tstatfs matches the host");
}

static void test_dirs(void)
{
	struct stat st;
	char buf[256];
	struct p9_qid q;
	int nq;

	TAP_OK(t_mkdir(1, "sub", 0755, 0) == 0 && host_stat("sub", &st) == 0 && S_ISDIR(st.st_mode),
	       "Tmkdir");
	TAP_OK(t_mkdir(1, "sub", 0755, 0) == EEXIST, "Tmkdir of an existing name is EEXIST");
	TAP_OK(walk(1, 30, "sub") == 0 && t_lcreate(30, "f", 2, 0644, 0) == 0, "create sub/f");
	t_clunk(30);
	TAP_OK(t_walk(1, 31, "sub/f", &nq, &q) == 0 && nq == 2 && q.type == P9_QTFILE, "walk two names");
	TAP_OK(t_walk(1, 32, "sub/nope/x", &nq, NULL) == 0 && nq == 1,
	       "a partial walk answers the qids that worked");
	TAP_OK(t_clunk(32) == EBADF, "... and creates no newfid");
	TAP_OK(t_walk(1, 32, "nope/sub", &nq, NULL) == ENOENT, "a failing first name is an error");
	TAP_OK(t_walk(31, 32, "x", NULL, NULL) == ENOTDIR, "walking through a file is ENOTDIR");

	/* symlink, readlink */
	TAP_OK(t_symlink(1, "ln", "sub/f") == 0 && host_stat("ln", &st) == 0 && S_ISLNK(st.st_mode),
	       "Tsymlink");
	TAP_OK(t_walk(1, 33, "ln", &nq, &q) == 0 && q.type == P9_QTSYMLINK, "walk to a symlink gives it");
	TAP_OK(t_readlink(33, buf, sizeof(buf)) == 0 && !strcmp(buf, "sub/f"), "Treadlink");
	TAP_OK(t_lopen(33, 0) != 0, "a symlink is never opened by the server");
	TAP_OK(t_readlink(31, buf, sizeof(buf)) == EINVAL, "Treadlink of a file is EINVAL");
	t_clunk(33);

	/* link */
	TAP_OK(t_link(1, 31, "hard") == 0 && host_stat("hard", &st) == 0 && st.st_nlink == 2, "Tlink");
	TAP_OK(t_link(1, 30 + 99, "x") == EBADF, "Tlink with a bad fid is EBADF");

	/* renameat over an existing file; the walked fid follows */
	host_write("ra", "AAA");
	host_write("rb", "BBB");
	TAP_OK(walk(1, 34, "ra") == 0, "walk to ra");
	TAP_OK(t_renameat(1, "ra", 1, "rb") == 0 && host_stat("ra", &st) < 0 &&
	       !strcmp(host_read("rb", buf, sizeof(buf)), "AAA"), "Trenameat over an existing file");
	size_t n;
	TAP_OK(t_lopen(34, 0) == 0 && t_read(34, 0, 10, buf, &n) == 0 && n == 3 && !memcmp(buf, "AAA", 3),
	       "a fid walked before the rename opens the renamed file");
	t_clunk(34);
	/* Trename by fid into a subdirectory */
	TAP_OK(walk(1, 35, "rb") == 0 && walk(1, 36, "sub") == 0 && t_rename(35, 36, "moved") == 0 &&
	       host_stat("sub/moved", &st) == 0 && host_stat("rb", &st) < 0, "Trename");
	TAP_OK(t_lopen(35, 0) == 0 && t_read(35, 0, 10, buf, &n) == 0 && n == 3, "... the fid follows");
	t_clunk(35);
	t_clunk(36);

	/* directory renames */
	TAP_OK(t_mkdir(1, "top", 0755, 0) == 0 && walk(1, 39, "top") == 0 && t_mkdir(39, "inner", 0755, 0) == 0,
	       "make top/inner");
	TAP_OK(t_renameat(1, "top", 39, "x") == EINVAL, "renaming a directory into itself is EINVAL");
	TAP_OK(t_renameat(1, "top", 1, "top2") == 0 && walk(39, 40, "inner") == 0 && t_clunk(40) == 0,
	       "a walked directory fid still works after its rename");
	TAP_OK(walk(1, 40, "top2/inner/../inner/../../top2/inner/./../inner/../../top2/inner/..") == 0,
	       "a walk of 16 names");
	t_clunk(40);
	t_clunk(39);

	/* unlinkat, remove */
	TAP_OK(t_unlinkat(1, "sub", 0) != 0, "Tunlinkat of a directory without AT_REMOVEDIR fails");
	TAP_OK(t_mkdir(1, "empty", 0755, 0) == 0 && t_unlinkat(1, "empty", P9_DOTL_AT_REMOVEDIR) == 0 &&
	       host_stat("empty", &st) < 0, "Tunlinkat AT_REMOVEDIR");
	TAP_OK(t_unlinkat(1, "nope", 0) == ENOENT, "Tunlinkat of a missing name is ENOENT");
	TAP_OK(t_fid1(P9_TREMOVE, 31) == 0 && host_stat("sub/f", &st) < 0, "Tremove");
	TAP_OK(t_clunk(31) == EBADF, "... clunks the fid");
	TAP_OK(walk(1, 37, "") == 0 && t_fid1(P9_TREMOVE, 37) == EBUSY && t_clunk(37) == EBADF,
	       "Tremove of the root fails and still clunks");

	/* mknod */
	TAP_OK(t_mknod(1, "fifo", S_IFIFO | 0644, 0, 0) == 0 && host_stat("fifo", &st) == 0 &&
	       S_ISFIFO(st.st_mode), "Tmknod fifo");
	TAP_OK(t_mknod(1, "null", S_IFCHR | 0666, 1, 3) == 0 && host_stat("null", &st) == 0 &&
	       S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3), "Tmknod char device (passthrough)");
	TAP_OK(walk(1, 38, "null") == 0 && t_lopen(38, 2) == ENXIO, "device nodes are never opened on the host");
	t_clunk(38);
	TAP_OK(t_mknod(1, "bad", S_IFDIR | 0644, 0, 0) == EINVAL, "Tmknod of a directory type is EINVAL");
}

static void test_readdir(void)
{
	char p[PATH_MAX + 64];
	static struct dent d[2048];
	static unsigned char seen[10000];
	int fd, n, total = 0, dots = 0, calls = 0, bad = 0;
	uint64_t off = 0, mid = 0;

	snprintf(p, sizeof(p), "%s/big", share);
	mkdir(p, 0755);
	fd = open(p, O_PATH | O_DIRECTORY);
	for (int i = 0; i < 10000; i++) {
		char name[32];
		snprintf(name, sizeof(name), "entry-%05d", i);
		close(openat(fd, name, O_CREAT | O_WRONLY, 0644));
	}
	close(fd);
	TAP_OK(walk(1, 40, "big") == 0 && t_lopen(40, P9_DOTL_DIRECTORY) == 0, "open a directory of 10,000 files");
	for (;;) {
		if (t_readdir(40, off, 8192, d, 2048, &n) != 0) {
			bad++;
			break;
		}
		calls++;
		if (n == 0)
			break;
		for (int i = 0; i < n; i++) {
			int k;
			if (!strcmp(d[i].name, ".") || !strcmp(d[i].name, ".."))
				dots++;
			else if (sscanf(d[i].name, "entry-%d", &k) == 1 && k >= 0 && k < 10000 && !seen[k])
				seen[k] = 1, total++;
			else
				bad++;
		}
		off = d[n - 1].off;
		if (calls == 5)
			mid = off;
	}
	TAP_OK(!bad && total == 10000 && dots == 2 && calls > 10,
	       "Treaddir returns each entry exactly once across %d calls", calls);
	/* a cookie stays valid on another open of the directory */
	int n2;
	static struct dent d2[2048];
	t_readdir(40, mid, 4096, d, 2048, &n);
	TAP_OK(walk(1, 41, "big") == 0 && t_lopen(41, 0) == 0 && t_readdir(41, mid, 4096, d2, 2048, &n2) == 0 &&
	       n == n2 && n > 0 && !strcmp(d[0].name, d2[0].name) && !strcmp(d[n - 1].name, d2[n2 - 1].name),
	       "a cookie resumes at the same place on another fid (seekdir)");
	TAP_OK(t_readdir(41, 0, 100000000, d2, 2048, &n2) == 0 && W.off && n2 > 0, "a count beyond msize is clamped");
	t_clunk(40);
	t_clunk(41);
	TAP_OK(walk(1, 42, "big") == 0 && t_readdir(42, 0, 4096, d, 10, &n) == EBADF,
	       "Treaddir of an unopened fid is EBADF");
	t_clunk(42);
}

static void test_xattr_lock(void)
{
	char buf[256];
	long n;
	uint8_t st8;

	host_write("xf", "x");
	TAP_OK(walk(1, 50, "xf") == 0 && set_xattr(50, "user.test", "hello") == 0, "set user.test");
	char p[PATH_MAX + 64];
	snprintf(p, sizeof(p), "%s/xf", share);
	TAP_OK(getxattr(p, "user.test", buf, sizeof(buf)) == 5 && !memcmp(buf, "hello", 5),
	       "... lands on the host file");
	TAP_OK((n = get_xattr(50, "user.test", buf, sizeof(buf))) == 5 && !memcmp(buf, "hello", 5),
	       "Txattrwalk + Tread give the value");
	TAP_OK((n = get_xattr(50, "", buf, sizeof(buf))) > 0 && memmem(buf, (size_t)n, "user.test", 10),
	       "Txattrwalk \"\" lists it");
	TAP_OK(get_xattr(50, "user.none", buf, sizeof(buf)) == -ENODATA, "a missing one is ENODATA");
	TAP_OK(set_xattr(50, "user.test", "") == 0 && getxattr(p, "user.test", buf, sizeof(buf)) < 0,
	       "Txattrcreate of size 0 removes it");
	TAP_OK(walk(1, 51, "") == 0 && t_xattrcreate(51, "user.big", 70000, 0) == E2BIG,
	       "Txattrcreate beyond 64 KiB is E2BIG");
	TAP_OK(t_xattrcreate(51, "user.s", 4, 0) == 0 && t_write(51, 2, "abcdef", 6, (uint32_t[]){ 0 }) == ENOSPC,
	       "writing past the announced size is refused");
	TAP_OK(t_clunk(51) == EINVAL, "a short value is refused at Tclunk");
	setxattr(p, "user.runuml.uid", "5", 1, 0);
	TAP_OK(get_xattr(50, "user.runuml.uid", buf, sizeof(buf)) == -ENODATA &&
	       (n = get_xattr(50, "", buf, sizeof(buf))) >= 0 && !memmem(buf, (size_t)n, "runuml", 6),
	       "user.runuml.* is hidden from the guest");
	TAP_OK(set_xattr(50, "user.runuml.mode", "0") == EPERM, "... and can't be set");
	TAP_OK(set_xattr(50, "trusted.overlay.opaque", "y") == EPERM &&
	       set_xattr(50, "user.overlay.opaque", "y") == EPERM, "trusted.overlay.* and user.overlay.* can't be set");
	t_clunk(50);

	/* locks */
	TAP_OK(walk(1, 52, "xf") == 0 && t_lopen(52, 2) == 0 && walk(1, 53, "xf") == 0 &&
	       t_lopen(53, 2) == 0, "two fids open the same file");
	TAP_OK(t_lock(52, P9_LOCK_TYPE_WRLCK, &st8) == 0 && st8 == P9_LOCK_SUCCESS, "Tlock write lock");
	TAP_OK(t_lock(53, P9_LOCK_TYPE_WRLCK, &st8) == 0 && st8 == P9_LOCK_BLOCKED,
	       "a conflicting Tlock answers BLOCKED without blocking");
	TAP_OK(t_getlock(53, P9_LOCK_TYPE_WRLCK, &st8) == 0 && st8 == P9_LOCK_TYPE_WRLCK,
	       "Tgetlock reports the conflict");
	TAP_OK(t_lock(52, P9_LOCK_TYPE_UNLCK, &st8) == 0 && st8 == P9_LOCK_SUCCESS &&
	       t_lock(53, P9_LOCK_TYPE_WRLCK, &st8) == 0 && st8 == P9_LOCK_SUCCESS,
	       "after unlock the other fid gets it");
	t_clunk(53);
	TAP_OK(t_lock(52, P9_LOCK_TYPE_WRLCK, &st8) == 0 && st8 == P9_LOCK_SUCCESS,
	       "Tclunk releases the fid's locks");
	TAP_OK(t_getlock(52, 9, &st8) == EINVAL, "a bad lock type is EINVAL");
	t_clunk(52);
}

static void test_escapes(void)
{
	char m[PATH_MAX + 64];
	struct p9_qid q, rootq;
	int nq;
	size_t n;
	char buf[64];

	snprintf(m, sizeof(m), "%s/marker", outside);
	char p[PATH_MAX + 64];
	snprintf(p, sizeof(p), "%s/abs", share);
	if (symlink(m, p) < 0)
		perror("symlink");
	snprintf(p, sizeof(p), "%s/rel", share);
	if (symlink("../outside/marker", p) < 0)
		perror("symlink");
	snprintf(p, sizeof(p), "%s/updir", share);
	if (symlink("../..", p) < 0)
		perror("symlink");
	snprintf(p, sizeof(p), "%s/absdir", share);
	if (symlink(outside, p) < 0)
		perror("symlink");
	snprintf(p, sizeof(p), "%s/d1/d2", share);
	mkdir_p(p, 0755, NULL);

	t_walk(1, 60, "", NULL, NULL);
	TAP_OK(t_walk(1, 61, "..", &nq, &rootq) == 0 && t_getattr(60, &(struct attr){ 0 }) == 0,
	       "\"..\" of the root is walkable");
	struct attr ra;
	t_getattr(1, &ra);
	TAP_OK(rootq.path == ra.qid.path, "... and is the root");
	TAP_OK(t_walk(1, 62, "../../../outside/marker", &nq, NULL) == 0 && nq == 3,
	       "../../../outside stops at the root (the share has no \"outside\")");
	TAP_OK(t_walk(1, 62, "d1/d2/../../../..", &nq, &q) == 0 && nq == 6 && q.path == ra.qid.path &&
	       t_clunk(62) == 0, "\"..\" chains from below end at the root");
	TAP_OK(t_walk(1, 63, "abs", &nq, &q) == 0 && q.type == P9_QTSYMLINK, "an absolute symlink is itself");
	TAP_OK(t_lopen(63, 0) != 0 && t_read(63, 0, 10, buf, &n) != 0, "... it is never opened");
	TAP_OK(t_walk(1, 64, "rel", &nq, &q) == 0 && q.type == P9_QTSYMLINK && t_lopen(64, 0) != 0,
	       "a relative symlink to the outside is never followed");
	TAP_OK(t_walk(1, 65, "updir/outside/marker", &nq, NULL) == 0 && nq == 1,
	       "a symlink to ../.. can't be walked through");
	TAP_OK(t_walk(1, 65, "absdir/marker", &nq, NULL) == 0 && nq == 1,
	       "a symlink to an outside directory can't be walked through");
	TAP_OK(t_walk(1, 65, "absdir", NULL, NULL) == 0 && t_lcreate(65, "evil", 2, 0644, 0) == ENOTDIR &&
	       t_mkdir(65, "evil", 0755, 0) == ENOTDIR, "nothing is created through a symlink");
	snprintf(p, sizeof(p), "%s/evil", outside);
	struct stat st;
	TAP_OK(lstat(p, &st) < 0, "... outside stays untouched");
	TAP_OK(t_walk(1, 66, "", NULL, NULL) == 0 && t_lcreate(66, "abs", 2, 0644, 0) == EEXIST,
	       "Tlcreate never opens an existing symlink");
	t_clunk(66);
	TAP_OK(t_setattr(63, P9_ATTR_SIZE, 0, 0, 0, 0, 0, 0) != 0,
	       "Tsetattr size on a symlink doesn't truncate its target");
	snprintf(p, sizeof(p), "%s/marker", outside);
	TAP_OK(stat(p, &st) == 0 && st.st_size == 6, "the marker outside is intact");
	TAP_OK(t_walk(1, 67, "a\\0b", NULL, NULL) == ENOENT, "a name with a backslash is just a name");
	begin();
	p9_put32(&W, 1);
	p9_put32(&W, 68);
	p9_put16(&W, 1);
	p9_putstr(&W, "a\0b", 3);
	TAP_OK(rpc(P9_TWALK) == EINVAL, "a name with NUL is EINVAL");
	begin();
	p9_put32(&W, 1);
	p9_put32(&W, 68);
	p9_put16(&W, 1);
	p9_putstr(&W, "sub/f", 5);
	TAP_OK(rpc(P9_TWALK) == EINVAL, "a name with '/' is EINVAL");
	TAP_OK(set_xattr(63, "user.x", "1") == EOPNOTSUPP, "xattrs of a symlink are refused (never opened)");
	for (uint32_t f = 60; f < 70; f++)
		t_clunk(f);

	/* a mount point below the share is not crossed */
	snprintf(p, sizeof(p), "%s/mnt", share);
	mkdir(p, 0755);
	if (mount("tmpfs", p, "tmpfs", 0, "size=64k") == 0) {
		TAP_OK(t_walk(1, 69, "mnt", NULL, NULL) == EXDEV, "a mount point below the share is EXDEV");
		umount(p);
	} else {
		TAP_OK(1, "# SKIP no mount permission: mount crossing not tested");
	}
}

static void test_hostile(void)
{
	uint8_t msg[64];
	size_t n;

	TAP_OK(p9_server_handle(srv, reqb, 6, respb, sizeof(respb)) == 0, "a 6-byte message is dropped");
	begin();
	p9_put32(&W, 1);
	p9_finish(&W, P9_TCLUNK, 9);
	memcpy(msg, reqb, W.off);
	msg[0] = 200;   /* size beyond the buffer */
	n = p9_server_handle(srv, msg, 11, respb, sizeof(respb));
	TAP_OK(n == 11 && respb[4] == P9_RLERROR && respb[5] == 9 && respb[7] == EPROTO,
	       "a size field beyond the buffer is Rlerror EPROTO with the tag");
	msg[0] = 8;     /* size shorter than its body */
	n = p9_server_handle(srv, msg, 11, respb, sizeof(respb));
	TAP_OK(n == 11 && respb[4] == P9_RLERROR && respb[7] == EPROTO, "a body shorter than its fields is EPROTO");
	msg[0] = 3;
	n = p9_server_handle(srv, msg, 11, respb, sizeof(respb));
	TAP_OK(n == 11 && respb[4] == P9_RLERROR, "a size below the header is refused");
	begin();
	TAP_OK(rpc(200) == EOPNOTSUPP && rpc(P9_RLERROR) == EOPNOTSUPP && rpc(P9_TAUTH) == EOPNOTSUPP,
	       "unknown, R- and Tauth types are EOPNOTSUPP");
	begin();
	p9_put32(&W, 1);
	p9_put32(&W, 70);
	p9_put16(&W, 1);
	p9_put16(&W, 1000);   /* string length beyond the message */
	p9_put8(&W, 'a');
	TAP_OK(rpc(P9_TWALK) == EPROTO, "a string length beyond the message is EPROTO");
	begin();
	p9_put32(&W, 1);
	p9_put32(&W, 70);
	p9_put16(&W, 17);
	for (int i = 0; i < 17; i++)
		putstr("d1");
	TAP_OK(rpc(P9_TWALK) == E2BIG && t_clunk(70) == EBADF, "a walk of 17 names is refused");
	begin();
	p9_put32(&W, 1);
	p9_put64(&W, 0);
	p9_put32(&W, 100);   /* Twrite count beyond the data */
	putstr("xx");
	TAP_OK(rpc(P9_TWRITE) == EPROTO, "a Twrite count beyond its data is EPROTO");
	/* a read of a count beyond msize is clamped */
	host_write("bigr", "");
	char p[PATH_MAX + 64];
	snprintf(p, sizeof(p), "%s/bigr", share);
	if (truncate(p, 2 << 20) < 0)
		perror("truncate");
	t_version(65536, "9P2000.L");
	t_attach(1, 0);
	size_t got;
	TAP_OK(walk(1, 71, "bigr") == 0 && t_lopen(71, 0) == 0 && t_read(71, 0, 0xffffffffu, NULL, &got) == 0 &&
	       got == 65536 - P9_IOHDR_SIZE, "a Tread count beyond msize is clamped to msize - 11");
	begin();
	memset(p9_reserve(&W, 70000), 0, 70000);
	TAP_OK(rpc(P9_TCLUNK) == EMSGSIZE, "a message beyond msize is EMSGSIZE");
	TAP_OK(p9_server_handle(srv, reqb, 20, respb, 10) == 0, "a response buffer too small gets nothing");
	t_version(P9_MSIZE_MAX, "9P2000.L");
	TAP_OK(t_clunk(71) == EBADF, "Tversion clunks every fid");
	t_attach(1, 0);

	/* too many fids */
	int rc = 0, i;
	for (i = 0; i < P9_MAX_FIDS - 1 && rc == 0; i++)
		rc = walk(1, 1000 + (uint32_t)i, "");
	TAP_OK(rc == 0, "%d fids are served", P9_MAX_FIDS);
	TAP_OK(walk(1, 999, "") == EMFILE && t_attach(999, 0) == EMFILE, "one more is EMFILE");
	TAP_OK(t_clunk(1000) == 0 && walk(1, 999, "") == 0, "after a clunk one can be made again");
	t_version(P9_MSIZE_MAX, "9P2000.L");
	t_attach(1, 0);
	TAP_OK(walk(1, P9_NOFID, "") == EBADF, "NOFID can't be a fid");
	TAP_OK(t_xattrwalk(1, 1, "", &(uint64_t){ 0 }) == EBADF, "Txattrwalk newfid == fid is EBADF");
}

static void test_flags(void)
{
	struct stat st;
	struct attr a;
	uint32_t wn;
	int n;
	struct dent d[16];
	char p[PATH_MAX + 64];

	/* readonly */
	restart(NULL, true, false, false, P9_OWNER_PASSTHROUGH);
	host_write("ro", "data");
	TAP_OK(walk(1, 80, "") == 0 && t_lcreate(80, "x", 2, 0644, 0) == EROFS, "readonly: Tlcreate is EROFS");
	TAP_OK(t_mkdir(1, "x", 0755, 0) == EROFS && t_mknod(1, "x", S_IFIFO | 0644, 0, 0) == EROFS &&
	       t_symlink(1, "x", "y") == EROFS && t_unlinkat(1, "ro", 0) == EROFS &&
	       t_renameat(1, "ro", 1, "x") == EROFS, "readonly: mkdir/mknod/symlink/unlink/rename are EROFS");
	TAP_OK(walk(1, 81, "ro") == 0 && t_lopen(81, 1) == EROFS && t_lopen(81, P9_DOTL_TRUNC) == EROFS,
	       "readonly: Tlopen for writing is EROFS");
	TAP_OK(t_setattr(81, P9_ATTR_MODE, 0777, 0, 0, 0, 0, 0) == EROFS && set_xattr(81, "user.a", "b") == EROFS,
	       "readonly: Tsetattr and Txattrcreate are EROFS");
	TAP_OK(t_lopen(81, 0) == 0 && t_fid1(P9_TREMOVE, 81) == EROFS, "readonly: reads work; Tremove is EROFS");

	/* nosuid */
	restart(NULL, false, true, false, P9_OWNER_PASSTHROUGH);
	TAP_OK(walk(1, 82, "") == 0 && t_lcreate(82, "suid", 2, 06755, 0) == 0 && host_stat("suid", &st) == 0 &&
	       (st.st_mode & 07777) == 0755, "nosuid: Tlcreate drops setuid/setgid");
	TAP_OK(t_setattr(82, P9_ATTR_MODE, 04755, 0, 0, 0, 0, 0) == 0 && host_stat("suid", &st) == 0 &&
	       (st.st_mode & 07777) == 0755, "nosuid: Tsetattr drops them");
	TAP_OK(t_mkdir(1, "sgid", 02755, 0) == 0 && host_stat("sgid", &st) == 0 && !(st.st_mode & S_ISGID),
	       "nosuid: Tmkdir drops setgid");
	snprintf(p, sizeof(p), "%s/suid", share);
	chmod(p, 04755);
	TAP_OK(walk(1, 83, "suid") == 0 && t_getattr(83, &a) == 0 && (a.mode & 07777) == 0755,
	       "nosuid: a host setuid bit is not reported");
	TAP_OK(set_xattr(83, "security.capability", "xxxx") == EPERM, "nosuid: security.capability can't be set");
	setxattr(p, "security.capability",
		 "\x01\x00\x00\x02\x00\x20\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", 20, 0);
	char lb[1024];
	long ln = get_xattr(83, "", lb, sizeof(lb));
	TAP_OK(get_xattr(83, "security.capability", lb, sizeof(lb)) == -ENODATA && ln >= 0 &&
	       !memmem(lb, (size_t)ln, "capability", 10), "nosuid: security.capability is neither read nor listed");
	t_clunk(82);
	t_clunk(83);

	/* nodev */
	restart(NULL, false, false, true, P9_OWNER_PASSTHROUGH);
	TAP_OK(t_mknod(1, "cdev", S_IFCHR | 0666, 1, 3) == EPERM && t_mknod(1, "bdev", S_IFBLK | 0666, 8, 0) == EPERM,
	       "nodev: char and block devices are EPERM");
	TAP_OK(t_mknod(1, "fifo2", S_IFIFO | 0600, 0, 0) == 0 && t_mknod(1, "sock2", S_IFSOCK | 0600, 0, 0) == 0,
	       "nodev: fifos and sockets are fine");

	/* single-file share */
	host_write("hosts", "127.0.0.1 localhost\n");
	restart("hosts", false, false, false, P9_OWNER_PASSTHROUGH);
	TAP_OK(walk(1, 84, "hosts") == 0, "only_name: the name is walkable");
	TAP_OK(t_walk(1, 85, "ro", NULL, NULL) == ENOENT && t_walk(1, 85, "big", NULL, NULL) == ENOENT,
	       "only_name: other names are not");
	TAP_OK(walk(1, 86, "") == 0 && t_lopen(86, 0) == 0 && t_readdir(86, 0, 8192, d, 16, &n) == 0 && n == 3 &&
	       !strcmp(d[2].name, "hosts"), "only_name: readdir shows . .. and the name");
	int n2;
	TAP_OK(t_readdir(86, d[1].off, 8192, d, 16, &n2) == 0 && n2 == 1 &&
	       t_readdir(86, d[0].off + 2, 8192, d, 16, &n2) == 0 && n2 == 0, "only_name: readdir resumes");
	TAP_OK(walk(1, 87, "") == 0 && t_lcreate(87, "new", 2, 0644, 0) == EACCES && t_mkdir(1, "d", 0755, 0) == EACCES &&
	       t_unlinkat(1, "hosts", 0) == EACCES && t_renameat(1, "hosts", 1, "h2") == EACCES &&
	       t_symlink(1, "s", "hosts") == EACCES && t_link(1, 84, "h3") == EACCES,
	       "only_name: nothing is created, removed or renamed in the root");
	TAP_OK(t_fid1(P9_TREMOVE, 84) == EACCES && walk(1, 84, "hosts") == 0, "only_name: Tremove is refused");
	TAP_OK(t_lopen(84, 2) == 0 && t_write(84, 0, "::1", 3, &wn) == 0 && wn == 3,
	       "only_name: the file itself is writable");
	for (uint32_t f = 80; f < 90; f++)
		t_clunk(f);
	restart(NULL, false, false, false, P9_OWNER_PASSTHROUGH);
}

/* ---- the proxy's seccomp filter ------------------------------------ */

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

static int confine_child(enum seccomp_mode mode)
{
	struct rerr *err = NULL;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	if (mode == SECCOMP_TRAP)
		seccomp_trap_handler_install("test_p9_server (proxy filter)");
	if (seccomp_filter_install(proxy_rules, sizeof(proxy_rules) / sizeof(proxy_rules[0]), mode,
				   &err) < 0) {
		printf("# seccomp: %s\n", err->msg);
		return -1;
	}
	return 0;
}

#define CHILD_OK(cond)                                                               \
	do {                                                                         \
		if (!(cond)) {                                                       \
			printf("#   under the filter: %s:%d: %s\n", __FILE__, __LINE__, #cond); \
			fails++;                                                     \
		}                                                                    \
	} while (0)

/* every kind of request, as the confined proxy would serve it */
static int ops_under_filter(void)
{
	char buf[256];
	size_t n;
	uint32_t wn;
	uint8_t st8[64];
	struct attr a;
	struct dent d[8];
	int fails = 0, nd, rc;

	CHILD_OK(walk(1, 400, "") == 0 && t_lcreate(400, "sc-f", 2, 0644, 0) == 0);
	CHILD_OK(t_write(400, 0, "abc", 3, &wn) == 0 && t_read(400, 0, 3, buf, &n) == 0);
	CHILD_OK(t_fsync(400) == 0 && t_getattr(400, &a) == 0);
	CHILD_OK(t_setattr(400, P9_ATTR_MODE | P9_ATTR_UID | P9_ATTR_GID | P9_ATTR_SIZE |
			   P9_ATTR_ATIME | P9_ATTR_MTIME | P9_ATTR_MTIME_SET, 0600, 1, 1, 1, 0, 5) == 0);
	CHILD_OK(t_mkdir(1, "sc-d", 0755, 0) == 0 && t_mknod(1, "sc-p", S_IFIFO | 0644, 0, 0) == 0);
	rc = walk(1, 401, "sc-p") == 0 ? t_setattr(401, P9_ATTR_MODE | P9_ATTR_UID | P9_ATTR_ATIME,
						    0600, 2, 0, 0, 0, 0) : -1;
	CHILD_OK(rc == 0 || rc == EOPNOTSUPP);   /* hosts without fchmodat2 */
	CHILD_OK(t_symlink(1, "sc-s", "target") == 0 && walk(1, 402, "sc-s") == 0 &&
		 t_readlink(402, buf, sizeof(buf)) == 0);
	CHILD_OK(walk(1, 403, "sc-f") == 0 && t_link(1, 403, "sc-h") == 0);
	CHILD_OK(t_renameat(1, "sc-h", 1, "sc-h2") == 0 && walk(1, 404, "sc-d") == 0 &&
		 t_rename(403, 404, "moved") == 0);
	CHILD_OK(set_xattr(404, "user.sc", "v") == 0 && get_xattr(404, "user.sc", buf, sizeof(buf)) == 1 &&
		 get_xattr(404, "", buf, sizeof(buf)) >= 0 && set_xattr(404, "user.sc", "") == 0);
	CHILD_OK(walk(1, 405, "sc-d/moved") == 0 && t_lopen(405, 2) == 0 &&
		 t_lock(405, P9_LOCK_TYPE_WRLCK, st8) == 0 && t_getlock(405, P9_LOCK_TYPE_RDLCK, st8) == 0);
	CHILD_OK(walk(1, 406, "") == 0 && t_lopen(406, 0) == 0 &&
		 t_readdir(406, 0, 8192, d, 8, &nd) == 0 && nd > 0);
	CHILD_OK(t_fid1(P9_TSTATFS, 1) == 0);
	CHILD_OK(t_unlinkat(1, "sc-h2", 0) == 0 && t_unlinkat(1, "sc-p", 0) == 0 &&
		 t_unlinkat(1, "sc-s", 0) == 0 && t_fid1(P9_TREMOVE, 405) == 0 &&
		 t_unlinkat(1, "sc-d", P9_DOTL_AT_REMOVEDIR) == 0);
	for (uint32_t f = 400; f < 407; f++)
		t_clunk(f);
	/* mapped ownership: its xattrs */
	restart(NULL, false, true, true, P9_OWNER_MAPPED);
	CHILD_OK(walk(1, 410, "") == 0 && t_lcreate(410, "sc-m", 2, 04755, 0) == 0 &&
		 t_getattr(410, &a) == 0 && t_setattr(410, P9_ATTR_MODE | P9_ATTR_UID, 0700, 7, 0, 0, 0, 0) == 0);
	CHILD_OK(t_mknod(1, "sc-mp", S_IFIFO | 0644, 0, 0) == 0 && t_unlinkat(1, "sc-mp", 0) == 0 &&
		 t_unlinkat(1, "sc-m", 0) == 0);
	CHILD_OK(t_version(8192, "9P2000.L") == 0);
	return fails;
}

static void test_seccomp(void)
{
	pid_t pid;
	int status = -1;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		if (confine_child(SECCOMP_TRAP) < 0)
			_exit(100);
		int fails = ops_under_filter();
		fflush(stdout);
		_exit(fails);
	}
	waitpid(pid, &status, 0);
	TAP_OK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	       "seccomp: every request is served under the proxy's filter (status %#x)", status);

	/* what the server never does is fatal */
	static const struct {
		const char *what;
		int which;
	} forbidden[] = {
		{ "linkat with AT_SYMLINK_FOLLOW", 0 },  { "fchownat by path, following", 1 },
		{ "openat O_CREAT without O_EXCL", 2 },   { "openat O_TMPFILE", 3 },
		{ "renameat2 RENAME_EXCHANGE", 4 },       { "utimensat by path, following", 5 },
		{ "lsetxattr", 6 },                       { "fallocate", 7 },
		{ "dup", 8 },                             { "fchmodat", 9 },
		{ "fchmodat2 by path, following", 10 },
	};
	for (size_t i = 0; i < sizeof(forbidden) / sizeof(forbidden[0]); i++) {
		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			/* should a call get through, it lands in the test's directory */
			if (chdir(top) < 0 || confine_child(SECCOMP_KILL) < 0)
				_exit(100);
			switch (forbidden[i].which) {
			case 0: (void)!linkat(AT_FDCWD, "a", AT_FDCWD, "b", AT_SYMLINK_FOLLOW); break;
			case 1: (void)!fchownat(AT_FDCWD, "a", 0, 0, 0); break;
			case 2: (void)!openat(AT_FDCWD, "a", O_WRONLY | O_CREAT, 0644); break;
			case 3: (void)!openat(AT_FDCWD, ".", O_WRONLY | O_TMPFILE, 0644); break;
			case 4: (void)!syscall(SYS_renameat2, AT_FDCWD, "a", AT_FDCWD, "b", 2 /* RENAME_EXCHANGE */); break;
			case 5: (void)!utimensat(AT_FDCWD, "a", NULL, 0); break;
			case 6: (void)!lsetxattr("a", "user.x", "y", 1, 0); break;
			case 7: (void)!fallocate(0, 0, 0, 1); break;
			case 8: (void)!dup(0); break;
			case 9: (void)!syscall(SYS_fchmodat, AT_FDCWD, "a", 0644); break;
			case 10: (void)!syscall(452 /* fchmodat2 */, AT_FDCWD, "a", 0644, 0); break;
			}
			_exit(0);
		}
		waitpid(pid, &status, 0);
		TAP_OK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS,
		       "seccomp: %s kills the proxy (status %#x)", forbidden[i].what, status);
	}
}

/* ---- red-team regressions ------------------------------------------- */

/* Trename of a fid whose parent node only it keeps alive: re-pointing the
 * node to its new directory drops the last reference of the old one, which
 * p9_nodes_renamed went on comparing against (use after free, ASan). */
static void test_rename_frees_parent(void)
{
	char p[PATH_MAX + 64];
	char buf[64];
	size_t n;

	snprintf(p, sizeof(p), "%s/rnd", share);
	mkdir(p, 0755);
	host_write("rnd/f", "moved");
	host_write("rnd-other", "x");
	/* an older node with a parent, listed after the renamed one */
	TAP_OK(walk(1, 300, "rnd-other") == 0, "rename/free: an unrelated node");
	TAP_OK(walk(1, 301, "rnd/f") == 0, "rename/free: a file whose parent only it holds");
	TAP_OK(t_rename(301, 1, "rnd-moved") == 0, "rename/free: Trename moves it to the root");
	TAP_OK(t_lopen(301, 0) == 0 && t_read(301, 0, sizeof(buf), buf, &n) == 0 && n == 5 &&
	       !memcmp(buf, "moved", 5), "rename/free: the fid still opens the moved file");
	TAP_OK(t_lopen(300, 0) == 0 && t_read(300, 0, sizeof(buf), buf, &n) == 0 && n == 1,
	       "rename/free: the unrelated node is untouched");
	t_clunk(300);
	t_clunk(301);
	TAP_OK(t_unlinkat(1, "rnd-moved", 0) == 0 && t_unlinkat(1, "rnd-other", 0) == 0 &&
	       t_unlinkat(1, "rnd", P9_DOTL_AT_REMOVEDIR) == 0, "rename/free: cleaned up");
}

/* Tlcreate creates the file, then looks it up: when the lookup fails (here
 * the descriptor limit, which a guest reaches by holding fids), the new
 * file -- owned by the proxy, with the guest's mode -- must not stay. */
static void test_lcreate_failure_cleans_up(void)
{
	struct stat st;
	pid_t pid;
	int status = -1;

	TAP_OK(walk(1, 320, "") == 0, "lcreate cleanup: a directory fid");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		int lowest = dup(0);
		close(lowest);
		/* the create's descriptor is the last one; the lookup gets EMFILE */
		struct rlimit rl = { (rlim_t)lowest + 1, (rlim_t)lowest + 1 };
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			_exit(2);
		_exit(t_lcreate(320, "leftover", 2, 04777, 0) == EMFILE ? 0 : 3);
	}
	waitpid(pid, &status, 0);
	TAP_OK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "lcreate cleanup: Tlcreate fails with EMFILE (%d)",
	       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	TAP_OK(host_stat("leftover", &st) < 0 && errno == ENOENT,
	       "lcreate cleanup: the file it created is removed again");
	t_clunk(320);
	unlink_share("leftover");
}

/* A fid walked to a regular file whose name the guest then replaced with a
 * device node (a share without nodev): reopening the fid must not open
 * the device on the host -- open(2) alone has effects (a watchdog arms, a
 * tape rewinds, a serial line raises DTR). */
static void test_stale_node_never_opens_a_device(void)
{
	char ev[4096];
	int in = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	bool opened = false;

	host_write("dv", "regular");
	TAP_OK(walk(1, 330, "dv") == 0 && walk(1, 331, "dv") == 0, "stale node: fids of a regular file");
	TAP_OK(t_unlinkat(1, "dv", 0) == 0 && t_mknod(1, "dv", S_IFCHR | 0666, 1, 3) == 0,
	       "stale node: the guest replaces it with a device node");
	inotify_add_watch(in, share, IN_OPEN);
	TAP_OK(t_lopen(330, 2) == ESTALE && t_setattr(331, P9_ATTR_SIZE, 0, 0, 0, 0, 0, 0) == ESTALE &&
	       t_fsync(331) == ESTALE, "stale node: Tlopen, truncate and fsync of the old fid are ESTALE");
	for (ssize_t n = read(in, ev, sizeof(ev)), i = 0; n > 0 && i < n;) {
		struct inotify_event *e = (struct inotify_event *)(ev + i);
		if (e->len && !strcmp(e->name, "dv"))
			opened = true;
		i += (ssize_t)sizeof(*e) + e->len;
	}
	TAP_OK(!opened, "stale node: the device node was never opened on the host");
	close(in);
	t_clunk(330);
	t_clunk(331);
	unlink_share("dv");
}

/* A lock of a read-only fid must not make the proxy open the file for
 * writing in a read-only share (while it is open for writing the host
 * can't execute it: ETXTBSY; and a read-only share is never written). */
static void test_readonly_lock_never_opens_for_writing(void)
{
	char ev[4096];
	int in = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	bool wrote = false;
	uint8_t st = 0xff;

	host_write("rolk", "x");
	restart(NULL, true, false, false, P9_OWNER_PASSTHROUGH);
	inotify_add_watch(in, share, IN_CLOSE_WRITE | IN_MODIFY);
	TAP_OK(walk(1, 340, "rolk") == 0 && t_lopen(340, 0) == 0, "ro lock: a read-only fid in a read-only share");
	TAP_OK(t_lock(340, P9_LOCK_TYPE_RDLCK, &st) == 0 && st == P9_LOCK_SUCCESS,
	       "ro lock: a read lock is taken");
	TAP_OK(t_lock(340, P9_LOCK_TYPE_WRLCK, &st) == 0 && st != P9_LOCK_SUCCESS,
	       "ro lock: a write lock is refused (%d)", st);
	t_clunk(340);
	for (ssize_t n = read(in, ev, sizeof(ev)), i = 0; n > 0 && i < n;) {
		struct inotify_event *e = (struct inotify_event *)(ev + i);
		if (e->len && !strcmp(e->name, "rolk"))
			wrote = true;
		i += (ssize_t)sizeof(*e) + e->len;
	}
	TAP_OK(!wrote, "ro lock: the file was never opened for writing");
	close(in);
	restart(NULL, false, false, false, P9_OWNER_PASSTHROUGH);
	unlink_share("rolk");
}

/* xattr buffers are bounded for the whole process, not per share: one
 * runuml-9p serves every share of a container (up to 48), and each share's
 * own budget would let a guest hold 48 x 8 MiB of the proxy's memory. */
static void test_xattr_budget_is_per_process(void)
{
	char dir2[PATH_MAX + 32];
	struct p9_server *first = srv, *second;
	uint32_t fid = 350;
	int rc = 0;

	snprintf(dir2, sizeof(dir2), "%s/second-share", top);
	mkdir(dir2, 0755);
	second = serve(dir2, NULL, false, false, false, P9_OWNER_PASSTHROUGH);
	/* fill the budget through the first share */
	for (; fid < 350 + P9_XATTR_BUDGET / P9_XATTR_SIZE_MAX + 4 && rc == 0; fid++) {
		if ((rc = walk(1, fid, "")) == 0)
			rc = t_xattrcreate(fid, "user.big", P9_XATTR_SIZE_MAX, 0);
	}
	TAP_OK(rc == ENOSPC, "xattr budget: the first share runs out (%d)", rc);
	srv = second;
	TAP_OK(t_version(P9_MSIZE_MAX, "9P2000.L") == 0 && t_attach(1, 0) == 0 && walk(1, 2, "") == 0,
	       "xattr budget: a second share of the same process");
	TAP_OK(t_xattrcreate(2, "user.big", P9_XATTR_SIZE_MAX, 0) == ENOSPC,
	       "xattr budget: ... can't take more while the first holds the process's budget");
	srv = first;
	for (uint32_t f = 350; f < fid; f++)
		t_clunk(f);
	srv = second;
	TAP_OK(t_xattrcreate(2, "user.big", 4, 0) == 0 && t_clunk(2) != 0,
	       "xattr budget: released when the first share's fids are clunked");
	p9_server_free(second);
	srv = first;
	rmdir(dir2);
}

/* The root of a single-file share is the host directory holding the file
 * (docker's /var/lib/docker/containers/<id>/ for /etc/hosts): not the
 * guest's.  Its mode, owner, times and xattrs (ACLs!) must not change. */
static void test_only_name_root_attrs(void)
{
	char p[PATH_MAX + 64];
	struct stat before, after;

	host_write("hosts", "127.0.0.1 localhost\n");
	restart("hosts", false, false, false, P9_OWNER_PASSTHROUGH);
	snprintf(p, sizeof(p), "%s", share);
	lstat(p, &before);
	TAP_OK(walk(1, 310, "") == 0, "only_name root: a fid of the root");
	TAP_OK(t_setattr(310, P9_ATTR_MODE, 0777, 0, 0, 0, 0, 0) == EPERM,
	       "only_name root: Tsetattr mode is EPERM");
	TAP_OK(t_setattr(310, P9_ATTR_UID | P9_ATTR_GID, 0, 4242, 4242, 0, 0, 0) == EPERM,
	       "only_name root: Tsetattr uid/gid is EPERM");
	TAP_OK(t_setattr(310, P9_ATTR_ATIME | P9_ATTR_MTIME | P9_ATTR_ATIME_SET | P9_ATTR_MTIME_SET,
			 0, 0, 0, 0, 12345, 12345) == EPERM, "only_name root: Tsetattr times is EPERM");
	TAP_OK(set_xattr(310, "user.planted", "x") == EPERM, "only_name root: Txattrcreate is EPERM");
	/* u::rwx g::r-x o::rwx: an ACL that hands the directory to everyone */
	static const char acl[] = "\x02\x00\x00\x00" "\x01\x00\x07\x00\xff\xff\xff\xff"
				  "\x04\x00\x05\x00\xff\xff\xff\xff" "\x20\x00\x07\x00\xff\xff\xff\xff";
	uint32_t wn;
	int rc = walk(310, 311, "");
	if (rc == 0 && (rc = t_xattrcreate(311, "system.posix_acl_access", sizeof(acl) - 1, 0)) == 0 &&
	    (rc = t_write(311, 0, acl, sizeof(acl) - 1, &wn)) == 0)
		rc = t_clunk(311);
	else
		t_clunk(311);
	TAP_OK(rc == EPERM, "only_name root: an ACL can't be set (%d)", rc);
	lstat(p, &after);
	TAP_OK(before.st_mode == after.st_mode && before.st_uid == after.st_uid &&
	       before.st_gid == after.st_gid && before.st_mtime == after.st_mtime &&
	       getxattr(p, "user.planted", NULL, 0) < 0 &&
	       getxattr(p, "system.posix_acl_access", NULL, 0) < 0,
	       "only_name root: the host directory is unchanged");
	char lb[256];
	setxattr(p, "user.host-only", "private", 7, 0);
	long ln = get_xattr(310, "", lb, sizeof(lb));
	TAP_OK(get_xattr(310, "user.host-only", lb, sizeof(lb)) == -ENODATA && ln >= 0 &&
	       !memmem(lb, (size_t)ln, "host-only", 9), "only_name root: its xattrs are neither read nor listed");
	removexattr(p, "user.host-only");
	TAP_OK(walk(1, 312, "hosts") == 0 && t_setattr(312, P9_ATTR_MODE, 0600, 0, 0, 0, 0, 0) == 0,
	       "only_name root: the file itself can still be chmodded");
	chmod(p, before.st_mode & 07777);
	for (uint32_t f = 310; f < 313; f++)
		t_clunk(f);
	restart(NULL, false, false, false, P9_OWNER_PASSTHROUGH);
}

/* The mapped model; returns the number of failures (runs as root or not). */
static int mapped_checks(const char *dir, bool verbose)
{
	int fails = 0;
	struct attr a;
	struct stat st;
	char p[PATH_MAX + 64];
#define CHECK(c, what) do { if (!(c)) { fails++; printf("#   mapped: failed: %s\n", what); } \
			    else if (verbose) printf("#   mapped: ok: %s\n", what); } while (0)

	p9_server_free(srv);
	srv = serve(dir, NULL, false, false, false, P9_OWNER_MAPPED);
	CHECK(srv && t_version(P9_MSIZE_MAX, "9P2000.L") == 0 && t_attach(1, 1000) == 0, "serve and attach");
	CHECK(walk(1, 2, "") == 0 && t_lcreate(2, "m", 2, 04751, 100) == 0, "lcreate");
	snprintf(p, sizeof(p), "%s/m", dir);
	CHECK(lstat(p, &st) == 0 && st.st_uid == geteuid() && (st.st_mode & 07777) == 0751,
	      "host file owned by the proxy, owner rw kept, no setuid on the host");
	CHECK(t_getattr(2, &a) == 0 && a.uid == 1000 && a.gid == 100 && a.mode == (S_IFREG | 04751),
	      "getattr reports the guest's uid, gid and mode");
	CHECK(t_setattr(2, P9_ATTR_UID | P9_ATTR_GID, 0, 0, 5, 0, 0, 0) == 0 && t_getattr(2, &a) == 0 &&
	      a.uid == 0 && a.gid == 5 && lstat(p, &st) == 0 && st.st_uid == geteuid(), "chown goes to xattrs");
	CHECK(t_setattr(2, P9_ATTR_MODE, 0, 0, 0, 0, 0, 0) == 0 && t_getattr(2, &a) == 0 &&
	      a.mode == S_IFREG && lstat(p, &st) == 0 && (st.st_mode & 0600) == 0600,
	      "chmod 0 is reported, the host keeps 0600");
	CHECK(t_mknod(1, "tty", S_IFCHR | 0620, 4, 1) == 0, "mknod a char device");
	snprintf(p, sizeof(p), "%s/tty", dir);
	CHECK(lstat(p, &st) == 0 && S_ISREG(st.st_mode), "... is a regular file on the host");
	CHECK(walk(1, 3, "tty") == 0 && t_getattr(3, &a) == 0 && a.mode == (S_IFCHR | 0620) &&
	      a.rdev == makedev(4, 1) && a.uid == 1000, "... and a device to the guest");
	CHECK(t_lopen(3, 0) == 0, "opening it opens the host's regular file");
	CHECK(t_mkdir(1, "md", 0500, 7) == 0 && walk(1, 4, "md") == 0 && t_getattr(4, &a) == 0 &&
	      a.mode == (S_IFDIR | 0500) && a.gid == 7, "mkdir 0500 reported as such");
	snprintf(p, sizeof(p), "%s/md", dir);
	CHECK(lstat(p, &st) == 0 && (st.st_mode & 0700) == 0700, "... the host dir stays 0700-accessible");
	CHECK(t_symlink(1, "sl", "m") == 0 && walk(1, 5, "sl") == 0 && t_getattr(5, &a) == 0 && a.uid == 0 &&
	      t_setattr(5, P9_ATTR_UID, 0, 33, 0, 0, 0, 0) == 0, "symlinks: the proxy's own appear as 0; chown accepted");
	char buf[512];
	long n = get_xattr(2, "", buf, sizeof(buf));
	CHECK(n >= 0 && !memmem(buf, (size_t)n, "runuml", 6), "user.runuml.* not listed");
	CHECK(get_xattr(2, "user.runuml.uid", buf, sizeof(buf)) == -ENODATA, "user.runuml.uid not readable");
	CHECK(set_xattr(2, "user.runuml.uid", "0") == EPERM, "user.runuml.uid not settable");
	CHECK(set_xattr(2, "system.posix_acl_access", "x") == EOPNOTSUPP, "ACLs refused");
	CHECK(set_xattr(2, "user.mine", "v") == 0 && get_xattr(2, "user.mine", buf, sizeof(buf)) == 1,
	      "other user.* xattrs work");
	for (uint32_t f = 2; f < 6; f++)
		t_clunk(f);
#undef CHECK
	return fails;
}

static bool p9_owner_map_id_check(void)
{
	return p9_owner_map_id(1000, 1000) == 0 && p9_owner_map_id(0, 1000) == P9_NOBODY &&
	       p9_owner_map_id(1000, 0) == P9_NOBODY;
}

static void test_mapped(void)
{
	char d[PATH_MAX + 64];

	TAP_OK(p9_owner_map_id_check(), "p9_owner_map_id: own id -> 0, others -> 65534");
	snprintf(d, sizeof(d), "%s/mapped", top);
	mkdir(d, 0755);
	TAP_OK(mapped_checks(d, false) == 0, "mapped ownership (euid %d)", (int)geteuid());

	/* again as an unprivileged user on a directory it owns */
	snprintf(d, sizeof(d), "%s/mapped-nobody", top);
	mkdir(d, 0755);
	if (geteuid() != 0 || chown(d, 65534, 65534) < 0 || chmod(top, 0755) < 0) {
		TAP_OK(1, "# SKIP not root: no unprivileged run");
		return;
	}
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
		    setresuid(65534, 65534, 65534) < 0)
			_exit(100);
		int f = mapped_checks(d, false);
		fflush(stdout);
		_exit(f > 99 ? 99 : f);
	}
	int status = 0;
	waitpid(pid, &status, 0);
	TAP_OK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "mapped ownership as uid 65534 (status %d)",
	       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	restart(NULL, false, false, false, P9_OWNER_PASSTHROUGH);
}

int main(void)
{
	char m[PATH_MAX + 64];

	umask(022);
	snprintf(top, sizeof(top), "%s/p9test.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(top)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(share, sizeof(share), "%s/share", top);
	snprintf(outside, sizeof(outside), "%s/outside", top);
	mkdir(share, 0755);
	mkdir(outside, 0755);
	snprintf(m, sizeof(m), "%s/marker", outside);
	int fd = open(m, O_WRONLY | O_CREAT, 0644);
	if (fd < 0 || write(fd, "SECRET", 6) != 6)
		return 1;
	close(fd);

	srv = serve(share, NULL, false, false, false, P9_OWNER_PASSTHROUGH);
	if (!srv)
		return 1;
	test_session();
	if (geteuid() == 0) {
		test_files();
		test_dirs();
	} else {
		printf("# SKIP file/dir suites need root (passthrough chown, mknod)\n");
	}
	test_readdir();
	test_xattr_lock();
	test_escapes();
	test_hostile();
	if (geteuid() == 0)
		test_flags();
	test_mapped();
	test_rename_frees_parent();
	if (geteuid() == 0 && !SANITIZED)
		test_seccomp();
	else
		printf("# SKIP the seccomp suite needs root and no sanitizer runtime (it makes its own calls)\n");
	test_lcreate_failure_cleans_up();
	test_readonly_lock_never_opens_for_writing();
	test_xattr_budget_is_per_process();
	if (geteuid() == 0)
		test_stale_node_never_opens_a_device();
	if (geteuid() == 0)
		test_only_name_root_attrs();
	p9_server_free(srv);

	int dfd = open(top, O_PATH | O_DIRECTORY);
	remove_tree_at(AT_FDCWD, top);
	close(dfd);
	TAP_PLAN(tap_n_);
	return tap_done();
}
