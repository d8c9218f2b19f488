/* Private to lib/vu_*.c (and their unit tests and fuzzers): the device,
 * guest-memory and virtqueue state behind the opaque struct vu_dev, and the
 * vhost-user wire structures that the system headers do not define.
 *
 * Ownership: vu_dev.c owns everything (socket, kick/call fds, mappings);
 * vu_mem.c only maps and translates, vu_ring.c only walks and fills rings.
 * Functions that can reject guest input return < 0 and set *why to a static
 * string; the caller (vu_dev.c) turns that into a failed device. */
#ifndef RUNUML_VU_INTERNAL_H
#define RUNUML_VU_INTERNAL_H

#include <linux/vhost_types.h>
#include <linux/virtio_ring.h>
#include <stdbool.h>
#include <stdint.h>

#include "vu_dev.h"

#define VU_MAX_REGIONS     8    /* VHOST_MEMORY_BASELINE_NREGIONS of the spec */
#define VU_MAX_FDS         8    /* descriptors accepted with one message */
#define VU_MAX_CONFIG      256  /* config space bytes (QEMU's VHOST_USER_MAX_CONFIG_SIZE) */

/* --- vhost-user wire format (docs.qemu.org/en/latest/interop/vhost-user.html;
 * linux-6.1 arch/um/drivers/vhost_user.h is the frontend's copy) --- */
#define VU_VERSION           0x1u
#define VU_FLAG_VERSION_MASK 0x3u
#define VU_FLAG_REPLY        (1u << 2)
#define VU_FLAG_NEED_REPLY   (1u << 3)

#define VU_F_PROTOCOL_FEATURES   30  /* virtio feature bit borrowed by vhost-user */
#define VU_PROTOCOL_F_REPLY_ACK  3
#define VU_PROTOCOL_F_SLAVE_REQ  5
#define VU_PROTOCOL_F_CONFIG     9

#define VU_VRING_INDEX_MASK  0xffu
#define VU_VRING_NOFD_MASK   (1u << 8)

enum vu_request {
	VU_GET_FEATURES = 1,
	VU_SET_FEATURES = 2,
	VU_SET_OWNER = 3,
	VU_RESET_OWNER = 4,
	VU_SET_MEM_TABLE = 5,
	VU_SET_VRING_NUM = 8,
	VU_SET_VRING_ADDR = 9,
	VU_SET_VRING_BASE = 10,
	VU_GET_VRING_BASE = 11,
	VU_SET_VRING_KICK = 12,
	VU_SET_VRING_CALL = 13,
	VU_SET_VRING_ERR = 14,
	VU_GET_PROTOCOL_FEATURES = 15,
	VU_SET_PROTOCOL_FEATURES = 16,
	VU_GET_QUEUE_NUM = 17,
	VU_SET_VRING_ENABLE = 18,
	VU_SET_SLAVE_REQ_FD = 21,
	VU_GET_CONFIG = 24,
	VU_SET_CONFIG = 25,
};

struct vu_msg_hdr {
	uint32_t request;
	uint32_t flags;
	uint32_t size;      /* payload bytes that follow */
} __attribute__((packed));

struct vu_msg_region {
	uint64_t guest_addr;
	uint64_t size;
	uint64_t user_addr;
	uint64_t mmap_offset;
} __attribute__((packed));

struct vu_msg_mem {
	uint32_t num;
	uint32_t padding;
	struct vu_msg_region regions[VU_MAX_REGIONS];
} __attribute__((packed));

struct vu_msg_config {
	uint32_t offset;
	uint32_t size;
	uint32_t flags;
	uint8_t payload[VU_MAX_CONFIG];
} __attribute__((packed));

#define VU_CONFIG_HDR_SIZE 12u

union vu_msg_payload {
	uint64_t u64;
	struct vhost_vring_state state;  /* linux/vhost_types.h: same layout */
	struct vhost_vring_addr addr;
	struct vu_msg_mem mem;
	struct vu_msg_config config;
};

#define VU_MAX_PAYLOAD sizeof(union vu_msg_payload)

/* --- guest memory (vu_mem.c) --- */
struct vu_region {
	uint64_t gpa;        /* guest-physical start (descriptor addresses) */
	uint64_t uva;        /* frontend user address (SET_VRING_ADDR) */
	uint64_t size;
	uint8_t *host;       /* where gpa is mapped here */
	void *map;           /* the mmap() as made (page-aligned start) */
	size_t map_len;
	uint64_t dev, ino, file_off;  /* which bytes of which file it shows */
};

struct vu_mem {
	unsigned n;
	struct vu_region r[VU_MAX_REGIONS];
};

/* Validates the regions (count, sizes, overflow, overlaps, fds backed by a
 * large enough regular file) and maps them; replaces what *m held only on
 * success.  Always closes the n fds.  0 or -1 with *why set. */
int vu_mem_map(struct vu_mem *m, const struct vu_msg_region *regs, const int *fds,
	       unsigned n, const char **why);
void vu_mem_unmap(struct vu_mem *m);
/* Host address of [uva, uva+len) when it lies wholly inside one region. */
void *vu_mem_uva(const struct vu_mem *m, uint64_t uva, uint64_t len);
/* Host address of gpa and, in *chunk, how many of the len bytes from there
 * are contiguous in the same region (>= 1); NULL when gpa is not mapped. */
void *vu_mem_gpa(const struct vu_mem *m, uint64_t gpa, uint64_t len, uint64_t *chunk);

/* --- one split virtqueue (vu_ring.c) --- */
struct vu_vq {
	unsigned num;                 /* 0 until SET_VRING_NUM */
	bool addr_set;
	uint64_t desc_uva, avail_uva, used_uva;
	/* mapped ring, all NULL while the addresses do not fit guest memory */
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	uint16_t last_avail_idx;      /* next avail entry to take */
	uint16_t used_idx;            /* our copy: the guest's is never read back */
	bool started;                 /* SET_VRING_KICK seen, no GET_VRING_BASE since */
	bool enabled;                 /* SET_VRING_ENABLE 1 */
	bool pushed;                  /* used entries added since the last notify */
	int kick_fd, call_fd;
};

void vu_vq_init(struct vu_vq *vq);
/* Translates and checks the ring addresses for the current num (sizes and
 * alignment, wholly inside one region each).  -1 with *why on failure, and
 * the ring is left unmapped. */
int vu_vq_map(struct vu_vq *vq, const struct vu_mem *m, const char **why);
void vu_vq_unmap(struct vu_vq *vq);
/* 1: *e filled; 0: nothing available; -1: bad ring (*why set). */
int vu_vq_pop(struct vu_vq *vq, const struct vu_mem *m, struct vu_elem *e, const char **why);
void vu_vq_push(struct vu_vq *vq, const struct vu_elem *e, uint32_t len);
/* After pushes: true when the driver did not ask for no interrupt. */
bool vu_vq_should_notify(struct vu_vq *vq);

/* --- one received message (vu_sock.c fills it, vu_req.c serves it) --- */
struct vu_msg {
	struct vu_msg_hdr h;
	union vu_msg_payload p;
	int fds[VU_MAX_FDS];          /* a handler that keeps one sets nfds = 0 */
	unsigned nfds;
	bool too_many_fds;
	int64_t deadline_ms;          /* CLOCK_MONOTONIC; 0 until a wait starts */
};

enum vu_rx { VU_RX_OK, VU_RX_NONE, VU_RX_EOF, VU_RX_FAIL };

/* Receives exactly len bytes into buf, adding fds sent with them to m.
 * VU_RX_NONE: nothing was waiting (only when start); VU_RX_EOF: the peer
 * closed before the first byte (start only); VU_RX_FAIL: *why set. */
enum vu_rx vu_sock_recv(struct vu_dev *d, void *buf, size_t len, struct vu_msg *m, bool start,
			const char **why);
/* A reply to m with size payload bytes; on a send error the device is
 * failed and -1 returned. */
int vu_reply(struct vu_dev *d, const struct vu_msg *m, const void *payload, uint32_t size);
int vu_reply_u64(struct vu_dev *d, const struct vu_msg *m, uint64_t v);

/* --- request handlers (vu_req.c) --- */
#define VU_VARSIZE UINT32_MAX

typedef int vu_req_fn(struct vu_dev *d, struct vu_msg *m, const char **why);

struct vu_req {
	vu_req_fn *fn;
	uint32_t size;      /* exact payload size, or VU_VARSIZE (checked by fn) */
	bool takes_fds;
	bool replies;       /* answers with its own reply, never with an ack */
};

/* The handler of a request we serve, NULL for anything else. */
const struct vu_req *vu_req_find(uint32_t request);

/* --- the device (vu_dev.c) --- */
struct vu_dev {
	int sock;
	const struct vu_dev_ops *ops;
	void *opaque;
	uint64_t features_offered, features_acked;
	uint64_t protocol_acked;
	struct vu_mem mem;
	struct vu_vq vq[VU_MAX_QUEUES];
	const char *failed;           /* reason, NULL while healthy */
	int mid_msg_timeout_ms;       /* the most one message (or one reply) may take
				       * once it has started: the process is
				       * single-threaded, a dribbling peer stalls it */
	int slave_fd;                 /* SET_SLAVE_REQ_FD: kept, never written */
};

/* A device with no connection (sock -1): for vu_dev_new() and for tests
 * and fuzzers that build memory and rings without the protocol. */
struct vu_dev *vu_dev_alloc(const struct vu_dev_ops *ops, void *opaque, struct rerr **err);
/* Marks the device failed (first reason wins) and calls ops->on_failed. */
void vu_dev_fail(struct vu_dev *d, const char *why);
bool vu_vq_ready(const struct vu_dev *d, unsigned q);
/* Closes every kick/call fd and forgets all ring state. */
void vu_dev_reset_rings(struct vu_dev *d);
/* close() if >= 0, then -1. */
void vu_close_fd(int *fd);

#endif
