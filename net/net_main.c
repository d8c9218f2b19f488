/* runuml-net: the container's network device.  One process per container
 * serves a vhost-user virtio-net device (virtio id 1) that the UML kernel
 * connects to (virtio_uml.device=net.sock:1), and moves the guest's
 * Ethernet frames to and from the host:
 *
 *   slirp  libslirp's user-mode TCP/IP (rootless default): slirp_glue.c
 *   netns  an AF_PACKET socket on the interface of the container's network
 *          namespace (docker's bridge veth), handed over by the monitor
 *          once the create-time hooks have made it: netns_tap.c
 *
 *   runuml-net --mode slirp|netns --listen-fd N --ctl-fd N [--parent PID]
 *              [--empty-root DIR] [--mac MAC] [--mtu N] [--debug]
 *              [--allow-host-loopback] [--no-ipv6] [--publish LIST]
 *              [--resolv-conf FILE] [--print-seccomp]
 *
 * The monitor side is launcher/net_transport.c.  The ctl socket
 * (SOCK_SEQPACKET) carries: from us, "ok" once the helper is set up and
 * confined, or "error: <one line>"; from the monitor (mode netns),
 * "attach" with the packet socket and optionally a DNS socket (SCM_RIGHTS),
 * answered "ok" or "error: ...".  Diagnostics go to stderr (the monitor
 * points it at <state>/runuml-net.log).  Exit: 0 when the kernel or the
 * monitor goes away, 2 on bad arguments, 3 when the device fails (a bad
 * ring or protocol message), 1 on any other error. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "net.h"
#include "vu_dev.h"

#define DEFAULT_MAC { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 }

static struct net_opts opts = { .listen_fd = -1, .ctl_fd = -1, .ipv6 = true, .mac = DEFAULT_MAC };

int pollvec_add(struct pollvec *pv, int fd, short events)
{
	if (pv->n == pv->cap) {
		size_t cap = pv->cap ? pv->cap * 2 : 64;
		struct pollfd *n = realloc(pv->fds, cap * sizeof(*n));
		if (!n)
			return -1;
		pv->fds = n;
		pv->cap = cap;
	}
	pv->fds[pv->n++] = (struct pollfd){ .fd = fd, .events = events };
	return 0;
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned b[6];
	char tail;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
		   &tail) != 6 || (b[0] & 1))
		return -1;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return 0;
}

static int parse_fd(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	return *end || v < 3 || v > 65535 ? -1 : (int)v;
}

static int parse_args(int argc, char **argv, struct rerr **err)
{
	static const struct option longopts[] = {
		{ "mode", required_argument, NULL, 'm' },
		{ "listen-fd", required_argument, NULL, 'l' },
		{ "ctl-fd", required_argument, NULL, 'c' },
		{ "parent", required_argument, NULL, 'p' },
		{ "empty-root", required_argument, NULL, 'e' },
		{ "mac", required_argument, NULL, 'M' },
		{ "mtu", required_argument, NULL, 'u' },
		{ "allow-host-loopback", no_argument, NULL, 'L' },
		{ "no-ipv6", no_argument, NULL, '6' },
		{ "publish", required_argument, NULL, 'P' },
		{ "resolv-conf", required_argument, NULL, 'r' },
		{ "debug", no_argument, NULL, 'd' },
		{ "print-seccomp", no_argument, NULL, 'S' },
		{ "unsafe-test-forbidden-syscall", no_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 },
	};
	bool mode = false;
	char *end;
	long v;
	int c;

	opts.mtu = 1500;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'm':
			mode = true;
			if (!strcmp(optarg, "slirp"))
				opts.mode = NET_SLIRP;
			else if (!strcmp(optarg, "netns"))
				opts.mode = NET_NETNS;
			else
				return rerr_make(err, 0, "unknown mode `%s`", optarg);
			break;
		case 'l': opts.listen_fd = parse_fd(optarg); break;
		case 'c': opts.ctl_fd = parse_fd(optarg); break;
		case 'p': opts.parent = (pid_t)atoi(optarg); break;
		case 'e': opts.empty_root = optarg; break;
		case 'M':
			if (parse_mac(optarg, opts.mac) < 0)
				return rerr_make(err, 0, "invalid MAC address `%s`", optarg);
			break;
		case 'u':
			v = strtol(optarg, &end, 10);
			if (*end || v < VNET_MTU_MIN || v > VNET_MTU_MAX)
				return rerr_make(err, 0, "invalid MTU `%s` (%u to %u)", optarg,
						 VNET_MTU_MIN, VNET_MTU_MAX);
			opts.mtu = (uint16_t)v;
			break;
		case 'L': opts.allow_host_loopback = true; break;
		case '6': opts.ipv6 = false; break;
		case 'P':
			if (port_spec_parse(optarg, opts.fwd, &opts.n_fwd, err) < 0)
				return -1;
			break;
		case 'r': opts.resolv_conf = optarg; break;
		case 'd': opts.debug = true; break;
		case 'S': opts.print_seccomp = true; break;
		case 'T': opts.test_forbidden_syscall = true; break;
		default: return rerr_make(err, 0, "invalid arguments");
		}
	}
	if (optind != argc)
		return rerr_make(err, 0, "unexpected argument `%s`", argv[optind]);
	if (opts.print_seccomp)
		return 0;
	if (!mode || opts.listen_fd < 0 || opts.ctl_fd < 0)
		return rerr_make(err, 0, "--mode, --listen-fd and --ctl-fd are required");
	if (opts.n_fwd && opts.mode != NET_SLIRP)
		return rerr_make(err, 0, "port forwards are for mode slirp (in a network namespace, "
				 "its owner publishes ports)");
	return 0;
}

/* Slirp reads /etc/resolv.conf whenever it changes (libslirp 4.7
 * get_dns_addr): a copy goes into the empty root we chroot into. */
static int copy_resolv_conf(struct rerr **err)
{
	const char *src = opts.resolv_conf ? opts.resolv_conf : "/etc/resolv.conf";
	char buf[8192], path[4096];
	_cleanup_close_ int in = -1, out = -1;
	ssize_t n;

	if (!opts.empty_root)
		return 0;
	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		if (opts.resolv_conf)
			return rerr_make(err, errno, "cannot open `%s`", src);
		return 0; /* no resolver on the host: DNS through 10.0.2.3 fails */
	}
	snprintf(path, sizeof(path), "%s/etc", opts.empty_root);
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return rerr_make(err, errno, "cannot create `%s`", path);
	snprintf(path, sizeof(path), "%s/etc/resolv.conf", opts.empty_root);
	out = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0444);
	if (out < 0)
		return rerr_make(err, errno, "cannot create `%s`", path);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			return rerr_make(err, errno, "cannot write `%s`", path);
	return n < 0 ? rerr_make(err, errno, "cannot read `%s`", src) : 0;
}

static void reply(const char *prefix, const char *msg)
{
	char line[1024];
	int n = snprintf(line, sizeof(line), "%s%s", prefix, msg);

	if (n > 0 && send(opts.ctl_fd, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1,
			  MSG_NOSIGNAL) < 0)
		fprintf(stderr, "runuml-net: cannot answer the monitor: %s\n", strerror(errno));
}

static void fail_start(struct rerr *err)
{
	fprintf(stderr, "runuml-net: %s\n", err->msg);
	reply("error: ", err->msg);
	rerr_free(err);
}

/* One message from the monitor.  Returns < 0 when the monitor is gone. */
static int monitor_message(struct netns_tap *tap)
{
	char buf[256], cbuf[CMSG_SPACE(2 * sizeof(int))];
	struct iovec iov = { buf, sizeof(buf) - 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	int fds[2] = { -1, -1 };
	size_t nfd = 0;
	struct rerr *err = NULL;
	ssize_t n = recvmsg(opts.ctl_fd, &mh, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);

	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	if (n == 0)
		return -1;
	buf[n] = '\0';
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < k; i++) {
			int fd;
			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (nfd < 2)
				fds[nfd++] = fd;
			else
				close(fd);
		}
	}
	if (!strcmp(buf, "attach") && tap && nfd >= 1) {
		if (netns_tap_attach(tap, fds[0], nfd > 1 ? fds[1] : -1, NULL, &err) < 0) {
			reply("error: ", err->msg);
			rerr_free(err);
		} else {
			reply("", "ok");
		}
		return 0;
	}
	for (size_t i = 0; i < nfd; i++)
		close(fds[i]);
	reply("error: unexpected request ", buf);
	return 0;
}

static int accept_kernel(struct vnet *v)
{
	struct rerr *err = NULL;
	int c = accept4(opts.listen_fd, NULL, NULL, SOCK_CLOEXEC);

	if (c < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return 0;
		fprintf(stderr, "runuml-net: accept: %s\n", strerror(errno));
		return 1;
	}
	/* one peer: the kernel that was given this socket */
	close(opts.listen_fd);
	opts.listen_fd = -1;
	if (vnet_attach(v, c, &err) < 0) {
		fprintf(stderr, "runuml-net: %s\n", err->msg);
		rerr_free(err);
		return 1;
	}
	return 0;
}

static int serve(struct vnet *v, struct slirp_net *sl, struct netns_tap *tap)
{
	struct pollvec pv = { 0 };
	int rc = -1;

	while (rc < 0) {
		size_t first_dev, n_dev, first_be;
		int timeout = -1;

		pv.n = 0;
		pollvec_add(&pv, opts.ctl_fd, POLLIN);
		if (opts.listen_fd >= 0)
			pollvec_add(&pv, opts.listen_fd, POLLIN);
		first_dev = pv.n;
		if (vnet_attached(v)) {
			struct pollfd tmp[2 + 2 * VU_MAX_QUEUES];
			n_dev = vnet_pollfds(v, tmp, sizeof(tmp) / sizeof(tmp[0]));
			for (size_t i = 0; i < n_dev; i++)
				pollvec_add(&pv, tmp[i].fd, tmp[i].events);
		}
		n_dev = pv.n - first_dev;
		first_be = pv.n;
		if (sl)
			slirp_net_fill(sl, &pv, &timeout);
		else
			netns_tap_fill(tap, &pv);
		int r = poll(pv.fds, (nfds_t)pv.n, timeout);
		if (r < 0 && errno != EINTR) {
			fprintf(stderr, "runuml-net: poll: %s\n", strerror(errno));
			rc = 1;
			break;
		}
		if (r < 0)
			continue;
		if (pv.fds[0].revents && monitor_message(tap) < 0) {
			rc = 0; /* the monitor is gone: so is the container */
			break;
		}
		if (opts.listen_fd >= 0 && pv.fds[1].revents && accept_kernel(v) > 0) {
			rc = 1;
			break;
		}
		if (n_dev && vnet_handle(v, pv.fds + first_dev, n_dev) < 0) {
			const char *why = vnet_failure(v);
			if (why && strstr(why, "disconnect")) {
				rc = 0;
			} else {
				fprintf(stderr, "runuml-net: device failed: %s\n", why ? why : "unknown");
				rc = 3;
			}
			break;
		}
		if (sl)
			slirp_net_poll(sl, &pv, first_be, false);
		else
			netns_tap_poll(tap, &pv, first_be);
		vnet_notify(v);
		if (opts.test_forbidden_syscall && vnet_stats(v)->tx_frames) /* tests: seccomp kills us */
			syscall(SYS_socket, AF_UNIX, SOCK_STREAM, 0);
	}
	free(pv.fds);
	return rc;
}

int main(int argc, char **argv)
{
	struct rerr *err = NULL;
	struct vnet *v = NULL;
	struct slirp_net *sl = NULL;
	struct netns_tap *tap = NULL;
	int keep[8 + PORT_SPEC_MAX] = { 0, 1, 2 }, rc = 1;
	size_t n_keep = 3;

	if (parse_args(argc, argv, &err) < 0) {
		fprintf(stderr, "runuml-net: %s\nusage: runuml-net --mode slirp|netns --listen-fd N "
			"--ctl-fd N [--parent PID] [--empty-root DIR] [--mac MAC] [--mtu N] [--debug] "
			"[--allow-host-loopback] [--no-ipv6] [--publish LIST] [--resolv-conf FILE] "
			"[--print-seccomp]\n", err->msg);
		if (opts.ctl_fd >= 0)
			reply("error: ", err->msg);
		rerr_free(err);
		return 2;
	}
	if (opts.print_seccomp) {
		net_print_seccomp(1);
		return 0;
	}
	struct vnet_opts vo = { .mtu = opts.mtu, .offloads = opts.mode == NET_NETNS };
	memcpy(vo.mac, opts.mac, 6);
	vo.tx = opts.mode == NET_SLIRP ? slirp_net_tx : netns_tap_tx;
	v = vnet_new(&vo, &err);
	if (!v)
		goto fail;
	if (opts.mode == NET_SLIRP) {
		if (copy_resolv_conf(&err) < 0 || !(sl = slirp_net_new(&opts, v, &err)))
			goto fail;
		vnet_set_opaque(v, sl);
		/* slirp's listening sockets (forwarded ports) survive the fd sweep */
		struct pollvec pv = { 0 };
		int t = -1;
		slirp_net_fill(sl, &pv, &t);
		for (size_t i = 0; i < pv.n && n_keep < sizeof(keep) / sizeof(keep[0]) - 2; i++)
			keep[n_keep++] = pv.fds[i].fd;
		free(pv.fds);
	} else {
		tap = netns_tap_new(v, &err);
		if (!tap)
			goto fail;
		vnet_set_opaque(v, tap);
	}
	keep[n_keep++] = opts.listen_fd;
	keep[n_keep++] = opts.ctl_fd;
	/* confined before anything is read from the guest */
	if (net_confine(&opts, keep, n_keep, &err) < 0)
		goto fail;
	reply("", "ok");
	rc = serve(v, sl, tap);
	goto out;
fail:
	fail_start(err);
out:
	slirp_net_free(sl);
	netns_tap_free(tap);
	vnet_free(v);
	return rc;
}
