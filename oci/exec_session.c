/* The host side of one exec'd process: a connection to the container's
 * monitor that carries the process's stdio, signals and resizes, and a
 * process (this one, or with --detach the pid-file one) that lives exactly
 * as long as the guest process and exits with its status (contract B2.4,
 * "containerd expects an actual process to represent the container being
 * executed"). */
#include "exec_session.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "ctl_chan.h"
#include "fsutil.h"
#include "log.h"

static const int forwarded[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH };

static void send_winsize(struct ctl_chan *ch, int tty)
{
	struct winsize ws;
	uint16_t rc[2];

	if (ioctl(tty, TIOCGWINSZ, &ws) < 0)
		return;
	rc[0] = ws.ws_row;
	rc[1] = ws.ws_col;
	ctl_chan_send(ch, CTL_RESIZE, 0, 0, rc, sizeof(rc));
}

static void notify(int *ready_fd, const char *msg)
{
	if (*ready_fd < 0)
		return;
	(void)!write(*ready_fd, msg, strlen(msg));
	close(*ready_fd);
	*ready_fd = -1;
}

int exec_session_run(struct exec_session *s)
{
	struct ctl_chan ch;
	struct termios saved;
	bool raw = false, stdin_open = s->in >= 0, started = false, failed = false;
	int status = 255 << 8, sfd;
	sigset_t set;
	char msg[1100];

	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaddset(&set, forwarded[i]);
	sigaddset(&set, SIGPIPE);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0 || ctl_chan_init(&ch, s->sock) < 0) {
		notify(&s->ready_fd, "error: cannot set up the exec session\n");
		return 255 << 8;
	}
	fcntl(s->sock, F_SETFL, fcntl(s->sock, F_GETFL) | O_NONBLOCK);
	ctl_chan_send(&ch, CTL_M_EXEC, 0, s->tty ? CTL_F_TTY : 0, s->process_json,
		      strlen(s->process_json));
	if (s->tty && isatty(s->in) && tcgetattr(s->in, &saved) == 0) {
		struct termios t = saved;
		cfmakeraw(&t);
		raw = tcsetattr(s->in, TCSANOW, &t) == 0;
	}
	if (s->tty)
		send_winsize(&ch, s->out);
	for (;;) {
		struct pollfd fds[3];
		int n = 0, i_in = -1;

		fds[n++] = (struct pollfd){ .fd = s->sock,
			.events = (short)(POLLIN | (ctl_chan_pending(&ch) ? POLLOUT : 0)) };
		fds[n++] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		if (stdin_open && ctl_chan_pending(&ch) < CTL_CHAN_HIGH) {
			i_in = n;
			fds[n++] = (struct pollfd){ .fd = s->in, .events = POLLIN };
		}
		if (poll(fds, (nfds_t)n, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (fds[1].revents) {
			struct signalfd_siginfo si;
			while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
				int32_t sig = (int32_t)si.ssi_signo;
				if (sig == SIGWINCH && s->tty)
					send_winsize(&ch, s->out);
				else if (sig != SIGPIPE && sig != SIGWINCH)
					ctl_chan_send(&ch, CTL_SIGNAL, 0, 0, &sig, sizeof(sig));
			}
		}
		if (i_in >= 0 && fds[i_in].revents) {
			uint8_t buf[65536];
			ssize_t r = read(s->in, buf, sizeof(buf));
			if (r > 0) {
				ctl_chan_send(&ch, CTL_STDIN, 0, 0, buf, (size_t)r);
			} else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
				stdin_open = false;
				ctl_chan_send(&ch, CTL_STDIN, 0, 0, NULL, 0);
			}
		}
		if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			long got = ctl_chan_read(&ch);
			struct ctl_hdr h;
			const uint8_t *pl;
			int k;
			while ((k = ctl_chan_next(&ch, &h, &pl)) == 1) {
				switch (h.type) {
				case CTL_STARTED:
					started = true;
					notify(&s->ready_fd, "ok\n");
					break;
				case CTL_STDOUT:
					if (s->out >= 0)
						write_full(s->out, pl, h.len);
					break;
				case CTL_STDERR:
					if (s->err >= 0)
						write_full(s->err, pl, h.len);
					break;
				case CTL_ERROR:
					failed = !started;
					snprintf(msg, sizeof(msg), "error: %.*s\n",
						 (int)(h.len > 1024 ? 1024 : h.len), (const char *)pl);
					if (s->ready_fd >= 0)
						notify(&s->ready_fd, msg);
					else
						log_error("%.*s", (int)(strlen(msg) - 8), msg + 7);
					break;
				case CTL_EXIT:
					if (h.len == sizeof(int32_t))
						memcpy(&status, pl, sizeof(int32_t));
					goto done;
				default:
					break;
				}
			}
			if (k < 0 || got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR)) {
				notify(&s->ready_fd, "error: container not running\n");
				if (k < 0 || status == 255 << 8)
					log_debug("exec session ended without an exit status");
				break;
			}
		}
		if (ctl_chan_flush(&ch) < 0 && errno != EAGAIN)
			break;
	}
done:
	notify(&s->ready_fd, "error: the process ended before it started\n");
	if (failed) /* it never ran: a runtime error, as runc reports it */
		status = 255 << 8;
	if (raw)
		tcsetattr(s->in, TCSANOW, &saved);
	ctl_chan_destroy(&ch);
	close(sfd);
	return status;
}
