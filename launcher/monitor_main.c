/* runuml-monitor: one per container (see monitor.h).
 *
 *   runuml-monitor --state-dir DIR --bundle DIR --id ID [--mode run|create]
 *                  [--ready-fd N] [--console-fd N] [--log FILE]
 *                  [--log-format text|json] [--debug] [--keep]
 *
 * `run`: exec'd by `runuml run`; inherits the caller's stdio, starts the
 * process as soon as it is prepared, exits with its status and removes the
 * state directory (unless --keep).
 * `create`: started (double-forked) by `runuml create`; writes "ok" or
 * "error: <msg>" to --ready-fd once the process is prepared and the
 * create-time hooks ran, then waits for `start` on monitor.sock; exits with
 * the container's status and leaves the state (status stopped) for
 * `runuml delete`. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "exit_status.h"
#include "fsutil.h"
#include "hooks.h"
#include "host_cgroup.h"
#include "log.h"
#include "monitor.h"
#include "net_transport.h"
#include "state_file.h"

#define POWEROFF_GRACE_MS 10000

struct monitor_opts {
	const char *state_dir, *bundle, *id, *log_path;
	enum log_format log_format;
	bool debug, keep, create;
	int ready_fd, console_fd;
	struct net_cli_opts net;
};

struct monitor_ctx {
	struct monitor_opts *o;
	struct oci_spec *spec;
	struct container_state st;
	int state_dirfd;
	struct net_transport *net;
};

static int parse_args(int argc, char **argv, struct monitor_opts *o)
{
	static const struct option longopts[] = {
		{ "state-dir", required_argument, NULL, 's' },
		{ "bundle", required_argument, NULL, 'b' },
		{ "id", required_argument, NULL, 'i' },
		{ "mode", required_argument, NULL, 'm' },
		{ "ready-fd", required_argument, NULL, 'r' },
		{ "console-fd", required_argument, NULL, 'c' },
		{ "log", required_argument, NULL, 'l' },
		{ "log-format", required_argument, NULL, 'f' },
		{ "debug", no_argument, NULL, 'd' },
		{ "keep", no_argument, NULL, 'k' },
		{ "net", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 's': o->state_dir = optarg; break;
		case 'b': o->bundle = optarg; break;
		case 'i': o->id = optarg; break;
		case 'm': o->create = !strcmp(optarg, "create"); break;
		case 'r': o->ready_fd = atoi(optarg); break;
		case 'c': o->console_fd = atoi(optarg); break;
		case 'l': o->log_path = optarg; break;
		case 'f': o->log_format = strcmp(optarg, "json") ? LOG_TEXT : LOG_JSON; break;
		case 'd': o->debug = true; break;
		case 'k': o->keep = true; break;
		case 'n':
			if (net_cli_opt(&o->net, optarg, NULL) < 0)
				return -1;
			break;
		default: return -1;
		}
	}
	return o->state_dir && o->bundle && o->id ? 0 : -1;
}

/* Helpers live next to this binary (libexec/runuml/). */
static char *helper_path(const char *name)
{
	char self[PATH_MAX], *r = NULL;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n <= 0)
		return NULL;
	self[n] = '\0';
	if (asprintf(&r, "%s/%s", dirname(self), name) < 0)
		return NULL;
	return r;
}

/* RUNUML_KERNEL_ARGS: extra kernel arguments for debugging (e.g.
 * "initcall_debug loglevel=8"), appended after ours. */
static int add_extra_kernel_args(struct kernel_args *ka, struct rerr **err)
{
	const char *env = getenv("RUNUML_KERNEL_ARGS");
	_cleanup_free_ char *copy = env ? strdup(env) : NULL;
	char *save = NULL;

	for (char *a = copy ? strtok_r(copy, " \t", &save) : NULL; a; a = strtok_r(NULL, " \t", &save))
		if (kernel_args_add(ka, "%s", a) < 0)
			return rerr_make(err, 0, "too many kernel arguments in RUNUML_KERNEL_ARGS");
	return 0;
}

static void stop_kernel(struct kernel_proc *k)
{
	struct timespec pause = { 0, 10 * 1000 * 1000 };
	int status;

	for (int waited = 0; k->pid > 0 && waited < POWEROFF_GRACE_MS; waited += 10) {
		if (waitpid(k->pid, &status, WNOHANG) == k->pid) {
			k->pid = -1;
			return;
		}
		nanosleep(&pause, NULL);
	}
	if (k->pid > 0) {
		kill(k->pid, SIGKILL);
		waitpid(k->pid, &status, 0);
		k->pid = -1;
	}
}

static void remove_state_dir(const char *dir)
{
	if (remove_tree_at(AT_FDCWD, dir) < 0)
		log_warn("cannot remove state directory `%s`: %s", dir, strerror(errno));
}

static void save_state(struct monitor_ctx *c, enum container_status s)
{
	struct rerr *err = NULL;

	c->st.status = s;
	if (state_file_write(c->state_dirfd, &c->st, &err) < 0) {
		log_warn("%s", err->msg);
		rerr_free(err);
	}
}

static int run_hooks(struct monitor_ctx *c, enum oci_hook_kind kind, struct rerr **err)
{
	_cleanup_free_ char *json = NULL;

	if (!c->spec->n_hooks[kind])
		return 0;
	json = hooks_state_json(&c->st);
	if (!json)
		return rerr_make(err, ENOMEM, "running hooks");
	return hooks_run(c->spec, kind, json, err);
}

/* implements monitor.on_prepared: the create-time hooks, then "created" */
static int on_prepared(struct monitor *m, struct rerr **err)
{
	struct monitor_ctx *c = m->user;

	c->st.status = ST_CREATED;
	if (run_hooks(c, OCI_HOOK_PRESTART, err) < 0 || run_hooks(c, OCI_HOOK_CREATE_RUNTIME, err) < 0 ||
	    run_hooks(c, OCI_HOOK_CREATE_CONTAINER, err) < 0)
		return -1;
	/* docker's network exists now (its prestart hook made it) */
	if (net_transport_after_hooks(c->net, err) < 0)
		return -1;
	const char *net = net_transport_guest_config(c->net);
	if (net && ctl_chan_send(&m->ch, CTL_NET, 0, 0, net, strlen(net)) < 0)
		return rerr_make(err, ENOMEM, "sending the network configuration");
	save_state(c, ST_CREATED);
	if (c->o->ready_fd >= 0) {
		(void)!write(c->o->ready_fd, "ok\n", 3);
		close(c->o->ready_fd);
		c->o->ready_fd = -1;
	}
	return 0;
}

/* implements monitor.on_started */
static int on_started(struct monitor *m, struct rerr **err)
{
	struct monitor_ctx *c = m->user;
	struct rerr *herr = NULL;

	save_state(c, ST_RUNNING);
	/* startContainer runs inside the container in runc; a VM's guest has
	 * no host paths, so it runs on the host like poststart.  Failures
	 * after start only warn (runtime-spec). */
	if (run_hooks(c, OCI_HOOK_START_CONTAINER, &herr) < 0 ||
	    run_hooks(c, OCI_HOOK_POSTSTART, &herr) < 0) {
		log_warn("%s", herr->msg);
		rerr_free(herr);
	}
	return 0;
}

/* The container's network namespace is the monitor's: docker's
 * libnetwork-setkey hook and CNI plugins use /proc/<pid>/ns/net of the pid
 * in the state, which is ours (oci-cli-contract B2.8). */
static int enter_network_namespace(const struct oci_spec *spec, struct rerr **err)
{
	const char *path = spec->ns_path[OCI_NS_NETWORK];

	if (!spec->ns[OCI_NS_NETWORK])
		return 0;
	if (path) {
		_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || setns(fd, CLONE_NEWNET) < 0)
			return rerr_make(err, errno, "cannot join network namespace `%s`", path);
		return 0;
	}
	if (geteuid() != 0)
		return 0; /* rootless: the guest's network is user-mode anyway */
	if (unshare(CLONE_NEWNET) < 0)
		return rerr_make(err, errno, "cannot create a network namespace");
	return 0;
}

static void report_ready_error(struct monitor_opts *o, const char *msg)
{
	if (o->ready_fd < 0)
		return;
	dprintf(o->ready_fd, "error: %s\n", msg);
	close(o->ready_fd);
	o->ready_fd = -1;
}

int main(int argc, char **argv)
{
	struct monitor_opts o = { .log_format = LOG_TEXT, .ready_fd = -1, .console_fd = -1 };
	struct kernel_proc k = { .pid = -1, .ctl_fd = -1, .console_fd = -1 };
	struct kernel_args ka = { .argc = 0 };
	struct transport t = { .proxy.pid = -1 };
	struct host_cgroup hcg = { .n = 0 };
	struct monitor m = { .k = &k, .listen_fd = -1, .io_in = 0, .io_out = 1, .io_err = 2 };
	struct net_transport net = { .ctl_fd = -1, .helper.pid = -1 };
	struct monitor_ctx ctx = { .o = &o, .state_dirfd = -1, .net = &net };
	struct helper_proc *helpers[2];
	_cleanup_free_ char *net_helper = NULL;
	struct rerr *err = NULL;
	_cleanup_free_ char *raw = NULL, *doc = NULL, *kernel = NULL, *initrd = NULL, *proxy = NULL;
	_cleanup_free_ char *bundle = NULL, *rootfs = NULL;
	_cleanup_free_ char *failure = NULL;
	struct termios saved_tty;
	bool tty_raw = false;
	char created[64];
	size_t raw_len = 0;
	int rc = 1;

	log_set_name("runuml");
	if (parse_args(argc, argv, &o) < 0) {
		fprintf(stderr, "usage: runuml-monitor --state-dir DIR --bundle DIR --id ID "
			"[--mode run|create] [--ready-fd N] [--console-fd N] [--log FILE] "
			"[--log-format text|json] [--debug] [--keep]\n");
		return 2;
	}
	if (log_init(o.log_path, o.log_format, o.debug) < 0) {
		fprintf(stderr, "runuml: cannot open log file `%s`: %s\n", o.log_path, strerror(errno));
		remove_state_dir(o.state_dir);
		return 1;
	}
	if (o.create) /* stdio belongs to the container now; errors go to --ready-fd */
		log_set_stderr(false);
	/* Guest processes orphaned by the kernel come back to us, not to init. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);

	ctx.state_dirfd = open(o.state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	bundle = abs_path(o.bundle, &err);
	if (ctx.state_dirfd < 0 && !err)
		rerr_make(&err, errno, "cannot open state directory `%s`", o.state_dir);
	if (err)
		goto fail;
	ctx.spec = oci_spec_load(bundle, true, &raw, &raw_len, &err);
	if (!ctx.spec)
		goto fail;
	if (ctx.spec->root_path[0] == '/')
		rootfs = strdup(ctx.spec->root_path);
	else if (asprintf(&rootfs, "%s/%s", bundle, ctx.spec->root_path) < 0)
		rootfs = NULL;
	struct passwd *pw = getpwuid(geteuid());
	rfc3339_now(created, sizeof(created));
	ctx.st = (struct container_state){
		.id = strdup(o.id), .bundle = strdup(bundle), .rootfs = rootfs ? strdup(rootfs) : NULL,
		.created = strdup(created), .owner = strdup(pw ? pw->pw_name : ""),
		.pid = getpid(), .pid_start = proc_start_time(getpid()), .status = ST_CREATING,
		.annotations = ctx.spec->annotations,
	};
	save_state(&ctx, ST_CREATING);

	kernel = helper_path("linux");
	initrd = helper_path("initrd.img");
	proxy = helper_path("runuml-9p");
	if (!kernel || !initrd || !proxy) {
		rerr_make(&err, errno, "cannot find the runuml helpers");
		goto fail;
	}
	if (access(kernel, X_OK) < 0) {
		rerr_make(&err, errno, "cannot use kernel `%s`", kernel);
		goto fail;
	}
	/* before the kernel exists: everything of the sandbox follows us */
	if (host_cgroup_enter(ctx.spec->cgroups_path, &hcg, &err) < 0)
		goto fail;
	/* started from the host's network namespace: slirp's sockets live there */
	net_helper = helper_path("runuml-net");
	if (!net_helper || net_transport_start(&net, ctx.spec, &o.net, o.state_dir, net_helper,
					       &err) < 0)
		goto fail;
	if (enter_network_namespace(ctx.spec, &err) < 0)
		goto fail;
	if (kernel_base_args(&ka, initrd, o.state_dir, ctx.spec->memory_limit, &err) < 0 ||
	    net_transport_kernel_args(&net, &ka, &err) < 0 || add_extra_kernel_args(&ka, &err) < 0 ||
	    transport_prepare(&t, ctx.spec, bundle, o.state_dir, proxy, &ka, &err) < 0)
		goto fail;
	helpers[0] = &t.proxy;
	helpers[1] = &net.helper;  /* pid -1 in mode none: skipped */
	m.helpers = helpers;
	m.n_helpers = 2;
	doc = launch_doc_build(&t.root, t.binds, t.n_binds, raw, raw_len, &err);
	if (!doc)
		goto fail;
	m.listen_fd = mon_listen(o.state_dir, &err);
	if (m.listen_fd < 0)
		goto fail;

	/* The container's terminal: the pty slave `create` made for the
	 * console socket, or (run) the caller's own terminal. */
	if (ctx.spec->process.terminal && o.console_fd >= 0) {
		m.io_in = m.io_out = m.io_err = o.console_fd;
		m.io_tty = true;
		/* our controlling terminal, so a resize of the master (by
		 * containerd) reaches us as SIGWINCH and is forwarded */
		setsid();
		if (ioctl(o.console_fd, TIOCSCTTY, 0) < 0)
			log_debug("cannot make the console our controlling terminal: %s",
				  strerror(errno));
	} else if (ctx.spec->process.terminal && isatty(0)) {
		m.io_tty = true;
	}
	if (m.io_tty && tcgetattr(m.io_in, &saved_tty) == 0) {
		struct termios raw_tty = saved_tty;
		cfmakeraw(&raw_tty);
		tty_raw = tcsetattr(m.io_in, TCSANOW, &raw_tty) == 0;
	}

	if (kernel_spawn(&k, kernel, &ka, o.state_dir, &err) < 0)
		goto fail;
	log_debug("kernel started, pid %d", (int)k.pid);

	m.doc = doc;
	m.autostart = !o.create;
	m.on_prepared = on_prepared;
	m.on_started = on_started;
	m.user = &ctx;
	if (monitor_loop(&m, &err) < 0)
		goto fail;
	if (m.res.error) {
		rerr_make(&err, 0, "unable to start container process: %s", m.res.error);
		goto fail;
	}
	if (m.res.kernel_died || !m.res.exited) {
		_cleanup_free_ char *tail = console_tail(o.state_dir, 6);
		rerr_make(&err, 0, "the guest kernel stopped before the container process ended; "
			  "console: %s", tail);
		goto fail;
	}
	rc = 0;
fail:
	if (err) {
		if (k.pid > 0 && !m.res.exited && !m.res.error && !strstr(err->msg, "console:")) {
			_cleanup_free_ char *tail = console_tail(o.state_dir, 4);
			if (asprintf(&failure, "%s; console: %s", err->msg, tail) < 0)
				failure = NULL;
		}
		if (!failure)
			failure = strdup(err->msg);
		log_error("%s", failure ? failure : err->msg);
		rerr_free(err);
	}
	if (tty_raw)
		tcsetattr(m.io_in, TCSANOW, &saved_tty);
	if (k.pid > 0 && (rc != 0 || !m.res.exited))
		kill(k.pid, SIGKILL);
	stop_kernel(&k);
	host_cgroup_leave(&hcg);
	if (k.ctl_fd >= 0)
		close(k.ctl_fd);
	if (k.console_fd >= 0)
		close(k.console_fd);
	if (m.listen_fd >= 0) {
		close(m.listen_fd);
		unlinkat(ctx.state_dirfd, "monitor.sock", 0);
	}
	transport_release(&t);
	net_transport_release(&net);
	net_cli_opts_clear(&o.net);
	kernel_args_free(&ka);
	if (ctx.state_dirfd >= 0) {
		ctx.st.has_exit = rc == 0;
		ctx.st.exit_status = m.res.wait_status;
		if (ctx.st.id)
			save_state(&ctx, ST_STOPPED);
	}
	ctx.st.annotations = NULL; /* owned by the spec */
	container_state_clear(&ctx.st);
	oci_spec_free(ctx.spec);
	free(m.res.error);
	/* a create that never reached "created" leaves nothing behind */
	if ((!o.create && !o.keep) || (o.create && o.ready_fd >= 0))
		remove_state_dir(o.state_dir);
	if (o.ready_fd >= 0) /* last: `runuml create` returns once this is read */
		report_ready_error(&o, failure ? failure : "the container ended before it was created");
	if (rc == 0)
		exit_like(m.res.wait_status);
	return 1;
}
