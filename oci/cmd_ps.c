/* runuml ps [--format table|json] <container-id> [ps options]: the host
 * PIDs of the sandbox (RUNC/man/runc-ps.8.md: "the PIDs shown are the host
 * PIDs") -- the monitor, the kernel and one host process per guest address
 * space. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "cli.h"
#include "container.h"

int cmd_ps(const struct global_opts *g, int argc, char **argv, struct rerr **err)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	_cleanup_free_ char *pids = NULL;
	bool json = false;
	struct container c;
	int ch, r;

	while ((ch = getopt_long(argc, argv, "+f:", longopts, NULL)) != -1) {
		if (ch == 'f' && (!strcmp(optarg, "json") || !strcmp(optarg, "table")))
			json = !strcmp(optarg, "json");
		else
			return rerr_make(err, 0, "ps: invalid option (use --format table|json)");
	}
	if (argc - optind < 1)
		return rerr_make(err, 0, "ps: expected a container id");
	if (container_load(g, argv[optind], &c, err) < 0)
		return -1;
	if (c.st.status == ST_STOPPED) {
		container_free(&c);
		return rerr_make(err, 0, "container not running");
	}
	r = container_request(&c, CTL_M_PS, 0, NULL, 0, &pids, err);
	container_free(&c);
	if (r < 0)
		return -1;
	if (json) {
		printf("%s\n", pids);
		return 0;
	}
	/* table: ps(1) over those pids, with the caller's options */
	char *args[64];
	int n = 0;
	args[n++] = "ps";
	for (int i = optind + 1; i < argc && n < 60; i++)
		args[n++] = argv[i];
	if (n == 1)
		args[n++] = "-f";
	for (char *p = pids; *p; p++)
		if (*p == '[' || *p == ']')
			*p = ' ';
	args[n++] = "-p";
	args[n++] = pids;
	args[n] = NULL;
	fflush(stdout);
	execvp("ps", args);
	return rerr_make(err, 0, "cannot run ps");
}
