/* Declarative cleanup for failure paths (gcc and clang `cleanup` attribute).
 * Use steal_ptr()/steal_fd() to hand ownership out of a scope. */
#ifndef RUNUML_CLEANUP_H
#define RUNUML_CLEANUP_H

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static inline void cleanup_freep(void *p)
{
	free(*(void **)p);
}

static inline void cleanup_closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}

static inline void cleanup_fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

/* Kills and reaps a child that was not handed out. */
static inline void cleanup_pidp(pid_t *pid)
{
	if (*pid > 0) {
		int saved = errno;
		kill(*pid, SIGKILL);
		while (waitpid(*pid, NULL, 0) < 0 && errno == EINTR)
			;
		errno = saved;
	}
}

static inline void *steal_ptr_(void **p)
{
	void *r = *p;
	*p = NULL;
	return r;
}

static inline int steal_fd(int *fd)
{
	int r = *fd;
	*fd = -1;
	return r;
}

#define _cleanup_free_   __attribute__((cleanup(cleanup_freep)))
#define _cleanup_close_  __attribute__((cleanup(cleanup_closep)))
#define _cleanup_fclose_ __attribute__((cleanup(cleanup_fclosep)))
#define _cleanup_pid_    __attribute__((cleanup(cleanup_pidp)))
#define steal_ptr(p)     steal_ptr_((void **)&(p))

#ifndef TEMP_FAILURE_RETRY
#define TEMP_FAILURE_RETRY(e) ({ long r_; do r_ = (long)(e); while (r_ == -1L && errno == EINTR); r_; })
#endif

#endif
