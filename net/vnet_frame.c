/* virtio-net header and frame checks (see vnet_frame.h). */
#include "vnet_frame.h"

#include <string.h>

const char *vnet_tx_error_name(enum vnet_tx_error e)
{
	static const char *const names[VNET_TX_ERRORS] = {
		[VNET_TX_OK] = "ok",
		[VNET_TX_SHORT_HDR] = "chain shorter than the virtio-net header",
		[VNET_TX_BAD_FLAGS] = "header flags not negotiated",
		[VNET_TX_BAD_GSO] = "segmentation offload not negotiated",
		[VNET_TX_RUNT] = "frame shorter than an Ethernet header",
		[VNET_TX_TOO_LONG] = "frame longer than the MTU allows",
		[VNET_TX_HAS_IN] = "writable buffers in a transmit chain",
		[VNET_TX_BAD_OFFSETS] = "checksum or segmentation fields outside the frame",
	};
	return (unsigned)e < VNET_TX_ERRORS && names[e] ? names[e] : "unknown";
}

size_t vnet_iov_len(const struct iovec *iov, unsigned n)
{
	size_t total = 0;

	for (unsigned i = 0; i < n; i++) {
		if (iov[i].iov_len > SIZE_MAX - total)
			return SIZE_MAX;
		total += iov[i].iov_len;
	}
	return total;
}

/* Copies [off, off+len) of the chain's bytes into dst; returns bytes copied. */
static size_t iov_read(const struct iovec *iov, unsigned n, size_t off, void *dst, size_t len)
{
	uint8_t *d = dst;
	size_t done = 0;

	for (unsigned i = 0; i < n && done < len; i++) {
		size_t l = iov[i].iov_len;
		if (off >= l) {
			off -= l;
			continue;
		}
		size_t take = l - off < len - done ? l - off : len - done;
		memcpy(d + done, (const uint8_t *)iov[i].iov_base + off, take);
		done += take;
		off = 0;
	}
	return done;
}

static size_t iov_write(const struct iovec *iov, unsigned n, size_t off, const void *src,
			size_t len)
{
	const uint8_t *s = src;
	size_t done = 0;

	for (unsigned i = 0; i < n && done < len; i++) {
		size_t l = iov[i].iov_len;
		if (off >= l) {
			off -= l;
			continue;
		}
		size_t take = l - off < len - done ? l - off : len - done;
		memcpy((uint8_t *)iov[i].iov_base + off, s + done, take);
		done += take;
		off = 0;
	}
	return done;
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/* With offloads: the fields the host kernel will act on (virtio 1.1
 * 5.1.6.2; net/packet/af_packet.c validates them again). */
static enum vnet_tx_error check_offloads(const uint8_t *hdr, size_t len)
{
	unsigned gso = hdr[1] & ~VNET_GSO_ECN;
	uint16_t hdr_len = le16(hdr + 2), gso_size = le16(hdr + 4);
	uint16_t csum_start = le16(hdr + 6), csum_off = le16(hdr + 8);

	if (hdr[0] & ~VNET_F_NEEDS_CSUM)
		return VNET_TX_BAD_FLAGS;
	if (gso != VNET_GSO_NONE && gso != VNET_GSO_TCPV4 && gso != VNET_GSO_TCPV6)
		return VNET_TX_BAD_GSO;
	if (gso == VNET_GSO_NONE && (hdr[1] & VNET_GSO_ECN))
		return VNET_TX_BAD_GSO;
	if (hdr[0] & VNET_F_NEEDS_CSUM) {
		if (csum_start < VNET_ETH_HLEN || (size_t)csum_start + csum_off + 2u > len)
			return VNET_TX_BAD_OFFSETS;
	}
	if (gso != VNET_GSO_NONE) {
		/* segmentation needs a partial checksum to fill per segment */
		if (!(hdr[0] & VNET_F_NEEDS_CSUM) || gso_size == 0 || hdr_len > len)
			return VNET_TX_BAD_OFFSETS;
	}
	return VNET_TX_OK;
}

long vnet_tx_extract(const struct iovec *iov, unsigned n_out, unsigned n_in, bool offloads,
		     uint8_t hdr[VNET_HDR_LEN], uint8_t *frame, size_t max_frame)
{
	size_t total = vnet_iov_len(iov, n_out), len;
	enum vnet_tx_error e;

	if (n_in)
		return -VNET_TX_HAS_IN;
	if (total < VNET_HDR_LEN || iov_read(iov, n_out, 0, hdr, VNET_HDR_LEN) != VNET_HDR_LEN)
		return -VNET_TX_SHORT_HDR;
	if (total == SIZE_MAX || total - VNET_HDR_LEN > max_frame)
		return -VNET_TX_TOO_LONG;
	len = total - VNET_HDR_LEN;
	if (len < VNET_ETH_MIN)
		return -VNET_TX_RUNT;
	/* hdr[0] flags, hdr[1] gso_type.  Without offloads, hdr_len, gso_size,
	 * csum_start, csum_offset and num_buffers mean nothing and are
	 * ignored, as virtio 1.1 5.1.6.2 allows. */
	if (offloads) {
		if ((e = check_offloads(hdr, len)) != VNET_TX_OK)
			return -(long)e;
	} else if (hdr[0] != 0) {
		return -VNET_TX_BAD_FLAGS;
	} else if (hdr[1] != VNET_GSO_NONE) {
		return -VNET_TX_BAD_GSO;
	}
	if (iov_read(iov, n_out, VNET_HDR_LEN, frame, len) != len)
		return -VNET_TX_SHORT_HDR;
	return (long)len;
}

size_t vnet_rx_fill(const struct iovec *iov, unsigned n_in, const uint8_t *hdr,
		    const uint8_t *frame, size_t len)
{
	uint8_t h[VNET_HDR_LEN] = { 0 };
	size_t room = vnet_iov_len(iov, n_in);

	if (room == SIZE_MAX || room < VNET_HDR_LEN || room - VNET_HDR_LEN < len)
		return 0;
	if (hdr)
		memcpy(h, hdr, 10);
	h[10] = 1; /* num_buffers, little endian */
	h[11] = 0;
	iov_write(iov, n_in, 0, h, VNET_HDR_LEN);
	iov_write(iov, n_in, VNET_HDR_LEN, frame, len);
	return VNET_HDR_LEN + len;
}
