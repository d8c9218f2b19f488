/* runuml-init: PID 1 of the guest.  Boots the guest side of a container:
 * opens the control line to the host monitor, receives the launch document,
 * prepares the container process in its own namespaces, starts it on
 * request, runs exec sessions beside it, relays every process's stdio over
 * the control channel, forwards signals, reports how each ended, and powers
 * the guest off when the container's first process is gone.
 *
 * Everything here is inside the sandbox: it trusts the host, and the host
 * trusts nothing it says. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "ctl_chan.h"
#include "guest.h"
#include "guest_proc.h"
#include "guest_net.h"

#define CTL_TTY "/dev/ttyS1"

enum phase { PH_PREPARING, PH_READY, PH_STARTED };

struct init_state {
	struct ctl_chan ch;
	struct launch_doc *doc;
	enum phase phase;
	int start_w;                 /* the container's start pipe */
	struct gproc procs[GUEST_MAX_PROCS]; /* [0] = the container process */
};

void guest_log(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(buf) - 2)
		n = (int)sizeof(buf) - 2;
	buf[n++] = '\n';
	if (write(STDERR_FILENO, "runuml-init: ", 13) < 0 || write(STDERR_FILENO, buf, (size_t)n) < 0)
		return;
}

static __attribute__((noreturn)) void power_off(struct init_state *st)
{
	if (st) {
		ctl_chan_drain(&st->ch, 10000);
		tcdrain(st->ch.fd);
	}
	sync();
	reboot(RB_POWER_OFF);
	for (;;)
		pause();
}

static __attribute__((noreturn, format(printf, 2, 3))) void fail_boot(struct init_state *st,
								      const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	guest_log("%s", msg);
	if (st && st->ch.in)
		ctl_chan_send(&st->ch, CTL_ERROR, 0, 0, msg, strlen(msg));
	power_off(st);
}

static void early_mounts(void)
{
	mkdir("/dev", 0755);
	mkdir("/proc", 0555);
	mount("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755");
	mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	if (fcntl(STDERR_FILENO, F_GETFD) < 0) {
		int fd = open("/dev/console", O_RDWR | O_NOCTTY);
		if (fd >= 0 && fd != STDERR_FILENO) {
			dup2(fd, STDERR_FILENO);
			close(fd);
		}
	}
}

static int open_ctl_line(void)
{
	struct termios t;
	int fd = open(CTL_TTY, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (tcgetattr(fd, &t) == 0) {
		cfmakeraw(&t);
		t.c_cc[VMIN] = 1;
		t.c_cc[VTIME] = 0;
		tcsetattr(fd, TCSANOW, &t);
	}
	return fd;
}

/* HELLO, then SPEC chunks until SPEC_END. */
static struct launch_doc *receive_launch(struct init_state *st)
{
	struct rerr *err = NULL;
	char *spec = NULL;
	size_t spec_len = 0;

	ctl_chan_send(&st->ch, CTL_HELLO, 0, 0, "runuml-init 1", 13);
	if (ctl_chan_drain(&st->ch, 30000) < 0)
		fail_boot(NULL, "cannot write to the control line: %s", strerror(errno));
	for (;;) {
		struct ctl_hdr h;
		const uint8_t *pl;
		int r;

		while ((r = ctl_chan_next(&st->ch, &h, &pl)) == 1) {
			if (h.type == CTL_SPEC) {
				if (spec_len + h.len > CTL_MAX_SPEC)
					fail_boot(st, "launch document too large");
				char *n = realloc(spec, spec_len + h.len + 1);
				if (!n)
					fail_boot(st, "out of memory");
				spec = n;
				memcpy(spec + spec_len, pl, h.len);
				spec_len += h.len;
			} else if (h.type == CTL_SPEC_END) {
				struct launch_doc *d = launch_doc_parse(spec ? spec : "", spec_len, &err);
				free(spec);
				if (!d)
					fail_boot(st, "%s", err->msg);
				return d;
			}
		}
		if (r < 0)
			fail_boot(st, "malformed frame on the control line");
		struct pollfd p = { .fd = st->ch.fd, .events = POLLIN };
		poll(&p, 1, -1);
		if (ctl_chan_read(&st->ch) == 0)
			power_off(NULL);
	}
}

static void child_reset_signals(void)
{
	sigset_t all;
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
}

/* The container's first process, in new mount (and pid, ipc) namespaces. */
static void spawn_container(struct init_state *st)
{
	const struct oci_spec *s = st->doc->spec;
	struct gproc *g = &st->procs[0];
	struct child_pipes cp;
	unsigned long flags = CLONE_NEWNS | SIGCHLD;

	g->used = true;
	g->id = 0;
	if (gproc_make_stdio(g, s->process.terminal, s->process.console_height,
			     s->process.console_width, &cp) < 0)
		fail_boot(st, "cannot create the container's stdio: %s", strerror(errno));
	if (s->ns[OCI_NS_PID])
		flags |= CLONE_NEWPID;
	if (s->ns[OCI_NS_IPC])
		flags |= CLONE_NEWIPC;
	pid_t pid = (pid_t)syscall(SYS_clone, flags, NULL, NULL, NULL, NULL);
	if (pid < 0)
		fail_boot(st, "cannot create the container process: %s", strerror(errno));
	if (pid == 0) {
		child_reset_signals();
		close(st->ch.fd);
		close(cp.start_w_parent);
		container_child(st->doc, &cp);
	}
	g->pid = pid;
	st->start_w = cp.start_w_parent;
	gproc_parent_after_fork(g, &cp);
}

static struct gproc *find_proc(struct init_state *st, uint32_t id)
{
	for (int i = 0; i < GUEST_MAX_PROCS; i++)
		if (st->procs[i].used && st->procs[i].id == id)
			return &st->procs[i];
	return NULL;
}

static void exec_fail(struct init_state *st, uint32_t id, const char *msg)
{
	int32_t ws = 255 << 8;

	ctl_chan_send(&st->ch, CTL_ERROR, id, 0, msg, strlen(msg));
	ctl_chan_send(&st->ch, CTL_EXIT, id, 0, &ws, sizeof(ws));
}

/* CTL_EXEC: another process inside the running container. */
static void spawn_exec(struct init_state *st, uint32_t id, uint16_t flags, const uint8_t *pl,
		       size_t len)
{
	struct gproc *c0 = &st->procs[0], *g = NULL;
	struct exec_ns ns = { { -1, -1, -1, -1 }, -1 };
	struct oci_process proc;
	struct rerr *err = NULL;
	struct child_pipes cp;
	char path[64];
	int self_pidns = -1, pidns = -1;

	if (id == 0 || find_proc(st, id))
		return;
	if (st->phase != PH_STARTED || c0->exited || c0->pid <= 0) {
		exec_fail(st, id, "container not running");
		return;
	}
	for (int i = 1; i < GUEST_MAX_PROCS && !g; i++)
		if (!st->procs[i].used)
			g = &st->procs[i];
	if (!g) {
		exec_fail(st, id, "too many exec sessions");
		return;
	}
	if (oci_process_parse((const char *)pl, len, &proc, &err) < 0) {
		exec_fail(st, id, err->msg);
		rerr_free(err);
		oci_process_clear(&proc);
		return;
	}
	static const char *const names[] = { "cgroup", "ipc", "uts", "mnt" };
	for (int i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)c0->pid, names[i]);
		ns.fd[i] = open(path, O_RDONLY | O_CLOEXEC);
	}
	snprintf(path, sizeof(path), "/proc/%d/root", (int)c0->pid);
	ns.root = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)c0->pid);
	pidns = open(path, O_RDONLY | O_CLOEXEC);
	self_pidns = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
	g->used = true;
	g->id = id;
	g->in_w = g->out_r = g->err_r = g->status_r = g->console_sock = -1;
	if (ns.root < 0 || ns.fd[3] < 0 ||
	    gproc_make_stdio(g, (flags & CTL_F_TTY) || proc.terminal, proc.console_height,
			     proc.console_width, &cp) < 0) {
		exec_fail(st, id, "cannot prepare the exec session");
		gproc_release(g);
		goto out;
	}
	/* children of init land in the container's PID namespace */
	if (pidns >= 0 && setns(pidns, CLONE_NEWPID) < 0)
		guest_log("cannot enter the container's pid namespace: %s", strerror(errno));
	pid_t pid = fork();
	if (pid == 0) {
		child_reset_signals();
		close(st->ch.fd);
		close(cp.start_w_parent);
		exec_child(&proc, st->doc->spec->seccomp, &ns, &cp);
	}
	if (self_pidns >= 0)
		setns(self_pidns, CLONE_NEWPID);
	close(cp.start_w_parent);
	if (pid < 0) {
		exec_fail(st, id, "cannot fork");
		gproc_release(g);
		goto out;
	}
	g->pid = pid;
	gproc_parent_after_fork(g, &cp);
out:
	for (int i = 0; i < 4; i++)
		if (ns.fd[i] >= 0)
			close(ns.fd[i]);
	if (ns.root >= 0)
		close(ns.root);
	if (pidns >= 0)
		close(pidns);
	if (self_pidns >= 0)
		close(self_pidns);
	oci_process_clear(&proc);
}

/* CTL_UPDATE / CTL_STATS: one CTL_RESULT with the request's tag. */
static void answer_request(struct init_state *st, const struct ctl_hdr *h, const uint8_t *pl)
{
	uint8_t out[sizeof(int32_t) + 512];
	int32_t code = 0;
	size_t len = sizeof(code);

	if (h->type == CTL_STATS) {
		struct ctl_stats stats;
		uint8_t buf[sizeof(code) + sizeof(stats)];
		guest_cgroup_stats(&stats);
		memcpy(buf, &code, sizeof(code));
		memcpy(buf + sizeof(code), &stats, sizeof(stats));
		ctl_chan_send(&st->ch, CTL_RESULT, h->proc, 0, buf, sizeof(buf));
		return;
	}
	char *msg = (char *)out + sizeof(code);
	struct ctl_resources r;
	if (h->len != sizeof(r)) {
		code = EINVAL;
		snprintf(msg, sizeof(out) - sizeof(code), "malformed update request");
	} else {
		memcpy(&r, pl, sizeof(r));
		code = guest_cgroup_update(&r, msg, sizeof(out) - sizeof(code));
	}
	if (code)
		len += strlen(msg);
	memcpy(out, &code, sizeof(code));
	ctl_chan_send(&st->ch, CTL_RESULT, h->proc, 0, out, len);
}

static void handle_frame(struct init_state *st, const struct ctl_hdr *h, const uint8_t *pl)
{
	struct gproc *g;
	int32_t sig;

	switch (h->type) {
	case CTL_START:
		if (st->phase == PH_READY) {
			st->phase = PH_STARTED;
			if (write(st->start_w, "G", 1) != 1)
				guest_log("cannot start the container process: %s", strerror(errno));
			close(st->start_w);
			st->start_w = -1;
		}
		break;
	case CTL_EXEC:
		spawn_exec(st, h->proc, h->flags, pl, h->len);
		break;
	case CTL_NET:
		if (st->phase != PH_STARTED)
			guest_net_apply(st->doc, st->procs[0].pid, pl, h->len);
		break;
	case CTL_STDIN:
		if ((g = find_proc(st, h->proc)))
			gproc_queue_stdin(g, pl, h->len);
		break;
	case CTL_SIGNAL:
		if (h->len != sizeof(sig))
			break;
		memcpy(&sig, pl, sizeof(sig));
		if (sig <= 0 || sig > 64)
			break;
		if (h->flags & CTL_F_ALL)
			kill(-1, sig);
		else if ((g = find_proc(st, h->proc)) && g->pid > 0)
			kill(g->pid, sig);
		break;
	case CTL_UPDATE:
	case CTL_STATS:
		answer_request(st, h, pl);
		break;
	case CTL_RESIZE:
		if ((g = find_proc(st, h->proc)) && g->terminal && h->len == 4 && g->out_r >= 0) {
			uint16_t rc[2];
			memcpy(rc, pl, sizeof(rc));
			struct winsize ws = { .ws_row = rc[0], .ws_col = rc[1] };
			ioctl(g->out_r, TIOCSWINSZ, &ws);
		}
		break;
	default:
		break;
	}
}

/* The status pipe: 'R' = prepared (first process), 'E'+text = failed,
 * EOF = execve succeeded. */
static void handle_status(struct init_state *st, struct gproc *g)
{
	char buf[1024];
	ssize_t r = read(g->status_r, buf, sizeof(buf) - 1);

	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (r > 0 && buf[0] == 'R') {
		st->phase = PH_READY;
		ctl_chan_send(&st->ch, CTL_READY, 0, 0, NULL, 0);
		if (r == 1)
			return;
		memmove(buf, buf + 1, (size_t)--r);
	}
	if (r > 0 && buf[0] == 'E') {
		g->failed = true;
		ctl_chan_send(&st->ch, CTL_ERROR, g->id, 0, buf + 1, (size_t)r - 1);
	} else if (r == 0 && g->id != 0) {
		int32_t pid = g->pid;
		ctl_chan_send(&st->ch, CTL_STARTED, g->id, 0, &pid, sizeof(pid));
	}
	close(g->status_r);
	g->status_r = -1;
}

static void reap(struct init_state *st)
{
	int status;
	pid_t p;

	while ((p = waitpid(-1, &status, WNOHANG)) > 0)
		for (int i = 0; i < GUEST_MAX_PROCS; i++)
			if (st->procs[i].used && st->procs[i].pid == p) {
				st->procs[i].exited = true;
				st->procs[i].wait_status = status;
				st->procs[i].pid = -1;
			}
	/* The container is over when its first process is: nothing else of
	 * it may keep running (as with a PID namespace in runc). */
	if (st->procs[0].exited) {
		kill(-1, SIGKILL);
		while ((p = waitpid(-1, &status, WNOHANG)) > 0)
			for (int i = 1; i < GUEST_MAX_PROCS; i++)
				if (st->procs[i].used && st->procs[i].pid == p) {
					st->procs[i].exited = true;
					st->procs[i].wait_status = status;
					st->procs[i].pid = -1;
				}
	}
}

/* Reports finished exec sessions; true when the container itself is done. */
static bool report_finished(struct init_state *st)
{
	for (int i = 1; i < GUEST_MAX_PROCS; i++) {
		struct gproc *g = &st->procs[i];
		if (!g->used || !gproc_done(g))
			continue;
		if (g->status_r >= 0)
			handle_status(st, g);
		int32_t ws = g->wait_status;
		ctl_chan_send(&st->ch, CTL_EXIT, g->id, 0, &ws, sizeof(ws));
		gproc_release(g);
	}
	if (!gproc_done(&st->procs[0]))
		return false;
	for (int i = 1; i < GUEST_MAX_PROCS; i++)
		if (st->procs[i].used)
			return false;
	return true;
}

static void event_loop(struct init_state *st, int sfd)
{
	bool room;

	for (;;) {
		struct pollfd fds[2 + 4 * GUEST_MAX_PROCS];
		struct { struct gproc *g; int kind; } who[2 + 4 * GUEST_MAX_PROCS];
		int n = 0;

		if (report_finished(st))
			return;
		room = ctl_chan_pending(&st->ch) < CTL_CHAN_HIGH;
		fds[n++] = (struct pollfd){ .fd = st->ch.fd,
			.events = (short)(POLLIN | (ctl_chan_pending(&st->ch) ? POLLOUT : 0)) };
		fds[n++] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		for (int i = 0; i < GUEST_MAX_PROCS; i++) {
			struct gproc *g = &st->procs[i];
			bool live_out = i != 0 || st->phase == PH_STARTED || g->exited;
			if (!g->used)
				continue;
			if (g->status_r >= 0) {
				who[n].g = g; who[n].kind = 0;
				fds[n++] = (struct pollfd){ .fd = g->status_r, .events = POLLIN };
			}
			if (room && live_out && g->out_r >= 0) {
				who[n].g = g; who[n].kind = 1;
				fds[n++] = (struct pollfd){ .fd = g->out_r, .events = POLLIN };
			}
			if (room && live_out && g->err_r >= 0) {
				who[n].g = g; who[n].kind = 2;
				fds[n++] = (struct pollfd){ .fd = g->err_r, .events = POLLIN };
			}
			if (g->in_w >= 0 && g->in_q_off < g->in_q_len && !g->terminal) {
				who[n].g = g; who[n].kind = 3;
				fds[n++] = (struct pollfd){ .fd = g->in_w, .events = POLLOUT };
			}
		}
		if (poll(fds, (nfds_t)n, -1) < 0) {
			if (errno == EINTR)
				continue;
			fail_boot(st, "poll: %s", strerror(errno));
		}
		if (fds[1].revents) {
			struct signalfd_siginfo si;
			while (read(sfd, &si, sizeof(si)) == sizeof(si))
				;
			reap(st);
		}
		if (fds[0].revents & POLLOUT)
			ctl_chan_flush(&st->ch);
		if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			long r = ctl_chan_read(&st->ch);
			struct ctl_hdr h;
			const uint8_t *pl;
			int k;
			if (r == 0) /* host gone: nothing left to serve */
				power_off(NULL);
			while ((k = ctl_chan_next(&st->ch, &h, &pl)) == 1)
				handle_frame(st, &h, pl);
			if (k < 0)
				fail_boot(st, "malformed frame on the control line");
		}
		for (int i = 2; i < n; i++) {
			struct gproc *g = who[i].g;
			if (!fds[i].revents || !g->used)
				continue;
			switch (who[i].kind) {
			case 0: if (g->status_r >= 0) handle_status(st, g); break;
			case 1: if (g->out_r >= 0) gproc_pump(g, &g->out_r, CTL_STDOUT, &st->ch); break;
			case 2: if (g->err_r >= 0) gproc_pump(g, &g->err_r, CTL_STDERR, &st->ch); break;
			case 3: gproc_flush_stdin(g); break;
			}
		}
		for (int i = 0; i < GUEST_MAX_PROCS; i++)
			if (st->procs[i].used && (st->procs[i].terminal || st->procs[i].stdin_eof))
				gproc_flush_stdin(&st->procs[i]);
		ctl_chan_flush(&st->ch);
	}
}

int main(void)
{
	static struct init_state st = { .start_w = -1 };
	sigset_t mask;
	int sfd, fd;

	if (getpid() != 1) {
		fprintf(stderr, "runuml-init: must run as PID 1 of a runuml guest\n");
		return 1;
	}
	early_mounts();
	fd = open_ctl_line();
	if (fd < 0)
		fail_boot(NULL, "cannot open the control line %s: %s", CTL_TTY, strerror(errno));
	if (ctl_chan_init(&st.ch, fd) < 0)
		fail_boot(NULL, "out of memory");
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (sfd < 0)
		fail_boot(NULL, "signalfd: %s", strerror(errno));

	st.doc = receive_launch(&st);
	struct rerr *err = NULL;
	if (guest_cgroup_setup(st.doc->spec, &err) < 0)
		fail_boot(&st, "%s", err->msg);
	spawn_container(&st);
	event_loop(&st, sfd);

	/* Any error the child reported went out as CTL_ERROR; the exit status
	 * follows it either way. */
	if (st.procs[0].status_r >= 0)
		handle_status(&st, &st.procs[0]);
	int32_t ws = st.procs[0].wait_status;
	ctl_chan_send(&st.ch, CTL_EXIT, 0, 0, &ws, sizeof(ws));
	power_off(&st);
}
