/* Exiting with the container's wait status: exit code N -> exit(N); killed
 * by signal S -> die of S (core dumps off), so the parent (shell, docker's
 * shim) sees the same wait status runc would give it. */
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exit_status.h"

void exit_like(int wait_status)
{
	if (WIFEXITED(wait_status))
		exit(WEXITSTATUS(wait_status));
	if (WIFSIGNALED(wait_status)) {
		int sig = WTERMSIG(wait_status);
		struct rlimit no_core = { 0, 0 };
		sigset_t set;

		setrlimit(RLIMIT_CORE, &no_core);
		signal(sig, SIG_DFL);
		sigemptyset(&set);
		sigaddset(&set, sig);
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		raise(sig);
		/* signals whose default is to be ignored (or STOP) land here */
		exit(128 + sig);
	}
	exit(255);
}
