/* The virtio-net device runuml-net offers the guest (virtio id 1) on top of
 * the shared vhost-user library (lib/vu_dev.h): receive queue 0, transmit
 * queue 1, VIRTIO_NET_F_MAC and VIRTIO_NET_F_MTU in config space, and, where
 * the backend can use them, the guest-side checksum and segmentation
 * offloads.
 *
 * Lifecycle: vnet_new() before the kernel connects; vnet_attach() hands it
 * the accepted vhost-user connection; the owner polls vnet_pollfds() and
 * passes them back to vnet_handle().  Frames the guest sends reach the
 * backend's tx callback (already checked: see vnet_frame.h); frames for the
 * guest go in with vnet_rx_queue().  vnet_free() closes everything. */
#ifndef RUNUML_NET_VNET_DEV_H
#define RUNUML_NET_VNET_DEV_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rerr.h"
#include "vnet_frame.h"

/* virtio-net feature bits (include/uapi/linux/virtio_net.h, linux 6.1) */
#define VNET_FEAT_CSUM        0   /* device handles partial checksums (guest tx) */
#define VNET_FEAT_GUEST_CSUM  1   /* guest handles partial checksums (guest rx) */
#define VNET_FEAT_MTU         3
#define VNET_FEAT_MAC         5
#define VNET_FEAT_GUEST_TSO4  7
#define VNET_FEAT_GUEST_TSO6  8
#define VNET_FEAT_GUEST_ECN   9
#define VNET_FEAT_HOST_TSO4   11
#define VNET_FEAT_HOST_TSO6   12

#define VNET_RXQ 0
#define VNET_TXQ 1

struct vnet;

/* hdr: the guest's 12-byte virtio-net header (only meaningful with
 * offloads), frame: the Ethernet frame. */
typedef void (*vnet_tx_fn)(const uint8_t *hdr, const uint8_t *frame, size_t len, void *opaque);

struct vnet_opts {
	uint8_t mac[6];
	uint16_t mtu;           /* config space mtu: the largest the guest may set */
	bool offloads;          /* offer checksum and TCP segmentation offloads both
				 * ways: the backend passes virtio-net headers to and
				 * from the host kernel (AF_PACKET with
				 * PACKET_VNET_HDR), which checks them again */
	vnet_tx_fn tx;
	void *opaque;
};

struct vnet *vnet_new(const struct vnet_opts *o, struct rerr **err);
/* The backend made after the device: the tx callback's opaque. */
void vnet_set_opaque(struct vnet *v, void *opaque);
void vnet_free(struct vnet *v);
/* Takes ownership of conn_fd. */
int vnet_attach(struct vnet *v, int conn_fd, struct rerr **err);
bool vnet_attached(const struct vnet *v);
/* Why the device failed or disconnected (NULL while it works). */
const char *vnet_failure(const struct vnet *v);

size_t vnet_pollfds(struct vnet *v, struct pollfd *pfd, size_t max);
/* < 0 once the device failed or the kernel disconnected. */
int vnet_handle(struct vnet *v, const struct pollfd *pfd, size_t n);

/* Delivers one frame to the guest; hdr is a 12-byte header to pass on
 * (NULL: a plain frame).  While the guest has no buffer posted, frames wait
 * (a few hundred, a few MiB at most; then they are dropped and counted) and
 * go out in order when it posts some. */
void vnet_rx_queue(struct vnet *v, const uint8_t *hdr, const uint8_t *frame, size_t len);
/* Frames waiting for guest buffers: a backend that can hold its input back
 * (a packet socket) reads nothing while this is non-zero. */
size_t vnet_rx_backlog(const struct vnet *v);
/* Signals the guest about everything delivered since the last call. */
void vnet_notify(struct vnet *v);

struct vnet_stats {
	uint64_t tx_frames, tx_bytes, tx_refused[VNET_TX_ERRORS];
	uint64_t rx_frames, rx_bytes, rx_dropped;
};
const struct vnet_stats *vnet_stats(const struct vnet *v);

#endif
