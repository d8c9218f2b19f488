/* runuml-init: the guest's network configuration (guest_net.c). */
#ifndef RUNUML_GUEST_NET_H
#define RUNUML_GUEST_NET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "launch_doc.h"

/* Applies a CTL_NET configuration (the text format of
 * launcher/net_transport.h): loopback up; eth0's MAC, MTU, addresses and
 * routes; the DNS proxy's neighbour entry; and /etc/resolv.conf in the
 * container's mount namespace (that of `container`), unless the bundle
 * bind-mounts its own.  Failures are logged to the console, never fatal:
 * the container runs, with the network it could get. */
void guest_net_apply(const struct launch_doc *doc, pid_t container, const uint8_t *cfg,
		     size_t len);

#endif
