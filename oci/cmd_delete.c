/* runuml delete [--force|-f] <container-id> (RUNC/delete.go): a stopped
 * container is destroyed; a created one is killed first; a running or
 * paused one only with --force.  --force on an unknown id succeeds and
 * removes any half-created directory.  poststop hooks run; their failures
 * only warn. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "cli.h"
#include "container.h"
#include "container_id.h"
#include "fsutil.h"
#include "hooks.h"
#include "host_cgroup.h"
#include "log.h"
#include "oci_spec.h"

static void run_poststop(struct container *c)
{
	struct rerr *err = NULL;
	struct oci_spec *spec;

	if (!c->st.bundle || !*c->st.bundle)
		return;
	spec = oci_spec_load(c->st.bundle, false, NULL, NULL, &err);
	/* the monitor leaves its cgroup when it ends; not when it was killed */
	if (spec)
		host_cgroup_remove(spec->cgroups_path);
	if (spec && spec->n_hooks[OCI_HOOK_POSTSTOP]) {
		_cleanup_free_ char *json = NULL;
		c->st.status = ST_STOPPED;
		json = hooks_state_json(&c->st);
		if (json && hooks_run(spec, OCI_HOOK_POSTSTOP, json, &err) < 0)
			log_warn("%s", err->msg);
	}
	rerr_free(err);
	oci_spec_free(spec);
}

/* Stops the sandbox for good: SIGKILL to every process through the monitor,
 * then to the monitor itself if it lingers. */
static void kill_container(struct container *c)
{
	int32_t s = SIGKILL;

	if (container_request(c, CTL_SIGNAL, CTL_F_ALL, &s, sizeof(s), NULL, NULL) < 0 ||
	    !container_wait_gone(c, 10000)) {
		if (proc_is(c->st.pid, c->st.pid_start))
			kill(c->st.pid, SIGKILL);
		container_wait_gone(c, 5000);
	}
}

int cmd_delete(const struct global_opts *g, int argc, char **argv, struct rerr **err)
{
	static const struct option longopts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	bool force = false;
	struct container c;
	int ch;

	while ((ch = getopt_long(argc, argv, "+f", longopts, NULL)) != -1) {
		if (ch != 'f') {
			fprintf(stderr, "usage: runuml delete [--force] <container-id>\n");
			return rerr_make(err, 0, "delete: invalid option");
		}
		force = true;
	}
	if (argc - optind != 1) {
		fprintf(stderr, "usage: runuml delete [--force] <container-id>\n");
		return rerr_make(err, 0, "delete: expected exactly one container id");
	}
	const char *id = argv[optind];
	if (container_load(g, id, &c, err) < 0) {
		if (!force)
			return -1;
		rerr_free(*err);
		*err = NULL;
		if (container_id_validate(id, err) < 0)
			return -1;
		/* half-created or foreign: remove what is ours */
		_cleanup_free_ char *dir = NULL;
		struct stat sb;
		if (asprintf(&dir, "%s/%s", g->root, id) >= 0 && lstat(dir, &sb) == 0 &&
		    S_ISDIR(sb.st_mode))
			remove_tree_at(AT_FDCWD, dir);
		return 0;
	}
	switch (c.st.status) {
	case ST_RUNNING:
	case ST_PAUSED:
		if (!force) {
			int r = rerr_make(err, 0, "cannot delete container %s that is not stopped", id);
			container_free(&c);
			return r;
		}
		/* fallthrough */
	case ST_CREATED:
	case ST_CREATING:
		kill_container(&c);
		break;
	case ST_STOPPED:
		break;
	}
	run_poststop(&c);
	if (remove_tree_at(AT_FDCWD, c.dir) < 0) {
		int r = rerr_make(err, errno, "cannot remove state of `%s`", id);
		container_free(&c);
		return r;
	}
	container_free(&c);
	return 0;
}
