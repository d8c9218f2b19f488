/* Reading and taking over the namespace's interface with rtnetlink (see
 * netns_iface.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cleanup.h"
#include "netns_iface.h"
#include "nl_route.h"

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif


struct find_ctx {
	struct netns_iface *ifc;
	int found;
};

/* RTM_NEWLINK answers: the first Ethernet link that is not loopback,
 * preferring eth0 (docker's and CNI's name). */
static void on_link(struct nlmsghdr *h, void *opaque)
{
	struct find_ctx *c = opaque;
	struct ifinfomsg *ifi = NLMSG_DATA(h);
	int len = (int)h->nlmsg_len - (int)NLMSG_LENGTH(sizeof(*ifi));
	struct netns_iface cand = { .index = ifi->ifi_index };
	bool has_mac = false;

	if (h->nlmsg_type != RTM_NEWLINK || ifi->ifi_type != ARPHRD_ETHER ||
	    (ifi->ifi_flags & IFF_LOOPBACK))
		return;
	for (struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type == IFLA_IFNAME)
			snprintf(cand.name, sizeof(cand.name), "%s", (char *)RTA_DATA(a));
		else if (a->rta_type == IFLA_ADDRESS && RTA_PAYLOAD(a) == 6) {
			memcpy(cand.mac, RTA_DATA(a), 6);
			has_mac = true;
		} else if (a->rta_type == IFLA_MTU && RTA_PAYLOAD(a) == 4)
			memcpy(&cand.mtu, RTA_DATA(a), 4);
	}
	if (!has_mac || (c->found && strcmp(cand.name, "eth0")))
		return;
	*c->ifc = cand;
	c->found = 1;
}

static void on_addr(struct nlmsghdr *h, void *opaque)
{
	struct netns_iface *ifc = opaque;
	struct ifaddrmsg *ifa = NLMSG_DATA(h);
	int len = (int)h->nlmsg_len - (int)NLMSG_LENGTH(sizeof(*ifa));
	char ip[INET6_ADDRSTRLEN];
	const void *bin = NULL;

	if (h->nlmsg_type != RTM_NEWADDR || (int)ifa->ifa_index != ifc->index ||
	    ifa->ifa_scope != RT_SCOPE_UNIVERSE || ifc->n_addr == NETNS_MAX_ADDRS)
		return;
	for (struct rtattr *a = IFA_RTA(ifa); RTA_OK(a, len); a = RTA_NEXT(a, len))
		if ((a->rta_type == IFA_LOCAL) || (a->rta_type == IFA_ADDRESS && !bin))
			bin = RTA_DATA(a);
	if (!bin || !inet_ntop(ifa->ifa_family, bin, ip, sizeof(ip)))
		return;
	snprintf(ifc->addr[ifc->n_addr++], sizeof(ifc->addr[0]), "%s/%u", ip, ifa->ifa_prefixlen);
}

static void on_route(struct nlmsghdr *h, void *opaque)
{
	struct netns_iface *ifc = opaque;
	struct rtmsg *rt = NLMSG_DATA(h);
	int len = (int)h->nlmsg_len - (int)NLMSG_LENGTH(sizeof(*rt));
	const void *gw = NULL;
	int oif = 0;
	char ip[INET6_ADDRSTRLEN];

	if (h->nlmsg_type != RTM_NEWROUTE || rt->rtm_dst_len != 0 || rt->rtm_table != RT_TABLE_MAIN)
		return;
	for (struct rtattr *a = RTM_RTA(rt); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type == RTA_GATEWAY)
			gw = RTA_DATA(a);
		else if (a->rta_type == RTA_OIF && RTA_PAYLOAD(a) == 4)
			memcpy(&oif, RTA_DATA(a), 4);
	}
	if (!gw || oif != ifc->index || !inet_ntop(rt->rtm_family, gw, ip, sizeof(ip)))
		return;
	if (rt->rtm_family == AF_INET)
		snprintf(ifc->gw, sizeof(ifc->gw), "%s", ip);
	else if (rt->rtm_family == AF_INET6 && strncmp(ip, "fe80:", 5))
		snprintf(ifc->gw6, sizeof(ifc->gw6), "%s", ip);
}

static void read_sysctl(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, size - 1) : -1;

	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = '\0';
	if (n > 0 && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
}

int netns_iface_find(struct netns_iface *ifc, struct rerr **err)
{
	struct find_ctx c = { .ifc = ifc };
	struct nl_req r;
	int e;

	memset(ifc, 0, sizeof(*ifc));
	nl_req_init(&r, RTM_GETLINK, NLM_F_DUMP, sizeof(struct ifinfomsg));
	if ((e = nl_exchange(&r, on_link, &c)) < 0)
		return rerr_make(err, -e, "cannot list the network namespace's interfaces");
	if (!c.found)
		return 0;
	nl_req_init(&r, RTM_GETADDR, NLM_F_DUMP, sizeof(struct ifaddrmsg));
	if ((e = nl_exchange(&r, on_addr, ifc)) < 0)
		return rerr_make(err, -e, "cannot list the addresses of `%s`", ifc->name);
	char path[128];
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", ifc->name);
	read_sysctl(path, ifc->ipv6_was, sizeof(ifc->ipv6_was));
	for (int fam = 0; fam < 2; fam++) {
		nl_req_init(&r, RTM_GETROUTE, NLM_F_DUMP, sizeof(struct rtmsg));
		r.u.rt.rtm_family = fam ? AF_INET6 : AF_INET;
		if ((e = nl_exchange(&r, on_route, ifc)) < 0)
			return rerr_make(err, -e, "cannot list the routes of `%s`", ifc->name);
	}
	return 1;
}

static int addr_op(const struct netns_iface *ifc, const char *spec, uint16_t op)
{
	struct nl_req r;
	int e = nl_addr_req(&r, op, ifc->index, spec);

	return e < 0 ? e : nl_exchange(&r, NULL, NULL);
}

static void write_sysctl(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	if (write(fd, value, strlen(value)) < 0) {
		/* IPv6 may be off in the namespace already: nothing to quiet */
	}
	close(fd);
}

static void route_restore(const struct netns_iface *ifc, const char *gw)
{
	unsigned char bin[16];
	int family = strchr(gw, ':') ? AF_INET6 : AF_INET;
	uint32_t oif = (uint32_t)ifc->index;
	struct nl_req r;

	if (inet_pton(family, gw, bin) != 1)
		return;
	nl_req_init(&r, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, sizeof(struct rtmsg));
	r.u.rt.rtm_family = (unsigned char)family;
	r.u.rt.rtm_table = RT_TABLE_MAIN;
	r.u.rt.rtm_protocol = RTPROT_BOOT;
	r.u.rt.rtm_type = RTN_UNICAST;
	r.u.rt.rtm_scope = RT_SCOPE_UNIVERSE;
	nl_add_attr(&r, RTA_GATEWAY, bin, family == AF_INET ? 4 : 16);
	nl_add_attr(&r, RTA_OIF, &oif, sizeof(oif));
	nl_exchange(&r, NULL, NULL);
}

void netns_iface_restore(const struct netns_iface *ifc)
{
	char path[128];

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", ifc->name);
	if (ifc->ipv6_was[0])
		write_sysctl(path, ifc->ipv6_was);
	for (size_t i = 0; i < ifc->n_addr; i++)
		addr_op(ifc, ifc->addr[i], RTM_NEWADDR);
	if (ifc->gw[0])
		route_restore(ifc, ifc->gw);
	if (ifc->gw6[0])
		route_restore(ifc, ifc->gw6);
}

int netns_iface_take(struct netns_iface *ifc, struct rerr **err)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL),
				   .sll_ifindex = ifc->index };
	char path[128];
	int one = 1, e, fd, buf = 4 << 20;

	for (size_t i = 0; i < ifc->n_addr; i++)
		if ((e = addr_op(ifc, ifc->addr[i], RTM_DELADDR)) < 0 && e != -EADDRNOTAVAIL)
			return rerr_make(err, -e, "cannot remove address %s from `%s`", ifc->addr[i],
					 ifc->name);
	/* no link-local address, router solicitations or NDP answers either */
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", ifc->name);
	write_sysctl(path, "1");
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
	if (fd < 0)
		return rerr_make(err, errno, "cannot open a packet socket on `%s`", ifc->name);
	if (setsockopt(fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		e = errno;
		close(fd);
		return rerr_make(err, e, "cannot attach to `%s`", ifc->name);
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
	return fd;
}

int netns_dns_socket(const char *ip)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(53) };
	int fd;

	if (inet_pton(AF_INET, ip, &sa.sin_addr) != 1)
		return -1;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}
