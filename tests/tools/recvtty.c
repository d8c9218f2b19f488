/* recvtty: the receiving end of runc's --console-socket contract, for tests
 * (like runc's contrib/cmd/recvtty).  Listens on PATH, accepts one
 * connection, receives the pty master, then copies the master to stdout and
 * stdin to the master until the master hangs up.
 *   recvtty PATH [--rows R --cols C] [--pid-file F]
 * With --resize-on TEXT it changes the window size to 33x111 once TEXT
 * appears in the output (to test resize forwarding without timing races). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "fdpass.h"

int main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int rows = 0, cols = 0, stdin_open = 1;
	const char *pid_file = NULL, *resize_on = NULL;
	char seen[8192] = "";
	size_t seen_len = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: recvtty PATH [--rows R --cols C] [--resize-on TEXT] "
			"[--pid-file F]\n");
		return 2;
	}
	for (int i = 2; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--rows"))
			rows = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--cols"))
			cols = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--resize-on"))
			resize_on = argv[i + 1];
		else if (!strcmp(argv[i], "--pid-file"))
			pid_file = argv[i + 1];
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", argv[1]);
	int ls = socket(AF_UNIX, SOCK_STREAM, 0);
	unlink(argv[1]);
	if (ls < 0 || bind(ls, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(ls, 1) < 0) {
		fprintf(stderr, "recvtty: cannot listen on %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (pid_file) {
		FILE *f = fopen(pid_file, "w");
		if (f) {
			fprintf(f, "%d\n", (int)getpid());
			fclose(f);
		}
	}
	int c = accept(ls, NULL, NULL);
	int m = c >= 0 ? fd_recv(c) : -1;
	if (m < 0) {
		fprintf(stderr, "recvtty: no terminal received: %s\n", strerror(errno));
		return 1;
	}
	close(c);
	close(ls);
	unlink(argv[1]);
	if (rows && cols) {
		struct winsize ws = { .ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols };
		ioctl(m, TIOCSWINSZ, &ws);
	}
	for (;;) {
		struct pollfd p[2] = { { .fd = m, .events = POLLIN }, { .fd = 0, .events = POLLIN } };
		int r = poll(p, stdin_open ? 2 : 1, -1);
		if (r < 0 && errno != EINTR)
			return 1;
		char buf[4096];
		if (p[0].revents) {
			ssize_t n = read(m, buf, sizeof(buf));
			if (n <= 0)
				return 0;
			if (write(1, buf, (size_t)n) < 0)
				return 1;
			if (resize_on && seen_len + (size_t)n < sizeof(seen)) {
				memcpy(seen + seen_len, buf, (size_t)n);
				seen_len += (size_t)n;
				seen[seen_len] = '\0';
				if (strstr(seen, resize_on)) {
					struct winsize ws = { .ws_row = 33, .ws_col = 111 };
					ioctl(m, TIOCSWINSZ, &ws);
					resize_on = NULL;
				}
			}
		}
		if (stdin_open && p[1].revents) {
			ssize_t n = read(0, buf, sizeof(buf));
			if (n <= 0)
				stdin_open = 0;
			else if (write(m, buf, (size_t)n) < 0)
				return 1;
		}
	}
}
