/* runc update's inputs: a LinuxResources object (runtime-spec
 * config-linux.md "Control groups", as `runc update --resources FILE|-` and
 * containerd's shim send it) and the size strings of the --memory flags,
 * turned into the control channel's struct ctl_resources.  Fields runuml
 * cannot apply in a one-CPU guest without swap are accepted and ignored
 * (docs/update.md lists them); values it cannot honour are refused. */
#ifndef RUNUML_OCI_RESOURCES_H
#define RUNUML_OCI_RESOURCES_H

#include <stddef.h>
#include <stdint.h>

#include "ctl_proto.h"
#include "rerr.h"

/* Parses LinuxResources JSON.  Absent or null fields stay 0 (unchanged). */
int oci_resources_parse(const char *json, size_t len, struct ctl_resources *out,
			struct rerr **err);

/* "256m", "1g", "1.5G", "4096", "-1" (units.RAMInBytes as runc/docker read
 * them; binary multiples).  Returns 0 and *out, or < 0 with *err naming flag. */
int parse_mem_size(const char *s, const char *flag, int64_t *out, struct rerr **err);

/* cgroup v1 cpu.shares -> cgroup v2 cpu.weight (runc's conversion). */
int64_t cpu_shares_to_weight(uint64_t shares);

#endif
