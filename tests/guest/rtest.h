/* rtest's commands, split by concern (rtest.c: process; rtest_fs.c: files). */
#ifndef RUNUML_RTEST_H
#define RUNUML_RTEST_H

#include <stdbool.h>

/* Runs argv[1] if it is a file-system command: its exit status, or -1 when
 * argv[1] is not one of them (or lacks its arguments). */
int rtest_fs(int argc, char **argv);
/* The same for the network commands of rtest_net.c. */
int rtest_net(int argc, char **argv);

#endif
