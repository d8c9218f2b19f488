/* Seccomp allow-lists as data (style.md R8).  Each confined process keeps
 * its table in its own `seccomp_rules.h` as an X-macro list:
 *
 *   ALLOW(read, "p9 transport: vhost-user socket, eventfds")
 *   ALLOW_ARG(fcntl, 1, SCMP_CMP_EQ, F_GETFL, "…")
 *
 * and turns it into a `struct seccomp_rule[]` with SECCOMP_RULE_ENTRIES.
 * seccomp_filter_install() compiles the table with libseccomp: everything
 * not listed kills the whole process (SCMP_ACT_KILL_PROCESS); several
 * ALLOW_ARG entries for one system call are alternatives (any may match). */
#ifndef RUNUML_SECCOMP_FILTER_H
#define RUNUML_SECCOMP_FILTER_H

#include <seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rerr.h"

struct seccomp_rule {
	const char *name;   /* system call name, resolved by libseccomp */
	int arg;            /* -1: any arguments */
	enum scmp_compare op;
	uint64_t value;
	uint64_t mask;      /* for SCMP_CMP_MASKED_EQ */
	const char *why;    /* who needs it */
};

#define SECCOMP_ALLOW(name_, why_) { #name_, -1, 0, 0, 0, why_ },
#define SECCOMP_ALLOW_ARG(name_, arg_, op_, val_, why_) \
	{ #name_, arg_, op_, (uint64_t)(val_), 0, why_ },
#define SECCOMP_ALLOW_MASKED(name_, arg_, mask_, val_, why_) \
	{ #name_, arg_, SCMP_CMP_MASKED_EQ, (uint64_t)(val_), (uint64_t)(mask_), why_ },

enum seccomp_mode {
	SECCOMP_KILL,   /* default: a forbidden call kills the process */
	SECCOMP_TRAP,   /* debugging: SIGSYS, whose handler names the call */
};

/* Installs the filter (no_new_privs must already be set). */
int seccomp_filter_install(const struct seccomp_rule *rules, size_t n, enum seccomp_mode mode,
			   struct rerr **err);
/* With SECCOMP_TRAP: a SIGSYS handler that writes "<prog>: forbidden system
 * call <name> (<nr>)" to fd 2 and exits 128+SIGSYS. */
void seccomp_trap_handler_install(const char *prog);
/* Prints the table (one "name[ arg op value]  # why" line each) to fd. */
void seccomp_filter_print(const struct seccomp_rule *rules, size_t n, int fd);

#endif
