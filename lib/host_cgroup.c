/* The sandbox's host cgroup (see host_cgroup.h). */
#include "host_cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


struct hierarchy {
	char mnt[256];
	bool v2;
	bool cpuset;
};

/* The cgroup file systems of the host, from /proc/self/mountinfo
 * ("… mountpoint … - cgroup cgroup rw,memory"). */
static int list_hierarchies(struct hierarchy *h, int max)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[1024];
	int n = 0;

	if (!f)
		return 0;
	while (n < max && fgets(line, sizeof(line), f)) {
		char mnt[256], fstype[32], src[64], opts[512];
		char *sep = strstr(line, " - ");
		if (!sep || sscanf(line, "%*s %*s %*s %*s %255s", mnt) != 1 ||
		    sscanf(sep + 3, "%31s %63s %511s", fstype, src, opts) != 3)
			continue;
		if (strcmp(fstype, "cgroup") && strcmp(fstype, "cgroup2"))
			continue;
		snprintf(h[n].mnt, sizeof(h[n].mnt), "%s", mnt);
		h[n].v2 = !strcmp(fstype, "cgroup2");
		h[n].cpuset = !h[n].v2 && (strstr(opts, ",cpuset") || !strncmp(opts, "cpuset", 6));
		n++;
	}
	fclose(f);
	return n;
}

static bool in_initial_user_namespace(void)
{
	unsigned long a, b, c;
	FILE *f = fopen("/proc/self/uid_map", "re");
	bool initial = false;

	if (!f)
		return false;
	if (fscanf(f, "%lu %lu %lu", &a, &b, &c) == 3)
		initial = a == 0 && b == 0 && c == 4294967295UL;
	fclose(f);
	return initial;
}

bool host_cgroup_applies(const char *p)
{
	if (!p || !*p || strchr(p, ':'))
		return false;
	return geteuid() == 0 && in_initial_user_namespace();
}

static int write_file(const char *dir, const char *name, const char *val)
{
	char path[4200];
	int fd, r;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	r = write(fd, val, strlen(val)) < 0 ? -1 : 0;
	int e = errno;
	close(fd);
	errno = e;
	return r;
}

/* cgroup v1 cpuset: a new cgroup starts with no cpus and no mems, and no
 * process may join it until it has some: copy the parent's. */
static void cpuset_inherit(const char *dir)
{
	static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
	char parent[4096], path[4200], buf[256];

	if ((size_t)snprintf(parent, sizeof(parent), "%s", dir) >= sizeof(parent))
		return;
	char *slash = strrchr(parent, '/');
	if (!slash)
		return;
	*slash = '\0';
	for (size_t i = 0; i < 2; i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", parent, files[i]) >= sizeof(path))
			continue;
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		ssize_t n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		write_file(dir, files[i], buf);
	}
}

/* mkdir -p of root + rel, one component at a time (cpuset needs each new
 * level filled in, v2 needs controllers enabled on each parent). */
static int make_path(const struct hierarchy *h, const char *rel, char *out, size_t size)
{
	char *copy = strdup(rel), *save = NULL;
	size_t len;

	if (!copy)
		return -1;
	if ((size_t)snprintf(out, size, "%s", h->mnt) >= size) {
		free(copy);
		errno = ENAMETOOLONG;
		return -1;
	}
	for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		if (!strcmp(c, ".") || !strcmp(c, "..")) {
			free(copy);
			errno = EINVAL;
			return -1;
		}
		if (h->v2) /* best effort: hybrid hosts bind controllers to v1 */
			write_file(out, "cgroup.subtree_control", "+memory +pids +cpu +io");
		len = strlen(out);
		if ((size_t)snprintf(out + len, size - len, "/%s", c) >= size - len) {
			free(copy);
			errno = ENAMETOOLONG;
			return -1;
		}
		if (mkdir(out, 0755) == 0) {
			if (h->cpuset)
				cpuset_inherit(out);
		} else if (errno != EEXIST) {
			free(copy);
			return -1;
		}
	}
	free(copy);
	return 0;
}

int host_cgroup_enter(const char *cgroups_path, struct host_cgroup *hc, struct rerr **err)
{
	struct hierarchy h[HOST_CGROUP_MAX];
	int n;

	memset(hc, 0, sizeof(*hc));
	if (!host_cgroup_applies(cgroups_path))
		return 0;
	n = list_hierarchies(h, HOST_CGROUP_MAX);
	for (int i = 0; i < n; i++) {
		char dir[4096];
		if (make_path(&h[i], cgroups_path, dir, sizeof(dir)) < 0 ||
		    write_file(dir, "cgroup.procs", "0") < 0) {
			int e = errno;
			host_cgroup_leave(hc);
			return rerr_make(err, e, "cannot place the container in cgroup `%s` (under `%s`)",
					 cgroups_path, h[i].mnt);
		}
		hc->dirs[hc->n] = strdup(dir);
		hc->roots[hc->n] = strdup(h[i].mnt);
		hc->n++;
	}
	return 0;
}

void host_cgroup_leave(struct host_cgroup *hc)
{
	for (int i = 0; i < hc->n; i++) {
		if (hc->roots[i])
			write_file(hc->roots[i], "cgroup.procs", "0");
		if (hc->dirs[i])
			rmdir(hc->dirs[i]);
		free(hc->dirs[i]);
		free(hc->roots[i]);
	}
	hc->n = 0;
}

void host_cgroup_remove(const char *cgroups_path)
{
	struct hierarchy h[HOST_CGROUP_MAX];
	int n;

	if (!host_cgroup_applies(cgroups_path))
		return;
	n = list_hierarchies(h, HOST_CGROUP_MAX);
	for (int i = 0; i < n; i++) {
		char dir[4096];
		if ((size_t)snprintf(dir, sizeof(dir), "%s/%s", h[i].mnt,
				     cgroups_path[0] == '/' ? cgroups_path + 1 : cgroups_path) < sizeof(dir))
			rmdir(dir);
	}
}
