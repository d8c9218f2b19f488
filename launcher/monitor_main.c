/* runuml-monitor: one per container (see monitor.h).
 *
 *   runuml-monitor --state-dir DIR --bundle DIR --id ID
 *                  [--log FILE] [--log-format text|json] [--debug] [--keep]
 *
 * Started by `runuml run` (exec'd, so it inherits the caller's stdio and
 * its exit status is the container's).  It owns the state directory, which
 * it removes when the container is gone unless --keep is given. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "fsutil.h"
#include "log.h"
#include "monitor.h"

#define POWEROFF_GRACE_MS 10000

struct monitor_opts {
	const char *state_dir, *bundle, *id, *log_path;
	enum log_format log_format;
	bool debug, keep;
};

static int parse_args(int argc, char **argv, struct monitor_opts *o)
{
	static const struct option longopts[] = {
		{ "state-dir", required_argument, NULL, 's' },
		{ "bundle", required_argument, NULL, 'b' },
		{ "id", required_argument, NULL, 'i' },
		{ "log", required_argument, NULL, 'l' },
		{ "log-format", required_argument, NULL, 'f' },
		{ "debug", no_argument, NULL, 'd' },
		{ "keep", no_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 's': o->state_dir = optarg; break;
		case 'b': o->bundle = optarg; break;
		case 'i': o->id = optarg; break;
		case 'l': o->log_path = optarg; break;
		case 'f': o->log_format = strcmp(optarg, "json") ? LOG_TEXT : LOG_JSON; break;
		case 'd': o->debug = true; break;
		case 'k': o->keep = true; break;
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

int main(int argc, char **argv)
{
	struct monitor_opts o = { .log_format = LOG_TEXT };
	struct kernel_proc k = { .pid = -1, .ctl_fd = -1, .console_fd = -1 };
	struct kernel_args ka = { .argc = 0 };
	struct transport t = { .helper = -1 };
	struct relay_result res = { 0 };
	struct rerr *err = NULL;
	_cleanup_free_ char *raw = NULL, *doc = NULL, *kernel = NULL, *initrd = NULL;
	_cleanup_free_ char *bundle = NULL;
	struct oci_spec *spec = NULL;
	size_t raw_len = 0;
	int rc = 1;

	log_set_name("runuml");
	if (parse_args(argc, argv, &o) < 0) {
		fprintf(stderr, "usage: runuml-monitor --state-dir DIR --bundle DIR --id ID "
			"[--log FILE] [--log-format text|json] [--debug] [--keep]\n");
		return 2;
	}
	if (log_init(o.log_path, o.log_format, o.debug) < 0) {
		fprintf(stderr, "runuml: cannot open log file `%s`: %s\n", o.log_path, strerror(errno));
		remove_state_dir(o.state_dir);
		return 1;
	}
	/* Guest processes orphaned by the kernel come back to us, not to init. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);

	bundle = abs_path(o.bundle, &err);
	if (!bundle)
		goto fail;
	spec = oci_spec_load(bundle, true, &raw, &raw_len, &err);
	if (!spec)
		goto fail;
	kernel = helper_path("linux");
	initrd = helper_path("initrd.img");
	if (!kernel || !initrd) {
		rerr_make(&err, errno, "cannot find the runuml helpers");
		goto fail;
	}
	if (access(kernel, X_OK) < 0) {
		rerr_make(&err, errno, "cannot use kernel `%s`", kernel);
		goto fail;
	}
	if (kernel_base_args(&ka, initrd, o.state_dir, spec->memory_limit, &err) < 0)
		goto fail;
	if (add_extra_kernel_args(&ka, &err) < 0)
		goto fail;
	if (transport_prepare(&t, spec, bundle, o.state_dir, &ka, &err) < 0)
		goto fail;
	doc = launch_doc_build(&t.root, t.binds, t.n_binds, raw, raw_len, &err);
	if (!doc)
		goto fail;
	if (kernel_spawn(&k, kernel, &ka, o.state_dir, &err) < 0)
		goto fail;
	log_debug("kernel started, pid %d", (int)k.pid);

	if (relay_run(&k, doc, &res, &err) < 0)
		goto fail;
	if (res.error) {
		rerr_make(&err, 0, "unable to start container process: %s", res.error);
		goto fail;
	}
	if (res.kernel_died || !res.exited) {
		_cleanup_free_ char *tail = console_tail(o.state_dir, 6);
		rerr_make(&err, 0, "the guest kernel stopped before the container process ended; "
			  "console: %s", tail);
		goto fail;
	}
	rc = 0;
fail:
	if (err) {
		/* a boot failure quotes the console so the cause is on one line */
		if (k.pid > 0 && !res.exited && !res.error && !strstr(err->msg, "console:")) {
			_cleanup_free_ char *tail = console_tail(o.state_dir, 4);
			log_error("%s; console: %s", err->msg, tail);
		} else {
			log_error("%s", err->msg);
		}
		rerr_free(err);
	}
	if (k.pid > 0 && (rc != 0 || !res.exited))
		kill(k.pid, SIGKILL);
	stop_kernel(&k);
	if (k.ctl_fd >= 0)
		close(k.ctl_fd);
	if (k.console_fd >= 0)
		close(k.console_fd);
	transport_release(&t);
	kernel_args_free(&ka);
	oci_spec_free(spec);
	free(res.error);
	if (!o.keep)
		remove_state_dir(o.state_dir);
	if (rc == 0)
		exit_like(res.wait_status);
	return 1;
}
