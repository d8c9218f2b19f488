/* One error type for the whole project (see docs/error-handling.md).
 *
 * Fallible functions return an int (< 0 on failure) or a pointer (NULL) and
 * fill `struct rerr **err`.  Success never touches *err.  rerr_make() returns
 * a negative value so that call sites read `return rerr_make(err, ...)`;
 * rerr_wrap() prepends context on the way up; only main() prints. */
#ifndef RUNUML_RERR_H
#define RUNUML_RERR_H

#include <stdarg.h>

struct rerr {
	int errno_;   /* errno of the root cause, 0 when there is none */
	char *msg;    /* one line, no trailing newline */
};

/* Sets *err (if err and *err is NULL) to a new error; msg is printf-style.
 * When errno_ != 0, ": strerror(errno_)" is appended.  Returns -1 or -errno_. */
int rerr_make(struct rerr **err, int errno_, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int rerr_vmake(struct rerr **err, int errno_, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/* Prepends "<context>: " to the message of *err.  Returns -1 or -errno_. */
int rerr_wrap(struct rerr **err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void rerr_free(struct rerr *e);

#endif
