/* The monitor's side of the guest's network (see net_transport.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "log.h"
#include "net_transport.h"
#include "netns_iface.h"
#include "unix_listen.h"

#define NET_SOCK        "net.sock"
#define NET_ROOT        "net-root"
#define NET_START_MS    10000
#define NET_MTU_MAX     "65520"   /* the device's limit; the guest sets the real MTU */
#define PORTS_ANNOTATION "org.runuml.net.ports"
/* net/net.h and net/dns_proxy.h (the helper's side of these) */
#define SLIRP_CFG "mode slirp\nmtu 65520\naddr 10.0.2.15/24\ngw 10.0.2.2\ndns 10.0.2.3\n"
#define DNS_PROXY "dnsproxy 169.254.255.53 02:72:75:6d:6c:35\n"
#define DOCKER_DNS "127.0.0.11"

int net_cli_opt(struct net_cli_opts *o, const char *arg, struct rerr **err)
{
	if (!strncmp(arg, "mode=", 5)) {
		const char *m = arg + 5;
		if (strcmp(m, "auto") && strcmp(m, "slirp") && strcmp(m, "netns") && strcmp(m, "none"))
			return rerr_make(err, 0, "invalid network mode `%s` (use auto, slirp, netns or "
					 "none)", m);
		o->mode = m;
	} else if (!strncmp(arg, "publish=", 8)) {
		char *n = NULL;
		if (asprintf(&n, "%s%s%s", o->publish ? o->publish : "", o->publish ? "," : "",
			     arg + 8) < 0)
			return rerr_make(err, ENOMEM, "network options");
		free(o->publish);
		o->publish = n;
	} else if (!strcmp(arg, "allow-host-loopback")) {
		o->allow_host_loopback = true;
	} else {
		return rerr_make(err, 0, "invalid network option `%s`", arg);
	}
	return 0;
}

void net_cli_opts_clear(struct net_cli_opts *o)
{
	free(o->publish);
	o->publish = NULL;
}

/* True when path names the network namespace the monitor started in (or
 * PID 1's): "host networking" -- docker --network host passes its bind
 * mount of the host's namespace as a path.  The guest cannot share that
 * stack, and its interfaces must never be taken over. */
static bool is_host_netns(const char *path)
{
	struct stat a, self, init;

	if (stat(path, &a) < 0)
		return false;
	return (stat("/proc/self/ns/net", &self) == 0 && a.st_dev == self.st_dev &&
		a.st_ino == self.st_ino) ||
	       (stat("/proc/1/ns/net", &init) == 0 && a.st_dev == init.st_dev &&
		a.st_ino == init.st_ino);
}

static bool has_network_hooks(const struct oci_spec *spec)
{
	return spec->n_hooks[OCI_HOOK_PRESTART] || spec->n_hooks[OCI_HOOK_CREATE_RUNTIME];
}

static int pick_mode(struct net_transport *n, const struct oci_spec *spec, const char *mode,
		     struct rerr **err)
{
	bool ns = spec->ns[OCI_NS_NETWORK];
	const char *path = spec->ns_path[OCI_NS_NETWORK];

	if (mode && !strcmp(mode, "none")) {
		n->mode = NETT_NONE;
	} else if (mode && !strcmp(mode, "slirp")) {
		n->mode = NETT_SLIRP;
	} else if (mode && !strcmp(mode, "netns")) {
		if (!ns || (!path && !has_network_hooks(spec)))
			return rerr_make(err, 0, "cannot use network mode netns: config.json names no "
					 "network namespace and no hook makes one");
		if (path && is_host_netns(path))
			return rerr_make(err, 0, "cannot use network mode netns: `%s` is the host's own "
					 "network namespace", path);
		n->mode = NETT_NETNS;
	} else if (!ns || (path && is_host_netns(path))) {
		n->mode = NETT_SLIRP;     /* "host" networking: the guest cannot share it */
	} else if (path) {
		n->mode = NETT_NETNS;
	} else if (geteuid() != 0) {
		n->mode = NETT_SLIRP;
	} else if (has_network_hooks(spec)) {
		n->mode = NETT_NETNS;
		n->by_hooks = true;
	} else {
		n->mode = NETT_SLIRP;
	}
	return 0;
}

/* The helper's first line: "ok" or "error: <why>". */
static int wait_reply(struct net_transport *n, int timeout_ms, struct rerr **err)
{
	struct pollfd p = { .fd = n->ctl_fd, .events = POLLIN };
	char buf[1024];
	ssize_t r;
	int st;

	for (;;) {
		r = poll(&p, 1, timeout_ms);
		if (r < 0 && errno == EINTR)
			continue;
		break;
	}
	if (r == 0)
		return rerr_make(err, 0, "the network helper did not answer within %d s",
				 timeout_ms / 1000);
	r = recv(n->ctl_fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	if (r > 0) {
		buf[r] = '\0';
		if (!strcmp(buf, "ok"))
			return 0;
		return rerr_make(err, 0, "%s", !strncmp(buf, "error: ", 7) ? buf + 7 : buf);
	}
	/* no answer: it died; say how */
	if (n->helper.pid > 0 && waitpid(n->helper.pid, &st, 0) == n->helper.pid) {
		n->helper.pid = -1;
		_cleanup_free_ char *why = helper_exit_reason(&n->helper, st);
		return rerr_make(err, 0, "%s", why ? why : "the network helper died");
	}
	return rerr_make(err, errno, "the network helper did not answer");
}

static int spawn_helper(struct net_transport *n, const struct net_cli_opts *o,
			const char *publish, const char *state_dir, const char *helper,
			int listen_fd, int ctl_fd, struct rerr **err)
{
	char *argv[24] = { 0 };
	int keep[2] = { listen_fd, ctl_fd };
	size_t a = 0;
	int rc = -1;

	argv[a++] = strdup("runuml-net");
	argv[a++] = strdup(n->mode == NETT_SLIRP ? "--mode=slirp" : "--mode=netns");
	if (asprintf(&argv[a++], "--listen-fd=%d", listen_fd) < 0 ||
	    asprintf(&argv[a++], "--ctl-fd=%d", ctl_fd) < 0 ||
	    asprintf(&argv[a++], "--parent=%d", (int)getpid()) < 0 ||
	    asprintf(&argv[a++], "--empty-root=%s/" NET_ROOT, state_dir) < 0)
		goto out;
	argv[a++] = strdup("--mtu=" NET_MTU_MAX);
	if (o->allow_host_loopback)
		argv[a++] = strdup("--allow-host-loopback");
	if (publish && asprintf(&argv[a++], "--publish=%s", publish) < 0)
		goto out;
	/* tests/net.bats: a resolver the test runs on loopback */
	if (getenv("RUNUML_NET_RESOLV_CONF") &&
	    asprintf(&argv[a++], "--resolv-conf=%s", getenv("RUNUML_NET_RESOLV_CONF")) < 0)
		goto out;
	if (getenv("RUNUML_NET_DEBUG"))
		argv[a++] = strdup("--debug");
	if (getenv("RUNUML_TEST_NET_FORBIDDEN_SYSCALL"))
		argv[a++] = strdup("--unsafe-test-forbidden-syscall");
	for (size_t i = 0; i < a; i++)
		if (!argv[i])
			goto out;
	rc = helper_spawn(&n->helper, "runuml-net", helper, argv, state_dir, keep, 2, err);
out:
	if (rc < 0 && !*err)
		rerr_make(err, ENOMEM, "starting the network helper");
	for (size_t i = 0; i < a; i++)
		free(argv[i]);
	return rc;
}

int net_transport_start(struct net_transport *n, const struct oci_spec *spec,
			const struct net_cli_opts *o, const char *state_dir, const char *helper,
			struct rerr **err)
{
	_cleanup_close_ int state_fd = -1, listen_fd = -1, peer = -1;
	_cleanup_free_ char *publish = NULL, *root = NULL;
	const char *ann = oci_spec_annotation(spec, PORTS_ANNOTATION);
	int sv[2];

	memset(n, 0, sizeof(*n));
	n->ctl_fd = -1;
	n->helper.pid = -1;
	n->restorer = n->restorer_fd = -1;
	if (pick_mode(n, spec, o->mode, err) < 0)
		return -1;
	/* the monitor still stands in the host's namespace: remember it */
	struct stat self;
	if (stat("/proc/self/ns/net", &self) < 0)
		return rerr_make(err, errno, "cannot identify the host's network namespace");
	n->host_dev = self.st_dev;
	n->host_ino = self.st_ino;
	if (o->publish && ann && asprintf(&publish, "%s,%s", o->publish, ann) < 0)
		return rerr_make(err, ENOMEM, "network options");
	if (!publish && (o->publish || ann) && !(publish = strdup(o->publish ? o->publish : ann)))
		return rerr_make(err, ENOMEM, "network options");
	if (publish && n->mode != NETT_SLIRP)
		return rerr_make(err, 0, "cannot publish ports in network mode %s (only slirp "
				 "forwards ports; docker publishes its own with -p)",
				 n->mode == NETT_NONE ? "none" : "netns");
	if (n->mode == NETT_NONE)
		return 0;
	state_fd = open(state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (state_fd < 0)
		return rerr_make(err, errno, "cannot open state directory `%s`", state_dir);
	if (asprintf(&root, "%s/" NET_ROOT, state_dir) < 0)
		return rerr_make(err, ENOMEM, "starting the network helper");
	if (mkdir(root, 0700) < 0)
		return rerr_make(err, errno, "cannot create `%s`", root);
	listen_fd = unix_listen_at(state_fd, state_dir, NET_SOCK, 1, err);
	if (listen_fd < 0)
		return -1;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return rerr_make(err, errno, "cannot create the network helper's channel");
	n->ctl_fd = sv[0];
	peer = sv[1];
	if (spawn_helper(n, o, publish, state_dir, helper, listen_fd, peer, err) < 0)
		return -1;
	close(steal_fd(&peer));
	return wait_reply(n, NET_START_MS, err);
}

int net_transport_kernel_args(struct net_transport *n, struct kernel_args *ka, struct rerr **err)
{
	if (n->mode == NETT_NONE)
		return 0;
	if (kernel_args_add(ka, "virtio_uml.device=%s:1", NET_SOCK) < 0)
		return rerr_make(err, E2BIG, "too many kernel arguments");
	return 0;
}

/* "attach" + the packet socket (+ the DNS socket) to runuml-net. */
static int hand_over(struct net_transport *n, int pkt, int dns, struct rerr **err)
{
	char cbuf[CMSG_SPACE(2 * sizeof(int))];
	struct iovec iov = { (void *)"attach", 6 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = CMSG_SPACE((dns >= 0 ? 2 : 1) * sizeof(int)) };
	struct cmsghdr *c;
	int fds[2] = { pkt, dns };

	memset(cbuf, 0, sizeof(cbuf));
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN((dns >= 0 ? 2 : 1) * sizeof(int));
	memcpy(CMSG_DATA(c), fds, (dns >= 0 ? 2 : 1) * sizeof(int));
	if (sendmsg(n->ctl_fd, &mh, MSG_NOSIGNAL) < 0)
		return rerr_make(err, errno, "cannot hand the interface to the network helper");
	return wait_reply(n, NET_START_MS, err);
}

/* A child that outlives the monitor on purpose: it waits for the pipe to
 * close -- the monitor's release, or its death however it dies (SIGKILL
 * from `delete --force` included) -- then gives the interface's addresses
 * and routes back, and exits.  A namespace that outlives the container
 * (`ip netns`, a CNI pod's) is left as it was found. */
static int spawn_restorer(struct net_transport *n, const struct netns_iface *ifc,
			  struct rerr **err)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return rerr_make(err, errno, "cannot create a pipe");
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return rerr_make(err, errno, "cannot fork");
	}
	if (pid == 0) {
		char c;
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		/* nothing of the container's (stdio, sockets) is held */
		if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0 ||
		    dup2(p[0], 3) < 0)
			_exit(1);
		close_range(4, ~0U, 0);
		while (read(3, &c, 1) != 0)
			if (errno != EINTR)
				break;
		netns_iface_restore(ifc);
		_exit(0);
	}
	close(p[0]);
	n->restorer = pid;
	n->restorer_fd = p[1];
	return 0;
}

static int netns_config(struct net_transport *n, struct rerr **err)
{
	struct netns_iface ifc;
	struct netns_iface *taken;

	struct stat cur, init;

	/* never strip the host's own interfaces, whatever the hooks did: the
	 * monitor must stand in another namespace than the one it started in
	 * (and than PID 1's) */
	if (stat("/proc/self/ns/net", &cur) < 0 ||
	    (cur.st_dev == n->host_dev && cur.st_ino == n->host_ino) ||
	    (stat("/proc/1/ns/net", &init) == 0 && cur.st_dev == init.st_dev &&
	     cur.st_ino == init.st_ino))
		return rerr_make(err, 0, "cannot use network mode netns: the container's network "
				 "namespace is the host's own");
	_cleanup_close_ int pkt = -1, dns = -1;
	char text[2048];
	size_t len = 0;
	int r = netns_iface_find(&ifc, err);

	if (r < 0)
		return -1;
	if (r == 0) {
		if (n->by_hooks) { /* docker --network none: a namespace with lo alone */
			log_debug("no interface in the network namespace: network mode none");
			n->mode = NETT_NONE;
			n->guest_cfg = strdup("mode none\n");
			return n->guest_cfg ? 0 : rerr_make(err, ENOMEM, "network configuration");
		}
		return rerr_make(err, 0, "cannot use network mode netns: the container's network "
				 "namespace has no interface (loopback aside)");
	}
	/* from here on, the interface is given back when the container ends,
	 * even if the monitor is killed */
	if (spawn_restorer(n, &ifc, err) < 0)
		return -1;
	pkt = netns_iface_take(&ifc, err);
	if (pkt < 0)
		return -1;
	taken = malloc(sizeof(*taken));
	if (!taken)
		return rerr_make(err, ENOMEM, "network configuration");
	*taken = ifc;
	n->taken = taken;
	dns = netns_dns_socket(DOCKER_DNS);
	if (hand_over(n, pkt, dns, err) < 0)
		return -1;
	len += (size_t)snprintf(text + len, sizeof(text) - len,
				"mode netns\nmac %02x:%02x:%02x:%02x:%02x:%02x\nmtu %u\n", ifc.mac[0],
				ifc.mac[1], ifc.mac[2], ifc.mac[3], ifc.mac[4], ifc.mac[5],
				ifc.mtu ? ifc.mtu : 1500);
	for (size_t i = 0; i < ifc.n_addr; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len, "addr %s\n", ifc.addr[i]);
	if (ifc.gw[0])
		len += (size_t)snprintf(text + len, sizeof(text) - len, "gw %s\n", ifc.gw);
	if (ifc.gw6[0])
		len += (size_t)snprintf(text + len, sizeof(text) - len, "gw6 %s\n", ifc.gw6);
	if (dns >= 0 && len < sizeof(text) - sizeof(DNS_PROXY))
		snprintf(text + len, sizeof(text) - len, "%s", DNS_PROXY);
	log_debug("network: %s took over `%s`", "runuml-net", ifc.name);
	n->guest_cfg = strdup(text);
	return n->guest_cfg ? 0 : rerr_make(err, ENOMEM, "network configuration");
}

int net_transport_after_hooks(struct net_transport *n, struct rerr **err)
{
	free(n->guest_cfg);
	n->guest_cfg = NULL;
	if (n->mode == NETT_NETNS)
		return netns_config(n, err);
	n->guest_cfg = strdup(n->mode == NETT_SLIRP ? SLIRP_CFG : "mode none\n");
	return n->guest_cfg ? 0 : rerr_make(err, ENOMEM, "network configuration");
}

const char *net_transport_guest_config(const struct net_transport *n)
{
	return n->guest_cfg;
}

void net_transport_release(struct net_transport *n)
{
	if (n->restorer > 0) {
		/* the guest (and the helper's socket) are gone first; then the
		 * restorer gives the interface back, and is waited for */
		if (n->helper.name)
			helper_release(&n->helper);
		close(n->restorer_fd);
		while (waitpid(n->restorer, NULL, 0) < 0 && errno == EINTR)
			;
		n->restorer = -1;
	}
	free(n->taken);
	n->taken = NULL;
	if (n->ctl_fd >= 0)
		close(n->ctl_fd);
	n->ctl_fd = -1;
	if (n->helper.name)
		helper_release(&n->helper);
	free(n->guest_cfg);
	n->guest_cfg = NULL;
}
