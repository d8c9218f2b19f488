/* config.json parser (see oci_spec.h).  Field names and meanings follow the
 * OCI runtime-spec (config.md, config-linux.md); errors name the field. */
#include "oci_spec.h"

#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "fsutil.h"
#include "oci_names.h"

#define JSON_MAX_DEPTH 64

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	if (!o || !json_object_is_type(o, json_type_object))
		return NULL;
	if (!json_object_object_get_ex(o, key, &v) || json_object_is_type(v, json_type_null))
		return NULL;
	return v;
}

static int want_type(struct json_object *v, json_type t, const char *field, struct rerr **err)
{
	static const char *const names[] = { "null", "boolean", "number", "number", "object",
					     "array", "string" };
	if (json_object_is_type(v, t))
		return 0;
	if (t == json_type_int && json_object_is_type(v, json_type_double))
		return 0;
	return rerr_make(err, 0, "invalid config.json: `%s` must be a %s", field,
			 names[t < 7 ? t : 0]);
}

static int get_string(struct json_object *o, const char *key, const char *field, char **out,
		      struct rerr **err)
{
	struct json_object *v = get(o, key);

	*out = NULL;
	if (!v)
		return 0;
	if (want_type(v, json_type_string, field, err) < 0)
		return -1;
	*out = strdup(json_object_get_string(v));
	return *out ? 0 : rerr_make(err, ENOMEM, "parsing config.json");
}

static int get_bool(struct json_object *o, const char *key, const char *field, bool *out,
		    struct rerr **err)
{
	struct json_object *v = get(o, key);

	if (!v)
		return 0;
	if (want_type(v, json_type_boolean, field, err) < 0)
		return -1;
	*out = json_object_get_boolean(v);
	return 0;
}

static int get_u64(struct json_object *o, const char *key, const char *field, uint64_t max,
		   bool *present, uint64_t *out, struct rerr **err)
{
	struct json_object *v = get(o, key);

	if (present)
		*present = false;
	if (!v)
		return 0;
	if (!json_object_is_type(v, json_type_int))
		return rerr_make(err, 0, "invalid config.json: `%s` must be an integer", field);
	errno = 0;
	int64_t i = json_object_get_int64(v);
	if (i < 0) {
		uint64_t u = json_object_get_uint64(v);
		if (u == 0 || errno)
			return rerr_make(err, 0, "invalid config.json: `%s` must not be negative",
					 field);
		i = (int64_t)u;
		if ((uint64_t)i > max)
			return rerr_make(err, 0, "invalid config.json: `%s` is out of range", field);
		*out = u;
	} else {
		/* json-c clamps values above INT64_MAX in get_int64 */
		uint64_t u = i == INT64_MAX ? json_object_get_uint64(v) : (uint64_t)i;
		if (u > max)
			return rerr_make(err, 0, "invalid config.json: `%s` is out of range", field);
		*out = u;
	}
	if (present)
		*present = true;
	return 0;
}

/* Array of strings -> NULL-terminated vector (empty vector when absent). */
static int get_strv(struct json_object *o, const char *key, const char *field, char ***out,
		    struct rerr **err)
{
	struct json_object *v = get(o, key);
	size_t n;

	*out = NULL;
	n = v ? json_object_array_length(v) : 0;
	if (v && want_type(v, json_type_array, field, err) < 0)
		return -1;
	*out = calloc(n + 1, sizeof(char *));
	if (!*out)
		return rerr_make(err, ENOMEM, "parsing config.json");
	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(v, i);
		if (!e || !json_object_is_type(e, json_type_string))
			return rerr_make(err, 0, "invalid config.json: `%s[%zu]` must be a string",
					 field, i);
		(*out)[i] = strdup(json_object_get_string(e));
		if (!(*out)[i])
			return rerr_make(err, ENOMEM, "parsing config.json");
	}
	return 0;
}

static void strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

static void strv_freep(char ***v)
{
	strv_free(*v);
}

/* An object of strings -> NULL-terminated "key=value" vector. */
static int get_kv(struct json_object *o, const char *field, char ***out, struct rerr **err)
{
	size_t n = 0;

	if (want_type(o, json_type_object, field, err) < 0)
		return -1;
	*out = calloc((size_t)json_object_object_length(o) + 1, sizeof(char *));
	if (!*out)
		return rerr_make(err, ENOMEM, "parsing config.json");
	json_object_object_foreach(o, key, val) {
		if (!json_object_is_type(val, json_type_string))
			return rerr_make(err, 0, "invalid config.json: `%s.%s` must be a string", field,
					 key);
		char *kv;
		if (asprintf(&kv, "%s=%s", key, json_object_get_string(val)) < 0)
			return rerr_make(err, ENOMEM, "parsing config.json");
		(*out)[n++] = kv;
	}
	return 0;
}

static int parse_caps(struct json_object *c, struct oci_caps *caps, struct rerr **err)
{
	static const char *const sets[] = { "bounding", "effective", "inheritable", "permitted",
					    "ambient" };
	uint64_t *dst[] = { &caps->bounding, &caps->effective, &caps->inheritable,
			    &caps->permitted, &caps->ambient };

	if (want_type(c, json_type_object, "process.capabilities", err) < 0)
		return -1;
	for (size_t s = 0; s < 5; s++) {
		struct json_object *a = get(c, sets[s]);
		char field[64];

		snprintf(field, sizeof(field), "process.capabilities.%s", sets[s]);
		if (!a)
			continue;
		if (want_type(a, json_type_array, field, err) < 0)
			return -1;
		for (size_t i = 0; i < json_object_array_length(a); i++) {
			struct json_object *e = json_object_array_get_idx(a, i);
			int cap;
			if (!json_object_is_type(e, json_type_string))
				return rerr_make(err, 0, "invalid config.json: `%s[%zu]` must be a string",
						 field, i);
			/* Unknown names are skipped, as runc does for capabilities the
			 * kernel does not know. */
			cap = capability_from_name(json_object_get_string(e));
			if (cap >= 0)
				*dst[s] |= 1ULL << cap;
		}
	}
	return 0;
}

static int parse_rlimits(struct json_object *a, struct oci_process *p, struct rerr **err)
{
	size_t n;

	if (want_type(a, json_type_array, "process.rlimits", err) < 0)
		return -1;
	n = json_object_array_length(a);
	p->rlimits = calloc(n ? n : 1, sizeof(*p->rlimits));
	if (!p->rlimits)
		return rerr_make(err, ENOMEM, "parsing config.json");
	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(a, i);
		_cleanup_free_ char *type = NULL;
		char field[64];
		bool has_soft, has_hard;

		snprintf(field, sizeof(field), "process.rlimits[%zu]", i);
		if (want_type(e, json_type_object, field, err) < 0 ||
		    get_string(e, "type", field, &type, err) < 0)
			return -1;
		int res = rlimit_from_name(type);
		if (res < 0)
			return rerr_make(err, 0, "invalid config.json: unknown rlimit `%s`",
					 type ? type : "");
		for (size_t j = 0; j < p->n_rlimits; j++)
			if (p->rlimits[j].resource == res)
				return rerr_make(err, 0, "invalid config.json: rlimit `%s` given twice",
						 type);
		if (get_u64(e, "soft", field, UINT64_MAX, &has_soft, &p->rlimits[i].soft, err) < 0 ||
		    get_u64(e, "hard", field, UINT64_MAX, &has_hard, &p->rlimits[i].hard, err) < 0)
			return -1;
		if (!has_soft || !has_hard)
			return rerr_make(err, 0, "invalid config.json: `%s` needs soft and hard", field);
		if (p->rlimits[i].soft > p->rlimits[i].hard)
			return rerr_make(err, 0, "invalid config.json: rlimit `%s` soft %llu above hard %llu",
					 type, (unsigned long long)p->rlimits[i].soft,
					 (unsigned long long)p->rlimits[i].hard);
		p->rlimits[i].resource = res;
		p->n_rlimits++;
	}
	return 0;
}

static int parse_user(struct json_object *u, struct oci_process *p, struct rerr **err)
{
	struct json_object *g;
	uint64_t v;
	bool has;

	if (want_type(u, json_type_object, "process.user", err) < 0)
		return -1;
	if (get_u64(u, "uid", "process.user.uid", UINT32_MAX - 1, NULL, &v, err) < 0)
		return -1;
	p->uid = (uint32_t)v;
	v = 0;
	if (get_u64(u, "gid", "process.user.gid", UINT32_MAX - 1, NULL, &v, err) < 0)
		return -1;
	p->gid = (uint32_t)v;
	if (get_u64(u, "umask", "process.user.umask", 0777, &has, &v, err) < 0)
		return -1;
	p->umask = has ? (int)v : -1;
	g = get(u, "additionalGids");
	if (g) {
		if (want_type(g, json_type_array, "process.user.additionalGids", err) < 0)
			return -1;
		size_t n = json_object_array_length(g);
		if (n > 65536)
			return rerr_make(err, 0, "invalid config.json: too many additionalGids");
		p->additional_gids = calloc(n ? n : 1, sizeof(uint32_t));
		if (!p->additional_gids)
			return rerr_make(err, ENOMEM, "parsing config.json");
		for (size_t i = 0; i < n; i++) {
			struct json_object *e = json_object_array_get_idx(g, i);
			int64_t x = json_object_is_type(e, json_type_int) ? json_object_get_int64(e) : -1;
			if (x < 0 || x >= (int64_t)UINT32_MAX)
				return rerr_make(err, 0, "invalid config.json: `process.user.additionalGids[%zu]` "
						 "must be a gid", i);
			p->additional_gids[p->n_additional_gids++] = (uint32_t)x;
		}
	}
	return 0;
}

static int parse_process(struct json_object *o, struct oci_process *p, bool require,
			 struct rerr **err)
{
	struct json_object *v;

	if (want_type(o, json_type_object, "process", err) < 0)
		return -1;
	if (get_bool(o, "terminal", "process.terminal", &p->terminal, err) < 0 ||
	    get_strv(o, "args", "process.args", &p->args, err) < 0 ||
	    get_strv(o, "env", "process.env", &p->env, err) < 0 ||
	    get_string(o, "cwd", "process.cwd", &p->cwd, err) < 0 ||
	    get_bool(o, "noNewPrivileges", "process.noNewPrivileges", &p->no_new_privileges,
		     err) < 0)
		return -1;
	if (require && !p->args[0])
		return rerr_make(err, 0, "invalid config.json: args must not be empty");
	if (require && !p->args[0][0])
		return rerr_make(err, 0, "invalid config.json: process.args[0] must not be empty");
	if (!p->cwd && !(p->cwd = strdup("/")))
		return rerr_make(err, ENOMEM, "parsing config.json");
	if (p->cwd[0] != '/')
		return rerr_make(err, 0, "invalid config.json: cwd `%s` is not an absolute path",
				 p->cwd);
	for (size_t i = 0; p->env[i]; i++)
		if (!strchr(p->env[i], '='))
			return rerr_make(err, 0, "invalid config.json: env entry `%.64s` has no `=`",
					 p->env[i]);
	if ((v = get(o, "user")) && parse_user(v, p, err) < 0)
		return -1;
	if (!v)
		p->umask = -1;
	if ((v = get(o, "rlimits")) && parse_rlimits(v, p, err) < 0)
		return -1;
	if ((v = get(o, "capabilities"))) {
		p->has_caps = true;
		if (parse_caps(v, &p->caps, err) < 0)
			return -1;
	}
	if ((v = get(o, "oomScoreAdj"))) {
		if (!json_object_is_type(v, json_type_int))
			return rerr_make(err, 0, "invalid config.json: `process.oomScoreAdj` must be an integer");
		int64_t x = json_object_get_int64(v);
		if (x < -1000 || x > 1000)
			return rerr_make(err, 0, "invalid config.json: `process.oomScoreAdj` out of range");
		p->has_oom_score_adj = true;
		p->oom_score_adj = (int)x;
	}
	if ((v = get(o, "consoleSize"))) {
		uint64_t h = 0, w = 0;
		if (get_u64(v, "height", "process.consoleSize.height", UINT16_MAX, NULL, &h, err) < 0 ||
		    get_u64(v, "width", "process.consoleSize.width", UINT16_MAX, NULL, &w, err) < 0)
			return -1;
		p->console_height = (uint16_t)h;
		p->console_width = (uint16_t)w;
	}
	return 0;
}

static bool path_has_dotdot(const char *p)
{
	for (const char *s = p; (s = strstr(s, "..")); s += 2)
		if ((s == p || s[-1] == '/') && (s[2] == '\0' || s[2] == '/'))
			return true;
	return false;
}

static int parse_mounts(struct json_object *a, struct oci_spec *s, struct rerr **err)
{
	size_t n;

	if (want_type(a, json_type_array, "mounts", err) < 0)
		return -1;
	n = json_object_array_length(a);
	if (n > 1024)
		return rerr_make(err, 0, "invalid config.json: too many mounts (%zu)", n);
	s->mounts = calloc(n ? n : 1, sizeof(*s->mounts));
	if (!s->mounts)
		return rerr_make(err, ENOMEM, "parsing config.json");
	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(a, i);
		struct oci_mount *m = &s->mounts[i];
		char field[64];

		s->n_mounts++;
		snprintf(field, sizeof(field), "mounts[%zu]", i);
		if (want_type(e, json_type_object, field, err) < 0 ||
		    get_string(e, "destination", field, &m->destination, err) < 0 ||
		    get_string(e, "type", field, &m->type, err) < 0 ||
		    get_string(e, "source", field, &m->source, err) < 0 ||
		    get_strv(e, "options", field, &m->options, err) < 0)
			return -1;
		if (!m->destination || m->destination[0] != '/')
			return rerr_make(err, 0, "invalid config.json: mount destination `%s` is not an "
					 "absolute path", m->destination ? m->destination : "");
		if (path_has_dotdot(m->destination))
			return rerr_make(err, 0, "invalid config.json: mount destination `%s` contains `..`",
					 m->destination);
		m->bind = m->type && !strcmp(m->type, "bind");
		for (size_t j = 0; m->options[j]; j++) {
			if (!strcmp(m->options[j], "bind") || !strcmp(m->options[j], "rbind"))
				m->bind = true;
			else if (!strcmp(m->options[j], "ro"))
				m->ro = true;
			else if (!strcmp(m->options[j], "rw"))
				m->ro = false;
		}
		if (m->bind && (!m->source || m->source[0] != '/'))
			return rerr_make(err, 0, "invalid config.json: bind mount source `%s` for `%s` is "
					 "not an absolute path", m->source ? m->source : "",
					 m->destination);
	}
	return 0;
}

/* linux.seccomp: every name is checked here, on the host, so a bad profile
 * fails `create`/`run` before anything starts (runc's wording where it has
 * one).  System call names are resolved in the guest: unknown ones are
 * skipped there, as runc does. */
static int scmp_action(const char *name, const char *field, bool notify_listener,
		       enum oci_scmp_action *out, struct rerr **err)
{
	static const struct {
		const char *name;
		enum oci_scmp_action a;
	} acts[] = {
		{ "SCMP_ACT_KILL", OCI_SCMP_KILL_THREAD },
		{ "SCMP_ACT_KILL_THREAD", OCI_SCMP_KILL_THREAD },
		{ "SCMP_ACT_KILL_PROCESS", OCI_SCMP_KILL_PROCESS },
		{ "SCMP_ACT_TRAP", OCI_SCMP_TRAP },
		{ "SCMP_ACT_ERRNO", OCI_SCMP_ERRNO },
		{ "SCMP_ACT_TRACE", OCI_SCMP_TRACE },
		{ "SCMP_ACT_ALLOW", OCI_SCMP_ALLOW },
		{ "SCMP_ACT_LOG", OCI_SCMP_LOG },
	};

	if (!name)
		return rerr_make(err, 0, "invalid config.json: `%s` is missing", field);
	for (size_t i = 0; i < sizeof(acts) / sizeof(acts[0]); i++)
		if (!strcmp(name, acts[i].name)) {
			*out = acts[i].a;
			return 0;
		}
	if (!strcmp(name, "SCMP_ACT_NOTIFY"))
		return rerr_make(err, 0, "invalid config.json: `%s`: SCMP_ACT_NOTIFY is not "
				 "supported (%s)", field, notify_listener ?
				 "runuml has no seccomp notify listener" :
				 "it needs linux.seccomp.listenerPath");
	return rerr_make(err, 0, "invalid config.json: `%s`: unknown seccomp action `%s`", field,
			 name);
}

static int scmp_errno_ret(struct json_object *o, const char *field, bool *has, uint32_t *out,
			  struct rerr **err)
{
	uint64_t v = 0;

	if (get_u64(o, "errnoRet", field, UINT16_MAX, has, &v, err) < 0)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static int parse_scmp_args(struct json_object *a, struct oci_scmp_syscall *c, struct rerr **err)
{
	static const char *const ops[] = { "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE",
					   "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT",
					   "SCMP_CMP_MASKED_EQ" };
	size_t n;

	if (want_type(a, json_type_array, "linux.seccomp.syscalls[].args", err) < 0)
		return -1;
	n = json_object_array_length(a);
	c->args = calloc(n ? n : 1, sizeof(*c->args));
	if (!c->args)
		return rerr_make(err, ENOMEM, "parsing config.json");
	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(a, i);
		struct oci_scmp_arg *g = &c->args[i];
		_cleanup_free_ char *op = NULL;
		uint64_t idx = 0;
		bool has_idx = false;
		size_t k;

		if (want_type(e, json_type_object, "linux.seccomp.syscalls[].args[]", err) < 0 ||
		    get_u64(e, "index", "linux.seccomp.syscalls[].args[].index", UINT_MAX, &has_idx,
			    &idx, err) < 0 ||
		    get_u64(e, "value", "linux.seccomp.syscalls[].args[].value", UINT64_MAX, NULL,
			    &g->value, err) < 0 ||
		    get_u64(e, "valueTwo", "linux.seccomp.syscalls[].args[].valueTwo", UINT64_MAX,
			    NULL, &g->value_two, err) < 0 ||
		    get_string(e, "op", "linux.seccomp.syscalls[].args[].op", &op, err) < 0)
			return -1;
		if (idx >= OCI_SCMP_MAX_ARGS)
			return rerr_make(err, 0, "invalid config.json: "
					 "`linux.seccomp.syscalls[].args[].index` %" PRIu64
					 " is out of range (0-5)", idx);
		g->index = (unsigned)idx;
		if (!op)
			return rerr_make(err, 0, "invalid config.json: "
					 "`linux.seccomp.syscalls[].args[].op` is missing");
		for (k = 0; k < sizeof(ops) / sizeof(ops[0]); k++)
			if (!strcmp(op, ops[k]))
				break;
		if (k == sizeof(ops) / sizeof(ops[0]))
			return rerr_make(err, 0, "invalid config.json: unknown seccomp operator `%s` "
					 "in `linux.seccomp.syscalls[].args[].op`", op);
		g->op = (enum oci_scmp_op)k;
		c->n_args++;
	}
	return 0;
}

static int parse_seccomp(struct json_object *o, struct oci_seccomp *sc, struct rerr **err)
{
	static const char *const arches[] = {
		"SCMP_ARCH_NATIVE", "SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32",
		"SCMP_ARCH_ARM", "SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64",
		"SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64",
		"SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64", "SCMP_ARCH_PPC64LE",
		"SCMP_ARCH_S390", "SCMP_ARCH_S390X", "SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64",
		"SCMP_ARCH_RISCV64", "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K", "SCMP_ARCH_SH",
		"SCMP_ARCH_SHEB",
	};
	static const struct {
		const char *name;
		unsigned flag;
	} flags[] = {
		{ "SECCOMP_FILTER_FLAG_TSYNC", OCI_SCMP_FLAG_TSYNC },
		{ "SECCOMP_FILTER_FLAG_LOG", OCI_SCMP_FLAG_LOG },
		{ "SECCOMP_FILTER_FLAG_SPEC_ALLOW", OCI_SCMP_FLAG_SPEC_ALLOW },
	};
	_cleanup_free_ char *def = NULL, *listener = NULL;
	__attribute__((cleanup(strv_freep))) char **fl = NULL;
	struct json_object *v;
	uint64_t der = 0;
	size_t n;

	if (want_type(o, json_type_object, "linux.seccomp", err) < 0 ||
	    get_string(o, "defaultAction", "linux.seccomp.defaultAction", &def, err) < 0 ||
	    get_string(o, "listenerPath", "linux.seccomp.listenerPath", &listener, err) < 0 ||
	    scmp_action(def, "linux.seccomp.defaultAction", listener != NULL, &sc->default_action,
			err) < 0 ||
	    get_u64(o, "defaultErrnoRet", "linux.seccomp.defaultErrnoRet", UINT16_MAX,
		    &sc->has_default_errno_ret, &der, err) < 0)
		return -1;
	sc->default_errno_ret = (uint32_t)der;
	if (get_strv(o, "architectures", "linux.seccomp.architectures", &sc->architectures,
		     err) < 0 ||
	    get_strv(o, "flags", "linux.seccomp.flags", &fl, err) < 0)
		return -1;
	for (size_t i = 0; sc->architectures[i]; i++) {
		size_t k;
		for (k = 0; k < sizeof(arches) / sizeof(arches[0]); k++)
			if (!strcmp(sc->architectures[i], arches[k]))
				break;
		if (k == sizeof(arches) / sizeof(arches[0]))
			return rerr_make(err, 0, "invalid config.json: unknown seccomp architecture "
					 "`%s` in `linux.seccomp.architectures`",
					 sc->architectures[i]);
	}
	for (size_t i = 0; fl[i]; i++) {
		size_t k;
		for (k = 0; k < sizeof(flags) / sizeof(flags[0]); k++)
			if (!strcmp(fl[i], flags[k].name))
				break;
		if (k == sizeof(flags) / sizeof(flags[0]))
			return rerr_make(err, 0, "invalid config.json: seccomp flag `%s` in "
					 "`linux.seccomp.flags` is not supported", fl[i]);
		sc->flags |= flags[k].flag;
	}
	if (!(v = get(o, "syscalls")))
		return 0;
	if (want_type(v, json_type_array, "linux.seccomp.syscalls", err) < 0)
		return -1;
	n = json_object_array_length(v);
	sc->syscalls = calloc(n ? n : 1, sizeof(*sc->syscalls));
	if (!sc->syscalls)
		return rerr_make(err, ENOMEM, "parsing config.json");
	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(v, i), *a;
		struct oci_scmp_syscall *c = &sc->syscalls[i];
		_cleanup_free_ char *act = NULL;

		sc->n_syscalls++;
		if (want_type(e, json_type_object, "linux.seccomp.syscalls[]", err) < 0 ||
		    get_strv(e, "names", "linux.seccomp.syscalls[].names", &c->names, err) < 0 ||
		    get_string(e, "action", "linux.seccomp.syscalls[].action", &act, err) < 0 ||
		    scmp_action(act, "linux.seccomp.syscalls[].action", listener != NULL,
				&c->action, err) < 0 ||
		    scmp_errno_ret(e, "linux.seccomp.syscalls[].errnoRet", &c->has_errno_ret,
				   &c->errno_ret, err) < 0)
			return -1;
		if (!c->names[0])
			return rerr_make(err, 0, "invalid config.json: "
					 "`linux.seccomp.syscalls[%zu].names` is empty", i);
		if ((a = get(e, "args")) && parse_scmp_args(a, c, err) < 0)
			return -1;
	}
	return 0;
}

static void seccomp_free(struct oci_seccomp *sc)
{
	if (!sc)
		return;
	strv_free(sc->architectures);
	for (size_t i = 0; i < sc->n_syscalls; i++) {
		strv_free(sc->syscalls[i].names);
		free(sc->syscalls[i].args);
	}
	free(sc->syscalls);
	free(sc);
}

static int parse_linux(struct json_object *l, struct oci_spec *s, struct rerr **err)
{
	static const char *const ns_names[OCI_NS_COUNT] = { "pid", "network", "mount", "ipc",
							    "uts", "user", "cgroup", "time" };
	struct json_object *v, *r;

	if (want_type(l, json_type_object, "linux", err) < 0)
		return -1;
	if ((v = get(l, "namespaces"))) {
		if (want_type(v, json_type_array, "linux.namespaces", err) < 0)
			return -1;
		for (size_t i = 0; i < json_object_array_length(v); i++) {
			struct json_object *e = json_object_array_get_idx(v, i);
			_cleanup_free_ char *type = NULL;
			char *path = NULL;
			size_t k;

			if (want_type(e, json_type_object, "linux.namespaces[]", err) < 0 ||
			    get_string(e, "type", "linux.namespaces[].type", &type, err) < 0 ||
			    get_string(e, "path", "linux.namespaces[].path", &path, err) < 0)
				return -1;
			for (k = 0; k < OCI_NS_COUNT; k++)
				if (type && !strcmp(type, ns_names[k]))
					break;
			if (k == OCI_NS_COUNT) {
				free(path);
				return rerr_make(err, 0, "invalid config.json: unknown namespace type `%s`",
						 type ? type : "");
			}
			if (s->ns[k]) {
				free(path);
				return rerr_make(err, 0, "invalid config.json: namespace `%s` given twice",
						 type);
			}
			s->ns[k] = true;
			s->ns_path[k] = path;
		}
	}
	if ((r = get(l, "resources"))) {
		struct json_object *m = get(r, "memory"), *p = get(r, "pids"), *c = get(r, "cpu");
		struct json_object *lim;
		if (c && (lim = get(c, "shares")) && json_object_is_type(lim, json_type_int))
			s->cpu_shares = json_object_get_int64(lim);
		if (c && (lim = get(c, "quota")) && json_object_is_type(lim, json_type_int))
			s->cpu_quota = json_object_get_int64(lim);
		if (c && (lim = get(c, "period")) && json_object_is_type(lim, json_type_int))
			s->cpu_period = json_object_get_int64(lim);
		if (m && (lim = get(m, "limit")) && json_object_is_type(lim, json_type_int))
			s->memory_limit = json_object_get_int64(lim);
		if (p && (lim = get(p, "limit")) && json_object_is_type(lim, json_type_int))
			s->pids_limit = json_object_get_int64(lim);
		if (s->memory_limit == 0)
			s->memory_limit = -1;
		if (s->pids_limit == 0)
			s->pids_limit = -1;
	}
	if (get_string(l, "cgroupsPath", "linux.cgroupsPath", &s->cgroups_path, err) < 0 ||
	    get_strv(l, "maskedPaths", "linux.maskedPaths", &s->masked_paths, err) < 0 ||
	    get_strv(l, "readonlyPaths", "linux.readonlyPaths", &s->readonly_paths, err) < 0)
		return -1;
	if ((v = get(l, "sysctl")) && get_kv(v, "linux.sysctl", &s->sysctl, err) < 0)
		return -1;
	if ((v = get(l, "seccomp"))) {
		s->seccomp = calloc(1, sizeof(*s->seccomp));
		if (!s->seccomp)
			return rerr_make(err, ENOMEM, "parsing config.json");
		if (parse_seccomp(v, s->seccomp, err) < 0)
			return -1;
	}
	return 0;
}

static int parse_hooks(struct json_object *h, struct oci_spec *s, struct rerr **err)
{
	static const char *const kinds[OCI_HOOK_KINDS] = { "prestart", "createRuntime",
		"createContainer", "startContainer", "poststart", "poststop" };

	if (want_type(h, json_type_object, "hooks", err) < 0)
		return -1;
	for (int k = 0; k < OCI_HOOK_KINDS; k++) {
		struct json_object *a = get(h, kinds[k]);
		char field[64];
		if (!a)
			continue;
		snprintf(field, sizeof(field), "hooks.%s", kinds[k]);
		if (want_type(a, json_type_array, field, err) < 0)
			return -1;
		size_t n = json_object_array_length(a);
		s->hooks[k] = calloc(n ? n : 1, sizeof(struct oci_hook));
		if (!s->hooks[k])
			return rerr_make(err, ENOMEM, "parsing config.json");
		for (size_t i = 0; i < n; i++) {
			struct json_object *e = json_object_array_get_idx(a, i);
			struct oci_hook *hk = &s->hooks[k][i];
			uint64_t t = 0;
			s->n_hooks[k]++;
			if (want_type(e, json_type_object, field, err) < 0 ||
			    get_string(e, "path", field, &hk->path, err) < 0 ||
			    get_strv(e, "args", field, &hk->args, err) < 0 ||
			    get_strv(e, "env", field, &hk->env, err) < 0 ||
			    get_u64(e, "timeout", field, INT_MAX, NULL, &t, err) < 0)
				return -1;
			if (!hk->path || hk->path[0] != '/')
				return rerr_make(err, 0, "invalid config.json: hook path in `%s` must be "
						 "absolute", field);
			hk->timeout = (int)t;
		}
	}
	return 0;
}

static int parse_annotations(struct json_object *a, struct oci_spec *s, struct rerr **err)
{
	return get_kv(a, "annotations", &s->annotations, err);
}

static int parse_root(struct json_object *top, struct oci_spec *s, struct rerr **err)
{
	struct json_object *root = get(top, "root");

	if (!root)
		return rerr_make(err, 0, "invalid config.json: `root` is missing");
	if (want_type(root, json_type_object, "root", err) < 0 ||
	    get_string(root, "path", "root.path", &s->root_path, err) < 0 ||
	    get_bool(root, "readonly", "root.readonly", &s->root_readonly, err) < 0)
		return -1;
	if (!s->root_path || !*s->root_path)
		return rerr_make(err, 0, "invalid config.json: `root.path` is missing");
	return 0;
}

int oci_process_parse(const char *json, size_t len, struct oci_process *p, struct rerr **err)
{
	struct json_object *top = oci_json_parse(json, len, err);
	int r;

	memset(p, 0, sizeof(*p));
	p->umask = -1;
	if (!top)
		return -1;
	r = parse_process(top, p, true, err);
	json_object_put(top);
	return r;
}

void oci_process_clear(struct oci_process *p)
{
	strv_free(p->args);
	strv_free(p->env);
	free(p->cwd);
	free(p->additional_gids);
	free(p->rlimits);
	memset(p, 0, sizeof(*p));
	p->umask = -1;
}

struct oci_spec *oci_spec_from_object(struct json_object *top, bool require_process,
				      struct rerr **err)
{
	struct json_object *v;
	struct oci_spec *s = calloc(1, sizeof(*s));

	if (!s) {
		rerr_make(err, ENOMEM, "parsing config.json");
		return NULL;
	}
	s->memory_limit = -1;
	s->pids_limit = -1;
	s->process.umask = -1;
	if (want_type(top, json_type_object, "(top level)", err) < 0 ||
	    get_string(top, "ociVersion", "ociVersion", &s->oci_version, err) < 0 ||
	    get_string(top, "hostname", "hostname", &s->hostname, err) < 0 ||
	    parse_root(top, s, err) < 0)
		goto fail;
	if (!s->oci_version) {
		rerr_make(err, 0, "invalid config.json: `ociVersion` is missing");
		goto fail;
	}
	if ((v = get(top, "process"))) {
		s->has_process = true;
		if (parse_process(v, &s->process, require_process, err) < 0)
			goto fail;
	} else if (require_process) {
		rerr_make(err, 0, "invalid config.json: `process` is missing");
		goto fail;
	}
	if (((v = get(top, "mounts")) && parse_mounts(v, s, err) < 0) ||
	    ((v = get(top, "linux")) && parse_linux(v, s, err) < 0) ||
	    ((v = get(top, "hooks")) && parse_hooks(v, s, err) < 0) ||
	    ((v = get(top, "annotations")) && parse_annotations(v, s, err) < 0))
		goto fail;
	return s;
fail:
	oci_spec_free(s);
	return NULL;
}

struct json_object *oci_json_parse(const char *json, size_t len, struct rerr **err)
{
	struct json_tokener *tok;
	struct json_object *top;

	if (len > OCI_SPEC_MAX_BYTES) {
		rerr_make(err, 0, "invalid config.json: larger than %u bytes", OCI_SPEC_MAX_BYTES);
		return NULL;
	}
	tok = json_tokener_new_ex(JSON_MAX_DEPTH);
	if (!tok) {
		rerr_make(err, ENOMEM, "parsing config.json");
		return NULL;
	}
	top = json_tokener_parse_ex(tok, json, (int)len);
	enum json_tokener_error jerr = json_tokener_get_error(tok);
	size_t used = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (!top || jerr != json_tokener_success) {
		if (top)
			json_object_put(top);
		rerr_make(err, 0, "invalid config.json: %s at byte %zu",
			  jerr == json_tokener_continue ? "unexpected end of input"
							: json_tokener_error_desc(jerr), used);
		return NULL;
	}
	for (; used < len; used++)
		if (json[used] != ' ' && json[used] != '\n' && json[used] != '\t' && json[used] != '\r')
			break;
	if (used < len) {
		json_object_put(top);
		rerr_make(err, 0, "invalid config.json: trailing data at byte %zu", used);
		return NULL;
	}
	return top;
}

struct oci_spec *oci_spec_parse(const char *json, size_t len, bool require_process,
				struct rerr **err)
{
	struct json_object *top = oci_json_parse(json, len, err);
	struct oci_spec *s;

	if (!top)
		return NULL;
	s = oci_spec_from_object(top, require_process, err);
	json_object_put(top);
	return s;
}

struct oci_spec *oci_spec_load(const char *bundle, bool require_process, char **raw_out,
			       size_t *raw_len, struct rerr **err)
{
	_cleanup_free_ char *path = NULL, *raw = NULL;
	struct oci_spec *s;
	size_t len = 0;

	if (asprintf(&path, "%s/config.json", bundle) < 0) {
		rerr_make(err, ENOMEM, "loading config.json");
		return NULL;
	}
	if (read_file_bounded(path, OCI_SPEC_MAX_BYTES, &raw, &len, err) < 0)
		return NULL;
	s = oci_spec_parse(raw, len, require_process, err);
	if (s && raw_out) {
		*raw_out = steal_ptr(raw);
		if (raw_len)
			*raw_len = len;
	}
	return s;
}

const char *oci_spec_annotation(const struct oci_spec *s, const char *key)
{
	size_t kl = strlen(key);

	for (size_t i = 0; s->annotations && s->annotations[i]; i++)
		if (!strncmp(s->annotations[i], key, kl) && s->annotations[i][kl] == '=')
			return s->annotations[i] + kl + 1;
	return NULL;
}

void oci_spec_free(struct oci_spec *s)
{
	if (!s)
		return;
	free(s->oci_version);
	free(s->root_path);
	free(s->hostname);
	oci_process_clear(&s->process);
	for (size_t i = 0; i < s->n_mounts; i++) {
		free(s->mounts[i].destination);
		free(s->mounts[i].type);
		free(s->mounts[i].source);
		strv_free(s->mounts[i].options);
	}
	free(s->mounts);
	for (int k = 0; k < OCI_NS_COUNT; k++)
		free(s->ns_path[k]);
	free(s->cgroups_path);
	strv_free(s->masked_paths);
	strv_free(s->readonly_paths);
	strv_free(s->sysctl);
	for (int k = 0; k < OCI_HOOK_KINDS; k++) {
		for (size_t i = 0; i < s->n_hooks[k]; i++) {
			free(s->hooks[k][i].path);
			strv_free(s->hooks[k][i].args);
			strv_free(s->hooks[k][i].env);
		}
		free(s->hooks[k]);
	}
	strv_free(s->annotations);
	seccomp_free(s->seccomp);
	free(s);
}
