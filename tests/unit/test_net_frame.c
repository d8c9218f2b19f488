/* runuml-net's virtio-net frame checks with hostile input: headers with
 * flags and offloads that were not negotiated, offsets outside the frame,
 * chains too short, too long, oddly split, overflowing, or with writable
 * parts where none belong; and receive chains too small for the frame. */
#include <stdint.h>
#include <string.h>

#include "tap.h"
#include "vnet_frame.h"

static uint8_t out[VNET_BUF_MAX];

/* A chain of one header + frame of len bytes (pattern i & 0xff). */
static size_t make(uint8_t *buf, const uint8_t hdr[12], size_t len)
{
	memcpy(buf, hdr, 12);
	for (size_t i = 0; i < len; i++)
		buf[12 + i] = (uint8_t)i;
	return 12 + len;
}

static long extract1(const uint8_t *buf, size_t n, bool offloads, size_t max)
{
	uint8_t hdr[VNET_HDR_LEN];
	struct iovec iov = { (void *)buf, n };
	return vnet_tx_extract(&iov, 1, 0, offloads, hdr, out, max);
}

static void set16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

int main(void)
{
	static uint8_t buf[VNET_BUF_MAX + 64];
	static const uint8_t zero[12];
	uint8_t hdr[12], h[12];
	struct iovec iov[40];
	size_t n, max = VNET_FRAME_MAX(1500);
	long r;

	TAP_PLAN(33);

	n = make(buf, zero, 60);
	r = extract1(buf, n, false, max);
	TAP_OK(r == 60 && out[0] == 0 && out[59] == 59, "a plain frame passes whole");

	/* header and frame split into 1-byte and empty segments */
	size_t k = 0, off = 0;
	for (; k < 30 && off < n; k++) {
		size_t l = (k % 3 == 2) ? 0 : 1;
		iov[k] = (struct iovec){ buf + off, l };
		off += l;
	}
	iov[k++] = (struct iovec){ buf + off, n - off };
	r = vnet_tx_extract(iov, (unsigned)k, 0, false, h, out, max);
	TAP_OK(r == 60 && out[0] == 0 && out[59] == 59, "a header split over tiny and empty segments");

	r = extract1(buf, 11, false, max);
	TAP_OK(r == -VNET_TX_SHORT_HDR, "a chain shorter than the header is refused");
	r = vnet_tx_extract(iov, 0, 0, false, h, out, max);
	TAP_OK(r == -VNET_TX_SHORT_HDR, "an empty chain is refused");
	r = extract1(buf, 12, false, max);
	TAP_OK(r == -VNET_TX_RUNT, "a header with no frame is refused");
	r = extract1(buf, 12 + 13, false, max);
	TAP_OK(r == -VNET_TX_RUNT, "a frame shorter than an Ethernet header is refused");
	r = extract1(buf, 12 + 14, false, max);
	TAP_OK(r == 14, "a bare Ethernet header passes");

	n = make(buf, zero, 1518);
	TAP_OK(extract1(buf, n, false, max) == 1518, "a frame of MTU 1500 + header + VLAN tag passes");
	n = make(buf, zero, 1519);
	TAP_OK(extract1(buf, n, false, max) == -VNET_TX_TOO_LONG, "one byte more is refused");
	n = make(buf, zero, VNET_BUF_MAX);
	TAP_OK(extract1(buf, n, true, VNET_BUF_MAX) == (long)VNET_BUF_MAX,
	       "with offloads, the largest frame passes");
	n = make(buf, zero, VNET_BUF_MAX + 1);
	TAP_OK(extract1(buf, n, true, VNET_BUF_MAX) == -VNET_TX_TOO_LONG,
	       "with offloads, a larger one is refused");

	/* lengths that overflow size_t must not be trusted or read */
	iov[0] = (struct iovec){ buf, SIZE_MAX / 2 + 1 };
	iov[1] = (struct iovec){ buf, SIZE_MAX / 2 + 1 };
	make(buf, zero, 60);
	r = vnet_tx_extract(iov, 2, 0, false, h, out, max);
	TAP_OK(r == -VNET_TX_TOO_LONG, "segment lengths that overflow are refused");
	TAP_OK(vnet_iov_len(iov, 2) == SIZE_MAX, "vnet_iov_len saturates on overflow");

	iov[0] = (struct iovec){ buf, 72 };
	iov[1] = (struct iovec){ out, 100 };
	r = vnet_tx_extract(iov, 1, 1, false, h, out, max);
	TAP_OK(r == -VNET_TX_HAS_IN, "a transmit chain with writable buffers is refused");

	/* without offloads: any flag, any gso type */
	memset(hdr, 0, 12);
	hdr[0] = VNET_F_NEEDS_CSUM;
	n = make(buf, hdr, 60);
	TAP_OK(extract1(buf, n, false, max) == -VNET_TX_BAD_FLAGS,
	       "NEEDS_CSUM without negotiated checksum offload is refused");
	hdr[0] = VNET_F_DATA_VALID;
	n = make(buf, hdr, 60);
	TAP_OK(extract1(buf, n, false, max) == -VNET_TX_BAD_FLAGS, "DATA_VALID (a receive flag) is refused");
	hdr[0] = 0x80;
	n = make(buf, hdr, 60);
	TAP_OK(extract1(buf, n, true, max) == -VNET_TX_BAD_FLAGS, "an unknown flag is refused with offloads");
	memset(hdr, 0, 12);
	hdr[1] = VNET_GSO_TCPV4;
	n = make(buf, hdr, 60);
	TAP_OK(extract1(buf, n, false, max) == -VNET_TX_BAD_GSO, "TSO without negotiation is refused");
	memset(hdr, 0xff, 12);
	hdr[0] = hdr[1] = 0;
	n = make(buf, hdr, 60);
	TAP_OK(extract1(buf, n, false, max) == 60, "offsets are ignored when no offload is in use");

	/* with offloads: offsets must lie inside the frame */
	memset(hdr, 0, 12);
	hdr[0] = VNET_F_NEEDS_CSUM;
	set16(hdr + 6, 34);
	set16(hdr + 8, 16);
	n = make(buf, hdr, 60);
	TAP_OK(extract1(buf, n, true, max) == 60, "a partial TCP checksum inside the frame passes");
	set16(hdr + 6, 50);
	set16(hdr + 8, 9);
	n = make(buf, hdr, 60);
	TAP_OK(extract1(buf, n, true, max) == -VNET_TX_BAD_OFFSETS,
	       "a checksum field past the frame's end is refused");
	set16(hdr + 6, 0xffff);
	set16(hdr + 8, 0xffff);
	n = make(buf, hdr, 60);
	TAP_OK(extract1(buf, n, true, max) == -VNET_TX_BAD_OFFSETS, "maximal offsets do not wrap");
	set16(hdr + 6, 4);
	set16(hdr + 8, 0);
	n = make(buf, hdr, 60);
	TAP_OK(extract1(buf, n, true, max) == -VNET_TX_BAD_OFFSETS,
	       "a checksum starting inside the Ethernet header is refused");
	memset(hdr, 0, 12);
	hdr[1] = VNET_GSO_TCPV4;
	set16(hdr + 4, 1448);
	n = make(buf, hdr, 60);
	TAP_OK(extract1(buf, n, true, max) == -VNET_TX_BAD_OFFSETS,
	       "segmentation without a partial checksum is refused");
	hdr[0] = VNET_F_NEEDS_CSUM;
	set16(hdr + 6, 34);
	set16(hdr + 8, 16);
	set16(hdr + 4, 0);
	n = make(buf, hdr, 60);
	TAP_OK(extract1(buf, n, true, max) == -VNET_TX_BAD_OFFSETS, "a segment size of 0 is refused");
	set16(hdr + 4, 1448);
	set16(hdr + 2, 61);
	n = make(buf, hdr, 60);
	TAP_OK(extract1(buf, n, true, max) == -VNET_TX_BAD_OFFSETS, "headers longer than the frame are refused");
	set16(hdr + 2, 54);
	hdr[1] = VNET_GSO_TCPV6 | VNET_GSO_ECN;
	n = make(buf, hdr, 60);
	TAP_OK(extract1(buf, n, true, max) == 60, "TCPv6 segmentation with ECN passes");
	hdr[1] = 3; /* VIRTIO_NET_HDR_GSO_UDP: not offered */
	n = make(buf, hdr, 60);
	TAP_OK(extract1(buf, n, true, max) == -VNET_TX_BAD_GSO, "UDP fragmentation offload is refused");
	memset(hdr, 0, 12);
	hdr[1] = VNET_GSO_ECN;
	n = make(buf, hdr, 60);
	TAP_OK(extract1(buf, n, true, max) == -VNET_TX_BAD_GSO, "ECN without segmentation is refused");

	/* receive side */
	uint8_t frame[100], rx[200];
	memset(frame, 0xab, sizeof(frame));
	memset(rx, 0x55, sizeof(rx));
	iov[0] = (struct iovec){ rx, 5 };
	iov[1] = (struct iovec){ rx + 5, 0 };
	iov[2] = (struct iovec){ rx + 5, 107 };
	TAP_OK(vnet_rx_fill(iov, 3, NULL, frame, 100) == 112 && rx[10] == 1 && rx[11] == 0 &&
	       rx[0] == 0 && rx[12] == 0xab && rx[111] == 0xab && rx[112] == 0x55,
	       "a frame fills a split receive chain exactly, num_buffers 1");
	iov[2].iov_len = 106;
	memset(rx, 0x55, sizeof(rx));
	TAP_OK(vnet_rx_fill(iov, 3, NULL, frame, 100) == 0 && rx[0] == 0x55,
	       "a chain one byte too small is left untouched");
	TAP_OK(vnet_rx_fill(iov, 0, NULL, frame, 0) == 0, "an empty receive chain takes nothing");
	memset(hdr, 0, 12);
	hdr[0] = VNET_F_NEEDS_CSUM;
	hdr[1] = VNET_GSO_TCPV4;
	hdr[10] = 7;
	iov[0] = (struct iovec){ rx, sizeof(rx) };
	TAP_OK(vnet_rx_fill(iov, 1, hdr, frame, 100) == 112 && rx[0] == 1 && rx[1] == 1 && rx[10] == 1,
	       "a host header is passed on with num_buffers forced to 1");
	return tap_done();
}
