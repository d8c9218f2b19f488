/* Parser of port forward specifications (see port_spec.h). */
#include "port_spec.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse_port(const char *s, uint16_t *out)
{
	char *end;
	unsigned long v;

	if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 5)
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v == 0 || v > 65535)
		return -1;
	*out = (uint16_t)v;
	return 0;
}

static int parse_one(char *spec, struct port_fwd *f)
{
	char *proto = strchr(spec, '/'), *field[3];
	size_t nf = 0;

	memset(f, 0, sizeof(*f));
	f->host_addr.s_addr = htonl(INADDR_ANY);
	if (proto) {
		*proto++ = '\0';
		if (!strcmp(proto, "udp"))
			f->udp = true;
		else if (strcmp(proto, "tcp"))
			return -1;
	}
	for (char *p = spec, *c; nf < 3; p = c + 1) {
		field[nf++] = p;
		c = strchr(p, ':');
		if (!c)
			break;
		*c = '\0';
		if (nf == 3)
			return -1; /* a fourth field */
	}
	if (nf == 3) {
		if (inet_pton(AF_INET, field[0], &f->host_addr) != 1)
			return -1;
		field[0] = field[1];
		field[1] = field[2];
	} else if (nf != 2) {
		return -1;
	}
	if (parse_port(field[0], &f->host_port) < 0 || parse_port(field[1], &f->guest_port) < 0)
		return -1;
	return 0;
}

int port_spec_parse(const char *list, struct port_fwd *fwd, size_t *n, struct rerr **err)
{
	char *copy = strdup(list), *rest = copy, *s;

	if (!copy)
		return rerr_make(err, ENOMEM, "parsing port forwards");
	/* strsep, not strtok: an empty entry is an error, not nothing */
	while ((s = strsep(&rest, ","))) {
		char shown[64];
		snprintf(shown, sizeof(shown), "%s", s);
		if (*n >= PORT_SPEC_MAX) {
			free(copy);
			return rerr_make(err, 0, "too many port forwards (at most %d)", PORT_SPEC_MAX);
		}
		if (parse_one(s, &fwd[*n]) < 0) {
			free(copy);
			return rerr_make(err, 0, "invalid port forward `%s` (expected "
					 "[HOST_IP:]HOST_PORT:GUEST_PORT[/tcp|/udp])", shown);
		}
		for (size_t i = 0; i < *n; i++)
			if (fwd[i].udp == fwd[*n].udp && fwd[i].host_port == fwd[*n].host_port &&
			    (fwd[i].host_addr.s_addr == fwd[*n].host_addr.s_addr ||
			     !fwd[i].host_addr.s_addr || !fwd[*n].host_addr.s_addr)) {
				free(copy);
				return rerr_make(err, 0, "port forward `%s` publishes host port %u twice",
						 shown, fwd[*n].host_port);
			}
		(*n)++;
	}
	free(copy);
	return 0;
}
