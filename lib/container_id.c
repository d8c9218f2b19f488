/* Container id validation (see container_id.h). */
#include "container_id.h"

#include <string.h>

int container_id_validate(const char *id, struct rerr **err)
{
	size_t n;

	if (!id || !*id)
		return rerr_make(err, 0, "invalid container id: the id is empty");
	n = strlen(id);
	if (n > CONTAINER_ID_MAX)
		return rerr_make(err, 0, "invalid container id: longer than %d bytes (%zu)",
				 CONTAINER_ID_MAX, n);
	if (!strcmp(id, ".") || !strcmp(id, ".."))
		return rerr_make(err, 0, "invalid container id `%s`", id);
	for (const char *p = id; *p; p++) {
		char c = *p;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '_' || c == '+' || c == '-' || c == '.')
			continue;
		return rerr_make(err, 0, "invalid container id `%.64s`: character 0x%02x not allowed "
				 "(use letters, digits, '_', '+', '-', '.')", id, (unsigned char)c);
	}
	return 0;
}
