/* runuml-net internals shared by its files:
 *   net_main.c      arguments, the monitor handshake, the event loop
 *   net_confine.c   the ordered confinement (docs/confinement.md)
 *   vnet_dev.c      the virtio-net device over vhost-user
 *   vnet_frame.c    virtio-net header and frame checks
 *   slirp_glue.c    mode slirp: libslirp's user-mode TCP/IP
 *   netns_tap.c     mode netns: frames to and from an AF_PACKET socket
 *   port_spec.c     port forward specifications */
#ifndef RUNUML_NET_H
#define RUNUML_NET_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "port_spec.h"
#include "rerr.h"
#include "vnet_dev.h"

enum net_mode { NET_SLIRP, NET_NETNS };

/* Slirp's fixed addresses (the same as QEMU's and slirp4netns's). */
#define SLIRP_NET      "10.0.2.0"
#define SLIRP_MASK     "255.255.255.0"
#define SLIRP_HOST     "10.0.2.2"
#define SLIRP_DNS      "10.0.2.3"
#define SLIRP_GUEST    "10.0.2.15"
#define SLIRP_PREFIX6  "fd00::"
#define SLIRP_HOST6    "fd00::2"
#define SLIRP_DNS6     "fd00::3"
#define SLIRP_MTU      65520

struct net_opts {
	enum net_mode mode;
	int listen_fd;            /* the vhost-user socket UML connects to */
	int ctl_fd;               /* SOCK_SEQPACKET to the monitor */
	pid_t parent;
	const char *empty_root;
	const char *resolv_conf;  /* slirp: the resolver list slirp forwards DNS to */
	uint16_t mtu;
	uint8_t mac[6];
	bool allow_host_loopback;
	bool ipv6;
	struct port_fwd fwd[PORT_SPEC_MAX];
	size_t n_fwd;
	bool debug, print_seccomp, test_forbidden_syscall;
};

/* A growable poll set. */
struct pollvec {
	struct pollfd *fds;
	size_t n, cap;
};
int pollvec_add(struct pollvec *pv, int fd, short events);

/* --- net_confine.c --- */
int net_confine(const struct net_opts *o, const int *keep, size_t n_keep, struct rerr **err);
void net_print_seccomp(int fd);

/* --- slirp_glue.c --- */
struct slirp_net;
/* Before confinement: creates the stack and binds the forwarded ports. */
struct slirp_net *slirp_net_new(const struct net_opts *o, struct vnet *v, struct rerr **err);
void slirp_net_free(struct slirp_net *s);
/* implements vnet_opts.tx for mode slirp */
void slirp_net_tx(const uint8_t *hdr, const uint8_t *frame, size_t len, void *opaque);
/* Adds slirp's sockets to pv (from index pv->n on) and lowers *timeout_ms
 * to its next timer. */
void slirp_net_fill(struct slirp_net *s, struct pollvec *pv, int *timeout_ms);
/* After poll: first is where slirp_net_fill started adding. */
void slirp_net_poll(struct slirp_net *s, const struct pollvec *pv, size_t first, bool failed);

/* --- netns_tap.c --- */
struct netns_tap;
struct netns_tap *netns_tap_new(struct vnet *v, struct rerr **err);
void netns_tap_free(struct netns_tap *t);
/* The monitor's hand-over: the packet socket bound to the namespace's
 * interface (with PACKET_VNET_HDR), and optionally a UDP socket connected to
 * the namespace's DNS server (docker's embedded 127.0.0.11) for the guest's
 * queries to the DNS proxy address. */
int netns_tap_attach(struct netns_tap *t, int packet_fd, int dns_fd, const uint8_t *guest_mac,
		     struct rerr **err);
/* implements vnet_opts.tx for mode netns */
void netns_tap_tx(const uint8_t *hdr, const uint8_t *frame, size_t len, void *opaque);
void netns_tap_fill(struct netns_tap *t, struct pollvec *pv);
void netns_tap_poll(struct netns_tap *t, const struct pollvec *pv, size_t first);

#endif
