/* runuml exec: another process in a running container.
 *   shim form: exec --process FILE [--detach] [--pid-file P] [--console-socket S] ID
 *   CLI form:  exec [-t] [-d] [-u uid[:gid]] [-e K=V]… [--cwd D] ID CMD [ARG…]
 * (RUNC/man/runc-exec.8.md).  The process file is read at once: the caller
 * deletes it as soon as we return.  Exit status = the process's, or 255 on
 * a runtime error. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "cli.h"
#include "container.h"
#include "exec_session.h"
#include "exit_status.h"
#include "fdpass.h"
#include "fsutil.h"
#include "oci_spec.h"

#define MAX_ENV 256

struct exec_opts {
	const char *process_file, *pid_file, *console, *user, *cwd;
	const char *env[MAX_ENV];
	int n_env;
	bool tty, detach, no_new_privs;
};

static void usage_exec(void)
{
	fprintf(stderr, "usage: runuml exec [--process FILE | [-t] [-u UID[:GID]] [-e K=V]... "
		"[--cwd DIR]] [--detach] [--pid-file FILE] [--console-socket PATH] "
		"<container-id> [command [args...]]\n");
}

/* The container's own process object, with the CLI's changes applied. */
static char *cli_process_json(struct container *c, const struct exec_opts *o, int argc,
			      char **argv, struct rerr **err)
{
	_cleanup_free_ char *path = NULL, *raw = NULL;
	struct json_object *cfg, *proc, *args, *env;
	char *out;

	if (asprintf(&path, "%s/config.json", c->st.bundle) < 0 ||
	    read_file_bounded(path, OCI_SPEC_MAX_BYTES, &raw, NULL, err) < 0)
		return NULL;
	cfg = oci_json_parse(raw, strlen(raw), err);
	if (!cfg)
		return NULL;
	if (!json_object_object_get_ex(cfg, "process", &proc) ||
	    !json_object_is_type(proc, json_type_object)) {
		json_object_put(cfg);
		rerr_make(err, 0, "the container's config.json has no process");
		return NULL;
	}
	json_object_get(proc);
	json_object_put(cfg);
	args = json_object_new_array();
	for (int i = 0; i < argc; i++)
		json_object_array_add(args, json_object_new_string(argv[i]));
	json_object_object_add(proc, "args", args);
	json_object_object_add(proc, "terminal", json_object_new_boolean(o->tty));
	if (o->cwd)
		json_object_object_add(proc, "cwd", json_object_new_string(o->cwd));
	if (o->n_env) {
		if (!json_object_object_get_ex(proc, "env", &env) ||
		    !json_object_is_type(env, json_type_array)) {
			env = json_object_new_array();
			json_object_object_add(proc, "env", env);
		}
		for (int i = 0; i < o->n_env; i++)
			json_object_array_add(env, json_object_new_string(o->env[i]));
	}
	if (o->no_new_privs)
		json_object_object_add(proc, "noNewPrivileges", json_object_new_boolean(true));
	if (o->user) {
		struct json_object *u = json_object_new_object();
		char *end;
		unsigned long uid = strtoul(o->user, &end, 10), gid = 0;
		if (end == o->user || (*end && *end != ':') ||
		    (*end == ':' && (gid = strtoul(end + 1, &end, 10), *end))) {
			json_object_put(u);
			json_object_put(proc);
			rerr_make(err, 0, "invalid --user `%s` (use UID[:GID])", o->user);
			return NULL;
		}
		json_object_object_add(u, "uid", json_object_new_int64((int64_t)uid));
		json_object_object_add(u, "gid", json_object_new_int64((int64_t)gid));
		json_object_object_add(proc, "user", u);
	}
	out = strdup(json_object_to_json_string_ext(proc, JSON_C_TO_STRING_PLAIN));
	json_object_put(proc);
	return out;
}

static int run_detached(struct exec_session *s, const char *pid_file, struct rerr **err)
{
	int ready[2], status;
	char buf[1200];
	ssize_t n = 0, r;

	if (pipe2(ready, O_CLOEXEC) < 0)
		return rerr_make(err, errno, "cannot create a pipe");
	pid_t child = fork();
	if (child < 0)
		return rerr_make(err, errno, "cannot fork");
	if (child == 0) {
		setsid();
		pid_t gc = fork();
		if (gc != 0) {
			/* tell the parent who the exec process is */
			if (gc > 0)
				dprintf(ready[1], "pid %d\n", (int)gc);
			_exit(gc > 0 ? 0 : 1);
		}
		close(ready[0]);
		/* only the session's own fds stay open in the long-lived process */
		for (int fd = 3; fd < 1024; fd++)
			if (fd != ready[1] && fd != s->sock && fd != s->in && fd != s->out && fd != s->err)
				close(fd);
		s->ready_fd = ready[1];
		exit_like(exec_session_run(s));
	}
	close(ready[1]);
	waitpid(child, &status, 0);
	while ((r = read(ready[0], buf + n, sizeof(buf) - 1 - (size_t)n)) > 0 ||
	       (r < 0 && errno == EINTR))
		if (r > 0)
			n += r;
	close(ready[0]);
	buf[n] = '\0';
	/* two lines in either order: "pid N" (from the intermediate) and
	 * "ok" or "error: …" (from the exec process) */
	int pid = 0;
	const char *verdict = NULL;
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
		if (sscanf(line, "pid %d", &pid) == 1)
			continue;
		verdict = line;
	}
	if (pid <= 0 || !verdict)
		return rerr_make(err, 0, "the exec process did not start");
	if (strcmp(verdict, "ok"))
		return rerr_make(err, 0, "%s", !strncmp(verdict, "error: ", 7) ? verdict + 7 : verdict);
	if (pid_file && write_pid_file(pid_file, pid, err) < 0)
		return -1;
	return 0;
}

int cmd_exec(const struct global_opts *g, int argc, char **argv, struct rerr **err)
{
	static const struct option longopts[] = {
		{ "process", required_argument, NULL, 'p' },
		{ "tty", no_argument, NULL, 't' },
		{ "detach", no_argument, NULL, 'd' },
		{ "pid-file", required_argument, NULL, 'P' },
		{ "console-socket", required_argument, NULL, 'c' },
		{ "user", required_argument, NULL, 'u' },
		{ "env", required_argument, NULL, 'e' },
		{ "cwd", required_argument, NULL, 'w' },
		{ "no-new-privs", no_argument, NULL, 'n' },
		{ "cap", required_argument, NULL, 'C' },
		{ "preserve-fds", required_argument, NULL, 'F' },
		{ "process-label", required_argument, NULL, 'L' },
		{ "apparmor", required_argument, NULL, 'A' },
		{ "ignore-paused", no_argument, NULL, 'I' },
		{ NULL, 0, NULL, 0 },
	};
	struct exec_opts o = { 0 };
	_cleanup_free_ char *json = NULL;
	struct container c;
	int ch, slave = -1;

	while ((ch = getopt_long(argc, argv, "+p:tdu:e:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'p': o.process_file = optarg; break;
		case 't': o.tty = true; break;
		case 'd': o.detach = true; break;
		case 'P': o.pid_file = optarg; break;
		case 'c': o.console = optarg; break;
		case 'u': o.user = optarg; break;
		case 'e':
			if (o.n_env >= MAX_ENV || !strchr(optarg, '='))
				return rerr_make(err, 0, "exec: invalid --env `%s` (use KEY=VALUE)", optarg);
			o.env[o.n_env++] = optarg;
			break;
		case 'w': o.cwd = optarg; break;
		case 'n': o.no_new_privs = true; break;
		case 'C': case 'L': case 'A': case 'I': break; /* accepted; no effect yet */
		case 'F':
			if (strcmp(optarg, "0"))
				return rerr_make(err, 0, "exec: --preserve-fds is not supported yet");
			break;
		default: usage_exec(); return rerr_make(err, 0, "exec: invalid option");
		}
	}
	if (argc - optind < 1 || (!o.process_file && argc - optind < 2)) {
		usage_exec();
		return rerr_make(err, 0, "exec: expected a container id and a command (or --process)");
	}
	/* read the process file first: the caller deletes it when we return */
	if (o.process_file) {
		struct oci_process p;
		if (read_file_bounded(o.process_file, OCI_SPEC_MAX_BYTES, &json, NULL, err) < 0)
			return -1;
		if (oci_process_parse(json, strlen(json), &p, err) < 0) {
			oci_process_clear(&p);
			return rerr_wrap(err, "exec: bad process file `%s`", o.process_file);
		}
		o.tty = o.tty || p.terminal;
		oci_process_clear(&p);
	}
	if (container_load(g, argv[optind], &c, err) < 0)
		return -1;
	if (c.st.status == ST_PAUSED) {
		container_free(&c);
		return rerr_make(err, 0, "cannot exec in a paused container");
	}
	if (c.st.status != ST_RUNNING) {
		bool created = c.st.status == ST_CREATED;
		container_free(&c);
		return rerr_make(err, 0, "cannot exec in a %s container: container not running",
				 created ? "created (not yet started)" : "stopped");
	}
	if (!json && !(json = cli_process_json(&c, &o, argc - optind - 1, argv + optind + 1, err))) {
		container_free(&c);
		return -1;
	}
	if (o.tty && o.detach && !o.console) {
		container_free(&c);
		return rerr_make(err, 0, "cannot allocate tty if runuml will detach without setting "
				 "console socket");
	}
	if (o.console && !o.tty) {
		container_free(&c);
		return rerr_make(err, 0, "cannot use console socket if runuml will not allocate tty");
	}
	if (o.console && console_send_new_pty(o.console, &slave, err) < 0) {
		container_free(&c);
		return -1;
	}
	int sock = container_connect(&c, err);
	container_free(&c);
	if (sock < 0)
		return -1;
	struct exec_session s = { .sock = sock, .process_json = json, .tty = o.tty, .in = 0,
				  .out = 1, .err = 2, .ready_fd = -1 };
	if (slave >= 0)
		s.in = s.out = s.err = slave;
	if (o.detach) {
		int r = run_detached(&s, o.pid_file, err);
		close(sock);
		if (slave >= 0)
			close(slave);
		return r < 0 ? -1 : 0;
	}
	exit_like(exec_session_run(&s));
}
