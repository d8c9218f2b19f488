/* Compiles a seccomp allow-list table with libseccomp (see seccomp_filter.h). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "seccomp_filter.h"

static const char *trap_prog = "runuml";

int seccomp_filter_install(const struct seccomp_rule *rules, size_t n, enum seccomp_mode mode,
			   struct rerr **err)
{
	uint32_t deflt = mode == SECCOMP_TRAP ? SCMP_ACT_TRAP : SCMP_ACT_KILL_PROCESS;
	scmp_filter_ctx ctx = seccomp_init(deflt);
	int r;

	if (!ctx && mode == SECCOMP_KILL) /* kernels before 4.14: whole-process kill unknown */
		ctx = seccomp_init(SCMP_ACT_KILL);
	if (!ctx)
		return rerr_make(err, ENOMEM, "cannot create the seccomp filter");
	for (size_t i = 0; i < n; i++) {
		const struct seccomp_rule *ru = &rules[i];
		int nr = seccomp_syscall_resolve_name(ru->name);
		if (nr == __NR_SCMP_ERROR) {
			seccomp_release(ctx);
			return rerr_make(err, 0, "cannot build the seccomp filter: unknown system call `%s`",
					 ru->name);
		}
		if (ru->arg < 0)
			r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
		else {
			/* spelled out: clang warns on SCMP_CMP's missing datum_b */
			struct scmp_arg_cmp cmp = { .arg = (unsigned)ru->arg, .op = ru->op,
						    .datum_a = ru->op == SCMP_CMP_MASKED_EQ ? ru->mask : ru->value,
						    .datum_b = ru->op == SCMP_CMP_MASKED_EQ ? ru->value : 0 };
			r = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, nr, 1, &cmp);
		}
		if (r < 0) {
			seccomp_release(ctx);
			return rerr_make(err, -r, "cannot add `%s` to the seccomp filter", ru->name);
		}
	}
	r = seccomp_load(ctx);
	seccomp_release(ctx);
	if (r < 0)
		return rerr_make(err, -r, "cannot load the seccomp filter");
	return 0;
}

/* implements the SIGSYS handler of SECCOMP_TRAP: async-signal-safe only */
static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
	char buf[160];
	char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, si->si_syscall);
	int n = snprintf(buf, sizeof(buf), "%s: forbidden system call %s (%d)\n", trap_prog,
			 name ? name : "?", si->si_syscall);

	(void)uc;
	if (n > 0)
		(void)!write(2, buf, (size_t)n);
	_exit(128 + sig);
}

void seccomp_trap_handler_install(const char *prog)
{
	struct sigaction sa;

	trap_prog = prog;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigsys;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSYS, &sa, NULL);
}

void seccomp_filter_print(const struct seccomp_rule *rules, size_t n, int fd)
{
	static const char *const ops[] = { "?", "!=", "<", "<=", "==", ">=", ">", "&==" };

	for (size_t i = 0; i < n; i++) {
		const struct seccomp_rule *ru = &rules[i];
		if (ru->arg < 0)
			dprintf(fd, "%-20s  # %s\n", ru->name, ru->why);
		else
			dprintf(fd, "%-20s  arg%d %s %#llx  # %s\n", ru->name, ru->arg,
				(unsigned)ru->op < sizeof(ops) / sizeof(ops[0]) ? ops[ru->op] : "?",
				(unsigned long long)ru->value, ru->why);
	}
}
