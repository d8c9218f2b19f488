/* Split-virtqueue walker and guest-memory table (lib/vu_ring.c, vu_mem.c):
 * rings are built in a memfd that plays the guest's memory, mapped as two
 * regions whose guest-physical ranges touch but whose file offsets are
 * swapped, so a buffer across the boundary must come back as two iovecs.
 * Good chains produce the right iovecs, used entries and notifications;
 * every malformed ring fails the device (once, with a reason) and never the
 * process; bad memory tables are refused and their fds closed. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tap.h"
#include "vu_internal.h"

#define MEM_SIZE 0x8000u  /* guest memory: gpa [0, 0x8000) */
#define HALF     0x4000u  /* region 0: gpa [0,0x4000) at file 0x4000; region 1: the rest at file 0 */
#define DESC_GPA  0x0000u
#define AVAIL_GPA 0x1000u
#define USED_GPA  0x2000u
#define BUF_GPA   0x3000u

static int memfd = -1;
static uint8_t *img;      /* the test's own view of the whole file */
static int failures;      /* on_failed calls */
static const char *last_why;
static unsigned cur_num;   /* size of the ring mkdev() made */

static uint8_t *g(uint64_t gpa) /* test-side pointer for a guest address */
{
	return img + (gpa < HALF ? gpa + HALF : gpa - HALF);
}

static void on_failed(struct vu_dev *d, const char *why, void *opaque)
{
	(void)d;
	(void)opaque;
	failures++;
	last_why = why;
}

static const struct vu_dev_ops ops = { .num_queues = 1, .on_failed = on_failed };

static int map_std(struct vu_mem *m)
{
	struct vu_msg_region r[2] = {
		{ .guest_addr = 0, .size = HALF, .user_addr = 0, .mmap_offset = HALF },
		{ .guest_addr = HALF, .size = HALF, .user_addr = HALF, .mmap_offset = 0 },
	};
	int fds[2] = { dup(memfd), dup(memfd) };
	const char *why;

	return vu_mem_map(m, r, fds, 2, &why);
}

/* A fresh device with a started, enabled ring of num entries. */
static struct vu_dev *mkdev(unsigned num)
{
	struct rerr *err = NULL;
	struct vu_dev *d = vu_dev_alloc(&ops, NULL, &err);
	struct vu_vq *vq;
	const char *why;

	if (!d)
		abort();
	memset(img, 0, MEM_SIZE);
	failures = 0;
	last_why = NULL;
	if (map_std(&d->mem) < 0)
		abort();
	vq = &d->vq[0];
	vq->num = cur_num = num;
	vq->desc_uva = DESC_GPA;
	vq->avail_uva = AVAIL_GPA;
	vq->used_uva = USED_GPA;
	vq->addr_set = true;
	vq->started = vq->enabled = true;
	if (vu_vq_map(vq, &d->mem, &why) < 0)
		abort();
	return d;
}

static void desc(unsigned i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	struct vring_desc *dp = (struct vring_desc *)g(DESC_GPA) + i;

	dp->addr = addr;
	dp->len = len;
	dp->flags = flags;
	dp->next = next;
}

static void avail(uint16_t head) /* publishes one more head */
{
	struct vring_avail *a = (struct vring_avail *)g(AVAIL_GPA);
	uint16_t idx = a->idx;

	a->ring[idx % cur_num] = head;
	a->idx = (uint16_t)(idx + 1);
}

/* Pops from a fresh device expecting refusal; checks the device failed
 * once with a reason and stays failed. */
static void expect_bad_because(struct vu_dev *d, const char *what, const char *because)
{
	static struct vu_elem e;
	int r = vu_queue_pop(d, 0, &e);

	TAP_OK(r < 0 && vu_dev_failed(d) && failures == 1 && last_why &&
	       vu_dev_fail_reason(d) == last_why && (!because || strstr(last_why, because)) &&
	       vu_queue_pop(d, 0, &e) < 0 && failures == 1,
	       "%s: device failed (%s)", what, last_why ? last_why : "no reason");
	vu_dev_free(d);
}

static void expect_bad(struct vu_dev *d, const char *what)
{
	expect_bad_because(d, what, NULL);
}

static int count_fds(void)
{
	int n = 0;
	DIR *dir = opendir("/proc/self/fd");
	struct dirent *de;

	if (!dir)
		return -1;
	while ((de = readdir(dir)))
		n++;
	closedir(dir);
	return n;
}

static void good_chains(void)
{
	struct vu_dev *d = mkdev(8);
	struct vu_elem e;
	int efd = eventfd(0, EFD_NONBLOCK), r;
	uint64_t cnt = 0;
	struct vring_used *used = (struct vring_used *)g(USED_GPA);

	TAP_OK(vu_queue_pop(d, 0, &e) == 0 && !vu_dev_failed(d), "an empty ring pops nothing");
	d->vq[0].call_fd = efd;
	memcpy(g(BUF_GPA), "hello", 5);
	desc(3, BUF_GPA, 5, VRING_DESC_F_NEXT, 5);
	desc(5, BUF_GPA + 0x100, 64, VRING_DESC_F_WRITE, 0);
	avail(3);
	r = vu_queue_pop(d, 0, &e);
	TAP_OK(r == 1 && e.head == 3 && e.n_out == 1 && e.n_in == 1, "a 2-descriptor chain pops");
	TAP_OK(e.iov[0].iov_base == d->mem.r[0].host + BUF_GPA && e.iov[0].iov_len == 5 &&
	       e.iov[1].iov_base == d->mem.r[0].host + BUF_GPA + 0x100 && e.iov[1].iov_len == 64,
	       "iovecs point at the guest buffers");
	char buf[16] = { 0 };
	TAP_OK(vu_iov_to_buf(e.iov, e.n_out, buf, sizeof(buf)) == 5 && !memcmp(buf, "hello", 5),
	       "the readable part reads back");
	TAP_OK(vu_buf_to_iov(e.iov + e.n_out, e.n_in, "world!", 6) == 6 &&
	       !memcmp(g(BUF_GPA + 0x100), "world!", 6), "the writable part lands in guest memory");
	vu_queue_push(d, 0, &e, 1000); /* more than offered: clamped */
	TAP_OK(used->idx == 1 && used->ring[0].id == 3 && used->ring[0].len == 64,
	       "push fills the used ring (length clamped to the writable size)");
	vu_queue_notify(d, 0);
	TAP_OK(read(efd, &cnt, 8) == 8 && cnt == 1, "notify signals the call eventfd");
	vu_queue_notify(d, 0);
	TAP_OK(read(efd, &cnt, 8) < 0 && errno == EAGAIN, "no second signal without a push");

	/* interrupt suppression */
	((struct vring_avail *)g(AVAIL_GPA))->flags = VRING_AVAIL_F_NO_INTERRUPT;
	desc(0, BUF_GPA, 8, 0, 0);
	avail(0);
	r = vu_queue_pop(d, 0, &e);
	vu_queue_push(d, 0, &e, 0);
	vu_queue_notify(d, 0);
	TAP_OK(r == 1 && e.n_out == 1 && e.n_in == 0 && used->idx == 2 &&
	       read(efd, &cnt, 8) < 0 && errno == EAGAIN, "VRING_AVAIL_F_NO_INTERRUPT suppresses the call");
	((struct vring_avail *)g(AVAIL_GPA))->flags = 0;

	/* a buffer across the region boundary: two iovecs, far apart here */
	memset(g(HALF - 0x10), 'a', 0x10);
	memset(g(HALF), 'b', 0x20);
	desc(1, HALF - 0x10, 0x30, VRING_DESC_F_WRITE, 0);
	avail(1);
	r = vu_queue_pop(d, 0, &e);
	TAP_OK(r == 1 && e.n_out == 0 && e.n_in == 2 &&
	       e.iov[0].iov_base == d->mem.r[0].host + HALF - 0x10 && e.iov[0].iov_len == 0x10 &&
	       e.iov[1].iov_base == d->mem.r[1].host && e.iov[1].iov_len == 0x20,
	       "a buffer crossing two regions becomes two iovecs");
	char big[0x30];
	TAP_OK(vu_iov_to_buf(e.iov, e.n_in, big, sizeof(big)) == 0x30 && big[0xf] == 'a' &&
	       big[0x10] == 'b' && big[0x2f] == 'b', "and reads back in order");
	vu_queue_push(d, 0, &e, 0x30);

	/* zero-length descriptors are skipped, wrap-around of the avail index */
	desc(2, 0xdead0000, 0, VRING_DESC_F_NEXT, 4);
	desc(4, BUF_GPA, 4, 0, 0);
	avail(2);
	r = vu_queue_pop(d, 0, &e);
	TAP_OK(r == 1 && e.n_out == 1 && e.iov[0].iov_len == 4 && !vu_dev_failed(d),
	       "a zero-length descriptor contributes no iovec");
	vu_queue_push(d, 0, &e, 0);
	TAP_OK(failures == 0 && d->vq[0].last_avail_idx == 4, "no failure, last_avail_idx tracked");
	vu_dev_free(d);
	close(efd);

	d = mkdev(8);
	d->vq[0].last_avail_idx = 0xfffe;
	((struct vring_avail *)g(AVAIL_GPA))->idx = 0xfffe;
	desc(0, BUF_GPA, 4, 0, 0);
	avail(0);
	avail(0);
	avail(0);
	int got = 0;
	while (vu_queue_pop(d, 0, &e) == 1) {
		vu_queue_push(d, 0, &e, 0);
		got++;
	}
	TAP_OK(got == 3 && !vu_dev_failed(d) && d->vq[0].last_avail_idx == 1,
	       "the 16-bit avail index wraps");
	vu_dev_free(d);

	/* a chain of exactly VU_MAX_CHAIN descriptors is fine */
	d = mkdev(256);
	for (unsigned i = 0; i < VU_MAX_CHAIN; i++)
		desc(i, BUF_GPA + i, 1, i + 1 < VU_MAX_CHAIN ? VRING_DESC_F_NEXT : 0, (uint16_t)(i + 1));
	avail(0);
	r = vu_queue_pop(d, 0, &e);
	TAP_OK(r == 1 && e.n_out == VU_MAX_CHAIN, "a chain of VU_MAX_CHAIN descriptors pops");
	vu_dev_free(d);
}

static void bad_rings(void)
{
	struct vu_dev *d;

	d = mkdev(8);
	desc(0, BUF_GPA, 4, 0, 0);
	((struct vring_avail *)g(AVAIL_GPA))->idx = 9;
	expect_bad(d, "avail index 9 entries ahead of a ring of 8");

	d = mkdev(8);
	avail(8);
	expect_bad(d, "head index == num");

	d = mkdev(8);
	avail(0xffff);
	expect_bad(d, "head index 0xffff");

	d = mkdev(8);
	desc(0, BUF_GPA, 4, VRING_DESC_F_NEXT, 8);
	avail(0);
	expect_bad(d, "next index out of range");

	d = mkdev(8);
	desc(0, BUF_GPA, 4, VRING_DESC_F_NEXT, 1);
	desc(1, BUF_GPA, 4, VRING_DESC_F_NEXT, 0);
	avail(0);
	expect_bad_because(d, "a two-descriptor loop", "loop");

	d = mkdev(8);
	desc(0, BUF_GPA, 4, VRING_DESC_F_NEXT, 0);
	avail(0);
	expect_bad_because(d, "a descriptor chained to itself", "loop");

	/* no iovecs pile up here: only the descriptor count can end it */
	d = mkdev(256);
	desc(0, BUF_GPA, 0, VRING_DESC_F_NEXT, 1);
	desc(1, BUF_GPA, 0, VRING_DESC_F_NEXT, 0);
	avail(0);
	expect_bad_because(d, "a loop of zero-length descriptors", "loop");

	/* VU_MAX_CHAIN + 1 descriptors: through the whole ring and back to
	 * its start when VU_MAX_CHAIN is the ring size */
	d = mkdev(256);
	for (unsigned i = 0; i <= VU_MAX_CHAIN; i++)
		desc(i % 256, BUF_GPA, 1, VRING_DESC_F_NEXT, (uint16_t)((i + 1) % 256));
	if (VU_MAX_CHAIN < 256)
		desc(VU_MAX_CHAIN, BUF_GPA, 1, 0, 0);
	avail(0);
	expect_bad_because(d, "a chain of VU_MAX_CHAIN + 1 descriptors", "loop");

	d = mkdev(8);
	desc(0, BUF_GPA, 4, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 1);
	desc(1, BUF_GPA, 4, 0, 0);
	avail(0);
	expect_bad(d, "a readable descriptor after a writable one");

	d = mkdev(8);
	desc(0, BUF_GPA, 16, VRING_DESC_F_INDIRECT, 0);
	avail(0);
	expect_bad(d, "an indirect descriptor");

	d = mkdev(8);
	desc(0, 0x100000, 4, 0, 0);
	avail(0);
	expect_bad(d, "a buffer outside guest memory");

	d = mkdev(8);
	desc(0, MEM_SIZE - 8, 16, VRING_DESC_F_WRITE, 0);
	avail(0);
	expect_bad(d, "a buffer running past the end of guest memory");

	d = mkdev(8);
	desc(0, UINT64_MAX - 10, 100, 0, 0);
	avail(0);
	expect_bad(d, "addr + len wrapping around");

	d = mkdev(8);
	desc(0, BUF_GPA, 4, VRING_DESC_F_NEXT, 1);
	desc(1, 0x9000, 4, 0, 0);
	avail(0);
	expect_bad(d, "the second descriptor outside guest memory");

	/* the device's writes must not reach the rings it reads */
	d = mkdev(8);
	desc(0, AVAIL_GPA, 4, VRING_DESC_F_WRITE, 0);
	avail(0);
	expect_bad_because(d, "a writable buffer over the avail ring", "overlaps");
	d = mkdev(8);
	desc(0, BUF_GPA, 4, VRING_DESC_F_NEXT, 1);
	desc(1, DESC_GPA + 16, 16, VRING_DESC_F_WRITE, 0);
	avail(0);
	expect_bad_because(d, "a writable buffer over the descriptor table", "overlaps");
	d = mkdev(8);
	desc(0, USED_GPA - 4, 8, VRING_DESC_F_WRITE, 0);
	avail(0);
	expect_bad_because(d, "a writable buffer reaching into the used ring", "overlaps");
	d = mkdev(8);
	desc(0, AVAIL_GPA, 4, 0, 0);
	avail(0);
	TAP_OK(vu_queue_pop(d, 0, &(struct vu_elem){ 0 }) == 1 && !vu_dev_failed(d),
	       "a readable buffer over the avail ring is harmless and allowed");
	vu_dev_free(d);

	/* 64 descriptors, one of them across the boundary: 65 iovecs */
	d = mkdev(256);
	for (unsigned i = 0; i < VU_MAX_CHAIN; i++)
		desc(i, i == 10 ? HALF - 1 : BUF_GPA, 2, i + 1 < VU_MAX_CHAIN ? VRING_DESC_F_NEXT : 0,
		     (uint16_t)(i + 1));
	avail(0);
	expect_bad(d, "a chain needing more than VU_MAX_CHAIN iovecs");
}

static void bad_ring_addresses(void)
{
	struct vu_dev *d = mkdev(8);
	struct vu_vq *vq = &d->vq[0];
	const char *why = NULL;
	struct vu_elem e;

	vq->desc_uva = MEM_SIZE - 64; /* 128 bytes needed */
	TAP_OK(vu_vq_map(vq, &d->mem, &why) < 0 && why && !vq->avail &&
	       vu_queue_pop(d, 0, &e) == 0, "a descriptor table running out of memory is refused");
	vq->desc_uva = HALF - 64; /* across regions: not one contiguous mapping */
	TAP_OK(vu_vq_map(vq, &d->mem, &why) < 0, "a descriptor table across regions is refused");
	vq->desc_uva = DESC_GPA + 8;
	TAP_OK(vu_vq_map(vq, &d->mem, &why) < 0, "a misaligned descriptor table is refused");
	vq->desc_uva = DESC_GPA;
	vq->avail_uva = AVAIL_GPA + 1;
	TAP_OK(vu_vq_map(vq, &d->mem, &why) < 0, "a misaligned avail ring is refused");
	vq->avail_uva = AVAIL_GPA;
	vq->used_uva = UINT64_MAX - 16;
	TAP_OK(vu_vq_map(vq, &d->mem, &why) < 0, "a used ring at the top of the address space is refused");
	vq->used_uva = AVAIL_GPA;
	TAP_OK(vu_vq_map(vq, &d->mem, &why) < 0, "a used ring over the avail ring is refused");
	vq->used_uva = DESC_GPA + 64;
	TAP_OK(vu_vq_map(vq, &d->mem, &why) < 0, "a used ring over the descriptor table is refused");
	vq->used_uva = USED_GPA;
	TAP_OK(vu_vq_map(vq, &d->mem, &why) == 0 && vq->avail, "good addresses map again");
	vu_dev_free(d);
}

static bool closed(int fd)
{
	return fcntl(fd, F_GETFD) < 0 && errno == EBADF;
}

/* vu_mem_map must refuse the first n regions of r and close all n fds */
static void refused(const struct vu_msg_region *r, unsigned n, const char *what)
{
	struct vu_mem m = { 0 };
	int fds[VU_MAX_REGIONS] = { -1, -1, -1, -1, -1, -1, -1, -1 };
	const char *why = NULL;
	bool all_closed = true;
	int rc;

	for (unsigned i = 0; i < n; i++)
		fds[i] = dup(memfd);
	rc = vu_mem_map(&m, r, fds, n, &why);
	for (unsigned i = 0; i < n; i++)
		all_closed &= closed(fds[i]);
	TAP_OK(rc < 0 && why && m.n == 0 && all_closed, "%s is refused (%s)", what, why ? why : "-");
}

static void bad_tables(void)
{
	struct vu_mem m = { 0 };
	const char *why = NULL;
	struct vu_msg_region good = { .guest_addr = 0, .size = HALF, .user_addr = 0, .mmap_offset = 0 };
	struct vu_msg_region r[VU_MAX_REGIONS + 1];
	int fds[VU_MAX_REGIONS];
	int p[2];


	for (unsigned i = 0; i <= VU_MAX_REGIONS; i++)
		r[i] = good;
	refused(r, 0, "a table of 0 regions");
	r[0].size = 0;
	refused(r, 1, "a zero-size region");
	r[0] = good;
	r[1] = (struct vu_msg_region){ .guest_addr = HALF - 1, .size = 16, .user_addr = HALF,
				       .mmap_offset = 0 };
	refused(r, 2, "regions overlapping in guest-physical space");
	r[1] = (struct vu_msg_region){ .guest_addr = HALF, .size = 16, .user_addr = 16, .mmap_offset = 0 };
	refused(r, 2, "regions overlapping in frontend address space");
	r[0] = (struct vu_msg_region){ .guest_addr = UINT64_MAX - 100, .size = 0x1000 };
	refused(r, 1, "a region wrapping around guest-physical space");
	r[0] = (struct vu_msg_region){ .guest_addr = 0, .size = 0x1000, .user_addr = UINT64_MAX - 10 };
	refused(r, 1, "a region wrapping around frontend address space");
	r[0] = (struct vu_msg_region){ .size = 0x1000, .mmap_offset = UINT64_MAX - 10 };
	refused(r, 1, "an mmap offset that wraps");
	r[0] = (struct vu_msg_region){ .size = MEM_SIZE, .mmap_offset = 0x1000 };
	refused(r, 1, "a region longer than its file");
	r[0] = (struct vu_msg_region){ .size = (uint64_t)1 << 40 };
	refused(r, 1, "a 1 TiB region on a 32 KiB file");
	r[0] = good;
	for (unsigned i = 1; i < VU_MAX_REGIONS; i++)
		r[i] = (struct vu_msg_region){ .guest_addr = 0x10000 * i, .size = 0x400,
					       .user_addr = 0x10000 * i, .mmap_offset = HALF + 0x400 * (i - 1) };
	r[VU_MAX_REGIONS - 1].guest_addr = 0x1000; /* the last one overlaps the first */
	refused(r, VU_MAX_REGIONS, "an overlap in the 8th region");
	r[VU_MAX_REGIONS - 1].guest_addr = 0x80000;
	r[VU_MAX_REGIONS - 1].user_addr = 0x80000;
	r[VU_MAX_REGIONS - 1].mmap_offset = 0x10; /* the first region's file bytes */
	refused(r, VU_MAX_REGIONS, "two regions aliasing the same file bytes");
	r[VU_MAX_REGIONS - 1].mmap_offset = HALF + 0x400 * (VU_MAX_REGIONS - 2);
	for (unsigned i = 0; i < VU_MAX_REGIONS; i++)
		fds[i] = dup(memfd);
	TAP_OK(vu_mem_map(&m, r, fds, VU_MAX_REGIONS, &why) == 0 && m.n == VU_MAX_REGIONS && vu_mem_gpa(&m, 0x80000, 4, &(uint64_t){ 0 }) == m.r[7].host,
	       "8 disjoint regions map");
	vu_mem_unmap(&m);
	why = NULL;
	TAP_OK(pipe(p) == 0 && vu_mem_map(&m, &good, &p[0], 1, &why) < 0 && why &&
	       strstr(why, "regular file") && closed(p[0]),
	       "a pipe as memory fd is refused and closed");
	close(p[1]);
	/* a refused table leaves the previous one in place */
	map_std(&m);
	uint8_t *before = m.r[0].host;
	r[0] = good;
	r[0].size = 0;
	fds[0] = dup(memfd);
	TAP_OK(vu_mem_map(&m, r, fds, 1, &why) < 0 && m.n == 2 && m.r[0].host == before,
	       "a refused table keeps the previous one");
	vu_mem_unmap(&m);
}

int main(void)
{
	int fds_before;

	TAP_PLAN(57);
	memfd = memfd_create("guest", MFD_CLOEXEC);
	if (memfd < 0 || ftruncate(memfd, MEM_SIZE) < 0)
		return 1;
	img = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	if (img == MAP_FAILED)
		return 1;
	fds_before = count_fds();
	good_chains();
	bad_rings();
	bad_ring_addresses();
	bad_tables();
	TAP_OK(count_fds() == fds_before, "no file descriptor leaked (%d before, %d after)",
	       fds_before, count_fds());
	munmap(img, MEM_SIZE);
	close(memfd);
	return tap_done();
}
