/* A vhost-user device backend: the device side of virtio over vhost-user, as
 * arch/um/drivers/virtio_uml.c (linux 6.1) drives it.  Shared by the 9P proxy
 * (hostfs-proxy/) and the network helper (net/).
 *
 * The guest is hostile: every message, descriptor address, length, index and
 * chain is checked; a bad message or ring fails the device (vu_dev_failed()
 * turns true, all later requests are ignored), never the process.
 *
 * Lifecycle: the owner accepts one connection from UML on a listening
 * vhost-user socket and hands the connected fd to vu_dev_new(), which owns it
 * from then on.  The owner polls the fds vu_dev_pollfds() lists and passes
 * each ready one back to vu_dev_handle(); queue work happens inside
 * ops->handle_queue.  vu_dev_free() closes every fd and unmaps guest memory.
 *
 * Elements (struct vu_elem) point into guest memory as currently mapped: push
 * them before returning from handle_queue, since a later SET_MEM_TABLE or
 * RESET_OWNER handled by vu_dev_handle() unmaps it.  on_failed may run inside
 * any vu_dev_* / vu_queue_* call; it must not free the device.  vu_dev_new()
 * sets SIGPIPE to SIG_IGN if it was SIG_DFL (virtio_uml's call fd is a pipe).
 *
 * Files: vu_dev.c (lifecycle, dispatch; the list of system calls used),
 * vu_req.c (the vhost-user requests), vu_sock.c (socket I/O), vu_mem.c
 * (SET_MEM_TABLE regions and address translation), vu_ring.c (split
 * virtqueues); vu_internal.h is private to them and their tests. */
#ifndef RUNUML_VU_DEV_H
#define RUNUML_VU_DEV_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "rerr.h"

#define VU_MAX_QUEUES    8
#define VU_MAX_QUEUE_NUM 256  /* split virtqueue entries, at most */
/* descriptors in one chain, at most: a chain can't be longer than its ring,
 * and 9P's zero-copy reads and writes (net/9p/trans_virtio.c) pin up to 128
 * user pages plus headers in one chain */
#define VU_MAX_CHAIN     VU_MAX_QUEUE_NUM

struct vu_dev;

/* One available buffer: iov[0..n_out) are the driver's (readable) buffers,
 * iov[n_out..n_out+n_in) the device-writable ones; all point into mapped
 * guest memory and were bounds-checked. */
struct vu_elem {
	uint16_t head;
	unsigned n_out, n_in;
	struct iovec iov[VU_MAX_CHAIN];
};

struct vu_dev_ops {
	uint64_t features;       /* device feature bits; VIRTIO_F_VERSION_1 and
				  * VHOST_USER_F_PROTOCOL_FEATURES are added */
	unsigned num_queues;
	const void *config;      /* device config space for GET_CONFIG */
	size_t config_len;
	/* The driver kicked queue q (or the queue became ready): pop, serve,
	 * push and notify until vu_queue_pop() says it is empty. */
	void (*handle_queue)(struct vu_dev *d, unsigned q, void *opaque);
	/* Optional: the device failed or the peer disconnected. */
	void (*on_failed)(struct vu_dev *d, const char *why, void *opaque);
};

/* Takes ownership of conn_fd (closed on failure too). */
struct vu_dev *vu_dev_new(int conn_fd, const struct vu_dev_ops *ops, void *opaque,
			  struct rerr **err);
void vu_dev_free(struct vu_dev *d);

/* Fills up to max pollfds (socket + every kick eventfd set); returns count. */
size_t vu_dev_pollfds(struct vu_dev *d, struct pollfd *pfd, size_t max);
/* Handles the ready entries of the array vu_dev_pollfds() filled.  Returns
 * < 0 once the device has failed or disconnected (see vu_dev_failed). */
int vu_dev_handle(struct vu_dev *d, const struct pollfd *pfd, size_t n);
bool vu_dev_failed(const struct vu_dev *d);
/* Why the device failed (static text), or NULL. */
const char *vu_dev_fail_reason(const struct vu_dev *d);

/* 1: *e holds an element; 0: queue empty or not ready; < 0: the ring is bad
 * and the device has been failed. */
int vu_queue_pop(struct vu_dev *d, unsigned q, struct vu_elem *e);
/* Returns e to the driver with len bytes written to its writable part. */
void vu_queue_push(struct vu_dev *d, unsigned q, const struct vu_elem *e, uint32_t len);
/* Signals the call eventfd of q if anything was pushed since the last call. */
void vu_queue_notify(struct vu_dev *d, unsigned q);

/* Copies between an element's iovecs and a flat buffer (bounded by both). */
size_t vu_iov_to_buf(const struct iovec *iov, unsigned n, void *buf, size_t len);
size_t vu_buf_to_iov(const struct iovec *iov, unsigned n, const void *buf, size_t len);

#endif
