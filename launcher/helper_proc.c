/* Helper processes of the monitor: see helper_proc.h. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "helper_proc.h"

int helper_spawn(struct helper_proc *h, const char *name, const char *path, char *const argv[],
		 const char *state_dir, const int *keep, size_t n_keep, struct rerr **err)
{
	_cleanup_close_ int log_fd = -1, null_fd = -1;

	h->pid = -1;
	h->name = strdup(name);
	if (!h->name || asprintf(&h->log_path, "%s/%s.log", state_dir, name) < 0) {
		h->log_path = NULL;
		return rerr_make(err, ENOMEM, "starting %s", name);
	}
	log_fd = open(h->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (log_fd < 0)
		return rerr_make(err, errno, "cannot create `%s`", h->log_path);
	null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (null_fd < 0)
		return rerr_make(err, errno, "cannot open /dev/null");
	pid_t pid = fork();
	if (pid < 0)
		return rerr_make(err, errno, "cannot start %s", name);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (dup2(null_fd, 0) < 0 || dup2(log_fd, 1) < 0 || dup2(log_fd, 2) < 0)
			_exit(127);
		for (size_t i = 0; i < n_keep; i++) {
			int fl = fcntl(keep[i], F_GETFD);
			if (fl < 0 || fcntl(keep[i], F_SETFD, fl & ~FD_CLOEXEC) < 0)
				_exit(127);
		}
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		execv(path, argv);
		dprintf(2, "runuml-monitor: cannot execute `%s`: %s\n", path, strerror(errno));
		_exit(127);
	}
	h->pid = pid;
	return 0;
}

/* The last non-empty line of the helper's log, or NULL. */
static char *last_log_line(const char *path)
{
	char buf[2048];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return NULL;
	off_t end = lseek(fd, 0, SEEK_END);
	n = pread(fd, buf, sizeof(buf) - 1, end > (off_t)sizeof(buf) - 1 ? end - (off_t)sizeof(buf) + 1 : 0);
	close(fd);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	char *nl = strrchr(buf, '\n');
	return n > 0 ? strdup(nl ? nl + 1 : buf) : NULL;
}

char *helper_exit_reason(const struct helper_proc *h, int st)
{
	_cleanup_free_ char *last = last_log_line(h->log_path);
	char how[128], *r = NULL;

	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS)
		snprintf(how, sizeof(how), "was killed by its seccomp filter (a forbidden system call)");
	else if (WIFSIGNALED(st))
		snprintf(how, sizeof(how), "was killed by signal SIG%s",
			 sigabbrev_np(WTERMSIG(st)) ? sigabbrev_np(WTERMSIG(st)) : "?");
	else
		snprintf(how, sizeof(how), "exited with status %d", WEXITSTATUS(st));
	if (asprintf(&r, "%s %s%s%s", h->name, how, last ? ": " : "", last ? last : "") < 0)
		return NULL;
	return r;
}

void helper_release(struct helper_proc *h)
{
	cleanup_pidp(&h->pid);
	h->pid = -1;
	free(h->name);
	free(h->log_path);
	h->name = h->log_path = NULL;
}
