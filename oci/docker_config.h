/* docker's daemon.json, as `runuml install` / `uninstall` edit it: read and
 * parsed strictly (what dockerd would reject is refused, the file left as it
 * is), every other key and runtime kept in order, written back atomically
 * with the file's mode and owner. */
#ifndef RUNUML_DOCKER_CONFIG_H
#define RUNUML_DOCKER_CONFIG_H

#include <stdbool.h>
#include <sys/types.h>

#include "rerr.h"

#define DOCKER_CONFIG_DEFAULT "/etc/docker/daemon.json"
#define DOCKER_RELOAD_HINT "reload docker to apply: systemctl reload docker, or kill -HUP $(pidof dockerd)"

struct json_object;

struct docker_config {
	char *path;              /* the file written (a symlink resolved) */
	bool exists;             /* false: the file is created by the save */
	mode_t mode;             /* its mode, 0644 for a new file */
	uid_t uid;
	gid_t gid;
	struct json_object *root; /* the top-level object */
};

/* Loads path; a missing or blank file is an empty object. */
int docker_config_load(const char *path, struct docker_config *c, struct rerr **err);
/* *out = the "runtimes" object (created when create is true, else NULL if
 * absent); an error if "runtimes" is there but not an object. */
int docker_config_runtimes(struct docker_config *c, bool create, struct json_object **out,
			   struct rerr **err);
int docker_config_save(struct docker_config *c, struct rerr **err);
void docker_config_free(struct docker_config *c);

#endif
