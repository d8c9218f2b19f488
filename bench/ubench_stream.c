/* ubench emit/sink/time: the ends of a stdio throughput measurement and a
 * wall-clock timer for a child command.
 *   emit SIZE   writes SIZE bytes to stdout in 64 KiB writes
 *   sink        reads stdin to EOF; prints bytes and sink_MBps, timed from
 *               the first byte (so container start-up is not counted)
 *   time CMD... runs CMD, prints elapsed_s; fails if CMD fails */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ubench.h"

#define CHUNK 65536

int ub_cmd_emit(int argc, char **argv)
{
	static char buf[CHUNK];
	long long size = argc == 2 ? ub_parse_size(argv[1]) : -1;

	if (size < 0) {
		fprintf(stderr, "usage: ubench emit SIZE\n");
		return 2;
	}
	while (size > 0) {
		size_t n = size < CHUNK ? (size_t)size : CHUNK;
		ssize_t w = write(1, buf, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return ub_fail("write stdout");
		size -= w;
	}
	return 0;
}

int ub_cmd_sink(int argc, char **argv)
{
	static char buf[CHUNK];
	long long first = 0, bytes = 0, t;
	ssize_t r;

	for (;;) {
		r = read(0, buf, sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (!bytes)
			first = ub_now_ns();
		bytes += r;
	}
	if (r < 0)
		return ub_fail("read stdin");
	t = ub_now_ns() - first;
	printf("bytes %lld\n", bytes);
	if (bytes && t > 0)
		printf("sink_MBps %.1f\n", (double)bytes / (1024.0 * 1024.0) / ((double)t / 1e9));
	return fflush(stdout) ? ub_fail("stdout") : 0;
}

int ub_cmd_time(int argc, char **argv)
{
	long long t;
	pid_t p;
	int st;

	if (argc < 2) {
		fprintf(stderr, "usage: ubench time CMD [ARGS...]\n");
		return 2;
	}
	fflush(stdout);
	t = ub_now_ns();
	p = fork();
	if (p < 0)
		return ub_fail("fork");
	if (p == 0) {
		execvp(argv[1], argv + 1);
		fprintf(stderr, "ubench time: cannot run `%s`: %s\n", argv[1], strerror(errno));
		_exit(127);
	}
	if (waitpid(p, &st, 0) < 0)
		return ub_fail("waitpid");
	t = ub_now_ns() - t;
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "ubench time: `%s` failed (status 0x%x)\n", argv[1], st);
		return 1;
	}
	printf("elapsed_s %.3f\n", (double)t / 1e9);
	return fflush(stdout) ? ub_fail("stdout") : 0;
}
