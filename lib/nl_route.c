/* rtnetlink requests: see nl_route.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nl_route.h"

void nl_req_init(struct nl_req *r, uint16_t type, uint16_t flags, size_t body)
{
	memset(r, 0, sizeof(*r));
	r->h.nlmsg_len = (uint32_t)NLMSG_LENGTH(body);
	r->h.nlmsg_type = type;
	r->h.nlmsg_flags = flags;
}

void nl_add_attr(struct nl_req *r, unsigned short type, const void *data, size_t len)
{
	struct rtattr *a = (struct rtattr *)((char *)r + NLMSG_ALIGN(r->h.nlmsg_len));

	if (NLMSG_ALIGN(r->h.nlmsg_len) + RTA_SPACE(len) > sizeof(*r))
		return;
	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(a), data, len);
	r->h.nlmsg_len = (uint32_t)(NLMSG_ALIGN(r->h.nlmsg_len) + RTA_SPACE(len));
}

int nl_addr_req(struct nl_req *r, uint16_t op, int ifindex, const char *spec)
{
	char ip[64];
	unsigned char bin[16];
	const char *slash = strchr(spec, '/');
	int family;

	if (!slash || (size_t)(slash - spec) >= sizeof(ip))
		return -EINVAL;
	memcpy(ip, spec, (size_t)(slash - spec));
	ip[slash - spec] = '\0';
	family = strchr(ip, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(family, ip, bin) != 1)
		return -EINVAL;
	nl_req_init(r, op, op == RTM_NEWADDR ? NLM_F_CREATE | NLM_F_REPLACE : 0,
		    sizeof(struct ifaddrmsg));
	r->u.ifa.ifa_family = (unsigned char)family;
	r->u.ifa.ifa_prefixlen = (unsigned char)atoi(slash + 1);
	r->u.ifa.ifa_index = (unsigned)ifindex;
	nl_add_attr(r, IFA_LOCAL, bin, family == AF_INET ? 4 : 16);
	if (op == RTM_NEWADDR) {
		nl_add_attr(r, IFA_ADDRESS, bin, family == AF_INET ? 4 : 16);
		if (family == AF_INET6)
			r->u.ifa.ifa_flags = IFA_F_NODAD;
	}
	return 0;
}

int nl_talk(int fd, struct nl_req *r, nl_cb cb, void *opaque)
{
	static uint32_t seq;
	char buf[16384];

	r->h.nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	r->h.nlmsg_seq = ++seq;
	if (send(fd, r, r->h.nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != r->h.nlmsg_seq)
				continue;
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
			if (cb)
				cb(h, opaque);
		}
	}
}

int nl_exchange(struct nl_req *r, nl_cb cb, void *opaque)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int rc;

	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	rc = nl_talk(fd, r, cb, opaque);
	close(fd);
	return rc;
}
