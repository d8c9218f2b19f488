/* Split virtqueues (virtio 1.1 section 2.6) as a device sees them: take
 * descriptor chains from the available ring, return them on the used ring.
 *
 * The guest writes these rings concurrently and may be hostile, so every
 * shared field is read exactly once with an atomic load into a local copy
 * that is then checked and used (no double fetch), and every index, length
 * and address is bounded before it is followed: the avail index may run at
 * most num entries ahead, heads and `next` links stay below num, a chain has
 * at most min(num, VU_MAX_CHAIN) descriptors (which also ends loops),
 * readable descriptors precede writable ones, buffers translate through
 * vu_mem_gpa() and are split into several iovecs where they cross regions.
 *
 * The device's own writes must never change what it reads next, or a
 * guest could make it publish work to itself forever (found by
 * fuzz_vu_msg: a used ring laid over avail->idx turns every push into a
 * new available buffer).  So the used ring may not overlap the descriptor
 * table or the avail ring, and no device-writable buffer may overlap any
 * of the three; vu_mem.c refuses regions that alias the same file bytes,
 * which makes these address comparisons sufficient.
 * Indirect descriptors and EVENT_IDX are never offered (vu_dev.c strips
 * them), so a descriptor with VRING_DESC_F_INDIRECT is refused.
 *
 * Ordering: the avail index is loaded with acquire semantics before the
 * ring entry and descriptors it publishes; the used index is stored with
 * release semantics after the used entry and the device's writes into the
 * buffers; a full fence separates that store from reading avail->flags for
 * interrupt suppression (the pattern of virtio 1.1 section 2.6.7.2). */
#include <endian.h>
#include <string.h>

#include "vu_internal.h"

#define LOAD(p)         __atomic_load_n((p), __ATOMIC_RELAXED)
#define LOAD_ACQ(p)     __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define STORE(p, v)     __atomic_store_n((p), (v), __ATOMIC_RELAXED)
#define STORE_REL(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)

void vu_vq_init(struct vu_vq *vq)
{
	memset(vq, 0, sizeof(*vq));
	vq->kick_fd = -1;
	vq->call_fd = -1;
}

void vu_vq_unmap(struct vu_vq *vq)
{
	vq->desc = NULL;
	vq->avail = NULL;
	vq->used = NULL;
}

static bool overlaps(const void *a, uint64_t alen, const void *b, uint64_t blen)
{
	uintptr_t x = (uintptr_t)a, y = (uintptr_t)b;

	return x < y + blen && y < x + alen;
}

static uint64_t desc_bytes(const struct vu_vq *vq) { return 16ull * vq->num; }
static uint64_t avail_bytes(const struct vu_vq *vq) { return 4 + 2ull * vq->num; }
static uint64_t used_bytes(const struct vu_vq *vq) { return 4 + 8ull * vq->num; }

static void *map_part(const struct vu_mem *m, uint64_t uva, uint64_t len, uintptr_t align)
{
	void *p = vu_mem_uva(m, uva, len);

	return p && ((uintptr_t)p & (align - 1)) == 0 ? p : NULL;
}

int vu_vq_map(struct vu_vq *vq, const struct vu_mem *m, const char **why)
{
	uint64_t num = vq->num;
	void *desc, *avail, *used;

	vu_vq_unmap(vq);
	if (!num || !vq->addr_set)
		return 0; /* not configured yet: not ready, not an error */
	/* only the bytes the device touches; num <= VU_MAX_QUEUE_NUM, no overflow */
	desc = map_part(m, vq->desc_uva, desc_bytes(vq), 16);
	avail = map_part(m, vq->avail_uva, avail_bytes(vq), 2);
	used = map_part(m, vq->used_uva, used_bytes(vq), 4);
	if (!desc || !avail || !used) {
		*why = "vring addresses outside guest memory or misaligned";
		return -1;
	}
	if (overlaps(used, used_bytes(vq), desc, desc_bytes(vq)) ||
	    overlaps(used, used_bytes(vq), avail, avail_bytes(vq))) {
		*why = "used ring overlaps the descriptor table or avail ring";
		return -1;
	}
	vq->desc = desc;
	vq->avail = avail;
	vq->used = used;
	/* continue where the driver's used index is (0 for a fresh ring) */
	vq->used_idx = le16toh(LOAD(&vq->used->idx));
	return 0;
}

/* Appends the iovecs of one descriptor's buffer; returns how many, or -1. */
static int add_buffer(const struct vu_vq *vq, const struct vu_mem *m, uint64_t addr,
		      uint32_t len, bool writable, struct vu_elem *e, unsigned *niov,
		      const char **why)
{
	unsigned before = *niov;
	uint64_t left = len;

	if (len && addr > UINT64_MAX - (len - 1)) {
		*why = "descriptor address + length overflows";
		return -1;
	}
	while (left) {
		uint64_t chunk;
		void *p = vu_mem_gpa(m, addr, left, &chunk);
		if (!p) {
			*why = "descriptor buffer outside guest memory";
			return -1;
		}
		if (writable && (overlaps(p, chunk, vq->desc, desc_bytes(vq)) ||
				 overlaps(p, chunk, vq->avail, avail_bytes(vq)) ||
				 overlaps(p, chunk, vq->used, used_bytes(vq)))) {
			*why = "device-writable buffer overlaps the vring";
			return -1;
		}
		if (*niov == VU_MAX_CHAIN) {
			*why = "descriptor chain needs more than VU_MAX_CHAIN iovecs";
			return -1;
		}
		e->iov[(*niov)++] = (struct iovec){ .iov_base = p, .iov_len = (size_t)chunk };
		left -= chunk;
		if (left)
			addr += chunk; /* cannot wrap: addr + left - 1 fits (checked) */
	}
	return (int)(*niov - before);
}

static int walk_chain(struct vu_vq *vq, const struct vu_mem *m, uint16_t head,
		      struct vu_elem *e, const char **why)
{
	unsigned max = vq->num < VU_MAX_CHAIN ? vq->num : VU_MAX_CHAIN;
	unsigned idx = head, n_desc = 0, niov = 0;
	bool writable_seen = false;

	e->head = head;
	e->n_out = e->n_in = 0;
	for (;;) {
		const struct vring_desc *dp = &vq->desc[idx];
		uint64_t addr = le64toh(LOAD(&dp->addr));
		uint32_t len = le32toh(LOAD(&dp->len));
		uint16_t flags = le16toh(LOAD(&dp->flags));
		uint16_t next = le16toh(LOAD(&dp->next));
		bool writable = flags & VRING_DESC_F_WRITE;
		int added;

		if (++n_desc > max) {
			*why = "descriptor chain too long or looping";
			return -1;
		}
		if (flags & VRING_DESC_F_INDIRECT) {
			*why = "indirect descriptor (not negotiated)";
			return -1;
		}
		if (!writable && writable_seen) {
			*why = "readable descriptor after a writable one";
			return -1;
		}
		writable_seen |= writable;
		added = add_buffer(vq, m, addr, len, writable, e, &niov, why);
		if (added < 0)
			return -1;
		if (writable)
			e->n_in += (unsigned)added;
		else
			e->n_out += (unsigned)added;
		if (!(flags & VRING_DESC_F_NEXT))
			return 0;
		if (next >= vq->num) {
			*why = "descriptor next index out of range";
			return -1;
		}
		idx = next;
	}
}

int vu_vq_pop(struct vu_vq *vq, const struct vu_mem *m, struct vu_elem *e, const char **why)
{
	uint16_t avail_idx, pending, head;

	if (!vq->avail)
		return 0;
	avail_idx = le16toh(LOAD_ACQ(&vq->avail->idx));
	pending = (uint16_t)(avail_idx - vq->last_avail_idx);
	if (pending == 0)
		return 0;
	if (pending > vq->num) {
		*why = "avail index ran more than the ring size ahead";
		return -1;
	}
	head = le16toh(LOAD(&vq->avail->ring[vq->last_avail_idx & (vq->num - 1)]));
	if (head >= vq->num) {
		*why = "avail ring head index out of range";
		return -1;
	}
	if (walk_chain(vq, m, head, e, why) < 0)
		return -1;
	vq->last_avail_idx++;
	return 1;
}

void vu_vq_push(struct vu_vq *vq, const struct vu_elem *e, uint32_t len)
{
	vring_used_elem_t *u;
	uint64_t cap = 0;

	if (!vq->used || e->head >= vq->num || e->n_out > VU_MAX_CHAIN ||
	    e->n_in > VU_MAX_CHAIN - e->n_out)
		return;
	/* never tell the driver more was written than it offered */
	for (unsigned i = e->n_out; i < e->n_out + e->n_in; i++)
		cap += e->iov[i].iov_len;
	if (len > cap)
		len = (uint32_t)cap;
	u = &vq->used->ring[vq->used_idx & (vq->num - 1)];
	STORE(&u->id, htole32(e->head));
	STORE(&u->len, htole32(len));
	vq->used_idx++;
	STORE_REL(&vq->used->idx, htole16(vq->used_idx));
	vq->pushed = true;
}

bool vu_vq_should_notify(struct vu_vq *vq)
{
	if (!vq->pushed || !vq->avail)
		return false;
	vq->pushed = false;
	/* the used index store must be visible before we sample the flags,
	 * or a driver that just re-enabled interrupts could miss this one */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return !(le16toh(LOAD(&vq->avail->flags)) & VRING_AVAIL_F_NO_INTERRUPT);
}

size_t vu_iov_to_buf(const struct iovec *iov, unsigned n, void *buf, size_t len)
{
	size_t done = 0;

	for (unsigned i = 0; i < n && done < len; i++) {
		size_t c = iov[i].iov_len < len - done ? iov[i].iov_len : len - done;
		memcpy((uint8_t *)buf + done, iov[i].iov_base, c);
		done += c;
	}
	return done;
}

size_t vu_buf_to_iov(const struct iovec *iov, unsigned n, const void *buf, size_t len)
{
	size_t done = 0;

	for (unsigned i = 0; i < n && done < len; i++) {
		size_t c = iov[i].iov_len < len - done ? iov[i].iov_len : len - done;
		memcpy(iov[i].iov_base, (const uint8_t *)buf + done, c);
		done += c;
	}
	return done;
}
