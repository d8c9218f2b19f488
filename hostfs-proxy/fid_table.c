/* Fids and nodes of one 9P server (see p9_impl.h): a small chained hash of
 * fids, reference-counted nodes on one list, and the bounds on both. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "p9_impl.h"

struct p9_node *p9_node_new(struct p9_server *s, struct p9_node *parent, const char *name,
			    size_t name_len, int fd, const struct stat *st)
{
	struct p9_node *n;

	if (s->n_nodes >= P9_MAX_NODES)
		return NULL;
	n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	if (name) {
		n->name = strndup(name, name_len);
		if (!n->name) {
			free(n);
			return NULL;
		}
	}
	n->parent = parent ? p9_node_ref(parent) : NULL;
	n->fd = fd;
	n->refs = 1;
	n->type = st->st_mode & S_IFMT;
	n->dev = st->st_dev;
	n->ino = st->st_ino;
	n->next = s->nodes;
	if (s->nodes)
		s->nodes->prev = n;
	s->nodes = n;
	s->n_nodes++;
	return n;
}

struct p9_node *p9_node_ref(struct p9_node *n)
{
	n->refs++;
	return n;
}

void p9_node_unref(struct p9_server *s, struct p9_node *n)
{
	while (n && --n->refs == 0) {
		struct p9_node *parent = n->parent;

		if (n->prev)
			n->prev->next = n->next;
		else
			s->nodes = n->next;
		if (n->next)
			n->next->prev = n->prev;
		if (n->fd >= 0)
			close(n->fd);
		free(n->name);
		free(n);
		s->n_nodes--;
		n = parent;
	}
}

/* A rename done through this server: every node reached as olddir/oldname
 * (any node of the same directory inode) is now newdir/newname. */
void p9_nodes_renamed(struct p9_server *s, const struct p9_node *olddir, const char *oldname,
		      struct p9_node *newdir, const char *newname)
{
	/* copies: the caller holds olddir, but re-pointing may free other
	 * nodes of the same directory */
	const ino_t oino = olddir->ino;
	const dev_t odev = olddir->dev;

	for (struct p9_node *n = s->nodes; n; n = n->next) {
		if (!n->parent || n->parent->ino != oino || n->parent->dev != odev ||
		    strcmp(n->name, oldname))
			continue;
		bool cycle = false;
		for (const struct p9_node *a = newdir; a; a = a->parent)
			cycle |= a == n;
		if (cycle)
			continue;  /* a stale graph; leave it (reopening answers ESTALE) */
		char *nm = strdup(newname);
		if (!nm)
			continue;   /* stays stale: reopening it answers ESTALE */
		free(n->name);
		n->name = nm;
		if (n->parent != newdir) {
			struct p9_node *old = n->parent;
			n->parent = p9_node_ref(newdir);
			p9_node_unref(s, old);
		}
	}
}

static unsigned bucket(uint32_t id)
{
	return (id * 2654435761u) >> 22; /* 10 bits: P9_FID_BUCKETS */
}

struct p9_fid *p9_fid_get(struct p9_server *s, uint32_t id)
{
	for (struct p9_fid *f = s->fids[bucket(id)]; f; f = f->hnext)
		if (f->id == id)
			return f;
	return NULL;
}

int p9_fid_add(struct p9_server *s, uint32_t id, struct p9_node *node, uint32_t uid,
	       struct p9_fid **out)
{
	struct p9_fid *f;

	if (id == P9_NOFID)
		return -EBADF;
	if (p9_fid_get(s, id))
		return -EBADF;
	if (s->n_fids >= P9_MAX_FIDS)
		return -EMFILE;
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->id = id;
	f->kind = P9_FID_NODE;
	f->node = p9_node_ref(node);
	f->uid = uid;
	f->fd = -1;
	f->lock_fd = -1;
	f->hnext = s->fids[bucket(id)];
	s->fids[bucket(id)] = f;
	s->n_fids++;
	if (out)
		*out = f;
	return 0;
}

/* xattr buffers of every server in the process: one runuml-9p serves all
 * the shares of a container, so the bound is the process's (the servers
 * run on one thread). */
static size_t xattr_bytes;

int p9_xattr_reserve(struct p9_server *s, size_t n)
{
	(void)s;
	if (n > P9_XATTR_BUDGET - xattr_bytes)
		return -ENOSPC;
	xattr_bytes += n;
	return 0;
}

void p9_xattr_release(struct p9_server *s, size_t n)
{
	(void)s;
	xattr_bytes -= n;
}

static void fid_free(struct p9_server *s, struct p9_fid *f)
{
	if (f->fd >= 0)
		close(f->fd);
	if (f->lock_fd >= 0)
		close(f->lock_fd);
	if (f->xbuf)
		p9_xattr_release(s, f->xsize);
	free(f->xbuf);
	free(f->xname);
	p9_node_unref(s, f->node);
	free(f);
	s->n_fids--;
}

int p9_fid_clunk(struct p9_server *s, uint32_t id)
{
	struct p9_fid **pp = &s->fids[bucket(id)];
	int rc = 0;

	for (; *pp; pp = &(*pp)->hnext) {
		struct p9_fid *f = *pp;
		if (f->id != id)
			continue;
		*pp = f->hnext;
		if (f->kind == P9_FID_XWRITE)
			rc = p9_xattr_commit(s, f);
		fid_free(s, f);
		return rc;
	}
	return -EBADF;
}

void p9_fid_clunk_all(struct p9_server *s)
{
	for (unsigned b = 0; b < P9_FID_BUCKETS; b++) {
		while (s->fids[b]) {
			struct p9_fid *f = s->fids[b];
			s->fids[b] = f->hnext;
			fid_free(s, f);
		}
	}
}
