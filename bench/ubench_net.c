/* ubench netinfo/tcp-serve/tcp-client: TCP throughput between a container
 * and the host.  The container always dials out (to its default gateway),
 * so the same pair works whatever path the runtime provides (slirp maps the
 * gateway to the host, netns routes to the bridge) and no port forward is
 * needed.  The client times from connect() to the peer's EOF.
 *   netinfo     "gateway A.B.C.D" + "iface NAME" for the IPv4 default route,
 *               else "none" and the interfaces other than lo
 *   tcp-serve   listens on 0.0.0.0:PORT (0: any), prints "port N", serves one
 *               connection: sink reads to EOF, source writes SIZE
 *   tcp-client  send: writes SIZE, shuts down, waits for EOF -> tcp_send_MBps
 *               recv: reads to EOF -> tcp_recv_MBps */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ubench.h"

#define CHUNK (128 * 1024)

int ub_cmd_netinfo(int argc, char **argv)
{
	char line[512], iface[64];
	unsigned dest, gw, flags, mask;
	FILE *f = fopen("/proc/net/route", "re");
	DIR *d;
	struct dirent *e;

	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %x %x %x %*d %*d %*d %x", iface, &dest, &gw, &flags, &mask) != 5)
			continue;
		if (dest == 0 && mask == 0 && (flags & 0x2 /* RTF_GATEWAY */)) {
			struct in_addr a = { .s_addr = gw };
			printf("gateway %s\niface %s\n", inet_ntoa(a), iface);
			fclose(f);
			return 0;
		}
	}
	if (f)
		fclose(f);
	printf("none");
	d = opendir("/sys/class/net");
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.' && strcmp(e->d_name, "lo"))
			printf(" %s", e->d_name);
	if (d)
		closedir(d);
	printf("\n");
	return 0;
}

static int write_all(int fd, long long size)
{
	static char buf[CHUNK];

	while (size > 0) {
		ssize_t w = write(fd, buf, size < CHUNK ? (size_t)size : CHUNK);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return ub_fail("write socket");
		size -= w;
	}
	return 0;
}

static long long read_to_eof(int fd)
{
	static char buf[CHUNK];
	long long n = 0;
	ssize_t r;

	while ((r = read(fd, buf, sizeof(buf))) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		n += r;
	}
	return n;
}

int ub_cmd_tcp_serve(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_ANY) };
	socklen_t alen = sizeof(a);
	long long size = argc == 4 ? ub_parse_size(argv[3]) : -1;
	int one = 1, s, c, source;

	if (size < 0 || (strcmp(argv[2], "sink") && strcmp(argv[2], "source"))) {
		fprintf(stderr, "usage: ubench tcp-serve PORT sink|source SIZE\n");
		return 2;
	}
	source = !strcmp(argv[2], "source");
	a.sin_port = htons((unsigned short)atoi(argv[1]));
	s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0 || setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(s, 1) < 0 ||
	    getsockname(s, (struct sockaddr *)&a, &alen) < 0)
		return ub_fail("listen");
	printf("port %d\n", ntohs(a.sin_port));
	fflush(stdout);
	alarm(300);
	c = accept(s, NULL, NULL);
	if (c < 0)
		return ub_fail("accept");
	close(s);
	if (source ? write_all(c, size) : read_to_eof(c) < 0)
		return ub_fail("serve");
	close(c);
	return 0;
}

int ub_cmd_tcp_client(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	long long size = argc == 5 ? ub_parse_size(argv[4]) : -1, t, got;
	int s, send_mode;

	if (size < 0 || inet_pton(AF_INET, argv[1], &a.sin_addr) != 1 ||
	    (strcmp(argv[3], "send") && strcmp(argv[3], "recv"))) {
		fprintf(stderr, "usage: ubench tcp-client HOST PORT send|recv SIZE\n");
		return 2;
	}
	send_mode = !strcmp(argv[3], "send");
	a.sin_port = htons((unsigned short)atoi(argv[2]));
	alarm(300);
	t = ub_now_ns();
	s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof(a)) < 0)
		return ub_fail("connect");
	if (send_mode) {
		if (write_all(s, size) || shutdown(s, SHUT_WR) < 0 || read_to_eof(s) < 0)
			return ub_fail("send");
		got = size;
	} else if ((got = read_to_eof(s)) < 0) {
		return ub_fail("recv");
	}
	t = ub_now_ns() - t;
	close(s);
	if (got != size) {
		fprintf(stderr, "ubench tcp-client: got %lld of %lld bytes\n", got, size);
		return 1;
	}
	printf("tcp_%s_MBps %.1f\n", send_mode ? "send" : "recv",
	       (double)size / (1024.0 * 1024.0) / ((double)t / 1e9));
	return fflush(stdout) ? ub_fail("stdout") : 0;
}
