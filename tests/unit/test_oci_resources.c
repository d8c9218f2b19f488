/* runc update's inputs: LinuxResources JSON and --memory sizes, the values
 * applied and every kind of bad input refused with one line. */
#include <stdlib.h>
#include <string.h>

#include "oci_resources.h"
#include "tap.h"

static int parse(const char *json, struct ctl_resources *r, struct rerr **err)
{
	return oci_resources_parse(json, strlen(json), r, err);
}

int main(void)
{
	struct ctl_resources r;
	struct rerr *err = NULL;
	int64_t v = 0;

	TAP_PLAN(22);
	TAP_OK(parse("{\"memory\":{\"limit\":67108864,\"swap\":134217728,\"reservation\":1048576},"
		     "\"cpu\":{\"shares\":1024,\"quota\":0,\"period\":0,\"cpus\":\"\",\"mems\":\"\"},"
		     "\"pids\":{\"limit\":7},\"blockIO\":{}}", &r, &err) == 0, "docker's update JSON parses");
	TAP_OK(r.memory_limit == 67108864 && r.memory_low == 1048576, "memory limit and reservation");
	TAP_OK(r.pids_limit == 7, "pids limit");
	TAP_OK(r.cpu_weight == 39, "cpu shares 1024 -> weight 39 (runc's conversion), got %lld",
	       (long long)r.cpu_weight);
	TAP_OK(r.cpu_quota == 0 && r.cpu_period == 0, "zero cpu quota/period: unchanged");
	TAP_OK(parse("{}", &r, &err) == 0 && r.memory_limit == 0 && r.pids_limit == 0,
	       "an empty object changes nothing");
	TAP_OK(parse("{\"memory\":{\"limit\":-1},\"pids\":null}", &r, &err) == 0 &&
	       r.memory_limit == CTL_RES_UNLIMITED && r.pids_limit == 0, "-1 is unlimited, null is absent");

	static const char *const bad[] = {
		"{\"memory\":{\"limit\":\"lots\"}}", "{\"memory\":", "[1]", "{\"pids\":{\"limit\":-7}}",
		"{\"memory\":5}", "{\"cpu\":{\"shares\":-1}}", "{} trailing",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err = NULL;
		int rc = parse(bad[i], &r, &err);
		TAP_OK(rc < 0 && err && !strncmp(err->msg, "invalid resources: ", 19) &&
		       !strchr(err->msg, '\n'), "refused: %s (%s)", bad[i], err ? err->msg : "accepted");
		rerr_free(err);
	}
	err = NULL;
	TAP_OK(parse_mem_size("256m", "--memory", &v, &err) == 0 && v == 256LL << 20, "256m");
	TAP_OK(parse_mem_size("1.5G", "--memory", &v, &err) == 0 && v == 3LL << 29, "1.5G");
	TAP_OK(parse_mem_size("4096", "--memory", &v, &err) == 0 && v == 4096, "plain bytes");
	TAP_OK(parse_mem_size("2gib", "--memory", &v, &err) == 0 && v == 2LL << 30, "2gib");
	TAP_OK(parse_mem_size("-1", "--memory", &v, &err) == 0 && v == CTL_RES_UNLIMITED, "-1");
	TAP_OK(parse_mem_size("lots", "--memory", &v, &err) < 0 && strstr(err->msg, "--memory"),
	       "a bad size names the flag");
	rerr_free(err);
	err = NULL;
	TAP_OK(parse_mem_size("5q", "--memory", &v, &err) < 0, "an unknown unit is refused");
	rerr_free(err);
	err = NULL;
	TAP_OK(parse_mem_size("-5m", "--memory", &v, &err) < 0, "a negative size is refused");
	rerr_free(err);
	return tap_done();
}
