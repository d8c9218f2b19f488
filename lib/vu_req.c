/* The requests of the vhost-user protocol a device backend serves, one
 * handler each, and the table vu_dev.c dispatches through (payload size,
 * whether fds come with it, whether it answers with its own reply).
 * Handlers check what the table cannot (index ranges, values, fd counts,
 * negotiated features) and return -1 with a static *why to fail the device.
 * Reference: docs.qemu.org/en/latest/interop/vhost-user.html, and what
 * linux-6.1 arch/um/drivers/virtio_uml.c actually sends (see vu_dev.c). */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "vu_internal.h"

/* SLAVE_REQ is offered only because linux-6.1 virtio_uml allocates the
 * device's interrupt when it sets up the backend's request channel: without
 * it every ring's call pipe asks for IRQ 0 (the timer's) and the probe fails
 * with EBUSY.  The channel (SET_SLAVE_REQ_FD) is accepted and never used. */
#define PROTOCOL_OFFERED ((1ULL << VU_PROTOCOL_F_REPLY_ACK) | (1ULL << VU_PROTOCOL_F_CONFIG) | \
			  (1ULL << VU_PROTOCOL_F_SLAVE_REQ))

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
	return vu_reply_u64(d, m, d->features_offered);
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
	return vu_reply_u64(d, m, PROTOCOL_OFFERED);
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
	vu_dev_reset_rings(d);
	vu_mem_unmap(&d->mem);
	vu_close_fd(&d->slave_fd);
	d->features_acked = 0;
	d->protocol_acked = 0;
	return 0;
}

static int req_get_queue_num(struct vu_dev *d, struct vu_msg *m, const char **why)
{
	return vu_reply_u64(d, m, d->ops->num_queues);
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
	vu_close_fd(&vq->kick_fd);
	st = (struct vhost_vring_state){ .index = m->p.state.index, .num = vq->last_avail_idx };
	return vu_reply(d, m, &st, sizeof(st));
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
	vu_close_fd(&vq->kick_fd);
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
	vu_close_fd(&vq->call_fd);
	vq->call_fd = fd; /* -1: the driver wants no interrupts */
	return 0;
}

static int req_set_vring_err(struct vu_dev *d, struct vu_msg *m, const char **why)
{
	int fd;

	if (!vring_fd_msg(d, m, &fd, why))
		return -1;
	/* errors are reported by failing the device, never on this fd */
	vu_close_fd(&fd);
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
		return vu_reply(d, m, &c, VU_CONFIG_HDR_SIZE);
	c.size = size;
	/* bytes past the device's config read as zero */
	if (off < d->ops->config_len) {
		size_t n = d->ops->config_len - off < size ? d->ops->config_len - off : size;
		memcpy(c.payload, (const uint8_t *)d->ops->config + off, n);
	}
	return vu_reply(d, m, &c, VU_CONFIG_HDR_SIZE + size);
}

static int req_set_config(struct vu_dev *d, struct vu_msg *m, const char **why)
{
	/* the config spaces served (9P mount tag, net mac/status) are
	 * read-only to the driver: a valid write is acknowledged and dropped */
	return check_config(d, m, why);
}

static int req_set_slave_req_fd(struct vu_dev *d, struct vu_msg *m, const char **why)
{
	if (!(d->protocol_acked & (1ULL << VU_PROTOCOL_F_SLAVE_REQ))) {
		*why = "SET_SLAVE_REQ_FD without SLAVE_REQ negotiated";
		return -1;
	}
	if (check_fd_count(m, 1, why) < 0)
		return -1;
	vu_close_fd(&d->slave_fd);
	d->slave_fd = m->fds[0];
	m->nfds = 0;
	return 0;
}

static const struct vu_req reqs[] = {
	[VU_GET_FEATURES]          = { req_get_features, 0, false, true },
	[VU_SET_FEATURES]          = { req_set_features, 8, false, false },
	[VU_SET_OWNER]             = { req_set_owner, 0, false, false },
	[VU_RESET_OWNER]           = { req_reset_owner, 0, false, false },
	[VU_SET_MEM_TABLE]         = { req_set_mem_table, VU_VARSIZE, true, false },
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
	[VU_SET_SLAVE_REQ_FD]      = { req_set_slave_req_fd, 0, true, false },
	[VU_GET_CONFIG]            = { req_get_config, VU_VARSIZE, false, true },
	[VU_SET_CONFIG]            = { req_set_config, VU_VARSIZE, false, false },
};

const struct vu_req *vu_req_find(uint32_t request)
{
	if (request >= sizeof(reqs) / sizeof(reqs[0]) || !reqs[request].fn)
		return NULL;
	return &reqs[request];
}
