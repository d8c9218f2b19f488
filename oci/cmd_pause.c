/* runuml pause|resume <container-id>: freezes and thaws the whole sandbox
 * (docker pause/unpause land here). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "container.h"

static int pause_resume(const struct global_opts *g, int argc, char **argv, bool pause,
			struct rerr **err)
{
	struct container c;
	int r;

	if (argc != 2)
		return rerr_make(err, 0, "%s: expected exactly one container id", argv[0]);
	if (container_load(g, argv[1], &c, err) < 0)
		return -1;
	if (pause && c.st.status != ST_RUNNING)
		r = rerr_make(err, 0, "container not running");
	else if (!pause && c.st.status != ST_PAUSED)
		r = rerr_make(err, 0, "container not paused");
	else
		r = container_request(&c, pause ? CTL_M_PAUSE : CTL_M_RESUME, 0, NULL, 0, NULL, err);
	if (r == 0) {
		c.st.status = pause ? ST_PAUSED : ST_RUNNING;
		r = state_file_write(c.dirfd, &c.st, err);
	}
	container_free(&c);
	return r < 0 ? -1 : 0;
}

int cmd_pause(const struct global_opts *g, int argc, char **argv, struct rerr **err)
{
	return pause_resume(g, argc, argv, true, err);
}

int cmd_resume(const struct global_opts *g, int argc, char **argv, struct rerr **err)
{
	return pause_resume(g, argc, argv, false, err);
}
