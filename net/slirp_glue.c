/* Mode slirp: the guest's frames go into libslirp (a user-mode TCP/IP stack,
 * the one QEMU and slirp4netns use), which turns the guest's connections
 * into ordinary host sockets of this unprivileged process.  Guest 10.0.2.15/24,
 * gateway 10.0.2.2, DNS 10.0.2.3 (forwarded to the resolvers of the
 * resolv.conf copied into our empty root), IPv6 fd00::/64 by router
 * advertisement.  The host's loopback, which slirp reaches through 10.0.2.2
 * by default, is cut off unless --allow-host-loopback
 * (libslirp's disable_host_loopback; oci-cli-contract B3.7).
 *
 * Port forwards are bound here, before confinement, so a port that is
 * taken fails the helper's start with a one-line error. */
#include <arpa/inet.h>
#include <errno.h>
#include <slirp/libslirp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "net.h"

struct slirp_timer {
	SlirpTimerCb cb;
	void *cb_opaque;
	int64_t expire_ms;        /* -1: not armed */
	struct slirp_timer *next;
};

struct slirp_net {
	Slirp *slirp;
	struct vnet *v;
	struct slirp_timer *timers;
	struct pollvec *pv;       /* during fill/poll */
	size_t first;
};

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* implements SlirpCb.send_packet: a frame for the guest */
static ssize_t send_packet(const void *buf, size_t len, void *opaque)
{
	struct slirp_net *s = opaque;

	vnet_rx_queue(s->v, NULL, buf, len);
	return (ssize_t)len;
}

/* implements SlirpCb.guest_error */
static void guest_error(const char *msg, void *opaque)
{
	(void)opaque;
	fprintf(stderr, "runuml-net: slirp: guest error: %s\n", msg);
}

/* implements SlirpCb.clock_get_ns */
static int64_t clock_get_ns(void *opaque)
{
	(void)opaque;
	return now_ns();
}

/* implements SlirpCb.timer_new */
static void *timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque)
{
	struct slirp_net *s = opaque;
	struct slirp_timer *t = calloc(1, sizeof(*t));

	if (!t)
		abort(); /* libslirp cannot handle a failure here */
	t->cb = cb;
	t->cb_opaque = cb_opaque;
	t->expire_ms = -1;
	t->next = s->timers;
	s->timers = t;
	return t;
}

/* implements SlirpCb.timer_free */
static void timer_free(void *timer, void *opaque)
{
	struct slirp_net *s = opaque;

	for (struct slirp_timer **p = &s->timers; *p; p = &(*p)->next)
		if (*p == timer) {
			*p = (*p)->next;
			free(timer);
			return;
		}
}

/* implements SlirpCb.timer_mod: expire_time in ms of clock_get_ns */
static void timer_mod(void *timer, int64_t expire_time, void *opaque)
{
	(void)opaque;
	((struct slirp_timer *)timer)->expire_ms = expire_time;
}

/* implements SlirpCb.register_poll_fd / unregister_poll_fd / notify:
 * nothing to do, the loop asks slirp_pollfds_fill every round */
static void poll_fd_noop(int fd, void *opaque)
{
	(void)fd;
	(void)opaque;
}

static void notify_noop(void *opaque)
{
	(void)opaque;
}

static const SlirpCb callbacks = {
	.send_packet = send_packet,
	.guest_error = guest_error,
	.clock_get_ns = clock_get_ns,
	.timer_new = timer_new,
	.timer_free = timer_free,
	.timer_mod = timer_mod,
	.register_poll_fd = poll_fd_noop,
	.unregister_poll_fd = poll_fd_noop,
	.notify = notify_noop,
};

static int add_forwards(struct slirp_net *s, const struct net_opts *o, struct rerr **err)
{
	struct in_addr guest;

	inet_pton(AF_INET, SLIRP_GUEST, &guest);
	for (size_t i = 0; i < o->n_fwd; i++) {
		const struct port_fwd *f = &o->fwd[i];
		char addr[INET_ADDRSTRLEN];
		errno = 0;
		if (slirp_add_hostfwd(s->slirp, f->udp, f->host_addr, f->host_port, guest,
				      f->guest_port) < 0) {
			inet_ntop(AF_INET, &f->host_addr, addr, sizeof(addr));
			return rerr_make(err, errno, "cannot publish port %s:%u/%s", addr, f->host_port,
					 f->udp ? "udp" : "tcp");
		}
	}
	return 0;
}

struct slirp_net *slirp_net_new(const struct net_opts *o, struct vnet *v, struct rerr **err)
{
	struct slirp_net *s = calloc(1, sizeof(*s));
	SlirpConfig cfg;

	if (!s) {
		rerr_make(err, ENOMEM, "cannot start slirp");
		return NULL;
	}
	s->v = v;
	memset(&cfg, 0, sizeof(cfg));
	cfg.version = 4;
	cfg.in_enabled = true;
	inet_pton(AF_INET, SLIRP_NET, &cfg.vnetwork);
	inet_pton(AF_INET, SLIRP_MASK, &cfg.vnetmask);
	inet_pton(AF_INET, SLIRP_HOST, &cfg.vhost);
	inet_pton(AF_INET, SLIRP_DNS, &cfg.vnameserver);
	inet_pton(AF_INET, SLIRP_GUEST, &cfg.vdhcp_start);
	cfg.in6_enabled = o->ipv6;
	inet_pton(AF_INET6, SLIRP_PREFIX6, &cfg.vprefix_addr6);
	cfg.vprefix_len = 64;
	inet_pton(AF_INET6, SLIRP_HOST6, &cfg.vhost6);
	inet_pton(AF_INET6, SLIRP_DNS6, &cfg.vnameserver6);
	cfg.if_mtu = o->mtu;
	cfg.if_mru = o->mtu;
	cfg.disable_host_loopback = !o->allow_host_loopback;
	s->slirp = slirp_new(&cfg, &callbacks, s);
	if (!s->slirp) {
		free(s);
		rerr_make(err, 0, "cannot start slirp (libslirp %s refused the configuration)",
			  slirp_version_string());
		return NULL;
	}
	if (add_forwards(s, o, err) < 0) {
		slirp_net_free(s);
		return NULL;
	}
	return s;
}

void slirp_net_free(struct slirp_net *s)
{
	if (!s)
		return;
	if (s->slirp)
		slirp_cleanup(s->slirp);
	while (s->timers) {
		struct slirp_timer *t = s->timers;
		s->timers = t->next;
		free(t);
	}
	free(s);
}

void slirp_net_tx(const uint8_t *hdr, const uint8_t *frame, size_t len, void *opaque)
{
	struct slirp_net *s = opaque;

	(void)hdr; /* no offloads in this mode: the header says nothing */
	if (len <= INT32_MAX)
		slirp_input(s->slirp, frame, (int)len);
}

/* implements SlirpAddPollCb */
static int add_poll(int fd, int events, void *opaque)
{
	struct slirp_net *s = opaque;
	short ev = 0;

	if (events & SLIRP_POLL_IN)
		ev |= POLLIN;
	if (events & SLIRP_POLL_OUT)
		ev |= POLLOUT;
	if (events & SLIRP_POLL_PRI)
		ev |= POLLPRI;
	if (pollvec_add(s->pv, fd, ev) < 0)
		return -1;
	return (int)(s->pv->n - 1 - s->first);
}

/* implements SlirpGetREventsCb */
static int get_revents(int idx, void *opaque)
{
	struct slirp_net *s = opaque;
	short r;
	int ev = 0;

	if (idx < 0 || s->first + (size_t)idx >= s->pv->n)
		return 0;
	r = s->pv->fds[s->first + (size_t)idx].revents;
	if (r & POLLIN)
		ev |= SLIRP_POLL_IN;
	if (r & POLLOUT)
		ev |= SLIRP_POLL_OUT;
	if (r & POLLPRI)
		ev |= SLIRP_POLL_PRI;
	if (r & (POLLERR | POLLNVAL))
		ev |= SLIRP_POLL_ERR;
	if (r & POLLHUP)
		ev |= SLIRP_POLL_HUP;
	return ev;
}

void slirp_net_fill(struct slirp_net *s, struct pollvec *pv, int *timeout_ms)
{
	uint32_t t = *timeout_ms < 0 ? UINT32_MAX : (uint32_t)*timeout_ms;
	int64_t now = now_ns() / 1000000;

	for (struct slirp_timer *tm = s->timers; tm; tm = tm->next) {
		if (tm->expire_ms < 0)
			continue;
		int64_t left = tm->expire_ms - now;
		if (left < 0)
			left = 0;
		if ((uint64_t)left < t)
			t = (uint32_t)left;
	}
	s->pv = pv;
	s->first = pv->n;
	slirp_pollfds_fill(s->slirp, &t, add_poll, s);
	*timeout_ms = t == UINT32_MAX ? -1 : (int)(t > INT32_MAX ? INT32_MAX : t);
}

void slirp_net_poll(struct slirp_net *s, const struct pollvec *pv, size_t first, bool failed)
{
	int64_t now = now_ns() / 1000000;

	s->pv = (struct pollvec *)pv;
	s->first = first;
	slirp_pollfds_poll(s->slirp, failed, get_revents, s);
	/* a callback may re-arm or free timers: restart the walk after each */
	for (bool fired = true; fired;) {
		fired = false;
		for (struct slirp_timer *tm = s->timers; tm; tm = tm->next)
			if (tm->expire_ms >= 0 && tm->expire_ms <= now) {
				tm->expire_ms = -1;
				tm->cb(tm->cb_opaque);
				fired = true;
				break;
			}
	}
}
