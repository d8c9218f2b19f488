/* libFuzzer harness for the 9P2000.L server core.
 *
 * Input: one byte of share flags (readonly, nosuid, nodev, single-file,
 * mapped), then records [mode:1][len:2 LE][len bytes]: each record is one
 * request (mode bit 0: the harness writes the true size into its size
 * field, so the fuzzer reaches the handlers more often).  Every input runs
 * against a fresh small tree (a file, a directory, symlinks pointing out of
 * it, a fifo) after Tversion + Tattach(fid 0), beside a marker file outside
 * the tree.  Oracles besides ASan/UBSan: each response is well framed and
 * within the buffer; nothing appears next to the tree and the marker is
 * intact (no escape); the server leaks no descriptor.  Files are bounded by
 * RLIMIT_FSIZE (1 MiB) and the tree is removed after each input, so the
 * fuzzer can't fill the disk. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../hostfs-proxy/p9_msg.h"
#include "../../hostfs-proxy/p9_server.h"
#include "fsutil.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CAP (P9_MSIZE_MAX + 4096)
static char top[4096];
static int top_fd = -1;
static uint8_t req[CAP], resp[CAP];

static void cleanup(void)
{
	if (top[0])
		remove_tree_at(AT_FDCWD, top);
}

static void die(const char *why)
{
	fprintf(stderr, "fuzz_p9: %s\n", why);
	abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");
	struct rlimit fsz = { 1 << 20, 1 << 20 };

	(void)argc;
	(void)argv;
	snprintf(top, sizeof(top), "%s/fuzz_p9.XXXXXX", tmp ? tmp : "/tmp");
	if (!mkdtemp(top))
		die("mkdtemp");
	top_fd = open(top, O_PATH | O_DIRECTORY | O_CLOEXEC);
	int fd = openat(top_fd, "marker", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (top_fd < 0 || fd < 0 || write(fd, "SECRET", 6) != 6)
		die("setup");
	close(fd);
	atexit(cleanup);
	setrlimit(RLIMIT_FSIZE, &fsz);
	return 0;
}

static void make_tree(void)
{
	remove_tree_at(top_fd, "tree");
	if (mkdirat(top_fd, "tree", 0755) < 0)
		die("mkdir tree");
	int t = openat(top_fd, "tree", O_PATH | O_DIRECTORY);
	int fd = openat(t, "a", O_WRONLY | O_CREAT, 0644);
	if (t < 0 || fd < 0 || write(fd, "hello world\n", 12) != 12)
		die("tree");
	close(fd);
	if (mkdirat(t, "d", 0755) < 0 || close(openat(t, "d/b", O_WRONLY | O_CREAT, 0600)) < 0 ||
	    symlinkat("../marker", t, "up") < 0 || symlinkat("/etc/passwd", t, "abs") < 0 ||
	    symlinkat("../../..", t, "d/far") < 0 || mkfifoat(t, "fifo", 0644) < 0)
		die("tree entries");
	close(t);
}

/* the only entries of top are "marker" and "tree", and the marker is intact */
static void check_confined(void)
{
	char buf[16];
	int n = 0;
	int fd = openat(top_fd, "marker", O_RDONLY);
	if (fd < 0 || read(fd, buf, sizeof(buf)) != 6 || memcmp(buf, "SECRET", 6))
		die("the marker outside the share changed");
	close(fd);
	fd = openat(top_fd, ".", O_RDONLY | O_DIRECTORY);
	DIR *d = fdopendir(fd);
	for (struct dirent *e; d && (e = readdir(d));) {
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && strcmp(e->d_name, "marker") &&
		    strcmp(e->d_name, "tree"))
			die("a file appeared outside the share");
		n++;
	}
	if (d)
		closedir(d);
	if (n != 4)
		die("the share's parent lost an entry");
}

static void serve_one(struct p9_server *s, const uint8_t *m, size_t len)
{
	size_t n = p9_server_handle(s, m, len, resp, sizeof(resp));

	if (n == 0)
		return;
	if (n < P9_HDR_SIZE || n > sizeof(resp) || n > P9_MSIZE_MAX)
		die("response size out of bounds");
	uint32_t sz = (uint32_t)resp[0] | (uint32_t)resp[1] << 8 | (uint32_t)resp[2] << 16 |
		      (uint32_t)resp[3] << 24;
	if (sz != n || (n > p9_server_msize(s) && m[4] != P9_TVERSION))
		die("response framing");
	if (resp[5] != m[5] || resp[6] != m[6])
		die("response tag");
	if (getenv("FUZZ_P9_DEBUG"))
		fprintf(stderr, "T%u -> R%u%s%u\n", m[4], resp[4], resp[4] == P9_RLERROR ? " errno " : "",
			resp[4] == P9_RLERROR ? resp[7] : 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rerr *err = NULL;
	struct p9_wr w;

	/* libFuzzer installs its SIGXFSZ handler after LLVMFuzzerInitialize:
	 * a write beyond RLIMIT_FSIZE must be EFBIG for the server, not fatal */
	signal(SIGXFSZ, SIG_IGN);
	if (size < 1)
		return 0;
	int before = dup(top_fd);
	close(before);
	make_tree();
	uint8_t fl = data[0];
	struct p9_share sh = {
		.root_fd = openat(top_fd, "tree", O_PATH | O_DIRECTORY | O_CLOEXEC),
		.readonly = fl & 1, .nosuid = fl & 2, .nodev = fl & 4,
		.only_name = (fl & 8) ? "a" : NULL,
		.owner = (fl & 16) ? P9_OWNER_MAPPED : P9_OWNER_PASSTHROUGH,
	};
	struct p9_server *s = p9_server_new(&sh, &err);
	if (!s)
		die("p9_server_new");

	p9_wr_init(&w, req, sizeof(req));
	w.off = P9_HDR_SIZE;
	p9_put32(&w, (fl & 32) ? 8192 : P9_MSIZE_MAX);
	p9_putstr(&w, "9P2000.L", 8);
	p9_finish(&w, P9_TVERSION, 0xffff);
	serve_one(s, req, w.off);
	p9_wr_init(&w, req, sizeof(req));
	w.off = P9_HDR_SIZE;
	p9_put32(&w, 0);
	p9_put32(&w, P9_NOFID);
	p9_putstr(&w, "", 0);
	p9_putstr(&w, "", 0);
	p9_put32(&w, 0);
	p9_finish(&w, P9_TATTACH, 1);
	serve_one(s, req, w.off);

	for (size_t off = 1; off + 3 <= size;) {
		uint8_t mode = data[off];
		size_t len = (size_t)data[off + 1] | (size_t)data[off + 2] << 8;
		off += 3;
		if (len > size - off)
			len = size - off;
		memcpy(req, data + off, len);
		off += len;
		if ((mode & 1) && len >= 4) {
			req[0] = (uint8_t)len;
			req[1] = (uint8_t)(len >> 8);
			req[2] = req[3] = 0;
		}
		serve_one(s, req, len);
	}
	p9_server_free(s);
	check_confined();
	int after = dup(top_fd);
	close(after);
	if (after != before)
		die("descriptor leak");
	return 0;
}
