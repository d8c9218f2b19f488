/* runuml-init: PID 1 of the guest.  Boots the guest side of a container:
 * opens the control line to the host monitor, receives the launch document,
 * prepares the container process in its own namespaces, starts it on
 * request, relays its stdio over the control channel, forwards signals,
 * reports how it ended, then powers the guest off.
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

#define CTL_TTY "/dev/ttyS1"
#define IO_CHUNK 65536

enum phase { PH_PREPARING, PH_READY, PH_STARTED, PH_EXITED };

struct init_state {
	struct ctl_chan ch;
	struct launch_doc *doc;
	pid_t child;
	enum phase phase;
	int status_r, start_w;
	int in_w;             /* child's stdin (pipe write end or pty master) */
	int out_r, err_r;     /* child's stdout/stderr (err_r -1 with a pty) */
	bool terminal;
	uint8_t *in_q;        /* pending stdin bytes */
	size_t in_q_len, in_q_off;
	bool stdin_eof;
	int wait_status;
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

static __attribute__((noreturn)) void fail_boot(struct init_state *st, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	guest_log("%s", msg);
	if (st && st->ch.in) {
		ctl_chan_send(&st->ch, CTL_ERROR, 0, 0, msg, strlen(msg));
	}
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

static int wait_readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	return poll(&p, 1, -1);
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
		wait_readable(st->ch.fd);
		if (ctl_chan_read(&st->ch) == 0)
			power_off(NULL);
	}
}

static void set_nonblock(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/* Creates the child's stdio, clones it into its namespaces. */
static void spawn_container(struct init_state *st)
{
	const struct oci_spec *s = st->doc->spec;
	struct child_pipes cp = { .terminal = s->process.terminal };
	int status[2], start[2], in[2] = { -1, -1 }, out[2] = { -1, -1 }, errp[2] = { -1, -1 };
	unsigned long flags = CLONE_NEWNS | SIGCHLD;

	if (pipe2(status, O_CLOEXEC) < 0 || pipe2(start, O_CLOEXEC) < 0)
		fail_boot(st, "cannot create pipes: %s", strerror(errno));
	if (cp.terminal) {
		int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0)
			fail_boot(st, "cannot create a terminal: %s", strerror(errno));
		struct winsize ws = { .ws_row = s->process.console_height,
				      .ws_col = s->process.console_width };
		if (ws.ws_row && ws.ws_col)
			ioctl(m, TIOCSWINSZ, &ws);
		int sl = open(ptsname(m), O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (sl < 0)
			fail_boot(st, "cannot open the terminal: %s", strerror(errno));
		cp.stdio[0] = cp.stdio[1] = cp.stdio[2] = sl;
		st->in_w = st->out_r = m;
		st->err_r = -1;
	} else {
		if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0)
			fail_boot(st, "cannot create pipes: %s", strerror(errno));
		cp.stdio[0] = in[0];
		cp.stdio[1] = out[1];
		cp.stdio[2] = errp[1];
		st->in_w = in[1];
		st->out_r = out[0];
		st->err_r = errp[0];
	}
	cp.status_w = status[1];
	cp.start_r = start[0];
	cp.terminal = s->process.terminal;
	if (s->ns[OCI_NS_PID])
		flags |= CLONE_NEWPID;
	if (s->ns[OCI_NS_IPC])
		flags |= CLONE_NEWIPC;

	pid_t pid = (pid_t)syscall(SYS_clone, flags, NULL, NULL, NULL, NULL);
	if (pid < 0)
		fail_boot(st, "cannot create the container process: %s", strerror(errno));
	if (pid == 0) {
		sigset_t all;
		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		close(status[0]);
		close(start[1]);
		close(st->ch.fd);
		if (!cp.terminal) {
			close(in[1]);
			close(out[0]);
			close(errp[0]);
		} else {
			close(st->in_w);
		}
		container_child(st->doc, &cp);
	}
	st->child = pid;
	close(status[1]);
	close(start[0]);
	close(cp.stdio[0]);
	if (!cp.terminal) {
		close(cp.stdio[1]);
		close(cp.stdio[2]);
	}
	st->status_r = status[0];
	st->start_w = start[1];
	set_nonblock(st->in_w);
	set_nonblock(st->out_r);
	if (st->err_r >= 0)
		set_nonblock(st->err_r);
}

static void queue_stdin(struct init_state *st, const uint8_t *p, size_t len)
{
	if (st->in_w < 0)
		return;
	if (len == 0) {
		st->stdin_eof = true;
		return;
	}
	if (st->in_q_off == st->in_q_len)
		st->in_q_off = st->in_q_len = 0;
	uint8_t *n = realloc(st->in_q, st->in_q_len + len);
	if (!n)
		return;
	st->in_q = n;
	memcpy(st->in_q + st->in_q_len, p, len);
	st->in_q_len += len;
}

static void flush_stdin(struct init_state *st)
{
	while (st->in_w >= 0 && st->in_q_off < st->in_q_len) {
		ssize_t w = write(st->in_w, st->in_q + st->in_q_off, st->in_q_len - st->in_q_off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN)
			return;
		if (w <= 0) { /* reader gone: drop what is left */
			st->in_q_off = st->in_q_len;
			break;
		}
		st->in_q_off += (size_t)w;
	}
	if (st->stdin_eof && st->in_q_off == st->in_q_len && st->in_w >= 0 && !st->terminal) {
		close(st->in_w);
		st->in_w = -1;
	}
}

static void handle_frame(struct init_state *st, const struct ctl_hdr *h, const uint8_t *pl)
{
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
	case CTL_STDIN:
		if (h->proc == 0)
			queue_stdin(st, pl, h->len);
		break;
	case CTL_SIGNAL:
		if (h->len != sizeof(sig))
			break;
		memcpy(&sig, pl, sizeof(sig));
		if (sig <= 0 || sig > 64 || st->child <= 0)
			break;
		if (h->flags & CTL_F_ALL)
			kill(-1, sig);
		else
			kill(st->child, sig);
		break;
	case CTL_RESIZE:
		if (st->terminal && h->len == 4) {
			uint16_t rc[2];
			memcpy(rc, pl, sizeof(rc));
			struct winsize ws = { .ws_row = rc[0], .ws_col = rc[1] };
			ioctl(st->out_r, TIOCSWINSZ, &ws);
		}
		break;
	default:
		break;
	}
}

/* Reads one chunk of the child's output into a frame; returns false at EOF. */
static bool pump_output(struct init_state *st, int *fd, enum ctl_type type)
{
	static uint8_t buf[IO_CHUNK];
	ssize_t r = read(*fd, buf, sizeof(buf));

	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return true;
	if (r <= 0) { /* EOF, or EIO on a pty whose slave is gone */
		if (!(st->terminal && *fd == st->in_w))
			close(*fd);
		*fd = -1;
		return false;
	}
	ctl_chan_send(&st->ch, type, 0, 0, buf, (size_t)r);
	return true;
}

static void handle_status_pipe(struct init_state *st)
{
	char buf[1024];
	ssize_t r = read(st->status_r, buf, sizeof(buf) - 1);

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
		ctl_chan_send(&st->ch, CTL_ERROR, 0, 0, buf + 1, (size_t)r - 1);
	}
	close(st->status_r);
	st->status_r = -1;
}

static void reap(struct init_state *st)
{
	int status;
	pid_t p;

	while ((p = waitpid(-1, &status, WNOHANG)) > 0)
		if (p == st->child) {
			st->wait_status = status;
			st->child = -1;
			st->phase = PH_EXITED;
		}
}

static void event_loop(struct init_state *st, int sfd)
{
	for (;;) {
		struct pollfd fds[7];
		int n = 0, i_ctl, i_sig, i_status = -1, i_out = -1, i_err = -1, i_in = -1;
		bool room = ctl_chan_pending(&st->ch) < CTL_CHAN_HIGH;

		if (st->phase == PH_EXITED && st->out_r < 0 && st->err_r < 0)
			return;
		i_ctl = n;
		fds[n++] = (struct pollfd){ .fd = st->ch.fd,
					    .events = (short)(POLLIN | (ctl_chan_pending(&st->ch) ? POLLOUT : 0)) };
		i_sig = n;
		fds[n++] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		if (st->status_r >= 0) {
			i_status = n;
			fds[n++] = (struct pollfd){ .fd = st->status_r, .events = POLLIN };
		}
		if (st->phase >= PH_STARTED && room && st->out_r >= 0) {
			i_out = n;
			fds[n++] = (struct pollfd){ .fd = st->out_r, .events = POLLIN };
		}
		if (st->phase >= PH_STARTED && room && st->err_r >= 0) {
			i_err = n;
			fds[n++] = (struct pollfd){ .fd = st->err_r, .events = POLLIN };
		}
		if (st->in_w >= 0 && st->in_q_off < st->in_q_len && !st->terminal) {
			i_in = n;
			fds[n++] = (struct pollfd){ .fd = st->in_w, .events = POLLOUT };
		}
		if (poll(fds, (nfds_t)n, -1) < 0) {
			if (errno == EINTR)
				continue;
			fail_boot(st, "poll: %s", strerror(errno));
		}
		if (fds[i_sig].revents) {
			struct signalfd_siginfo si;
			while (read(sfd, &si, sizeof(si)) == sizeof(si))
				;
			reap(st);
			if (st->phase == PH_EXITED) {
				/* The container is over when its first process is:
				 * nothing else of it may keep running (as with a
				 * PID namespace in runc). */
				kill(-1, SIGKILL);
				reap(st);
			}
		}
		if (fds[i_ctl].revents & POLLOUT)
			ctl_chan_flush(&st->ch);
		if (fds[i_ctl].revents & (POLLIN | POLLHUP | POLLERR)) {
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
		if (i_status >= 0 && fds[i_status].revents)
			handle_status_pipe(st);
		if (i_out >= 0 && fds[i_out].revents)
			pump_output(st, &st->out_r, CTL_STDOUT);
		if (i_err >= 0 && fds[i_err].revents)
			pump_output(st, &st->err_r, CTL_STDERR);
		if (i_in >= 0 && fds[i_in].revents)
			flush_stdin(st);
		if (st->terminal && st->in_q_off < st->in_q_len)
			flush_stdin(st);
		if (st->stdin_eof && !st->terminal)
			flush_stdin(st);
		ctl_chan_flush(&st->ch);
		if (st->phase == PH_EXITED && st->status_r >= 0)
			handle_status_pipe(st);
	}
}

int main(void)
{
	static struct init_state st = { .child = -1, .status_r = -1, .start_w = -1, .in_w = -1,
					.out_r = -1, .err_r = -1 };
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
	st.terminal = st.doc->spec->process.terminal;
	spawn_container(&st);
	event_loop(&st, sfd);

	/* Any error the child reported (exec failure) went out as CTL_ERROR;
	 * the exit status follows it either way. */
	if (st.status_r >= 0)
		handle_status_pipe(&st);
	int32_t ws = st.wait_status;
	ctl_chan_send(&st.ch, CTL_EXIT, 0, 0, &ws, sizeof(ws));
	power_off(&st);
}
