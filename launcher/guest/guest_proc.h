/* A process init serves: the container's first process (id 0) or an exec
 * session (id > 0).  Init owns the host-facing ends of its stdio (pipes,
 * or a pty master) and moves bytes between them and the control channel. */
#ifndef RUNUML_GUEST_PROC_H
#define RUNUML_GUEST_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ctl_chan.h"
#include "guest.h"

#define GUEST_MAX_PROCS 64

struct gproc {
	bool used;
	uint32_t id;
	pid_t pid;            /* -1 once reaped */
	bool terminal;
	int in_w;             /* stdin pipe write end, or the pty master */
	int out_r, err_r;     /* stdout/stderr read ends (out_r = master with a pty) */
	int status_r;         /* child's status pipe ('R', 'E'+text, EOF on exec) */
	int console_sock;     /* receives the pty master from the child */
	uint16_t rows, cols;  /* initial window size */
	uint8_t *in_q;
	size_t in_q_len, in_q_off;
	bool stdin_eof;
	bool exited;
	int wait_status;
	bool failed;          /* reported CTL_ERROR */
};

/* Creates stdio for a child (pipes or a pty) and the status pipe.  `cp`
 * gets the child's ends; the parent's ends stay in `g`. */
int gproc_make_stdio(struct gproc *g, bool terminal, uint16_t rows, uint16_t cols,
		     struct child_pipes *cp);
/* After fork: closes the child's ends in the parent. */
void gproc_parent_after_fork(struct gproc *g, struct child_pipes *cp);
void gproc_queue_stdin(struct gproc *g, const uint8_t *p, size_t len);
void gproc_flush_stdin(struct gproc *g);
/* Reads one chunk of output into a frame; false at EOF. */
bool gproc_pump(struct gproc *g, int *fd, enum ctl_type type, struct ctl_chan *ch);
/* True when the process has exited and its output is drained. */
bool gproc_done(const struct gproc *g);
void gproc_release(struct gproc *g);

#endif
