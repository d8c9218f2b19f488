/* runuml-net's seccomp allow-list (style.md R8): everything else kills the
 * process.  Included by net_confine.c with ALLOW/ALLOW_ARG/ALLOW_MASKED
 * defined.  Sockets: only IPv4/IPv6 ones (slirp's outbound connections;
 * in mode netns the helper sits in an empty network namespace, so they
 * reach nothing) -- no AF_PACKET, AF_NETLINK or AF_UNIX sockets of its
 * own, no bind or listen after start-up (forwarded ports are bound
 * before the filter), no new processes or programs, no mounts, no
 * ptrace, no executable memory. */

/* --- transport: vhost-user socket, eventfds, guest memory --- */
ALLOW(accept4,         "net_main: the one connection from the kernel; slirp: forwarded ports")
ALLOW(accept,          "slirp: connections to forwarded ports")
ALLOW(recvmsg,         "vu_dev: messages with SCM_RIGHTS; monitor hand-over; netns: frames")
ALLOW(sendmsg,         "vu_dev: replies; netns: frames; slirp: UDP")
ALLOW(poll,            "net_main: the event loop")
ALLOW(ppoll,           "net_main: the event loop (libc poll may use ppoll)")
ALLOW_MASKED(mmap, 2, PROT_EXEC, 0, "vu_mem: guest memory; malloc (never executable)")
ALLOW(munmap,          "vu_mem, malloc")
ALLOW_MASKED(mprotect, 2, PROT_EXEC, 0, "malloc (never executable)")
ALLOW(madvise,         "malloc")
ALLOW(brk,             "malloc")
ALLOW(mremap,          "malloc/realloc")
ALLOW(read,            "vu_dev: eventfds, messages; slirp: sockets, resolv.conf")
ALLOW(write,           "vu_dev: call eventfds; slirp: sockets; diagnostics")
ALLOW(readv,           "libc")
ALLOW(writev,          "libc stdio; slirp: TCP to the host")
ALLOW(close,           "device teardown; slirp: closed connections")

/* --- slirp: the guest's connections as host sockets --- */
ALLOW_ARG(socket, 0, SCMP_CMP_EQ, AF_INET, "slirp: IPv4 connections (TCP, UDP, ICMP echo)")
ALLOW_ARG(socket, 0, SCMP_CMP_EQ, AF_INET6, "slirp: IPv6 connections")
ALLOW(connect,         "slirp: outbound TCP; DNS forwarding")
ALLOW(sendto,          "slirp: UDP, ICMP; netns: DNS proxy")
ALLOW(recvfrom,        "slirp: sockets; netns: DNS proxy")
ALLOW(setsockopt,      "slirp: SO_REUSEADDR, SO_OOBINLINE, TCP_NODELAY, buffer sizes")
ALLOW(getsockopt,      "slirp: SO_ERROR of a pending connect")
ALLOW(getsockname,     "slirp: the source address of a connection")
ALLOW(getpeername,     "slirp")
ALLOW(shutdown,        "slirp: half-closed TCP")
ALLOW_ARG(ioctl, 1, SCMP_CMP_EQ, FIONREAD, "slirp: bytes waiting on a UDP socket")
ALLOW_ARG(fcntl, 1, SCMP_CMP_EQ, F_GETFL, "slirp: non-blocking sockets")
ALLOW_ARG(fcntl, 1, SCMP_CMP_EQ, F_SETFL, "slirp, vu_dev: O_NONBLOCK")
ALLOW_ARG(fcntl, 1, SCMP_CMP_EQ, F_GETFD, "libc")
ALLOW_ARG(fcntl, 1, SCMP_CMP_EQ, F_SETFD, "libc")

/* --- slirp: /etc/resolv.conf (the copy in our empty root) --- */
ALLOW_MASKED(openat, 2, O_ACCMODE | O_CREAT | O_TRUNC, O_RDONLY,
	     "slirp: /etc/resolv.conf, read-only, in an empty root")
ALLOW(newfstatat,      "slirp: resolv.conf changes; libc")
ALLOW(fstat,           "libc stdio")
ALLOW(lseek,           "libc stdio")

/* --- process --- */
ALLOW(getpid,          "libc")
ALLOW(gettid,          "libc abort path")
ALLOW(getrandom,       "glib / libc random numbers")
ALLOW(clock_gettime,   "slirp timers (when the vDSO is not used)")
ALLOW(gettimeofday,    "slirp, glib")
ALLOW(time,            "netns: DNS proxy timeouts")
ALLOW(futex,           "libc, glib locks")
ALLOW(rt_sigreturn,    "signal return")
ALLOW(rt_sigprocmask,  "libc abort path")
ALLOW(rt_sigaction,    "libc abort path")
ALLOW(tgkill,          "libc abort (an assertion ends the process)")
ALLOW(exit_group,      "exit")
ALLOW(exit,            "exit")
