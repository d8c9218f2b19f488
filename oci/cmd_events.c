/* runuml events [--stats] [--interval D] <container-id>: the container's
 * statistics in runc's JSON (RUNC/man/runc-events.8.md, RUNC/types/events.go
 * `Event` and `Stats`): `--stats` prints one {"type":"stats",…} line and
 * exits; otherwise one line every --interval (default 5s) until the
 * container stops, with an {"type":"oom",…} line when the guest's OOM killer
 * struck in between.  The numbers are the container's cgroup inside the
 * guest (memory.current/.peak/.max/.stat, cpu.stat, pids.current/.max),
 * read by init on request (CTL_M_STATS). */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "container.h"

/* Go's time.ParseDuration, for what runc's --interval takes ("5s", "100ms",
 * "1m30s", "1.5s").  Returns nanoseconds, or -1. */
static int64_t parse_duration(const char *s)
{
	static const struct { const char *unit; double ns; } units[] = {
		{ "ns", 1 }, { "us", 1e3 }, { "\xc2\xb5s", 1e3 }, { "ms", 1e6 }, { "s", 1e9 },
		{ "m", 60e9 }, { "h", 3600e9 },
	};
	double total = 0;

	if (!*s)
		return -1;
	while (*s) {
		char *end;
		errno = 0;
		double v = strtod(s, &end);
		if (end == s || errno || v < 0 || (*s != '.' && (*s < '0' || *s > '9')))
			return -1;
		size_t best = 0, best_len = 0;
		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
			size_t l = strlen(units[i].unit);
			if (!strncmp(end, units[i].unit, l) && l > best_len) {
				best = i;
				best_len = l;
			}
		}
		if (!best_len)
			return -1;
		total += v * units[best].ns;
		s = end + best_len;
	}
	if (total > 9e18)
		return -1;
	return (int64_t)total;
}

static struct json_object *u64(uint64_t v)
{
	return json_object_new_uint64(v);
}

/* Adds key: v unless v is 0 (Go's omitempty). */
static void add_nz(struct json_object *o, const char *key, uint64_t v)
{
	if (v)
		json_object_object_add(o, key, u64(v));
}

static struct json_object *mem_entry(uint64_t limit, uint64_t usage, uint64_t max, uint64_t failcnt)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "limit", u64(limit));
	add_nz(o, "usage", usage);
	add_nz(o, "max", max);
	json_object_object_add(o, "failcnt", u64(failcnt));
	return o;
}

/* RUNC/types/events.go Stats, filled the way runc's cgroup v2 code fills it
 * (usage in nanoseconds; "max" as the largest uint64). */
static struct json_object *stats_json(const struct ctl_stats *st)
{
	struct json_object *d = json_object_new_object();
	struct json_object *cpu = json_object_new_object(), *usage = json_object_new_object();
	struct json_object *cpuset = json_object_new_object(), *mem = json_object_new_object();
	struct json_object *raw = json_object_new_object(), *pids = json_object_new_object();
	static const char *const cpuset_keys[] = { "cpu_exclusive", "mem_hardwall",
		"mem_exclusive", "memory_migrate", "memory_spread_page", "memory_spread_slab",
		"memory_pressure", "sched_load_balance", "sched_relax_domain_level" };

	add_nz(usage, "total", st->cpu_usage_usec * 1000);
	json_object_object_add(usage, "kernel", u64(st->cpu_system_usec * 1000));
	json_object_object_add(usage, "user", u64(st->cpu_user_usec * 1000));
	json_object_object_add(cpu, "usage", usage);
	json_object_object_add(cpu, "throttling", json_object_new_object());
	json_object_object_add(d, "cpu", cpu);

	for (size_t i = 0; i < sizeof(cpuset_keys) / sizeof(cpuset_keys[0]); i++)
		json_object_object_add(cpuset, cpuset_keys[i], json_object_new_int(0));
	json_object_object_add(d, "cpuset", cpuset);

	add_nz(mem, "cache", st->mem_file);
	json_object_object_add(mem, "usage", mem_entry(st->mem_limit, st->mem_usage, st->mem_peak,
						       st->mem_events_max));
	json_object_object_add(mem, "swap", mem_entry(0, 0, 0, 0));
	json_object_object_add(mem, "kernel", mem_entry(0, 0, 0, 0));
	json_object_object_add(mem, "kernelTCP", mem_entry(0, 0, 0, 0));
	const struct { const char *k; uint64_t v; } rawv[] = {
		{ "anon", st->mem_anon }, { "file", st->mem_file },
		{ "kernel_stack", st->mem_kernel_stack }, { "slab", st->mem_slab },
		{ "sock", st->mem_sock }, { "shmem", st->mem_shmem },
		{ "file_mapped", st->mem_file_mapped }, { "pgfault", st->mem_pgfault },
		{ "pgmajfault", st->mem_pgmajfault }, { "oom_kill", st->mem_oom_kill },
	};
	for (size_t i = 0; i < sizeof(rawv) / sizeof(rawv[0]); i++)
		json_object_object_add(raw, rawv[i].k, u64(rawv[i].v));
	json_object_object_add(mem, "raw", raw);
	json_object_object_add(d, "memory", mem);

	add_nz(pids, "current", st->pids_current);
	add_nz(pids, "limit", st->pids_limit == CTL_STAT_MAX ? 0 : st->pids_limit);
	json_object_object_add(d, "pids", pids);
	json_object_object_add(d, "blkio", json_object_new_object());
	json_object_object_add(d, "hugetlb", json_object_new_object());
	json_object_object_add(d, "intel_rdt", json_object_new_object());
	json_object_object_add(d, "network_interfaces", NULL);
	return d;
}

static void print_event(const char *type, const char *id, struct json_object *data)
{
	struct json_object *e = json_object_new_object();

	json_object_object_add(e, "type", json_object_new_string(type));
	json_object_object_add(e, "id", json_object_new_string(id));
	if (data)
		json_object_object_add(e, "data", data);
	printf("%s\n", json_object_to_json_string_ext(e, JSON_C_TO_STRING_PLAIN |
						      JSON_C_TO_STRING_NOSLASHESCAPE));
	fflush(stdout);
	json_object_put(e);
}

/* One CTL_M_STATS round trip. */
static int fetch_stats(struct container *c, struct ctl_stats *st, struct rerr **err)
{
	void *reply = NULL;
	size_t len = 0;

	if (container_request_data(c, CTL_M_STATS, 0, NULL, 0, &reply, &len, err) < 0)
		return -1;
	if (len != sizeof(*st)) {
		free(reply);
		return rerr_make(err, 0, "malformed statistics from the container `%s`", c->st.id);
	}
	memcpy(st, reply, sizeof(*st));
	free(reply);
	return 0;
}

static void usage_events(FILE *f)
{
	fprintf(f, "usage: runuml events [--stats] [--interval DURATION] <container-id>\n");
}

int cmd_events(const struct global_opts *g, int argc, char **argv, struct rerr **err)
{
	static const struct option longopts[] = {
		{ "stats", no_argument, NULL, 's' },
		{ "interval", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int64_t interval = 5000000000LL;
	bool once = false;
	struct ctl_stats st;
	struct container c;
	int ch;

	while ((ch = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (ch) {
		case 's': once = true; break;
		case 'i':
			interval = parse_duration(optarg);
			if (interval <= 0)
				return rerr_make(err, 0, "invalid value `%s` for --interval: expected "
						 "a positive duration such as 5s or 500ms", optarg);
			break;
		case 'h': usage_events(stdout); return 0;
		default:
			usage_events(stderr);
			return rerr_make(err, 0, "events: invalid option");
		}
	}
	if (argc - optind != 1) {
		usage_events(stderr);
		return rerr_make(err, 0, "events: expected exactly one container id");
	}
	const char *id = argv[optind];
	if (container_load(g, id, &c, err) < 0)
		return -1;
	if (c.st.status == ST_STOPPED || c.st.status == ST_CREATING) {
		container_free(&c);
		return rerr_make(err, 0, "container not running");
	}
	if (once) {
		int r = fetch_stats(&c, &st, err);
		if (r == 0)
			print_event("stats", id, stats_json(&st));
		container_free(&c);
		return r < 0 ? -1 : 0;
	}
	/* until the container stops: its monitor going away ends the loop */
	uint64_t ooms = 0;
	bool first = true;
	for (;;) {
		struct rerr *e = NULL;
		if (!proc_is(c.st.pid, c.st.pid_start))
			break;
		if (fetch_stats(&c, &st, &e) == 0) {
			if (!first && st.mem_oom_kill > ooms)
				print_event("oom", id, NULL);
			ooms = st.mem_oom_kill;
			first = false;
			print_event("stats", id, stats_json(&st));
		}
		rerr_free(e); /* paused, or just gone: the next round tells */
		struct timespec ts = { interval / 1000000000LL, interval % 1000000000LL };
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
	}
	container_free(&c);
	return 0;
}
