/* vhost-user protocol (lib/vu_dev.c) over a socketpair, with the test as
 * the frontend sending what linux-6.1 arch/um/drivers/virtio_uml.c sends:
 * features, protocol features with REPLY_ACK, a config read, a memfd memory
 * table in UML's fixed two-slot payload, vring setup with eventfds, a kick,
 * a request echoed through handle_queue, the used ring and call eventfd;
 * then malformed messages, each of which must fail a fresh device (process
 * alive, fds closed); then a clean disconnect. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/virtio_config.h>

#include "tap.h"
#include "vu_internal.h"

#define GPA_BASE  0x100000ull  /* like UML: guest_addr = user_addr = reserved */
#define MEM_OFF   0x1000ull    /* region's offset in the memory file */
#define MEM_SIZE  0x10000ull
#define DESC      (GPA_BASE + 0x0000)
#define AVAIL     (GPA_BASE + 0x1000)
#define USED      (GPA_BASE + 0x2000)
#define BUF_OUT   (GPA_BASE + 0x3000)
#define BUF_IN    (GPA_BASE + 0x4000)

static int fe = -1;                /* the frontend's end of the socket */
static struct vu_dev *d;
static int served, popped, failed_calls;
static const char *failed_why;
static uint8_t *img;               /* the test's view of guest memory */
static const uint8_t config[6] = { 4, 0, 't', 'a', 'g', '1' };

static uint8_t *g(uint64_t gpa)
{
	return img + MEM_OFF + (gpa - GPA_BASE);
}

/* implements vu_dev_ops.handle_queue: uppercases each request into its reply */
static void echo(struct vu_dev *dev, unsigned q, void *opaque)
{
	struct vu_elem e;
	char buf[256];

	served++;
	while (vu_queue_pop(dev, q, &e) == 1) {
		size_t n = vu_iov_to_buf(e.iov, e.n_out, buf, sizeof(buf));
		for (size_t i = 0; i < n; i++)
			buf[i] = (char)toupper((unsigned char)buf[i]);
		vu_queue_push(dev, q, &e, (uint32_t)vu_buf_to_iov(e.iov + e.n_out, e.n_in, buf, n));
		popped++;
	}
	vu_queue_notify(dev, q);
}

/* implements vu_dev_ops.on_failed */
static void on_failed(struct vu_dev *dev, const char *why, void *opaque)
{
	failed_calls++;
	failed_why = why;
}

static const struct vu_dev_ops ops = {
	/* bit 0 is the device's own; INDIRECT_DESC and EVENT_IDX must be stripped */
	.features = 1ull | (1ull << VIRTIO_RING_F_INDIRECT_DESC) | (1ull << VIRTIO_RING_F_EVENT_IDX),
	.num_queues = 1,
	.config = config,
	.config_len = sizeof(config),
	.handle_queue = echo,
	.on_failed = on_failed,
};

static void fresh(void)
{
	int sv[2];
	struct rerr *err = NULL;

	vu_dev_free(d);
	if (fe >= 0)
		close(fe);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		abort();
	fe = sv[0];
	d = vu_dev_new(sv[1], &ops, NULL, &err);
	if (!d)
		abort();
	served = popped = failed_calls = 0;
	failed_why = NULL;
}

static void send_raw(const void *buf, size_t len, const int *fds, unsigned nfds)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * 16)];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (nfds) {
		mh.msg_control = ctl.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	}
	if (sendmsg(fe, &mh, MSG_NOSIGNAL) != (ssize_t)len)
		abort();
}

static void send_msg(uint32_t req, uint32_t flags, const void *payload, uint32_t size,
		     const int *fds, unsigned nfds)
{
	uint8_t buf[sizeof(struct vu_msg_hdr) + 4096];
	struct vu_msg_hdr h = { .request = req, .flags = VU_VERSION | flags, .size = size };

	memcpy(buf, &h, sizeof(h));
	if (size)
		memcpy(buf + sizeof(h), payload, size);
	send_raw(buf, sizeof(h) + size, fds, nfds);
}

/* One turn of the owner's event loop; returns vu_dev_handle()'s value. */
static int pump(void)
{
	struct pollfd pfd[1 + VU_MAX_QUEUES];
	size_t n = vu_dev_pollfds(d, pfd, 1 + VU_MAX_QUEUES);

	if (n == 0)
		return vu_dev_failed(d) ? -1 : 0;
	if (poll(pfd, (nfds_t)n, 1000) < 0)
		return -2;
	return vu_dev_handle(d, pfd, n);
}

/* A reply, if one is waiting: its payload size, or -1. */
static int get_reply(uint32_t req, void *payload, size_t max)
{
	struct vu_msg_hdr h;
	ssize_t r = recv(fe, &h, sizeof(h), MSG_DONTWAIT);

	if (r != sizeof(h) || h.request != req || h.flags != (VU_VERSION | VU_FLAG_REPLY) ||
	    h.size > max)
		return -1;
	if (h.size && recv(fe, payload, h.size, MSG_DONTWAIT) != (ssize_t)h.size)
		return -1;
	return (int)h.size;
}

static bool nothing_pending(void)
{
	char c;
	return recv(fe, &c, 1, MSG_DONTWAIT) < 0 && errno == EAGAIN;
}

/* Sends a request expecting REPLY_ACK; returns the ack value or -1. */
static int64_t acked(uint32_t req, const void *payload, uint32_t size, const int *fds, unsigned nfds)
{
	uint64_t v;

	send_msg(req, VU_FLAG_NEED_REPLY, payload, size, fds, nfds);
	pump();
	return get_reply(req, &v, sizeof(v)) == 8 ? (int64_t)v : -1;
}

static uint64_t u64_req(uint32_t req)
{
	uint64_t v = 0;

	send_msg(req, 0, NULL, 0, NULL, 0);
	pump();
	return get_reply(req, &v, sizeof(v)) == 8 ? v : UINT64_MAX;
}

static int count_fds(void)
{
	int n = 0;
	DIR *dir = opendir("/proc/self/fd");

	if (!dir)
		return -1;
	while (readdir(dir))
		n++;
	closedir(dir);
	return n;
}

static int memfd;

/* The steps of virtio_uml's probe and find_vqs up to an enabled queue 0;
 * reports each step as a TAP line when check is set. */
#define STEP(cond, ...)                        \
	do {                                   \
		bool c_ = (cond);              \
		if (check)                     \
			TAP_OK(c_, __VA_ARGS__); \
		all &= c_;                     \
	} while (0)

static bool setup(int call_fd, int kick_fd, bool check)
{
	uint64_t f, pf, v;
	struct vhost_vring_state st = { 0, 0 };
	struct vhost_vring_addr a = { .index = 0, .desc_user_addr = DESC, .used_user_addr = USED,
				      .avail_user_addr = AVAIL, .log_guest_addr = UINT64_MAX };
	struct {
		uint32_t num, padding;
		struct vu_msg_region r[2];
	} __attribute__((packed)) mem = { .num = 1, .r[0] = { .guest_addr = GPA_BASE, .size = MEM_SIZE,
							 .user_addr = GPA_BASE, .mmap_offset = MEM_OFF } };
	int mfd = dup(memfd);
	bool all = true, ok;

	send_msg(VU_SET_OWNER, 0, NULL, 0, NULL, 0);
	pump();
	STEP(nothing_pending() && !vu_dev_failed(d), "SET_OWNER needs no reply");
	f = u64_req(VU_GET_FEATURES);
	pf = u64_req(VU_GET_PROTOCOL_FEATURES);
	STEP((f & 1) && (f & (1ull << VIRTIO_F_VERSION_1)) && (f & (1ull << VU_F_PROTOCOL_FEATURES)),
	     "GET_FEATURES: device, VERSION_1, PROTOCOL_FEATURES");
	STEP(!(f & (1ull << VIRTIO_RING_F_INDIRECT_DESC)) && !(f & (1ull << VIRTIO_RING_F_EVENT_IDX)),
	     "indirect descriptors and EVENT_IDX are not offered");
	STEP(pf == ((1ull << VU_PROTOCOL_F_REPLY_ACK) | (1ull << VU_PROTOCOL_F_CONFIG) |
		   (1ull << VU_PROTOCOL_F_SLAVE_REQ)),
	     "GET_PROTOCOL_FEATURES: REPLY_ACK, CONFIG, SLAVE_REQ (no INBAND_NOTIFICATIONS)");
	v = pf;
	/* virtio_uml asks for an ack on SET_PROTOCOL_FEATURES itself */
	STEP(acked(VU_SET_PROTOCOL_FEATURES, &v, 8, NULL, 0) == 0, "SET_PROTOCOL_FEATURES is acked");
	/* virtio_uml hands over the write end of a pipe for backend requests */
	int req[2];
	STEP(pipe2(req, O_CLOEXEC) == 0 && acked(VU_SET_SLAVE_REQ_FD, NULL, 0, &req[1], 1) == 0 &&
	     d->slave_fd >= 0, "SET_SLAVE_REQ_FD is acked and its fd kept");
	close(req[0]);
	close(req[1]);
	v = f;
	STEP(acked(VU_SET_FEATURES, &v, 8, NULL, 0) == 0, "SET_FEATURES is acked");
	STEP(acked(VU_SET_MEM_TABLE, &mem, sizeof(mem), &mfd, 1) == 0,
	     "SET_MEM_TABLE with one region in a two-slot payload (as UML sends) is acked");
	close(mfd);
	v = 0;
	ok = acked(VU_SET_VRING_CALL, &v, 8, &call_fd, 1) == 0;
	st.num = 8;
	ok &= acked(VU_SET_VRING_NUM, &st, 8, NULL, 0) == 0;
	st.num = 0;
	ok &= acked(VU_SET_VRING_BASE, &st, 8, NULL, 0) == 0;
	ok &= acked(VU_SET_VRING_ADDR, &a, sizeof(a), NULL, 0) == 0;
	ok &= acked(VU_SET_VRING_KICK, &v, 8, &kick_fd, 1) == 0;
	STEP(ok, "SET_VRING_CALL, _NUM, _BASE, _ADDR, _KICK are acked");
	int served_before = served;
	STEP(!vu_vq_ready(d, 0), "a started but disabled queue is not ready");
	st.num = 1;
	STEP(acked(VU_SET_VRING_ENABLE, &st, 8, NULL, 0) == 0, "SET_VRING_ENABLE is acked");
	STEP(served == served_before + 1 && vu_vq_ready(d, 0), "the queue is served once it becomes ready");
	return all && !vu_dev_failed(d);
}

static void good_session(void)
{
	int call = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC), kick = eventfd(0, EFD_CLOEXEC);
	struct vring_desc *desc = (struct vring_desc *)g(DESC);
	struct vring_avail *avail = (struct vring_avail *)g(AVAIL);
	struct vring_used *used = (struct vring_used *)g(USED);
	struct {
		struct vu_msg_config c;
	} cfg = { .c = { .offset = 0, .size = 8 } };
	uint64_t one = 1, cnt = 0;
	struct vhost_vring_state st = { 0, 0 };
	struct pollfd pfd[4];
	int n;

	fresh();
	/* a GET with NEED_REPLY gets its reply and no extra ack */
	send_msg(VU_GET_FEATURES, VU_FLAG_NEED_REPLY, NULL, 0, NULL, 0);
	pump();
	TAP_OK(get_reply(VU_GET_FEATURES, &one, 8) == 8 && nothing_pending(),
	       "a request with a reply is not acked as well");
	one = 1;
	setup(call, kick, true);

	send_msg(VU_GET_CONFIG, 0, &cfg, VU_CONFIG_HDR_SIZE + 8, NULL, 0);
	pump();
	n = get_reply(VU_GET_CONFIG, &cfg, sizeof(cfg));
	TAP_OK(n == VU_CONFIG_HDR_SIZE + 8 && cfg.c.size == 8 && !memcmp(cfg.c.payload, config, 6) &&
	       cfg.c.payload[6] == 0 && cfg.c.payload[7] == 0,
	       "GET_CONFIG returns the config space, zero past its end");

	/* a request: "ping" out, 16 bytes in */
	memcpy(g(BUF_OUT), "ping", 4);
	desc[0] = (struct vring_desc){ .addr = BUF_OUT, .len = 4, .flags = VRING_DESC_F_NEXT, .next = 1 };
	desc[1] = (struct vring_desc){ .addr = BUF_IN, .len = 16, .flags = VRING_DESC_F_WRITE };
	avail->ring[0] = 0;
	__atomic_store_n(&avail->idx, 1, __ATOMIC_RELEASE);
	TAP_OK(write(kick, &one, 8) == 8 && vu_dev_pollfds(d, pfd, 4) == 2 && pump() == 0,
	       "a kick is handled");
	TAP_OK(served == 2 && popped == 1 && used->idx == 1 && used->ring[0].id == 0 &&
	       used->ring[0].len == 4 && !memcmp(g(BUF_IN), "PING", 4),
	       "the request is served and its reply is on the used ring");
	TAP_OK(read(call, &cnt, 8) == 8 && cnt == 1, "the call eventfd is signalled");
	TAP_OK(vu_dev_pollfds(d, pfd, 1) == 1 && pfd[0].fd == d->sock,
	       "vu_dev_pollfds respects max (socket first)");

	TAP_OK(u64_req(VU_GET_QUEUE_NUM) == 1, "GET_QUEUE_NUM answers the queue count");
	send_msg(VU_GET_VRING_BASE, 0, &st, 8, NULL, 0);
	pump();
	TAP_OK(get_reply(VU_GET_VRING_BASE, &st, sizeof(st)) == 8 && st.index == 0 && st.num == 1,
	       "GET_VRING_BASE returns last_avail_idx");
	TAP_OK(vu_dev_pollfds(d, pfd, 4) == 1 && !vu_queue_pop(d, 0, &(struct vu_elem){ 0 }),
	       "GET_VRING_BASE stopped the ring (kick fd dropped, nothing pops)");
	TAP_OK(acked(VU_SET_VRING_KICK, &(uint64_t){ 0 }, 8, &kick, 1) == 0 && served == 3,
	       "a new SET_VRING_KICK restarts and serves it");
	struct vu_msg_config wr = { .offset = 0, .size = 2, .payload = { 9, 9 } };
	TAP_OK(acked(VU_SET_CONFIG, &wr, VU_CONFIG_HDR_SIZE + 2, NULL, 0) == 0 && !vu_dev_failed(d),
	       "SET_CONFIG is accepted and acked");
	TAP_OK(acked(VU_RESET_OWNER, NULL, 0, NULL, 0) == 0 && d->mem.n == 0 && d->vq[0].kick_fd < 0,
	       "RESET_OWNER drops memory and rings");
	TAP_OK(setup(call, kick, false) && served == 4, "the device can be set up again after RESET_OWNER");

	close(fe);
	fe = -1;
	TAP_OK(pump() < 0 && vu_dev_failed(d) && failed_calls == 1 && failed_why &&
	       strstr(failed_why, "disconnect"), "a disconnect ends the device (\"%s\")",
	       failed_why ? failed_why : "-");
	TAP_OK(vu_dev_pollfds(d, pfd, 4) == 0, "a failed device lists no fds");
	vu_dev_free(d);
	d = NULL;
	close(call);
	close(kick);
}

/* Sends one malformed message to a fresh device (after the usual setup
 * when asked) and checks the device failed, but not as a disconnect. */
static void bad(bool with_setup, uint32_t req, uint32_t flags, const void *payload, uint32_t size,
		const int *fds, unsigned nfds, const char *what)
{
	int call = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC), kick = eventfd(0, EFD_CLOEXEC);
	int r;

	fresh();
	bool was_ok = !with_setup || setup(call, kick, false);
	send_msg(req, flags, payload, size, fds, nfds);
	r = pump();
	TAP_OK(was_ok && r < 0 && vu_dev_failed(d) && failed_calls == 1 && failed_why &&
	       !strstr(failed_why, "disconnect") && vu_dev_pollfds(d, (struct pollfd[2]){ 0 }, 2) == 0,
	       "%s: device failed (%s)", what, failed_why ? failed_why : "-");
	close(call);
	close(kick);
}

static void malformed(void)
{
	uint64_t v = 0;
	struct vhost_vring_state st;
	int efd = eventfd(0, EFD_CLOEXEC), many[12];
	struct vhost_vring_addr a = { .index = 0, .desc_user_addr = DESC, .used_user_addr = USED,
				      .avail_user_addr = AVAIL };
	struct {
		uint32_t num, padding;
		struct vu_msg_region r[VU_MAX_REGIONS];
	} __attribute__((packed)) mem = { .num = 9 };

	for (unsigned i = 0; i < 12; i++)
		many[i] = efd;

	/* a short header, then the peer closes its sending side */
	fresh();
	send_raw("\x01\x00\x00\x00\x01", 5, NULL, 0);
	shutdown(fe, SHUT_WR);
	TAP_OK(pump() < 0 && failed_calls == 1 && failed_why && !strstr(failed_why, "disconnect"),
	       "a short header fails the device (%s)", failed_why ? failed_why : "-");
	/* a header announcing a payload that never comes */
	fresh();
	d->mid_msg_timeout_ms = 50;
	send_raw(&(struct vu_msg_hdr){ VU_SET_FEATURES, VU_VERSION, 8 }, 12, NULL, 0);
	TAP_OK(pump() < 0 && failed_why && strstr(failed_why, "stalled"),
	       "a payload that never arrives fails the device after a timeout");

	/* a peer dribbling one byte at a time, each just inside the timeout:
	 * the whole message must arrive within it, or one peer stalls every
	 * device of the (single-threaded) process for bytes x timeout */
	fresh();
	d->mid_msg_timeout_ms = 300;
	{
		struct {
			struct vu_msg_hdr h;
			uint64_t v;
		} __attribute__((packed)) slow = { { VU_SET_FEATURES, VU_VERSION, 8 }, 0 };
		struct timespec t0, t1;
		pid_t pid = fork();
		if (pid == 0) {
			for (size_t i = 0; i < sizeof(slow); i++) {
				if (send(fe, (char *)&slow + i, 1, MSG_NOSIGNAL) != 1)
					_exit(0);
				usleep(200 * 1000);
			}
			_exit(0);
		}
		clock_gettime(CLOCK_MONOTONIC, &t0);
		int r = pump();
		clock_gettime(CLOCK_MONOTONIC, &t1);
		double secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		TAP_OK(r < 0 && failed_why && strstr(failed_why, "stalled") && secs < 1.5,
		       "a message dribbled a byte at a time fails the device within the timeout "
		       "(%.1f s, %s)", secs, failed_why ? failed_why : "-");
	}

	bad(false, VU_SET_FEATURES, 0, &v, 4, NULL, 0, "SET_FEATURES with a 4-byte payload");
	bad(false, VU_GET_FEATURES, 0, &v, 8, NULL, 0, "GET_FEATURES with a payload");
	bad(false, VU_SET_FEATURES, 0, &v, 4096, NULL, 0, "a 4096-byte payload");
	bad(false, 99, 0, NULL, 0, NULL, 0, "unknown request 99");
	bad(false, 0, 0, NULL, 0, NULL, 0, "request 0");
	bad(false, 6 /* SET_LOG_BASE */, VU_FLAG_NEED_REPLY, &v, 8, NULL, 0, "SET_LOG_BASE (not offered)");
	TAP_OK(get_reply(6, &v, 8) == 8 && v != 0, "... and its NEED_REPLY gets a failure ack");
	bad(false, VU_SET_SLAVE_REQ_FD, 0, NULL, 0, &efd, 1, "SET_SLAVE_REQ_FD before SLAVE_REQ is acked");
	bad(true, VU_SET_SLAVE_REQ_FD, 0, NULL, 0, NULL, 0, "SET_SLAVE_REQ_FD without its fd");
	bad(false, 35 /* VRING_KICK in-band */, 0, &v, 8, NULL, 0, "in-band VRING_KICK (not offered)");
	bad(false, VU_GET_FEATURES, 2 /* | VU_VERSION: 3 */, NULL, 0, NULL, 0, "version 3");
	bad(false, VU_GET_FEATURES, VU_FLAG_REPLY, NULL, 0, NULL, 0, "a request flagged as a reply");
	v = 1ull << VIRTIO_RING_F_INDIRECT_DESC;
	bad(false, VU_SET_FEATURES, 0, &v, 8, NULL, 0, "SET_FEATURES with a feature not offered");
	v = 1ull << 14; /* INBAND_NOTIFICATIONS */
	bad(false, VU_SET_PROTOCOL_FEATURES, 0, &v, 8, NULL, 0,
	    "SET_PROTOCOL_FEATURES with INBAND_NOTIFICATIONS (not offered)");
	v = 0;
	bad(false, VU_SET_FEATURES, 0, &v, 8, &efd, 1, "an fd with a request that takes none");
	bad(false, VU_SET_VRING_CALL, 0, &v, 8, many, 3, "SET_VRING_CALL with 3 fds");
	bad(false, VU_SET_VRING_CALL, 0, &v, 8, many, 12, "12 fds with one message");
	bad(false, VU_SET_VRING_KICK, 0, &v, 8, NULL, 0, "SET_VRING_KICK without its fd");
	v = VU_VRING_NOFD_MASK;
	bad(false, VU_SET_VRING_KICK, 0, &v, 8, NULL, 0, "SET_VRING_KICK asking for polling mode");
	v = 1ull << 9;
	bad(false, VU_SET_VRING_CALL, 0, &v, 8, &efd, 1, "SET_VRING_CALL with unknown index bits");
	v = 1;
	bad(false, VU_SET_VRING_CALL, 0, &v, 8, &efd, 1, "SET_VRING_CALL for queue 1 of 1");
	st = (struct vhost_vring_state){ .index = 5, .num = 8 };
	bad(false, VU_SET_VRING_NUM, 0, &st, 8, NULL, 0, "SET_VRING_NUM for queue 5");
	st = (struct vhost_vring_state){ .index = 0, .num = 3 };
	bad(false, VU_SET_VRING_NUM, 0, &st, 8, NULL, 0, "vring num 3");
	st.num = 512;
	bad(false, VU_SET_VRING_NUM, 0, &st, 8, NULL, 0, "vring num 512");
	st.num = 0;
	bad(false, VU_SET_VRING_NUM, 0, &st, 8, NULL, 0, "vring num 0");
	st = (struct vhost_vring_state){ .index = 0, .num = 0x10000 };
	bad(false, VU_SET_VRING_BASE, 0, &st, 8, NULL, 0, "vring base beyond 16 bits");
	st = (struct vhost_vring_state){ .index = 0, .num = 2 };
	bad(false, VU_SET_VRING_ENABLE, 0, &st, 8, NULL, 0, "SET_VRING_ENABLE 2");
	st.index = 1;
	bad(false, VU_GET_VRING_BASE, 0, &st, 8, NULL, 0, "GET_VRING_BASE for queue 1");
	bad(false, VU_SET_VRING_ADDR, 0, &a, sizeof(a), NULL, 0, "SET_VRING_ADDR before SET_VRING_NUM");
	a.avail_user_addr = GPA_BASE + MEM_SIZE - 4;
	bad(true, VU_SET_VRING_ADDR, 0, &a, sizeof(a), NULL, 0, "an avail ring past the end of memory");
	a.avail_user_addr = AVAIL;
	a.flags = 1 << VHOST_VRING_F_LOG;
	bad(true, VU_SET_VRING_ADDR, 0, &a, sizeof(a), NULL, 0, "SET_VRING_ADDR asking for logging");
	bad(true, VU_SET_VRING_ADDR, 0, &a, 24, NULL, 0, "SET_VRING_ADDR cut short");
	bad(false, VU_SET_MEM_TABLE, 0, &mem, 8 + 2 * 32, many, 8, "9 regions in a 2-slot payload");
	bad(false, VU_SET_MEM_TABLE, 0, &mem, 8 + 8 * 32, many, 8, "9 regions in an 8-slot payload");
	mem.num = 3;
	bad(false, VU_SET_MEM_TABLE, 0, &mem, 8 + 2 * 32, many, 3, "3 regions in a 2-slot payload");
	bad(false, VU_SET_MEM_TABLE, 0, &mem, 8 + 3 * 32 + 5, many, 3, "a ragged region array");
	mem.num = 1;
	bad(false, VU_SET_MEM_TABLE, 0, &mem, 8 + 32, many, 2, "1 region with 2 fds");
	mem.r[0] = (struct vu_msg_region){ .guest_addr = 0, .size = 0x1000 };
	bad(false, VU_SET_MEM_TABLE, 0, &mem, 8 + 32, &efd, 1, "an eventfd as guest memory");
	struct vu_msg_config c = { .offset = 0, .size = 8 };
	bad(false, VU_GET_CONFIG, 0, &c, VU_CONFIG_HDR_SIZE + 8, NULL, 0,
	    "GET_CONFIG without PROTOCOL_F_CONFIG");
	bad(true, VU_GET_CONFIG, 0, &c, VU_CONFIG_HDR_SIZE + 4, NULL, 0,
	    "GET_CONFIG whose size disagrees with its payload");
	c.size = 300;
	bad(true, VU_GET_CONFIG, 0, &c, VU_CONFIG_HDR_SIZE, NULL, 0, "GET_CONFIG of 300 bytes");
	close(efd);
	vu_dev_free(d);
	d = NULL;
	close(fe);
	fe = -1;
}

int main(void)
{
	int fds_before = count_fds();

	TAP_PLAN(72);
	memfd = memfd_create("guest", MFD_CLOEXEC);
	if (memfd < 0 || ftruncate(memfd, (off_t)(MEM_OFF + MEM_SIZE)) < 0)
		return 1;
	img = mmap(NULL, MEM_OFF + MEM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	if (img == MAP_FAILED)
		return 1;
	good_session();
	malformed();
	munmap(img, MEM_OFF + MEM_SIZE);
	close(memfd);
	TAP_OK(count_fds() == fds_before, "no file descriptor leaked (%d before, %d after)",
	       fds_before, count_fds());
	return tap_done();
}
