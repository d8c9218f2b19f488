/* Container handle for CLI commands (see container.h). */
#include "container.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "container_id.h"
#include "ctl_chan.h"
#include "fdpass.h"
#include "fsutil.h"
#include "oci_names.h"

int container_load(const struct global_opts *g, const char *id, struct container *c,
		   struct rerr **err)
{
	memset(c, 0, sizeof(*c));
	c->dirfd = -1;
	if (container_id_validate(id, err) < 0)
		return -1;
	if (asprintf(&c->dir, "%s/%s", g->root, id) < 0)
		return rerr_make(err, ENOMEM, "loading container `%s`", id);
	c->dirfd = open(c->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (c->dirfd < 0) {
		int e = errno, r;
		if (e == ENOENT)
			r = rerr_make(err, 0, "container `%s` does not exist", id);
		else
			r = rerr_make(err, e, "cannot open state of container `%s`", id);
		container_free(c);
		return r;
	}
	struct rerr *rerr = NULL;
	if (state_file_read(c->dirfd, &c->st, &rerr) < 0) {
		rerr_free(rerr);
		int r = rerr_make(err, 0, "container `%s` does not exist (no valid state in `%s`)", id,
				  c->dir);
		container_free(c);
		return r;
	}
	/* the monitor is the container: if it is gone, so is the container */
	if (c->st.status != ST_STOPPED && !proc_is(c->st.pid, c->st.pid_start))
		c->st.status = ST_STOPPED;
	return 0;
}

void container_free(struct container *c)
{
	if (c->dirfd >= 0)
		close(c->dirfd);
	free(c->dir);
	container_state_clear(&c->st);
	c->dirfd = -1;
	c->dir = NULL;
}

int container_connect(struct container *c, struct rerr **err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return rerr_make(err, errno, "cannot create a socket");
	snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/monitor.sock", c->dirfd);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;
		close(fd);
		if (e == ENOENT || e == ECONNREFUSED)
			return rerr_make(err, 0, "container `%s` is not running", c->st.id);
		return rerr_make(err, e, "cannot reach the monitor of `%s`", c->st.id);
	}
	return fd;
}

int container_request(struct container *c, enum ctl_type type, uint16_t flags, const void *data,
		      size_t len, char **reply, struct rerr **err)
{
	void *raw = NULL;
	size_t raw_len = 0;

	if (container_request_data(c, type, flags, data, len, reply ? &raw : NULL, &raw_len, err) < 0)
		return -1;
	if (reply) {
		*reply = strndup(raw, raw_len);
		free(raw);
		if (!*reply)
			return rerr_make(err, ENOMEM, "request");
	}
	return 0;
}

int container_request_data(struct container *c, enum ctl_type type, uint16_t flags,
			   const void *data, size_t len, void **reply, size_t *reply_len,
			   struct rerr **err)
{
	_cleanup_close_ int fd = container_connect(c, err);
	struct ctl_chan ch;
	int ret = -1;

	if (fd < 0)
		return -1;
	if (ctl_chan_init(&ch, fd) < 0)
		return rerr_make(err, ENOMEM, "request");
	if (ctl_chan_send(&ch, type, 0, flags, data, len) < 0 || ctl_chan_drain(&ch, 10000) < 0) {
		rerr_make(err, errno, "cannot send a request to the monitor of `%s`", c->st.id);
		goto out;
	}
	for (;;) {
		struct ctl_hdr h;
		const uint8_t *pl;
		int r = ctl_chan_next(&ch, &h, &pl);
		if (r < 0) {
			rerr_make(err, 0, "malformed reply from the monitor of `%s`", c->st.id);
			goto out;
		}
		if (r == 1 && h.type == CTL_M_OK) {
			if (reply) {
				if (!(*reply = malloc(h.len + 1))) {
					rerr_make(err, ENOMEM, "request");
					goto out;
				}
				memcpy(*reply, pl, h.len);
				((char *)*reply)[h.len] = '\0';
				*reply_len = h.len;
			}
			ret = 0;
			goto out;
		}
		if (r == 1 && h.type == CTL_ERROR) {
			rerr_make(err, 0, "%.*s", (int)h.len, (const char *)pl);
			goto out;
		}
		if (r == 1)
			continue;
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, 30000) <= 0) {
			rerr_make(err, ETIMEDOUT, "no reply from the monitor of `%s`", c->st.id);
			goto out;
		}
		if (ctl_chan_read(&ch) <= 0) {
			rerr_make(err, 0, "container `%s` is not running", c->st.id);
			goto out;
		}
	}
out:
	ctl_chan_destroy(&ch);
	return ret;
}

bool container_wait_gone(const struct container *c, int timeout_ms)
{
	struct timespec d = { 0, 10 * 1000 * 1000 };

	for (int waited = 0; waited <= timeout_ms; waited += 10) {
		if (!proc_is(c->st.pid, c->st.pid_start))
			return true;
		nanosleep(&d, NULL);
	}
	return false;
}

int parse_signal_arg(const char *s, struct rerr **err)
{
	int sig = signal_from_name(s);

	if (sig <= 0)
		return rerr_make(err, 0, "invalid signal `%s`", s);
	return sig;
}

int write_pid_file(const char *path, pid_t pid, struct rerr **err)
{
	_cleanup_free_ char *copy = strdup(path), *copy2 = strdup(path);
	_cleanup_close_ int dfd = -1;
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%d", (int)pid);

	if (!copy || !copy2)
		return rerr_make(err, ENOMEM, "writing the pid file");
	dfd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return rerr_make(err, errno, "cannot write pid file `%s`", path);
	if (write_file_atomic(dfd, basename(copy2), buf, (size_t)n, 0644, err) < 0)
		return rerr_wrap(err, "cannot write pid file `%s`", path);
	return 0;
}

int console_send_new_pty(const char *socket_path, int *slave, struct rerr **err)
{
	_cleanup_close_ int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);

	*slave = -1;
	if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0)
		return rerr_make(err, errno, "cannot allocate a terminal");
	*slave = open(ptsname(master), O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*slave < 0)
		return rerr_make(err, errno, "cannot open the terminal");
	if (fd_send_to_path(socket_path, master, ptsname(master), err) < 0) {
		close(*slave);
		*slave = -1;
		return -1;
	}
	return 0;
}
