/* runuml state <container-id>: the runtime-spec state as JSON (runc's
 * shape: ociVersion, id, pid, status, bundle, rootfs, created, owner,
 * annotations); pid is 0 once stopped. */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "container.h"

struct json_object *container_state_json(const struct container *c)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "ociVersion", json_object_new_string(OCI_SPEC_VERSION));
	json_object_object_add(o, "id", json_object_new_string(c->st.id));
	json_object_object_add(o, "pid", json_object_new_int(c->st.status == ST_STOPPED ? 0 : c->st.pid));
	json_object_object_add(o, "status", json_object_new_string(container_status_name(c->st.status)));
	json_object_object_add(o, "bundle", json_object_new_string(c->st.bundle ? c->st.bundle : ""));
	json_object_object_add(o, "rootfs", json_object_new_string(c->st.rootfs ? c->st.rootfs : ""));
	json_object_object_add(o, "created", json_object_new_string(c->st.created ? c->st.created : ""));
	json_object_object_add(o, "owner", json_object_new_string(c->st.owner ? c->st.owner : ""));
	struct json_object *a = json_object_new_object();
	for (size_t i = 0; c->st.annotations && c->st.annotations[i]; i++) {
		const char *eq = strchr(c->st.annotations[i], '=');
		char *k = eq ? strndup(c->st.annotations[i], (size_t)(eq - c->st.annotations[i])) : NULL;
		if (k)
			json_object_object_add(a, k, json_object_new_string(eq + 1));
		free(k);
	}
	json_object_object_add(o, "annotations", a);
	return o;
}

int cmd_state(const struct global_opts *g, int argc, char **argv, struct rerr **err)
{
	struct container c;

	if (argc != 2) {
		fprintf(stderr, "usage: runuml state <container-id>\n");
		return rerr_make(err, 0, "state: expected exactly one container id");
	}
	if (container_load(g, argv[1], &c, err) < 0)
		return -1;
	struct json_object *o = container_state_json(&c);
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
						     JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	container_free(&c);
	return 0;
}
