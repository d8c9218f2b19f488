/* The container's file-system view, built by the container child inside its
 * own mount namespace: the root from the host (via the transport the launch
 * document names), config.json's mounts in order, the standard /dev nodes,
 * maskedPaths/readonlyPaths, then move to / and chroot.  Mount options follow
 * runc's table (libcontainer/specconv mountPropagationMapping / parseMountOptions). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cleanup.h"
#include "guest.h"

struct mnt_flag {
	const char *name;
	bool clear;
	unsigned long flag;
};

static const struct mnt_flag mnt_flags[] = {
	{ "ro", false, MS_RDONLY }, { "rw", true, MS_RDONLY },
	{ "nosuid", false, MS_NOSUID }, { "suid", true, MS_NOSUID },
	{ "nodev", false, MS_NODEV }, { "dev", true, MS_NODEV },
	{ "noexec", false, MS_NOEXEC }, { "exec", true, MS_NOEXEC },
	{ "sync", false, MS_SYNCHRONOUS }, { "async", true, MS_SYNCHRONOUS },
	{ "dirsync", false, MS_DIRSYNC }, { "remount", false, MS_REMOUNT },
	{ "mand", false, MS_MANDLOCK }, { "nomand", true, MS_MANDLOCK },
	{ "atime", true, MS_NOATIME }, { "noatime", false, MS_NOATIME },
	{ "diratime", true, MS_NODIRATIME }, { "nodiratime", false, MS_NODIRATIME },
	{ "relatime", false, MS_RELATIME }, { "norelatime", true, MS_RELATIME },
	{ "strictatime", false, MS_STRICTATIME }, { "nostrictatime", true, MS_STRICTATIME },
	{ "bind", false, MS_BIND }, { "rbind", false, MS_BIND | MS_REC },
};

static const struct mnt_flag prop_flags[] = {
	{ "private", false, MS_PRIVATE }, { "rprivate", false, MS_PRIVATE | MS_REC },
	{ "shared", false, MS_SHARED }, { "rshared", false, MS_SHARED | MS_REC },
	{ "slave", false, MS_SLAVE }, { "rslave", false, MS_SLAVE | MS_REC },
	{ "unbindable", false, MS_UNBINDABLE }, { "runbindable", false, MS_UNBINDABLE | MS_REC },
};

/* Splits options into mount flags, propagation flags and the data string. */
static int parse_options(char *const *opts, unsigned long *flags, unsigned long *prop,
			 char *data, size_t data_size)
{
	size_t dl = 0;

	*flags = *prop = 0;
	data[0] = '\0';
	for (size_t i = 0; opts && opts[i]; i++) {
		const char *o = opts[i];
		bool known = false;
		for (size_t k = 0; k < sizeof(mnt_flags) / sizeof(mnt_flags[0]); k++) {
			if (strcmp(o, mnt_flags[k].name))
				continue;
			if (mnt_flags[k].clear)
				*flags &= ~mnt_flags[k].flag;
			else
				*flags |= mnt_flags[k].flag;
			known = true;
		}
		for (size_t k = 0; k < sizeof(prop_flags) / sizeof(prop_flags[0]); k++) {
			if (!strcmp(o, prop_flags[k].name)) {
				*prop |= prop_flags[k].flag;
				known = true;
			}
		}
		if (known || !strcmp(o, "tmpcopyup") || !strncmp(o, "idmap", 5))
			continue;
		int n = snprintf(data + dl, data_size - dl, "%s%s", dl ? "," : "", o);
		if (n < 0 || (size_t)n >= data_size - dl)
			return -1;
		dl += (size_t)n;
	}
	return 0;
}

/* mkdir -p of path (absolute inside the new root) or, for a file target,
 * its parent plus an empty file. */
static int make_target(const char *path, bool file)
{
	char buf[4096];
	int n = snprintf(buf, sizeof(buf), "%s%s", GUEST_NEWROOT, path);

	if (n < 0 || (size_t)n >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (char *s = buf + strlen(GUEST_NEWROOT) + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -1;
		*s = '/';
	}
	/* an existing target is used as it is (a read-only root refuses even
	 * an O_CREAT open of an existing file for writing) */
	struct stat st;
	if (stat(buf, &st) == 0)
		return 0;
	if (file) {
		int fd = open(buf, O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
		if (fd < 0 && errno != EEXIST && errno != EISDIR)
			return -1;
		if (fd >= 0)
			close(fd);
		return 0;
	}
	if (mkdir(buf, 0755) < 0 && errno != EEXIST)
		return -1;
	return 0;
}

static void target_path(char *buf, size_t size, const char *dest)
{
	snprintf(buf, size, "%s%s", GUEST_NEWROOT, strcmp(dest, "/") ? dest : "");
}

/* A host-backed mount (the root or a bind): mounted straight from its
 * transport; a single file is mounted in a private staging dir first and
 * bound from there. */
static int mount_host_src(const struct launch_src *src, const char *target, unsigned long flags,
			  struct rerr **err)
{
	unsigned long f = flags & ~(MS_BIND | MS_REC | MS_REMOUNT);

	if (!src->file) {
		if (mount(src->source, target, src->fstype, f, src->data) < 0)
			return rerr_make(err, errno, "cannot mount %s `%s` on `%s`", src->fstype,
					 src->source, target);
		return 0;
	}
	char stage[] = "/run-stage-XXXXXX", file[4096];
	if (!mkdtemp(stage))
		return rerr_make(err, errno, "cannot create staging directory");
	if (mount(src->source, stage, src->fstype, f & ~MS_RDONLY, src->data) < 0) {
		int e = errno;
		rmdir(stage);
		return rerr_make(err, e, "cannot mount %s `%s`", src->fstype, src->source);
	}
	snprintf(file, sizeof(file), "%s/%s", stage, src->file);
	int r = mount(file, target, NULL, MS_BIND, NULL);
	int e = errno;
	umount2(stage, MNT_DETACH);
	rmdir(stage);
	if (r < 0)
		return rerr_make(err, e, "cannot bind `%s` on `%s`", src->file, target);
	if (f && mount(NULL, target, NULL, MS_REMOUNT | MS_BIND | f, NULL) < 0)
		return rerr_make(err, errno, "cannot remount `%s`", target);
	return 0;
}

static int mount_one(const struct oci_mount *m, const struct launch_src *src, struct rerr **err)
{
	char target[4096], data[4096];
	unsigned long flags, prop;
	const char *type = m->type;

	if (parse_options(m->options, &flags, &prop, data, sizeof(data)) < 0)
		return rerr_make(err, 0, "mount options for `%s` are too long", m->destination);
	target_path(target, sizeof(target), m->destination);
	if (src && src->fstype) {
		if (make_target(m->destination, src->file != NULL) < 0)
			return rerr_make(err, errno, "cannot create mount point `%s`", m->destination);
		if (mount_host_src(src, target, flags, err) < 0)
			return -1;
	} else if (m->bind) {
		/* a bind of a guest path (e.g. from the image itself) */
		char from[4096];
		target_path(from, sizeof(from), m->source);
		struct stat st;
		if (stat(from, &st) < 0)
			return rerr_make(err, errno, "cannot bind `%s`", m->source);
		if (make_target(m->destination, !S_ISDIR(st.st_mode)) < 0)
			return rerr_make(err, errno, "cannot create mount point `%s`", m->destination);
		if (mount(from, target, NULL, MS_BIND | (flags & MS_REC), NULL) < 0)
			return rerr_make(err, errno, "cannot bind `%s` on `%s`", m->source,
					 m->destination);
		if ((flags & ~(MS_BIND | MS_REC)) &&
		    mount(NULL, target, NULL, MS_REMOUNT | MS_BIND | (flags & ~(MS_BIND | MS_REC)), NULL) < 0)
			return rerr_make(err, errno, "cannot remount `%s`", m->destination);
	} else {
		if (!type)
			return rerr_make(err, 0, "mount `%s` has no type", m->destination);
		if (!strcmp(type, "cgroup"))
			type = "cgroup2"; /* the guest kernel runs the unified hierarchy */
		if (make_target(m->destination, false) < 0)
			return rerr_make(err, errno, "cannot create mount point `%s`", m->destination);
		if (mount(m->source ? m->source : type, target, type, flags, data[0] ? data : NULL) < 0) {
			if (!strcmp(type, "cgroup2") || !strcmp(type, "mqueue"))
				return 0; /* optional in runc too when the kernel lacks it */
			return rerr_make(err, errno, "cannot mount %s on `%s`", type, m->destination);
		}
	}
	if (prop && mount(NULL, target, NULL, prop, NULL) < 0)
		return rerr_make(err, errno, "cannot set propagation of `%s`", m->destination);
	return 0;
}

/* The device nodes every container gets (runtime-spec config-linux.md
 * "Default Devices"), when /dev is a fresh tmpfs. */
static void make_default_devices(void)
{
	static const struct { const char *name; unsigned maj, min; } devs[] = {
		{ "null", 1, 3 }, { "zero", 1, 5 }, { "full", 1, 7 },
		{ "random", 1, 8 }, { "urandom", 1, 9 }, { "tty", 5, 0 },
	};
	static const struct { const char *name, *to; } links[] = {
		{ "ptmx", "pts/ptmx" }, { "fd", "/proc/self/fd" }, { "stdin", "/proc/self/fd/0" },
		{ "stdout", "/proc/self/fd/1" }, { "stderr", "/proc/self/fd/2" },
		{ "core", "/proc/kcore" },
	};
	char p[256];

	for (size_t i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
		snprintf(p, sizeof(p), GUEST_NEWROOT "/dev/%s", devs[i].name);
		if (mknod(p, S_IFCHR | 0666, makedev(devs[i].maj, devs[i].min)) == 0)
			chmod(p, 0666);
	}
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		snprintf(p, sizeof(p), GUEST_NEWROOT "/dev/%s", links[i].name);
		if (symlink(links[i].to, p) < 0 && errno == EEXIST && !strcmp(links[i].name, "ptmx")) {
			unlink(p);
			if (symlink(links[i].to, p) < 0)
				guest_log("cannot link /dev/%s", links[i].name);
		}
	}
}

static bool is_dev_tmpfs(const struct oci_mount *m)
{
	return !strcmp(m->destination, "/dev") && m->type && !strcmp(m->type, "tmpfs");
}

/* linux.sysctl: written through the container's own /proc, before it is
 * made read-only; keys use dots for slashes (runc libcontainer/configs). */
static void apply_sysctls(char *const *kv)
{
	char path[4096];

	for (size_t i = 0; kv && kv[i]; i++) {
		const char *eq = strchr(kv[i], '=');
		if (!eq)
			continue;
		int n = snprintf(path, sizeof(path), GUEST_NEWROOT "/proc/sys/%.*s",
				 (int)(eq - kv[i]), kv[i]);
		if (n < 0 || (size_t)n >= sizeof(path))
			continue;
		for (char *p = path + strlen(GUEST_NEWROOT "/proc/sys/"); *p; p++)
			if (*p == '.')
				*p = '/';
		int fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, eq + 1, strlen(eq + 1)) < 0)
			guest_log("cannot set sysctl %.*s: %s", (int)(eq - kv[i]), kv[i], strerror(errno));
		if (fd >= 0)
			close(fd);
	}
}

static void mask_paths(char *const *paths)
{
	char p[4096];
	struct stat st;

	for (size_t i = 0; paths && paths[i]; i++) {
		target_path(p, sizeof(p), paths[i]);
		if (lstat(p, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode))
			mount("tmpfs", p, "tmpfs", MS_RDONLY, "size=0");
		else
			mount(GUEST_NEWROOT "/dev/null", p, NULL, MS_BIND, NULL);
	}
}

static void readonly_paths(char *const *paths)
{
	char p[4096];

	for (size_t i = 0; paths && paths[i]; i++) {
		target_path(p, sizeof(p), paths[i]);
		if (mount(p, p, NULL, MS_BIND | MS_REC, NULL) == 0)
			mount(NULL, p, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV |
			      MS_NOEXEC, NULL);
	}
}

int container_mounts_setup(const struct launch_doc *d, struct rerr **err)
{
	const struct oci_spec *s = d->spec;
	bool dev_tmpfs = false;

	/* Nothing made here may propagate back into init's namespace. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return rerr_make(err, errno, "cannot make the mount tree private");
	mkdir(GUEST_NEWROOT, 0755);
	if (mount_host_src(&d->root, GUEST_NEWROOT, 0, err) < 0)
		return rerr_wrap(err, "cannot mount the container root");
	for (size_t i = 0; i < s->n_mounts; i++) {
		if (mount_one(&s->mounts[i], &d->binds[i], err) < 0)
			return -1;
		dev_tmpfs |= is_dev_tmpfs(&s->mounts[i]);
	}
	if (dev_tmpfs)
		make_default_devices();
	apply_sysctls(s->sysctl);
	mask_paths(s->masked_paths);
	readonly_paths(s->readonly_paths);
	if (s->root_readonly &&
	    mount(NULL, GUEST_NEWROOT, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0)
		return rerr_make(err, errno, "cannot make the root file system read-only");
	/* switch_root: the initramfs cannot be pivoted away, so move the new
	 * root over / and chroot into it. */
	if (chdir(GUEST_NEWROOT) < 0 || mount(GUEST_NEWROOT, "/", NULL, MS_MOVE, NULL) < 0 ||
	    chroot(".") < 0 || chdir("/") < 0)
		return rerr_make(err, errno, "cannot switch to the container root");
	return 0;
}
