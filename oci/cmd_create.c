/* runuml create [--bundle|-b DIR] [--pid-file F] [--console-socket S]
 *               [--no-pivot] [--no-new-keyring] <container-id>
 *
 * Boots the sandbox up to "process prepared, waiting" and returns when the
 * container is `created` (RUNC/man/runc-create.8.md, runtime-spec "Create").
 * The pid file gets the monitor's pid, written atomically. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "cli.h"
#include "container.h"
#include "fdpass.h"
#include "fsutil.h"
#include "monitor_launch.h"
#include "oci_spec.h"

static void usage_create(void)
{
	fprintf(stderr, "usage: runuml create [--bundle|-b DIR] [--pid-file FILE] "
		"[--console-socket PATH] [-p|--publish [IP:]HOST:GUEST[/tcp|udp]]... <container-id>\n");
}

int create_and_maybe_start(const struct global_opts *g, const char *id, const char *bundle,
			   const char *pid_file, const char *console, bool start, struct rerr **err)
{
	struct monitor_launch ml = { .id = id, .bundle = bundle, .create = true, .console_fd = -1 };
	struct oci_spec *spec;
	pid_t pid = -1;
	int r;

	spec = oci_spec_load(bundle, true, NULL, NULL, err);
	if (!spec)
		return -1;
	bool terminal = spec->process.terminal;
	oci_spec_free(spec);
	if (terminal && !console)
		return rerr_make(err, 0, "cannot allocate tty if runuml will detach without setting "
				 "console socket");
	if (!terminal && console)
		return rerr_make(err, 0, "cannot use console socket if runuml will not allocate tty");
	if (monitor_launch_prepare(g, &ml, err) < 0) {
		free(ml.state_dir);
		return -1;
	}
	if (terminal && console_send_new_pty(console, &ml.console_fd, err) < 0) {
		remove_tree_at(AT_FDCWD, ml.state_dir);
		free(ml.state_dir);
		return -1;
	}
	r = monitor_launch_detached(g, &ml, &pid, err);
	if (ml.console_fd >= 0)
		close(ml.console_fd);
	if (r == 0 && pid_file && write_pid_file(pid_file, pid, err) < 0)
		r = -1;
	if (r == 0 && start) {
		struct container c;
		r = container_load(g, id, &c, err);
		if (r == 0)
			r = container_request(&c, CTL_M_START, 0, NULL, 0, NULL, err);
		container_free(&c);
	}
	if (r < 0 && pid > 0) { /* undo: the monitor and its state */
		kill(pid, SIGKILL);
		struct container c;
		if (container_load(g, id, &c, NULL) == 0) {
			container_wait_gone(&c, 5000);
			container_free(&c);
		}
		remove_tree_at(AT_FDCWD, ml.state_dir);
	}
	free(ml.state_dir);
	return r < 0 ? -1 : 0;
}

int cmd_create(const struct global_opts *g, int argc, char **argv, struct rerr **err)
{
	static const struct option longopts[] = {
		{ "bundle", required_argument, NULL, 'b' },
		{ "pid-file", required_argument, NULL, 'i' },
		{ "publish", required_argument, NULL, 'p' },
		{ "console-socket", required_argument, NULL, 'c' },
		{ "no-pivot", no_argument, NULL, 'P' },
		{ "no-new-keyring", no_argument, NULL, 'K' },
		{ "preserve-fds", required_argument, NULL, 'F' },
		{ "pidfd-socket", required_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	_cleanup_free_ char *bundle = NULL;
	/* -p/--publish: added to the global --publish list */
	_cleanup_free_ char *publish = g->publish ? strdup(g->publish) : NULL;
	struct global_opts gg = *g;
	const char *bundle_arg = ".", *pid_file = NULL, *console = NULL;
	int c;

	while ((c = getopt_long(argc, argv, "+b:p:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'b': bundle_arg = optarg; break;
		case 'i': pid_file = optarg; break;
		case 'p':
			if (cli_publish_add(&publish, optarg, err) < 0)
				return -1;
			gg.publish = publish;
			break;
		case 'c': console = optarg; break;
		case 'P': case 'K': break; /* accepted: meaningless for a VM */
		case 'F':
			if (strcmp(optarg, "0"))
				return rerr_make(err, 0, "create: --preserve-fds is not supported yet");
			break;
		case 'D':
			return rerr_make(err, 0, "create: --pidfd-socket is not supported yet");
		case 'h': usage_create(); return 0;
		default: usage_create(); return rerr_make(err, 0, "create: invalid option");
		}
	}
	if (argc - optind != 1) {
		usage_create();
		return rerr_make(err, 0, "create: expected exactly one container id, got %d",
				 argc - optind);
	}
	bundle = abs_path(bundle_arg, err);
	if (!bundle)
		return rerr_wrap(err, "cannot use bundle");
	return create_and_maybe_start(&gg, argv[optind], bundle, pid_file, console, false, err);
}
