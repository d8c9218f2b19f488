/* ubench: command dispatch and the helpers every command shares.  See
 * ubench.h for the output convention and bench/README.md for who runs what. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ubench.h"

long long ub_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int ub_fail(const char *what)
{
	fprintf(stderr, "ubench: %s: %s\n", what, strerror(errno));
	return 1;
}

long long ub_parse_size(const char *s)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || v < 0)
		return -1;
	switch (*end) {
	case 'k': case 'K': v <<= 10; end++; break;
	case 'm': case 'M': v <<= 20; end++; break;
	case 'g': case 'G': v <<= 30; end++; break;
	default: break;
	}
	return *end ? -1 : v;
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;
} cmds[] = {
	{ "micro", ub_cmd_micro, "micro NSYSCALL NPAGES NFORK NEXEC" },
	{ "fs", ub_cmd_fs, "fs DIR READFILE STATDIR NSTAT NCREATE WRITESIZE" },
	{ "emit", ub_cmd_emit, "emit SIZE                (to stdout)" },
	{ "sink", ub_cmd_sink, "sink                     (stdin until EOF)" },
	{ "time", ub_cmd_time, "time CMD [ARGS...]" },
	{ "netinfo", ub_cmd_netinfo, "netinfo" },
	{ "tcp-serve", ub_cmd_tcp_serve, "tcp-serve PORT sink|source SIZE" },
	{ "tcp-client", ub_cmd_tcp_client, "tcp-client HOST PORT send|recv SIZE" },
	{ "pss", ub_cmd_pss, "pss PID..." },
};

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "true"))
		return 0;
	for (size_t i = 0; argc >= 2 && i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "usage: ubench COMMAND ...\n");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(stderr, "  ubench %s\n", cmds[i].usage);
	fprintf(stderr, "  ubench true\n");
	return 2;
}
