/* OCI lifecycle hooks (runtime-spec config.md "POSIX-platform Hooks",
 * runtime.md "Lifecycle"): run on the host, in order, each with the
 * container state JSON on stdin, killed when its timeout passes. */
#ifndef RUNUML_HOOKS_H
#define RUNUML_HOOKS_H

#include "oci_spec.h"
#include "rerr.h"
#include "state_file.h"

/* Builds the state JSON hooks get on stdin (caller frees). */
char *hooks_state_json(const struct container_state *st);
/* Runs every hook of one kind in order; stops at the first failure. */
int hooks_run(const struct oci_spec *spec, enum oci_hook_kind kind, const char *state_json,
	      struct rerr **err);
const char *hook_kind_name(enum oci_hook_kind kind);

#endif
