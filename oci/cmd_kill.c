/* runuml kill [--all|-a] <container-id> [signal]: signal by name (with or
 * without SIG) or number, default SIGTERM (RUNC/man/runc-kill.8.md).  Works
 * for created and running containers; with --all a stopped container is not
 * an error (RUNC/kill.go). */
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h"
#include "container.h"

int cmd_kill(const struct global_opts *g, int argc, char **argv, struct rerr **err)
{
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	bool all = false;
	struct container c;
	int sig = SIGTERM, ch, r;

	while ((ch = getopt_long(argc, argv, "+a", longopts, NULL)) != -1) {
		if (ch != 'a') {
			fprintf(stderr, "usage: runuml kill [--all] <container-id> [signal]\n");
			return rerr_make(err, 0, "kill: invalid option");
		}
		all = true;
	}
	if (argc - optind < 1 || argc - optind > 2) {
		fprintf(stderr, "usage: runuml kill [--all] <container-id> [signal]\n");
		return rerr_make(err, 0, "kill: expected a container id and an optional signal");
	}
	if (argc - optind == 2 && (sig = parse_signal_arg(argv[optind + 1], err)) < 0)
		return -1;
	if (container_load(g, argv[optind], &c, err) < 0)
		return -1;
	if (c.st.status == ST_STOPPED || c.st.status == ST_CREATING) {
		r = all ? 0 : rerr_make(err, 0, "container not running");
	} else {
		int32_t s = sig;
		r = container_request(&c, CTL_SIGNAL, all ? CTL_F_ALL : 0, &s, sizeof(s), NULL, err);
	}
	container_free(&c);
	return r < 0 ? -1 : 0;
}
