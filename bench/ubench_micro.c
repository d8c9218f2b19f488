/* ubench micro: the costs a guest pays per kernel entry.  One line each:
 *   getppid_ns      a getppid() round trip (raw syscall, no libc cache)
 *   pagefault_ns    first touch of a fresh anonymous page
 *   fork_us         fork() + child _exit(0) + waitpid()
 *   forkexec_us     fork() + execve(this binary, "true") + waitpid()
 *   forkexec_faults page faults (minor + major) of one such child, from
 *                   getrusage(RUSAGE_CHILDREN): what an exec costs in faults */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ubench.h"

static int wait_ok(pid_t p)
{
	int st;

	if (p < 0)
		return ub_fail("fork");
	if (waitpid(p, &st, 0) < 0)
		return ub_fail("waitpid");
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "ubench: child failed (status 0x%x)\n", st);
		return 1;
	}
	return 0;
}

static int bench_getppid(long n)
{
	long long t = ub_now_ns();

	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
	printf("getppid_ns %.1f\n", (double)(ub_now_ns() - t) / (double)n);
	return 0;
}

static int bench_pagefault(long pages)
{
	long psz = sysconf(_SC_PAGESIZE);
	size_t len = (size_t)pages * (size_t)psz;
	volatile char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long long t;

	if (m == MAP_FAILED)
		return ub_fail("mmap");
	t = ub_now_ns();
	for (long i = 0; i < pages; i++)
		m[i * psz] = 1;
	t = ub_now_ns() - t;
	munmap((void *)m, len);
	printf("pagefault_ns %.1f\n", (double)t / (double)pages);
	return 0;
}

static int bench_fork(long n)
{
	long long t = ub_now_ns();

	for (long i = 0; i < n; i++) {
		pid_t p = fork();
		if (p == 0)
			_exit(0);
		if (wait_ok(p))
			return 1;
	}
	printf("fork_us %.1f\n", (double)(ub_now_ns() - t) / 1000.0 / (double)n);
	return 0;
}

static int bench_forkexec(long n)
{
	char self[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	struct rusage r0, r1;
	long long t;

	if (len < 0)
		return ub_fail("readlink /proc/self/exe");
	self[len] = '\0';
	getrusage(RUSAGE_CHILDREN, &r0);
	t = ub_now_ns();
	for (long i = 0; i < n; i++) {
		pid_t p = fork();
		if (p == 0) {
			execl(self, "ubench", "true", (char *)NULL);
			_exit(127);
		}
		if (wait_ok(p))
			return 1;
	}
	t = ub_now_ns() - t;
	getrusage(RUSAGE_CHILDREN, &r1);
	printf("forkexec_us %.1f\n", (double)t / 1000.0 / (double)n);
	printf("forkexec_faults %.1f\n", (double)(r1.ru_minflt - r0.ru_minflt + r1.ru_majflt - r0.ru_majflt) / (double)n);
	return 0;
}

int ub_cmd_micro(int argc, char **argv)
{
	long n[4];

	if (argc != 5) {
		fprintf(stderr, "usage: ubench micro NSYSCALL NPAGES NFORK NEXEC\n");
		return 2;
	}
	for (int i = 0; i < 4; i++) {
		long long v = ub_parse_size(argv[i + 1]);
		if (v <= 0 || v > LONG_MAX / 2) {
			fprintf(stderr, "ubench micro: bad count `%s`\n", argv[i + 1]);
			return 2;
		}
		n[i] = (long)v;
	}
	if (bench_getppid(n[0]) || bench_pagefault(n[1]) || bench_fork(n[2]) || bench_forkexec(n[3]))
		return 1;
	return fflush(stdout) ? ub_fail("stdout") : 0;
}
