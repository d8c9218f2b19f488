/* runuml check: can this host run runuml?  One line per prerequisite,
 *   ok <what>: <detail>
 *   FAIL <what>: <detail>; fix: <hint>
 * and exit status 0 when every line is ok, 1 otherwise (the idea of
 * `kata-runtime check`).  Each test does what runuml will do (ptrace a
 * child, map a file executable, create the namespaces) rather than guess
 * from sysctls, which only go into the details and hints. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <linux/magic.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "cli.h"

static const char usage_check[] =
	"usage: runuml check\n"
	"\n"
	"Checks that this host can run runuml: the kernel and initrd next to this\n"
	"binary, ptrace, executable mappings in the directory UML keeps its memory\n"
	"file in, the namespaces, and a writable state root (--root).  Prints one\n"
	"line per check, `ok <what>: <detail>` or `FAIL <what>: <detail>; fix: <hint>`,\n"
	"and exits 0 when every check passed, 1 otherwise.\n";

struct checker {
	int failed;
};

static void __attribute__((format(printf, 5, 6)))
report(struct checker *ck, bool ok, const char *what, const char *fix, const char *fmt, ...)
{
	va_list ap;

	printf("%s %s: ", ok ? "ok" : "FAIL", what);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (!ok) {
		printf("; fix: %s", fix);
		ck->failed++;
	}
	putchar('\n');
	fflush(stdout);
}

/* An integer sysctl, or -1 if it does not exist. */
static long sysctl_value(const char *path)
{
	char buf[32] = "";
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || read(fd, buf, sizeof(buf) - 1) <= 0)
		return -1;
	return strtol(buf, NULL, 10);
}

/* Runs fn in a child; returns its exit status (an errno from fn), or
 * 128 + signal. */
static int in_child(int (*fn)(void))
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return errno;
	if (pid == 0)
		_exit(fn());
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void check_file(struct checker *ck, const char *libexec, const char *name,
		       const char *what, int mode)
{
	_cleanup_free_ char *path = NULL;
	static const char fix[] = "build it (`make`) or reinstall runuml; it must sit in "
				  "<bindir>/../libexec/runuml/ next to bin/runuml";
	struct stat st;

	if (!libexec || asprintf(&path, "%s/%s", libexec, name) < 0) {
		report(ck, false, what, fix, "cannot locate the runuml binary (/proc/self/exe)");
		return;
	}
	if (stat(path, &st) < 0 || access(path, mode) < 0)
		report(ck, false, what, fix, "%s: %s", path, strerror(errno));
	else if (!S_ISREG(st.st_mode))
		report(ck, false, what, fix, "%s: not a regular file", path);
	else
		report(ck, true, what, NULL, "%s", path);
}

/* The child: traced by its parent, stops, then makes a system call the
 * parent should see (as UML's check_ptrace does). */
static int ptrace_child(void)
{
	if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
		return errno;
	raise(SIGSTOP);
	getppid();
	return 0;
}

static void check_ptrace(struct checker *ck)
{
	long scope = sysctl_value("/proc/sys/kernel/yama/ptrace_scope");
	char detail[64] = "";
	int status = 0, e = 0;
	const char *fail = NULL;
	pid_t pid;

	if (scope >= 0)
		snprintf(detail, sizeof(detail), " (yama ptrace_scope %ld)", scope);
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		report(ck, false, "ptrace", "free resources", "cannot fork: %s", strerror(errno));
		return;
	}
	if (pid == 0)
		_exit(ptrace_child());
	if (waitpid(pid, &status, 0) < 0) {
		e = errno;
		fail = "waitpid";
	} else if (!WIFSTOPPED(status)) {
		e = WIFEXITED(status) ? WEXITSTATUS(status) : 0;
		fail = "PTRACE_TRACEME";
	} else if (ptrace(PTRACE_SETOPTIONS, pid, NULL,
			  (void *)(long)(PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL)) < 0) {
		e = errno;
		fail = "PTRACE_SETOPTIONS";
	} else if (ptrace(PTRACE_SYSCALL, pid, NULL, NULL) < 0) {
		e = errno;
		fail = "PTRACE_SYSCALL";
	} else if (waitpid(pid, &status, 0) < 0 || !WIFSTOPPED(status) ||
		   WSTOPSIG(status) != (SIGTRAP | 0x80)) {
		fail = "a system-call stop";
	}
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	if (!fail) {
		report(ck, true, "ptrace", NULL, "a child can be traced%s", detail);
		return;
	}
	report(ck, false, "ptrace",
	       scope >= 2 ? "sysctl -w kernel.yama.ptrace_scope=1" :
	       "allow ptrace (in a container: a seccomp profile that allows ptrace, "
	       "or --cap-add SYS_PTRACE on old kernels)",
	       "%s failed%s%s%s", fail, e ? ": " : "", e ? strerror(e) : "", detail);
}

/* Where UML puts its memory file (arch/um/os-Linux/mem.c choose_tempdir):
 * $TMPDIR, $TMP or $TEMP; else /dev/shm if it is a tmpfs; else /tmp. */
static const char *uml_tempdir(bool *tmpfs)
{
	static const char *const vars[] = { "TMPDIR", "TMP", "TEMP", NULL };
	const char *dir = NULL;
	struct statfs sf;

	for (const char *const *v = vars; *v && !dir; v++)
		if (getenv(*v) && *getenv(*v))
			dir = getenv(*v);
	if (!dir)
		dir = statfs("/dev/shm", &sf) == 0 && sf.f_type == TMPFS_MAGIC ? "/dev/shm" : "/tmp";
	*tmpfs = statfs(dir, &sf) == 0 && sf.f_type == TMPFS_MAGIC;
	return dir;
}

static void check_exec_mapping(struct checker *ck)
{
	static const char fix[] = "UML maps its memory file executable: remount the directory "
				  "without noexec, or set TMPDIR to a tmpfs that allows exec";
	bool tmpfs;
	const char *dir = uml_tempdir(&tmpfs);
	const char *note = tmpfs ? "tmpfs" : "not a tmpfs: guest memory is written back to disk";
	long page = sysconf(_SC_PAGESIZE);
	_cleanup_free_ char *tmpl = NULL;
	_cleanup_close_ int fd = open(dir, O_RDWR | O_TMPFILE | O_EXCL | O_CLOEXEC, 0600);
	void *p;

	if (fd < 0 && asprintf(&tmpl, "%s/runuml-check-XXXXXX", dir) >= 0) {
		fd = mkostemp(tmpl, O_CLOEXEC);
		if (fd >= 0)
			unlink(tmpl);
	}
	if (fd < 0) {
		report(ck, false, "executable memory file", "make it writable, or set TMPDIR to a "
		       "writable tmpfs", "cannot create a file in %s: %s", dir, strerror(errno));
		return;
	}
	if (ftruncate(fd, page) < 0) {
		report(ck, false, "executable memory file", fix, "cannot size a file in %s: %s", dir,
		       strerror(errno));
		return;
	}
	p = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		report(ck, false, "executable memory file", fix, "cannot map a file of %s executable "
		       "(%s): %s", dir, note, strerror(errno));
		return;
	}
	munmap(p, (size_t)page);
	report(ck, true, "executable memory file", NULL, "%s (%s)", dir, note);
}

/* The namespaces the monitor gives the kernel (launcher/kernel_spawn.c):
 * PID, IPC, network, and a user namespace when not root. */
static int unshare_kernel_namespaces(void)
{
	int flags = CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWNET;

	if (geteuid() != 0)
		flags |= CLONE_NEWUSER;
	return unshare(flags) < 0 ? errno : 0;
}

/* An unprivileged user namespace, asked for by root as nobody. */
static int unshare_user_as_nobody(void)
{
	if (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0)
		return errno;
	return unshare(CLONE_NEWUSER) < 0 ? errno : 0;
}

static const char *userns_fix(void)
{
	if (sysctl_value("/proc/sys/kernel/unprivileged_userns_clone") == 0)
		return "sysctl -w kernel.unprivileged_userns_clone=1";
	if (sysctl_value("/proc/sys/user/max_user_namespaces") == 0)
		return "sysctl -w user.max_user_namespaces=15000";
	if (sysctl_value("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") == 1)
		return "sysctl -w kernel.apparmor_restrict_unprivileged_userns=0, or an AppArmor "
		       "profile for runuml that allows userns";
	return "allow unshare(CLONE_NEWUSER) (in a container: a seccomp profile that allows it)";
}

static void check_namespaces(struct checker *ck)
{
	bool root = geteuid() == 0;
	int e = in_child(unshare_kernel_namespaces);

	if (e)
		report(ck, false, "namespaces", root ? "run on a kernel with PID, IPC and network "
		       "namespaces (in a container: --privileged or CAP_SYS_ADMIN)" : userns_fix(),
		       "cannot unshare %s: %s", root ? "pid, ipc and network namespaces" :
		       "user, pid, ipc and network namespaces",
		       e > 128 ? strsignal(e - 128) : strerror(e));
	else
		report(ck, true, "namespaces", NULL, "%s", root ? "pid, ipc and network" :
		       "user (unprivileged), pid, ipc and network");
	if (!root)
		return;
	/* root needs no user namespace; rootless runuml does */
	e = in_child(unshare_user_as_nobody);
	if (e)
		report(ck, true, "user namespaces", NULL, "not needed as root; unprivileged ones "
		       "fail (%s), so runuml will not run rootless; to allow that: %s",
		       e > 128 ? strsignal(e - 128) : strerror(e), userns_fix());
	else
		report(ck, true, "user namespaces", NULL, "unprivileged ones work (rootless runuml "
		       "possible)");
}

static void check_state_root(struct checker *ck, const struct global_opts *g)
{
	static const char fix[] = "pass --root DIR naming a writable directory (a tmpfs)";
	_cleanup_free_ char *root = NULL, *tmpl = NULL;
	struct rerr *err = NULL;
	int fd;

	if (state_root_resolve(g->root_flag, &root, &err) < 0) {
		report(ck, false, "state root", fix, "%s", err->msg);
		rerr_free(err);
		return;
	}
	if (asprintf(&tmpl, "%s/.runuml-check-XXXXXX", root) < 0 ||
	    (fd = mkostemp(tmpl, O_CLOEXEC)) < 0) {
		report(ck, false, "state root", fix, "cannot create a file in `%s`: %s", root,
		       strerror(errno));
		return;
	}
	close(fd);
	unlink(tmpl);
	report(ck, true, "state root", NULL, "%s is writable", root);
}

int cmd_check(const struct global_opts *g, int argc, char **argv, struct rerr **err)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct checker ck = { 0 };
	int c;

	opterr = 0; /* one line of our own instead */
	while ((c = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		if (c == 'h') {
			fputs(usage_check, stdout);
			return 0;
		}
		return rerr_make(err, 0, "check: unknown option `%s` (see `runuml check --help`)",
				 argv[optind - 1]);
	}
	if (optind < argc)
		return rerr_make(err, 0, "check: unexpected argument `%s`", argv[optind]);
	check_file(&ck, g->libexec, "linux", "kernel", X_OK);
	check_file(&ck, g->libexec, "initrd.img", "initrd", R_OK);
	check_file(&ck, g->libexec, "runuml-monitor", "monitor", X_OK);
	check_ptrace(&ck);
	check_exec_mapping(&ck);
	check_namespaces(&ck);
	check_state_root(&ck, g);
	return ck.failed ? 1 : 0;
}
