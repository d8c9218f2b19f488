/* Port forward specifications: docker's syntax, and every malformed entry
 * refused with a message naming it. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "port_spec.h"
#include "tap.h"

static int parse(const char *s, struct port_fwd *f, size_t *n, char *msg, size_t msz)
{
	struct rerr *err = NULL;
	int r;

	*n = 0;
	r = port_spec_parse(s, f, n, &err);
	msg[0] = '\0';
	if (err) {
		snprintf(msg, msz, "%s", err->msg);
		rerr_free(err);
	}
	return r;
}

int main(void)
{
	static const char *const bad[] = {
		"", "8080", "8080:", ":80", "0:80", "8080:0", "65536:80", "8080:80/sctp", "8080:80/",
		"a:80", "1.2.3:8080:80", "1.2.3.4:8080:80:90", "8080:80x", "-1:80", "+80:80",
		"1.2.3.4::80", "080000:80", "1:2,,3:4", "1:2,",
	};
	struct port_fwd f[PORT_SPEC_MAX];
	char msg[256], ip[32];
	size_t n;

	TAP_PLAN(10 + (int)(sizeof(bad) / sizeof(bad[0])));
	TAP_OK(parse("8080:80", f, &n, msg, sizeof(msg)) == 0 && n == 1 && f[0].host_port == 8080 &&
	       f[0].guest_port == 80 && !f[0].udp && f[0].host_addr.s_addr == htonl(INADDR_ANY),
	       "HOST:GUEST is TCP on every address");
	TAP_OK(parse("127.0.0.1:8080:80/udp", f, &n, msg, sizeof(msg)) == 0 && n == 1 && f[0].udp &&
	       inet_ntop(AF_INET, &f[0].host_addr, ip, sizeof(ip)) && !strcmp(ip, "127.0.0.1"),
	       "IP:HOST:GUEST/udp");
	TAP_OK(parse("1:2/tcp,3:4/udp,127.0.0.1:5:6", f, &n, msg, sizeof(msg)) == 0 && n == 3 &&
	       f[2].host_port == 5, "a comma-separated list");
	TAP_OK(parse("8080:80,8080:81", f, &n, msg, sizeof(msg)) < 0 && strstr(msg, "twice"),
	       "one host port twice is refused");
	TAP_OK(parse("8080:80,8080:81/udp", f, &n, msg, sizeof(msg)) == 0 && n == 2,
	       "the same number for TCP and UDP is fine");
	TAP_OK(parse("127.0.0.1:8080:80,8080:81", f, &n, msg, sizeof(msg)) < 0,
	       "a specific address and every address on one port is refused");
	TAP_OK(parse("127.0.0.1:8080:80,127.0.0.2:8080:81", f, &n, msg, sizeof(msg)) == 0 && n == 2,
	       "two addresses on one port are fine");
	TAP_OK(parse("65535:65535", f, &n, msg, sizeof(msg)) == 0, "the highest port");
	char many[PORT_SPEC_MAX * 12 + 32] = "";
	for (int i = 0; i <= PORT_SPEC_MAX; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many), "%s%d:80", i ? "," : "",
			 1000 + i);
	TAP_OK(parse(many, f, &n, msg, sizeof(msg)) < 0 && strstr(msg, "too many"),
	       "more than PORT_SPEC_MAX forwards are refused");
	TAP_OK(parse("1.2.3.4:1:2,x", f, &n, msg, sizeof(msg)) < 0 && strstr(msg, "`x`"),
	       "the error names the bad entry");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		TAP_OK(parse(bad[i], f, &n, msg, sizeof(msg)) < 0 && strstr(msg, "invalid port forward"),
		       "`%s` is refused", bad[i]);
	return tap_done();
}
