/* The container's cgroup inside the guest (cgroup v2, linux-6.1
 * Documentation/admin-guide/cgroup-v2.rst).  Init mounts the hierarchy at
 * GUEST_CGROUP_ROOT in its own mount namespace, enables the memory, pids and
 * cpu controllers for its children and makes one child, GUEST_CGROUP_DIR,
 * for the container: its first process joins it before anything else
 * (container_child), exec'd processes join it too.  Init itself stays in
 * the root, which the "no internal processes" rule exempts.
 *
 * `runuml update` writes the limits here (CTL_UPDATE) and `runuml events`
 * reads them (CTL_STATS).  The guest's RAM is fixed at boot (UML `mem=`), so
 * a memory limit above what the container booted with is refused. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guest.h"
#include "oci_resources.h"

#define GUEST_CGROUP_ROOT "/sys/fs/cgroup"
#define GUEST_CGROUP_DIR  GUEST_CGROUP_ROOT "/container"

static int64_t mem_ceiling; /* bytes the container may be given at most */

static int write_str(const char *file, const char *val)
{
	char path[256];
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", GUEST_CGROUP_DIR, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	int e = errno;
	close(fd);
	return n < 0 ? -e : 0;
}

static int write_limit(const char *file, int64_t v)
{
	char buf[32];

	if (v == CTL_RES_UNLIMITED)
		return write_str(file, "max");
	snprintf(buf, sizeof(buf), "%" PRId64, v);
	return write_str(file, buf);
}

/* Reads a small file into buf; returns its length or -1. */
static ssize_t read_small(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

/* A one-value file: a number, or "max" (CTL_STAT_MAX); 0 when missing. */
static uint64_t read_value(const char *file)
{
	char path[256], buf[64];

	snprintf(path, sizeof(path), "%s/%s", GUEST_CGROUP_DIR, file);
	if (read_small(path, buf, sizeof(buf)) <= 0)
		return 0;
	if (!strncmp(buf, "max", 3))
		return CTL_STAT_MAX;
	return strtoull(buf, NULL, 10);
}

/* "key value" lines (memory.stat, cpu.stat, memory.events, /proc/meminfo):
 * each key in `keys` found sets the matching out[] entry. */
static void read_keyed(const char *path, const char *const *keys, uint64_t *const *out, size_t n)
{
	char buf[8192];

	if (read_small(path, buf, sizeof(buf)) <= 0)
		return;
	for (char *line = buf, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		char *sp = strpbrk(line, " :");
		if (!sp)
			continue;
		*sp++ = '\0';
		for (size_t i = 0; i < n; i++)
			if (!strcmp(line, keys[i]))
				*out[i] = strtoull(sp + strspn(sp, " "), NULL, 10);
	}
}

static uint64_t guest_mem_total(void)
{
	static const char *const keys[] = { "MemTotal" };
	uint64_t kb = 0;
	uint64_t *out[] = { &kb };

	read_keyed("/proc/meminfo", keys, out, 1);
	return kb * 1024;
}

int guest_cgroup_setup(const struct oci_spec *s, struct rerr **err)
{
	static const char *const controllers[] = { "+memory", "+pids", "+cpu" };
	int fd;

	mkdir("/sys", 0555);
	mkdir("/sys/fs", 0755);
	mkdir(GUEST_CGROUP_ROOT, 0755);
	if (mount("cgroup2", GUEST_CGROUP_ROOT, "cgroup2", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return rerr_make(err, errno, "cannot mount the guest's cgroup2 hierarchy");
	fd = open(GUEST_CGROUP_ROOT "/cgroup.subtree_control", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return rerr_make(err, errno, "cannot open cgroup.subtree_control");
	for (size_t i = 0; i < sizeof(controllers) / sizeof(controllers[0]); i++)
		if (write(fd, controllers[i], strlen(controllers[i])) < 0)
			guest_log("cannot enable the %s controller: %s", controllers[i] + 1,
				  strerror(errno));
	close(fd);
	if (mkdir(GUEST_CGROUP_DIR, 0755) < 0 && errno != EEXIST)
		return rerr_make(err, errno, "cannot create the container's cgroup");
	mem_ceiling = s->memory_limit > 0 ? s->memory_limit : (int64_t)guest_mem_total();

	struct ctl_resources r = { .memory_limit = s->memory_limit > 0 ? s->memory_limit : 0,
				   .pids_limit = s->pids_limit > 0 ? s->pids_limit : 0,
				   .cpu_weight = s->cpu_shares > 0 ?
					cpu_shares_to_weight((uint64_t)s->cpu_shares) : 0,
				   .cpu_quota = s->cpu_quota > 0 ? s->cpu_quota : 0,
				   .cpu_period = s->cpu_quota > 0 && s->cpu_period > 0 ? s->cpu_period : 0 };
	char msg[256];
	if (guest_cgroup_update(&r, msg, sizeof(msg)) != 0)
		return rerr_make(err, 0, "%s", msg);
	return 0;
}

int guest_cgroup_join(void)
{
	return write_str("cgroup.procs", "0");
}

int guest_cgroup_update(const struct ctl_resources *r, char *msg, size_t size)
{
	int e;

	if (r->memory_limit > 0 && mem_ceiling > 0 && r->memory_limit > mem_ceiling) {
		snprintf(msg, size, "cannot set the memory limit to %" PRId64 " bytes: above the %"
			 PRId64 " bytes the container booted with (a guest's memory is fixed at boot)",
			 r->memory_limit, mem_ceiling);
		return EINVAL;
	}
	if (r->memory_limit && (e = write_limit("memory.max", r->memory_limit)) < 0) {
		snprintf(msg, size, "cannot set memory.max: %s", strerror(-e));
		return -e;
	}
	if (r->memory_low && (e = write_limit("memory.low", r->memory_low == CTL_RES_UNLIMITED
							      ? 0 : r->memory_low)) < 0) {
		snprintf(msg, size, "cannot set memory.low: %s", strerror(-e));
		return -e;
	}
	if (r->pids_limit && (e = write_limit("pids.max", r->pids_limit)) < 0) {
		snprintf(msg, size, "cannot set pids.max: %s", strerror(-e));
		return -e;
	}
	if (r->cpu_weight && (e = write_limit("cpu.weight", r->cpu_weight)) < 0) {
		snprintf(msg, size, "cannot set cpu.weight: %s", strerror(-e));
		return -e;
	}
	if (r->cpu_quota || r->cpu_period) {
		char buf[64];
		if (r->cpu_quota > 0)
			snprintf(buf, sizeof(buf), "%" PRId64 " %" PRId64, r->cpu_quota,
				 r->cpu_period > 0 ? r->cpu_period : 100000);
		else if (r->cpu_quota == CTL_RES_UNLIMITED)
			snprintf(buf, sizeof(buf), "max %" PRId64, r->cpu_period > 0 ? r->cpu_period : 100000);
		else
			snprintf(buf, sizeof(buf), "max %" PRId64, r->cpu_period);
		if ((e = write_str("cpu.max", buf)) < 0) {
			if (e == -ENOENT)
				snprintf(msg, size, "cannot set a cpu quota: the guest kernel has no "
					 "CFS bandwidth control (CONFIG_CFS_BANDWIDTH)");
			else
				snprintf(msg, size, "cannot set cpu.max: %s", strerror(-e));
			return e == -ENOENT ? ENOTSUP : -e;
		}
	}
	return 0;
}

void guest_cgroup_stats(struct ctl_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->mem_usage = read_value("memory.current");
	st->mem_peak = read_value("memory.peak");
	st->mem_limit = read_value("memory.max");
	st->pids_current = read_value("pids.current");
	st->pids_limit = read_value("pids.max");
	st->guest_mem_total = guest_mem_total();
	{
		static const char *const keys[] = { "max", "oom_kill" };
		uint64_t *out[] = { &st->mem_events_max, &st->mem_oom_kill };
		read_keyed(GUEST_CGROUP_DIR "/memory.events", keys, out, 2);
	}
	{
		static const char *const keys[] = { "anon", "file", "kernel_stack", "slab", "sock",
			"shmem", "file_mapped", "pgfault", "pgmajfault" };
		uint64_t *out[] = { &st->mem_anon, &st->mem_file, &st->mem_kernel_stack,
			&st->mem_slab, &st->mem_sock, &st->mem_shmem, &st->mem_file_mapped,
			&st->mem_pgfault, &st->mem_pgmajfault };
		read_keyed(GUEST_CGROUP_DIR "/memory.stat", keys, out, 9);
	}
	{
		static const char *const keys[] = { "usage_usec", "user_usec", "system_usec" };
		uint64_t *out[] = { &st->cpu_usage_usec, &st->cpu_user_usec, &st->cpu_system_usec };
		read_keyed(GUEST_CGROUP_DIR "/cpu.stat", keys, out, 3);
	}
}
