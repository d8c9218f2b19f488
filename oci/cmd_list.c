/* runuml list [--format table|json] [--quiet|-q]: every container under the
 * state root.  Directories that hold no state of ours (docker points every
 * path runtime at one root) are skipped, never an error. */
#include <dirent.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "container.h"
#include "container_id.h"

int cmd_list(const struct global_opts *g, int argc, char **argv, struct rerr **err)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 },
	};
	bool json = false, quiet = false;
	int ch;

	while ((ch = getopt_long(argc, argv, "+f:q", longopts, NULL)) != -1) {
		if (ch == 'f' && (!strcmp(optarg, "json") || !strcmp(optarg, "table")))
			json = !strcmp(optarg, "json");
		else if (ch == 'q')
			quiet = true;
		else
			return rerr_make(err, 0, "list: invalid option (use --format table|json, -q)");
	}
	DIR *d = opendir(g->root);
	if (!d)
		return rerr_make(err, 0, "cannot read state root `%s`", g->root);
	struct json_object *arr = json_object_new_array();
	if (!json && !quiet)
		printf("%-24s %-8s %-10s %-40s %-32s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED",
		       "OWNER");
	for (struct dirent *e; (e = readdir(d));) {
		struct container c;
		if (e->d_name[0] == '.' || container_id_validate(e->d_name, NULL) < 0)
			continue;
		if (container_load(g, e->d_name, &c, NULL) < 0) {
			container_free(&c);
			continue;
		}
		if (json)
			json_object_array_add(arr, container_state_json(&c));
		else if (quiet)
			printf("%s\n", c.st.id);
		else
			printf("%-24s %-8d %-10s %-40s %-32s %s\n", c.st.id,
			       c.st.status == ST_STOPPED ? 0 : c.st.pid,
			       container_status_name(c.st.status), c.st.bundle ? c.st.bundle : "",
			       c.st.created ? c.st.created : "", c.st.owner ? c.st.owner : "");
		container_free(&c);
	}
	closedir(d);
	if (json)
		printf("%s\n", json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PLAIN |
							     JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(arr);
	return 0;
}
