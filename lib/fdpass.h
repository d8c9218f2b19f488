/* Passing file descriptors over AF_UNIX sockets (SCM_RIGHTS). */
#ifndef RUNUML_FDPASS_H
#define RUNUML_FDPASS_H

#include "rerr.h"

/* Sends fd with a one-byte (or name) payload. */
int fd_send(int sock, int fd, const char *name);
/* Receives one fd (O_CLOEXEC), or -1 with errno set. */
int fd_recv(int sock);
/* Connects to the AF_UNIX path (runc's console socket contract: abstract
 * addresses are not supported) and sends fd; the caller closes fd. */
int fd_send_to_path(const char *path, int fd, const char *name, struct rerr **err);

#endif
