/* runuml-9p's seccomp allow-list (style.md R8): everything else kills the
 * process.  Included by proxy_confine.c with ALLOW/ALLOW_ARG/ALLOW_MASKED
 * defined.  No sockets but the accepted vhost-user ones (no socket, connect,
 * bind), no new processes or programs (no clone, fork, execve), no mounts,
 * no ptrace, no open_by_handle_at, no executable memory. */

/* --- transport: vhost-user socket, eventfds, guest memory --- */
ALLOW(accept4,         "proxy_main: the one connection of each device")
ALLOW(recvmsg,         "vu_dev: messages with SCM_RIGHTS (memory, eventfds)")
ALLOW(sendmsg,         "vu_dev: replies")
ALLOW(poll,            "proxy_main: the event loop")
ALLOW(ppoll,           "proxy_main: the event loop (libc poll may use ppoll)")
ALLOW_MASKED(mmap, 2, PROT_EXEC, 0, "vu_mem: guest memory; malloc (never executable)")
ALLOW(munmap,          "vu_mem, malloc")
ALLOW_MASKED(mprotect, 2, PROT_EXEC, 0, "malloc (never executable)")
ALLOW(madvise,         "malloc")
ALLOW(brk,             "malloc")
ALLOW(mremap,          "malloc/realloc")

/* --- reading and writing: guest requests, eventfds, files, the log --- */
ALLOW(read,            "vu_dev: eventfds, messages; p9: file data")
ALLOW(write,           "vu_dev: call eventfds; p9: file data; diagnostics")
ALLOW(readv,           "libc")
ALLOW(writev,          "libc stdio")
ALLOW(pread64,         "p9: Tread")
ALLOW(pwrite64,        "p9: Twrite")
ALLOW(lseek,           "p9: Treaddir offsets")
ALLOW(close,           "fid clunk, device teardown")

/* --- files, always relative to a share's directory descriptor ---
 * Only what the server core makes (docs/hostfs-9p.md "System calls"), with
 * the flags it uses where the argument is a number (flags are ints: only
 * their low 32 bits are compared): nothing follows a symbolic link or
 * creates without O_EXCL (AT_SYMLINK_FOLLOW, fchownat/utimensat by path,
 * renameat2 flags, O_CREAT without O_EXCL, O_TMPFILE are never needed).
 * tests/unit/test_p9_server.c runs every request under this filter. */
ALLOW_MASKED(openat, 2, 0xffffffffu & (O_CREAT | O_EXCL | (O_TMPFILE & ~O_DIRECTORY)), 0,
	     "p9: per-component O_NOFOLLOW opens below a share, never creating")
ALLOW_MASKED(openat, 2, 0xffffffffu & (O_CREAT | O_EXCL | (O_TMPFILE & ~O_DIRECTORY)), O_CREAT | O_EXCL,
	     "p9: Tlcreate, mapped Tmknod (always exclusive)")
ALLOW(openat2,         "p9: RESOLVE_BENEATH|NO_SYMLINKS|NO_XDEV lookups below a share")
ALLOW(newfstatat,      "p9: stat by descriptor (glibc fstat) and by parent + name")
ALLOW(fstat,           "p9, libc")
ALLOW(fstatfs,         "p9: Tstatfs")
ALLOW(getdents64,      "p9: Treaddir")
ALLOW(ftruncate,       "p9: Tsetattr size, Tlopen O_TRUNC")
ALLOW(fsync,           "p9: Tfsync")
ALLOW(fdatasync,       "p9: Tfsync datasync")
ALLOW(fchmod,          "p9: Tsetattr mode of files and directories")
ALLOW_MASKED(fchmodat2, 3, 0xffffffffu, AT_EMPTY_PATH,
	  "p9_owner: chmod of fifos, sockets, devices by descriptor")
ALLOW_MASKED(fchmodat2, 3, 0xffffffffu, AT_SYMLINK_NOFOLLOW,
	  "p9_owner: ... by parent + name where AT_EMPTY_PATH is refused")
ALLOW_MASKED(fchownat, 4, 0xffffffffu, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW,
	  "p9_owner: ownership by descriptor")
ALLOW_MASKED(utimensat, 3, 0xffffffffu, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW,
	  "p9: Tsetattr times by descriptor")
ALLOW(mkdirat,         "p9: Tmkdir")
ALLOW(mknodat,         "p9: Tmknod")
ALLOW(symlinkat,       "p9: Tsymlink")
ALLOW_MASKED(linkat, 4, 0xffffffffu, AT_EMPTY_PATH, "p9: Tlink by descriptor")
ALLOW_MASKED(linkat, 4, 0xffffffffu, 0, "p9: Tlink by parent + name (never following)")
ALLOW(readlinkat,      "p9: Treadlink")
ALLOW(renameat,        "p9: Trename, Trenameat")
ALLOW_MASKED(renameat2, 4, 0xffffffffu, 0, "p9: renameat where glibc issues renameat2")
ALLOW(unlinkat,        "p9: Tunlinkat, Tremove, undoing a failed create")
ALLOW(fgetxattr,       "p9: Txattrwalk, mapped ownership")
ALLOW(fsetxattr,       "p9: Txattrcreate, mapped ownership")
ALLOW(flistxattr,      "p9: Txattrwalk list")
ALLOW(fremovexattr,    "p9: Txattrcreate removal")
ALLOW_ARG(fcntl, 1, SCMP_CMP_EQ, F_GETFD, "libc")
ALLOW_ARG(fcntl, 1, SCMP_CMP_EQ, F_SETFD, "libc")
ALLOW_ARG(fcntl, 1, SCMP_CMP_EQ, F_GETFL, "p9: open flags; vu_dev: kick/call fds")
ALLOW_ARG(fcntl, 1, SCMP_CMP_EQ, F_SETFL, "vu_dev: O_NONBLOCK")
ALLOW_ARG(fcntl, 1, SCMP_CMP_EQ, F_OFD_GETLK, "p9: Tgetlock")
ALLOW_ARG(fcntl, 1, SCMP_CMP_EQ, F_OFD_SETLK, "p9: Tlock")

/* --- process --- */
ALLOW(getpid,          "libc")
ALLOW(gettid,          "libc abort path")
ALLOW(geteuid,         "p9_owner: mapped ownership")
ALLOW(getegid,         "p9_owner: mapped ownership")
ALLOW(getuid,          "libc")
ALLOW(getgid,          "libc")
ALLOW(umask,           "p9: creation modes taken verbatim")
ALLOW(clock_gettime,   "libc (when the vDSO is not used)")
ALLOW(futex,           "libc locks")
ALLOW(rt_sigreturn,    "signal return")
ALLOW(rt_sigprocmask,  "libc abort path")
ALLOW(rt_sigaction,    "libc abort path")
ALLOW(tgkill,          "libc abort (an assertion ends the process)")
ALLOW(exit_group,      "exit")
ALLOW(exit,            "exit")
