/* libFuzzer harness for runuml-net's virtio-net frame checks
 * (net/vnet_frame.c): the guest controls every byte of a transmit chain and
 * how it is split into descriptors.
 *
 * Input: u8 flags (bit 0: offloads negotiated), u8 segment count (1..32),
 * then count u16 segment lengths, then the chain's bytes (zero-padded).
 * Every accepted frame must be an Ethernet frame no longer than the limit,
 * equal to the chain's bytes after the header; the same bytes are then
 * written into a receive chain of the same shape.  A crash, a sanitizer
 * report or a broken invariant is a finding. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vnet_frame.h"

#define MAX_SEG 32
#define BUF     (VNET_BUF_MAX + 64)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t chain[BUF], frame[VNET_BUF_MAX], rx[BUF];
	struct iovec iov[MAX_SEG];
	uint8_t hdr[VNET_HDR_LEN];
	size_t off = 0, n, pos = 0;

	if (size < 2)
		return 0;
	bool offloads = data[0] & 1;
	n = (size_t)(data[1] % MAX_SEG) + 1;
	off = 2;
	if (size < off + 2 * n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		size_t l = (size_t)(data[off] | data[off + 1] << 8);
		off += 2;
		if (pos + l > BUF)
			l = BUF - pos;
		iov[i] = (struct iovec){ chain + pos, l };
		pos += l;
	}
	memset(chain, 0, pos);
	memcpy(chain, data + off, size - off < pos ? size - off : pos);

	size_t max = offloads ? VNET_BUF_MAX : VNET_FRAME_MAX(1500);
	long r = vnet_tx_extract(iov, (unsigned)n, 0, offloads, hdr, frame, max);
	if (r >= 0) {
		if ((size_t)r < VNET_ETH_MIN || (size_t)r > max || pos != (size_t)r + VNET_HDR_LEN ||
		    memcmp(frame, chain + VNET_HDR_LEN, (size_t)r) || memcmp(hdr, chain, VNET_HDR_LEN))
			abort();
		/* the same shape as a receive chain */
		for (size_t i = 0; i < n; i++)
			iov[i].iov_base = rx + ((uint8_t *)iov[i].iov_base - chain);
		size_t w = vnet_rx_fill(iov, (unsigned)n, hdr, frame, (size_t)r);
		if (w != (size_t)r + VNET_HDR_LEN || rx[10] != 1 || memcmp(rx + VNET_HDR_LEN, frame, (size_t)r))
			abort();
	} else if (-r <= VNET_TX_OK || -r >= VNET_TX_ERRORS) {
		abort();
	}
	if (vnet_tx_extract(iov, (unsigned)n, 1, offloads, hdr, frame, max) != -VNET_TX_HAS_IN)
		abort();
	return 0;
}
