/* 9P2000.L wire format: message numbers, constants and a bounded
 * little-endian reader/writer.  The reader never reads past the message it
 * was given: a short field sets `err` and yields zeros, so a handler decodes
 * every field first and checks p9_rd_ok() once.  The writer never writes past
 * its capacity: an overflow sets `err` (the dispatcher then answers EMSGSIZE).
 * Numbers and layouts: linux-6.1 include/net/9p/9p.h, net/9p/client.c and
 * diod's protocol.md. */
#ifndef RUNUML_P9_MSG_H
#define RUNUML_P9_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum p9_type {
	P9_TLERROR = 6,      P9_RLERROR,
	P9_TSTATFS = 8,      P9_RSTATFS,
	P9_TLOPEN = 12,      P9_RLOPEN,
	P9_TLCREATE = 14,    P9_RLCREATE,
	P9_TSYMLINK = 16,    P9_RSYMLINK,
	P9_TMKNOD = 18,      P9_RMKNOD,
	P9_TRENAME = 20,     P9_RRENAME,
	P9_TREADLINK = 22,   P9_RREADLINK,
	P9_TGETATTR = 24,    P9_RGETATTR,
	P9_TSETATTR = 26,    P9_RSETATTR,
	P9_TXATTRWALK = 30,  P9_RXATTRWALK,
	P9_TXATTRCREATE = 32, P9_RXATTRCREATE,
	P9_TREADDIR = 40,    P9_RREADDIR,
	P9_TFSYNC = 50,      P9_RFSYNC,
	P9_TLOCK = 52,       P9_RLOCK,
	P9_TGETLOCK = 54,    P9_RGETLOCK,
	P9_TLINK = 70,       P9_RLINK,
	P9_TMKDIR = 72,      P9_RMKDIR,
	P9_TRENAMEAT = 74,   P9_RRENAMEAT,
	P9_TUNLINKAT = 76,   P9_RUNLINKAT,
	P9_TVERSION = 100,   P9_RVERSION,
	P9_TAUTH = 102,      P9_RAUTH,
	P9_TATTACH = 104,    P9_RATTACH,
	P9_TFLUSH = 108,     P9_RFLUSH,
	P9_TWALK = 110,      P9_RWALK,
	P9_TREAD = 116,      P9_RREAD,
	P9_TWRITE = 118,     P9_RWRITE,
	P9_TCLUNK = 120,     P9_RCLUNK,
	P9_TREMOVE = 122,    P9_RREMOVE,
};

#define P9_HDR_SIZE   7u            /* size[4] type[1] tag[2] */
#define P9_IOHDR_SIZE 11u           /* Rread/Rreaddir: header + count[4] */
#define P9_QID_SIZE   13u
#define P9_NOTAG      0xffffu
#define P9_NOFID      0xffffffffu
#define P9_NONUNAME   0xffffffffu
#define P9_MAXWELEM   16            /* linux-6.1 P9_MAXWELEM */
#define P9_MSIZE_MIN  4096u         /* smaller msize values are refused */

/* qid.type */
#define P9_QTDIR     0x80
#define P9_QTSYMLINK 0x02
#define P9_QTFILE    0x00

/* Tgetattr request_mask / Rgetattr valid */
#define P9_GETATTR_BASIC 0x000007ffULL

/* Tsetattr valid */
#define P9_ATTR_MODE      0x001u
#define P9_ATTR_UID       0x002u
#define P9_ATTR_GID       0x004u
#define P9_ATTR_SIZE      0x008u
#define P9_ATTR_ATIME     0x010u
#define P9_ATTR_MTIME     0x020u
#define P9_ATTR_CTIME     0x040u
#define P9_ATTR_ATIME_SET 0x080u
#define P9_ATTR_MTIME_SET 0x100u

/* Tlopen/Tlcreate flags (P9_DOTL_*, linux-6.1 include/net/9p/9p.h) */
#define P9_DOTL_ACCMODE   00000003u
#define P9_DOTL_CREATE    00000100u
#define P9_DOTL_EXCL      00000200u
#define P9_DOTL_TRUNC     00001000u
#define P9_DOTL_APPEND    00002000u
#define P9_DOTL_NONBLOCK  00004000u
#define P9_DOTL_DSYNC     00010000u
#define P9_DOTL_DIRECTORY 00200000u
#define P9_DOTL_NOATIME   01000000u
#define P9_DOTL_SYNC      04000000u

#define P9_DOTL_AT_REMOVEDIR 0x200u

/* Tlock/Tgetlock */
#define P9_LOCK_TYPE_RDLCK 0
#define P9_LOCK_TYPE_WRLCK 1
#define P9_LOCK_TYPE_UNLCK 2
#define P9_LOCK_SUCCESS 0
#define P9_LOCK_BLOCKED 1
#define P9_LOCK_ERROR   2

struct p9_qid {
	uint8_t type;
	uint32_t version;
	uint64_t path;
};

/* A string inside the request: not NUL-terminated, `len` bytes at `s`. */
struct p9_str {
	const char *s;
	uint16_t len;
};

struct p9_rd {
	const uint8_t *p;
	size_t len, off;
	bool err;
};

struct p9_wr {
	uint8_t *p;
	size_t cap, off;
	bool err;
};

void p9_rd_init(struct p9_rd *r, const uint8_t *p, size_t len);
uint8_t p9_get8(struct p9_rd *r);
uint16_t p9_get16(struct p9_rd *r);
uint32_t p9_get32(struct p9_rd *r);
uint64_t p9_get64(struct p9_rd *r);
struct p9_str p9_getstr(struct p9_rd *r);
/* `n` raw bytes (Twrite data); NULL (and err) when fewer remain. */
const uint8_t *p9_getbytes(struct p9_rd *r, size_t n);
static inline bool p9_rd_ok(const struct p9_rd *r) { return !r->err; }
static inline size_t p9_rd_left(const struct p9_rd *r) { return r->len - r->off; }

void p9_wr_init(struct p9_wr *w, uint8_t *p, size_t cap);
void p9_put8(struct p9_wr *w, uint8_t v);
void p9_put16(struct p9_wr *w, uint16_t v);
void p9_put32(struct p9_wr *w, uint32_t v);
void p9_put64(struct p9_wr *w, uint64_t v);
void p9_putstr(struct p9_wr *w, const char *s, size_t len);
void p9_putqid(struct p9_wr *w, const struct p9_qid *q);
/* Reserves n bytes to be filled in place (Rread data); NULL on overflow. */
uint8_t *p9_reserve(struct p9_wr *w, size_t n);
static inline size_t p9_wr_left(const struct p9_wr *w) { return w->cap - w->off; }

/* Writes size/type/tag at the start of the buffer for a message of w->off bytes. */
void p9_finish(struct p9_wr *w, uint8_t type, uint16_t tag);

#endif
