/* SCM_RIGHTS helpers (see fdpass.h). */
#include "fdpass.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int fd_send(int sock, int fd, const char *name)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	const char *payload = name && *name ? name : "";
	struct iovec iov = { .iov_base = (void *)(payload[0] ? payload : "\0"),
			     .iov_len = payload[0] ? strlen(payload) : 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			      .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;

	memset(cbuf, 0, sizeof(cbuf));
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	while (sendmsg(sock, &msg, MSG_NOSIGNAL) < 0)
		if (errno != EINTR)
			return -1;
	return 0;
}

int fd_recv(int sock)
{
	char cbuf[CMSG_SPACE(sizeof(int))], byte[256];
	struct iovec iov = { .iov_base = byte, .iov_len = sizeof(byte) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			      .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	int fd;

	while (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) < 0)
		if (errno != EINTR)
			return -1;
	cm = CMSG_FIRSTHDR(&msg);
	if (!cm || cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS ||
	    cm->cmsg_len != CMSG_LEN(sizeof(int))) {
		errno = EBADMSG;
		return -1;
	}
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

int fd_send_to_path(const char *path, int fd, const char *name, struct rerr **err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int sock;

	if (!path[0] || strlen(path) >= sizeof(sa.sun_path))
		return rerr_make(err, 0, "invalid console socket path `%s`", path);
	memcpy(sa.sun_path, path, strlen(path));
	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return rerr_make(err, errno, "cannot create a socket");
	if (connect(sock, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;
		close(sock);
		return rerr_make(err, e, "cannot connect to console socket `%s`", path);
	}
	if (fd_send(sock, fd, name) < 0) {
		int e = errno;
		close(sock);
		return rerr_make(err, e, "cannot send the console to `%s`", path);
	}
	close(sock);
	return 0;
}
