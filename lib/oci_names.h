/* Name tables from the OCI runtime spec and runc's CLI: signals, rlimits,
 * capabilities. */
#ifndef RUNUML_OCI_NAMES_H
#define RUNUML_OCI_NAMES_H

/* "KILL", "SIGKILL", "9" -> 9; -1 if unknown. */
int signal_from_name(const char *s);
/* "RLIMIT_NOFILE" -> RLIMIT_NOFILE; -1 if unknown. */
int rlimit_from_name(const char *s);
/* "CAP_SYS_ADMIN" -> 21; -1 if unknown. */
int capability_from_name(const char *s);

#endif
