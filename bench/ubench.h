/* ubench: the benchmark helper of `make bench`, one static multi-call binary
 * run both inside a container (runuml, runc) and natively on the host, so
 * the two sides execute the same machine code.  Every command prints
 * `key value` lines (value in the unit the key names) that bench/lib.sh
 * parses; any failure is one line on stderr and a non-zero exit. */
#ifndef RUNUML_BENCH_UBENCH_H
#define RUNUML_BENCH_UBENCH_H

#include <stddef.h>

/* monotonic clock in nanoseconds */
long long ub_now_ns(void);
/* prints "ubench: <what>: <strerror(errno)>" and returns 1 */
int ub_fail(const char *what);
/* parses a count with an optional k/M/G suffix (powers of 1024); -1 if bad */
long long ub_parse_size(const char *s);

/* ubench_micro.c: getppid, page faults, fork, fork+exec */
int ub_cmd_micro(int argc, char **argv);
/* ubench_fs.c: sequential write/read, stat, create+unlink */
int ub_cmd_fs(int argc, char **argv);
/* ubench_stream.c: stdout source and stdin sink, timed child */
int ub_cmd_emit(int argc, char **argv);
int ub_cmd_sink(int argc, char **argv);
int ub_cmd_time(int argc, char **argv);
/* ubench_net.c: default route, TCP server and client */
int ub_cmd_netinfo(int argc, char **argv);
int ub_cmd_tcp_serve(int argc, char **argv);
int ub_cmd_tcp_client(int argc, char **argv);
/* ubench_pss.c: host PSS of a set of processes, shared address spaces once */
int ub_cmd_pss(int argc, char **argv);

#endif
