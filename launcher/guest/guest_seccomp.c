/* config.json's linux.seccomp, compiled with libseccomp in the container
 * process and loaded just before execve (container_process.c), with runc's
 * semantics (libcontainer/seccomp/seccomp_linux.go):
 *   - system call names libseccomp does not know are skipped;
 *   - a rule whose action equals the default action is skipped;
 *   - several args on one rule must all match (AND), unless two of them
 *     name the same argument: then each becomes a rule of its own (OR);
 *   - the same system call in several rules: any may match (OR);
 *   - ERRNO and TRACE without errnoRet return EPERM;
 *   - the filter never sets no_new_privs itself (process.noNewPrivileges
 *     does).
 * The guest is x86_64 (UML has no 32-bit system call entry), so only the
 * native architecture is in the filter; other names in `architectures`
 * were validated on the host and are ignored here. */
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>

#include "guest.h"

static uint32_t scmp_act(enum oci_scmp_action a, bool has_errno, uint32_t errno_ret)
{
	uint32_t e = has_errno ? errno_ret : EPERM;

	switch (a) {
	case OCI_SCMP_KILL_THREAD:
		return SCMP_ACT_KILL_THREAD;
	case OCI_SCMP_KILL_PROCESS:
		return SCMP_ACT_KILL_PROCESS;
	case OCI_SCMP_TRAP:
		return SCMP_ACT_TRAP;
	case OCI_SCMP_ERRNO:
		return SCMP_ACT_ERRNO(e);
	case OCI_SCMP_TRACE:
		return SCMP_ACT_TRACE(e);
	case OCI_SCMP_LOG:
		return SCMP_ACT_LOG;
	case OCI_SCMP_ALLOW:
	default:
		return SCMP_ACT_ALLOW;
	}
}

static struct scmp_arg_cmp scmp_cond(const struct oci_scmp_arg *a)
{
	static const enum scmp_compare ops[] = {
		[OCI_SCMP_NE] = SCMP_CMP_NE, [OCI_SCMP_LT] = SCMP_CMP_LT,
		[OCI_SCMP_LE] = SCMP_CMP_LE, [OCI_SCMP_EQ] = SCMP_CMP_EQ,
		[OCI_SCMP_GE] = SCMP_CMP_GE, [OCI_SCMP_GT] = SCMP_CMP_GT,
		[OCI_SCMP_MASKED_EQ] = SCMP_CMP_MASKED_EQ,
	};
	struct scmp_arg_cmp c = { .arg = a->index, .op = ops[a->op],
				  .datum_a = a->value, .datum_b = a->value_two };
	return c;
}

static int add_rule(scmp_filter_ctx ctx, const char *name, int nr, uint32_t act,
		    const struct oci_scmp_syscall *c, struct rerr **err)
{
	struct scmp_arg_cmp conds[OCI_SCMP_MAX_ARGS];
	unsigned count[OCI_SCMP_MAX_ARGS] = { 0 };
	bool same_arg = false;
	int r;

	for (size_t i = 0; i < c->n_args; i++)
		if (++count[c->args[i].index] > 1)
			same_arg = true;
	if (same_arg) {
		for (size_t i = 0; i < c->n_args; i++) {
			conds[0] = scmp_cond(&c->args[i]);
			if ((r = seccomp_rule_add_array(ctx, act, nr, 1, conds)) < 0)
				return rerr_make(err, -r, "seccomp: cannot add a rule for `%s`", name);
		}
		return 0;
	}
	for (size_t i = 0; i < c->n_args; i++)
		conds[i] = scmp_cond(&c->args[i]);
	if ((r = seccomp_rule_add_array(ctx, act, nr, (unsigned)c->n_args, conds)) < 0)
		return rerr_make(err, -r, "seccomp: cannot add a rule for `%s`", name);
	return 0;
}

void *guest_seccomp_build(const struct oci_seccomp *sc, struct rerr **err)
{
	uint32_t def = scmp_act(sc->default_action, sc->has_default_errno_ret,
				sc->default_errno_ret);
	scmp_filter_ctx ctx = seccomp_init(def);
	int r;

	if (!ctx) {
		rerr_make(err, 0, "seccomp: cannot create the filter");
		return NULL;
	}
	if ((r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0)) < 0 ||
	    ((sc->flags & OCI_SCMP_FLAG_TSYNC) &&
	     (r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1)) < 0) ||
	    ((sc->flags & OCI_SCMP_FLAG_LOG) &&
	     (r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_LOG, 1)) < 0) ||
	    ((sc->flags & OCI_SCMP_FLAG_SPEC_ALLOW) &&
	     (r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_SSB, 1)) < 0)) {
		rerr_make(err, -r, "seccomp: cannot set the filter's flags");
		goto fail;
	}
	for (size_t i = 0; i < sc->n_syscalls; i++) {
		const struct oci_scmp_syscall *c = &sc->syscalls[i];
		uint32_t act = scmp_act(c->action, c->has_errno_ret, c->errno_ret);

		if (act == def)
			continue;
		for (size_t k = 0; c->names[k]; k++) {
			int nr = seccomp_syscall_resolve_name(c->names[k]);
			if (nr == __NR_SCMP_ERROR)
				continue;  /* unknown to this libseccomp: skipped, as runc does */
			if (add_rule(ctx, c->names[k], nr, act, c, err) < 0)
				goto fail;
		}
	}
	return ctx;
fail:
	seccomp_release(ctx);
	return NULL;
}

int guest_seccomp_load(void *filter, struct rerr **err)
{
	int r = seccomp_load(filter);

	seccomp_release(filter);
	if (r < 0)
		return rerr_make(err, -r, "seccomp: cannot load the filter");
	return 0;
}
