/* A non-blocking endpoint of the control channel: an input buffer that
 * yields whole frames and a bounded output queue.  Used by the monitor (host)
 * and by init (guest) so both sides apply the same framing and backpressure:
 * callers stop producing while ctl_chan_pending() is above CTL_CHAN_HIGH. */
#ifndef RUNUML_CTL_CHAN_H
#define RUNUML_CTL_CHAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctl_proto.h"

#define CTL_CHAN_HIGH (256u << 10) /* stop reading producers above this */

struct ctl_chan {
	int fd;
	uint8_t *in;         /* 2 frames worth of input */
	size_t in_len, in_off;
	uint8_t *out;        /* output queue */
	size_t out_len, out_off, out_cap;
	bool eof;            /* peer closed */
	bool broken;         /* a malformed frame arrived */
};

int ctl_chan_init(struct ctl_chan *ch, int fd);
void ctl_chan_destroy(struct ctl_chan *ch);

/* Queues one frame (len <= CTL_MAX_PAYLOAD). Returns -1 on ENOMEM. */
int ctl_chan_send(struct ctl_chan *ch, enum ctl_type type, uint32_t proc, uint16_t flags,
		  const void *data, size_t len);
/* Queues data as as many frames as needed. */
int ctl_chan_send_all(struct ctl_chan *ch, enum ctl_type type, uint32_t proc,
		      const void *data, size_t len);
size_t ctl_chan_pending(const struct ctl_chan *ch);
/* Writes queued bytes until EAGAIN.  Returns -1 on a write error. */
int ctl_chan_flush(struct ctl_chan *ch);
/* Blocks (poll) until the queue is empty or timeout_ms passes. */
int ctl_chan_drain(struct ctl_chan *ch, int timeout_ms);
/* Reads what is available.  Returns bytes read, 0 at EOF, -1 on error
 * (EAGAIN included: check errno). */
long ctl_chan_read(struct ctl_chan *ch);
/* Returns 1 and the next frame (payload valid until the next call), 0 when
 * no whole frame is buffered, -1 when the input is malformed. */
int ctl_chan_next(struct ctl_chan *ch, struct ctl_hdr *hdr, const uint8_t **payload);

#endif
