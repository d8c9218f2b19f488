/* runuml run [--bundle|-b DIR] [--detach|-d] [--keep] [--pid-file F]
 *            [--console-socket S] <container-id>
 *
 * Creates and runs a container (RUNC/man/runc-run.8.md).  Foreground: this
 * process becomes the container's monitor, keeps the caller's stdio and exits
 * with the container's status.  --detach: `create` + `start`. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "cli.h"
#include "container.h"
#include "fsutil.h"
#include "monitor_launch.h"

static void usage_run(void)
{
	fprintf(stderr, "usage: runuml run [--bundle|-b DIR] [--detach|-d] [--keep] "
		"[--pid-file FILE] [--console-socket PATH] [-p|--publish [IP:]HOST:GUEST[/tcp|udp]]... "
		"<container-id>\n");
}

int cmd_run(const struct global_opts *g, int argc, char **argv, struct rerr **err)
{
	static const struct option longopts[] = {
		{ "bundle", required_argument, NULL, 'b' },
		{ "keep", no_argument, NULL, 'k' },
		{ "detach", no_argument, NULL, 'd' },
		{ "pid-file", required_argument, NULL, 'i' },
		{ "publish", required_argument, NULL, 'p' },
		{ "console-socket", required_argument, NULL, 'c' },
		{ "no-subreaper", no_argument, NULL, 'S' },
		{ "no-pivot", no_argument, NULL, 'P' },
		{ "no-new-keyring", no_argument, NULL, 'K' },
		{ "preserve-fds", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	_cleanup_free_ char *bundle = NULL;
	/* -p/--publish: added to the global --publish list */
	_cleanup_free_ char *publish = g->publish ? strdup(g->publish) : NULL;
	struct global_opts gg = *g;
	const char *bundle_arg = ".", *pid_file = NULL, *console = NULL;
	bool keep = false, detach = false;
	int c;

	while ((c = getopt_long(argc, argv, "+b:dp:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'b': bundle_arg = optarg; break;
		case 'k': keep = true; break;
		case 'd': detach = true; break;
		case 'i': pid_file = optarg; break;
		case 'p':
			if (cli_publish_add(&publish, optarg, err) < 0)
				return -1;
			gg.publish = publish;
			break;
		case 'c': console = optarg; break;
		case 'S': case 'P': case 'K': break; /* meaningless for a VM; accepted */
		case 'F':
			if (strcmp(optarg, "0"))
				return rerr_make(err, 0, "run: --preserve-fds is not supported yet");
			break;
		case 'h': usage_run(); return 0;
		default: usage_run(); return rerr_make(err, 0, "run: invalid option");
		}
	}
	if (argc - optind != 1) {
		usage_run();
		return rerr_make(err, 0, "run: expected exactly one container id, got %d",
				 argc - optind);
	}
	bundle = abs_path(bundle_arg, err);
	if (!bundle)
		return rerr_wrap(err, "cannot use bundle");
	if (detach)
		return create_and_maybe_start(&gg, argv[optind], bundle, pid_file, console, true, err);
	if (console)
		return rerr_make(err, 0, "cannot use console socket if runuml will not detach");
	struct monitor_launch ml = { .id = argv[optind], .bundle = bundle, .keep = keep,
				     .console_fd = -1 };
	if (monitor_launch_prepare(&gg, &ml, err) < 0)
		return -1;
	return monitor_launch_exec(&gg, &ml, err);
}
