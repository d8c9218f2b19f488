/* Internals of the 9P server core shared by its files (not an interface for
 * the rest of runuml-9p: that is p9_server.h).
 *
 * Nodes: every file the guest has walked to is a `p9_node`: an O_PATH
 * descriptor of the file itself plus the node of the directory it was
 * reached from and its name there.  The parent link is how ".." is walked
 * (the host's ".." is never used, so a directory moved elsewhere can't lead
 * above the share) and, with the name, how non-directories are reopened for
 * I/O without /proc (openat(parent, name, O_NOFOLLOW) and an inode check).
 * Renames done through the server re-point the nodes they move.  Nodes are
 * reference counted: by fids, by child nodes; the root node (parent NULL)
 * lives as long as the server.
 *
 * Fids: a guest-chosen 32-bit number naming a node plus its open state: an
 * open descriptor (Tlopen/Tlcreate), or an xattr buffer (Txattrwalk reads,
 * Txattrcreate writes committed at Tclunk).  At most P9_MAX_FIDS per server,
 * nodes at most P9_MAX_NODES, xattr buffers at most P9_XATTR_BUDGET bytes
 * in all the servers of the process: no guest input allocates without
 * bound. */
#ifndef RUNUML_P9_IMPL_H
#define RUNUML_P9_IMPL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "p9_msg.h"
#include "p9_server.h"

#define P9_MAX_NODES      (4 * P9_MAX_FIDS)
#define P9_FID_BUCKETS    1024
#define P9_XATTR_SIZE_MAX 65536u          /* linux XATTR_SIZE_MAX / XATTR_LIST_MAX */
#define P9_XATTR_BUDGET   (8u << 20)      /* all xattr buffers of the process */
#define P9_NAME_MAX       255
#define P9_SYMLINK_MAX    4095
#define P9_NOBODY         65534u

/* user.runuml.* keep mapped ownership (p9_owner.c) */
#define P9_MAPPED_PREFIX  "user.runuml."

struct p9_node {
	struct p9_node *parent;   /* NULL for the share's root */
	char *name;               /* name in parent (NULL for the root) */
	int fd;                   /* O_PATH|O_NOFOLLOW descriptor of the file */
	unsigned refs;
	mode_t type;              /* S_IFMT bits when it was walked to */
	dev_t dev;
	ino_t ino;
	struct p9_node *prev, *next;   /* all nodes, for rename fix-ups */
};

enum p9_fid_kind {
	P9_FID_NODE,      /* walked to, not open */
	P9_FID_OPEN,      /* Tlopen/Tlcreate: `fd` is open */
	P9_FID_XREAD,     /* Txattrwalk: `xbuf` holds a value or a name list */
	P9_FID_XWRITE,    /* Txattrcreate: `xbuf` collects Twrite data */
};

struct p9_fid {
	uint32_t id;
	enum p9_fid_kind kind;
	struct p9_node *node;
	uint32_t uid;             /* n_uname of the attach it descends from */
	int fd;                   /* open descriptor (P9_FID_OPEN), else -1 */
	int lock_fd;              /* p9_lock.c: -1 not decided, -2 use fd, else an O_RDWR reopen */
	uint32_t oflags;          /* host open flags */
	/* xattr state */
	char *xname;
	uint8_t *xbuf;
	size_t xsize, xfill;
	int xflags;
	struct p9_fid *hnext;
};

struct p9_server {
	struct p9_share sh;
	char *only_name;
	struct p9_node *root;
	dev_t root_dev;
	uint32_t msize;
	uid_t euid;               /* the proxy's, for the mapped model */
	gid_t egid;
	unsigned n_fids, n_nodes;
	struct p9_node *nodes;    /* list head */
	struct p9_fid *fids[P9_FID_BUCKETS];
	uint8_t *dirbuf;          /* getdents64 scratch */
};

/* A handler decodes from r and encodes the R-message body into w (after the
 * 7-byte header).  Returns 0 or -errno (then the dispatcher answers Rlerror). */
typedef int (*p9_handler)(struct p9_server *s, struct p9_rd *r, struct p9_wr *w);

/* fid_table.c */
struct p9_node *p9_node_new(struct p9_server *s, struct p9_node *parent, const char *name,
			    size_t name_len, int fd, const struct stat *st);
struct p9_node *p9_node_ref(struct p9_node *n);
void p9_node_unref(struct p9_server *s, struct p9_node *n);
void p9_nodes_renamed(struct p9_server *s, const struct p9_node *olddir, const char *oldname,
		      struct p9_node *newdir, const char *newname);
struct p9_fid *p9_fid_get(struct p9_server *s, uint32_t id);
int p9_fid_add(struct p9_server *s, uint32_t id, struct p9_node *node, uint32_t uid,
	       struct p9_fid **out);
/* Frees the fid; returns the result of committing a pending xattr (0 or -errno). */
int p9_fid_clunk(struct p9_server *s, uint32_t id);
void p9_fid_clunk_all(struct p9_server *s);
int p9_xattr_reserve(struct p9_server *s, size_t n);
void p9_xattr_release(struct p9_server *s, size_t n);

/* p9_walk.c */
int p9_check_name(const struct p9_str *n, char *out);
int p9_check_new_name(struct p9_server *s, struct p9_node *dir, const struct p9_str *n, char *out);
/* The root of a single-file share: the host's directory around the one
 * file, not the guest's (its mode, owner, times and xattrs stay as they are). */
bool p9_host_dir(const struct p9_server *s, const struct p9_node *n);
int p9_lookup(struct p9_server *s, struct p9_node *dir, const char *name, struct p9_node **out,
	      struct stat *st);
int p9_node_open(struct p9_server *s, struct p9_node *n, int flags);
int p9_node_stat(struct p9_node *n, struct stat *st);
void p9_qid_from_stat(const struct stat *st, struct p9_qid *q);
int p9_h_walk(struct p9_server *s, struct p9_rd *r, struct p9_wr *w);

/* p9_file.c */
int p9_h_lopen(struct p9_server *s, struct p9_rd *r, struct p9_wr *w);
int p9_h_lcreate(struct p9_server *s, struct p9_rd *r, struct p9_wr *w);
int p9_h_read(struct p9_server *s, struct p9_rd *r, struct p9_wr *w);
int p9_h_write(struct p9_server *s, struct p9_rd *r, struct p9_wr *w);
int p9_h_getattr(struct p9_server *s, struct p9_rd *r, struct p9_wr *w);
int p9_h_setattr(struct p9_server *s, struct p9_rd *r, struct p9_wr *w);
int p9_h_statfs(struct p9_server *s, struct p9_rd *r, struct p9_wr *w);
int p9_h_fsync(struct p9_server *s, struct p9_rd *r, struct p9_wr *w);
int p9_h_readlink(struct p9_server *s, struct p9_rd *r, struct p9_wr *w);

/* p9_dir.c */
int p9_h_readdir(struct p9_server *s, struct p9_rd *r, struct p9_wr *w);
int p9_h_mkdir(struct p9_server *s, struct p9_rd *r, struct p9_wr *w);
int p9_h_mknod(struct p9_server *s, struct p9_rd *r, struct p9_wr *w);
int p9_h_symlink(struct p9_server *s, struct p9_rd *r, struct p9_wr *w);
int p9_h_link(struct p9_server *s, struct p9_rd *r, struct p9_wr *w);
int p9_h_rename(struct p9_server *s, struct p9_rd *r, struct p9_wr *w);
int p9_h_renameat(struct p9_server *s, struct p9_rd *r, struct p9_wr *w);
int p9_h_unlinkat(struct p9_server *s, struct p9_rd *r, struct p9_wr *w);
int p9_h_remove(struct p9_server *s, struct p9_rd *r, struct p9_wr *w);

/* p9_xattr.c */
int p9_h_xattrwalk(struct p9_server *s, struct p9_rd *r, struct p9_wr *w);
int p9_h_xattrcreate(struct p9_server *s, struct p9_rd *r, struct p9_wr *w);
int p9_xattr_commit(struct p9_server *s, struct p9_fid *f);
int p9_xattr_read(struct p9_fid *f, uint64_t off, uint32_t count, struct p9_wr *w);
int p9_xattr_write(struct p9_fid *f, uint64_t off, const uint8_t *data, uint32_t count);

/* p9_lock.c */
int p9_h_lock(struct p9_server *s, struct p9_rd *r, struct p9_wr *w);
int p9_h_getlock(struct p9_server *s, struct p9_rd *r, struct p9_wr *w);

/* p9_owner.c: the ownership model. */
struct p9_owner_attr {
	uint32_t uid, gid, mode;
	uint64_t rdev;
};
/* Fills the guest's view of ownership, mode and rdev of a file whose host
 * stat is st; fd is an open (not O_PATH) descriptor of it or -1. */
void p9_owner_view(struct p9_server *s, struct p9_node *n, int fd, const struct stat *st,
		   struct p9_owner_attr *a);
/* After creating a file: passthrough chowns it to uid/gid; mapped records
 * uid/gid/mode(with type)/rdev in xattrs.  fd: O_PATH or open descriptor of it. */
int p9_owner_created(struct p9_server *s, struct p9_node *n, int fd, uint32_t uid, uint32_t gid,
		     uint32_t mode, uint64_t rdev);
/* Tsetattr mode / uid / gid (uid or gid (uint32_t)-1 = unchanged). */
int p9_owner_chmod(struct p9_server *s, struct p9_node *n, uint32_t mode);
int p9_owner_chown(struct p9_server *s, struct p9_node *n, uint32_t uid, uint32_t gid);
/* The host mode to create a file with (mapped: owner keeps access). */
mode_t p9_owner_host_mode(struct p9_server *s, mode_t type, uint32_t mode);
/* Pure mapping of a host owner, exposed for tests: owned by euid -> 0, else 65534. */
uint32_t p9_owner_map_id(uint32_t host_id, uint32_t self);

#endif
