/* Starting the monitor (see monitor_launch.h). */
#include "monitor_launch.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/close_range.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "container_id.h"
#include "fsutil.h"
#include "oci_spec.h"
#include "state_file.h"

int monitor_launch_prepare(const struct global_opts *g, struct monitor_launch *ml,
			   struct rerr **err)
{
	struct oci_spec *spec;

	if (container_id_validate(ml->id, err) < 0)
		return -1;
	spec = oci_spec_load(ml->bundle, true, NULL, NULL, err);
	if (!spec)
		return -1;
	oci_spec_free(spec);
	if (asprintf(&ml->state_dir, "%s/%s", g->root, ml->id) < 0)
		return rerr_make(err, ENOMEM, "preparing the container");
	if (mkdir(ml->state_dir, 0700) < 0) {
		if (errno == EEXIST)
			return rerr_make(err, 0, "container with id `%s` already exists", ml->id);
		return rerr_make(err, errno, "cannot create state directory `%s`", ml->state_dir);
	}
	return 0;
}

static char net_buf[2][2048];

static int build_argv(const struct global_opts *g, const struct monitor_launch *ml, int ready_fd,
		      char **args, char *ready_buf, char *console_buf)
{
	int n = 0;

	args[n++] = "runuml-monitor";
	args[n++] = "--state-dir";
	args[n++] = ml->state_dir;
	args[n++] = "--bundle";
	args[n++] = (char *)ml->bundle;
	args[n++] = "--id";
	args[n++] = (char *)ml->id;
	if (ml->create) {
		args[n++] = "--mode";
		args[n++] = "create";
		sprintf(ready_buf, "%d", ready_fd);
		args[n++] = "--ready-fd";
		args[n++] = ready_buf;
	}
	if (ml->console_fd >= 0) {
		sprintf(console_buf, "%d", ml->console_fd);
		args[n++] = "--console-fd";
		args[n++] = console_buf;
	}
	if (g->log_path) {
		args[n++] = "--log";
		args[n++] = (char *)g->log_path;
		args[n++] = "--log-format";
		args[n++] = g->log_format == LOG_JSON ? "json" : "text";
	}
	if (g->debug)
		args[n++] = "--debug";
	if (ml->keep)
		args[n++] = "--keep";
	/* the network (launcher/net_transport.h): --net key=value */
	if (g->network) {
		snprintf(net_buf[0], sizeof(net_buf[0]), "mode=%s", g->network);
		args[n++] = "--net";
		args[n++] = net_buf[0];
	}
	if (g->publish && strlen(g->publish) < sizeof(net_buf[1]) - 8) {
		snprintf(net_buf[1], sizeof(net_buf[1]), "publish=%s", g->publish);
		args[n++] = "--net";
		args[n++] = net_buf[1];
	}
	if (g->net_allow_host_loopback) {
		args[n++] = "--net";
		args[n++] = "allow-host-loopback";
	}
	args[n] = NULL;
	return n;
}

static char *monitor_path(const struct global_opts *g)
{
	char *p = NULL;
	if (asprintf(&p, "%s/runuml-monitor", g->libexec ? g->libexec : ".") < 0)
		return NULL;
	return p;
}

int monitor_launch_exec(const struct global_opts *g, struct monitor_launch *ml, struct rerr **err)
{
	_cleanup_free_ char *monitor = monitor_path(g);
	char *args[32], rb[16], cb[16];

	build_argv(g, ml, -1, args, rb, cb);
	close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
	if (monitor)
		execv(monitor, args);
	int e = errno;
	remove_tree_at(AT_FDCWD, ml->state_dir);
	return rerr_make(err, e, "cannot execute the monitor `%s`", monitor ? monitor : "");
}

int monitor_launch_detached(const struct global_opts *g, struct monitor_launch *ml, pid_t *pid,
			    struct rerr **err)
{
	_cleanup_free_ char *monitor = monitor_path(g);
	char *args[32], rb[16], cb[16], buf[4096];
	int ready[2], status;
	size_t len = 0;
	pid_t child;

	if (!monitor)
		return rerr_make(err, ENOMEM, "create");
	if (pipe2(ready, O_CLOEXEC) < 0)
		return rerr_make(err, errno, "cannot create a pipe");
	child = fork();
	if (child < 0) {
		close(ready[0]);
		close(ready[1]);
		return rerr_make(err, errno, "cannot start the monitor");
	}
	if (child == 0) {
		/* The intermediate exits at once, so the monitor is re-parented
		 * to the nearest subreaper (the shim), which reaps it. */
		setsid();
		if (fork() != 0)
			_exit(0);
		close(ready[0]);
		/* nothing of the caller's but stdio reaches the monitor (bats'
		 * fd 3, a shim's pipes): the container would hold them open */
		close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
		fcntl(ready[1], F_SETFD, 0);
		if (ml->console_fd >= 0) {
			fcntl(ml->console_fd, F_SETFD, 0);
			/* with a terminal, create's own stdio must not be held:
			 * go-runc reads it to EOF (contract B2.6) */
			int null = open("/dev/null", O_RDWR);
			if (null >= 0) {
				dup2(null, 0);
				dup2(null, 1);
				dup2(null, 2);
				if (null > 2)
					close(null);
			}
		}
		build_argv(g, ml, ready[1], args, rb, cb);
		execv(monitor, args);
		dprintf(ready[1], "error: cannot execute the monitor `%s`: %s\n", monitor,
			strerror(errno));
		_exit(127);
	}
	close(ready[1]);
	waitpid(child, &status, 0);
	for (;;) {
		ssize_t r = read(ready[0], buf + len, sizeof(buf) - 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
		if (len >= sizeof(buf) - 1)
			break;
	}
	close(ready[0]);
	buf[len] = '\0';
	if (len >= 2 && !strncmp(buf, "ok", 2)) {
		struct container_state st;
		_cleanup_close_ int dfd = open(ml->state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0 || state_file_read(dfd, &st, err) < 0)
			return rerr_make(err, errno, "cannot read the state of `%s`", ml->id);
		*pid = st.pid;
		container_state_clear(&st);
		return 0;
	}
	while (len && (buf[len - 1] == '\n'))
		buf[--len] = '\0';
	/* the monitor removed the state directory before reporting; make sure */
	remove_tree_at(AT_FDCWD, ml->state_dir);
	if (!strncmp(buf, "error: ", 7))
		return rerr_make(err, 0, "%s", buf + 7);
	return rerr_make(err, 0, "the monitor of `%s` exited before the container was created",
			 ml->id);
}
