/* The virtio-net device (see vnet_dev.h).  Everything the guest hands over
 * goes through vnet_frame.c's checks before a backend sees it; a frame that
 * fails them is counted and dropped, and its buffer returned, so a hostile
 * guest costs itself its own frames and nothing else. */
#include "vnet_dev.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vu_dev.h"

#define PENDING_MAX       512               /* frames held for a guest with no buffers */
#define PENDING_BYTES_MAX (8u << 20)
#define REFUSALS_LOGGED   16                /* then silence: the guest controls the rate */

/* struct virtio_net_config (uapi virtio_net.h): mac[6], status,
 * max_virtqueue_pairs, mtu -- little endian. */
struct vnet_config {
	uint8_t mac[6];
	uint8_t status[2];
	uint8_t max_vq_pairs[2];
	uint8_t mtu[2];
};

struct pending {
	uint8_t *frame;
	size_t len;
	bool has_hdr;
	uint8_t hdr[VNET_HDR_LEN];
};

struct vnet {
	struct vnet_opts o;
	struct vnet_config config;
	struct vu_dev_ops ops;
	struct vu_dev *dev;
	const char *failure;
	bool rx_pushed, tx_pushed; /* something to notify */
	struct vu_elem rx_elem, tx_elem;
	uint8_t *txbuf;
	struct pending pend[PENDING_MAX];
	size_t pend_head, pend_n, pend_bytes;
	struct vnet_stats st;
	unsigned refusals_logged;
};

static void tx_refused(struct vnet *v, enum vnet_tx_error e)
{
	v->st.tx_refused[e]++;
	if (v->refusals_logged < REFUSALS_LOGGED) {
		v->refusals_logged++;
		fprintf(stderr, "runuml-net: dropped a frame from the guest: %s%s\n",
			vnet_tx_error_name(e),
			v->refusals_logged == REFUSALS_LOGGED ? " (further drops not logged)" : "");
	}
}

static void serve_tx(struct vnet *v, struct vu_dev *d)
{
	uint8_t hdr[VNET_HDR_LEN];
	size_t max = v->o.offloads ? VNET_BUF_MAX : VNET_FRAME_MAX(v->o.mtu);
	int r;

	while ((r = vu_queue_pop(d, VNET_TXQ, &v->tx_elem)) == 1) {
		struct vu_elem *e = &v->tx_elem;
		long n = vnet_tx_extract(e->iov, e->n_out, e->n_in, v->o.offloads, hdr, v->txbuf, max);
		if (n < 0) {
			tx_refused(v, (enum vnet_tx_error)-n);
		} else {
			v->st.tx_frames++;
			v->st.tx_bytes += (uint64_t)n;
			v->o.tx(hdr, v->txbuf, (size_t)n, v->o.opaque);
		}
		vu_queue_push(d, VNET_TXQ, e, 0);
		v->tx_pushed = true;
		if (!v->dev) /* the backend's callback may not free us, but be safe */
			return;
	}
}

/* Pops a receive buffer and fills it; false when the guest has none posted.
 * A buffer too small for the frame goes back empty (the driver counts a
 * length error) and the frame is dropped: nothing is held across calls,
 * since the guest may remap its memory between them (vu_dev.h). */
static bool deliver(struct vnet *v, const uint8_t *hdr, const uint8_t *frame, size_t len)
{
	struct vu_elem *e = &v->rx_elem;
	size_t w;

	if (!v->dev || vnet_failure(v) || vu_queue_pop(v->dev, VNET_RXQ, e) != 1)
		return false;
	w = vnet_rx_fill(e->iov + e->n_out, e->n_in, hdr, frame, len);
	vu_queue_push(v->dev, VNET_RXQ, e, (uint32_t)w);
	v->rx_pushed = true;
	if (!w) {
		v->st.rx_dropped++;
		return true;
	}
	v->st.rx_frames++;
	v->st.rx_bytes += len;
	return true;
}

/* The guest posted buffers: frames held for it go first, in order. */
static void flush_pending(struct vnet *v)
{
	while (v->pend_n) {
		struct pending *p = &v->pend[v->pend_head];
		if (!deliver(v, p->has_hdr ? p->hdr : NULL, p->frame, p->len))
			break;
		free(p->frame);
		v->pend_bytes -= p->len;
		v->pend_head = (v->pend_head + 1) % PENDING_MAX;
		v->pend_n--;
	}
}

/* implements vu_dev_ops.handle_queue */
static void handle_queue(struct vu_dev *d, unsigned q, void *opaque)
{
	struct vnet *v = opaque;

	if (q == VNET_TXQ)
		serve_tx(v, d);
	else if (q == VNET_RXQ)
		flush_pending(v);
	vnet_notify(v);
}

/* implements vu_dev_ops.on_failed */
static void on_failed(struct vu_dev *d, const char *why, void *opaque)
{
	struct vnet *v = opaque;

	(void)d;
	v->failure = why ? why : "device failed";
}

struct vnet *vnet_new(const struct vnet_opts *o, struct rerr **err)
{
	struct vnet *v = calloc(1, sizeof(*v));
	uint64_t f = 1ULL << VNET_FEAT_MAC | 1ULL << VNET_FEAT_MTU;

	if (!v || !(v->txbuf = malloc(VNET_BUF_MAX))) {
		free(v);
		rerr_make(err, ENOMEM, "cannot create the network device");
		return NULL;
	}
	v->o = *o;
	if (v->o.mtu < VNET_MTU_MIN || v->o.mtu > VNET_MTU_MAX)
		v->o.mtu = 1500;
	memcpy(v->config.mac, o->mac, 6);
	v->config.max_vq_pairs[0] = 1;
	v->config.mtu[0] = (uint8_t)(v->o.mtu & 0xff);
	v->config.mtu[1] = (uint8_t)(v->o.mtu >> 8);
	if (o->offloads)
		f |= 1ULL << VNET_FEAT_CSUM | 1ULL << VNET_FEAT_GUEST_CSUM |
		     1ULL << VNET_FEAT_GUEST_TSO4 | 1ULL << VNET_FEAT_GUEST_TSO6 |
		     1ULL << VNET_FEAT_GUEST_ECN | 1ULL << VNET_FEAT_HOST_TSO4 |
		     1ULL << VNET_FEAT_HOST_TSO6;
	v->ops = (struct vu_dev_ops){ .features = f, .num_queues = 2, .config = &v->config,
				      .config_len = sizeof(v->config), .handle_queue = handle_queue,
				      .on_failed = on_failed };
	return v;
}

void vnet_set_opaque(struct vnet *v, void *opaque)
{
	v->o.opaque = opaque;
}

void vnet_free(struct vnet *v)
{
	if (!v)
		return;
	vu_dev_free(v->dev);
	while (v->pend_n) {
		free(v->pend[v->pend_head].frame);
		v->pend_head = (v->pend_head + 1) % PENDING_MAX;
		v->pend_n--;
	}
	free(v->txbuf);
	free(v);
}

int vnet_attach(struct vnet *v, int conn_fd, struct rerr **err)
{
	v->dev = vu_dev_new(conn_fd, &v->ops, v, err);
	return v->dev ? 0 : -1;
}

bool vnet_attached(const struct vnet *v)
{
	return v->dev != NULL;
}

const char *vnet_failure(const struct vnet *v)
{
	if (v->failure)
		return v->failure;
	if (v->dev && vu_dev_failed(v->dev)) {
		const char *why = vu_dev_fail_reason(v->dev);
		return why ? why : "device failed";
	}
	return NULL;
}

size_t vnet_pollfds(struct vnet *v, struct pollfd *pfd, size_t max)
{
	if (!v->dev || vnet_failure(v))
		return 0;
	return vu_dev_pollfds(v->dev, pfd, max);
}

int vnet_handle(struct vnet *v, const struct pollfd *pfd, size_t n)
{
	if (!v->dev)
		return 0;
	if (vu_dev_handle(v->dev, pfd, n) < 0 || vnet_failure(v)) {
		if (!v->failure)
			v->failure = vu_dev_fail_reason(v->dev) ? vu_dev_fail_reason(v->dev)
								 : "device failed";
		return -1;
	}
	return 0;
}

void vnet_rx_queue(struct vnet *v, const uint8_t *hdr, const uint8_t *frame, size_t len)
{
	struct pending *p;

	if (!v->pend_n && deliver(v, hdr, frame, len))
		return;
	if (!v->dev || v->pend_n == PENDING_MAX || v->pend_bytes + len > PENDING_BYTES_MAX) {
		v->st.rx_dropped++;
		return;
	}
	p = &v->pend[(v->pend_head + v->pend_n) % PENDING_MAX];
	p->frame = malloc(len ? len : 1);
	if (!p->frame) {
		v->st.rx_dropped++;
		return;
	}
	memcpy(p->frame, frame, len);
	if (hdr)
		memcpy(p->hdr, hdr, VNET_HDR_LEN);
	p->has_hdr = hdr != NULL;
	p->len = len;
	v->pend_n++;
	v->pend_bytes += len;
}

size_t vnet_rx_backlog(const struct vnet *v)
{
	return v->pend_n;
}

void vnet_notify(struct vnet *v)
{
	if (!v->dev)
		return;
	if (v->rx_pushed)
		vu_queue_notify(v->dev, VNET_RXQ);
	if (v->tx_pushed)
		vu_queue_notify(v->dev, VNET_TXQ);
	v->rx_pushed = v->tx_pushed = false;
}

const struct vnet_stats *vnet_stats(const struct vnet *v)
{
	return &v->st;
}
