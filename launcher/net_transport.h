/* How the guest reaches the network: the monitor's side of runuml-net
 * (net/), the vhost-user virtio-net device the kernel gets as
 * virtio_uml.device=net.sock:1.
 *
 * Modes (docs/networking.md):
 *   slirp  libslirp in runuml-net, in the host's network namespace (the one
 *          the monitor started in): guest 10.0.2.15/24, gateway 10.0.2.2,
 *          DNS 10.0.2.3, port forwards; the rootless default
 *   netns  the guest takes over the interface of the container's network
 *          namespace (docker's bridge veth, a CNI or `ip netns` veth):
 *          its MAC, addresses, default routes and MTU
 *   none   loopback only; no device at all
 * `auto` (the default) picks: no network namespace requested -> slirp;
 * a namespace path -> netns; rootless -> slirp; a new namespace with
 * prestart/createRuntime hooks (docker's libnetwork-setkey, nerdctl) ->
 * netns when the hooks put an interface there, else none (docker
 * --network none); a new namespace and no hooks -> slirp.
 *
 * Order (monitor_main.c):
 *   net_transport_start       before the monitor joins the container's
 *                             namespace: picks the mode, starts runuml-net
 *                             and waits until it is confined and its ports
 *                             are bound (a port in use fails here)
 *   net_transport_kernel_args the device
 *   net_transport_after_hooks after the create-time hooks: netns reads and
 *                             takes over the interface and hands it to
 *                             runuml-net; builds the guest's configuration
 *   net_transport_guest_config the CTL_NET payload, sent before CTL_START
 *   net_transport_release     kills runuml-net, closes everything
 *
 * CTL_NET payload (guest: launcher/guest/guest_net.c): text lines
 *   mode slirp|netns|none
 *   mac 02:42:ac:11:00:02        the address to take (netns)
 *   mtu 1500
 *   addr 172.17.0.2/16           one per address, IPv4 or IPv6
 *   gw 172.17.0.1                IPv4 default route
 *   gw6 2001:db8::1              IPv6 default route
 *   dns 10.0.2.3                 resolvers for a resolv.conf (slirp), used
 *                                only when the bundle mounts none
 *   dnsproxy IP MAC              netns: where docker's 127.0.0.11 is
 *                                reached (net/dns_proxy.h) */
#ifndef RUNUML_NET_TRANSPORT_H
#define RUNUML_NET_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "helper_proc.h"
#include "monitor.h"
#include "oci_spec.h"
#include "rerr.h"

/* The monitor's --net options (from runuml's --network, -p/--publish and
 * --net-allow-host-loopback), each "key=value" or "flag". */
struct net_cli_opts {
	const char *mode;          /* auto|slirp|netns|none; NULL = auto */
	char *publish;             /* comma-separated list, or NULL */
	bool allow_host_loopback;
};
int net_cli_opt(struct net_cli_opts *o, const char *arg, struct rerr **err);
void net_cli_opts_clear(struct net_cli_opts *o);

struct netns_iface;
enum net_transport_mode { NETT_NONE, NETT_SLIRP, NETT_NETNS };

struct net_transport {
	enum net_transport_mode mode;
	bool by_hooks;       /* netns if the hooks make an interface, else none */
	int ctl_fd;          /* SOCK_SEQPACKET to runuml-net */
	struct helper_proc helper;
	char *guest_cfg;
	struct netns_iface *taken; /* netns: the interface taken over */
	pid_t restorer;            /* netns: gives it back when the monitor goes */
	int restorer_fd;
	dev_t host_dev;            /* the network namespace the monitor started in: */
	ino_t host_ino;            /* never taken over (docker --network host) */
};

int net_transport_start(struct net_transport *n, const struct oci_spec *spec,
			const struct net_cli_opts *o, const char *state_dir, const char *helper,
			struct rerr **err);
int net_transport_kernel_args(struct net_transport *n, struct kernel_args *ka, struct rerr **err);
int net_transport_after_hooks(struct net_transport *n, struct rerr **err);
const char *net_transport_guest_config(const struct net_transport *n);
void net_transport_release(struct net_transport *n);

#endif
