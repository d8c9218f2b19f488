/* Bounded 9P little-endian codec (see p9_msg.h). */
#include <string.h>

#include "p9_msg.h"

void p9_rd_init(struct p9_rd *r, const uint8_t *p, size_t len)
{
	r->p = p;
	r->len = len;
	r->off = 0;
	r->err = false;
}

static const uint8_t *take(struct p9_rd *r, size_t n)
{
	if (r->err || r->len - r->off < n) {
		r->err = true;
		return NULL;
	}
	const uint8_t *q = r->p + r->off;
	r->off += n;
	return q;
}

uint8_t p9_get8(struct p9_rd *r)
{
	const uint8_t *q = take(r, 1);
	return q ? q[0] : 0;
}

uint16_t p9_get16(struct p9_rd *r)
{
	const uint8_t *q = take(r, 2);
	return q ? (uint16_t)(q[0] | q[1] << 8) : 0;
}

uint32_t p9_get32(struct p9_rd *r)
{
	const uint8_t *q = take(r, 4);
	return q ? (uint32_t)q[0] | (uint32_t)q[1] << 8 | (uint32_t)q[2] << 16 | (uint32_t)q[3] << 24
		 : 0;
}

uint64_t p9_get64(struct p9_rd *r)
{
	uint64_t lo = p9_get32(r);
	uint64_t hi = p9_get32(r);
	return lo | hi << 32;
}

struct p9_str p9_getstr(struct p9_rd *r)
{
	struct p9_str s = { "", 0 };
	uint16_t n = p9_get16(r);
	const uint8_t *q = take(r, n);

	if (q) {
		s.s = (const char *)q;
		s.len = n;
	}
	return s;
}

const uint8_t *p9_getbytes(struct p9_rd *r, size_t n)
{
	return take(r, n);
}

void p9_wr_init(struct p9_wr *w, uint8_t *p, size_t cap)
{
	w->p = p;
	w->cap = cap;
	w->off = 0;
	w->err = false;
}

uint8_t *p9_reserve(struct p9_wr *w, size_t n)
{
	if (w->err || w->cap - w->off < n) {
		w->err = true;
		return NULL;
	}
	uint8_t *q = w->p + w->off;
	w->off += n;
	return q;
}

void p9_put8(struct p9_wr *w, uint8_t v)
{
	uint8_t *q = p9_reserve(w, 1);
	if (q)
		q[0] = v;
}

void p9_put16(struct p9_wr *w, uint16_t v)
{
	uint8_t *q = p9_reserve(w, 2);
	if (q) {
		q[0] = (uint8_t)v;
		q[1] = (uint8_t)(v >> 8);
	}
}

void p9_put32(struct p9_wr *w, uint32_t v)
{
	uint8_t *q = p9_reserve(w, 4);
	if (q)
		for (int i = 0; i < 4; i++)
			q[i] = (uint8_t)(v >> (8 * i));
}

void p9_put64(struct p9_wr *w, uint64_t v)
{
	p9_put32(w, (uint32_t)v);
	p9_put32(w, (uint32_t)(v >> 32));
}

void p9_putstr(struct p9_wr *w, const char *s, size_t len)
{
	if (len > UINT16_MAX) {
		w->err = true;
		return;
	}
	p9_put16(w, (uint16_t)len);
	uint8_t *q = p9_reserve(w, len);
	if (q && len)
		memcpy(q, s, len);
}

void p9_putqid(struct p9_wr *w, const struct p9_qid *q)
{
	p9_put8(w, q->type);
	p9_put32(w, q->version);
	p9_put64(w, q->path);
}

void p9_finish(struct p9_wr *w, uint8_t type, uint16_t tag)
{
	uint32_t size = (uint32_t)w->off;

	for (int i = 0; i < 4; i++)
		w->p[i] = (uint8_t)(size >> (8 * i));
	w->p[4] = type;
	w->p[5] = (uint8_t)tag;
	w->p[6] = (uint8_t)(tag >> 8);
}
