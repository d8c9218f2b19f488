/* How host files reach the guest.  TEMPORARY transport: UML's hostfs, until
 * the 9P proxy (hostfs-proxy/, issue 3) replaces it behind this same
 * interface.  hostfs lets the guest kernel open host paths itself, which is
 * exactly what the proxy exists to prevent; it is only a stepping stone.
 *
 * Bind sources are resolved and checked here, so a missing source is a
 * one-line host-side error before anything boots. */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "fsutil.h"
#include "monitor.h"

static int src_set(struct launch_src *s, const char *path, bool dir, struct rerr **err)
{
	_cleanup_free_ char *copy = strdup(path);

	if (!copy)
		return rerr_make(err, ENOMEM, "preparing mounts");
	s->fstype = strdup("hostfs");
	s->source = strdup("none");
	if (dir) {
		s->data = strdup(path);
	} else {
		s->file = strdup(basename(copy));
		s->data = strdup(dirname(copy));
	}
	if (!s->fstype || !s->source || !s->data || (!dir && !s->file))
		return rerr_make(err, ENOMEM, "preparing mounts");
	return 0;
}

int transport_prepare(struct transport *t, const struct oci_spec *spec, const char *bundle,
		      const char *state_dir, struct kernel_args *ka, struct rerr **err)
{
	_cleanup_free_ char *root_rel = NULL, *root = NULL;
	struct stat st;

	memset(t, 0, sizeof(*t));
	t->helper = -1;
	if (spec->root_path[0] == '/')
		root_rel = strdup(spec->root_path);
	else if (asprintf(&root_rel, "%s/%s", bundle, spec->root_path) < 0)
		root_rel = NULL;
	if (!root_rel)
		return rerr_make(err, ENOMEM, "preparing the root file system");
	root = realpath(root_rel, NULL);
	if (!root || stat(root, &st) < 0)
		return rerr_make(err, errno, "cannot use root file system `%s`", root_rel);
	if (!S_ISDIR(st.st_mode))
		return rerr_make(err, ENOTDIR, "cannot use root file system `%s`", root_rel);
	if (src_set(&t->root, root, true, err) < 0)
		return -1;
	t->binds = calloc(spec->n_mounts + 1, sizeof(*t->binds));
	if (!t->binds)
		return rerr_make(err, ENOMEM, "preparing mounts");
	t->n_binds = spec->n_mounts;
	for (size_t i = 0; i < spec->n_mounts; i++) {
		const struct oci_mount *m = &spec->mounts[i];
		_cleanup_free_ char *src = NULL;
		if (!m->bind)
			continue;
		src = realpath(m->source, NULL);
		if (!src || stat(src, &st) < 0)
			return rerr_make(err, errno, "cannot bind-mount `%s` on `%s`", m->source,
					 m->destination);
		if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
			return rerr_make(err, 0, "cannot bind-mount `%s` on `%s`: only directories and "
					 "regular files can be shared", m->source, m->destination);
		if (src_set(&t->binds[i], src, S_ISDIR(st.st_mode), err) < 0)
			return -1;
	}
	return 0;
}

void transport_release(struct transport *t)
{
	launch_src_clear(&t->root);
	for (size_t i = 0; t->binds && i < t->n_binds; i++)
		launch_src_clear(&t->binds[i]);
	free(t->binds);
	t->binds = NULL;
	cleanup_pidp(&t->helper);
}
