/* runuml update [options] <container-id>: new resource limits for a created,
 * running container (RUNC/man/runc-update.8.md; `docker update` arrives as
 * `update --resources - <id>` with a LinuxResources JSON on stdin, go-runc
 * Update).  The limits are the container's cgroup inside the guest: memory
 * (memory.max, memory.low), pids (pids.max), cpu shares (cpu.weight).  The
 * guest's RAM is fixed at boot, so a memory limit above the one the
 * container was created with is refused; swap, block-I/O weight and cpuset
 * are accepted and ignored (a one-CPU guest without swap), see
 * docs/update.md. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "cli.h"
#include "container.h"
#include "fsutil.h"
#include "oci_resources.h"
#include "oci_spec.h"

static void usage_update(FILE *f)
{
	fprintf(f, "usage: runuml update [options] <container-id>\n"
		   "  -r, --resources FILE       LinuxResources JSON ('-': standard input)\n"
		   "      --memory SIZE          memory limit (e.g. 256m; -1: unlimited)\n"
		   "      --memory-reservation SIZE  soft limit (memory.low)\n"
		   "      --memory-swap SIZE     accepted, ignored (the guest has no swap)\n"
		   "      --pids-limit N         maximum number of processes (-1: unlimited)\n"
		   "      --cpu-share N          relative cpu weight\n"
		   "      --cpu-quota N, --cpu-period N  CFS bandwidth (needs guest support)\n"
		   "      --blkio-weight N, --cpuset-cpus L, --cpuset-mems L  accepted, ignored\n");
}

/* All of fd, at most max bytes. */
static int read_fd_bounded(int fd, const char *what, size_t max, char **out, size_t *len,
			   struct rerr **err)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);

	if (!buf)
		return rerr_make(err, ENOMEM, "reading %s", what);
	for (;;) {
		if (n + 1 >= cap) {
			if (cap > max) {
				free(buf);
				return rerr_make(err, 0, "invalid resources: %s is larger than %zu bytes",
						 what, max);
			}
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				return rerr_make(err, ENOMEM, "reading %s", what);
			}
			buf = nb;
			cap *= 2;
		}
		ssize_t r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			free(buf);
			return rerr_make(err, e, "cannot read %s", what);
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

static int parse_int_flag(const char *s, const char *flag, int64_t min, int64_t *out,
			  struct rerr **err)
{
	char *end = NULL;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (!*s || *end || errno || v < min)
		return rerr_make(err, 0, "invalid value `%s` for %s", s, flag);
	*out = v;
	return 0;
}

enum {
	OPT_MEMORY = 256, OPT_MEM_RES, OPT_MEM_SWAP, OPT_PIDS, OPT_CPU_SHARE, OPT_CPU_QUOTA,
	OPT_CPU_PERIOD, OPT_CPU_RT_PERIOD, OPT_CPU_RT_RUNTIME, OPT_BLKIO, OPT_CPUSET_CPUS,
	OPT_CPUSET_MEMS, OPT_KMEM, OPT_KMEM_TCP, OPT_L3, OPT_MEMBW,
};

int cmd_update(const struct global_opts *g, int argc, char **argv, struct rerr **err)
{
	static const struct option longopts[] = {
		{ "resources", required_argument, NULL, 'r' },
		{ "memory", required_argument, NULL, OPT_MEMORY },
		{ "memory-reservation", required_argument, NULL, OPT_MEM_RES },
		{ "memory-swap", required_argument, NULL, OPT_MEM_SWAP },
		{ "pids-limit", required_argument, NULL, OPT_PIDS },
		{ "cpu-share", required_argument, NULL, OPT_CPU_SHARE },
		{ "cpu-quota", required_argument, NULL, OPT_CPU_QUOTA },
		{ "cpu-period", required_argument, NULL, OPT_CPU_PERIOD },
		{ "cpu-rt-period", required_argument, NULL, OPT_CPU_RT_PERIOD },
		{ "cpu-rt-runtime", required_argument, NULL, OPT_CPU_RT_RUNTIME },
		{ "blkio-weight", required_argument, NULL, OPT_BLKIO },
		{ "cpuset-cpus", required_argument, NULL, OPT_CPUSET_CPUS },
		{ "cpuset-mems", required_argument, NULL, OPT_CPUSET_MEMS },
		{ "kernel-memory", required_argument, NULL, OPT_KMEM },
		{ "kernel-memory-tcp", required_argument, NULL, OPT_KMEM_TCP },
		{ "l3-cache-schema", required_argument, NULL, OPT_L3 },
		{ "mem-bw-schema", required_argument, NULL, OPT_MEMBW },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	/* flags override the file, as in runc */
	struct ctl_resources res = { 0 }, flags = { 0 };
	const char *resources = NULL;
	int64_t v;
	struct container c;
	int ch, r;

	while ((ch = getopt_long(argc, argv, "+r:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'r': resources = optarg; break;
		case OPT_MEMORY:
			if (parse_mem_size(optarg, "--memory", &flags.memory_limit, err) < 0)
				return -1;
			if (flags.memory_limit == 0)
				return rerr_make(err, 0, "invalid value `%s` for --memory", optarg);
			break;
		case OPT_MEM_RES:
			if (parse_mem_size(optarg, "--memory-reservation", &flags.memory_low, err) < 0)
				return -1;
			break;
		case OPT_MEM_SWAP:
		case OPT_KMEM:
		case OPT_KMEM_TCP:
			if (parse_mem_size(optarg, ch == OPT_MEM_SWAP ? "--memory-swap" :
					   ch == OPT_KMEM ? "--kernel-memory" : "--kernel-memory-tcp",
					   &v, err) < 0)
				return -1;
			break;
		case OPT_PIDS:
			if (parse_int_flag(optarg, "--pids-limit", -1, &flags.pids_limit, err) < 0)
				return -1;
			break;
		case OPT_CPU_SHARE:
			if (parse_int_flag(optarg, "--cpu-share", 0, &v, err) < 0)
				return -1;
			flags.cpu_weight = cpu_shares_to_weight((uint64_t)v);
			break;
		case OPT_CPU_QUOTA:
			if (parse_int_flag(optarg, "--cpu-quota", -1, &flags.cpu_quota, err) < 0)
				return -1;
			break;
		case OPT_CPU_PERIOD:
			if (parse_int_flag(optarg, "--cpu-period", 0, &flags.cpu_period, err) < 0)
				return -1;
			break;
		case OPT_CPU_RT_PERIOD:
		case OPT_CPU_RT_RUNTIME:
			if (parse_int_flag(optarg, "--cpu-rt-*", 0, &v, err) < 0)
				return -1;
			if (v)
				return rerr_make(err, 0, "cannot set realtime cpu limits: not supported "
						 "by runuml");
			break;
		case OPT_BLKIO:
			if (parse_int_flag(optarg, "--blkio-weight", 0, &v, err) < 0)
				return -1;
			break;
		case OPT_CPUSET_CPUS:
		case OPT_CPUSET_MEMS:
			break;
		case OPT_L3:
		case OPT_MEMBW:
			return rerr_make(err, 0, "cannot set Intel RDT schemata: not supported by runuml");
		case 'h':
			usage_update(stdout);
			return 0;
		default:
			usage_update(stderr);
			return rerr_make(err, 0, "update: invalid option");
		}
	}
	if (argc - optind != 1) {
		usage_update(stderr);
		return rerr_make(err, 0, "update: expected exactly one container id");
	}
	if (resources) {
		_cleanup_free_ char *json = NULL;
		size_t len = 0;
		if (!strcmp(resources, "-")) {
			if (read_fd_bounded(0, "the resources on standard input", OCI_SPEC_MAX_BYTES,
					    &json, &len, err) < 0)
				return -1;
		} else if (read_file_bounded(resources, OCI_SPEC_MAX_BYTES, &json, &len, err) < 0) {
			return rerr_wrap(err, "cannot read resources file `%s`", resources);
		}
		if (oci_resources_parse(json, len, &res, err) < 0)
			return -1;
	}
#define OVERRIDE(f) do { if (flags.f) res.f = flags.f; } while (0)
	OVERRIDE(memory_limit);
	OVERRIDE(memory_low);
	OVERRIDE(pids_limit);
	OVERRIDE(cpu_weight);
	OVERRIDE(cpu_quota);
	OVERRIDE(cpu_period);
#undef OVERRIDE
	if (container_load(g, argv[optind], &c, err) < 0)
		return -1;
	if (c.st.status == ST_STOPPED || c.st.status == ST_CREATING)
		r = rerr_make(err, 0, "container not running");
	else
		r = container_request(&c, CTL_M_UPDATE, 0, &res, sizeof(res), NULL, err);
	container_free(&c);
	return r < 0 ? -1 : 0;
}
