/* Control channel frame codec (see ctl_proto.h). */
#include "ctl_proto.h"

#include <string.h>

long ctl_decode(const uint8_t *buf, size_t len, struct ctl_hdr *hdr, const uint8_t **payload)
{
	struct ctl_hdr h;

	if (len < CTL_HDR_SIZE)
		return 0;
	memcpy(&h, buf, sizeof(h));
	if (h.magic != CTL_MAGIC || h.version != CTL_VERSION)
		return -1;
	if (h.type == 0 || h.type >= CTL_TYPE_MAX || h.reserved != 0)
		return -1;
	if (h.len > CTL_MAX_PAYLOAD)
		return -1;
	if (len - CTL_HDR_SIZE < h.len)
		return 0;
	*hdr = h;
	*payload = buf + CTL_HDR_SIZE;
	return (long)(CTL_HDR_SIZE + h.len);
}

void ctl_encode_hdr(struct ctl_hdr *out, enum ctl_type type, uint32_t proc, uint16_t flags,
		    uint32_t len)
{
	memset(out, 0, sizeof(*out));
	out->magic = CTL_MAGIC;
	out->version = CTL_VERSION;
	out->type = (uint8_t)type;
	out->flags = flags;
	out->proc = proc;
	out->len = len;
}

const char *ctl_type_name(unsigned type)
{
	static const char *const names[CTL_TYPE_MAX] = {
		[CTL_HELLO] = "HELLO", [CTL_SPEC] = "SPEC", [CTL_SPEC_END] = "SPEC_END",
		[CTL_READY] = "READY", [CTL_START] = "START", [CTL_STDIN] = "STDIN",
		[CTL_STDOUT] = "STDOUT", [CTL_STDERR] = "STDERR", [CTL_EXIT] = "EXIT",
		[CTL_SIGNAL] = "SIGNAL", [CTL_RESIZE] = "RESIZE", [CTL_ERROR] = "ERROR",
		[CTL_LOG] = "LOG", [CTL_EXEC] = "EXEC", [CTL_STARTED] = "STARTED",
		[CTL_M_START] = "M_START", [CTL_M_EXEC] = "M_EXEC", [CTL_M_PAUSE] = "M_PAUSE",
		[CTL_M_RESUME] = "M_RESUME", [CTL_M_PS] = "M_PS", [CTL_M_OK] = "M_OK", [CTL_NET] = "NET",
		[CTL_UPDATE] = "UPDATE", [CTL_STATS] = "STATS", [CTL_RESULT] = "RESULT",
		[CTL_M_UPDATE] = "M_UPDATE", [CTL_M_STATS] = "M_STATS",
	};
	return type < CTL_TYPE_MAX && names[type] ? names[type] : "UNKNOWN";
}
