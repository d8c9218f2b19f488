/* Exiting with a process's wait status, as runc's callers expect. */
#ifndef RUNUML_EXIT_STATUS_H
#define RUNUML_EXIT_STATUS_H

/* exit code N -> exit(N); killed by signal S -> die of S with core dumps
 * off (or exit 128+S for signals that do not kill). */
__attribute__((noreturn)) void exit_like(int wait_status);

#endif
