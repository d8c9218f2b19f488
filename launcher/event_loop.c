/* The monitor's event loop: hands the launch document to init, starts the
 * process once it is prepared (at once for `run`, on request for `create`),
 * relays the container's stdio byte for byte, forwards signals, serves the
 * monitor socket, and collects how the container ended.
 *
 * Backpressure: host stdin is read only while the outgoing queue is short;
 * container output is written to the host with blocking semantics, so a
 * slow reader stops the monitor reading the channel, which stops the guest. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fsutil.h"
#include "cleanup.h"
#include "log.h"
#include "monitor.h"

#define BOOT_TIMEOUT_MS 60000
#define STDIN_CHUNK 65536

static const int forwarded_signals[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2,
					 SIGALRM, SIGPIPE, SIGWINCH };

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static int make_signalfd(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	for (size_t i = 0; i < sizeof(forwarded_signals) / sizeof(forwarded_signals[0]); i++)
		sigaddset(&set, forwarded_signals[i]);
	sigprocmask(SIG_BLOCK, &set, NULL);
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

void monitor_signal(struct monitor *m, int sig, bool all)
{
	int32_t s = sig;

	ctl_chan_send(&m->ch, CTL_SIGNAL, 0, all ? CTL_F_ALL : 0, &s, sizeof(s));
	/* a frozen sandbox cannot act on it: SIGKILL must still work */
	if (m->paused && sig == SIGKILL)
		monitor_pause(m, false);
}

static void send_resize(struct monitor *m)
{
	struct winsize ws;
	uint16_t rc[2];

	if (!m->io_tty || ioctl(m->io_out, TIOCGWINSZ, &ws) < 0)
		return;
	rc[0] = ws.ws_row;
	rc[1] = ws.ws_col;
	ctl_chan_send(&m->ch, CTL_RESIZE, 0, 0, rc, sizeof(rc));
}

static int start_container(struct monitor *m, struct rerr **err)
{
	if (m->started)
		return 0;
	m->started = true;
	ctl_chan_send(&m->ch, CTL_START, 0, 0, NULL, 0);
	send_resize(m);
	return m->on_started ? m->on_started(m, err) : 0;
}

static int on_frame(struct monitor *m, const struct ctl_hdr *h, const uint8_t *pl,
		    struct rerr **err)
{
	if (h->type == CTL_RESULT) {
		mon_route_result(m, h, pl);
		return 0;
	}
	if (h->proc != 0) {
		mon_route_exec_frame(m, h, pl);
		return 0;
	}
	switch (h->type) {
	case CTL_HELLO:
		if (m->hello)
			break;
		m->hello = true;
		if (ctl_chan_send_all(&m->ch, CTL_SPEC, 0, m->doc, strlen(m->doc)) < 0 ||
		    ctl_chan_send(&m->ch, CTL_SPEC_END, 0, 0, NULL, 0) < 0)
			return rerr_make(err, ENOMEM, "sending the launch document");
		break;
	case CTL_READY:
		if (m->prepared)
			break;
		m->prepared = true;
		if (m->on_prepared && m->on_prepared(m, err) < 0)
			return -1;
		if (m->autostart)
			return start_container(m, err);
		break;
	case CTL_STDOUT:
		if (m->io_out >= 0 && write_full(m->io_out, pl, h->len) < 0)
			m->io_out = -1;
		break;
	case CTL_STDERR:
		if (m->io_err >= 0 && write_full(m->io_err, pl, h->len) < 0)
			m->io_err = -1;
		break;
	case CTL_ERROR:
		if (!m->res.error)
			m->res.error = strndup((const char *)pl, h->len > 1024 ? 1024 : h->len);
		for (char *p = m->res.error; p && *p; p++)
			if ((unsigned char)*p < 0x20)
				*p = ' ';
		break;
	case CTL_EXIT:
		if (h->len == sizeof(int32_t)) {
			int32_t ws;
			memcpy(&ws, pl, sizeof(ws));
			m->res.exited = true;
			m->res.wait_status = ws;
		}
		break;
	default:
		log_debug("ignoring control frame %s", ctl_type_name(h->type));
		break;
	}
	return 0;
}

static void pump_stdin(struct monitor *m)
{
	uint8_t buf[STDIN_CHUNK];
	ssize_t n = read(m->io_in, buf, sizeof(buf));

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		m->stdin_open = false;
		ctl_chan_send(&m->ch, CTL_STDIN, 0, 0, NULL, 0);
		return;
	}
	ctl_chan_send(&m->ch, CTL_STDIN, 0, 0, buf, (size_t)n);
}

/* A helper that ends before the container did ends the container: the
 * guest would wait for its files (or network) forever.  A clean exit is the
 * helper seeing the kernel go, which the kernel's own exit reports. */
static bool helper_died(struct monitor *m, struct rerr **err)
{
	for (size_t i = 0; i < m->n_helpers; i++) {
		struct helper_proc *h = m->helpers[i];
		int st;
		if (h->pid <= 0 || waitpid(h->pid, &st, WNOHANG) != h->pid)
			continue;
		h->pid = -1;
		if (m->res.exited || (WIFEXITED(st) && WEXITSTATUS(st) == 0))
			continue;
		_cleanup_free_ char *why = helper_exit_reason(h, st);
		rerr_make(err, 0, "%s", why ? why : "a helper process died");
		return true;
	}
	return false;
}

static void on_signal(struct monitor *m, const struct signalfd_siginfo *si)
{
	int sig = (int)si->ssi_signo;

	if (sig == SIGCHLD || sig == SIGPIPE)
		return;
	if (sig == SIGWINCH) {
		send_resize(m);
		return;
	}
	log_debug("forwarding signal %d to the container", sig);
	monitor_signal(m, sig, false);
}

static int read_guest(struct monitor *m, struct rerr **err)
{
	long got = ctl_chan_read(&m->ch);
	struct ctl_hdr h;
	const uint8_t *pl;
	int r;

	while ((r = ctl_chan_next(&m->ch, &h, &pl)) == 1)
		if (on_frame(m, &h, pl, err) < 0)
			return -1;
	if (r < 0)
		return rerr_make(err, 0, "the guest sent a malformed control frame");
	if (got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR))
		return 1; /* channel closed */
	return 0;
}

int monitor_loop(struct monitor *m, struct rerr **err)
{
	long boot_deadline = now_ms() + BOOT_TIMEOUT_MS;
	int sfd = make_signalfd();
	int kstatus, r;

	memset(&m->res, 0, sizeof(m->res));
	for (int i = 0; i < MAX_CLIENTS; i++)
		m->clients[i].fd = -1;
	if (sfd < 0)
		return rerr_make(err, errno, "cannot create signalfd");
	if (ctl_chan_init(&m->ch, m->k->ctl_fd) < 0) {
		close(sfd);
		return rerr_make(err, ENOMEM, "control channel");
	}
	m->stdin_open = m->io_in >= 0 && fcntl(m->io_in, F_GETFD) >= 0;
	if (!m->stdin_open)
		ctl_chan_send(&m->ch, CTL_STDIN, 0, 0, NULL, 0);

	while (!m->res.exited && !m->res.error) {
		struct pollfd fds[4 + MAX_CLIENTS];
		int idx[MAX_CLIENTS];
		int n = 0, i_stdin = -1, i_listen = -1, timeout = -1;

		fds[n++] = (struct pollfd){ .fd = m->ch.fd,
					    .events = (short)(POLLIN | (ctl_chan_pending(&m->ch) ? POLLOUT : 0)) };
		fds[n++] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		if (m->started && m->stdin_open && ctl_chan_pending(&m->ch) < CTL_CHAN_HIGH) {
			i_stdin = n;
			fds[n++] = (struct pollfd){ .fd = m->io_in, .events = POLLIN };
		}
		if (m->listen_fd >= 0 && m->prepared) {
			i_listen = n;
			fds[n++] = (struct pollfd){ .fd = m->listen_fd, .events = POLLIN };
		}
		for (int c = 0; c < MAX_CLIENTS; c++) {
			idx[c] = -1;
			if (m->clients[c].fd < 0)
				continue;
			idx[c] = n;
			fds[n++] = (struct pollfd){ .fd = m->clients[c].fd,
				.events = (short)(POLLIN | (ctl_chan_pending(&m->clients[c].ch) ? POLLOUT : 0)) };
		}
		if (!m->hello) {
			long left = boot_deadline - now_ms();
			if (left <= 0) {
				rerr_make(err, 0, "the guest did not come up within %d s",
					  BOOT_TIMEOUT_MS / 1000);
				break;
			}
			timeout = (int)left;
		}
		if (poll(fds, (nfds_t)n, timeout) < 0) {
			if (errno == EINTR)
				continue;
			rerr_make(err, errno, "poll");
			break;
		}
		if (fds[1].revents) {
			struct signalfd_siginfo si;
			while (read(sfd, &si, sizeof(si)) == sizeof(si))
				on_signal(m, &si);
		}
		if (fds[0].revents & POLLOUT)
			ctl_chan_flush(&m->ch);
		if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			r = read_guest(m, err);
			if (r < 0)
				break;
			if (r > 0) {
				if (!m->res.exited)
					m->res.kernel_died = true;
				break;
			}
		}
		if (i_stdin >= 0 && fds[i_stdin].revents)
			pump_stdin(m);
		if (i_listen >= 0 && fds[i_listen].revents)
			mon_accept(m);
		for (int c = 0; c < MAX_CLIENTS; c++) {
			if (idx[c] < 0 || m->clients[c].fd < 0 || !fds[idx[c]].revents)
				continue;
			if (fds[idx[c]].revents & POLLOUT)
				ctl_chan_flush(&m->clients[c].ch);
			if (fds[idx[c]].revents & (POLLIN | POLLHUP | POLLERR))
				mon_client_input(m, &m->clients[c]);
		}
		if (ctl_chan_flush(&m->ch) < 0 && errno != EAGAIN) {
			m->res.kernel_died = true;
			break;
		}
		if (helper_died(m, err))
			break;
		if (waitpid(m->k->pid, &kstatus, WNOHANG) == m->k->pid) {
			m->k->pid = -1;
			/* what the kernel wrote before it went */
			while (read_guest(m, err) == 0)
				;
			if (!m->res.exited && !m->res.error)
				m->res.kernel_died = true;
			break;
		}
	}
	/* exec clients learn the container is gone */
	for (int c = 0; c < MAX_CLIENTS; c++)
		if (m->clients[c].fd >= 0) {
			ctl_chan_drain(&m->clients[c].ch, 1000);
			mon_client_close(&m->clients[c]);
		}
	ctl_chan_destroy(&m->ch);
	close(sfd);
	return *err ? -1 : 0;
}

int monitor_start(struct monitor *m, struct rerr **err)
{
	if (!m->prepared)
		return rerr_make(err, 0, "container is not prepared yet");
	if (m->started)
		return rerr_make(err, 0, "cannot start a container that has already started");
	return start_container(m, err);
}
