/* The 9P2000.L server core of runuml-9p, independent of its transport: one
 * call per request message, answering into a caller-provided buffer.
 *
 * One p9_server serves one share (the container's root or one bind mount);
 * the guest mounts each share from its own virtio-9p device (linux 6.1
 * net/9p/trans_virtio.c allows one mount per channel).  The guest is hostile:
 * every message is bounds-checked, every path resolves beneath the share's
 * root, fids and memory are bounded, and a malformed request is answered with
 * Rlerror (or dropped when not even its header can be read) -- never a crash.
 *
 * Files: p9_server.c (dispatch, version/attach/flush/clunk), p9_msg.c (wire
 * codec), fid_table.c, p9_walk.c, p9_file.c, p9_dir.c, p9_xattr.c, p9_lock.c,
 * p9_owner.c (passthrough or rootless mapped ownership). */
#ifndef RUNUML_P9_SERVER_H
#define RUNUML_P9_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "rerr.h"

#define P9_MSIZE_MAX   (512u * 1024u)  /* largest msize the server agrees to */
#define P9_MAX_FIDS    4096            /* per share */

enum p9_owner_model {
	/* Host ownership is the guest's (the proxy runs as root). */
	P9_OWNER_PASSTHROUGH,
	/* Rootless: files the proxy's euid owns appear as root (other host
	 * owners as 65534); ownership, mode bits and special-file types the
	 * guest sets are kept in user.runuml.* xattrs (QEMU's mapped-xattr). */
	P9_OWNER_MAPPED,
};

struct p9_share {
	int root_fd;            /* O_PATH|O_DIRECTORY fd of the shared directory; owned by the server */
	const char *only_name;  /* non-NULL: a single-file share; only this entry of
				 * the root is visible, nothing can be created there */
	bool readonly;          /* every modification fails with EROFS */
	bool nosuid;            /* setuid/setgid bits and security.capability are stripped */
	bool nodev;             /* device nodes can't be created (EPERM) */
	enum p9_owner_model owner;
};

struct p9_server;

struct p9_server *p9_server_new(const struct p9_share *share, struct rerr **err);
void p9_server_free(struct p9_server *s);

/* Serves one T-message (req, len bytes as it came off the transport) and
 * writes the R-message into out (cap bytes, cap >= the negotiated msize).
 * Returns the response length, or 0 when nothing can be answered (a header
 * too short to carry a tag). */
size_t p9_server_handle(struct p9_server *s, const uint8_t *req, size_t len,
			uint8_t *out, size_t cap);
/* The msize negotiated by Tversion (P9_MSIZE_MAX before). */
uint32_t p9_server_msize(const struct p9_server *s);

#endif
