/* runuml install [--runtime-name NAME] [--config FILE] [-- RUNTIME_ARGS...]:
 * registers this binary as a docker runtime in daemon.json, the way
 * `runsc install` does (GV/runsc/cmd/install.go): every other key and
 * runtime is kept, a file dockerd could not parse is refused and left as it
 * is, and the file is replaced atomically with its mode and owner. */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "docker_config.h"

static const char usage_install[] =
	"usage: runuml install [--runtime-name NAME] [--config FILE] [-- RUNTIME_ARGS...]\n"
	"\n"
	"Registers runuml as a docker runtime: merges\n"
	"  \"runtimes\": { NAME: { \"path\": <this runuml>, \"runtimeArgs\": [RUNTIME_ARGS] } }\n"
	"into docker's daemon configuration, keeping every other key and runtime.\n"
	"RUNTIME_ARGS are runuml global options docker passes before its own.\n"
	"\n"
	"options:\n"
	"  --runtime-name NAME  name for `docker run --runtime` (default uml)\n"
	"  --config FILE        daemon configuration (default " DOCKER_CONFIG_DEFAULT ")\n"
	"  -h, --help           this text\n";

/* Names dockerd keeps for itself (moby daemon/runtime_unix.go). */
static bool reserved(const char *name)
{
	static const char *const names[] = { "runc", "io.containerd.runc.v2",
		"io.containerd.runc.v1", "io.containerd.runtime.v1.linux", NULL };

	for (const char *const *n = names; *n; n++)
		if (!strcmp(name, *n))
			return true;
	return false;
}

static struct json_object *runtime_entry(const char *path, int n, char **args)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "path", json_object_new_string(path));
	if (n > 0) {
		struct json_object *a = json_object_new_array();
		for (int i = 0; i < n; i++)
			json_object_array_add(a, json_object_new_string(args[i]));
		json_object_object_add(o, "runtimeArgs", a);
	}
	return o;
}

int cmd_install(const struct global_opts *g, int argc, char **argv, struct rerr **err)
{
	static const struct option longopts[] = {
		{ "runtime-name", required_argument, NULL, 'n' },
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = "uml", *config = DOCKER_CONFIG_DEFAULT, *verb;
	struct docker_config dc;
	struct json_object *runtimes, *old, *entry;
	char self[PATH_MAX];
	ssize_t n;
	int c, r = -1;

	opterr = 0; /* one line of our own instead */
	while ((c = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'n': name = optarg; break;
		case 'c': config = optarg; break;
		case 'h': fputs(usage_install, stdout); return 0;
		default:
			return rerr_make(err, 0, "install: %s `%s` (see `runuml install --help`)",
					 c == ':' ? "missing argument to" : "unknown option",
					 argv[optind - 1]);
		}
	}
	/* runtime arguments only after "--", so that a mistyped option is not
	 * quietly written into daemon.json */
	if (optind < argc && strcmp(argv[optind - 1], "--"))
		return rerr_make(err, 0, "install: unexpected argument `%s` (runtime arguments go "
				 "after `--`)", argv[optind]);
	if (!*name || reserved(name))
		return rerr_make(err, 0, "cannot install runtime `%s`: the name is %s", name,
				 *name ? "reserved by docker" : "empty");
	if (!*config)
		return rerr_make(err, 0, "install: --config is empty");
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return rerr_make(err, errno, "cannot find the runuml binary (/proc/self/exe)");
	self[n] = '\0';

	if (docker_config_load(config, &dc, err) < 0 ||
	    docker_config_runtimes(&dc, true, &runtimes, err) < 0)
		goto out;
	entry = runtime_entry(self, argc - optind, argv + optind);
	if (!json_object_object_get_ex(runtimes, name, &old)) {
		verb = "added to";
	} else if (json_object_equal(old, entry)) {
		json_object_put(entry);
		printf("runtime `%s` (%s) is already installed in `%s`; %s\n", name, self,
		       dc.path, DOCKER_RELOAD_HINT);
		r = 0;
		goto out;
	} else {
		verb = "updated in";
	}
	json_object_object_add(runtimes, name, entry);
	if (docker_config_save(&dc, err) < 0)
		goto out;
	printf("runtime `%s` (%s) %s `%s`; %s\n", name, self, verb, dc.path, DOCKER_RELOAD_HINT);
	r = 0;
out:
	docker_config_free(&dc);
	return r;
}
