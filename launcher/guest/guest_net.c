/* The guest's network, configured by init with rtnetlink alone (no tools
 * in the image): the host sends one CTL_NET frame after the create-time
 * hooks (docker's network exists only then) and before CTL_START.  Its
 * format is documented in launcher/net_transport.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guest.h"
#include "nl_route.h"
#include "guest_net.h"

#define NET_IF        "eth0"
#define RESOLV_SRC    "/.runuml-resolv.conf"
#define DOCKER_DNS    "127.0.0.11"
#define MAX_ADDRS     8

#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif

struct net_cfg {
	char mode[64];
	bool has_mac;
	uint8_t mac[6];
	unsigned mtu;
	char addr[MAX_ADDRS][64];
	size_t n_addr;
	char gw[64], gw6[64];
	char dns[4][64];
	size_t n_dns;
	char proxy_ip[64];
	uint8_t proxy_mac[6];
	bool has_proxy;
};

static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned b[6];

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6)
		return -1;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return 0;
}

static void parse_cfg(const char *text, struct net_cfg *c)
{
	char *copy = strdup(text), *save = NULL;

	memset(c, 0, sizeof(*c));
	for (char *l = copy ? strtok_r(copy, "\n", &save) : NULL; l; l = strtok_r(NULL, "\n", &save)) {
		char key[16], a[64], b[64];
		int n = sscanf(l, "%15s %63s %63s", key, a, b);
		if (n < 2)
			continue;
		if (!strcmp(key, "mode"))
			snprintf(c->mode, sizeof(c->mode), "%s", a);
		else if (!strcmp(key, "mac"))
			c->has_mac = parse_mac(a, c->mac) == 0;
		else if (!strcmp(key, "mtu"))
			c->mtu = (unsigned)strtoul(a, NULL, 10);
		else if (!strcmp(key, "addr") && c->n_addr < MAX_ADDRS)
			snprintf(c->addr[c->n_addr++], 64, "%s", a);
		else if (!strcmp(key, "gw"))
			snprintf(c->gw, sizeof(c->gw), "%s", a);
		else if (!strcmp(key, "gw6"))
			snprintf(c->gw6, sizeof(c->gw6), "%s", a);
		else if (!strcmp(key, "dns") && c->n_dns < 4)
			snprintf(c->dns[c->n_dns++], 64, "%s", a);
		else if (!strcmp(key, "dnsproxy") && n == 3)
			c->has_proxy = parse_mac(b, c->proxy_mac) == 0 &&
				       snprintf(c->proxy_ip, sizeof(c->proxy_ip), "%s", a) > 0;
	}
	free(copy);
}

static int link_set(int fd, int ifindex, const struct net_cfg *c, bool up)
{
	struct nl_req r;

	nl_req_init(&r, RTM_NEWLINK, 0, sizeof(struct ifinfomsg));
	r.u.ifi.ifi_family = AF_UNSPEC;
	r.u.ifi.ifi_index = ifindex;
	if (up) {
		r.u.ifi.ifi_flags = IFF_UP;
		r.u.ifi.ifi_change = IFF_UP;
	}
	if (c && c->has_mac)
		nl_add_attr(&r, IFLA_ADDRESS, c->mac, 6);
	if (c && c->mtu) {
		uint32_t mtu = c->mtu;
		nl_add_attr(&r, IFLA_MTU, &mtu, sizeof(mtu));
	}
	return nl_talk(fd, &r, NULL, NULL);
}

static int addr_add(int fd, int ifindex, const char *spec)
{
	struct nl_req r;
	int e = nl_addr_req(&r, RTM_NEWADDR, ifindex, spec);

	return e < 0 ? e : nl_talk(fd, &r, NULL, NULL);
}

/* A default route via gw, or (gw NULL) an on-link host route to dst. */
static int route_add(int fd, int ifindex, const char *gw, const char *dst)
{
	unsigned char bin[16];
	const char *a = gw ? gw : dst;
	int family = strchr(a, ':') ? AF_INET6 : AF_INET;
	struct nl_req r;
	uint32_t oif = (uint32_t)ifindex;

	if (inet_pton(family, a, bin) != 1)
		return -EINVAL;
	nl_req_init(&r, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, sizeof(struct rtmsg));
	r.u.rt.rtm_family = (unsigned char)family;
	r.u.rt.rtm_table = RT_TABLE_MAIN;
	r.u.rt.rtm_protocol = RTPROT_BOOT;
	r.u.rt.rtm_type = RTN_UNICAST;
	if (gw) {
		r.u.rt.rtm_scope = RT_SCOPE_UNIVERSE;
		nl_add_attr(&r, RTA_GATEWAY, bin, family == AF_INET ? 4 : 16);
	} else {
		r.u.rt.rtm_scope = RT_SCOPE_LINK;
		r.u.rt.rtm_dst_len = family == AF_INET ? 32 : 128;
		nl_add_attr(&r, RTA_DST, bin, family == AF_INET ? 4 : 16);
	}
	nl_add_attr(&r, RTA_OIF, &oif, sizeof(oif));
	return nl_talk(fd, &r, NULL, NULL);
}

static int neigh_add(int fd, int ifindex, const char *ip, const uint8_t mac[6])
{
	unsigned char bin[4];
	struct nl_req r;

	if (inet_pton(AF_INET, ip, bin) != 1)
		return -EINVAL;
	nl_req_init(&r, RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE, sizeof(struct ndmsg));
	r.u.nd.ndm_family = AF_INET;
	r.u.nd.ndm_ifindex = ifindex;
	r.u.nd.ndm_state = NUD_PERMANENT;
	nl_add_attr(&r, NDA_DST, bin, 4);
	nl_add_attr(&r, NDA_LLADDR, mac, 6);
	return nl_talk(fd, &r, NULL, NULL);
}

static bool spec_binds(const struct launch_doc *doc, const char *dest)
{
	for (size_t i = 0; i < doc->spec->n_mounts; i++)
		if (!strcmp(doc->spec->mounts[i].destination, dest))
			return true;
	return false;
}

/* Mounts RESOLV_SRC over /etc/resolv.conf in the container's mount
 * namespace: a detached clone of the file (open_tree) attached there by a
 * child that joined it (move_mount wants a target in the caller's own
 * namespace), so the image's file is never written. */
static void mount_resolv(pid_t container)
{
	char path[64];
	int tree, ns, status;
	pid_t pid;

	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)container);
	ns = open(path, O_RDONLY | O_CLOEXEC);
	tree = (int)syscall(SYS_open_tree, AT_FDCWD, RESOLV_SRC, OPEN_TREE_CLONE | O_CLOEXEC);
	if (ns < 0 || tree < 0) {
		guest_log("cannot prepare /etc/resolv.conf: %s", strerror(errno));
		goto out;
	}
	pid = fork();
	if (pid == 0) {
		if (setns(ns, CLONE_NEWNS) < 0)
			_exit(1);
		int fd = open("/etc/resolv.conf", O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd >= 0)
			close(fd);
		if (syscall(SYS_move_mount, tree, "", AT_FDCWD, "/etc/resolv.conf",
			    MOVE_MOUNT_F_EMPTY_PATH) < 0)
			_exit(2);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		guest_log("cannot mount /etc/resolv.conf in the container (%s)",
			  pid < 0 ? "fork failed" : "no mount point");
out:
	if (ns >= 0)
		close(ns);
	if (tree >= 0)
		close(tree);
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	size_t len = strlen(text);

	if (fd < 0)
		return -1;
	if (write(fd, text, len) != (ssize_t)len) {
		close(fd);
		return -1;
	}
	return close(fd);
}

/* The container's resolv.conf: ours (slirp) when the bundle has none of
 * its own; the bundle's with docker's 127.0.0.11 replaced by the DNS proxy
 * address (netns) when it names it. */
static void resolv_conf(const struct launch_doc *doc, pid_t container, const struct net_cfg *c)
{
	char text[4096], path[64];
	size_t len = 0;

	text[0] = '\0';
	if (spec_binds(doc, "/etc/resolv.conf")) {
		char orig[4096];
		ssize_t n;
		int fd;
		if (!c->has_proxy)
			return;
		snprintf(path, sizeof(path), "/proc/%d/root/etc/resolv.conf", (int)container);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return;
		n = read(fd, orig, sizeof(orig) - 1);
		close(fd);
		if (n <= 0)
			return;
		orig[n] = '\0';
		if (!strstr(orig, DOCKER_DNS))
			return;
		for (char *p = orig, *hit; *p && len < sizeof(text) - 64; p = hit + strlen(DOCKER_DNS)) {
			hit = strstr(p, DOCKER_DNS);
			if (!hit) {
				len += (size_t)snprintf(text + len, sizeof(text) - len, "%s", p);
				break;
			}
			len += (size_t)snprintf(text + len, sizeof(text) - len, "%.*s%s", (int)(hit - p), p,
						c->proxy_ip);
		}
	} else {
		if (!c->n_dns)
			return;
		for (size_t i = 0; i < c->n_dns; i++)
			len += (size_t)snprintf(text + len, sizeof(text) - len, "nameserver %s\n", c->dns[i]);
	}
	if (write_file(RESOLV_SRC, text) < 0) {
		guest_log("cannot write %s: %s", RESOLV_SRC, strerror(errno));
		return;
	}
	mount_resolv(container);
}

void guest_net_apply(const struct launch_doc *doc, pid_t container, const uint8_t *cfg,
		     size_t len)
{
	char *text = strndup((const char *)cfg, len);
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct net_cfg c;
	int fd, r, lo, eth;

	if (!text)
		return;
	parse_cfg(text, &c);
	free(text);
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		guest_log("cannot open rtnetlink: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	lo = (int)if_nametoindex("lo");
	if (lo > 0 && (r = link_set(fd, lo, NULL, true)) < 0)
		guest_log("cannot bring up lo: %s", strerror(-r));
	eth = (int)if_nametoindex(NET_IF);
	if (!strcmp(c.mode, "none") || !c.mode[0]) {
		close(fd);
		return;
	}
	if (eth <= 0) {
		guest_log("network mode %s, but the guest has no %s", c.mode, NET_IF);
		close(fd);
		return;
	}
	/* MAC and MTU while down, then up: IPv6 link-local and router
	 * solicitation then use the final address */
	if ((r = link_set(fd, eth, &c, false)) < 0)
		guest_log("cannot set the MAC address or MTU of %s: %s", NET_IF, strerror(-r));
	if ((r = link_set(fd, eth, NULL, true)) < 0)
		guest_log("cannot bring up %s: %s", NET_IF, strerror(-r));
	for (size_t i = 0; i < c.n_addr; i++)
		if ((r = addr_add(fd, eth, c.addr[i])) < 0)
			guest_log("cannot add address %s: %s", c.addr[i], strerror(-r));
	if (c.gw[0] && (r = route_add(fd, eth, c.gw, NULL)) < 0)
		guest_log("cannot add the default route via %s: %s", c.gw, strerror(-r));
	if (c.gw6[0] && (r = route_add(fd, eth, c.gw6, NULL)) < 0)
		guest_log("cannot add the IPv6 default route via %s: %s", c.gw6, strerror(-r));
	if (c.has_proxy && ((r = route_add(fd, eth, NULL, c.proxy_ip)) < 0 ||
			    (r = neigh_add(fd, eth, c.proxy_ip, c.proxy_mac)) < 0))
		guest_log("cannot reach the DNS proxy %s: %s", c.proxy_ip, strerror(-r));
	close(fd);
	if (container > 0)
		resolv_conf(doc, container, &c);
}
