/* How host files reach the guest: every share -- the container's root and
 * each bind mount -- is served by runuml-9p (hostfs-proxy/) over 9P2000.L,
 * one vhost-user virtio-9p device per share, because linux 6.1's
 * trans_virtio allows one mount per channel.  The guest kernel has no
 * host-file access of its own (CONFIG_HOSTFS is off).
 *
 * The monitor makes, per share, a listening socket <state>/9p-N.sock and an
 * O_PATH descriptor of the shared directory (a single-file bind shares its
 * directory with only that name visible), hands both to one runuml-9p
 * process, and names the sockets on the kernel command line
 * (virtio_uml.device=9p-N.sock:9, relative to the kernel's working
 * directory, the state directory).  Bind sources are resolved here, so a
 * missing source is a one-line host-side error before anything boots.
 *
 * Guest mount options (docs/hostfs-9p.md explains each): */
#define P9_MOUNT_DATA "trans=virtio,version=9p2000.L,msize=512000,cache=mmap,access=client"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "monitor.h"
#include "mount_points.h"
#include "unix_listen.h"

#define MAX_SHARES 48  /* each is a virtio device with its own interrupt in UML */

struct share {
	int listen_fd, root_fd;
	char tag[32];
	char flags[4];
	char *only;  /* single-file share: the file's name */
};

static int src_set(struct launch_src *s, const char *tag, const char *file)
{
	s->fstype = strdup("9p");
	s->source = strdup(tag);
	s->data = strdup(P9_MOUNT_DATA);
	s->file = file ? strdup(file) : NULL;
	return s->fstype && s->source && s->data && (!file || s->file) ? 0 : -1;
}

static bool has_option(char **opts, const char *o)
{
	for (; opts && *opts; opts++)
		if (!strcmp(*opts, o))
			return true;
	return false;
}

/* Adds a share of path (a directory, or a regular file shared through its
 * directory) and the kernel argument naming its device. */
static int share_add(struct share *sh, size_t idx, int state_fd, const char *state_dir,
		     const char *path, bool dir, const char *flags, struct launch_src *src,
		     struct kernel_args *ka, struct rerr **err)
{
	_cleanup_free_ char *copy = strdup(path), *parent = strdup(path);
	char sock[32];

	if (!copy || !parent)
		return rerr_make(err, ENOMEM, "preparing mounts");
	snprintf(sh->tag, sizeof(sh->tag), "runuml%zu", idx);
	snprintf(sh->flags, sizeof(sh->flags), "%s", flags);
	snprintf(sock, sizeof(sock), "9p-%zu.sock", idx);
	if (!dir) {
		sh->only = strdup(basename(copy));
		if (!sh->only)
			return rerr_make(err, ENOMEM, "preparing mounts");
	}
	sh->root_fd = open(dir ? path : dirname(parent), O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (sh->root_fd < 0)
		return rerr_make(err, errno, "cannot open `%s`", path);
	sh->listen_fd = unix_listen_at(state_fd, state_dir, sock, 1, err);
	if (sh->listen_fd < 0)
		return -1;
	if (src_set(src, sh->tag, sh->only) < 0)
		return rerr_make(err, ENOMEM, "preparing mounts");
	if (kernel_args_add(ka, "virtio_uml.device=%s:9", sock) < 0)
		return rerr_make(err, E2BIG, "too many mounts for the kernel command line");
	return 0;
}

static void shares_close(struct share *sh, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (sh[i].listen_fd >= 0)
			close(sh[i].listen_fd);
		if (sh[i].root_fd >= 0)
			close(sh[i].root_fd);
		free(sh[i].only);
	}
}

/* root.readonly: the server refuses every write to the root, so the mount
 * points the guest would create there are made now, from the host. */
static int make_mount_points(int root_fd, const struct oci_spec *spec, const struct transport *t,
			     struct rerr **err)
{
	for (size_t i = 0; i < spec->n_mounts; i++) {
		bool file = t->binds[i].file != NULL;
		if (mount_point_make(root_fd, spec->mounts[i].destination, file, err) < 0)
			return -1;
	}
	return 0;
}

static int spawn_proxy(struct transport *t, const char *proxy, const char *state_dir,
		       struct share *sh, size_t n, struct rerr **err)
{
	char *argv[12 + 2 * MAX_SHARES] = { 0 };
	int keep[2 * MAX_SHARES];
	size_t a = 0, k = 0;
	int rc = -1;

	argv[a++] = strdup("runuml-9p");
	if (asprintf(&argv[a++], "--parent=%d", (int)getpid()) < 0 ||
	    asprintf(&argv[a++], "--empty-root=%s/9p-root", state_dir) < 0)
		goto out;
	argv[a++] = strdup(geteuid() == 0 ? "--owner=passthrough" : "--owner=mapped");
	if (getenv("RUNUML_9P_DEBUG"))
		argv[a++] = strdup("--debug");
	/* tests/hostfs-9p.bats: proves the seccomp filter kills the server */
	if (getenv("RUNUML_TEST_9P_FORBIDDEN_SYSCALL"))
		argv[a++] = strdup("--unsafe-test-forbidden-syscall");
	for (size_t i = 0; i < n; i++) {
		argv[a++] = strdup("--share");
		if (asprintf(&argv[a++], "%d:%d:%s:%s%s%s", sh[i].listen_fd, sh[i].root_fd, sh[i].tag,
			     sh[i].flags, sh[i].only ? ":" : "", sh[i].only ? sh[i].only : "") < 0)
			goto out;
		keep[k++] = sh[i].listen_fd;
		keep[k++] = sh[i].root_fd;
	}
	for (size_t i = 0; i < a; i++)
		if (!argv[i]) {
			rerr_make(err, ENOMEM, "starting the file server");
			goto out;
		}
	rc = helper_spawn(&t->proxy, "runuml-9p", proxy, argv, state_dir, keep, k, err);
out:
	if (rc < 0 && !*err)
		rerr_make(err, ENOMEM, "starting the file server");
	for (size_t i = 0; i < a; i++)
		free(argv[i]);
	return rc;
}

/* The absolute, symlink-free path of the root; checked to be a directory. */
static char *root_path(const struct oci_spec *spec, const char *bundle, struct rerr **err)
{
	_cleanup_free_ char *rel = NULL;
	struct stat st;
	char *root;

	if (spec->root_path[0] == '/')
		rel = strdup(spec->root_path);
	else if (asprintf(&rel, "%s/%s", bundle, spec->root_path) < 0)
		rel = NULL;
	if (!rel) {
		rerr_make(err, ENOMEM, "preparing the root file system");
		return NULL;
	}
	root = realpath(rel, NULL);
	if (!root || stat(root, &st) < 0 || !S_ISDIR(st.st_mode)) {
		rerr_make(err, root ? ENOTDIR : errno, "cannot use root file system `%s`", rel);
		free(root);
		return NULL;
	}
	return root;
}

int transport_prepare(struct transport *t, const struct oci_spec *spec, const char *bundle,
		      const char *state_dir, const char *proxy, struct kernel_args *ka,
		      struct rerr **err)
{
	_cleanup_free_ char *root = NULL, *empty = NULL;
	_cleanup_close_ int state_fd = -1;
	struct share sh[MAX_SHARES];
	size_t n = 0;
	int rc = -1;

	memset(t, 0, sizeof(*t));
	t->proxy.pid = -1;
	for (size_t i = 0; i < MAX_SHARES; i++)
		sh[i] = (struct share){ .listen_fd = -1, .root_fd = -1 };
	root = root_path(spec, bundle, err);
	if (!root)
		return -1;
	state_fd = open(state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (state_fd < 0)
		return rerr_make(err, errno, "cannot open state directory `%s`", state_dir);
	t->binds = calloc(spec->n_mounts + 1, sizeof(*t->binds));
	if (!t->binds)
		return rerr_make(err, ENOMEM, "preparing mounts");
	t->n_binds = spec->n_mounts;
	/* device nodes are never made on the host through the root share */
	if (share_add(&sh[n], n, state_fd, state_dir, root, true, spec->root_readonly ? "rd" : "d",
		      &t->root, ka, err) < 0)
		goto out;
	n++;
	for (size_t i = 0; i < spec->n_mounts; i++) {
		const struct oci_mount *m = &spec->mounts[i];
		_cleanup_free_ char *src = NULL;
		struct stat st;
		char flags[4] = "";
		if (!m->bind)
			continue;
		src = realpath(m->source, NULL);
		if (!src || stat(src, &st) < 0) {
			rerr_make(err, errno, "cannot bind-mount `%s` on `%s`", m->source, m->destination);
			goto out;
		}
		if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode)) {
			rerr_make(err, 0, "cannot bind-mount `%s` on `%s`: only directories and regular "
				  "files can be shared", m->source, m->destination);
			goto out;
		}
		if (n >= MAX_SHARES) {
			rerr_make(err, E2BIG, "too many bind mounts (at most %d)", MAX_SHARES - 1);
			goto out;
		}
		if (m->ro)
			strcat(flags, "r");
		if (has_option(m->options, "nosuid"))
			strcat(flags, "s");
		if (has_option(m->options, "nodev"))
			strcat(flags, "d");
		if (share_add(&sh[n], n, state_fd, state_dir, src, S_ISDIR(st.st_mode),
			      flags[0] ? flags : "-", &t->binds[i], ka, err) < 0)
			goto out;
		n++;
	}
	if (spec->root_readonly && make_mount_points(sh[0].root_fd, spec, t, err) < 0)
		goto out;
	if (asprintf(&empty, "%s/9p-root", state_dir) < 0 || mkdir(empty, 0500) < 0) {
		rerr_make(err, errno, "cannot create `%s/9p-root`", state_dir);
		goto out;
	}
	rc = spawn_proxy(t, proxy, state_dir, sh, n, err);
out:
	shares_close(sh, n < MAX_SHARES ? n + 1 : n);
	return rc;
}

void transport_release(struct transport *t)
{
	launch_src_clear(&t->root);
	for (size_t i = 0; t->binds && i < t->n_binds; i++)
		launch_src_clear(&t->binds[i]);
	free(t->binds);
	t->binds = NULL;
	helper_release(&t->proxy);
}
