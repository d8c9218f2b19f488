/* Where container state lives (runc's rules, with our name). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "fsutil.h"

/* True inside a user namespace other than the initial one: the initial
 * namespace maps every id to itself ("0 0 4294967295"). */
static bool in_user_namespace(void)
{
	unsigned long inside, outside, count;
	FILE *f = fopen("/proc/self/uid_map", "re");
	bool initial = false;

	if (!f)
		return false;
	if (fscanf(f, "%lu %lu %lu", &inside, &outside, &count) == 3)
		initial = inside == 0 && outside == 0 && count == 4294967295UL;
	fclose(f);
	return !initial;
}

/* runc's shouldHonorXDGRuntimeDir: unprivileged, or root of a user namespace
 * made by an unprivileged user (rootless podman runs the runtime as uid 0 of
 * its namespace, where /run is not writable), unless $USER says root. */
static bool honor_xdg_runtime_dir(const char *xdg)
{
	const char *user = getenv("USER");

	if (!xdg || !*xdg)
		return false;
	if (geteuid() != 0)
		return true;
	if (!in_user_namespace())
		return false;
	return !user || strcmp(user, "root") != 0;
}

int state_root_resolve(const char *flag, char **out, struct rerr **err)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	char *root = NULL;

	if (flag && *flag)
		root = strdup(flag);
	else if (honor_xdg_runtime_dir(xdg))
		(void)!asprintf(&root, "%s/runuml", xdg);
	else if (geteuid() != 0)
		(void)!asprintf(&root, "/tmp/runuml-%u", (unsigned)geteuid());
	else
		root = strdup("/run/runuml");
	if (!root)
		return rerr_make(err, ENOMEM, "resolving the state root");
	if (mkdir_p(root, 0700, err) < 0) {
		free(root);
		return -1;
	}
	*out = root;
	return 0;
}
