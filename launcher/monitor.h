/* runuml-monitor: the per-container host process.  It boots the UML kernel
 * with the guest init, starts the file (and later network) helpers, relays
 * the container's stdio over the control channel and exits with the
 * container's status.  Files:
 *   monitor_main.c       arguments, set-up order, tear-down
 *   rootfs_transport.c   how host files reach the guest (one interface)
 *   kernel_spawn.c       kernel command line and process
 *   event_loop.c         the event loop: guest channel, host stdio, signals
 *   mon_server.c         monitor.sock: start/kill/exec/pause requests
 *   exit_status.c        exiting with the container's wait status */
#ifndef RUNUML_MONITOR_H
#define RUNUML_MONITOR_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "ctl_chan.h"
#include "helper_proc.h"
#include "launch_doc.h"
#include "oci_spec.h"
#include "rerr.h"

#define MAX_KERNEL_ARGS 128

struct kernel_args {
	char *argv[MAX_KERNEL_ARGS + 1];
	int argc;
};
int kernel_args_add(struct kernel_args *ka, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void kernel_args_free(struct kernel_args *ka);

/* --- rootfs_transport.c ---------------------------------------------------
 * How the root and each bind mount reach the guest: through the 9P file
 * server runuml-9p (path: proxy), one virtio-9p device per share.  Fills the
 * launch sources, adds the devices to the kernel arguments and starts the
 * server. */
struct transport {
	struct launch_src root;
	struct launch_src *binds;  /* spec->n_mounts entries */
	size_t n_binds;
	struct helper_proc proxy;  /* the file server */
};
int transport_prepare(struct transport *t, const struct oci_spec *spec, const char *bundle,
		      const char *state_dir, const char *proxy, struct kernel_args *ka,
		      struct rerr **err);
void transport_release(struct transport *t);

/* --- kernel_spawn.c -------------------------------------------------------- */
struct kernel_proc {
	pid_t pid;
	int ctl_fd;      /* monitor's end of the control line */
	int console_fd;  /* console.log */
};
/* Adds the fixed kernel arguments (memory, initrd, channels). */
int kernel_base_args(struct kernel_args *ka, const char *initrd, const char *state_dir,
		     int64_t mem_bytes, struct rerr **err);
int kernel_spawn(struct kernel_proc *k, const char *kernel, struct kernel_args *ka,
		 const char *state_dir, struct rerr **err);
/* The last lines of console.log, joined into one line. */
char *console_tail(const char *state_dir, int lines);

/* --- event_loop.c / mon_server.c -------------------------------------------
 * One single-threaded loop serves the guest control channel, the
 * container's host stdio, forwarded signals and the monitor socket. */
#define MAX_CLIENTS 64

struct relay_result {
	bool exited;          /* the container process ended */
	int wait_status;
	char *error;          /* guest-reported error (exec failure…) */
	bool kernel_died;     /* the kernel exited before the container ended */
};

struct mon_client {
	int fd;               /* -1: free slot */
	struct ctl_chan ch;
	uint32_t proc;        /* exec session routed to this client, 0: none */
	bool exec_detached;   /* stdio not relayed (exec -d without fds) */
	uint32_t req_tag;     /* guest request (UPDATE/STATS) awaiting RESULT, 0: none */
};

struct monitor;
/* Called once the guest reports the process prepared; returns < 0 (with
 * *err) to abort the container (a failing create-time hook). */
typedef int (*prepared_fn)(struct monitor *m, struct rerr **err);
/* Called when a client asks to start the container (create mode). */
typedef int (*start_fn)(struct monitor *m, struct rerr **err);

struct monitor {
	struct kernel_proc *k;
	const char *doc;
	bool autostart;             /* run: start as soon as prepared */
	int listen_fd;              /* monitor.sock, or -1 */
	int io_in, io_out, io_err;  /* the container's stdio on the host */
	bool io_tty;                /* io_* is one pty slave */
	struct helper_proc **helpers; /* their death before the container's ends it */
	size_t n_helpers;
	prepared_fn on_prepared;
	start_fn on_started;
	void *user;

	struct ctl_chan ch;
	bool hello, prepared, started, stdin_open, paused;
	uint32_t next_proc;
	uint32_t next_req;          /* tags of guest requests */
	struct mon_client clients[MAX_CLIENTS];
	struct relay_result res;
};

int monitor_loop(struct monitor *m, struct rerr **err);
/* Starts a prepared container (the `start` request). */
int monitor_start(struct monitor *m, struct rerr **err);
/* mon_server.c */
int mon_listen(const char *state_dir, struct rerr **err);
void mon_accept(struct monitor *m);
void mon_client_input(struct monitor *m, struct mon_client *c);
void mon_client_close(struct mon_client *c);
/* Hands a guest CTL_RESULT to the client whose request it answers. */
void mon_route_result(struct monitor *m, const struct ctl_hdr *h, const uint8_t *pl);
/* Routes a guest frame for an exec session to its client. */
void mon_route_exec_frame(struct monitor *m, const struct ctl_hdr *h, const uint8_t *pl);
/* Sends the container a signal (all: every process). */
void monitor_signal(struct monitor *m, int sig, bool all);
int monitor_pause(struct monitor *m, bool pause);


#endif
