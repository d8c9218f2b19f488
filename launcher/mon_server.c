/* monitor.sock: the runuml CLI's way to a running container.  Requests are
 * control frames (lib/ctl_proto.h, CTL_M_*); replies are CTL_M_OK or
 * CTL_ERROR with a one-line message.  An exec connection stays open and
 * carries that process's stdio until it exits.  Only the monitor's own uid
 * (or root) may connect. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "monitor.h"
#include "unix_listen.h"

int mon_listen(const char *state_dir, struct rerr **err)
{
	int dfd = open(state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), fd;

	if (dfd < 0)
		return rerr_make(err, errno, "cannot open state directory `%s`", state_dir);
	fd = unix_listen_at(dfd, state_dir, "monitor.sock", 16, err);
	close(dfd);
	return fd;
}

void mon_client_close(struct mon_client *c)
{
	if (c->fd < 0)
		return;
	close(c->fd);
	ctl_chan_destroy(&c->ch);
	c->fd = -1;
	c->proc = 0;
	c->req_tag = 0;
}

void mon_accept(struct monitor *m)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int fd = accept4(m->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0)
		return;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 ||
	    (cred.uid != 0 && cred.uid != geteuid())) {
		close(fd);
		return;
	}
	for (int i = 0; i < MAX_CLIENTS; i++) {
		struct mon_client *c = &m->clients[i];
		if (c->fd >= 0)
			continue;
		memset(c, 0, sizeof(*c));
		if (ctl_chan_init(&c->ch, fd) < 0)
			break;
		c->fd = fd;
		return;
	}
	close(fd);
}

static void reply_ok(struct mon_client *c, const void *data, size_t len)
{
	ctl_chan_send(&c->ch, CTL_M_OK, c->proc, 0, data, len);
	ctl_chan_flush(&c->ch);
}

static void reply_err(struct mon_client *c, const char *msg)
{
	ctl_chan_send(&c->ch, CTL_ERROR, c->proc, 0, msg, strlen(msg));
	ctl_chan_flush(&c->ch);
}

/* Host pids of the sandbox: the monitor and all its descendants. */
static char *sandbox_pids_json(void)
{
	enum { MAXP = 4096 };
	static pid_t pids[MAXP], ppids[MAXP];
	size_t n = 0, cap = 64, len = 0;
	char *out = malloc(cap);
	DIR *d = opendir("/proc");

	if (!out || !d) {
		free(out);
		if (d)
			closedir(d);
		return NULL;
	}
	for (struct dirent *e; (e = readdir(d)) && n < MAXP;) {
		char path[64], buf[512];
		pid_t pid = (pid_t)atoi(e->d_name);
		if (pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		ssize_t r = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (r <= 0)
			continue;
		buf[r] = '\0';
		char *p = strrchr(buf, ')');
		if (!p || !p[1] || !p[2])
			continue;
		pids[n] = pid;
		ppids[n++] = (pid_t)atoi(p + 4);
	}
	closedir(d);
	/* breadth-first from ourselves */
	static pid_t tree[MAXP];
	size_t t = 0;
	tree[t++] = getpid();
	for (size_t i = 0; i < t; i++)
		for (size_t j = 0; j < n && t < MAXP; j++)
			if (ppids[j] == tree[i])
				tree[t++] = pids[j];
	out[len++] = '[';
	for (size_t i = 0; i < t; i++) {
		char num[16];
		int k = snprintf(num, sizeof(num), "%s%d", i ? "," : "", (int)tree[i]);
		if (len + (size_t)k + 2 > cap) {
			cap = (len + (size_t)k + 2) * 2;
			char *nout = realloc(out, cap);
			if (!nout) {
				free(out);
				return NULL;
			}
			out = nout;
		}
		memcpy(out + len, num, (size_t)k);
		len += (size_t)k;
	}
	out[len++] = ']';
	out[len] = '\0';
	return out;
}

/* The UML kernel's main process: the only child of the namespace reaper. */
static pid_t kernel_main_pid(const struct monitor *m)
{
	char path[64], buf[64] = "";
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)m->k->pid, (int)m->k->pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (read(fd, buf, sizeof(buf) - 1) < 0)
		buf[0] = '\0';
	close(fd);
	return (pid_t)atoi(buf);
}

/* Freezing the kernel's main process freezes the guest: guest processes
 * only run between traps the stopped kernel would have to serve. */
int monitor_pause(struct monitor *m, bool pause)
{
	pid_t kp = kernel_main_pid(m);

	if (kp <= 0)
		return -1;
	if (kill(kp, pause ? SIGSTOP : SIGCONT) < 0)
		return -1;
	m->paused = pause;
	return 0;
}

static void handle_request(struct monitor *m, struct mon_client *c, const struct ctl_hdr *h,
			   const uint8_t *pl)
{
	struct rerr *err = NULL;
	int32_t sig;

	switch (h->type) {
	case CTL_M_START:
		if (monitor_start(m, &err) < 0) {
			reply_err(c, err->msg);
			rerr_free(err);
		} else {
			reply_ok(c, NULL, 0);
		}
		break;
	case CTL_SIGNAL:
		if (h->len != sizeof(sig)) {
			reply_err(c, "malformed signal request");
			break;
		}
		memcpy(&sig, pl, sizeof(sig));
		if (sig <= 0 || sig > 64) {
			reply_err(c, "invalid signal");
			break;
		}
		if (c->proc) {
			ctl_chan_send(&m->ch, CTL_SIGNAL, c->proc, 0, &sig, sizeof(sig));
		} else {
			monitor_signal(m, sig, h->flags & CTL_F_ALL);
			reply_ok(c, NULL, 0);
		}
		break;
	case CTL_M_PAUSE:
	case CTL_M_RESUME:
		if (monitor_pause(m, h->type == CTL_M_PAUSE) < 0)
			reply_err(c, "cannot freeze or thaw the sandbox");
		else
			reply_ok(c, NULL, 0);
		break;
	case CTL_M_PS: {
		char *json = sandbox_pids_json();
		if (json)
			reply_ok(c, json, strlen(json));
		else
			reply_err(c, "cannot list the sandbox's processes");
		free(json);
		break;
	}
	case CTL_M_UPDATE:
	case CTL_M_STATS:
		/* answered by init: CTL_RESULT comes back with this tag */
		if (c->proc || c->req_tag) {
			reply_err(c, "a request is already pending on this connection");
			break;
		}
		if (h->type == CTL_M_UPDATE && h->len != sizeof(struct ctl_resources)) {
			reply_err(c, "malformed update request");
			break;
		}
		if (m->paused) {
			reply_err(c, "container is paused");
			break;
		}
		if (++m->next_req == 0)
			m->next_req = 1;
		c->req_tag = m->next_req;
		ctl_chan_send(&m->ch, h->type == CTL_M_UPDATE ? CTL_UPDATE : CTL_STATS, c->req_tag, 0,
			      pl, h->len);
		break;
	case CTL_M_EXEC:
		if (c->proc || !m->started) {
			reply_err(c, m->started ? "exec already requested on this connection"
						: "cannot exec in a container that has not been started");
			break;
		}
		c->proc = ++m->next_proc;
		ctl_chan_send(&m->ch, CTL_EXEC, c->proc, h->flags, pl, h->len);
		break;
	case CTL_STDIN:
	case CTL_RESIZE:
		if (c->proc)
			ctl_chan_send(&m->ch, (enum ctl_type)h->type, c->proc, 0, pl, h->len);
		break;
	default:
		reply_err(c, "unknown request");
		break;
	}
}

void mon_client_input(struct monitor *m, struct mon_client *c)
{
	long got = ctl_chan_read(&c->ch);
	struct ctl_hdr h;
	const uint8_t *pl;
	int r;

	while ((r = ctl_chan_next(&c->ch, &h, &pl)) == 1)
		handle_request(m, c, &h, pl);
	if (r < 0 || got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR)) {
		if (c->proc) /* the exec client went away: its stdin ends */
			ctl_chan_send(&m->ch, CTL_STDIN, c->proc, 0, NULL, 0);
		mon_client_close(c);
	}
}

void mon_route_result(struct monitor *m, const struct ctl_hdr *h, const uint8_t *pl)
{
	int32_t code;

	if (h->proc == 0 || h->len < sizeof(code))
		return;
	memcpy(&code, pl, sizeof(code));
	for (int i = 0; i < MAX_CLIENTS; i++) {
		struct mon_client *c = &m->clients[i];
		if (c->fd < 0 || c->req_tag != h->proc)
			continue;
		c->req_tag = 0;
		if (code == 0) {
			reply_ok(c, pl + sizeof(code), h->len - sizeof(code));
		} else {
			char msg[512];
			size_t n = h->len - sizeof(code) < sizeof(msg) - 1 ? h->len - sizeof(code)
									  : sizeof(msg) - 1;
			memcpy(msg, pl + sizeof(code), n);
			msg[n] = '\0';
			/* the guest's words, one printable line */
			for (char *p = msg; *p; p++)
				if ((unsigned char)*p < 0x20 || (unsigned char)*p == 0x7f)
					*p = ' ';
			reply_err(c, n ? msg : "the guest refused the request");
		}
		return;
	}
}

void mon_route_exec_frame(struct monitor *m, const struct ctl_hdr *h, const uint8_t *pl)
{
	for (int i = 0; i < MAX_CLIENTS; i++) {
		struct mon_client *c = &m->clients[i];
		if (c->fd < 0 || c->proc != h->proc)
			continue;
		ctl_chan_send(&c->ch, (enum ctl_type)h->type, h->proc, h->flags, pl, h->len);
		ctl_chan_flush(&c->ch);
		return;
	}
}
