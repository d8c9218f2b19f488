/* The vhost-user socket of a device: messages in (with the fds passed by
 * SCM_RIGHTS) and replies out.  Both directions use MSG_DONTWAIT whatever
 * the socket's own mode, so a peer that stops in the middle of a message
 * or stops reading replies costs at most mid_msg_timeout_ms (poll) for the
 * whole message, never a hang nor bytes x timeout for one sent a byte at a
 * time; MSG_NOSIGNAL keeps a closed peer from raising SIGPIPE.  At most
 * VU_MAX_FDS fds are kept per message: the kernel closes those that do not
 * fit the control buffer (MSG_CTRUNC) and we close any beyond the cap, and
 * either way the message is refused. */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "vu_internal.h"

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for the socket until *deadline (set to now + mid_msg_timeout_ms on
 * the first wait): the timeout bounds the whole message, not each byte. */
static bool wait_fd(struct vu_dev *d, short events, int64_t *deadline)
{
	struct pollfd p = { .fd = d->sock, .events = events };
	int r;

	if (!*deadline)
		*deadline = now_ms() + d->mid_msg_timeout_ms;
	do {
		int64_t left = *deadline - now_ms();
		if (left <= 0)
			return false;
		r = poll(&p, 1, (int)left);
	} while (r < 0 && errno == EINTR);
	return r > 0;
}

static void take_fds(struct vu_msg *m, struct msghdr *mh)
{
	if (mh->msg_flags & MSG_CTRUNC) /* the kernel dropped (and closed) the rest */
		m->too_many_fds = true;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			int fd;
			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(fd));
			if (m->nfds < VU_MAX_FDS) {
				m->fds[m->nfds++] = fd;
			} else {
				close(fd);
				m->too_many_fds = true;
			}
		}
	}
}

/* Receives exactly len bytes (and any fds sent with them).  VU_RX_NONE only
 * when nothing at all was waiting at the start of a message. */
enum vu_rx vu_sock_recv(struct vu_dev *d, void *buf, size_t len, struct vu_msg *m, bool start,
			const char **why)
{
	size_t got = 0;

	while (got < len) {
		union {
			char buf[CMSG_SPACE(sizeof(int) * VU_MAX_FDS)];
			struct cmsghdr align;
		} ctl;
		struct iovec iov = { .iov_base = (char *)buf + got, .iov_len = len - got };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
				     .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf) };
		ssize_t r = recvmsg(d->sock, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				if (start && got == 0)
					return VU_RX_NONE;
				if (!wait_fd(d, POLLIN, &m->deadline_ms)) {
					*why = "peer stalled in the middle of a message";
					return VU_RX_FAIL;
				}
				continue;
			}
			if (errno == ECONNRESET && start && got == 0)
				return VU_RX_EOF;
			*why = "cannot receive from the vhost-user socket";
			return VU_RX_FAIL;
		}
		take_fds(m, &mh);
		if (r == 0) {
			if (start && got == 0)
				return VU_RX_EOF;
			*why = "truncated message (peer closed the socket mid-message)";
			return VU_RX_FAIL;
		}
		got += (size_t)r;
	}
	return VU_RX_OK;
}

static int send_all(struct vu_dev *d, const void *buf, size_t len)
{
	size_t done = 0;
	int64_t deadline = 0;

	while (done < len) {
		struct iovec iov = { .iov_base = (char *)buf + done, .iov_len = len - done };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t r = sendmsg(d->sock, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			if ((errno == EAGAIN || errno == EWOULDBLOCK) && wait_fd(d, POLLOUT, &deadline))
				continue;
			if (errno == EPIPE || errno == ECONNRESET)
				vu_dev_fail(d, "peer disconnected");
			else
				vu_dev_fail(d, "cannot send a reply on the vhost-user socket");
			return -1;
		}
		done += (size_t)r;
	}
	return 0;
}

int vu_reply(struct vu_dev *d, const struct vu_msg *m, const void *payload, uint32_t size)
{
	struct {
		struct vu_msg_hdr h;
		union vu_msg_payload p;
	} __attribute__((packed)) r;

	r.h.request = m->h.request;
	r.h.flags = VU_VERSION | VU_FLAG_REPLY;
	r.h.size = size;
	memcpy(&r.p, payload, size);
	return send_all(d, &r, sizeof(r.h) + size);
}

int vu_reply_u64(struct vu_dev *d, const struct vu_msg *m, uint64_t v)
{
	return vu_reply(d, m, &v, sizeof(v));
}
