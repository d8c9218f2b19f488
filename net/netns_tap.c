/* Mode netns: the guest takes over the interface that docker (or CNI, or a
 * test's `ip netns` veth) put in the container's network namespace.  The
 * monitor, which lives in that namespace, reads the interface's addresses,
 * removes them from the host side (so the namespace's own stack stays quiet:
 * no ARP replies, no RSTs for the guest's connections) and hands us an
 * AF_PACKET socket bound to it, with PACKET_VNET_HDR so checksum and
 * segmentation offloads pass between the host kernel and the guest's
 * virtio-net driver in virtio_net_hdr form (net/packet/af_packet.c, 6.1).
 *
 * Before the hand-over (the interface exists only after docker's prestart
 * hook) the guest's frames are dropped and nothing arrives.
 *
 * Frames to the DNS proxy (dns_proxy.h) are answered here. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "dns_proxy.h"
#include "net.h"

#define PKT_HDR_LEN   10u   /* struct virtio_net_hdr, what PACKET_VNET_HDR uses */
#define DNS_PENDING   64
#define DNS_MAX       4096  /* a UDP answer over EDNS0; larger ones are truncated by the server */
#define RX_BURST      64

struct dns_query {
	bool used;
	uint16_t id, port;      /* DNS id, guest source port */
	uint8_t mac[6];
	uint8_t ip[4];
	time_t when;
};

struct netns_tap {
	struct vnet *v;
	int pkt_fd, dns_fd;
	uint8_t *buf;
	uint8_t proxy_mac[6];
	uint8_t proxy_ip[4];
	struct dns_query q[DNS_PENDING];
	uint64_t tx_errors;
};

struct netns_tap *netns_tap_new(struct vnet *v, struct rerr **err)
{
	struct netns_tap *t = calloc(1, sizeof(*t));
	static const uint8_t mac[6] = DNS_PROXY_MAC;

	if (!t || !(t->buf = malloc(VNET_BUF_MAX))) {
		free(t);
		rerr_make(err, ENOMEM, "cannot set up the namespace interface");
		return NULL;
	}
	t->v = v;
	t->pkt_fd = t->dns_fd = -1;
	memcpy(t->proxy_mac, mac, 6);
	inet_pton(AF_INET, DNS_PROXY_IP, t->proxy_ip);
	return t;
}

void netns_tap_free(struct netns_tap *t)
{
	if (!t)
		return;
	if (t->pkt_fd >= 0)
		close(t->pkt_fd);
	if (t->dns_fd >= 0)
		close(t->dns_fd);
	free(t->buf);
	free(t);
}

int netns_tap_attach(struct netns_tap *t, int packet_fd, int dns_fd, const uint8_t *guest_mac,
		     struct rerr **err)
{
	(void)guest_mac;
	if (t->pkt_fd >= 0) {
		if (packet_fd >= 0)
			close(packet_fd);
		if (dns_fd >= 0)
			close(dns_fd);
		return rerr_make(err, EBUSY, "the interface is already attached");
	}
	t->pkt_fd = packet_fd;
	t->dns_fd = dns_fd;
	return 0;
}

static uint16_t csum16(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)(p[len - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* A guest frame for the proxy: Ethernet + IPv4 (no fragments) + UDP to
 * port 53.  Every length is checked against the frame. Returns true when
 * the frame was for the proxy (handled or dropped). */
static bool dns_from_guest(struct netns_tap *t, const uint8_t *f, size_t len)
{
	size_t ihl, ulen;
	const uint8_t *ip, *udp;

	if (len < VNET_ETH_HLEN || memcmp(f, t->proxy_mac, 6))
		return false;
	if (t->dns_fd < 0 || f[12] != 0x08 || f[13] != 0x00 || len < VNET_ETH_HLEN + 20 + 8)
		return true;
	ip = f + VNET_ETH_HLEN;
	ihl = (size_t)(ip[0] & 0x0f) * 4;
	if ((ip[0] >> 4) != 4 || ihl < 20 || VNET_ETH_HLEN + ihl + 8 > len || ip[9] != 17 ||
	    memcmp(ip + 16, t->proxy_ip, 4) || (ip[6] & 0x3f) || ip[7])
		return true; /* not IPv4/UDP to the proxy, or a fragment */
	size_t tot = (size_t)(ip[2] << 8 | ip[3]);
	if (tot < ihl + 8 || VNET_ETH_HLEN + tot > len)
		return true;
	udp = ip + ihl;
	ulen = (size_t)(udp[4] << 8 | udp[5]);
	if ((udp[2] << 8 | udp[3]) != 53 || ulen < 8 + 12 || ulen > tot - ihl)
		return true;
	const uint8_t *dns = udp + 8;
	size_t dlen = ulen - 8;
	uint16_t id = (uint16_t)(dns[0] << 8 | dns[1]);
	struct dns_query *slot = NULL;
	time_t now = time(NULL);
	for (int i = 0; i < DNS_PENDING && !slot; i++)
		if (!t->q[i].used || now - t->q[i].when > 10)
			slot = &t->q[i];
	if (!slot)
		return true; /* too many outstanding: the guest retries */
	*slot = (struct dns_query){ .used = true, .id = id, .port = (uint16_t)(udp[0] << 8 | udp[1]),
				    .when = now };
	memcpy(slot->mac, f + 6, 6);
	memcpy(slot->ip, ip + 12, 4);
	if (send(t->dns_fd, dns, dlen, MSG_DONTWAIT) < 0)
		slot->used = false;
	return true;
}

static void dns_to_guest(struct netns_tap *t)
{
	uint8_t ans[DNS_MAX];
	ssize_t n = recv(t->dns_fd, ans, sizeof(ans), MSG_DONTWAIT);
	struct dns_query *q = NULL;

	if (n < 12)
		return;
	uint16_t id = (uint16_t)(ans[0] << 8 | ans[1]);
	for (int i = 0; i < DNS_PENDING && !q; i++)
		if (t->q[i].used && t->q[i].id == id)
			q = &t->q[i];
	if (!q)
		return;
	q->used = false;
	uint8_t *f = t->buf, *ip = f + VNET_ETH_HLEN, *udp = ip + 20;
	size_t ulen = 8 + (size_t)n, tot = 20 + ulen;
	memcpy(f, q->mac, 6);
	memcpy(f + 6, t->proxy_mac, 6);
	f[12] = 0x08;
	f[13] = 0x00;
	memset(ip, 0, 20);
	ip[0] = 0x45;
	ip[2] = (uint8_t)(tot >> 8);
	ip[3] = (uint8_t)tot;
	ip[6] = 0x40; /* DF */
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, t->proxy_ip, 4);
	memcpy(ip + 16, q->ip, 4);
	uint16_t c = csum16(ip, 20);
	ip[10] = (uint8_t)(c >> 8);
	ip[11] = (uint8_t)c;
	udp[0] = 0;
	udp[1] = 53;
	udp[2] = (uint8_t)(q->port >> 8);
	udp[3] = (uint8_t)q->port;
	udp[4] = (uint8_t)(ulen >> 8);
	udp[5] = (uint8_t)ulen;
	udp[6] = udp[7] = 0; /* no UDP checksum (IPv4 allows it) */
	memcpy(udp + 8, ans, (size_t)n);
	vnet_rx_queue(t->v, NULL, f, VNET_ETH_HLEN + tot);
}

void netns_tap_tx(const uint8_t *hdr, const uint8_t *frame, size_t len, void *opaque)
{
	struct netns_tap *t = opaque;
	struct iovec iov[2] = { { (void *)hdr, PKT_HDR_LEN }, { (void *)frame, len } };
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };

	if (dns_from_guest(t, frame, len) || t->pkt_fd < 0)
		return;
	/* the host kernel checks the header again (virtio_net_hdr_to_skb) */
	if (sendmsg(t->pkt_fd, &mh, MSG_DONTWAIT) < 0 && t->tx_errors++ < 8)
		fprintf(stderr, "runuml-net: cannot send a frame: %s\n", strerror(errno));
}

void netns_tap_fill(struct netns_tap *t, struct pollvec *pv)
{
	/* read the interface only while nothing waits for guest buffers: the
	 * socket's queue is the backpressure */
	if (t->pkt_fd >= 0 && !vnet_rx_backlog(t->v))
		pollvec_add(pv, t->pkt_fd, POLLIN);
	if (t->dns_fd >= 0)
		pollvec_add(pv, t->dns_fd, POLLIN);
}

static void rx_frames(struct netns_tap *t)
{
	uint8_t hdr[VNET_HDR_LEN] = { 0 };

	for (int i = 0; i < RX_BURST && !vnet_rx_backlog(t->v); i++) {
		struct iovec iov[2] = { { hdr, PKT_HDR_LEN }, { t->buf, VNET_BUF_MAX } };
		struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };
		ssize_t n = recvmsg(t->pkt_fd, &mh, MSG_DONTWAIT | MSG_TRUNC);
		if (n < 0)
			return;
		if (mh.msg_flags & MSG_TRUNC || (size_t)n < PKT_HDR_LEN + VNET_ETH_HLEN ||
		    (size_t)n > PKT_HDR_LEN + VNET_BUF_MAX)
			continue;
		vnet_rx_queue(t->v, hdr, t->buf, (size_t)n - PKT_HDR_LEN);
	}
}

void netns_tap_poll(struct netns_tap *t, const struct pollvec *pv, size_t first)
{
	for (size_t i = first; i < pv->n; i++) {
		if (!pv->fds[i].revents)
			continue;
		if (pv->fds[i].fd == t->pkt_fd)
			rx_frames(t);
		else if (pv->fds[i].fd == t->dns_fd)
			dns_to_guest(t);
	}
}
