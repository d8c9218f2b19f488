/* subreaper: stands in for containerd's shim in tests.  Becomes a child
 * subreaper, runs CMD1 (e.g. `runuml create`), then CMD2 (e.g. `runuml
 * start`), then reaps every orphan re-parented to it and prints
 * "reaped PID status N" (N as the shim computes it: 128+signal or the exit
 * code) for each, until none is left or 30 s pass.
 *   subreaper CMD1... -- CMD2... */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int run(char **argv)
{
	int status;
	pid_t p = fork();

	if (p == 0) {
		execvp(argv[0], argv);
		_exit(127);
	}
	while (waitpid(p, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv)
{
	char **second = NULL;
	time_t deadline = time(NULL) + 30;

	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--")) {
			argv[i] = NULL;
			second = &argv[i + 1];
		}
	if (argc < 2) {
		fprintf(stderr, "usage: subreaper CMD1... [-- CMD2...]\n");
		return 2;
	}
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	printf("first exited %d\n", run(&argv[1]));
	if (second && *second)
		printf("second exited %d\n", run(second));
	fflush(stdout);
	for (;;) {
		int status;
		pid_t p = waitpid(-1, &status, WNOHANG);
		if (p > 0) {
			printf("reaped %d status %d\n", (int)p,
			       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
			fflush(stdout);
			continue;
		}
		if (p < 0 && errno == ECHILD)
			return 0;
		if (time(NULL) > deadline)
			return 1;
		usleep(20000);
	}
}
