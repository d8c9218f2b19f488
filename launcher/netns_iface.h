/* The interface docker (or CNI, or `ip netns` + veth) put in the
 * container's network namespace, as the monitor -- which lives in that
 * namespace -- finds it after the create-time hooks, and takes it over for
 * the guest (mode netns, see net_transport.h). */
#ifndef RUNUML_NETNS_IFACE_H
#define RUNUML_NETNS_IFACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rerr.h"

#define NETNS_MAX_ADDRS 8

struct netns_iface {
	int index;
	char name[16];
	uint8_t mac[6];
	unsigned mtu;
	char addr[NETNS_MAX_ADDRS][64];  /* "a.b.c.d/len", "x::y/len" (global scope) */
	size_t n_addr;
	char gw[64], gw6[64];            /* default routes, "" when none */
	char ipv6_was[4];                /* disable_ipv6 as found */
};

/* Finds the namespace's one Ethernet interface (loopback aside).
 * Returns 1 and fills *ifc, 0 when there is none, < 0 on error. */
int netns_iface_find(struct netns_iface *ifc, struct rerr **err);
/* Removes its addresses from the host side (IPv6 is disabled on it) so the
 * namespace's own stack neither answers ARP nor resets the guest's
 * connections, keeping the link up, and returns an AF_PACKET socket bound
 * to it with PACKET_VNET_HDR and PACKET_IGNORE_OUTGOING. */
int netns_iface_take(struct netns_iface *ifc, struct rerr **err);
/* Gives the addresses and default routes back to the host side (best
 * effort: a namespace that outlives the container, `ip netns`, finds its
 * interface as it was). */
void netns_iface_restore(const struct netns_iface *ifc);
/* A UDP socket connected to ip:53 in this namespace, or -1. */
int netns_dns_socket(const char *ip);

#endif
