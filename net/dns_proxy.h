/* The DNS proxy address of mode netns.  Docker's embedded DNS server
 * (127.0.0.11 on user-defined networks) lives in the container's network
 * namespace on the host, where the guest's own loopback cannot reach it.
 * The guest is told to use DNS_PROXY_IP instead (init rewrites a
 * resolv.conf naming 127.0.0.11) with a permanent neighbour entry
 * DNS_PROXY_IP -> DNS_PROXY_MAC on eth0; runuml-net answers those UDP
 * queries by relaying them through a socket the monitor opened in the
 * namespace, connected to 127.0.0.11:53 (docker's DNAT rules apply there). */
#ifndef RUNUML_NET_DNS_PROXY_H
#define RUNUML_NET_DNS_PROXY_H

#define DNS_PROXY_IP   "169.254.255.53"
#define DNS_PROXY_MAC  { 0x02, 0x72, 0x75, 0x6d, 0x6c, 0x35 }
#define DNS_PROXY_MAC_TEXT "02:72:75:6d:6c:35"
#define DNS_NETNS_SERVER "127.0.0.11"

#endif
