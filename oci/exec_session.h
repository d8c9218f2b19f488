/* The host side of one exec'd process (see exec_session.c). */
#ifndef RUNUML_OCI_EXEC_SESSION_H
#define RUNUML_OCI_EXEC_SESSION_H

#include <stdbool.h>

struct exec_session {
	int sock;                 /* connected to the container's monitor */
	const char *process_json; /* OCI process object */
	bool tty;
	int in, out, err;         /* host stdio of the process (one pty with tty) */
	int ready_fd;             /* "ok\n" once started, "error: …\n" otherwise; -1 */
};

/* Relays until the process exits; returns its wait status (255<<8 when the
 * session broke). */
int exec_session_run(struct exec_session *s);

#endif
