/* runuml CLI: global options and the command table.  Each command lives in
 * cmd_<verb>.c and has this signature; it returns the process exit status
 * (>= 0) or < 0 with *err set (main prints it as one line and exits 1). */
#ifndef RUNUML_CLI_H
#define RUNUML_CLI_H

#include <stdbool.h>

#include "log.h"
#include "rerr.h"

struct global_opts {
	const char *root;        /* state root, resolved (see state_root.c) */
	const char *root_flag;   /* --root as given, or NULL */
	const char *log_path;    /* --log, or NULL */
	enum log_format log_format;
	bool debug;
	bool systemd_cgroup;
	const char *rootless;    /* "true" | "false" | "auto" */
	const char *libexec;     /* directory holding the helpers */
	/* the guest's network (launcher/net_transport.h) */
	const char *network;     /* --network auto|slirp|netns|none, or NULL */
	const char *publish;     /* --publish / run -p: comma-separated forwards */
	bool net_allow_host_loopback; /* --net-allow-host-loopback */
};

/* Appends a -p/--publish argument to *list (comma-separated, malloc'd). */
int cli_publish_add(char **list, const char *spec, struct rerr **err);

typedef int (*cmd_fn)(const struct global_opts *g, int argc, char **argv, struct rerr **err);

#define RUNUML_VERSION "0.1.0"
#define OCI_SPEC_VERSION "1.2.0"

/* State root: --root, else $XDG_RUNTIME_DIR/runuml when not root, else
 * /run/runuml; created 0700 if missing. */
int state_root_resolve(const char *flag, char **out, struct rerr **err);

int cmd_run(const struct global_opts *g, int argc, char **argv, struct rerr **err);
int cmd_create(const struct global_opts *g, int argc, char **argv, struct rerr **err);
int cmd_start(const struct global_opts *g, int argc, char **argv, struct rerr **err);
int cmd_state(const struct global_opts *g, int argc, char **argv, struct rerr **err);
int cmd_kill(const struct global_opts *g, int argc, char **argv, struct rerr **err);
int cmd_delete(const struct global_opts *g, int argc, char **argv, struct rerr **err);
int cmd_list(const struct global_opts *g, int argc, char **argv, struct rerr **err);
int cmd_ps(const struct global_opts *g, int argc, char **argv, struct rerr **err);
int cmd_pause(const struct global_opts *g, int argc, char **argv, struct rerr **err);
int cmd_exec(const struct global_opts *g, int argc, char **argv, struct rerr **err);
int cmd_features(const struct global_opts *g, int argc, char **argv, struct rerr **err);
int cmd_resume(const struct global_opts *g, int argc, char **argv, struct rerr **err);
int cmd_update(const struct global_opts *g, int argc, char **argv, struct rerr **err);
int cmd_events(const struct global_opts *g, int argc, char **argv, struct rerr **err);
/* runuml-specific commands */
int cmd_install(const struct global_opts *g, int argc, char **argv, struct rerr **err);
int cmd_uninstall(const struct global_opts *g, int argc, char **argv, struct rerr **err);
int cmd_check(const struct global_opts *g, int argc, char **argv, struct rerr **err);

/* create (and, for run --detach, start) a detached container. */
int create_and_maybe_start(const struct global_opts *g, const char *id, const char *bundle,
			   const char *pid_file, const char *console, bool start, struct rerr **err);
int cmd_spec(const struct global_opts *g, int argc, char **argv, struct rerr **err);

#endif
