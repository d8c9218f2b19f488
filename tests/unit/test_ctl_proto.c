/* Control-channel frames: valid frames decode; short, malformed and
 * oversize input is refused; streams split anywhere reassemble. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ctl_chan.h"
#include "ctl_proto.h"
#include "tap.h"

static size_t frame(uint8_t *buf, enum ctl_type t, uint32_t proc, const char *payload)
{
	struct ctl_hdr h;
	size_t len = payload ? strlen(payload) : 0;

	ctl_encode_hdr(&h, t, proc, 0, (uint32_t)len);
	memcpy(buf, &h, sizeof(h));
	if (len)
		memcpy(buf + sizeof(h), payload, len);
	return sizeof(h) + len;
}

int main(void)
{
	uint8_t buf[256];
	struct ctl_hdr h, *hp = (struct ctl_hdr *)buf;
	const uint8_t *pl;
	size_t n;

	TAP_PLAN(16);
	n = frame(buf, CTL_STDOUT, 3, "hello");
	TAP_OK(ctl_decode(buf, n, &h, &pl) == (long)n, "a whole frame decodes to its size");
	TAP_OK(h.type == CTL_STDOUT && h.proc == 3 && h.len == 5 && !memcmp(pl, "hello", 5),
	       "fields and payload survive");
	TAP_OK(ctl_decode(buf, 3, &h, &pl) == 0, "a partial header asks for more");
	TAP_OK(ctl_decode(buf, n - 1, &h, &pl) == 0, "a partial payload asks for more");
	hp->magic = 0x1234;
	TAP_OK(ctl_decode(buf, n, &h, &pl) == -1, "bad magic is refused");
	n = frame(buf, CTL_STDOUT, 0, "x");
	hp->version = 9;
	TAP_OK(ctl_decode(buf, n, &h, &pl) == -1, "unknown version is refused");
	n = frame(buf, CTL_STDOUT, 0, "x");
	hp->type = 0;
	TAP_OK(ctl_decode(buf, n, &h, &pl) == -1, "type 0 is refused");
	hp->type = CTL_TYPE_MAX;
	TAP_OK(ctl_decode(buf, n, &h, &pl) == -1, "type beyond the last is refused");
	n = frame(buf, CTL_STDOUT, 0, "x");
	hp->len = CTL_MAX_PAYLOAD + 1;
	TAP_OK(ctl_decode(buf, n, &h, &pl) == -1, "a length above the maximum is refused at once");
	n = frame(buf, CTL_STDOUT, 0, "x");
	hp->reserved = 1;
	TAP_OK(ctl_decode(buf, n, &h, &pl) == -1, "non-zero reserved bits are refused");

	/* a stream through a socketpair, written one byte at a time */
	int sv[2];
	struct ctl_chan rx, tx;
	TAP_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");
	ctl_chan_init(&tx, sv[0]);
	ctl_chan_init(&rx, sv[1]);
	char big[CTL_MAX_PAYLOAD + 10];
	memset(big, 'b', sizeof(big));
	ctl_chan_send(&tx, CTL_STDIN, 1, 0, "abc", 3);
	ctl_chan_send_all(&tx, CTL_STDOUT, 2, big, sizeof(big));
	ctl_chan_send(&tx, CTL_EXIT, 0, 0, NULL, 0);
	size_t total = ctl_chan_pending(&tx);
	int frames = 0, stdout_bytes = 0, last = 0, r;
	for (size_t i = 0; i < total; i++) { /* one byte written, then read */
		uint8_t byte = tx.out[tx.out_off + i];
		if (write(sv[0], &byte, 1) != 1 || ctl_chan_read(&rx) <= 0)
			break;
		while ((r = ctl_chan_next(&rx, &h, &pl)) == 1) {
			frames++;
			if (h.type == CTL_STDOUT)
				stdout_bytes += (int)h.len;
			last = h.type;
		}
	}
	close(sv[0]);
	ctl_chan_read(&rx);
	while ((r = ctl_chan_next(&rx, &h, &pl)) == 1) {
		frames++;
		if (h.type == CTL_STDOUT)
			stdout_bytes += (int)h.len;
		last = h.type;
	}
	TAP_OK(frames == 4, "byte-at-a-time stream gives 4 frames (got %d)", frames);
	TAP_OK(stdout_bytes == (int)sizeof(big), "a payload above the frame size is split and whole");
	TAP_OK(last == CTL_EXIT, "frames keep their order");
	TAP_OK(rx.eof, "EOF is noticed");
	TAP_OK(ctl_chan_send(&tx, CTL_STDOUT, 0, 0, big, CTL_MAX_PAYLOAD + 1) < 0,
	       "a frame above the maximum cannot be queued");
	ctl_chan_destroy(&tx);
	ctl_chan_destroy(&rx);
	close(sv[1]);
	return tap_done();
}
