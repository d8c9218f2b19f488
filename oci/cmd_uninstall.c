/* runuml uninstall [--runtime-name NAME] [--config FILE]: removes one
 * runtime from docker's daemon.json and nothing else (GV/runsc/cmd/install.go
 * `Uninstall`).  A runtime that is not there is an error, and so is removing
 * the one daemon.json names as "default-runtime" (dockerd would not start). */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "docker_config.h"

static const char usage_uninstall[] =
	"usage: runuml uninstall [--runtime-name NAME] [--config FILE]\n"
	"\n"
	"Removes the docker runtime NAME from docker's daemon configuration,\n"
	"keeping every other key and runtime.\n"
	"\n"
	"options:\n"
	"  --runtime-name NAME  the runtime to remove (default uml)\n"
	"  --config FILE        daemon configuration (default " DOCKER_CONFIG_DEFAULT ")\n"
	"  -h, --help           this text\n";

int cmd_uninstall(const struct global_opts *g, int argc, char **argv, struct rerr **err)
{
	static const struct option longopts[] = {
		{ "runtime-name", required_argument, NULL, 'n' },
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = "uml", *config = DOCKER_CONFIG_DEFAULT;
	struct docker_config dc;
	struct json_object *runtimes, *def;
	int c, r = -1;

	opterr = 0; /* one line of our own instead */
	while ((c = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'n': name = optarg; break;
		case 'c': config = optarg; break;
		case 'h': fputs(usage_uninstall, stdout); return 0;
		default:
			return rerr_make(err, 0, "uninstall: %s `%s` (see `runuml uninstall --help`)",
					 c == ':' ? "missing argument to" : "unknown option",
					 argv[optind - 1]);
		}
	}
	if (optind < argc)
		return rerr_make(err, 0, "uninstall: unexpected argument `%s`", argv[optind]);
	if (!*config)
		return rerr_make(err, 0, "uninstall: --config is empty");
	if (access(config, F_OK) < 0 && errno == ENOENT)
		return rerr_make(err, ENOENT, "runtime `%s` is not installed in `%s`", name, config);

	if (docker_config_load(config, &dc, err) < 0 ||
	    docker_config_runtimes(&dc, false, &runtimes, err) < 0)
		goto out;
	if (!runtimes || !json_object_object_get_ex(runtimes, name, NULL)) {
		rerr_make(err, 0, "runtime `%s` is not installed in `%s`", name, dc.path);
		goto out;
	}
	if (json_object_object_get_ex(dc.root, "default-runtime", &def) &&
	    json_object_is_type(def, json_type_string) && !strcmp(json_object_get_string(def), name)) {
		rerr_make(err, 0, "cannot uninstall runtime `%s`: it is the \"default-runtime\" in "
			  "`%s` (change that first; the file was not changed)", name, dc.path);
		goto out;
	}
	json_object_object_del(runtimes, name);
	if (json_object_object_length(runtimes) == 0) /* as it was before install */
		json_object_object_del(dc.root, "runtimes");
	if (docker_config_save(&dc, err) < 0)
		goto out;
	printf("runtime `%s` removed from `%s`; %s\n", name, dc.path, DOCKER_RELOAD_HINT);
	r = 0;
out:
	docker_config_free(&dc);
	return r;
}
