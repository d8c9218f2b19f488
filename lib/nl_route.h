/* rtnetlink requests, shared by the guest init (configuring eth0) and the
 * monitor (reading and stripping the interface of a network namespace):
 * one fixed-size request buffer, its attributes, and a send-and-wait that
 * hands every answer to a callback until the acknowledgement. */
#ifndef RUNUML_NL_ROUTE_H
#define RUNUML_NL_ROUTE_H

#include <stddef.h>
#include <stdint.h>

#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

struct nl_req {
	struct nlmsghdr h;
	union {
		struct ifinfomsg ifi;
		struct ifaddrmsg ifa;
		struct rtmsg rt;
		struct ndmsg nd;
	} u;
	char attrs[256];
};

typedef void (*nl_cb)(struct nlmsghdr *h, void *opaque);

void nl_req_init(struct nl_req *r, uint16_t type, uint16_t flags, size_t body);
/* Appends an attribute; one that does not fit is dropped (the requests
 * built here are far smaller than the buffer). */
void nl_add_attr(struct nl_req *r, unsigned short type, const void *data, size_t len);
/* RTM_NEWADDR (replace; IPv6 without duplicate detection: the address moved
 * here from the host side) or RTM_DELADDR of "a.b.c.d/len" or "x::y/len" on
 * ifindex.  Returns 0 or -EINVAL for a malformed spec. */
int nl_addr_req(struct nl_req *r, uint16_t op, int ifindex, const char *spec);
/* Sends r on fd (a bound NETLINK_ROUTE socket) and hands every answer to cb
 * (may be NULL) until NLMSG_DONE or the acknowledgement; 0 or -errno. */
int nl_talk(int fd, struct nl_req *r, nl_cb cb, void *opaque);
/* nl_talk on a socket of its own. */
int nl_exchange(struct nl_req *r, nl_cb cb, void *opaque);

#endif
