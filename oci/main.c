/* runuml: the runc-compatible command line.  Global flags are runc's
 * (RUNC/man/runc.8.md), accepted anywhere before the command because docker
 * prepends its runtimeArgs; each command is one cmd_<verb>.c. */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

struct command {
	const char *name;
	cmd_fn fn;
	const char *help;
};

static const struct command commands[] = {
	{ "create", cmd_create, "create a container" },
	{ "start", cmd_start, "start the process of a created container" },
	{ "run", cmd_run, "create and run a container" },
	{ "state", cmd_state, "output the state of a container" },
	{ "exec", cmd_exec, "run another process in a running container" },
	{ "kill", cmd_kill, "send a signal to the container's process" },
	{ "delete", cmd_delete, "delete a container and what it holds" },
	{ "list", cmd_list, "list containers" },
	{ "ps", cmd_ps, "host processes of a container" },
	{ "pause", cmd_pause, "freeze every process of a container" },
	{ "resume", cmd_resume, "thaw a paused container" },
	{ "update", cmd_update, "change the resource limits of a container" },
	{ "events", cmd_events, "show a container's statistics (JSON)" },
	{ "spec", cmd_spec, "create a new specification file" },
	{ "features", cmd_features, "show what this runtime supports (JSON)" },
};

/* Not runc's: shown apart in --help, as runsc groups its own. */
static const struct command runuml_commands[] = {
	{ "install", cmd_install, "register runuml as a docker runtime (daemon.json)" },
	{ "uninstall", cmd_uninstall, "remove that runtime from daemon.json" },
	{ "check", cmd_check, "check that this host can run runuml" },
};

#define N_ELEM(a) (sizeof(a) / sizeof((a)[0]))

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < N_ELEM(commands); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	for (size_t i = 0; i < N_ELEM(runuml_commands); i++)
		if (!strcmp(runuml_commands[i].name, name))
			return &runuml_commands[i];
	return NULL;
}

/* Commands that must not create the state root: they touch no container
 * (check resolves and tests it itself, reporting rather than failing). */
static bool needs_state_root(const char *name)
{
	static const char *const no_root[] = { "spec", "features", "install", "uninstall",
		"check" };

	for (size_t i = 0; i < N_ELEM(no_root); i++)
		if (!strcmp(name, no_root[i]))
			return false;
	return true;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: runuml [global options] <command> [command options] [arguments]\n\n"
		   "runuml runs OCI containers, each inside its own User-Mode Linux kernel.\n\n"
		   "commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\nrunuml-specific commands:\n");
	for (size_t i = 0; i < N_ELEM(runuml_commands); i++)
		fprintf(f, "  %-10s %s\n", runuml_commands[i].name, runuml_commands[i].help);
	fprintf(f, "\nglobal options:\n"
		   "  --root PATH            state directory (default /run/runuml, or\n"
		   "                         $XDG_RUNTIME_DIR/runuml when not root)\n"
		   "  --log PATH             log file (default stderr)\n"
		   "  --log-format text|json log format (default text)\n"
		   "  --debug                debug logging\n"
		   "  --systemd-cgroup       cgroupsPath is slice:prefix:name\n"
		   "  --rootless true|false|auto  accepted for runc compatibility\n"
		   "  --network MODE         the guest's network: auto (default), slirp, netns\n"
		   "                         or none (docs/networking.md)\n"
		   "  --publish [IP:]HOST:GUEST[/tcp|udp]  forward a host port (slirp; also\n"
		   "                         run/create -p)\n"
		   "  --net-allow-host-loopback  let the guest reach the host's 127.0.0.1 (slirp)\n"
		   "  -v, --version          print the version\n"
		   "  -h, --help             this text\n");
}

static void version(void)
{
	printf("runuml version %s\ncommit: %s\nspec: %s\n", RUNUML_VERSION,
#ifdef RUNUML_COMMIT
	       RUNUML_COMMIT,
#else
	       "unknown",
#endif
	       OCI_SPEC_VERSION);
}

static char *libexec_dir(void)
{
	char self[PATH_MAX], *r = NULL;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n <= 0)
		return NULL;
	self[n] = '\0';
	if (asprintf(&r, "%s/../libexec/runuml", dirname(self)) < 0)
		return NULL;
	return r;
}

int cli_publish_add(char **list, const char *spec, struct rerr **err)
{
	char *n = NULL;

	if (asprintf(&n, "%s%s%s", *list ? *list : "", *list ? "," : "", spec) < 0)
		return rerr_make(err, ENOMEM, "port forwards");
	free(*list);
	*list = n;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "log", required_argument, NULL, 'l' },
		{ "log-format", required_argument, NULL, 'f' },
		{ "debug", no_argument, NULL, 'd' },
		{ "systemd-cgroup", no_argument, NULL, 's' },
		{ "rootless", required_argument, NULL, 'R' },
		{ "network", required_argument, NULL, 'N' },
		{ "publish", required_argument, NULL, 'p' },
		{ "net-allow-host-loopback", no_argument, NULL, 'L' },
		{ "version", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct global_opts g = { .log_format = LOG_TEXT, .rootless = "auto" };
	const char *root_flag = NULL;
	struct rerr *err = NULL;
	char *root = NULL, *libexec = NULL, *publish = NULL;
	int c, rc;

	log_set_name("runuml");
	while ((c = getopt_long(argc, argv, "+vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': root_flag = optarg; break;
		case 'l': g.log_path = optarg; break;
		case 'f':
			if (!strcmp(optarg, "json"))
				g.log_format = LOG_JSON;
			else if (!strcmp(optarg, "text"))
				g.log_format = LOG_TEXT;
			else {
				fprintf(stderr, "runuml: invalid --log-format `%s` (use text or json)\n", optarg);
				return 1;
			}
			break;
		case 'd': g.debug = true; break;
		case 's': g.systemd_cgroup = true; break;
		case 'R': g.rootless = optarg; break;
		case 'N':
			if (strcmp(optarg, "auto") && strcmp(optarg, "slirp") && strcmp(optarg, "netns") &&
			    strcmp(optarg, "none")) {
				fprintf(stderr, "runuml: invalid --network `%s` (use auto, slirp, netns or "
					"none)\n", optarg);
				return 1;
			}
			g.network = optarg;
			break;
		case 'p':
			if (cli_publish_add(&publish, optarg, &err) < 0)
				goto fail;
			g.publish = publish;
			break;
		case 'L': g.net_allow_host_loopback = true; break;
		case 'v': version(); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 1;
		}
	}
	if (log_init(g.log_path, g.log_format, g.debug) < 0) {
		fprintf(stderr, "runuml: cannot open log file `%s`: %s\n", g.log_path, strerror(errno));
		return 1;
	}
	if (optind >= argc) {
		usage(stderr);
		return 1;
	}
	const char *name = argv[optind];
	const struct command *cmd = find_command(name);
	if (!cmd) {
		log_error("unknown command `%s` (see `runuml --help`)", name);
		return 1;
	}
	g.root_flag = root_flag;
	if (needs_state_root(name)) {
		if (state_root_resolve(root_flag, &root, &err) < 0)
			goto fail;
		g.root = root;
	}
	g.libexec = libexec = libexec_dir();
	argv += optind;
	argc -= optind;
	optind = 0; /* reset getopt for the command */
	rc = cmd->fn(&g, argc, argv, &err);
	if (rc >= 0) {
		free(root);
		free(libexec);
		free(publish);
		return rc;
	}
fail:
	log_error("%s", err ? err->msg : "unknown error");
	rerr_free(err);
	free(root);
	free(libexec);
	return 1;
}
