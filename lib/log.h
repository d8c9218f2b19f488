/* Logging with runc's contract: --log FILE (opened O_APPEND), --log-format
 * text|json, --debug.  JSON lines are {"level":"…","msg":"…","time":"RFC3339"};
 * containerd keeps the last "error" line as the root cause, so error lines are
 * one-line causes.  Errors also go to stderr when the log is elsewhere. */
#ifndef RUNUML_LOG_H
#define RUNUML_LOG_H

#include <stdbool.h>
#include <stddef.h>

enum log_format { LOG_TEXT, LOG_JSON };
enum log_level { LOG_LEVEL_ERROR, LOG_LEVEL_WARN, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG };

/* path NULL or "" = stderr only.  Returns <0 with errno set if the file
 * cannot be opened. */
int log_init(const char *path, enum log_format fmt, bool debug);
/* Program name used as text prefix ("runuml: …"). */
void log_set_name(const char *name);
/* The log file descriptor (or -1), e.g. to hand it to a helper. */
int log_fd(void);
/* Writes errors to stderr too (default true); helpers that have no
 * terminal of their own turn this off. */
void log_set_stderr(bool on);

void log_msg(enum log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define log_error(...) log_msg(LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)

/* Appends s to buf as a JSON string body (no quotes), escaping as needed;
 * returns bytes written (always NUL-terminated, truncated to size). */
size_t log_json_escape(char *buf, size_t size, const char *s);

#endif
