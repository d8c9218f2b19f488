/* Control channel endpoint: framing and bounded queues (see ctl_chan.h). */
#include "ctl_chan.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define IN_CAP (2 * (CTL_HDR_SIZE + CTL_MAX_PAYLOAD))

int ctl_chan_init(struct ctl_chan *ch, int fd)
{
	memset(ch, 0, sizeof(*ch));
	ch->fd = fd;
	ch->in = malloc(IN_CAP);
	return ch->in ? 0 : -1;
}

void ctl_chan_destroy(struct ctl_chan *ch)
{
	free(ch->in);
	free(ch->out);
	ch->in = ch->out = NULL;
}

static int reserve(struct ctl_chan *ch, size_t more)
{
	if (ch->out_off && ch->out_off == ch->out_len)
		ch->out_off = ch->out_len = 0;
	if (ch->out_len + more <= ch->out_cap)
		return 0;
	if (ch->out_off) { /* compact before growing */
		memmove(ch->out, ch->out + ch->out_off, ch->out_len - ch->out_off);
		ch->out_len -= ch->out_off;
		ch->out_off = 0;
		if (ch->out_len + more <= ch->out_cap)
			return 0;
	}
	size_t cap = ch->out_cap ? ch->out_cap : 65536;
	while (cap < ch->out_len + more)
		cap *= 2;
	uint8_t *p = realloc(ch->out, cap);
	if (!p)
		return -1;
	ch->out = p;
	ch->out_cap = cap;
	return 0;
}

int ctl_chan_send(struct ctl_chan *ch, enum ctl_type type, uint32_t proc, uint16_t flags,
		  const void *data, size_t len)
{
	struct ctl_hdr h;

	if (len > CTL_MAX_PAYLOAD) {
		errno = EMSGSIZE;
		return -1;
	}
	if (reserve(ch, CTL_HDR_SIZE + len) < 0)
		return -1;
	ctl_encode_hdr(&h, type, proc, flags, (uint32_t)len);
	memcpy(ch->out + ch->out_len, &h, CTL_HDR_SIZE);
	if (len)
		memcpy(ch->out + ch->out_len + CTL_HDR_SIZE, data, len);
	ch->out_len += CTL_HDR_SIZE + len;
	return 0;
}

int ctl_chan_send_all(struct ctl_chan *ch, enum ctl_type type, uint32_t proc,
		      const void *data, size_t len)
{
	const uint8_t *p = data;

	do {
		size_t n = len > CTL_MAX_PAYLOAD ? CTL_MAX_PAYLOAD : len;
		if (ctl_chan_send(ch, type, proc, 0, p, n) < 0)
			return -1;
		p += n;
		len -= n;
	} while (len);
	return 0;
}

size_t ctl_chan_pending(const struct ctl_chan *ch)
{
	return ch->out_len - ch->out_off;
}

int ctl_chan_flush(struct ctl_chan *ch)
{
	while (ch->out_off < ch->out_len) {
		ssize_t w = write(ch->fd, ch->out + ch->out_off, ch->out_len - ch->out_off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return 0;
			return -1;
		}
		ch->out_off += (size_t)w;
	}
	ch->out_off = ch->out_len = 0;
	return 0;
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int ctl_chan_drain(struct ctl_chan *ch, int timeout_ms)
{
	long deadline = now_ms() + timeout_ms;

	for (;;) {
		if (ctl_chan_flush(ch) < 0)
			return -1;
		if (!ctl_chan_pending(ch))
			return 0;
		long left = deadline - now_ms();
		if (left <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		struct pollfd p = { .fd = ch->fd, .events = POLLOUT };
		if (poll(&p, 1, (int)left) < 0 && errno != EINTR)
			return -1;
	}
}

long ctl_chan_read(struct ctl_chan *ch)
{
	if (ch->in_off) {
		memmove(ch->in, ch->in + ch->in_off, ch->in_len - ch->in_off);
		ch->in_len -= ch->in_off;
		ch->in_off = 0;
	}
	if (ch->in_len >= IN_CAP) {
		errno = ENOBUFS;
		return -1;
	}
	ssize_t r = read(ch->fd, ch->in + ch->in_len, IN_CAP - ch->in_len);
	if (r == 0)
		ch->eof = true;
	if (r > 0)
		ch->in_len += (size_t)r;
	return r;
}

int ctl_chan_next(struct ctl_chan *ch, struct ctl_hdr *hdr, const uint8_t **payload)
{
	if (ch->broken)
		return -1;
	long n = ctl_decode(ch->in + ch->in_off, ch->in_len - ch->in_off, hdr, payload);
	if (n < 0) {
		ch->broken = true;
		return -1;
	}
	if (n == 0)
		return 0;
	ch->in_off += (size_t)n;
	return 1;
}
