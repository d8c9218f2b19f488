/* Confinement of runuml-net, in the order of docs/confinement.md: die with
 * the monitor, close inherited fds, rlimits, namespaces, chroot into an
 * empty directory, every capability dropped, no_new_privs, and last the
 * seccomp allow-list of seccomp_rules.h.
 *
 * The one departure from the 9P proxy: in mode slirp the helper keeps the
 * network namespace it was started in (its host sockets are the guest's
 * connections), so the namespace step leaves the network alone there.  In
 * mode netns every socket it will use arrives from the monitor, and it
 * gets an empty network namespace of its own like the other helpers. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "confine.h"
#include "net.h"
#include "seccomp_filter.h"

static const struct seccomp_rule net_rules[] = {
#define ALLOW(name, why) SECCOMP_ALLOW(name, why)
#define ALLOW_ARG(name, arg, op, val, why) SECCOMP_ALLOW_ARG(name, arg, op, val, why)
#define ALLOW_MASKED(name, arg, mask, val, why) SECCOMP_ALLOW_MASKED(name, arg, mask, val, why)
#include "seccomp_rules.h"
#undef ALLOW
#undef ALLOW_ARG
#undef ALLOW_MASKED
};

/* Sockets live and sessions of guests stay open: one per connection of
 * the guest (slirp), plus the device's eventfds and guest memory. */
#define NET_NOFILE 4096

int net_confine(const struct net_opts *o, const int *keep, size_t n_keep, struct rerr **err)
{
	if (confine_die_with_parent(o->parent, err) < 0 || confine_close_fds(keep, n_keep, err) < 0 ||
	    confine_rlimits(NET_NOFILE, err) < 0 ||
	    confine_namespaces(o->mode != NET_SLIRP, err) < 0 ||
	    (o->empty_root && confine_chroot_empty(o->empty_root, err) < 0) ||
	    confine_drop_caps(NULL, 0, err) < 0 || confine_no_new_privs(err) < 0)
		return -1;
	if (o->debug)
		seccomp_trap_handler_install("runuml-net");
	return seccomp_filter_install(net_rules, sizeof(net_rules) / sizeof(net_rules[0]),
				      o->debug ? SECCOMP_TRAP : SECCOMP_KILL, err);
}

void net_print_seccomp(int fd)
{
	seccomp_filter_print(net_rules, sizeof(net_rules) / sizeof(net_rules[0]), fd);
}
