/* rtest's network commands (tests/net.bats, bench/net-tcp.sh): one TCP
 * connection moved in 1 MiB reads and writes, so the guest's own system
 * calls (each a ptrace round trip in UML) weigh little against the path
 * being measured.
 *
 *   tcp-sink PORT               accept one connection, read to EOF, print
 *                               "<bytes> bytes in <s> s = <MiB/s> MiB/s"
 *   tcp-source ADDR PORT MIB    connect (retrying 30 s), send MIB MiB, close
 *   udp-echo PORT N             answer N datagrams with their own bytes */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "rtest.h"

#define CHUNK (1 << 20)

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int sink(int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int one = 1, ls = socket(AF_INET, SOCK_STREAM, 0), c;
	char *buf = malloc(CHUNK);
	long long total = 0;
	double t0 = 0;
	ssize_t n;

	if (ls < 0 || !buf || setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(ls, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(ls, 1) < 0 ||
	    (c = accept(ls, NULL, NULL)) < 0) {
		perror("rtest tcp-sink");
		return 1;
	}
	while ((n = read(c, buf, CHUNK)) > 0) {
		if (!total)
			t0 = now_s();
		total += n;
	}
	double s = now_s() - t0;
	printf("%lld bytes in %.2f s = %.1f MiB/s\n", total, s, s > 0 ? (double)total / s / 1048576 : 0);
	return n < 0;
}

static int source(const char *addr, int port, long mib)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	char *buf = calloc(1, CHUNK);
	int fd = -1;

	if (!buf || inet_pton(AF_INET, addr, &sa.sin_addr) != 1)
		return 2;
	for (double until = now_s() + 30; fd < 0; ) {
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			break;
		if (fd >= 0)
			close(fd);
		fd = -1;
		if (now_s() > until) {
			perror("rtest tcp-source");
			return 1;
		}
		usleep(100000);
	}
	double t0 = now_s();
	for (long i = 0; i < mib; i++)
		for (size_t off = 0; off < CHUNK;) {
			ssize_t n = write(fd, buf + off, CHUNK - off);
			if (n <= 0) {
				perror("rtest tcp-source");
				return 1;
			}
			off += (size_t)n;
		}
	shutdown(fd, SHUT_WR);
	while (read(fd, buf, CHUNK) > 0)
		;
	double s = now_s() - t0;
	printf("%ld MiB in %.2f s = %.1f MiB/s\n", mib, s, s > 0 ? (double)mib / s : 0);
	return 0;
}

static int udp_echo(int port, long n)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	char buf[2048];

	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("rtest udp-echo");
		return 1;
	}
	for (long i = 0; i < n; i++) {
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		ssize_t r = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
		if (r < 0 || sendto(fd, buf, (size_t)r, 0, (struct sockaddr *)&from, fl) < 0) {
			perror("rtest udp-echo");
			return 1;
		}
	}
	return 0;
}

int rtest_net(int argc, char **argv)
{
	if (!strcmp(argv[1], "udp-echo") && argc == 4)
		return udp_echo(atoi(argv[2]), atol(argv[3]));
	if (!strcmp(argv[1], "tcp-sink") && argc == 3)
		return sink(atoi(argv[2]));
	if (!strcmp(argv[1], "tcp-source") && argc == 5)
		return source(argv[2], atoi(argv[3]), atol(argv[4]));
	return -1;
}
