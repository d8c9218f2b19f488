/* runuml-net's virtio-net device (net/vnet_dev.c) driven over a real
 * vhost-user socketpair by this test acting as the guest's virtio_uml: two
 * queues (receive 0, transmit 1) in a memfd "guest memory", then hostile
 * transmit chains (writable parts, offload flags not negotiated, a header
 * split over descriptors, an address outside guest memory) and receive
 * buffers too small or missing.  The device must pass good frames whole,
 * drop bad ones with their buffers returned, queue frames until the guest
 * posts buffers, and fail -- not crash -- on a ring that points outside. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tap.h"
#include "vnet_dev.h"
#include "vu_internal.h"

#define GPA      0x200000ull
#define MEM_SIZE 0x40000ull
#define QNUM     8
#define RING(q)  (GPA + (uint64_t)(q) * 0x4000)   /* desc; avail +0x1000; used +0x2000 */
#define BUF(i)   (GPA + 0x10000 + (uint64_t)(i) * 0x4000)

struct desc { uint64_t addr; uint32_t len; uint16_t flags, next; };

static int fe = -1, memfd = -1, kick[2], call[2];
static uint8_t *img;
static struct vnet *v;
static uint16_t avail_idx[2];
static uint8_t got[VNET_BUF_MAX];
static size_t got_len;
static int got_n;

static uint8_t *g(uint64_t gpa) { return img + (gpa - GPA); }

/* implements vnet_opts.tx: records the frame */
static void on_tx(const uint8_t *hdr, const uint8_t *frame, size_t len, void *opaque)
{
	memcpy(got, frame, len);
	got_len = len;
	got_n++;
}

static void send_msg(uint32_t req, const void *payload, uint32_t size, int fd)
{
	union { char b[CMSG_SPACE(sizeof(int))]; struct cmsghdr a; } ctl;
	uint8_t buf[sizeof(struct vu_msg_hdr) + 512];
	struct vu_msg_hdr h = { .request = req, .flags = VU_VERSION | VU_FLAG_NEED_REPLY, .size = size };
	struct iovec iov = { buf, sizeof(h) + size };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (req == VU_GET_FEATURES || req == VU_GET_PROTOCOL_FEATURES || req == VU_SET_OWNER)
		h.flags = VU_VERSION;
	memcpy(buf, &h, sizeof(h));
	if (size)
		memcpy(buf + sizeof(h), payload, size);
	if (fd >= 0) {
		mh.msg_control = ctl.b;
		mh.msg_controllen = sizeof(ctl.b);
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	if (sendmsg(fe, &mh, MSG_NOSIGNAL) != (ssize_t)iov.iov_len)
		abort();
}

static int pump(void)
{
	struct pollfd pfd[2 + VU_MAX_QUEUES];
	size_t n = vnet_pollfds(v, pfd, 2 + VU_MAX_QUEUES);

	if (!n)
		return -1;
	if (poll(pfd, (nfds_t)n, 200) < 0)
		return -1;
	return vnet_handle(v, pfd, n);
}

/* A request and its reply (u64 payload or ack). */
static uint64_t req(uint32_t r, const void *payload, uint32_t size, int fd)
{
	struct vu_msg_hdr h;
	uint64_t val = UINT64_MAX;

	send_msg(r, payload, size, fd);
	pump();
	if (recv(fe, &h, sizeof(h), MSG_DONTWAIT) == sizeof(h) && h.size == 8)
		if (recv(fe, &val, 8, MSG_DONTWAIT) != 8)
			val = UINT64_MAX;
	return val;
}

static bool setup(void)
{
	struct {
		uint32_t num, padding;
		struct vu_msg_region r[2];
	} __attribute__((packed)) mem = { .num = 1, .r[0] = { .guest_addr = GPA, .size = MEM_SIZE,
							 .user_addr = GPA, .mmap_offset = 0 } };
	uint64_t f, pf, zero = 0;
	bool ok = true;

	send_msg(VU_SET_OWNER, NULL, 0, -1);
	pump();
	f = req(VU_GET_FEATURES, NULL, 0, -1);
	pf = req(VU_GET_PROTOCOL_FEATURES, NULL, 0, -1);
	ok &= (f & (1ull << VNET_FEAT_MAC)) && (f & (1ull << VNET_FEAT_MTU)) &&
	      !(f & (1ull << VNET_FEAT_CSUM));
	ok &= req(VU_SET_PROTOCOL_FEATURES, &pf, 8, -1) == 0;
	ok &= req(VU_SET_FEATURES, &f, 8, -1) == 0;
	ok &= req(VU_SET_MEM_TABLE, &mem, sizeof(mem), memfd) == 0;
	for (unsigned q = 0; q < 2; q++) {
		struct vhost_vring_state st = { q, QNUM };
		struct vhost_vring_addr a = { .index = q, .desc_user_addr = RING(q),
					      .avail_user_addr = RING(q) + 0x1000,
					      .used_user_addr = RING(q) + 0x2000,
					      .log_guest_addr = UINT64_MAX };
		uint64_t idx = q;
		ok &= req(VU_SET_VRING_CALL, &idx, 8, call[q]) == 0;
		ok &= req(VU_SET_VRING_NUM, &st, 8, -1) == 0;
		st.num = 0;
		ok &= req(VU_SET_VRING_BASE, &st, 8, -1) == 0;
		ok &= req(VU_SET_VRING_ADDR, &a, sizeof(a), -1) == 0;
		ok &= req(VU_SET_VRING_KICK, &idx, 8, kick[q]) == 0;
		st.num = 1;
		ok &= req(VU_SET_VRING_ENABLE, &st, 8, -1) == 0;
	}
	(void)zero;
	if (!ok || vnet_failure(v))
		printf("# set-up: %s\n", vnet_failure(v) ? vnet_failure(v) : "a request was not acked");
	return ok && !vnet_failure(v);
}

/* Posts a chain of n descriptors starting at slot `first` on queue q. */
static void post(unsigned q, unsigned first, const struct desc *d, unsigned n)
{
	struct desc *table = (struct desc *)g(RING(q));
	uint16_t *avail = (uint16_t *)g(RING(q) + 0x1000);

	for (unsigned i = 0; i < n; i++) {
		table[(first + i) % QNUM] = d[i];
		if (i + 1 < n) {
			table[(first + i) % QNUM].flags |= VRING_DESC_F_NEXT;
			table[(first + i) % QNUM].next = (uint16_t)((first + i + 1) % QNUM);
		}
	}
	avail[2 + avail_idx[q] % QNUM] = (uint16_t)first;
	__atomic_store_n(&avail[1], ++avail_idx[q], __ATOMIC_RELEASE);
	uint64_t one = 1;
	if (write(kick[q], &one, 8) != 8)
		abort();
	pump();
}

static uint16_t used_idx(unsigned q)
{
	return *(uint16_t *)g(RING(q) + 0x2000 + 2);
}

static uint32_t used_len(unsigned q, uint16_t i)
{
	return *(uint32_t *)g(RING(q) + 0x2000 + 4 + 8u * (i % QNUM) + 4);
}

static void frame_at(uint64_t gpa, uint8_t flags, size_t len)
{
	memset(g(gpa), 0, VNET_HDR_LEN);
	g(gpa)[0] = flags;
	for (size_t i = 0; i < len; i++)
		g(gpa)[VNET_HDR_LEN + i] = (uint8_t)(i * 7);
}

int main(void)
{
	struct vnet_opts o = { .mac = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 }, .mtu = 1500, .tx = on_tx };
	struct rerr *err = NULL;
	int sv[2];
	uint8_t frame[100];

	TAP_PLAN(14);
	memfd = memfd_create("guest", MFD_CLOEXEC);
	if (memfd < 0 || ftruncate(memfd, (off_t)MEM_SIZE) < 0)
		return 1;
	img = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	for (int q = 0; q < 2; q++) {
		kick[q] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		call[q] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	}
	if (img == MAP_FAILED || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return 1;
	fe = sv[0];
	v = vnet_new(&o, &err);
	TAP_OK(v && vnet_attach(v, sv[1], &err) == 0, "the device takes the connection");
	TAP_OK(setup(), "virtio_uml's set-up: MAC and MTU offered, no offloads; two queues enabled");

	/* frames for a guest with no receive buffer wait */
	memset(frame, 0xab, sizeof(frame));
	vnet_rx_queue(v, NULL, frame, sizeof(frame));
	TAP_OK(vnet_rx_backlog(v) == 1 && used_idx(0) == 0, "a frame waits while no receive buffer is posted");
	post(0, 0, &(struct desc){ BUF(0), 2048, VRING_DESC_F_WRITE, 0 }, 1);
	TAP_OK(vnet_rx_backlog(v) == 0 && used_idx(0) == 1 && used_len(0, 0) == 112 &&
	       g(BUF(0))[10] == 1 && g(BUF(0))[12] == 0xab && g(BUF(0))[111] == 0xab,
	       "posting a buffer delivers it: 12-byte header, num_buffers 1, the frame");
	post(0, 1, &(struct desc){ BUF(1), 50, VRING_DESC_F_WRITE, 0 }, 1);
	vnet_rx_queue(v, NULL, frame, sizeof(frame));
	TAP_OK(used_idx(0) == 2 && used_len(0, 1) == 0 && vnet_stats(v)->rx_dropped == 1,
	       "a buffer too small goes back empty, the frame is dropped and counted");

	/* transmit */
	frame_at(BUF(2), 0, 60);
	post(1, 0, &(struct desc){ BUF(2), 72, 0, 0 }, 1);
	TAP_OK(got_n == 1 && got_len == 60 && got[1] == 7 && used_idx(1) == 1 && used_len(1, 0) == 0,
	       "a good frame reaches the backend whole and its buffer is returned");
	frame_at(BUF(3), 0, 60);
	struct desc split[3] = { { BUF(3), 1, 0, 0 }, { BUF(3) + 1, 11, 0, 0 }, { BUF(3) + 12, 60, 0, 0 } };
	post(1, 1, split, 3);
	TAP_OK(got_n == 2 && got_len == 60 && got[59] == (uint8_t)(59 * 7),
	       "a header split over three descriptors is reassembled");
	frame_at(BUF(4), 0, 60);
	struct desc with_in[2] = { { BUF(4), 72, 0, 0 }, { BUF(5), 100, VRING_DESC_F_WRITE, 0 } };
	post(1, 4, with_in, 2);
	TAP_OK(got_n == 2 && used_idx(1) == 3 && vnet_stats(v)->tx_refused[VNET_TX_HAS_IN] == 1,
	       "a transmit chain with a writable buffer is refused and returned");
	frame_at(BUF(6), VNET_F_NEEDS_CSUM, 60);
	post(1, 6, &(struct desc){ BUF(6), 72, 0, 0 }, 1);
	TAP_OK(got_n == 2 && vnet_stats(v)->tx_refused[VNET_TX_BAD_FLAGS] == 1,
	       "NEEDS_CSUM without the checksum offload is refused");
	frame_at(BUF(7), 0, 1600);
	post(1, 7, &(struct desc){ BUF(7), 12 + 1600, 0, 0 }, 1);
	TAP_OK(got_n == 2 && vnet_stats(v)->tx_refused[VNET_TX_TOO_LONG] == 1,
	       "a frame longer than the MTU allows is refused");
	post(1, 0, &(struct desc){ BUF(8), 8, 0, 0 }, 1);
	TAP_OK(got_n == 2 && vnet_stats(v)->tx_refused[VNET_TX_SHORT_HDR] == 1 && !vnet_failure(v),
	       "a chain shorter than the header is refused; the device goes on");
	uint64_t n;
	TAP_OK(read(call[1], &n, 8) == 8 && n >= 1, "the guest is notified of returned buffers");

	/* an address outside guest memory fails the device, not the process */
	post(1, 1, &(struct desc){ GPA + MEM_SIZE + 0x1000, 72, 0, 0 }, 1);
	TAP_OK(vnet_failure(v) != NULL && got_n == 2, "a descriptor outside guest memory fails the device");
	TAP_OK(vnet_pollfds(v, (struct pollfd[4]){ 0 }, 4) == 0, "a failed device is no longer polled");
	vnet_free(v);
	close(fe);
	return tap_done();
}
