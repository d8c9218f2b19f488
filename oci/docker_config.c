/* docker's daemon.json for install/uninstall (see docker_config.h).
 *
 * json-c alone is laxer than dockerd (Go's encoding/json): it takes
 * single-quoted strings and NaN and clamps integers past 64 bits, and a
 * rewrite would then turn a file dockerd refuses into one it loads with
 * other values.  So the text is first checked against RFC 8259 here, and
 * only a valid document is handed to json-c and rewritten. */
#include "docker_config.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <libgen.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "fsutil.h"

#define MAX_SIZE  (4u << 20)
#define MAX_DEPTH 128

struct scan {
	const char *s;
	size_t i;
	const char *why; /* set at the first error; i is where */
};

static bool fail(struct scan *sc, const char *why)
{
	sc->why = why;
	return false;
}

static void skip_ws(struct scan *sc)
{
	while (sc->s[sc->i] && strchr(" \t\r\n", sc->s[sc->i]))
		sc->i++;
}

static bool scan_string(struct scan *sc)
{
	sc->i++; /* the opening quote */
	for (;;) {
		unsigned char ch = (unsigned char)sc->s[sc->i];
		if (ch == '"') {
			sc->i++;
			return true;
		}
		if (ch == '\0')
			return fail(sc, "unterminated string");
		if (ch < 0x20)
			return fail(sc, "control character in string");
		sc->i++;
		if (ch != '\\')
			continue;
		ch = (unsigned char)sc->s[sc->i];
		if (ch == 'u') {
			for (int k = 1; k <= 4; k++)
				if (!sc->s[sc->i + k] ||
				    !strchr("0123456789abcdefABCDEF", sc->s[sc->i + k]))
					return fail(sc, "bad \\u escape");
			sc->i += 5;
		} else if (ch && strchr("\"\\/bfnrt", ch)) {
			sc->i++;
		} else {
			return fail(sc, "bad escape");
		}
	}
}

static bool digits(struct scan *sc)
{
	size_t start = sc->i;

	while (sc->s[sc->i] >= '0' && sc->s[sc->i] <= '9')
		sc->i++;
	return sc->i > start;
}

static bool scan_number(struct scan *sc)
{
	size_t start = sc->i;
	bool integer = true;

	if (sc->s[sc->i] == '-')
		sc->i++;
	if (sc->s[sc->i] == '0')
		sc->i++;
	else if (!digits(sc))
		return fail(sc, "bad number");
	if (sc->s[sc->i] == '.') {
		sc->i++;
		integer = false;
		if (!digits(sc))
			return fail(sc, "bad number");
	}
	if (sc->s[sc->i] == 'e' || sc->s[sc->i] == 'E') {
		sc->i++;
		integer = false;
		if (sc->s[sc->i] == '+' || sc->s[sc->i] == '-')
			sc->i++;
		if (!digits(sc))
			return fail(sc, "bad number");
	}
	if (integer) { /* json-c would clamp what does not fit 64 bits */
		errno = 0;
		if (sc->s[start] == '-')
			(void)strtoll(sc->s + start, NULL, 10);
		else
			(void)strtoull(sc->s + start, NULL, 10);
		if (errno == ERANGE) {
			sc->i = start;
			return fail(sc, "integer out of 64-bit range");
		}
	}
	return true;
}

static bool scan_value(struct scan *sc, int depth);

/* object or array: open at sc->i */
static bool scan_container(struct scan *sc, int depth)
{
	char close = sc->s[sc->i] == '{' ? '}' : ']';
	bool object = close == '}';

	if (depth > MAX_DEPTH)
		return fail(sc, "nested too deeply");
	sc->i++;
	skip_ws(sc);
	if (sc->s[sc->i] == close) {
		sc->i++;
		return true;
	}
	for (;;) {
		if (object) {
			if (sc->s[sc->i] != '"')
				return fail(sc, "expected a double-quoted key");
			if (!scan_string(sc))
				return false;
			skip_ws(sc);
			if (sc->s[sc->i] != ':')
				return fail(sc, "expected ':'");
			sc->i++;
		}
		if (!scan_value(sc, depth + 1))
			return false;
		skip_ws(sc);
		if (sc->s[sc->i] == close) {
			sc->i++;
			return true;
		}
		if (sc->s[sc->i] != ',')
			return fail(sc, object ? "expected ',' or '}'" : "expected ',' or ']'");
		sc->i++;
		skip_ws(sc);
	}
}

static bool scan_value(struct scan *sc, int depth)
{
	static const char *const words[] = { "true", "false", "null" };
	char ch;

	skip_ws(sc);
	ch = sc->s[sc->i];
	if (ch == '{' || ch == '[')
		return scan_container(sc, depth);
	if (ch == '"')
		return scan_string(sc);
	if (ch == '-' || (ch >= '0' && ch <= '9'))
		return scan_number(sc);
	for (size_t k = 0; k < sizeof(words) / sizeof(words[0]); k++)
		if (!strncmp(sc->s + sc->i, words[k], strlen(words[k]))) {
			sc->i += strlen(words[k]);
			return true;
		}
	return fail(sc, ch ? "unexpected character" : "unexpected end of file");
}

/* Parses text (NUL-terminated, len bytes) into a top-level object. */
static int parse(const char *path, const char *text, size_t len, struct json_object **out,
		 struct rerr **err)
{
	struct scan sc = { .s = text };
	size_t bom = 0;

	if (strlen(text) != len)
		return rerr_make(err, 0, "cannot parse `%s`: it holds a NUL byte (the file was not "
				 "changed)", path);
	if (!strncmp(text, "\xef\xbb\xbf", 3)) /* a UTF-8 byte order mark */
		sc.i = bom = 3;
	skip_ws(&sc);
	if (!text[sc.i]) {
		*out = json_object_new_object();
		return 0;
	}
	if (text[sc.i] != '{')
		return rerr_make(err, 0, "cannot use `%s`: the top level is not a JSON object (the "
				 "file was not changed)", path);
	if (scan_value(&sc, 0)) {
		skip_ws(&sc);
		if (text[sc.i])
			fail(&sc, "data after the top-level object");
	}
	if (sc.why) {
		int line = 1, col = 1;
		for (size_t k = 0; k < sc.i && text[k]; k++, col++)
			if (text[k] == '\n')
				line++, col = 0;
		return rerr_make(err, 0, "cannot parse `%s`: %s at line %d, column %d (the file was "
				 "not changed)", path, sc.why, line, col);
	}
	struct json_tokener *tok = json_tokener_new_ex(MAX_DEPTH + 2);
	if (!tok)
		return rerr_make(err, ENOMEM, "cannot parse `%s`", path);
	*out = json_tokener_parse_ex(tok, text + bom, -1);
	enum json_tokener_error je = json_tokener_get_error(tok);
	json_tokener_free(tok);
	if (!*out || !json_object_is_type(*out, json_type_object)) {
		json_object_put(*out);
		*out = NULL;
		return rerr_make(err, 0, "cannot parse `%s`: %s (the file was not changed)", path,
				 json_tokener_error_desc(je));
	}
	return 0;
}

/* path made absolute (for messages; the file need not exist). */
static char *absolute(const char *path)
{
	_cleanup_free_ char *cwd = NULL;
	char *r = NULL;

	if (path[0] == '/')
		return strdup(path);
	cwd = getcwd(NULL, 0);
	if (!cwd || asprintf(&r, "%s/%s", cwd, path) < 0)
		return NULL;
	return r;
}

int docker_config_load(const char *path, struct docker_config *c, struct rerr **err)
{
	_cleanup_free_ char *text = NULL;
	struct stat st;
	size_t len;

	*c = (struct docker_config){ .mode = 0644, .uid = (uid_t)-1, .gid = (gid_t)-1 };
	if (stat(path, &st) < 0) {
		if (errno != ENOENT)
			return rerr_make(err, errno, "cannot read `%s`", path);
		c->path = absolute(path);
		c->root = json_object_new_object();
		if (!c->path || !c->root)
			return rerr_make(err, ENOMEM, "cannot read `%s`", path);
		return 0;
	}
	if (!S_ISREG(st.st_mode))
		return rerr_make(err, 0, "cannot use `%s`: not a regular file", path);
	c->exists = true;
	c->mode = st.st_mode & 07777;
	c->uid = st.st_uid;
	c->gid = st.st_gid;
	c->path = realpath(path, NULL); /* a symlinked daemon.json stays a symlink */
	if (!c->path)
		return rerr_make(err, errno, "cannot resolve `%s`", path);
	if (read_file_bounded(c->path, MAX_SIZE, &text, &len, err) < 0)
		return -1;
	return parse(c->path, text, len, &c->root, err);
}

int docker_config_runtimes(struct docker_config *c, bool create, struct json_object **out,
			   struct rerr **err)
{
	struct json_object *r = NULL;

	*out = NULL;
	if (json_object_object_get_ex(c->root, "runtimes", &r)) {
		if (!json_object_is_type(r, json_type_object))
			return rerr_make(err, 0, "cannot use `%s`: \"runtimes\" is not a JSON object "
					 "(the file was not changed)", c->path);
		*out = r;
	} else if (create) {
		r = json_object_new_object();
		if (!r || json_object_object_add(c->root, "runtimes", r) < 0)
			return rerr_make(err, ENOMEM, "cannot update `%s`", c->path);
		*out = r;
	}
	return 0;
}

int docker_config_save(struct docker_config *c, struct rerr **err)
{
	_cleanup_free_ char *dir_copy = strdup(c->path), *base_copy = strdup(c->path);
	_cleanup_free_ char *tmp = NULL;
	_cleanup_close_ int fd = -1, dfd = -1;
	const char *text;
	int e;

	if (!dir_copy || !base_copy)
		return rerr_make(err, ENOMEM, "cannot write `%s`", c->path);
	const char *dir = dirname(dir_copy), *base = basename(base_copy);
	text = json_object_to_json_string_ext(c->root, JSON_C_TO_STRING_PRETTY |
					      JSON_C_TO_STRING_SPACED |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!text)
		return rerr_make(err, ENOMEM, "cannot write `%s`", c->path);
	if (!c->exists && mkdir_p(dir, 0755, err) < 0)
		return -1;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return rerr_make(err, errno, "cannot open directory `%s`", dir);
	if (asprintf(&tmp, "%s/.%s.XXXXXX", dir, base) < 0)
		return rerr_make(err, ENOMEM, "cannot write `%s`", c->path);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return rerr_make(err, errno, "cannot create a temporary file in `%s`", dir);
	if (fchmod(fd, c->mode) < 0) {
		e = errno;
		goto fail;
	}
	if (c->exists && (c->uid != geteuid() || c->gid != getegid()) &&
	    fchown(fd, c->uid, c->gid) < 0) {
		e = errno;
		unlink(tmp);
		return rerr_make(err, e, "cannot keep the owner %u:%u of `%s`", (unsigned)c->uid,
				 (unsigned)c->gid, c->path);
	}
	if (write_full(fd, text, strlen(text)) < 0 || write_full(fd, "\n", 1) < 0 ||
	    fsync(fd) < 0 || rename(tmp, c->path) < 0) {
		e = errno;
		goto fail;
	}
	fsync(dfd);
	c->exists = true;
	return 0;
fail:
	unlink(tmp);
	return rerr_make(err, e, "cannot write `%s`", c->path);
}

void docker_config_free(struct docker_config *c)
{
	json_object_put(c->root);
	free(c->path);
	*c = (struct docker_config){ 0 };
}
