/* The vhost-user message protocol of a device backend, speaking exactly what
 * linux-6.1 arch/um/drivers/virtio_uml.c (the frontend) sends:
 *
 *   probe:      SET_OWNER, GET_FEATURES, GET_PROTOCOL_FEATURES,
 *               SET_PROTOCOL_FEATURES (itself with NEED_REPLY), SET_FEATURES
 *   config:     GET_CONFIG (offset 0, size offset+len), SET_CONFIG
 *   find_vqs:   SET_MEM_TABLE (1 or 2 regions in a fixed 2-region payload),
 *               per queue SET_VRING_CALL, _NUM, _BASE, _ADDR, then
 *               SET_VRING_KICK and SET_VRING_ENABLE 1
 *   del_vqs:    SET_VRING_ENABLE 0, GET_FEATURES (as a barrier)
 *   suspend:    SET_VRING_ENABLE 0/1
 * and, from other frontends, RESET_OWNER, GET_VRING_BASE (stops the ring),
 * GET_QUEUE_NUM and SET_VRING_ERR.  Protocol features offered: REPLY_ACK
 * and CONFIG only.  SLAVE_REQ and INBAND_NOTIFICATIONS are not offered, so
 * virtio_uml always passes a kick eventfd and a call pipe; requests of the
 * features we do not offer (SET_SLAVE_REQ_FD, VRING_KICK, logging, ...) are
 * unknown requests and fail the device like any other malformed message.
 *
 * System calls made at run time (for seccomp allow-lists):
 *   recvmsg   (MSG_DONTWAIT|MSG_CMSG_CLOEXEC; messages with SCM_RIGHTS fds)
 *   sendmsg   (MSG_DONTWAIT|MSG_NOSIGNAL; replies)
 *   poll      (only while a message is half received or a reply half sent)
 *   read      (kick eventfds)          write  (call eventfd/pipe)
 *   fcntl     F_GETFL, F_SETFL O_NONBLOCK on received kick/call fds
 *   fstat     (SET_MEM_TABLE fds; glibc >= 2.33 issues newfstatat)
 *   mmap      PROT_READ|PROT_WRITE, MAP_SHARED (guest memory)
 *   munmap    (old tables, vu_dev_free)
 *   close     (fds replaced, unexpected fds, region fds once mapped, free)
 *   rt_sigaction (once, in vu_dev_new: SIGPIPE ignored, see there)
 * plus what malloc/free use (brk, mmap, munmap, madvise).
 *
 * Note on guest memory: a SET_MEM_TABLE fd must be a regular file long
 * enough for its region, but a hostile frontend can still truncate that
 * file later; touching the vanished pages then raises SIGBUS in this
 * process, exactly as with QEMU's libvhost-user.  The process is confined
 * and serves only that guest, so the guest can only end its own devices.
 *
 * Element lifetime: vu_elem iovecs point into the current mappings, which a
 * later SET_MEM_TABLE or RESET_OWNER replaces; owners must push elements
 * before returning from handle_queue (or at least before the next
 * vu_dev_handle()). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/virtio_config.h>

#include "vu_internal.h"

#define MID_MSG_TIMEOUT_MS 5000

/* transport feature bits we never offer: packed rings, indirect
 * descriptors, EVENT_IDX, IOMMU, in-order, ... (VERSION_1 and
 * PROTOCOL_FEATURES are added back) */
#define TRANSPORT_MASK \
	(((1ULL << (VIRTIO_TRANSPORT_F_END - VIRTIO_TRANSPORT_F_START)) - 1) << VIRTIO_TRANSPORT_F_START)
#define PROTOCOL_OFFERED ((1ULL << VU_PROTOCOL_F_REPLY_ACK) | (1ULL << VU_PROTOCOL_F_CONFIG))

struct vu_msg {
	struct vu_msg_hdr h;
	union vu_msg_payload p;
	int fds[VU_MAX_FDS];
	unsigned nfds;
	bool too_many_fds;
};

enum rx { RX_OK, RX_NONE, RX_EOF, RX_FAIL };

struct vu_dev *vu_dev_alloc(const struct vu_dev_ops *ops, void *opaque, struct rerr **err)
{
	struct vu_dev *d;

	if (!ops || ops->num_queues == 0 || ops->num_queues > VU_MAX_QUEUES) {
		rerr_make(err, EINVAL, "cannot create vhost-user device: %u queues (1 to %d)",
			  ops ? ops->num_queues : 0, VU_MAX_QUEUES);
		return NULL;
	}
	if (ops->config_len > VU_MAX_CONFIG || (ops->config_len && !ops->config)) {
		rerr_make(err, EINVAL, "cannot create vhost-user device: config space of %zu bytes",
			  ops->config_len);
		return NULL;
	}
	d = calloc(1, sizeof(*d));
	if (!d) {
		rerr_make(err, ENOMEM, "cannot create vhost-user device");
		return NULL;
	}
	d->sock = -1;
	d->ops = ops;
	d->opaque = opaque;
	d->features_offered = (ops->features & ~TRANSPORT_MASK) | (1ULL << VIRTIO_F_VERSION_1) |
			      (1ULL << VU_F_PROTOCOL_FEATURES);
	d->mid_msg_timeout_ms = MID_MSG_TIMEOUT_MS;
	for (unsigned q = 0; q < VU_MAX_QUEUES; q++)
		vu_vq_init(&d->vq[q]);
	return d;
}

struct vu_dev *vu_dev_new(int conn_fd, const struct vu_dev_ops *ops, void *opaque,
			  struct rerr **err)
{
	struct sigaction sa;
	struct vu_dev *d = vu_dev_alloc(ops, opaque, err);

	if (!d) {
		if (conn_fd >= 0)
			close(conn_fd);
		return NULL;
	}
	d->sock = conn_fd;
	/* virtio_uml's call "eventfd" is a pipe: once the kernel closes its
	 * read end, a notify would raise SIGPIPE and kill the process */
	if (sigaction(SIGPIPE, NULL, &sa) == 0 && sa.sa_handler == SIG_DFL)
		signal(SIGPIPE, SIG_IGN);
	return d;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void reset_rings(struct vu_dev *d)
{
	for (unsigned q = 0; q < VU_MAX_QUEUES; q++) {
		close_fd(&d->vq[q].kick_fd);
		close_fd(&d->vq[q].call_fd);
		vu_vq_init(&d->vq[q]);
	}
}

void vu_dev_free(struct vu_dev *d)
{
	if (!d)
		return;
	reset_rings(d);
	vu_mem_unmap(&d->mem);
	close_fd(&d->sock);
	free(d);
}

void vu_dev_fail(struct vu_dev *d, const char *why)
{
	if (d->failed)
		return;
	d->failed = why;
	if (d->ops->on_failed)
		d->ops->on_failed(d, why, d->opaque);
}

bool vu_dev_failed(const struct vu_dev *d)
{
	return d->failed != NULL;
}

const char *vu_dev_fail_reason(const struct vu_dev *d)
{
	return d->failed;
}

bool vu_vq_ready(const struct vu_dev *d, unsigned q)
{
	const struct vu_vq *vq;

	if (d->failed || q >= d->ops->num_queues)
		return false;
	vq = &d->vq[q];
	/* vhost-user: without PROTOCOL_FEATURES acked a ring starts enabled */
	return vq->started && vq->avail &&
	       (vq->enabled || !(d->features_acked & (1ULL << VU_F_PROTOCOL_FEATURES)));
}

/* --- the socket --- */

static bool wait_fd(struct vu_dev *d, short events)
{
	struct pollfd p = { .fd = d->sock, .events = events };
	int r;

	do
		r = poll(&p, 1, d->mid_msg_timeout_ms);
	while (r < 0 && errno == EINTR);
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

/* Receives exactly len bytes (and any fds sent with them).  RX_NONE only
 * when nothing at all was waiting at the start of a message. */
static enum rx recv_exact(struct vu_dev *d, void *buf, size_t len, struct vu_msg *m, bool start,
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
					return RX_NONE;
				if (!wait_fd(d, POLLIN)) {
					*why = "peer stalled in the middle of a message";
					return RX_FAIL;
				}
				continue;
			}
			if (errno == ECONNRESET && start && got == 0)
				return RX_EOF;
			*why = "cannot receive from the vhost-user socket";
			return RX_FAIL;
		}
		take_fds(m, &mh);
		if (r == 0) {
			if (start && got == 0)
				return RX_EOF;
			*why = "truncated message (peer closed the socket mid-message)";
			return RX_FAIL;
		}
		got += (size_t)r;
	}
	return RX_OK;
}

static int send_all(struct vu_dev *d, const void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		struct iovec iov = { .iov_base = (char *)buf + done, .iov_len = len - done };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t r = sendmsg(d->sock, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			if ((errno == EAGAIN || errno == EWOULDBLOCK) && wait_fd(d, POLLOUT))
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

static int reply(struct vu_dev *d, const struct vu_msg *m, const void *payload, uint32_t size)
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

static int reply_u64(struct vu_dev *d, const struct vu_msg *m, uint64_t v)
{
	return reply(d, m, &v, sizeof(v));
}

/* --- requests --- */

typedef int req_fn(struct vu_dev *d, struct vu_msg *m, const char **why);

static int check_fd_count(const struct vu_msg *m, unsigned want, const char **why)
{
	if (m->nfds != want) {
		*why = "wrong number of file descriptors for the request";
		return -1;
	}
	return 0;
}

static int req_get_features(struct vu_dev *d, struct vu_msg *m, const char **why)
{
	return reply_u64(d, m, d->features_offered);
}

static int req_set_features(struct vu_dev *d, struct vu_msg *m, const char **why)
{
	if (m->p.u64 & ~d->features_offered) {
		*why = "SET_FEATURES acks features that were not offered";
		return -1;
	}
	d->features_acked = m->p.u64;
	return 0;
}

static int req_get_protocol_features(struct vu_dev *d, struct vu_msg *m, const char **why)
{
	return reply_u64(d, m, PROTOCOL_OFFERED);
}

static int req_set_protocol_features(struct vu_dev *d, struct vu_msg *m, const char **why)
{
	if (m->p.u64 & ~PROTOCOL_OFFERED) {
		*why = "SET_PROTOCOL_FEATURES acks features that were not offered";
		return -1;
	}
	d->protocol_acked = m->p.u64;
	return 0;
}

static int req_set_owner(struct vu_dev *d, struct vu_msg *m, const char **why)
{
	return 0;
}

static int req_reset_owner(struct vu_dev *d, struct vu_msg *m, const char **why)
{
	reset_rings(d);
	vu_mem_unmap(&d->mem);
	d->features_acked = 0;
	d->protocol_acked = 0;
	return 0;
}

static int req_get_queue_num(struct vu_dev *d, struct vu_msg *m, const char **why)
{
	return reply_u64(d, m, d->ops->num_queues);
}

static int req_set_mem_table(struct vu_dev *d, struct vu_msg *m, const char **why)
{
	/* virtio_uml sends a fixed two-region payload with num 1 or 2, the
	 * spec num regions: accept any whole number of slots >= num */
	uint32_t num = m->p.mem.num, slots;

	if (m->h.size < 8 || (m->h.size - 8) % sizeof(struct vu_msg_region) ||
	    (slots = (uint32_t)((m->h.size - 8) / sizeof(struct vu_msg_region))) > VU_MAX_REGIONS ||
	    num > slots) {
		*why = "SET_MEM_TABLE: payload size does not match the region count";
		return -1;
	}
	if (num == 0 || num > VU_MAX_REGIONS) {
		*why = "SET_MEM_TABLE: region count out of range";
		return -1;
	}
	if (check_fd_count(m, num, why) < 0)
		return -1;
	m->nfds = 0; /* vu_mem_map closes them */
	if (vu_mem_map(&d->mem, m->p.mem.regions, m->fds, num, why) < 0)
		return -1;
	/* rings follow their addresses into the new table; one that no longer
	 * fits stays unmapped (not ready) until SET_VRING_ADDR */
	for (unsigned q = 0; q < d->ops->num_queues; q++) {
		const char *ignored;
		vu_vq_map(&d->vq[q], &d->mem, &ignored);
	}
	return 0;
}

static struct vu_vq *msg_vq(struct vu_dev *d, uint32_t index, const char **why)
{
	if (index >= d->ops->num_queues) {
		*why = "vring index out of range";
		return NULL;
	}
	return &d->vq[index];
}

static int req_set_vring_num(struct vu_dev *d, struct vu_msg *m, const char **why)
{
	struct vu_vq *vq = msg_vq(d, m->p.state.index, why);
	uint32_t num = m->p.state.num;

	if (!vq)
		return -1;
	if (num == 0 || num > VU_MAX_QUEUE_NUM || (num & (num - 1))) {
		*why = "SET_VRING_NUM: size not a power of two up to VU_MAX_QUEUE_NUM";
		return -1;
	}
	vq->num = num;
	if (vq->addr_set) {
		const char *ignored;
		vu_vq_map(vq, &d->mem, &ignored); /* ready again after SET_VRING_ADDR */
	}
	return 0;
}

static int req_set_vring_addr(struct vu_dev *d, struct vu_msg *m, const char **why)
{
	const struct vhost_vring_addr *a = &m->p.addr;
	struct vu_vq *vq = msg_vq(d, a->index, why);

	if (!vq)
		return -1;
	if (a->flags) {
		*why = "SET_VRING_ADDR: logging flags not negotiated";
		return -1;
	}
	if (!vq->num) {
		*why = "SET_VRING_ADDR before SET_VRING_NUM";
		return -1;
	}
	vq->desc_uva = a->desc_user_addr;
	vq->avail_uva = a->avail_user_addr;
	vq->used_uva = a->used_user_addr;
	vq->addr_set = true;
	return vu_vq_map(vq, &d->mem, why);
}

static int req_set_vring_base(struct vu_dev *d, struct vu_msg *m, const char **why)
{
	struct vu_vq *vq = msg_vq(d, m->p.state.index, why);

	if (!vq)
		return -1;
	if (m->p.state.num > UINT16_MAX) {
		*why = "SET_VRING_BASE: index beyond 16 bits";
		return -1;
	}
	vq->last_avail_idx = (uint16_t)m->p.state.num;
	return 0;
}

static int req_get_vring_base(struct vu_dev *d, struct vu_msg *m, const char **why)
{
	struct vu_vq *vq = msg_vq(d, m->p.state.index, why);
	struct vhost_vring_state st;

	if (!vq)
		return -1;
	/* GET_VRING_BASE stops the ring; a new SET_VRING_KICK restarts it */
	vq->started = false;
	close_fd(&vq->kick_fd);
	st = (struct vhost_vring_state){ .index = m->p.state.index, .num = vq->last_avail_idx };
	return reply(d, m, &st, sizeof(st));
}

/* SET_VRING_KICK/CALL/ERR: u64 index | VU_VRING_NOFD_MASK, fd unless NOFD. */
static struct vu_vq *vring_fd_msg(struct vu_dev *d, struct vu_msg *m, int *fd, const char **why)
{
	uint64_t v = m->p.u64;
	bool nofd = v & VU_VRING_NOFD_MASK;
	struct vu_vq *vq;

	if (v & ~(uint64_t)(VU_VRING_INDEX_MASK | VU_VRING_NOFD_MASK)) {
		*why = "vring fd message: unknown bits in the index";
		return NULL;
	}
	vq = msg_vq(d, (uint32_t)(v & VU_VRING_INDEX_MASK), why);
	if (!vq || check_fd_count(m, nofd ? 0 : 1, why) < 0)
		return NULL;
	*fd = -1;
	if (!nofd) {
		int fl = fcntl(m->fds[0], F_GETFL);
		if (fl < 0 || fcntl(m->fds[0], F_SETFL, fl | O_NONBLOCK) < 0) {
			*why = "vring fd message: unusable file descriptor";
			return NULL;
		}
		*fd = m->fds[0];
		m->nfds = 0;
	}
	return vq;
}

static int req_set_vring_kick(struct vu_dev *d, struct vu_msg *m, const char **why)
{
	int fd;
	struct vu_vq *vq = vring_fd_msg(d, m, &fd, why);

	if (!vq)
		return -1;
	if (fd < 0) {
		*why = "SET_VRING_KICK without fd (polling mode is not supported)";
		return -1;
	}
	close_fd(&vq->kick_fd);
	vq->kick_fd = fd;
	vq->started = true;
	return 0;
}

static int req_set_vring_call(struct vu_dev *d, struct vu_msg *m, const char **why)
{
	int fd;
	struct vu_vq *vq = vring_fd_msg(d, m, &fd, why);

	if (!vq)
		return -1;
	close_fd(&vq->call_fd);
	vq->call_fd = fd; /* -1: the driver wants no interrupts */
	return 0;
}

static int req_set_vring_err(struct vu_dev *d, struct vu_msg *m, const char **why)
{
	int fd;

	if (!vring_fd_msg(d, m, &fd, why))
		return -1;
	/* errors are reported by failing the device, never on this fd */
	close_fd(&fd);
	return 0;
}

static int req_set_vring_enable(struct vu_dev *d, struct vu_msg *m, const char **why)
{
	struct vu_vq *vq = msg_vq(d, m->p.state.index, why);

	if (!vq)
		return -1;
	if (m->p.state.num > 1) {
		*why = "SET_VRING_ENABLE: value not 0 or 1";
		return -1;
	}
	vq->enabled = m->p.state.num;
	return 0;
}

static int check_config(const struct vu_dev *d, const struct vu_msg *m, const char **why)
{
	if (!(d->protocol_acked & (1ULL << VU_PROTOCOL_F_CONFIG))) {
		*why = "config request without PROTOCOL_F_CONFIG";
		return -1;
	}
	if (m->h.size < VU_CONFIG_HDR_SIZE || m->p.config.size > VU_MAX_CONFIG ||
	    m->h.size != VU_CONFIG_HDR_SIZE + m->p.config.size) {
		*why = "config request: size does not match its payload";
		return -1;
	}
	return 0;
}

static int req_get_config(struct vu_dev *d, struct vu_msg *m, const char **why)
{
	struct vu_msg_config c;
	uint32_t off = m->p.config.offset, size = m->p.config.size;

	if (check_config(d, m, why) < 0)
		return -1;
	memset(&c, 0, sizeof(c));
	c.offset = off;
	c.flags = m->p.config.flags;
	if (off > VU_MAX_CONFIG || size > VU_MAX_CONFIG - off) /* answered as failure: size 0 */
		return reply(d, m, &c, VU_CONFIG_HDR_SIZE);
	c.size = size;
	/* bytes past the device's config read as zero */
	if (off < d->ops->config_len) {
		size_t n = d->ops->config_len - off < size ? d->ops->config_len - off : size;
		memcpy(c.payload, (const uint8_t *)d->ops->config + off, n);
	}
	return reply(d, m, &c, VU_CONFIG_HDR_SIZE + size);
}

static int req_set_config(struct vu_dev *d, struct vu_msg *m, const char **why)
{
	/* the config spaces served (9P mount tag, net mac/status) are
	 * read-only to the driver: a valid write is acknowledged and dropped */
	return check_config(d, m, why);
}

#define VARSIZE UINT32_MAX

static const struct req {
	req_fn *fn;
	uint32_t size;   /* exact payload size, or VARSIZE (checked by fn) */
	bool takes_fds;
	bool replies;    /* answers with its own reply, never with an ack */
} reqs[] = {
	[VU_GET_FEATURES]          = { req_get_features, 0, false, true },
	[VU_SET_FEATURES]          = { req_set_features, 8, false, false },
	[VU_SET_OWNER]             = { req_set_owner, 0, false, false },
	[VU_RESET_OWNER]           = { req_reset_owner, 0, false, false },
	[VU_SET_MEM_TABLE]         = { req_set_mem_table, VARSIZE, true, false },
	[VU_SET_VRING_NUM]         = { req_set_vring_num, 8, false, false },
	[VU_SET_VRING_ADDR]        = { req_set_vring_addr, sizeof(struct vhost_vring_addr), false, false },
	[VU_SET_VRING_BASE]        = { req_set_vring_base, 8, false, false },
	[VU_GET_VRING_BASE]        = { req_get_vring_base, 8, false, true },
	[VU_SET_VRING_KICK]        = { req_set_vring_kick, 8, true, false },
	[VU_SET_VRING_CALL]        = { req_set_vring_call, 8, true, false },
	[VU_SET_VRING_ERR]         = { req_set_vring_err, 8, true, false },
	[VU_GET_PROTOCOL_FEATURES] = { req_get_protocol_features, 0, false, true },
	[VU_SET_PROTOCOL_FEATURES] = { req_set_protocol_features, 8, false, false },
	[VU_GET_QUEUE_NUM]         = { req_get_queue_num, 0, false, true },
	[VU_SET_VRING_ENABLE]      = { req_set_vring_enable, 8, false, false },
	[VU_GET_CONFIG]            = { req_get_config, VARSIZE, false, true },
	[VU_SET_CONFIG]            = { req_set_config, VARSIZE, false, false },
};

static unsigned ready_mask(const struct vu_dev *d)
{
	unsigned mask = 0;

	for (unsigned q = 0; q < d->ops->num_queues; q++)
		if (vu_vq_ready(d, q))
			mask |= 1u << q;
	return mask;
}

static void serve_queue(struct vu_dev *d, unsigned q)
{
	if (vu_vq_ready(d, q) && d->ops->handle_queue)
		d->ops->handle_queue(d, q, d->opaque);
}

static void dispatch(struct vu_dev *d, struct vu_msg *m)
{
	const struct req *r = m->h.request < sizeof(reqs) / sizeof(reqs[0]) ? &reqs[m->h.request] : NULL;
	const char *why = NULL;
	unsigned before = ready_mask(d), after;
	int rc;

	if (!r || !r->fn)
		why = "unknown or unsupported request";
	else if (r->size != VARSIZE && m->h.size != r->size)
		why = "payload size does not match the request";
	else if (!r->takes_fds && m->nfds)
		why = "file descriptors sent with a request that takes none";
	if (why) {
		rc = -1;
	} else {
		rc = r->fn(d, m, &why);
		if (d->failed) /* a reply could not be sent */
			return;
	}
	/* virtio_uml sets NEED_REPLY on SET_PROTOCOL_FEATURES itself, before
	 * REPLY_ACK is acked, so the flag is honoured whenever it is set */
	if ((m->h.flags & VU_FLAG_NEED_REPLY) && !(r && r->replies))
		if (reply_u64(d, m, rc < 0 ? 1 : 0) < 0)
			return;
	if (rc < 0) {
		vu_dev_fail(d, why ? why : "bad request");
		return;
	}
	after = ready_mask(d);
	for (unsigned q = 0; q < d->ops->num_queues && !d->failed; q++)
		if ((after & ~before) & (1u << q))
			serve_queue(d, q);
}

static void close_msg_fds(struct vu_msg *m)
{
	for (unsigned i = 0; i < m->nfds; i++)
		close(m->fds[i]);
	m->nfds = 0;
}

static void handle_socket(struct vu_dev *d)
{
	struct vu_msg m = { .nfds = 0 };
	const char *why = NULL;
	enum rx rx = recv_exact(d, &m.h, sizeof(m.h), &m, true, &why);

	if (rx == RX_NONE)
		return;
	if (rx == RX_EOF) {
		close_msg_fds(&m);
		vu_dev_fail(d, "peer disconnected");
		return;
	}
	if (rx == RX_OK) {
		if ((m.h.flags & VU_FLAG_VERSION_MASK) != VU_VERSION ||
		    (m.h.flags & ~(VU_FLAG_VERSION_MASK | VU_FLAG_NEED_REPLY))) {
			why = "bad message flags or version";
			rx = RX_FAIL;
		} else if (m.h.size > VU_MAX_PAYLOAD) {
			why = "message payload too large";
			rx = RX_FAIL;
		} else {
			rx = recv_exact(d, &m.p, m.h.size, &m, false, &why);
		}
	}
	if (rx == RX_OK && m.too_many_fds) {
		why = "too many file descriptors with one message";
		rx = RX_FAIL;
	}
	if (rx != RX_OK) {
		close_msg_fds(&m);
		vu_dev_fail(d, why ? why : "bad message");
		return;
	}
	dispatch(d, &m);
	close_msg_fds(&m); /* any the request did not take */
}

static void handle_kick(struct vu_dev *d, unsigned q)
{
	uint64_t v;
	ssize_t r = read(d->vq[q].kick_fd, &v, sizeof(v));

	if (r == 0) {
		vu_dev_fail(d, "kick fd reached end of file");
		return;
	}
	if (r < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			vu_dev_fail(d, "cannot read a kick fd");
		return;
	}
	serve_queue(d, q);
}

size_t vu_dev_pollfds(struct vu_dev *d, struct pollfd *pfd, size_t max)
{
	size_t n = 0;

	if (d->failed || d->sock < 0)
		return 0;
	if (n < max)
		pfd[n++] = (struct pollfd){ .fd = d->sock, .events = POLLIN };
	for (unsigned q = 0; q < d->ops->num_queues && n < max; q++)
		if (d->vq[q].kick_fd >= 0)
			pfd[n++] = (struct pollfd){ .fd = d->vq[q].kick_fd, .events = POLLIN };
	return n;
}

int vu_dev_handle(struct vu_dev *d, const struct pollfd *pfd, size_t n)
{
	/* entries are matched by fd, not position: a message handled first
	 * may have closed or replaced a kick fd listed after it */
	for (size_t i = 0; i < n && !d->failed; i++) {
		if (!pfd[i].revents || pfd[i].fd < 0)
			continue;
		if (pfd[i].fd == d->sock) {
			handle_socket(d);
			continue;
		}
		for (unsigned q = 0; q < d->ops->num_queues; q++) {
			if (d->vq[q].kick_fd == pfd[i].fd) {
				handle_kick(d, q);
				break;
			}
		}
	}
	return d->failed ? -1 : 0;
}

/* --- queue access for the owner --- */

int vu_queue_pop(struct vu_dev *d, unsigned q, struct vu_elem *e)
{
	const char *why = NULL;
	int r;

	if (d->failed)
		return -1;
	if (q >= d->ops->num_queues) {
		vu_dev_fail(d, "queue index out of range");
		return -1;
	}
	if (!vu_vq_ready(d, q))
		return 0;
	r = vu_vq_pop(&d->vq[q], &d->mem, e, &why);
	if (r < 0) {
		vu_dev_fail(d, why ? why : "bad ring");
		return -1;
	}
	return r;
}

void vu_queue_push(struct vu_dev *d, unsigned q, const struct vu_elem *e, uint32_t len)
{
	if (!d->failed && q < d->ops->num_queues)
		vu_vq_push(&d->vq[q], e, len);
}

void vu_queue_notify(struct vu_dev *d, unsigned q)
{
	static const uint64_t one = 1;
	struct vu_vq *vq;

	if (d->failed || q >= d->ops->num_queues)
		return;
	vq = &d->vq[q];
	if (!vu_vq_should_notify(vq) || vq->call_fd < 0)
		return;
	/* a full pipe or eventfd already holds a pending notification */
	while (write(vq->call_fd, &one, sizeof(one)) < 0 && errno == EINTR)
		;
}
