/* LinuxResources -> struct ctl_resources (see oci_resources.h). */
#include "oci_resources.h"

#include <ctype.h>
#include <errno.h>
#include <json-c/json.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "oci_spec.h"

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	if (!o || !json_object_is_type(o, json_type_object))
		return NULL;
	if (!json_object_object_get_ex(o, key, &v) || json_object_is_type(v, json_type_null))
		return NULL;
	return v;
}

static int get_obj(struct json_object *o, const char *key, struct json_object **out,
		   struct rerr **err)
{
	*out = get(o, key);
	if (*out && !json_object_is_type(*out, json_type_object))
		return rerr_make(err, 0, "invalid resources: `%s` must be an object", key);
	return 0;
}

static int get_int(struct json_object *o, const char *key, const char *field, int64_t *out,
		   struct rerr **err)
{
	struct json_object *v = get(o, key);

	if (!v)
		return 0;
	if (!json_object_is_type(v, json_type_int))
		return rerr_make(err, 0, "invalid resources: `%s` must be an integer", field);
	errno = 0;
	*out = json_object_get_int64(v);
	if (errno == ERANGE)
		return rerr_make(err, 0, "invalid resources: `%s` is out of range", field);
	return 0;
}

/* A limit: > 0 is a value, -1 unlimited, 0 unchanged; anything else is an
 * error, as runc's cgroup code would refuse it. */
static int want_limit(int64_t v, const char *field, struct rerr **err)
{
	if (v < CTL_RES_UNLIMITED)
		return rerr_make(err, 0, "invalid resources: `%s` must be positive or -1 (unlimited)",
				 field);
	return 0;
}

int64_t cpu_shares_to_weight(uint64_t shares)
{
	if (shares == 0)
		return 0;
	if (shares < 2)
		shares = 2;
	if (shares > 262144)
		shares = 262144;
	return (int64_t)(1 + ((shares - 2) * 9999) / 262142);
}

int oci_resources_parse(const char *json, size_t len, struct ctl_resources *out,
			struct rerr **err)
{
	struct json_object *top, *mem, *pids, *cpu;
	struct rerr *perr = NULL;
	int64_t v = 0;
	int r = -1;

	memset(out, 0, sizeof(*out));
	top = oci_json_parse(json, len, &perr);
	if (!top) {
		const char *why = perr->msg;
		if (!strncmp(why, "invalid config.json: ", 21))
			why += 21;
		rerr_make(err, 0, "invalid resources: %s", why);
		rerr_free(perr);
		return -1;
	}
	if (!json_object_is_type(top, json_type_object)) {
		rerr_make(err, 0, "invalid resources: not a JSON object");
		goto out;
	}
	if (get_obj(top, "memory", &mem, err) < 0 || get_obj(top, "pids", &pids, err) < 0 ||
	    get_obj(top, "cpu", &cpu, err) < 0)
		goto out;
	if (get_int(mem, "limit", "memory.limit", &out->memory_limit, err) < 0 ||
	    want_limit(out->memory_limit, "memory.limit", err) < 0 ||
	    get_int(mem, "reservation", "memory.reservation", &out->memory_low, err) < 0 ||
	    want_limit(out->memory_low, "memory.reservation", err) < 0)
		goto out;
	/* memory.swap: the guest has no swap; memory.kernel*: gone from cgroup v2 */
	if (get_int(mem, "swap", "memory.swap", &v, err) < 0 || want_limit(v, "memory.swap", err) < 0)
		goto out;
	if (get_int(pids, "limit", "pids.limit", &out->pids_limit, err) < 0 ||
	    want_limit(out->pids_limit, "pids.limit", err) < 0)
		goto out;
	v = 0;
	if (get_int(cpu, "shares", "cpu.shares", &v, err) < 0)
		goto out;
	if (v < 0) {
		rerr_make(err, 0, "invalid resources: `cpu.shares` must not be negative");
		goto out;
	}
	out->cpu_weight = cpu_shares_to_weight((uint64_t)v);
	if (get_int(cpu, "quota", "cpu.quota", &out->cpu_quota, err) < 0 ||
	    want_limit(out->cpu_quota, "cpu.quota", err) < 0 ||
	    get_int(cpu, "period", "cpu.period", &out->cpu_period, err) < 0)
		goto out;
	if (out->cpu_period < 0) {
		rerr_make(err, 0, "invalid resources: `cpu.period` must not be negative");
		goto out;
	}
	r = 0;
out:
	json_object_put(top);
	return r;
}

int parse_mem_size(const char *s, const char *flag, int64_t *out, struct rerr **err)
{
	char *end = NULL;
	double num;
	double mult = 1;

	if (!strcmp(s, "-1")) {
		*out = CTL_RES_UNLIMITED;
		return 0;
	}
	errno = 0;
	num = strtod(s, &end);
	if (end == s || errno || !isfinite(num) || num < 0 || !isdigit((unsigned char)s[0]))
		goto bad;
	if (*end) {
		switch (tolower((unsigned char)*end)) {
		case 'b': mult = 1; break;
		case 'k': mult = 1024.0; break;
		case 'm': mult = 1024.0 * 1024; break;
		case 'g': mult = 1024.0 * 1024 * 1024; break;
		case 't': mult = 1024.0 * 1024 * 1024 * 1024; break;
		case 'p': mult = 1024.0 * 1024 * 1024 * 1024 * 1024; break;
		default: goto bad;
		}
		end++;
		if (mult > 1 && (*end == 'b' || *end == 'B'))
			end++;
		if (mult > 1 && (*end == 'i' || *end == 'I') && (end[1] == 'b' || end[1] == 'B'))
			end += 2;
		if (*end)
			goto bad;
	}
	num *= mult;
	if (num >= 9.2e18)
		goto bad;
	*out = (int64_t)num;
	return 0;
bad:
	return rerr_make(err, 0, "invalid value `%s` for %s: expected a size such as 256m or 1g",
			 s, flag);
}
