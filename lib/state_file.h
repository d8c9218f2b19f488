/* <root>/<id>/state.json: what runuml knows about one container, written
 * atomically (temp + rename).  The monitor's PID *and* its start time are
 * recorded so a reused PID is never mistaken for the container
 * (crun status.c, runsc state_file.go). */
#ifndef RUNUML_STATE_FILE_H
#define RUNUML_STATE_FILE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "rerr.h"

enum container_status { ST_CREATING, ST_CREATED, ST_RUNNING, ST_PAUSED, ST_STOPPED };

struct container_state {
	char *id;
	char *bundle;
	char *rootfs;
	char *created;          /* RFC 3339 */
	char *owner;
	pid_t pid;              /* the monitor: what pid files and hooks get */
	uint64_t pid_start;     /* field 22 of /proc/<pid>/stat */
	enum container_status status;
	bool has_exit;
	int exit_status;        /* wait status, once stopped */
	char **annotations;     /* "k=v", NULL-terminated; may be NULL */
};

const char *container_status_name(enum container_status s);
int state_file_write(int dirfd, const struct container_state *st, struct rerr **err);
int state_file_read(int dirfd, struct container_state *st, struct rerr **err);
void container_state_clear(struct container_state *st);

/* Start time of a process (0 if it does not exist). */
uint64_t proc_start_time(pid_t pid);
/* True if pid is alive and is the process that started at start_time. */
bool proc_is(pid_t pid, uint64_t start_time);
/* RFC 3339 with nanoseconds, UTC, into buf. */
void rfc3339_now(char *buf, size_t size);

#endif
