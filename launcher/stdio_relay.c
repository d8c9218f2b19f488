/* The monitor's event loop on the control channel: hands the launch document
 * to init, starts the process once it is prepared, relays stdin/stdout/stderr
 * byte for byte, forwards signals, and collects how the container ended.
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
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ctl_chan.h"
#include "log.h"
#include "monitor.h"

#define BOOT_TIMEOUT_MS 60000
#define STDIN_CHUNK 65536

static const int forwarded_signals[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2,
					 SIGALRM, SIGPIPE };

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Writes all of buf to a host fd that may be non-blocking (its flags belong
 * to whoever gave it to us, so they are not changed). */
static int write_host(int fd, const uint8_t *buf, size_t len)
{
	while (len) {
		ssize_t w = write(fd, buf, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN) {
			struct pollfd p = { .fd = fd, .events = POLLOUT };
			poll(&p, 1, -1);
			continue;
		}
		if (w < 0)
			return -1;
		buf += w;
		len -= (size_t)w;
	}
	return 0;
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

struct relay {
	struct ctl_chan ch;
	struct kernel_proc *k;
	struct relay_result *res;
	bool hello, started, stdin_open, stdout_ok, stderr_ok;
};

static int on_frame(struct relay *r, const struct ctl_hdr *h, const uint8_t *pl,
		    const char *doc, struct rerr **err)
{
	switch (h->type) {
	case CTL_HELLO:
		if (r->hello)
			break;
		r->hello = true;
		if (ctl_chan_send_all(&r->ch, CTL_SPEC, 0, doc, strlen(doc)) < 0 ||
		    ctl_chan_send(&r->ch, CTL_SPEC_END, 0, 0, NULL, 0) < 0)
			return rerr_make(err, ENOMEM, "sending the launch document");
		break;
	case CTL_READY:
		if (!r->started) {
			r->started = true;
			ctl_chan_send(&r->ch, CTL_START, 0, 0, NULL, 0);
		}
		break;
	case CTL_STDOUT:
	case CTL_STDERR:
		if (h->proc != 0)
			break;
		if (h->type == CTL_STDOUT && r->stdout_ok && write_host(1, pl, h->len) < 0)
			r->stdout_ok = false;
		if (h->type == CTL_STDERR && r->stderr_ok && write_host(2, pl, h->len) < 0)
			r->stderr_ok = false;
		break;
	case CTL_ERROR:
		if (!r->res->error)
			r->res->error = strndup((const char *)pl, h->len > 1024 ? 1024 : h->len);
		for (char *p = r->res->error; p && *p; p++)
			if ((unsigned char)*p < 0x20)
				*p = ' ';
		break;
	case CTL_EXIT:
		if (h->proc == 0 && h->len == sizeof(int32_t)) {
			int32_t ws;
			memcpy(&ws, pl, sizeof(ws));
			r->res->exited = true;
			r->res->wait_status = ws;
		}
		break;
	default:
		log_debug("ignoring control frame %s", ctl_type_name(h->type));
		break;
	}
	return 0;
}

static void pump_stdin(struct relay *r)
{
	uint8_t buf[STDIN_CHUNK];
	ssize_t n = read(0, buf, sizeof(buf));

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		r->stdin_open = false;
		ctl_chan_send(&r->ch, CTL_STDIN, 0, 0, NULL, 0);
		return;
	}
	ctl_chan_send(&r->ch, CTL_STDIN, 0, 0, buf, (size_t)n);
}

static void on_signal(struct relay *r, const struct signalfd_siginfo *si)
{
	int32_t sig = (int32_t)si->ssi_signo;

	if (sig == SIGCHLD)
		return;
	if (sig == SIGPIPE) /* our own stdout reader went away */
		return;
	log_debug("forwarding signal %d to the container", sig);
	ctl_chan_send(&r->ch, CTL_SIGNAL, 0, 0, &sig, sizeof(sig));
}

int relay_run(struct kernel_proc *k, const char *doc, struct relay_result *res, struct rerr **err)
{
	struct relay r = { .k = k, .res = res, .stdout_ok = true, .stderr_ok = true };
	long boot_deadline = now_ms() + BOOT_TIMEOUT_MS;
	int sfd = make_signalfd();
	int kstatus;

	memset(res, 0, sizeof(*res));
	if (sfd < 0)
		return rerr_make(err, errno, "cannot create signalfd");
	if (ctl_chan_init(&r.ch, k->ctl_fd) < 0) {
		close(sfd);
		return rerr_make(err, ENOMEM, "control channel");
	}
	r.stdin_open = fcntl(0, F_GETFD) >= 0;
	if (!r.stdin_open)
		ctl_chan_send(&r.ch, CTL_STDIN, 0, 0, NULL, 0);

	while (!res->exited && !res->error) {
		struct pollfd fds[3];
		int n = 0, i_stdin = -1, timeout = -1;

		fds[n++] = (struct pollfd){ .fd = r.ch.fd,
					    .events = (short)(POLLIN | (ctl_chan_pending(&r.ch) ? POLLOUT : 0)) };
		fds[n++] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		if (r.started && r.stdin_open && ctl_chan_pending(&r.ch) < CTL_CHAN_HIGH) {
			i_stdin = n;
			fds[n++] = (struct pollfd){ .fd = 0, .events = POLLIN };
		}
		if (!r.hello) {
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
				on_signal(&r, &si);
		}
		if (fds[0].revents & POLLOUT)
			ctl_chan_flush(&r.ch);
		if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			long got = ctl_chan_read(&r.ch);
			struct ctl_hdr h;
			const uint8_t *pl;
			int m;
			while ((m = ctl_chan_next(&r.ch, &h, &pl)) == 1)
				if (on_frame(&r, &h, pl, doc, err) < 0)
					goto out;
			if (m < 0) {
				rerr_make(err, 0, "the guest sent a malformed control frame");
				break;
			}
			if (got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR)) {
				if (!res->exited)
					res->kernel_died = true;
				break;
			}
		}
		if (i_stdin >= 0 && fds[i_stdin].revents)
			pump_stdin(&r);
		if (ctl_chan_flush(&r.ch) < 0 && errno != EAGAIN) {
			res->kernel_died = true;
			break;
		}
		if (waitpid(k->pid, &kstatus, WNOHANG) == k->pid) {
			k->pid = -1;
			/* drain what the kernel wrote before it went */
			while (ctl_chan_read(&r.ch) > 0) {
				struct ctl_hdr h;
				const uint8_t *pl;
				while (ctl_chan_next(&r.ch, &h, &pl) == 1)
					on_frame(&r, &h, pl, doc, err);
			}
			if (!res->exited && !res->error)
				res->kernel_died = true;
			break;
		}
	}
out:
	ctl_chan_destroy(&r.ch);
	close(sfd);
	return *err ? -1 : 0;
}
