/* state.json codec (see state_file.h). */
#include "state_file.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "fsutil.h"

static const char *const status_names[] = { "creating", "created", "running", "paused",
					    "stopped" };

const char *container_status_name(enum container_status s)
{
	return (unsigned)s < 5 ? status_names[s] : "unknown";
}

void rfc3339_now(char *buf, size_t size)
{
	struct timespec ts;
	struct tm tm;
	size_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, size - n, ".%09ldZ", ts.tv_nsec);
}

uint64_t proc_start_time(pid_t pid)
{
	char path[64], buf[1024];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* comm may hold spaces and ')': fields resume after the last ')' */
	char *p = strrchr(buf, ')');
	if (!p)
		return 0;
	/* after ") " come fields 3..; start time is field 22 */
	for (int field = 2; p && field < 22; field++)
		p = strchr(p + 1, ' ');
	return p ? strtoull(p + 1, NULL, 10) : 0;
}

bool proc_is(pid_t pid, uint64_t start_time)
{
	if (pid <= 0)
		return false;
	uint64_t now = proc_start_time(pid);
	if (!now)
		return false;
	/* a zombie still has its start time but is gone for our purpose */
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n > 0) {
			buf[n] = '\0';
			char *p = strrchr(buf, ')');
			if (p && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X'))
				return false;
		}
	}
	return start_time == 0 || now == start_time;
}

int state_file_write(int dirfd, const struct container_state *st, struct rerr **err)
{
	struct json_object *o = json_object_new_object(), *a;
	int r;

	json_object_object_add(o, "ociVersion", json_object_new_string("1.2.0"));
	json_object_object_add(o, "id", json_object_new_string(st->id));
	json_object_object_add(o, "status", json_object_new_string(container_status_name(st->status)));
	json_object_object_add(o, "pid", json_object_new_int(st->pid));
	json_object_object_add(o, "pid_start", json_object_new_uint64(st->pid_start));
	json_object_object_add(o, "bundle", json_object_new_string(st->bundle ? st->bundle : ""));
	json_object_object_add(o, "rootfs", json_object_new_string(st->rootfs ? st->rootfs : ""));
	json_object_object_add(o, "created", json_object_new_string(st->created ? st->created : ""));
	json_object_object_add(o, "owner", json_object_new_string(st->owner ? st->owner : ""));
	if (st->has_exit)
		json_object_object_add(o, "exit_status", json_object_new_int(st->exit_status));
	a = json_object_new_object();
	for (size_t i = 0; st->annotations && st->annotations[i]; i++) {
		const char *eq = strchr(st->annotations[i], '=');
		if (!eq)
			continue;
		char *k = strndup(st->annotations[i], (size_t)(eq - st->annotations[i]));
		if (k)
			json_object_object_add(a, k, json_object_new_string(eq + 1));
		free(k);
	}
	json_object_object_add(o, "annotations", a);
	const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							  JSON_C_TO_STRING_NOSLASHESCAPE);
	r = write_file_atomic(dirfd, "state.json", text, strlen(text), 0600, err);
	json_object_put(o);
	return r;
}

static char *dup_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return strdup(json_object_get_string(v));
}

int state_file_read(int dirfd, struct container_state *st, struct rerr **err)
{
	_cleanup_close_ int fd = openat(dirfd, "state.json", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	char buf[65536];
	struct json_object *o, *v;
	ssize_t n;

	memset(st, 0, sizeof(*st));
	if (fd < 0)
		return rerr_make(err, errno, "cannot read state");
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return rerr_make(err, n < 0 ? errno : 0, "cannot read state: empty state file");
	buf[n] = '\0';
	o = json_tokener_parse(buf);
	if (!o || !json_object_is_type(o, json_type_object)) {
		if (o)
			json_object_put(o);
		return rerr_make(err, 0, "cannot read state: malformed state file");
	}
	st->id = dup_str(o, "id");
	st->bundle = dup_str(o, "bundle");
	st->rootfs = dup_str(o, "rootfs");
	st->created = dup_str(o, "created");
	st->owner = dup_str(o, "owner");
	if (json_object_object_get_ex(o, "pid", &v))
		st->pid = json_object_get_int(v);
	if (json_object_object_get_ex(o, "pid_start", &v))
		st->pid_start = json_object_get_uint64(v);
	if (json_object_object_get_ex(o, "exit_status", &v)) {
		st->has_exit = true;
		st->exit_status = json_object_get_int(v);
	}
	st->status = ST_STOPPED;
	if (json_object_object_get_ex(o, "status", &v) && json_object_is_type(v, json_type_string))
		for (int i = 0; i < 5; i++)
			if (!strcmp(json_object_get_string(v), status_names[i]))
				st->status = (enum container_status)i;
	if (json_object_object_get_ex(o, "annotations", &v) &&
	    json_object_is_type(v, json_type_object)) {
		size_t k = 0;
		st->annotations = calloc((size_t)json_object_object_length(v) + 1, sizeof(char *));
		json_object_object_foreach(v, key, val)
			if (st->annotations && json_object_is_type(val, json_type_string) &&
			    asprintf(&st->annotations[k], "%s=%s", key, json_object_get_string(val)) >= 0)
				k++;
	}
	json_object_put(o);
	if (!st->id)
		return rerr_make(err, 0, "cannot read state: no id in state file");
	return 0;
}

void container_state_clear(struct container_state *st)
{
	free(st->id);
	free(st->bundle);
	free(st->rootfs);
	free(st->created);
	free(st->owner);
	for (size_t i = 0; st->annotations && st->annotations[i]; i++)
		free(st->annotations[i]);
	free(st->annotations);
	memset(st, 0, sizeof(*st));
}
