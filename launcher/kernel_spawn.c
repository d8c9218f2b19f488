/* The UML kernel process: its command line and how it is started.
 *
 * Channels (arch/um/drivers/stdio_console.c, ssl.c, chan_user.c in 6.1):
 *   con0=null,fd:2   the kernel console (printk, init's diagnostics) goes to
 *                    the kernel's stderr = <state>/console.log, never to the
 *                    container's stdout;
 *   ssl1=fd:3        serial line 1 (/dev/ttyS1 in the guest) is the control
 *                    channel, fd 3 = one end of a socketpair.
 * uml_dir/umid keep UML's pid file and mconsole socket inside the state
 * directory, so they go away with it; it is named through fd 4 because UML
 * keeps the path in a short buffer and container state paths are long. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cleanup.h"
#include "monitor.h"

#define MEM_DEFAULT (512LL << 20)
#define MEM_MIN     (64LL << 20)
#define MEM_OVERHEAD (48LL << 20) /* guest kernel + init, on top of the limit */

int kernel_args_add(struct kernel_args *ka, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int r;

	if (ka->argc >= MAX_KERNEL_ARGS)
		return -1;
	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -1;
	ka->argv[ka->argc++] = s;
	ka->argv[ka->argc] = NULL;
	return 0;
}

void kernel_args_free(struct kernel_args *ka)
{
	for (int i = 0; i < ka->argc; i++)
		free(ka->argv[i]);
	ka->argc = 0;
	ka->argv[0] = NULL;
}

#define KERNEL_LPJ 20000000  /* loops per jiffy of a ~4 GHz core, as the kernel measures it */

int kernel_base_args(struct kernel_args *ka, const char *initrd, const char *state_dir,
		     int64_t mem_bytes, struct rerr **err)
{
	int64_t mem = mem_bytes > 0 ? mem_bytes + MEM_OVERHEAD : MEM_DEFAULT;

	if (mem < MEM_MIN)
		mem = MEM_MIN;
	if (kernel_args_add(ka, "linux") < 0 ||
	    kernel_args_add(ka, "mem=%lldM", (long long)(mem >> 20)) < 0 ||
	    kernel_args_add(ka, "initrd=%s", initrd) < 0 ||
	    kernel_args_add(ka, "con=null") < 0 || kernel_args_add(ka, "con0=null,fd:2") < 0 ||
	    kernel_args_add(ka, "ssl=null") < 0 || kernel_args_add(ka, "ssl1=fd:3") < 0 ||
	    kernel_args_add(ka, "uml_dir=/proc/self/fd/4") < 0 || kernel_args_add(ka, "umid=uml") < 0 ||
	    kernel_args_add(ka, "panic=-1") < 0 ||
	    /* skips the delay-loop calibration, 40 of the 60 ms from kernel
	     * start to init (docs/performance-notes.md): no UML driver needs
	     * udelay() to be exact, and a fast host's value errs long */
	    kernel_args_add(ka, "lpj=%d", KERNEL_LPJ) < 0)
		return rerr_make(err, ENOMEM, "building the kernel command line");
	return 0;
}

/* In a fresh user namespace, map the caller's ids to themselves so files
 * the kernel creates (its memory file) keep their owner. */
static int map_ids(uid_t uid, gid_t gid)
{
	char buf[64];
	int fd, n;

	fd = open("/proc/self/setgroups", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "deny", 4) != 4)
		return -1;
	close(fd);
	n = snprintf(buf, sizeof(buf), "%u %u 1\n", (unsigned)uid, (unsigned)uid);
	fd = open("/proc/self/uid_map", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, buf, (size_t)n) != n)
		return -1;
	close(fd);
	n = snprintf(buf, sizeof(buf), "%u %u 1\n", (unsigned)gid, (unsigned)gid);
	fd = open("/proc/self/gid_map", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, buf, (size_t)n) != n)
		return -1;
	close(fd);
	return 0;
}

/* PID 1 of the kernel's PID namespace.  The kernel itself cannot be PID 1:
 * UML ends a panic with abort(), and a namespace's init ignores signals it
 * sends itself.  This reaper runs the kernel, reaps whatever UML orphans,
 * and exits with the kernel's status -- taking the namespace, and so every
 * process of the sandbox, with it. */
static __attribute__((noreturn)) void pid_ns_reaper(const char *kernel, char **argv)
{
	int status;
	pid_t kpid = fork(), p;

	if (kpid < 0)
		_exit(127);
	if (kpid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		/* UML counts the gap between its image and a randomized heap
		 * as guest RAM ("exec-shield gap": 0.2-0.8 GB), and initializes
		 * a struct page for every page of it: ~15 MiB of host memory
		 * per sandbox for nothing.  The image is not position-
		 * independent, so only the heap, mmap and stack bases lose
		 * their randomization, in this one confined process. */
		personality(ADDR_NO_RANDOMIZE);
		/* UML is one CPU, and every guest system call and page fault is
		 * a ptrace ping-pong between the kernel and a guest process:
		 * on one host CPU that is a context switch, across two it is a
		 * wake-up of an idle CPU each way (several times slower on a
		 * VM host).  The kernel and its guest processes (its children)
		 * stay on the CPU the sandbox started on, which spreads
		 * sandboxes as the host's scheduler placed their monitors. */
		int cpu = sched_getcpu();
		cpu_set_t one;
		CPU_ZERO(&one);
		if (cpu >= 0) {
			CPU_SET(cpu, &one);
			sched_setaffinity(0, sizeof(one), &one);
		}
		execv(kernel, argv);
		dprintf(2, "runuml-monitor: cannot execute kernel `%s`: %s\n", kernel, strerror(errno));
		_exit(127);
	}
	close_range(0, ~0U, 0);
	while ((p = wait(&status)) != kpid)
		if (p < 0 && errno != EINTR)
			_exit(127);
	_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

int kernel_spawn(struct kernel_proc *k, const char *kernel, struct kernel_args *ka,
		 const char *state_dir, struct rerr **err)
{
	_cleanup_free_ char *console = NULL;
	_cleanup_close_ int null_fd = -1;
	int sv[2];
	pid_t pid;

	k->pid = -1;
	k->ctl_fd = k->console_fd = -1;
	if (asprintf(&console, "%s/console.log", state_dir) < 0)
		return rerr_make(err, ENOMEM, "starting the kernel");
	k->console_fd = open(console, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (k->console_fd < 0)
		return rerr_make(err, errno, "cannot create `%s`", console);
	null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (null_fd < 0)
		return rerr_make(err, errno, "cannot open /dev/null");
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return rerr_make(err, errno, "cannot create the control channel");
	/* The kernel is PID 1 of its own PID namespace: when it goes, for
	 * whatever reason, the host kernel kills every process it made (its
	 * helpers and one ptraced host process per guest address space).
	 * Without privilege a user namespace makes that possible. */
	unsigned long flags = CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWNET | SIGCHLD;
	uid_t uid = geteuid();
	gid_t gid = getegid();
	if (uid != 0)
		flags |= CLONE_NEWUSER;
	pid = (pid_t)syscall(SYS_clone, flags, NULL, NULL, NULL, NULL);
	if (pid < 0) {
		int e = errno;
		close(sv[0]);
		close(sv[1]);
		return rerr_make(err, e, "cannot start the kernel");
	}
	if (pid == 0) {
		/* Its own session: terminal signals (^C) are the monitor's to
		 * forward, never the kernel's to receive. */
		setsid();
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if ((flags & CLONE_NEWUSER) && map_ids(uid, gid) < 0) {
			dprintf(k->console_fd, "runuml-monitor: cannot map ids in the kernel's user "
				"namespace: %s\n", strerror(errno));
			_exit(127);
		}
		/* the state directory is also the working directory: the
		 * vhost-user sockets are named relative to it (virtio_uml
		 * splits its argument at ':' and the path must fit sun_path) */
		int dir = open(state_dir, O_RDONLY | O_DIRECTORY);
		if (dir < 0 || fchdir(dir) < 0 || dup2(null_fd, 0) < 0 || dup2(k->console_fd, 1) < 0 ||
		    dup2(k->console_fd, 2) < 0 || dup2(sv[1], 3) < 0 || dup2(dir, 4) < 0)
			_exit(127);
		close_range(5, ~0U, 0);
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		pid_ns_reaper(kernel, ka->argv);
	}
	close(sv[1]);
	k->pid = pid;
	k->ctl_fd = sv[0];
	fcntl(k->ctl_fd, F_SETFL, fcntl(k->ctl_fd, F_GETFL) | O_NONBLOCK);
	return 0;
}

char *console_tail(const char *state_dir, int lines)
{
	char path[4096], buf[8192];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/console.log", state_dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return strdup("(no console output)");
	off_t end = lseek(fd, 0, SEEK_END);
	off_t start = end > (off_t)sizeof(buf) - 1 ? end - (off_t)sizeof(buf) + 1 : 0;
	n = pread(fd, buf, sizeof(buf) - 1, start);
	close(fd);
	if (n <= 0)
		return strdup("(no console output)");
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	/* A panic says more than the stack trace after it. */
	static const char *const causes[] = { "Kernel panic", "BUG:", "Oops", "runuml-init:" };
	for (size_t i = 0; i < sizeof(causes) / sizeof(causes[0]); i++) {
		char *hit = NULL, *q = buf;
		while ((q = strstr(q, causes[i])))
			hit = q++;
		if (hit) {
			char *eol = strchr(hit, '\n');
			if (eol)
				*eol = '\0';
			return strdup(hit);
		}
	}
	char *p = buf + n;
	for (int seen = 0; p > buf; p--)
		if (p[-1] == '\n' && ++seen == lines)
			break;
	for (char *q = p; *q; q++)
		if (*q == '\n')
			*q = '|';
		else if ((unsigned char)*q < 0x20)
			*q = ' ';
	return strdup(p);
}
