/* runuml-9p: the container's file server (like gVisor's Gofer).  One process
 * per container serves every share -- the root and each bind mount -- over
 * 9P2000.L, each on its own vhost-user virtio-9p device (virtio id 9) that
 * the UML kernel connects to.  It is the only host process that opens the
 * container's files, and it treats the guest as hostile.
 *
 *   runuml-9p [--debug] [--owner passthrough|mapped] [--empty-root DIR]
 *             [--parent PID] [--print-seccomp]
 *             --share LISTEN_FD:ROOT_FD:TAG:FLAGS[:NAME] …
 *
 * Every share arrives as two inherited descriptors made by the monitor: a
 * listening vhost-user socket and an O_PATH fd of the shared directory;
 * FLAGS is a string of `r` (read-only), `s` (nosuid), `d` (nodev) or `-`;
 * NAME makes it a single-file share (only that entry of the directory is
 * visible).  The process then confines itself (proxy_confine.c) before it
 * reads a byte from the guest.  Diagnostics go to stderr (the monitor points
 * it at <state>/runuml-9p.log).  Exit: 0 when the kernel disconnects, 2 on
 * bad arguments, 3 when a device fails (a bad ring or protocol message),
 * 1 on any other error. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "p9_server.h"
#include "proxy.h"
#include "vu_dev.h"

#define VIRTIO_9P_MOUNT_TAG 0       /* include/uapi/linux/virtio_9p.h (6.1) */
#define REQ_CAP  (P9_MSIZE_MAX + 65536u)

struct share_dev {
	int listen_fd;
	int root_fd;
	char *tag;
	char *only;
	bool ro, nosuid, nodev;
	struct p9_server *srv;
	struct vu_dev *dev;
	uint8_t config[2 + PROXY_TAG_MAX];
	struct vu_dev_ops ops;
};

static struct proxy_opts opts;
static struct share_dev shares[PROXY_MAX_SHARES];
static size_t n_shares;
static uint8_t *req_buf, *resp_buf;
static int exit_code = -1;

static int parse_share(char *spec)
{
	struct share_dev *s = &shares[n_shares];
	char *save = NULL, *lfd = strtok_r(spec, ":", &save), *rfd = strtok_r(NULL, ":", &save);
	char *tag = strtok_r(NULL, ":", &save), *flags = strtok_r(NULL, ":", &save);
	char *name = save && *save ? save : NULL, *end;

	if (n_shares >= PROXY_MAX_SHARES || !lfd || !rfd || !tag || !flags)
		return -1;
	s->listen_fd = (int)strtol(lfd, &end, 10);
	if (*end || s->listen_fd < 3)
		return -1;
	s->root_fd = (int)strtol(rfd, &end, 10);
	if (*end || s->root_fd < 3 || strlen(tag) > PROXY_TAG_MAX || !*tag)
		return -1;
	for (const char *f = flags; *f; f++) {
		if (*f == 'r')
			s->ro = true;
		else if (*f == 's')
			s->nosuid = true;
		else if (*f == 'd')
			s->nodev = true;
		else if (*f != '-')
			return -1;
	}
	if (name && (strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, "..")))
		return -1;
	s->tag = tag;
	s->only = name;
	n_shares++;
	return 0;
}

static int parse_args(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "share", required_argument, NULL, 's' },
		{ "owner", required_argument, NULL, 'o' },
		{ "empty-root", required_argument, NULL, 'e' },
		{ "parent", required_argument, NULL, 'p' },
		{ "debug", no_argument, NULL, 'd' },
		{ "print-seccomp", no_argument, NULL, 'P' },
		{ "unsafe-test-forbidden-syscall", no_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opts.owner = P9_OWNER_PASSTHROUGH;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (parse_share(optarg) < 0) {
				fprintf(stderr, "runuml-9p: bad --share `%s`\n", optarg);
				return -1;
			}
			break;
		case 'o':
			if (!strcmp(optarg, "mapped"))
				opts.owner = P9_OWNER_MAPPED;
			else if (strcmp(optarg, "passthrough"))
				return -1;
			break;
		case 'e': opts.empty_root = optarg; break;
		case 'p': opts.parent = (pid_t)atoi(optarg); break;
		case 'd': opts.debug = true; break;
		case 'P': opts.print_seccomp = true; break;
		case 'T': opts.test_forbidden_syscall = true; break;
		default: return -1;
		}
	}
	return optind == argc ? 0 : -1;
}

/* implements vu_dev_ops.handle_queue: one 9P request per element, served
 * synchronously, the reply scattered into the element's writable part. */
static void serve_queue(struct vu_dev *d, unsigned q, void *opaque)
{
	struct share_dev *s = opaque;
	struct vu_elem e;
	int r;

	while ((r = vu_queue_pop(d, q, &e)) == 1) {
		size_t len = vu_iov_to_buf(e.iov, e.n_out, req_buf, REQ_CAP);
		size_t rlen = p9_server_handle(s->srv, req_buf, len, resp_buf, REQ_CAP);
		size_t w = rlen ? vu_buf_to_iov(e.iov + e.n_out, e.n_in, resp_buf, rlen) : 0;
		if (w < rlen)
			fprintf(stderr, "runuml-9p: %s: reply of %zu bytes truncated to %zu\n",
				s->tag, rlen, w);
		vu_queue_push(d, q, &e, (uint32_t)w);
		if (opts.test_forbidden_syscall) /* tests/hostfs-9p.bats: seccomp must kill us */
			syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);
	}
	vu_queue_notify(d, q);
}

/* implements vu_dev_ops.on_failed */
static void device_failed(struct vu_dev *d, const char *why, void *opaque)
{
	struct share_dev *s = opaque;

	(void)d;
	if (why && strstr(why, "disconnect")) {
		if (exit_code < 0)
			exit_code = 0;
		return;
	}
	fprintf(stderr, "runuml-9p: device `%s` failed: %s\n", s->tag, why ? why : "unknown");
	exit_code = 3;
}

static int start_servers(void)
{
	struct rerr *err = NULL;

	for (size_t i = 0; i < n_shares; i++) {
		struct share_dev *s = &shares[i];
		struct p9_share sh = { .root_fd = s->root_fd, .only_name = s->only, .readonly = s->ro,
				       .nosuid = s->nosuid, .nodev = s->nodev, .owner = opts.owner };
		s->srv = p9_server_new(&sh, &err);
		if (!s->srv) {
			fprintf(stderr, "runuml-9p: %s: %s\n", s->tag, err->msg);
			rerr_free(err);
			return -1;
		}
		size_t tl = strlen(s->tag);
		s->config[0] = (uint8_t)(tl & 0xff); /* virtio_9p_config.tag_len, little endian */
		s->config[1] = (uint8_t)(tl >> 8);
		memcpy(s->config + 2, s->tag, tl);
		s->ops = (struct vu_dev_ops){ .features = 1ULL << VIRTIO_9P_MOUNT_TAG, .num_queues = 1,
					      .config = s->config, .config_len = 2 + tl,
					      .handle_queue = serve_queue, .on_failed = device_failed };
	}
	return 0;
}

static void accept_device(struct share_dev *s)
{
	struct rerr *err = NULL;
	int c = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC);

	if (c < 0) {
		if (errno != EAGAIN && errno != EINTR) {
			fprintf(stderr, "runuml-9p: %s: accept: %s\n", s->tag, strerror(errno));
			exit_code = 1;
		}
		return;
	}
	/* one peer per device: the kernel that was given this socket */
	close(s->listen_fd);
	s->listen_fd = -1;
	s->dev = vu_dev_new(c, &s->ops, s, &err);
	if (!s->dev) {
		fprintf(stderr, "runuml-9p: %s: %s\n", s->tag, err->msg);
		rerr_free(err);
		exit_code = 1;
	}
}

static int serve(void)
{
	struct pollfd pfd[PROXY_MAX_SHARES * (2 + VU_MAX_QUEUES)];
	size_t first[PROXY_MAX_SHARES], count[PROXY_MAX_SHARES];

	while (exit_code < 0) {
		size_t n = 0;
		bool any = false;
		for (size_t i = 0; i < n_shares; i++) {
			struct share_dev *s = &shares[i];
			first[i] = n;
			if (s->listen_fd >= 0) {
				pfd[n++] = (struct pollfd){ .fd = s->listen_fd, .events = POLLIN };
				any = true;
			} else if (s->dev && !vu_dev_failed(s->dev)) {
				n += vu_dev_pollfds(s->dev, pfd + n, sizeof(pfd) / sizeof(pfd[0]) - n);
				any = true;
			}
			count[i] = n - first[i];
		}
		if (!any)
			return 0;
		if (poll(pfd, (nfds_t)n, -1) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "runuml-9p: poll: %s\n", strerror(errno));
			return 1;
		}
		for (size_t i = 0; i < n_shares && exit_code < 0; i++) {
			struct share_dev *s = &shares[i];
			if (!count[i])
				continue;
			if (s->listen_fd >= 0) {
				if (pfd[first[i]].revents)
					accept_device(s);
			} else if (s->dev && vu_dev_handle(s->dev, pfd + first[i], count[i]) < 0 &&
				   exit_code < 0) {
				const char *why = vu_dev_fail_reason(s->dev);
				device_failed(s->dev, why, s);
			}
		}
	}
	return exit_code;
}

int main(int argc, char **argv)
{
	int rc;

	if (parse_args(argc, argv) < 0 || (!n_shares && !opts.print_seccomp)) {
		fprintf(stderr, "usage: runuml-9p [--debug] [--owner passthrough|mapped] "
			"[--empty-root DIR] [--parent PID] [--print-seccomp] "
			"--share LISTEN_FD:ROOT_FD:TAG:FLAGS[:NAME] ...\n");
		return 2;
	}
	if (opts.print_seccomp) {
		proxy_print_seccomp(1);
		return 0;
	}
	req_buf = malloc(REQ_CAP);
	resp_buf = malloc(REQ_CAP);
	if (!req_buf || !resp_buf) {
		fprintf(stderr, "runuml-9p: out of memory\n");
		return 1;
	}
	int keep[3 + 2 * PROXY_MAX_SHARES] = { 0, 1, 2 };
	size_t n_keep = 3;
	struct proxy_share_fd trees[PROXY_MAX_SHARES];
	for (size_t i = 0; i < n_shares; i++) {
		keep[n_keep++] = shares[i].listen_fd;
		keep[n_keep++] = shares[i].root_fd;
		trees[i] = (struct proxy_share_fd){ .fd = shares[i].root_fd, .ro = shares[i].ro,
						    .nodev = shares[i].nodev, .tag = shares[i].tag };
	}
	/* confined before anything is read from the guest or opened for it */
	if (proxy_confine(&opts, keep, n_keep, trees, n_shares) < 0 || start_servers() < 0)
		return 1;
	rc = serve();
	for (size_t i = 0; i < n_shares; i++) {
		vu_dev_free(shares[i].dev);
		p9_server_free(shares[i].srv);
	}
	free(req_buf);
	free(resp_buf);
	return rc;
}
