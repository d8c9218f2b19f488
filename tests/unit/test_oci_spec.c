/* config.json parsing: what is applied, and each kind of bad input refused
 * with an error naming the field. */
#include <stdlib.h>
#include <string.h>

#include "container_id.h"
#include "oci_names.h"
#include "oci_spec.h"
#include "tap.h"

static const char good[] =
	"{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\",\"readonly\":true},"
	"\"hostname\":\"h\",\"process\":{\"terminal\":true,\"args\":[\"sh\",\"-c\",\"x\"],"
	"\"env\":[\"A=1\"],\"cwd\":\"/tmp\",\"user\":{\"uid\":1000,\"gid\":1001,"
	"\"additionalGids\":[5,6],\"umask\":18},\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\","
	"\"soft\":10,\"hard\":20}],\"capabilities\":{\"bounding\":[\"CAP_KILL\",\"CAP_NOPE\"]},"
	"\"noNewPrivileges\":true},\"mounts\":[{\"destination\":\"/data\",\"type\":\"bind\","
	"\"source\":\"/srv\",\"options\":[\"rbind\",\"ro\"]}],\"linux\":{\"namespaces\":"
	"[{\"type\":\"pid\"},{\"type\":\"network\",\"path\":\"/run/netns/x\"}],"
	"\"resources\":{\"memory\":{\"limit\":268435456}}},"
	"\"annotations\":{\"k\":\"v\"}}";

static int refused(const char *json, const char *needle)
{
	struct rerr *err = NULL;
	struct oci_spec *s = oci_spec_parse(json, strlen(json), true, &err);
	int ok = !s && err && strstr(err->msg, needle);
	if (!ok)
		printf("#   message: %s\n", err ? err->msg : "(none)");
	oci_spec_free(s);
	rerr_free(err);
	return ok;
}

int main(void)
{
	struct rerr *err = NULL;
	struct oci_spec *s;

	TAP_PLAN(30);
	s = oci_spec_parse(good, strlen(good), true, &err);
	TAP_OK(s != NULL, "a full config parses (%s)", err ? err->msg : "ok");
	if (!s)
		return tap_done();
	TAP_OK(!strcmp(s->root_path, "rootfs") && s->root_readonly, "root");
	TAP_OK(s->process.terminal && !strcmp(s->process.args[2], "x") && !s->process.args[3], "args");
	TAP_OK(s->process.uid == 1000 && s->process.gid == 1001 && s->process.n_additional_gids == 2 &&
	       s->process.umask == 18, "user");
	TAP_OK(s->process.n_rlimits == 1 && s->process.rlimits[0].hard == 20, "rlimits");
	TAP_OK(s->process.has_caps && s->process.caps.bounding == (1ULL << 5),
	       "known capabilities kept, unknown ones skipped");
	TAP_OK(s->n_mounts == 1 && s->mounts[0].bind && s->mounts[0].ro, "bind mount, ro");
	TAP_OK(s->ns[OCI_NS_PID] && !s->ns_path[OCI_NS_PID] &&
	       !strcmp(s->ns_path[OCI_NS_NETWORK], "/run/netns/x"), "namespaces and paths");
	TAP_OK(s->memory_limit == 268435456, "memory limit");
	TAP_OK(!strcmp(oci_spec_annotation(s, "k"), "v"), "annotations");
	oci_spec_free(s);

	TAP_OK(refused("{", "unexpected end"), "truncated JSON");
	TAP_OK(refused("{} x", "trailing"), "trailing garbage");
	TAP_OK(refused("{\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"a\"]}}", "ociVersion"),
	       "missing ociVersion");
	TAP_OK(refused("{\"ociVersion\":\"1\",\"root\":{\"path\":\"r\"},\"process\":{\"args\":[]}}",
		       "args must not be empty"), "empty args");
	TAP_OK(refused("{\"ociVersion\":\"1\",\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"a\"],"
		       "\"user\":{\"uid\":-1}}}", "uid"), "negative uid");
	TAP_OK(refused("{\"ociVersion\":\"1\",\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"a\"],"
		       "\"cwd\":\"rel\"}}", "cwd"), "relative cwd");
	TAP_OK(refused("{\"ociVersion\":\"1\",\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"a\"]},"
		       "\"mounts\":[{\"destination\":\"/a/../b\"}]}", ".."), "mount destination with ..");
	TAP_OK(refused("{\"ociVersion\":\"1\",\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"a\"],"
		       "\"rlimits\":[{\"type\":\"RLIMIT_BOGUS\",\"soft\":1,\"hard\":1}]}}", "RLIMIT_BOGUS"),
	       "unknown rlimit");
	char *deep = malloc(20000);
	strcpy(deep, "{\"ociVersion\":\"1\",\"x\":");
	for (int i = 0; i < 5000; i++)
		strcat(deep, "[");
	TAP_OK(refused(deep, "config.json"), "deep nesting is refused, not a stack overflow");
	free(deep);

#define SC_PRE "{\"ociVersion\":\"1\",\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"a\"]}," \
	       "\"linux\":{\"seccomp\":"
	static const char sc_good[] = SC_PRE
		"{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38,"
		"\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\"],"
		"\"flags\":[\"SECCOMP_FILTER_FLAG_TSYNC\",\"SECCOMP_FILTER_FLAG_LOG\"],"
		"\"syscalls\":[{\"names\":[\"read\",\"write\"],\"action\":\"SCMP_ACT_ALLOW\"},"
		"{\"names\":[\"kill\"],\"action\":\"SCMP_ACT_KILL_PROCESS\",\"args\":[{\"index\":1,"
		"\"value\":18446744073709551615,\"valueTwo\":3,\"op\":\"SCMP_CMP_MASKED_EQ\"}]}]}}}";
	s = oci_spec_parse(sc_good, strlen(sc_good), true, &err);
	TAP_OK(s && s->seccomp && s->seccomp->default_action == OCI_SCMP_ERRNO &&
	       s->seccomp->has_default_errno_ret && s->seccomp->default_errno_ret == 38 &&
	       s->seccomp->flags == (OCI_SCMP_FLAG_TSYNC | OCI_SCMP_FLAG_LOG) &&
	       s->seccomp->n_syscalls == 2 && !strcmp(s->seccomp->syscalls[0].names[1], "write") &&
	       s->seccomp->syscalls[1].action == OCI_SCMP_KILL_PROCESS &&
	       s->seccomp->syscalls[1].n_args == 1 && s->seccomp->syscalls[1].args[0].index == 1 &&
	       s->seccomp->syscalls[1].args[0].value == UINT64_MAX &&
	       s->seccomp->syscalls[1].args[0].value_two == 3 &&
	       s->seccomp->syscalls[1].args[0].op == OCI_SCMP_MASKED_EQ, "linux.seccomp (%s)",
	       err ? err->msg : "ok");
	oci_spec_free(s);
	TAP_OK(refused(SC_PRE "{\"defaultAction\":\"SCMP_ACT_NOPE\"}}}", "SCMP_ACT_NOPE"),
	       "seccomp: unknown action");
	TAP_OK(refused(SC_PRE "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":"
		       "[\"a\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}}}", "listenerPath"),
	       "seccomp: NOTIFY without a listener");
	TAP_OK(refused(SC_PRE "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[\"X\"]}}}",
		       "flag `X`"), "seccomp: unknown flag");
	TAP_OK(refused(SC_PRE "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":"
		       "[\"a\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":0,\"op\":\"LT\"}]}]}}}",
		       "operator `LT`"), "seccomp: unknown operator");
	TAP_OK(refused(SC_PRE "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":"
		       "[\"a\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":6,"
		       "\"op\":\"SCMP_CMP_EQ\"}]}]}}}", "out of range"), "seccomp: arg index over 5");

	TAP_OK(container_id_validate("abc-1.2_3+x", NULL) == 0, "valid id");
	TAP_OK(container_id_validate("../x", NULL) < 0 && container_id_validate("", NULL) < 0 &&
	       container_id_validate("..", NULL) < 0, "path-like ids are refused");
	char longid[300];
	memset(longid, 'a', sizeof(longid) - 1);
	longid[sizeof(longid) - 1] = '\0';
	TAP_OK(container_id_validate(longid, NULL) < 0, "over-long id is refused");
	TAP_OK(signal_from_name("KILL") == 9 && signal_from_name("SIGTERM") == 15 &&
	       signal_from_name("9") == 9 && signal_from_name("RTMIN+1") > 32, "signal names");
	TAP_OK(signal_from_name("NOPE") < 0 && signal_from_name("65") < 0 && signal_from_name("0") < 0,
	       "bad signals");
	return tap_done();
}
