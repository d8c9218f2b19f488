/* Hook runner (see hooks.h). */
#include "hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

const char *hook_kind_name(enum oci_hook_kind kind)
{
	static const char *const names[OCI_HOOK_KINDS] = { "prestart", "createRuntime",
		"createContainer", "startContainer", "poststart", "poststop" };
	return (unsigned)kind < OCI_HOOK_KINDS ? names[kind] : "unknown";
}

char *hooks_state_json(const struct container_state *st)
{
	struct json_object *o = json_object_new_object(), *a = json_object_new_object();
	char *out;

	json_object_object_add(o, "ociVersion", json_object_new_string("1.2.0"));
	json_object_object_add(o, "id", json_object_new_string(st->id));
	json_object_object_add(o, "status", json_object_new_string(container_status_name(st->status)));
	json_object_object_add(o, "pid", json_object_new_int(st->pid));
	json_object_object_add(o, "bundle", json_object_new_string(st->bundle ? st->bundle : ""));
	for (size_t i = 0; st->annotations && st->annotations[i]; i++) {
		const char *eq = strchr(st->annotations[i], '=');
		char *k = eq ? strndup(st->annotations[i], (size_t)(eq - st->annotations[i])) : NULL;
		if (k)
			json_object_object_add(a, k, json_object_new_string(eq + 1));
		free(k);
	}
	json_object_object_add(o, "annotations", a);
	out = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
						   JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return out;
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static int run_one(const struct oci_hook *h, const char *kind, const char *state_json,
		   struct rerr **err)
{
	int in[2], status = 0;
	pid_t pid;

	if (pipe2(in, O_CLOEXEC) < 0)
		return rerr_make(err, errno, "cannot run %s hook `%s`", kind, h->path);
	pid = fork();
	if (pid < 0) {
		close(in[0]);
		close(in[1]);
		return rerr_make(err, errno, "cannot run %s hook `%s`", kind, h->path);
	}
	if (pid == 0) {
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		dup2(in[0], 0);
		int devnull = open("/dev/null", O_WRONLY);
		if (devnull >= 0) /* a hook's output must never land in the container's */
			dup2(devnull, 1);
		char *const *args = h->args && h->args[0] ? h->args : (char *const[]){ h->path, NULL };
		execve(h->path, args, h->env ? h->env : (char *const[]){ NULL });
		dprintf(2, "cannot execute hook `%s`: %s\n", h->path, strerror(errno));
		_exit(127);
	}
	close(in[0]);
	/* the hook may not read stdin at all: don't die of SIGPIPE */
	signal(SIGPIPE, SIG_IGN);
	size_t len = strlen(state_json);
	(void)!write(in[1], state_json, len);
	close(in[1]);
	long deadline = h->timeout > 0 ? now_ms() + h->timeout * 1000L : 0;
	for (;;) {
		pid_t r = waitpid(pid, &status, deadline ? WNOHANG : 0);
		if (r == pid)
			break;
		if (r < 0 && errno != EINTR)
			return rerr_make(err, errno, "%s hook `%s`", kind, h->path);
		if (deadline && now_ms() > deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return rerr_make(err, 0, "%s hook `%s` timed out after %d s", kind, h->path,
					 h->timeout);
		}
		if (deadline)
			poll(NULL, 0, 10);
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFSIGNALED(status))
		return rerr_make(err, 0, "%s hook `%s` was killed by signal %d", kind, h->path,
				 WTERMSIG(status));
	return rerr_make(err, 0, "%s hook `%s` failed with exit status %d", kind, h->path,
			 WEXITSTATUS(status));
}

int hooks_run(const struct oci_spec *spec, enum oci_hook_kind kind, const char *state_json,
	      struct rerr **err)
{
	for (size_t i = 0; i < spec->n_hooks[kind]; i++)
		if (run_one(&spec->hooks[kind][i], hook_kind_name(kind), state_json, err) < 0)
			return -1;
	return 0;
}
