/* rtest: a static multi-call helper placed in the test root file system as
 * /bin/rtest, so tests need no distro image and fail precisely.  Every
 * command prints parseable output and exits non-zero on bad usage.
 *
 *   exit N | kill-self SIG | cwd | env | ids | isatty | memhog SIZE |
 *   write-bytes N [FD] | stderr TEXT | rlimit NAME | hostname | pid | caps |
 *   nnp | cat | sleep SECONDS | sigwait | ppid-loop N | fork-loop N |
 *   exec-loop N
 * and the file-system commands of rtest_fs.c and network ones of rtest_net.c. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rtest.h"

extern char **environ;

static int usage(const char *msg)
{
	fprintf(stderr, "rtest: %s\n", msg);
	return 2;
}

static long long parse_size(const char *s)
{
	char *end;
	long long v = strtoll(s, &end, 10);

	if (end == s || v < 0)
		return -1;
	switch (*end) {
	case 'k': case 'K': v <<= 10; end++; break;
	case 'm': case 'M': v <<= 20; end++; break;
	case 'g': case 'G': v <<= 30; end++; break;
	default: break;
	}
	return *end ? -1 : v;
}

static const struct { const char *name; int sig; } sigs[] = {
	{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT }, { "ABRT", SIGABRT },
	{ "KILL", SIGKILL }, { "USR1", SIGUSR1 }, { "SEGV", SIGSEGV }, { "USR2", SIGUSR2 },
	{ "PIPE", SIGPIPE }, { "ALRM", SIGALRM }, { "TERM", SIGTERM },
};

static int parse_signal(const char *s)
{
	if (*s >= '0' && *s <= '9')
		return atoi(s);
	if (!strncasecmp(s, "SIG", 3))
		s += 3;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (!strcasecmp(s, sigs[i].name))
			return sigs[i].sig;
	return -1;
}

static const struct { const char *name; int res; } limits[] = {
	{ "NOFILE", RLIMIT_NOFILE }, { "NPROC", RLIMIT_NPROC }, { "CORE", RLIMIT_CORE },
	{ "STACK", RLIMIT_STACK }, { "AS", RLIMIT_AS }, { "FSIZE", RLIMIT_FSIZE },
	{ "CPU", RLIMIT_CPU }, { "MEMLOCK", RLIMIT_MEMLOCK },
};

static void print_lim(rlim_t v)
{
	if (v == RLIM_INFINITY)
		printf("unlimited");
	else
		printf("%llu", (unsigned long long)v);
}

static void status_field(const char *key)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)) && line[strlen(key)] == ':')
			fputs(line, stdout);
	fclose(f);
}

static long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Deterministic bytes: position i holds (i * 131 + 7) & 0xff. */
static int write_bytes(long long n, int fd)
{
	static unsigned char buf[65536];
	long long pos = 0;

	while (pos < n) {
		size_t chunk = n - pos < (long long)sizeof(buf) ? (size_t)(n - pos) : sizeof(buf);
		for (size_t i = 0; i < chunk; i++)
			buf[i] = (unsigned char)(((pos + (long long)i) * 131 + 7) & 0xff);
		size_t off = 0;
		while (off < chunk) {
			ssize_t w = write(fd, buf + off, chunk - off);
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				return 1;
			off += (size_t)w;
		}
		pos += (long long)chunk;
	}
	return 0;
}

static void on_term(int sig)
{
	(void)sig;
	static const char msg[] = "got SIGTERM\n";
	(void)!write(1, msg, sizeof(msg) - 1);
	_exit(0);
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";
	const char *arg = argc > 2 ? argv[2] : NULL;

	if (!strcmp(cmd, "exit") && arg)
		return atoi(arg);
	if (!strcmp(cmd, "kill-self") && arg) {
		int sig = parse_signal(arg);
		if (sig <= 0)
			return usage("unknown signal");
		signal(sig, SIG_DFL);
		kill(getpid(), sig);
		sleep(5);
		return usage("still alive after the signal");
	}
	if (!strcmp(cmd, "cwd")) {
		char buf[4096];
		if (!getcwd(buf, sizeof(buf)))
			return usage("getcwd failed");
		printf("%s\n", buf);
		return 0;
	}
	if (!strcmp(cmd, "env")) {
		for (char **e = environ; *e; e++)
			printf("%s\n", *e);
		return 0;
	}
	if (!strcmp(cmd, "ids")) {
		gid_t groups[256];
		int n = getgroups(256, groups);
		mode_t um = umask(0);
		printf("uid=%u gid=%u euid=%u egid=%u groups=", getuid(), getgid(), geteuid(), getegid());
		for (int i = 0; i < n; i++)
			printf("%s%u", i ? "," : "", groups[i]);
		printf(" umask=%04o\n", um);
		return 0;
	}
	if (!strcmp(cmd, "isatty")) {
		printf("stdin=%d stdout=%d stderr=%d\n", isatty(0), isatty(1), isatty(2));
		return 0;
	}
	if (!strcmp(cmd, "memhog") && arg) {
		long long n = parse_size(arg);
		if (n <= 0)
			return usage("bad size");
		char *p = mmap(NULL, (size_t)n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return usage("mmap failed");
		for (long long i = 0; i < n; i += 4096)
			p[i] = 1;
		printf("ok %lld\n", n);
		return 0;
	}
	if (!strcmp(cmd, "write-bytes") && arg) {
		long long n = parse_size(arg);
		if (n < 0)
			return usage("bad size");
		return write_bytes(n, argc > 3 ? atoi(argv[3]) : 1);
	}
	if (!strcmp(cmd, "stderr") && arg) {
		fprintf(stderr, "%s\n", arg);
		return 0;
	}
	if (!strcmp(cmd, "rlimit") && arg) {
		for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
			struct rlimit rl;
			if (strcasecmp(arg, limits[i].name))
				continue;
			if (getrlimit(limits[i].res, &rl) < 0)
				return usage("getrlimit failed");
			printf("soft=");
			print_lim(rl.rlim_cur);
			printf(" hard=");
			print_lim(rl.rlim_max);
			printf("\n");
			return 0;
		}
		return usage("unknown rlimit");
	}
	if (!strcmp(cmd, "hostname")) {
		char buf[256];
		if (gethostname(buf, sizeof(buf)) < 0)
			return usage("gethostname failed");
		printf("%s\n", buf);
		return 0;
	}
	if (!strcmp(cmd, "pid")) {
		printf("pid=%d ppid=%d\n", (int)getpid(), (int)getppid());
		return 0;
	}
	if (!strcmp(cmd, "caps")) {
		status_field("CapInh");
		status_field("CapPrm");
		status_field("CapEff");
		status_field("CapBnd");
		status_field("CapAmb");
		return 0;
	}
	if (!strcmp(cmd, "nnp")) {
		status_field("NoNewPrivs");
		return 0;
	}
	if (!strcmp(cmd, "cat")) {
		char buf[65536];
		ssize_t r;
		while ((r = read(0, buf, sizeof(buf))) > 0)
			if (write(1, buf, (size_t)r) != r)
				return 1;
		return r < 0;
	}
	if (!strcmp(cmd, "sleep") && arg) {
		struct timespec ts = { .tv_sec = atoi(arg) };
		nanosleep(&ts, NULL);
		return 0;
	}
	if (!strcmp(cmd, "sigwait")) {
		signal(SIGTERM, on_term);
		printf("waiting\n");
		fflush(stdout);
		for (;;)
			pause();
	}
	if (!strcmp(cmd, "ppid-loop") && arg) {
		long n = atol(arg);
		long long t = now_ns();
		for (long i = 0; i < n; i++)
			syscall(SYS_getppid);
		printf("getppid %.1f ns\n", (double)(now_ns() - t) / (double)(n ? n : 1));
		return 0;
	}
	if (!strcmp(cmd, "fork-loop") && arg) {
		long n = atol(arg);
		long long t = now_ns();
		for (long i = 0; i < n; i++) {
			pid_t p = fork();
			if (p == 0)
				_exit(0);
			waitpid(p, NULL, 0);
		}
		printf("fork+wait %.1f us\n", (double)(now_ns() - t) / 1000.0 / (double)(n ? n : 1));
		return 0;
	}
	if (!strcmp(cmd, "exec-loop") && arg) {
		long n = atol(arg);
		long long t = now_ns();
		for (long i = 0; i < n; i++) {
			pid_t p = fork();
			if (p == 0) {
				execl("/proc/self/exe", "rtest", "exit", "0", (char *)NULL);
				_exit(127);
			}
			waitpid(p, NULL, 0);
		}
		printf("fork+exec+wait %.1f us\n", (double)(now_ns() - t) / 1000.0 / (double)(n ? n : 1));
		return 0;
	}
	int r = argc > 1 ? rtest_fs(argc, argv) : -1;
	if (r < 0 && argc > 1)
		r = rtest_net(argc, argv);
	if (r >= 0)
		return r;
	return usage("unknown command (see the headers of tests/guest/rtest.c and rtest_fs.c)");
}
