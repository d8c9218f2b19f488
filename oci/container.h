/* One existing container as the CLI sees it: its state directory, its
 * state.json, its live status, and requests to its monitor. */
#ifndef RUNUML_OCI_CONTAINER_H
#define RUNUML_OCI_CONTAINER_H

#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "ctl_proto.h"
#include "state_file.h"

struct container {
	char *dir;
	int dirfd;
	struct container_state st;   /* st.status is the live status */
};

/* "container `x` does not exist" when there is no such state. */
int container_load(const struct global_opts *g, const char *id, struct container *c,
		   struct rerr **err);
void container_free(struct container *c);
/* One request to the monitor; *reply (if asked) gets the CTL_M_OK payload. */
int container_request(struct container *c, enum ctl_type type, uint16_t flags, const void *data,
		      size_t len, char **reply, struct rerr **err);
/* The same, for a binary reply: *reply gets len bytes (malloc'd, plus a
 * terminating NUL). */
int container_request_data(struct container *c, enum ctl_type type, uint16_t flags,
			   const void *data, size_t len, void **reply, size_t *reply_len,
			   struct rerr **err);
/* Connects to the monitor socket (for long-lived exec sessions). */
int container_connect(struct container *c, struct rerr **err);
/* Waits until the monitor is gone (true) or timeout_ms passed (false). */
bool container_wait_gone(const struct container *c, int timeout_ms);
struct json_object;
/* The state JSON runc prints for `state` and `list --format json`. */
struct json_object *container_state_json(const struct container *c);
/* Parses "KILL", "SIGKILL", "9". */
int parse_signal_arg(const char *s, struct rerr **err);
/* --console-socket: a new host pty whose master goes to the socket (only the
 * receiver holds it afterwards, RUNC/docs/terminals.md); *slave gets the
 * other end for the monitor or exec session. */
int console_send_new_pty(const char *socket_path, int *slave, struct rerr **err);
/* Writes a pid file atomically (runc: createPidFile). */
int write_pid_file(const char *path, pid_t pid, struct rerr **err);

#endif
