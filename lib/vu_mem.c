/* Guest memory of a vhost-user device: the regions of SET_MEM_TABLE, each
 * mapped from the fd that came with it, and the two translations the rings
 * need -- guest-physical addresses (descriptors) and frontend user addresses
 * (SET_VRING_ADDR).  For UML both are the same physical offsets
 * (linux-6.1 arch/um/drivers/virtio_uml.c vhost_user_init_mem_region sets
 * user_addr = guest_addr), but they are kept apart as the protocol does.
 *
 * Every number comes from the frontend and is checked before use: region
 * count, zero sizes, wrap-around of addr+size and offset+size, overlaps in
 * either address space, and that the fd is a regular file at least
 * mmap_offset+size long (touching a shared mapping past the end of its file
 * raises SIGBUS), and that no two regions show the same bytes of one file
 * (aliases would let the device's own writes to one address change what it
 * reads at another, see vu_ring.c).  What no check here can stop is the frontend shrinking the
 * file after the mapping was made; see the note in vu_dev.c. */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vu_internal.h"

static bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	/* both ranges are non-empty and do not wrap (checked before) */
	return a < b + blen && b < a + alen;
}

static int check_regions(const struct vu_msg_region *regs, unsigned n, const char **why)
{
	if (n == 0 || n > VU_MAX_REGIONS) {
		*why = "SET_MEM_TABLE: region count out of range";
		return -1;
	}
	for (unsigned i = 0; i < n; i++) {
		const struct vu_msg_region *r = &regs[i];
		if (r->size == 0) {
			*why = "SET_MEM_TABLE: zero-size region";
			return -1;
		}
		if (r->guest_addr > UINT64_MAX - r->size || r->user_addr > UINT64_MAX - r->size ||
		    r->mmap_offset > UINT64_MAX - r->size || r->size > SIZE_MAX / 2 ||
		    r->mmap_offset > (uint64_t)INT64_MAX - r->size) {
			*why = "SET_MEM_TABLE: region address or size overflows";
			return -1;
		}
		for (unsigned j = 0; j < i; j++) {
			if (ranges_overlap(r->guest_addr, r->size, regs[j].guest_addr, regs[j].size) ||
			    ranges_overlap(r->user_addr, r->size, regs[j].user_addr, regs[j].size)) {
				*why = "SET_MEM_TABLE: overlapping regions";
				return -1;
			}
		}
	}
	return 0;
}

static int map_region(struct vu_region *out, const struct vu_msg_region *r, int fd,
		      const char **why)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	uint64_t start = r->mmap_offset & ~(page - 1), lead = r->mmap_offset - start;
	struct stat st;
	void *p;

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		*why = "SET_MEM_TABLE: region fd is not a regular file";
		return -1;
	}
	if (st.st_size < 0 || (uint64_t)st.st_size < r->mmap_offset + r->size) {
		*why = "SET_MEM_TABLE: region extends past the end of its file";
		return -1;
	}
	/* lead < page and size <= SIZE_MAX / 2 (check_regions): no overflow */
	p = mmap(NULL, (size_t)(lead + r->size), PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 (off_t)start);
	if (p == MAP_FAILED) {
		*why = "SET_MEM_TABLE: cannot map a region";
		return -1;
	}
	*out = (struct vu_region){ .gpa = r->guest_addr, .uva = r->user_addr, .size = r->size,
				   .host = (uint8_t *)p + lead, .map = p,
				   .map_len = (size_t)(lead + r->size), .dev = st.st_dev,
				   .ino = st.st_ino, .file_off = r->mmap_offset };
	return 0;
}

int vu_mem_map(struct vu_mem *m, const struct vu_msg_region *regs, const int *fds,
	       unsigned n, const char **why)
{
	struct vu_mem next = { 0 };
	int rc = check_regions(regs, n, why);

	for (unsigned i = 0; rc == 0 && i < n; i++) {
		rc = map_region(&next.r[i], &regs[i], fds[i], why);
		if (rc < 0)
			break;
		next.n = i + 1;
		for (unsigned j = 0; j < i; j++) {
			const struct vu_region *a = &next.r[i], *b = &next.r[j];
			if (a->dev == b->dev && a->ino == b->ino &&
			    ranges_overlap(a->file_off, a->size, b->file_off, b->size)) {
				*why = "SET_MEM_TABLE: two regions map the same file bytes";
				rc = -1;
			}
		}
	}
	/* the mappings keep the memory; the descriptors are not needed */
	for (unsigned i = 0; i < n && i < VU_MAX_REGIONS; i++)
		close(fds[i]);
	if (rc < 0) {
		vu_mem_unmap(&next);
		return -1;
	}
	vu_mem_unmap(m);
	*m = next;
	return 0;
}

void vu_mem_unmap(struct vu_mem *m)
{
	for (unsigned i = 0; i < m->n; i++)
		munmap(m->r[i].map, m->r[i].map_len);
	memset(m, 0, sizeof(*m));
}

void *vu_mem_uva(const struct vu_mem *m, uint64_t uva, uint64_t len)
{
	for (unsigned i = 0; i < m->n; i++) {
		const struct vu_region *r = &m->r[i];
		if (uva >= r->uva && uva - r->uva < r->size && len <= r->size - (uva - r->uva))
			return r->host + (uva - r->uva);
	}
	return NULL;
}

void *vu_mem_gpa(const struct vu_mem *m, uint64_t gpa, uint64_t len, uint64_t *chunk)
{
	for (unsigned i = 0; i < m->n; i++) {
		const struct vu_region *r = &m->r[i];
		if (gpa >= r->gpa && gpa - r->gpa < r->size) {
			uint64_t left = r->size - (gpa - r->gpa);
			*chunk = len < left ? len : left;
			return r->host + (gpa - r->gpa);
		}
	}
	return NULL;
}
