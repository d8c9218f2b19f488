/* runuml start <container-id>: runs the prepared process of a created
 * container (runtime-spec "Start"). */
#include <stdio.h>

#include "cli.h"
#include "container.h"

int cmd_start(const struct global_opts *g, int argc, char **argv, struct rerr **err)
{
	struct container c;
	int r;

	if (argc != 2) {
		fprintf(stderr, "usage: runuml start <container-id>\n");
		return rerr_make(err, 0, "start: expected exactly one container id");
	}
	if (container_load(g, argv[1], &c, err) < 0)
		return -1;
	switch (c.st.status) {
	case ST_CREATED:
		r = container_request(&c, CTL_M_START, 0, NULL, 0, NULL, err);
		break;
	case ST_STOPPED:
		r = rerr_make(err, 0, "cannot start a container that has stopped");
		break;
	case ST_RUNNING:
	case ST_PAUSED:
		r = rerr_make(err, 0, "cannot start an already running container");
		break;
	default:
		r = rerr_make(err, 0, "cannot start a container that is not created yet");
		break;
	}
	container_free(&c);
	return r < 0 ? -1 : 0;
}
