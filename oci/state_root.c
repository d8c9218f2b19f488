/* Where container state lives (runc's rules, with our name). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "fsutil.h"

int state_root_resolve(const char *flag, char **out, struct rerr **err)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	char *root = NULL;

	if (flag && *flag)
		root = strdup(flag);
	else if (geteuid() != 0 && xdg && *xdg)
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
