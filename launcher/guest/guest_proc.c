/* Per-process stdio plumbing inside the guest (see guest_proc.h). */
#include "guest_proc.h"

#include "fdpass.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#define IO_CHUNK 65536

static void set_nonblock(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

int gproc_make_stdio(struct gproc *g, bool terminal, uint16_t rows, uint16_t cols,
		     struct child_pipes *cp)
{
	int status[2], start[2], in[2], out[2], err[2];

	memset(cp, 0, sizeof(*cp));
	g->in_w = g->out_r = g->err_r = g->status_r = g->console_sock = -1;
	g->terminal = terminal;
	cp->terminal = terminal;
	if (pipe2(status, O_CLOEXEC) < 0)
		return -1;
	if (pipe2(start, O_CLOEXEC) < 0) {
		close(status[0]);
		close(status[1]);
		return -1;
	}
	g->status_r = status[0];
	cp->status_w = status[1];
	cp->start_r = start[0];
	cp->start_w_parent = start[1];
	if (terminal) {
		int sv[2];
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
			return -1;
		g->console_sock = sv[0];
		cp->console_sock = sv[1];
		g->rows = rows;
		g->cols = cols;
	} else {
		if (pipe2(in, O_CLOEXEC) < 0)
			return -1;
		if (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0)
			return -1;
		cp->stdio[0] = in[0];
		cp->stdio[1] = out[1];
		cp->stdio[2] = err[1];
		g->in_w = in[1];
		g->out_r = out[0];
		g->err_r = err[0];
	}
	return 0;
}

void gproc_parent_after_fork(struct gproc *g, struct child_pipes *cp)
{
	close(cp->status_w);
	close(cp->start_r);
	if (cp->terminal) {
		close(cp->console_sock);
		/* the child sends the master once its /dev/pts exists; EOF
		 * instead means it failed, and its status pipe says why */
		int m = fd_recv(g->console_sock);
		close(g->console_sock);
		g->console_sock = -1;
		if (m >= 0) {
			struct winsize ws = { .ws_row = g->rows, .ws_col = g->cols };
			if (ws.ws_row && ws.ws_col)
				ioctl(m, TIOCSWINSZ, &ws);
			g->in_w = g->out_r = m;
		}
	} else {
		close(cp->stdio[0]);
		close(cp->stdio[1]);
		close(cp->stdio[2]);
	}
	if (g->in_w >= 0)
		set_nonblock(g->in_w);
	if (g->out_r >= 0)
		set_nonblock(g->out_r);
	if (g->err_r >= 0)
		set_nonblock(g->err_r);
	set_nonblock(g->status_r);
}

void gproc_queue_stdin(struct gproc *g, const uint8_t *p, size_t len)
{
	if (g->in_w < 0)
		return;
	if (len == 0) {
		g->stdin_eof = true;
		return;
	}
	if (g->in_q_off == g->in_q_len)
		g->in_q_off = g->in_q_len = 0;
	uint8_t *n = realloc(g->in_q, g->in_q_len + len);
	if (!n)
		return;
	g->in_q = n;
	memcpy(g->in_q + g->in_q_len, p, len);
	g->in_q_len += len;
}

void gproc_flush_stdin(struct gproc *g)
{
	while (g->in_w >= 0 && g->in_q_off < g->in_q_len) {
		ssize_t w = write(g->in_w, g->in_q + g->in_q_off, g->in_q_len - g->in_q_off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN)
			return;
		if (w <= 0) { /* reader gone: drop what is left */
			g->in_q_off = g->in_q_len;
			break;
		}
		g->in_q_off += (size_t)w;
	}
	if (g->stdin_eof && g->in_q_off == g->in_q_len && g->in_w >= 0 && !g->terminal) {
		close(g->in_w);
		g->in_w = -1;
	}
}

bool gproc_pump(struct gproc *g, int *fd, enum ctl_type type, struct ctl_chan *ch)
{
	static uint8_t buf[IO_CHUNK];
	ssize_t r = read(*fd, buf, sizeof(buf));

	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return true;
	if (r <= 0) { /* EOF, or EIO on a pty whose slave is gone */
		if (!(g->terminal && *fd == g->in_w))
			close(*fd);
		*fd = -1;
		return false;
	}
	ctl_chan_send(ch, type, g->id, 0, buf, (size_t)r);
	return true;
}

bool gproc_done(const struct gproc *g)
{
	return g->exited && g->out_r < 0 && g->err_r < 0;
}

void gproc_release(struct gproc *g)
{
	if (g->in_w >= 0 && !(g->terminal && g->in_w == g->out_r))
		close(g->in_w);
	if (g->out_r >= 0)
		close(g->out_r);
	if (g->err_r >= 0)
		close(g->err_r);
	if (g->status_r >= 0)
		close(g->status_r);
	if (g->console_sock >= 0)
		close(g->console_sock);
	free(g->in_q);
	memset(g, 0, sizeof(*g));
}
