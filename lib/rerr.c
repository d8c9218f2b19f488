/* struct rerr: construction, wrapping and freeing of one-line errors. */
#include "rerr.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int rerr_status(const struct rerr *e)
{
	return e && e->errno_ > 0 ? -e->errno_ : -1;
}

int rerr_vmake(struct rerr **err, int errno_, const char *fmt, va_list ap)
{
	char *base = NULL, *full = NULL;
	struct rerr *e;

	if (!err)
		return errno_ > 0 ? -errno_ : -1;
	if (*err) /* keep the first (root) cause */
		return rerr_status(*err);
	if (vasprintf(&base, fmt, ap) < 0)
		base = NULL;
	if (base && errno_ > 0) {
		if (asprintf(&full, "%s: %s", base, strerror(errno_)) < 0)
			full = NULL;
		free(base);
	} else {
		full = base;
	}
	e = calloc(1, sizeof(*e));
	if (!e) {
		free(full);
		return errno_ > 0 ? -errno_ : -1;
	}
	e->errno_ = errno_;
	e->msg = full ? full : strdup("out of memory");
	*err = e;
	return rerr_status(e);
}

int rerr_make(struct rerr **err, int errno_, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = rerr_vmake(err, errno_, fmt, ap);
	va_end(ap);
	return r;
}

int rerr_wrap(struct rerr **err, const char *fmt, ...)
{
	char *ctx = NULL, *msg = NULL;
	va_list ap;

	if (!err || !*err)
		return -1;
	va_start(ap, fmt);
	if (vasprintf(&ctx, fmt, ap) < 0)
		ctx = NULL;
	va_end(ap);
	if (ctx && asprintf(&msg, "%s: %s", ctx, (*err)->msg ? (*err)->msg : "") >= 0) {
		free((*err)->msg);
		(*err)->msg = msg;
	}
	free(ctx);
	return rerr_status(*err);
}

void rerr_free(struct rerr *e)
{
	if (!e)
		return;
	free(e->msg);
	free(e);
}
