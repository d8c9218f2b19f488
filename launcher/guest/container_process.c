/* The container process, from clone() to execve(): stdio, session, file
 * system view, hostname, rlimits, credentials, capabilities, no_new_privs,
 * PATH lookup.  The order follows runc's init (libcontainer/standard_init_linux.go
 * and init_linux.go finalizeNamespace): everything that can fail is done
 * before reporting "prepared", so create/run fail early with runc's words. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <linux/capability.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include "fdpass.h"
#include "guest.h"

void child_fail(int status_w, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	buf[0] = 'E';
	va_start(ap, fmt);
	n = vsnprintf(buf + 1, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n > sizeof(buf) - 2)
		n = (int)sizeof(buf) - 2;
	if (write(status_w, buf, (size_t)n + 1) < 0)
		_exit(127);
	_exit(127);
}

static const char *env_get(char *const *env, const char *key)
{
	size_t kl = strlen(key);

	for (size_t i = 0; env && env[i]; i++)
		if (!strncmp(env[i], key, kl) && env[i][kl] == '=')
			return env[i] + kl + 1;
	return NULL;
}

/* Go's exec.LookPath as runc uses it: a name with a slash is taken as is;
 * otherwise the first executable regular file along $PATH.  On failure,
 * runc's message. */
static int lookup_exec(const char *name, char *const *env, char *out, size_t size,
		       char *msg, size_t msg_size)
{
	struct stat st;

	if (strchr(name, '/')) {
		if (stat(name, &st) < 0) {
			snprintf(msg, msg_size, "exec: \"%s\": stat %s: %s", name, name, strerror(errno));
			return -1;
		}
		if (S_ISDIR(st.st_mode) || access(name, X_OK) < 0) {
			snprintf(msg, msg_size, "exec: \"%s\": permission denied", name);
			return -1;
		}
		snprintf(out, size, "%s", name);
		return 0;
	}
	const char *path = env_get(env, "PATH");
	for (const char *p = path; p && *p;) {
		const char *end = strchr(p, ':');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len == 0)
			snprintf(out, size, "./%s", name);
		else
			snprintf(out, size, "%.*s/%s", (int)len, p, name);
		if (stat(out, &st) == 0 && S_ISREG(st.st_mode) && access(out, X_OK) == 0)
			return 0;
		p = end ? end + 1 : NULL;
	}
	snprintf(msg, msg_size, "exec: \"%s\": executable file not found in $PATH", name);
	return -1;
}

static void set_rlimits(const struct oci_process *p, int status_w)
{
	for (size_t i = 0; i < p->n_rlimits; i++) {
		struct rlimit rl = {
			.rlim_cur = p->rlimits[i].soft == UINT64_MAX ? RLIM_INFINITY : p->rlimits[i].soft,
			.rlim_max = p->rlimits[i].hard == UINT64_MAX ? RLIM_INFINITY : p->rlimits[i].hard,
		};
		if (setrlimit(p->rlimits[i].resource, &rl) < 0)
			child_fail(status_w, "cannot set rlimit %d: %s", p->rlimits[i].resource,
				   strerror(errno));
	}
}

static int capset2(uint64_t eff, uint64_t perm, uint64_t inh)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = {
		{ (uint32_t)eff, (uint32_t)perm, (uint32_t)inh },
		{ (uint32_t)(eff >> 32), (uint32_t)(perm >> 32), (uint32_t)(inh >> 32) },
	};
	return (int)syscall(SYS_capset, &hdr, data);
}

static int last_cap(void)
{
	static int cached = -1;
	char buf[16] = "";
	int fd;

	if (cached >= 0)
		return cached;
	fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (read(fd, buf, sizeof(buf) - 1) < 0)
			buf[0] = '\0';
		close(fd);
	}
	cached = buf[0] ? atoi(buf) : 40;
	return cached;
}

/* Credentials and capabilities (runc: setupUser, then capabilities). */
static void set_identity(const struct oci_process *p, int status_w)
{
	const struct oci_caps *c = &p->caps;
	int last = last_cap();

	/* The bounding set can only be dropped while CAP_SETPCAP is held. */
	if (p->has_caps)
		for (int cap = 0; cap <= last; cap++)
			if (!(c->bounding & (1ULL << cap)) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 &&
			    errno != EINVAL)
				child_fail(status_w, "cannot drop capability %d: %s", cap, strerror(errno));
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		child_fail(status_w, "cannot keep capabilities: %s", strerror(errno));
	if (setgroups(p->n_additional_gids, p->additional_gids) < 0)
		child_fail(status_w, "cannot set additional gids: %s", strerror(errno));
	if (setresgid(p->gid, p->gid, p->gid) < 0)
		child_fail(status_w, "cannot set gid %u: %s", p->gid, strerror(errno));
	if (setresuid(p->uid, p->uid, p->uid) < 0)
		child_fail(status_w, "cannot set uid %u: %s", p->uid, strerror(errno));
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		child_fail(status_w, "cannot reset keep-capabilities: %s", strerror(errno));
	if (p->has_caps) {
		if (capset2(c->effective, c->permitted, c->inheritable) < 0)
			child_fail(status_w, "cannot set capabilities: %s", strerror(errno));
		prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
		for (int cap = 0; cap <= last; cap++)
			if ((c->ambient & (1ULL << cap)) &&
			    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
				child_fail(status_w, "cannot raise ambient capability %d: %s", cap,
					   strerror(errno));
	}
}

/* A terminal is made inside the container (its /dev/ptmx, so the slave has
 * a name there, as runc does), and the master goes to init. */
static void setup_terminal(const struct child_pipes *p)
{
	int m = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0)
		child_fail(p->status_w, "cannot allocate a terminal: %s", strerror(errno));
	int sl = open(ptsname(m), O_RDWR | O_NOCTTY);
	if (sl < 0)
		child_fail(p->status_w, "cannot open the terminal: %s", strerror(errno));
	if (fd_send(p->console_sock, m, NULL) < 0)
		child_fail(p->status_w, "cannot hand over the terminal: %s", strerror(errno));
	close(m);
	close(p->console_sock);
	for (int i = 0; i < 3; i++)
		if (dup2(sl, i) < 0)
			child_fail(p->status_w, "cannot set up stdio: %s", strerror(errno));
	if (sl > 2)
		close(sl);
	if (ioctl(0, TIOCSCTTY, 0) < 0)
		child_fail(p->status_w, "cannot set the controlling terminal: %s", strerror(errno));
}

/* New session; pipes become stdio now, a terminal once the container's
 * /dev is there (setup_terminal). */
static void setup_stdio(const struct child_pipes *p)
{
	if (setsid() < 0)
		child_fail(p->status_w, "cannot start a session: %s", strerror(errno));
	if (p->terminal)
		return;
	for (int i = 0; i < 3; i++)
		if (dup2(p->stdio[i], i) < 0)
			child_fail(p->status_w, "cannot set up stdio: %s", strerror(errno));
	for (int i = 0; i < 3; i++)
		if (p->stdio[i] > 2)
			close(p->stdio[i]);
}

/* What every process of the container goes through once it sees the
 * container's file system: limits, identity, cwd, no_new_privs, then the
 * PATH lookup.  Returns the executable's path in `path`.
 *
 * linux.seccomp (runc's standard_init_linux.go): compiled here, so a profile
 * libseccomp rejects fails before "prepared".  Without no_new_privs loading
 * a filter needs CAP_SYS_ADMIN, so it is loaded before the identity and
 * capabilities change; otherwise as late as possible: the returned filter is
 * loaded by the caller right before execve. */
static void *finish_process(const struct oci_process *proc, const struct oci_seccomp *sc,
			    int status_w, char *path, size_t size)
{
	struct rerr *err = NULL;
	void *filter = NULL;
	char msg[1024];

	if (sc && !(filter = guest_seccomp_build(sc, &err)))
		child_fail(status_w, "%s", err->msg);
	set_rlimits(proc, status_w);
	if (proc->has_oom_score_adj) {
		int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
		if (fd >= 0) {
			dprintf(fd, "%d", proc->oom_score_adj);
			close(fd);
		}
	}
	if (filter && !proc->no_new_privileges) {
		if (guest_seccomp_load(filter, &err) < 0)
			child_fail(status_w, "%s", err->msg);
		filter = NULL;
	}
	set_identity(proc, status_w);
	umask(proc->umask >= 0 ? (mode_t)proc->umask : 022);
	if (chdir(proc->cwd) < 0)
		child_fail(status_w, "chdir to cwd (\"%s\") set in config.json failed: %s",
			   proc->cwd, strerror(errno));
	if (proc->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		child_fail(status_w, "cannot set no_new_privs: %s", strerror(errno));
	if (lookup_exec(proc->args[0], proc->env, path, size, msg, sizeof(msg)) < 0)
		child_fail(status_w, "%s", msg);
	return filter;
}

/* The last step before execve. */
static void load_filter(void *filter, int status_w)
{
	struct rerr *err = NULL;

	if (filter && guest_seccomp_load(filter, &err) < 0)
		child_fail(status_w, "%s", err->msg);
}

void container_child(const struct launch_doc *d, const struct child_pipes *p)
{
	const struct oci_spec *s = d->spec;
	const struct oci_process *proc = &s->process;
	struct rerr *err = NULL;
	char path[4096];
	char go;
	int e;

	/* first: whatever the container does from here on is charged to it */
	if ((e = guest_cgroup_join()) < 0)
		child_fail(p->status_w, "cannot join the container's cgroup: %s", strerror(-e));
	if (s->ns[OCI_NS_CGROUP] && unshare(CLONE_NEWCGROUP) < 0 && errno != EINVAL)
		child_fail(p->status_w, "cannot create a cgroup namespace: %s", strerror(errno));
	setup_stdio(p);
	if (s->ns[OCI_NS_UTS] && unshare(CLONE_NEWUTS) < 0)
		child_fail(p->status_w, "cannot create a UTS namespace: %s", strerror(errno));
	if (s->hostname && sethostname(s->hostname, strlen(s->hostname)) < 0)
		child_fail(p->status_w, "cannot set hostname `%s`: %s", s->hostname, strerror(errno));
	if (container_mounts_setup(d, &err) < 0)
		child_fail(p->status_w, "%s", err->msg);
	if (p->terminal)
		setup_terminal(p);
	void *filter = finish_process(proc, s->seccomp, p->status_w, path, sizeof(path));

	/* prepared: wait for START (runc's exec fifo) */
	if (write(p->status_w, "R", 1) != 1)
		_exit(127);
	if (read(p->start_r, &go, 1) != 1)
		_exit(127);
	close(p->start_r);
	load_filter(filter, p->status_w);
	execve(path, proc->args, proc->env);
	child_fail(p->status_w, "exec: \"%s\": %s", proc->args[0], strerror(errno));
}

void exec_child(const struct oci_process *proc, const struct oci_seccomp *sc,
		const struct exec_ns *ns, const struct child_pipes *p)
{
	static const int types[] = { CLONE_NEWCGROUP, CLONE_NEWIPC, CLONE_NEWUTS, CLONE_NEWNS };
	char path[4096];
	int e;

	/* while init's /sys/fs/cgroup is still in view */
	if ((e = guest_cgroup_join()) < 0)
		child_fail(p->status_w, "cannot join the container's cgroup: %s", strerror(-e));
	for (size_t i = 0; i < 4; i++)
		if (ns->fd[i] >= 0 && setns(ns->fd[i], types[i]) < 0)
			child_fail(p->status_w, "cannot enter the container: %s", strerror(errno));
	/* setns(mnt) leaves us at the namespace's root; the container's root
	 * is where its first process chrooted */
	if (fchdir(ns->root) < 0 || chroot(".") < 0 || chdir("/") < 0)
		child_fail(p->status_w, "cannot enter the container's root: %s", strerror(errno));
	setup_stdio(p);
	if (p->terminal)
		setup_terminal(p);
	void *filter = finish_process(proc, sc, p->status_w, path, sizeof(path));
	load_filter(filter, p->status_w);
	execve(path, proc->args, proc->env);
	child_fail(p->status_w, "exec: \"%s\": %s", proc->args[0], strerror(errno));
}
