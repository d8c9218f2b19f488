/* virtio-net frames as they cross the vhost-user queues: the 12-byte
 * struct virtio_net_hdr_v1 in front of every Ethernet frame (VIRTIO_F_VERSION_1
 * makes it 12 bytes whether or not VIRTIO_NET_F_MRG_RXBUF is negotiated,
 * virtio 1.1 5.1.6; include/uapi/linux/virtio_net.h in linux 6.1).
 *
 * Pure functions over iovecs, no device state: the guest writes every byte
 * they read, so each header field and length is checked here, and these are
 * what tests/unit/test_net_frame.c feeds hostile input to. */
#ifndef RUNUML_NET_VNET_FRAME_H
#define RUNUML_NET_VNET_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#define VNET_HDR_LEN    12u
#define VNET_ETH_HLEN   14u
#define VNET_ETH_MIN    VNET_ETH_HLEN       /* a header and no payload */
/* The largest Ethernet frame either side may send for an MTU (802.1Q tag
 * included); the MTU itself is capped at VNET_MTU_MAX. */
#define VNET_FRAME_MAX(mtu) ((size_t)(mtu) + VNET_ETH_HLEN + 4u)
#define VNET_MTU_MIN    68u
#define VNET_MTU_MAX    65520u
#define VNET_BUF_MAX    VNET_FRAME_MAX(VNET_MTU_MAX)

/* virtio_net_hdr flags and gso types (uapi virtio_net.h) */
#define VNET_F_NEEDS_CSUM 1u
#define VNET_F_DATA_VALID 2u
#define VNET_GSO_NONE     0u
#define VNET_GSO_TCPV4    1u
#define VNET_GSO_TCPV6    4u
#define VNET_GSO_ECN      0x80u

/* Why a transmitted frame was refused (counted per reason by the device). */
enum vnet_tx_error {
	VNET_TX_OK = 0,
	VNET_TX_SHORT_HDR,     /* fewer than 12 bytes in the chain */
	VNET_TX_BAD_FLAGS,     /* a flag not negotiated (we offer no checksum offload) */
	VNET_TX_BAD_GSO,       /* segmentation offload not negotiated */
	VNET_TX_RUNT,          /* frame shorter than an Ethernet header */
	VNET_TX_TOO_LONG,      /* frame longer than the MTU allows */
	VNET_TX_HAS_IN,        /* device-writable buffers in a transmit chain */
	VNET_TX_BAD_OFFSETS,   /* checksum or segmentation fields outside the frame */
	VNET_TX_ERRORS
};

const char *vnet_tx_error_name(enum vnet_tx_error e);

/* Total length of an iovec array; SIZE_MAX on overflow. */
size_t vnet_iov_len(const struct iovec *iov, unsigned n);

/* A transmit chain (the driver's readable buffers iov[0..n_out), plus n_in
 * writable ones that must not be there) into frame[0..max_frame): checks
 * the header and the length and copies the header to hdr and the Ethernet
 * frame to frame.  offloads: CSUM and HOST_TSO4/6 were negotiated, so a
 * partial checksum and TCP segmentation are allowed (and their offsets
 * checked against the frame).  Returns the frame length, or
 * -(enum vnet_tx_error). */
long vnet_tx_extract(const struct iovec *iov, unsigned n_out, unsigned n_in, bool offloads,
		     uint8_t hdr[VNET_HDR_LEN], uint8_t *frame, size_t max_frame);

/* A receive chain (the driver's writable buffers): writes a header and the
 * frame.  hdr: flags, gso type and offsets to pass on (the host kernel's,
 * for a guest that negotiated the offloads), or NULL for none; num_buffers
 * is always 1.  Returns the bytes written (VNET_HDR_LEN + len), or 0 when
 * the chain is too small for the frame. */
size_t vnet_rx_fill(const struct iovec *iov, unsigned n_in, const uint8_t *hdr,
		    const uint8_t *frame, size_t len);

#endif
