/* Control channel between the host monitor and the guest init (PID 1).
 *
 * Transport: one UML serial line (ssl1=fd:N on the kernel command line,
 * /dev/ttyS1 in raw mode inside the guest), carrying length-prefixed,
 * versioned frames.  Container stdio rides the same channel, tagged with the
 * process it belongs to (0 = the container process, >0 = exec sessions).
 *
 * The guest is hostile: the host decodes every frame with ctl_decode(), which
 * bounds every field; it is the fuzz target for this protocol. */
#ifndef RUNUML_CTL_PROTO_H
#define RUNUML_CTL_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define CTL_MAGIC        0x5552u   /* "RU" */
#define CTL_VERSION      1u
#define CTL_MAX_PAYLOAD  65536u    /* bytes in one frame */
#define CTL_MAX_SPEC     (4u << 20)/* config.json + launch data, all chunks */

enum ctl_type {
	CTL_HELLO = 1,   /* guest->host: init is up; payload: version text */
	CTL_SPEC,        /* host->guest: one chunk of the launch spec (JSON) */
	CTL_SPEC_END,    /* host->guest: spec complete, prepare the process */
	CTL_READY,       /* guest->host: process prepared, waiting for START */
	CTL_START,       /* host->guest: exec the prepared process */
	CTL_STDIN,       /* host->guest: stdin bytes for `proc`; empty = EOF */
	CTL_STDOUT,      /* guest->host: stdout bytes of `proc` */
	CTL_STDERR,      /* guest->host: stderr bytes of `proc` */
	CTL_EXIT,        /* guest->host: `proc` ended; payload: int32 wait status */
	CTL_SIGNAL,      /* host->guest: payload int32 signal; flags CTL_F_ALL */
	CTL_RESIZE,      /* host->guest: payload uint16 rows, uint16 cols */
	CTL_ERROR,       /* guest->host: payload: one-line error text */
	CTL_LOG,         /* guest->host: init's diagnostic line for console.log */
	CTL_EXEC,        /* host->guest: run another process (`proc` = its id,
			  * > 0); payload: the OCI process JSON */
	CTL_STARTED,     /* guest->host: `proc` is running; payload int32 guest pid */
	CTL_UPDATE,      /* host->guest: new limits for the container's cgroup;
			  * payload struct ctl_resources; `proc` = request tag */
	CTL_STATS,       /* host->guest: read the container's cgroup; `proc` = tag */
	CTL_RESULT,      /* guest->host: answer to UPDATE/STATS with its tag:
			  * int32 errno (0 = done), then struct ctl_stats (STATS)
			  * or a one-line error text */

	/* Monitor socket (<state>/<id>/monitor.sock), runuml CLI <-> monitor.
	 * Requests carry CTL_SIGNAL and CTL_RESIZE too; an exec connection
	 * then carries that process's STDIN/STDOUT/STDERR/EXIT/ERROR. */
	CTL_M_START,     /* cli->monitor: start the created container */
	CTL_M_EXEC,      /* cli->monitor: payload process JSON; flags CTL_F_TTY */
	CTL_M_PAUSE,     /* cli->monitor: freeze every process of the sandbox */
	CTL_M_RESUME,    /* cli->monitor: thaw it */
	CTL_M_PS,        /* cli->monitor: reply payload: JSON array of host pids */
	CTL_M_OK,        /* monitor->cli: request done; payload depends on it */
	CTL_NET,         /* host->guest: network configuration, after the create-time
			  * hooks and before START (launcher/net_transport.h) */
	CTL_M_UPDATE,    /* cli->monitor: payload struct ctl_resources */
	CTL_M_STATS,     /* cli->monitor: reply payload: struct ctl_stats */
	CTL_TYPE_MAX
};

#define CTL_F_ALL 0x1   /* CTL_SIGNAL: every process of the container */
#define CTL_F_TTY 0x2   /* CTL_M_EXEC: the client passed a pty slave fd */

struct ctl_hdr {
	uint16_t magic;
	uint8_t version;
	uint8_t type;    /* enum ctl_type */
	uint16_t flags;
	uint16_t reserved;
	uint32_t proc;   /* 0 = container process */
	uint32_t len;    /* payload length, <= CTL_MAX_PAYLOAD */
};

#define CTL_HDR_SIZE sizeof(struct ctl_hdr)

/* CTL_UPDATE / CTL_M_UPDATE: limits of the container's cgroup inside the
 * guest (cgroup v2).  For every field 0 means "leave as it is" and
 * CTL_RES_UNLIMITED means "max" (runc update's conventions). */
#define CTL_RES_UNLIMITED (-1)
struct ctl_resources {
	int64_t memory_limit;   /* bytes -> memory.max */
	int64_t memory_low;     /* bytes -> memory.low (memory.reservation) */
	int64_t pids_limit;     /* -> pids.max */
	int64_t cpu_weight;     /* 1..10000 -> cpu.weight (from cpu.shares) */
	int64_t cpu_quota;      /* microseconds per period -> cpu.max */
	int64_t cpu_period;     /* microseconds -> cpu.max */
};

/* CTL_RESULT of CTL_STATS: the container's cgroup as the guest sees it.
 * CTL_STAT_MAX stands for "max" (no limit). */
#define CTL_STAT_MAX UINT64_MAX
struct ctl_stats {
	uint64_t mem_usage, mem_peak, mem_limit;  /* memory.current/.peak/.max */
	uint64_t mem_events_max, mem_oom_kill;    /* memory.events */
	uint64_t mem_anon, mem_file, mem_kernel_stack, mem_slab, mem_sock, mem_shmem,
		 mem_file_mapped, mem_pgfault, mem_pgmajfault; /* memory.stat */
	uint64_t cpu_usage_usec, cpu_user_usec, cpu_system_usec; /* cpu.stat */
	uint64_t pids_current, pids_limit;        /* pids.current/.max */
	uint64_t guest_mem_total;                 /* the guest's RAM (MemTotal) */
};

/* Decodes the frame at the start of buf.  Returns the total frame size
 * (header + payload) when a whole valid frame is there, 0 when more bytes
 * are needed, or -1 when the bytes cannot be a valid frame (the channel is
 * then unusable).  *payload points into buf. */
long ctl_decode(const uint8_t *buf, size_t len, struct ctl_hdr *hdr, const uint8_t **payload);

/* Encodes a header for a payload of len bytes into out. */
void ctl_encode_hdr(struct ctl_hdr *out, enum ctl_type type, uint32_t proc, uint16_t flags,
		    uint32_t len);

const char *ctl_type_name(unsigned type);

#endif
