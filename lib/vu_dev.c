/* A vhost-user device backend: device lifecycle, message dispatch, the
 * owner's event-loop entry points and queue access.  The request handlers
 * are in vu_req.c, socket I/O in vu_sock.c, guest memory in vu_mem.c and
 * the split rings in vu_ring.c.  It speaks exactly what linux-6.1
 * arch/um/drivers/virtio_uml.c (the frontend) sends:
 *
 *   probe:      SET_OWNER, GET_FEATURES, GET_PROTOCOL_FEATURES,
 *               SET_PROTOCOL_FEATURES (itself with NEED_REPLY),
 *               SET_SLAVE_REQ_FD (a pipe), SET_FEATURES
 *   config:     GET_CONFIG (offset 0, size offset+len), SET_CONFIG
 *   find_vqs:   SET_MEM_TABLE (1 or 2 regions in a fixed 2-region payload),
 *               per queue SET_VRING_CALL, _NUM, _BASE, _ADDR, then
 *               SET_VRING_KICK and SET_VRING_ENABLE 1
 *   del_vqs:    SET_VRING_ENABLE 0, GET_FEATURES (as a barrier)
 *   suspend:    SET_VRING_ENABLE 0/1
 * and, from other frontends, RESET_OWNER, GET_VRING_BASE (stops the ring),
 * GET_QUEUE_NUM and SET_VRING_ERR.  Protocol features offered: REPLY_ACK,
 * CONFIG and SLAVE_REQ (6.1 needs it to allocate the device's interrupt,
 * see vu_req.c; the backend-to-frontend channel is kept but never written).
 * INBAND_NOTIFICATIONS is not offered, so virtio_uml always passes a kick
 * eventfd and a call pipe; requests of features we do not offer (in-band
 * VRING_KICK, logging, IOTLB, ...) are unknown requests and fail the device
 * like any other malformed message.
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
 *   (nothing is ever written to the SET_SLAVE_REQ_FD pipe)
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
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/virtio_config.h>

#include "vu_internal.h"

#define MID_MSG_TIMEOUT_MS 5000

/* transport feature bits we never offer: packed rings, indirect
 * descriptors, EVENT_IDX, IOMMU, in-order, ... (VERSION_1 and
 * PROTOCOL_FEATURES are added back) */
#define TRANSPORT_MASK \
	(((1ULL << (VIRTIO_TRANSPORT_F_END - VIRTIO_TRANSPORT_F_START)) - 1) << VIRTIO_TRANSPORT_F_START)

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
	d->slave_fd = -1;
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

void vu_close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void vu_dev_reset_rings(struct vu_dev *d)
{
	for (unsigned q = 0; q < VU_MAX_QUEUES; q++) {
		vu_close_fd(&d->vq[q].kick_fd);
		vu_close_fd(&d->vq[q].call_fd);
		vu_vq_init(&d->vq[q]);
	}
}

void vu_dev_free(struct vu_dev *d)
{
	if (!d)
		return;
	vu_dev_reset_rings(d);
	vu_mem_unmap(&d->mem);
	vu_close_fd(&d->slave_fd);
	vu_close_fd(&d->sock);
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
	const struct vu_req *r = vu_req_find(m->h.request);
	const char *why = NULL;
	unsigned before = ready_mask(d), after;
	int rc;

	if (!r || !r->fn)
		why = "unknown or unsupported request";
	else if (r->size != VU_VARSIZE && m->h.size != r->size)
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
		if (vu_reply_u64(d, m, rc < 0 ? 1 : 0) < 0)
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
	enum vu_rx rx = vu_sock_recv(d, &m.h, sizeof(m.h), &m, true, &why);

	if (rx == VU_RX_NONE)
		return;
	if (rx == VU_RX_EOF) {
		close_msg_fds(&m);
		vu_dev_fail(d, "peer disconnected");
		return;
	}
	if (rx == VU_RX_OK) {
		if ((m.h.flags & VU_FLAG_VERSION_MASK) != VU_VERSION ||
		    (m.h.flags & ~(VU_FLAG_VERSION_MASK | VU_FLAG_NEED_REPLY))) {
			why = "bad message flags or version";
			rx = VU_RX_FAIL;
		} else if (m.h.size > VU_MAX_PAYLOAD) {
			why = "message payload too large";
			rx = VU_RX_FAIL;
		} else {
			rx = vu_sock_recv(d, &m.p, m.h.size, &m, false, &why);
		}
	}
	if (rx == VU_RX_OK && m.too_many_fds) {
		why = "too many file descriptors with one message";
		rx = VU_RX_FAIL;
	}
	if (rx != VU_RX_OK) {
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
