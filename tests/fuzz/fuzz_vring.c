/* libFuzzer harness for the split-virtqueue walker (lib/vu_ring.c) and the
 * guest-memory translation under it (lib/vu_mem.c).
 *
 * Input: a 16-byte layout header, then the guest memory image.
 *   u8  ring size as log2 (num = 1 << (x % 9), 1..256)
 *   u8  flags: bit 0 last_avail_idx from the header, bit 1 a 4 KiB gap
 *       between the two regions in guest-physical space
 *   u16 desc, avail, used ring offsets (guest addresses, any value)
 *   u16 last_avail_idx
 *   u16 where guest memory splits into two regions (mappings)
 *   u16 how many pops to try, u16 reserved
 * The memory image (zero-padded to MEM_SIZE) holds the rings and buffers.
 * Every popped element is checked to lie wholly inside one mapped region
 * per iovec, its buffers are read and written, and it is pushed back; a
 * refused ring must leave the device failed.  Anything outside the mapped
 * regions, a crash, or a sanitizer report is a finding. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vu_internal.h"

#define MEM_SIZE 0x4000u
#define GAP      0x1000u

static int memfd = -1;
static uint8_t *img;

static void setup_once(void)
{
	if (memfd >= 0)
		return;
	memfd = memfd_create("fuzz-guest", MFD_CLOEXEC);
	if (memfd < 0 || ftruncate(memfd, MEM_SIZE) < 0)
		abort();
	img = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	if (img == MAP_FAILED)
		abort();
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static void on_failed(struct vu_dev *d, const char *why, void *opaque)
{
	if (!why)
		abort();
	++*(int *)opaque;
}

static const struct vu_dev_ops ops = { .num_queues = 1, .on_failed = on_failed };

static bool inside_one_region(const struct vu_mem *m, const struct iovec *iov)
{
	for (unsigned i = 0; i < m->n; i++) {
		const uint8_t *b = iov->iov_base, *h = m->r[i].host;
		if (b >= h && iov->iov_len <= m->r[i].size && (size_t)(b - h) <= m->r[i].size - iov->iov_len)
			return true;
	}
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vu_elem e;
	uint8_t hdr[16] = { 0 };
	struct vu_dev *d;
	struct rerr *err = NULL;
	int failures = 0;
	const char *why = NULL;

	setup_once();
	memcpy(hdr, data, size < sizeof(hdr) ? size : sizeof(hdr));
	memset(img, 0, MEM_SIZE);
	if (size > sizeof(hdr))
		memcpy(img, data + sizeof(hdr), size - sizeof(hdr) < MEM_SIZE ? size - sizeof(hdr) : MEM_SIZE);

	unsigned num = 1u << (hdr[0] % 9);
	uint16_t split = rd16(hdr + 10) % MEM_SIZE;
	uint64_t gap = (hdr[1] & 2) ? GAP : 0;
	unsigned pops = rd16(hdr + 12) % 600;
	struct vu_msg_region r[2];
	int fds[2];
	unsigned n = 0;

	if (split) {
		r[n] = (struct vu_msg_region){ .guest_addr = 0, .size = split, .user_addr = 0, .mmap_offset = 0 };
		fds[n++] = dup(memfd);
	}
	r[n] = (struct vu_msg_region){ .guest_addr = split + gap, .size = MEM_SIZE - split,
				       .user_addr = split + gap, .mmap_offset = split };
	fds[n++] = dup(memfd);

	d = vu_dev_alloc(&ops, &failures, &err);
	if (!d || vu_mem_map(&d->mem, r, fds, n, &why) < 0)
		abort(); /* a well-formed table must map */

	struct vu_vq *vq = &d->vq[0];
	vq->num = num;
	vq->desc_uva = rd16(hdr + 2);
	vq->avail_uva = rd16(hdr + 4);
	vq->used_uva = rd16(hdr + 6);
	vq->addr_set = vq->started = vq->enabled = true;
	if (vu_vq_map(vq, &d->mem, &why) < 0) {
		if (!why || vq->desc || vq->avail || vq->used)
			abort();
		vu_dev_free(d);
		return 0;
	}
	if (hdr[1] & 1)
		vq->last_avail_idx = rd16(hdr + 8);

	for (unsigned i = 0; i < pops; i++) {
		int rc = vu_queue_pop(d, 0, &e);
		if (rc < 0) {
			if (!vu_dev_failed(d) || failures != 1 || !vu_dev_fail_reason(d))
				abort();
			break;
		}
		if (rc == 0)
			break;
		if (e.head >= num || e.n_out > VU_MAX_CHAIN || e.n_in > VU_MAX_CHAIN - e.n_out)
			abort();
		size_t total = 0;
		for (unsigned k = 0; k < e.n_out + e.n_in; k++) {
			if (!e.iov[k].iov_len || !inside_one_region(&d->mem, &e.iov[k]))
				abort();
			total += e.iov[k].iov_len;
		}
		/* touch every byte the device may use */
		static uint8_t buf[VU_MAX_CHAIN * 2 * MEM_SIZE / 64];
		size_t got = vu_iov_to_buf(e.iov, e.n_out, buf, sizeof(buf));
		size_t put = vu_buf_to_iov(e.iov + e.n_out, e.n_in, buf, sizeof(buf));
		(void)got;
		vu_queue_push(d, 0, &e, (uint32_t)(put + (hdr[14] & 7)));
		if (total == (size_t)-1)
			abort();
		if (i % 3 == 0)
			vu_queue_notify(d, 0);
	}
	if (failures > 1)
		abort();
	vu_dev_free(d);
	return 0;
}
