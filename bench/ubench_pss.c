/* ubench pss: host memory of a set of processes as the sum of their PSS
 * (proportional set size, /proc/PID/smaps_rollup), counting each address
 * space once: UML's kernel shares its mm with helper threads made by
 * clone(CLONE_VM) without CLONE_THREAD, which are separate PIDs whose
 * smaps_rollup repeats the same numbers.  kcmp(KCMP_VM) tells them apart.
 *   pss_kB            sum over distinct address spaces
 *   processes         PIDs read (vanished ones are skipped)
 *   address_spaces    distinct mms among them */
#include <errno.h>
#include <linux/kcmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ubench.h"

static long read_pss_kb(pid_t pid)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Pss: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* 0: same mm, 1: different, -1: cannot tell */
static int same_vm(pid_t a, pid_t b)
{
	long r = syscall(SYS_kcmp, a, b, KCMP_VM, 0, 0);

	return r < 0 ? -1 : r != 0;
}

int ub_cmd_pss(int argc, char **argv)
{
	pid_t *kept = calloc((size_t)argc, sizeof(*kept));
	long total = 0;
	int nkept = 0, nread = 0;

	if (!kept)
		return ub_fail("calloc");
	for (int i = 1; i < argc; i++) {
		pid_t pid = (pid_t)atoi(argv[i]);
		long kb;
		int dup = 0;

		if (pid <= 0) {
			fprintf(stderr, "ubench pss: bad pid `%s`\n", argv[i]);
			free(kept);
			return 2;
		}
		kb = read_pss_kb(pid);
		if (kb < 0)
			continue; /* gone (or a kernel thread) */
		nread++;
		for (int k = 0; k < nkept && !dup; k++) {
			int r = same_vm(pid, kept[k]);
			if (r < 0 && errno != ESRCH) {
				fprintf(stderr, "ubench pss: kcmp: %s\n", strerror(errno));
				free(kept);
				return 1;
			}
			dup = r == 0;
		}
		if (dup)
			continue;
		kept[nkept++] = pid;
		total += kb;
	}
	free(kept);
	printf("pss_kB %ld\nprocesses %d\naddress_spaces %d\n", total, nread, nkept);
	return fflush(stdout) ? ub_fail("stdout") : 0;
}
