/* Confinement steps for runuml's helper processes (style.md R7), one
 * function per step.  Each helper's driver calls them in this order, which
 * docs/confinement.md mirrors:
 *
 *   confine_die_with_parent   PR_SET_PDEATHSIG(SIGKILL), and the parent is checked
 *   confine_close_fds         every fd but the ones listed is closed
 *   confine_rlimits           RLIMIT_NOFILE explicit, RLIMIT_CORE 0
 *   confine_namespaces        new mount/IPC/net/UTS (+ user, when unprivileged) namespaces
 *   confine_chroot_empty      chroot into an empty directory
 *   confine_drop_caps         bounding set and effective/permitted/inheritable sets
 *                             reduced to the listed capabilities (none: all dropped)
 *   confine_no_new_privs      PR_SET_NO_NEW_PRIVS
 *   (seccomp_filter_install)  last: the allow-list
 */
#ifndef RUNUML_CONFINE_H
#define RUNUML_CONFINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "rerr.h"

int confine_die_with_parent(pid_t expected_parent, struct rerr **err);
/* keep: sorted or not, n entries. */
int confine_close_fds(const int *keep, size_t n, struct rerr **err);
int confine_rlimits(uint64_t nofile, struct rerr **err);
/* new_net false: the network namespace is kept (runuml-net's slirp mode
 * opens its sockets in the host's). */
int confine_namespaces(bool new_net, struct rerr **err);
int confine_chroot_empty(const char *dir, struct rerr **err);
/* caps: capability numbers to keep (CAP_CHOWN …). */
int confine_drop_caps(const int *caps, size_t n, struct rerr **err);
int confine_no_new_privs(struct rerr **err);

#endif
