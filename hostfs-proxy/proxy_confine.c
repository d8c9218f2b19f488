/* Confinement of runuml-9p, in the order of docs/confinement.md: die with
 * the monitor, close inherited fds, rlimits, namespaces, chroot into an empty
 * directory, capabilities cut to what file service needs, no_new_privs, and
 * last the seccomp allow-list of seccomp_rules.h. */
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "confine.h"
#include "proxy.h"
#include "seccomp_filter.h"

static const struct seccomp_rule proxy_rules[] = {
#define ALLOW(name, why) SECCOMP_ALLOW(name, why)
#define ALLOW_ARG(name, arg, op, val, why) SECCOMP_ALLOW_ARG(name, arg, op, val, why)
#define ALLOW_MASKED(name, arg, mask, val, why) SECCOMP_ALLOW_MASKED(name, arg, mask, val, why)
#include "seccomp_rules.h"
#undef ALLOW
#undef ALLOW_ARG
#undef ALLOW_MASKED
};

/* What serving files as the guest's owners takes when the proxy is root
 * (passthrough ownership); in a user namespace (rootless) these only reach
 * the caller's own files. */
static const int proxy_caps[] = {
	CAP_CHOWN,           /* creations owned by the guest's uid/gid; chown */
	CAP_DAC_OVERRIDE,    /* the guest kernel checks permissions (access=client) */
	CAP_DAC_READ_SEARCH,
	CAP_FOWNER,          /* chmod/utimes/xattrs of files of any owner */
	CAP_FSETID,          /* setgid bits kept on chown/write as the guest asked */
	CAP_MKNOD,           /* device nodes in shares without nodev */
	CAP_SETFCAP,         /* security.capability in shares without nosuid */
};

static int fail(struct rerr *err)
{
	fprintf(stderr, "runuml-9p: %s\n", err->msg);
	rerr_free(err);
	return -1;
}

int proxy_confine(const struct proxy_opts *o, const int *keep, size_t n_keep)
{
	struct rerr *err = NULL;

	/* fids hold up to three descriptors each (path, open file, directory) */
	uint64_t nofile = 64 + 3ULL * P9_MAX_FIDS;

	if (confine_die_with_parent(o->parent, &err) < 0 || confine_close_fds(keep, n_keep, &err) < 0 ||
	    confine_rlimits(nofile, &err) < 0 || confine_namespaces(&err) < 0 ||
	    (o->empty_root && confine_chroot_empty(o->empty_root, &err) < 0) ||
	    confine_drop_caps(proxy_caps, sizeof(proxy_caps) / sizeof(proxy_caps[0]), &err) < 0 ||
	    confine_no_new_privs(&err) < 0)
		return fail(err);
	if (o->debug)
		seccomp_trap_handler_install("runuml-9p");
	if (seccomp_filter_install(proxy_rules, sizeof(proxy_rules) / sizeof(proxy_rules[0]),
				   o->debug ? SECCOMP_TRAP : SECCOMP_KILL, &err) < 0)
		return fail(err);
	return 0;
}

void proxy_print_seccomp(int fd)
{
	seccomp_filter_print(proxy_rules, sizeof(proxy_rules) / sizeof(proxy_rules[0]), fd);
}
