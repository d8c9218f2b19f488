/* Port forwards ("publish") as runuml takes them: from `runuml run -p`
 * (docker's syntax) and from the annotation org.runuml.net.ports, as a
 * comma-separated list of
 *
 *     [HOST_IP:]HOST_PORT:GUEST_PORT[/tcp|/udp]
 *
 * HOST_IP is an IPv4 address (default 0.0.0.0, every address, as docker).
 * Slirp mode only: in netns mode the network that owns the namespace
 * publishes ports (docker -p). */
#ifndef RUNUML_NET_PORT_SPEC_H
#define RUNUML_NET_PORT_SPEC_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rerr.h"

#define PORT_SPEC_MAX 32  /* each is a listening socket the helper keeps */

struct port_fwd {
	bool udp;
	struct in_addr host_addr;
	uint16_t host_port, guest_port;
};

/* Appends the forwards of list to fwd[*n..PORT_SPEC_MAX).  Returns < 0 with
 * a one-line error naming the bad entry. */
int port_spec_parse(const char *list, struct port_fwd *fwd, size_t *n, struct rerr **err);

#endif
