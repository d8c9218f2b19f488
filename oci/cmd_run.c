/* runuml run [--bundle|-b DIR] [--keep] <container-id>
 *
 * Creates and runs a container in the foreground (RUNC/man/runc-run.8.md):
 * everything in config.json is checked here first, so a bad bundle is a
 * one-line error with nothing created; then this process becomes the
 * container's monitor, keeps the caller's stdio and exits with the
 * container's status. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "cli.h"
#include "container_id.h"
#include "fsutil.h"
#include "oci_spec.h"

static void usage_run(void)
{
	fprintf(stderr, "usage: runuml run [--bundle|-b DIR] [--keep] <container-id>\n");
}

int cmd_run(const struct global_opts *g, int argc, char **argv, struct rerr **err)
{
	static const struct option longopts[] = {
		{ "bundle", required_argument, NULL, 'b' },
		{ "keep", no_argument, NULL, 'k' },
		{ "no-subreaper", no_argument, NULL, 'S' },
		{ "no-pivot", no_argument, NULL, 'P' },
		{ "no-new-keyring", no_argument, NULL, 'K' },
		{ "detach", no_argument, NULL, 'd' },
		{ "pid-file", required_argument, NULL, 'p' },
		{ "console-socket", required_argument, NULL, 'c' },
		{ "preserve-fds", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	_cleanup_free_ char *bundle = NULL, *state_dir = NULL, *monitor = NULL;
	const char *bundle_arg = ".";
	bool keep = false;
	struct oci_spec *spec;
	int c;

	while ((c = getopt_long(argc, argv, "+b:dh", longopts, NULL)) != -1) {
		switch (c) {
		case 'b': bundle_arg = optarg; break;
		case 'k': keep = true; break;
		case 'S': case 'P': case 'K': break; /* meaningless for a VM; accepted */
		case 'd': case 'p': case 'c': case 'F':
			return rerr_make(err, 0, "run: option `%s` is not supported yet",
					 argv[optind - 1]);
		case 'h': usage_run(); return 0;
		default: usage_run(); return rerr_make(err, 0, "run: invalid option");
		}
	}
	if (argc - optind != 1) {
		usage_run();
		return rerr_make(err, 0, "run: expected exactly one container id, got %d",
				 argc - optind);
	}
	const char *id = argv[optind];
	if (container_id_validate(id, err) < 0)
		return -1;
	bundle = abs_path(bundle_arg, err);
	if (!bundle)
		return rerr_wrap(err, "cannot use bundle");
	spec = oci_spec_load(bundle, true, NULL, NULL, err);
	if (!spec)
		return -1;
	oci_spec_free(spec);

	if (asprintf(&state_dir, "%s/%s", g->root, id) < 0 ||
	    asprintf(&monitor, "%s/runuml-monitor", g->libexec ? g->libexec : ".") < 0)
		return rerr_make(err, ENOMEM, "run");
	if (access(monitor, X_OK) < 0)
		return rerr_make(err, errno, "cannot find the monitor `%s`", monitor);
	if (mkdir(state_dir, 0700) < 0) {
		if (errno == EEXIST)
			return rerr_make(err, 0, "container with id `%s` already exists", id);
		return rerr_make(err, errno, "cannot create state directory `%s`", state_dir);
	}

	char *args[16];
	int n = 0;
	args[n++] = "runuml-monitor";
	args[n++] = "--state-dir";
	args[n++] = state_dir;
	args[n++] = "--bundle";
	args[n++] = bundle;
	args[n++] = "--id";
	args[n++] = (char *)id;
	if (g->log_path) {
		args[n++] = "--log";
		args[n++] = (char *)g->log_path;
		args[n++] = "--log-format";
		args[n++] = g->log_format == LOG_JSON ? "json" : "text";
	}
	if (g->debug)
		args[n++] = "--debug";
	if (keep)
		args[n++] = "--keep";
	args[n] = NULL;
	execv(monitor, args);
	int e = errno;
	remove_tree_at(AT_FDCWD, state_dir);
	return rerr_make(err, e, "cannot execute the monitor `%s`", monitor);
}
