/* libFuzzer harness for the vhost-user message handler (lib/vu_dev.c) and,
 * through it, guest memory and rings.  The input is a script of records:
 *
 *   0 SEL HDR(12) PAYLOAD  a message as the frontend sends it; SEL picks
 *                          the fds sent with it (count = SEL >> 4 & 3,
 *                          each a memory memfd, kick or call eventfd by
 *                          the two bits SEL >> 2k); the header's size is
 *                          honoured as far as the input goes (a short
 *                          payload is a stalled peer: failed at once)
 *   1 OFF(2) LEN DATA      write into guest memory (the memfd)
 *   2                      kick: write the kick eventfd
 *   3                      the peer closes its end (ends the script)
 *
 * After each record the device is driven like its owner's event loop,
 * with an echoing handle_queue.  Crashes, sanitizer reports, leaked fds or
 * a failed device without a reason are findings. */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vu_internal.h"

#define MEM_SIZE 0x10000u

static int memfd = -1, kick = -1, call = -1;
static uint8_t *img;
static unsigned echoed;

static void setup_once(void)
{
	if (memfd >= 0)
		return;
	memfd = memfd_create("fuzz-guest", MFD_CLOEXEC);
	kick = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	call = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (memfd < 0 || kick < 0 || call < 0 || ftruncate(memfd, MEM_SIZE) < 0)
		abort();
	img = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	if (img == MAP_FAILED)
		abort();
}

/* implements vu_dev_ops.handle_queue: echo every request into its reply */
static void echo(struct vu_dev *d, unsigned q, void *opaque)
{
	static struct vu_elem e;
	static uint8_t buf[1 << 16];
	int r;

	while ((r = vu_queue_pop(d, q, &e)) == 1) {
		size_t n = vu_iov_to_buf(e.iov, e.n_out, buf, sizeof(buf));
		vu_queue_push(d, q, &e, (uint32_t)vu_buf_to_iov(e.iov + e.n_out, e.n_in, buf, n));
		echoed++;
	}
	if (r < 0 && !vu_dev_failed(d))
		abort();
	vu_queue_notify(d, q);
}

/* implements vu_dev_ops.on_failed */
static void on_failed(struct vu_dev *d, const char *why, void *opaque)
{
	if (!why)
		abort();
	++*(int *)opaque;
}

static const uint8_t config[] = { 3, 0, 'f', 'u', 'z' };
static const struct vu_dev_ops ops = {
	.features = 1, .num_queues = 2, .config = config, .config_len = sizeof(config),
	.handle_queue = echo, .on_failed = on_failed,
};

static void pump(struct vu_dev *d)
{
	for (int turns = 0; turns < 8 && !vu_dev_failed(d); turns++) {
		struct pollfd pfd[1 + VU_MAX_QUEUES];
		size_t n = vu_dev_pollfds(d, pfd, 1 + VU_MAX_QUEUES);
		int r;
		/* libFuzzer's timeout alarm interrupts poll now and then */
		while ((r = poll(pfd, (nfds_t)n, 0)) < 0 && errno == EINTR)
			;
		if (!n || r <= 0)
			return;
		vu_dev_handle(d, pfd, n);
	}
}

static void send_with_fds(int fe, const uint8_t *buf, size_t len, uint8_t sel)
{
	union {
		char b[CMSG_SPACE(sizeof(int) * 3)];
		struct cmsghdr align;
	} ctl;
	const int pick[4] = { memfd, kick, call, memfd };
	unsigned nfds = (sel >> 4) & 3;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (nfds) {
		mh.msg_control = ctl.b;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		for (unsigned k = 0; k < nfds; k++)
			memcpy(CMSG_DATA(c) + k * sizeof(int), &pick[(sel >> (2 * k)) & 3], sizeof(int));
	}
	(void)sendmsg(fe, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int sv[2], failures = 0;
	struct rerr *err = NULL;
	struct vu_dev *d;
	size_t i = 0;
	uint64_t drain;

	setup_once();
	memset(img, 0, MEM_SIZE);
	echoed = 0;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		abort();
	d = vu_dev_new(sv[1], &ops, &failures, &err);
	if (!d)
		abort();
	d->mid_msg_timeout_ms = 0; /* a short payload fails at once */

	while (i < size && !vu_dev_failed(d)) {
		uint8_t kind = data[i++] & 3;
		if (kind == 0) {
			if (size - i < 1 + sizeof(struct vu_msg_hdr))
				break;
			uint8_t sel = data[i++];
			struct vu_msg_hdr h;
			memcpy(&h, data + i, sizeof(h));
			size_t have = size - i - sizeof(h), want = h.size < have ? h.size : have;
			if (want > 4096)
				want = 4096;
			send_with_fds(sv[0], data + i, sizeof(h) + want, sel);
			i += sizeof(h) + want;
		} else if (kind == 1) {
			if (size - i < 3)
				break;
			size_t off = (size_t)(data[i] | data[i + 1] << 8) % MEM_SIZE, len = data[i + 2];
			i += 3;
			if (len > size - i)
				len = size - i;
			if (len > MEM_SIZE - off)
				len = MEM_SIZE - off;
			memcpy(img + off, data + i, len);
			i += len;
		} else if (kind == 2) {
			uint64_t one = 1;
			if (write(kick, &one, sizeof(one)) < 0)
				abort();
		} else {
			close(sv[0]);
			sv[0] = -1;
			pump(d);
			if (!vu_dev_failed(d))
				abort(); /* a disconnect must end the device */
			break;
		}
		pump(d);
		/* replies the frontend would read: drop them */
		char sink[512];
		while (sv[0] >= 0 && recv(sv[0], sink, sizeof(sink), MSG_DONTWAIT) > 0)
			;
	}
	if (vu_dev_failed(d) && (failures != 1 || !vu_dev_fail_reason(d)))
		abort();
	if (getenv("FUZZ_VU_DEBUG")) /* for checking seeds reach where they should */
		fprintf(stderr, "fuzz_vu_msg: %zu/%zu bytes, echoed %u, reason: %s\n", i, size, echoed,
			vu_dev_fail_reason(d) ? vu_dev_fail_reason(d) : "-");
	vu_dev_free(d);
	if (sv[0] >= 0)
		close(sv[0]);
	while (read(kick, &drain, sizeof(drain)) == sizeof(drain))
		;
	while (read(call, &drain, sizeof(drain)) == sizeof(drain))
		;
	/* the lowest free descriptor climbs if anything leaked */
	int probe = dup(memfd);
	if (probe < 0 || probe > 256)
		abort();
	close(probe);
	return 0;
}
