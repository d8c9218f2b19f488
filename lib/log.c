/* Logging: see log.h for the contract. */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

static int log_fd_ = -1;
static enum log_format log_fmt_ = LOG_TEXT;
static bool log_debug_;
static bool log_stderr_ = true;
static const char *log_name_ = "runuml";

static const char *const level_names[] = { "error", "warning", "info", "debug" };

int log_init(const char *path, enum log_format fmt, bool debug)
{
	log_fmt_ = fmt;
	log_debug_ = debug;
	if (log_fd_ >= 0) {
		close(log_fd_);
		log_fd_ = -1;
	}
	if (!path || !*path)
		return 0;
	log_fd_ = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0640);
	return log_fd_ < 0 ? -1 : 0;
}

void log_set_name(const char *name)
{
	log_name_ = name;
}

int log_fd(void)
{
	return log_fd_;
}

void log_set_stderr(bool on)
{
	log_stderr_ = on;
}

size_t log_json_escape(char *buf, size_t size, const char *s)
{
	size_t n = 0;

	if (!size)
		return 0;
	for (; *s && n + 7 < size; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			buf[n++] = '\\';
			buf[n++] = (char)c;
		} else if (c == '\n') {
			buf[n++] = '\\';
			buf[n++] = 'n';
		} else if (c == '\t') {
			buf[n++] = '\\';
			buf[n++] = 't';
		} else if (c < 0x20 || c == 0x7f) {
			n += (size_t)snprintf(buf + n, size - n, "\\u%04x", c);
		} else {
			buf[n++] = (char)c;
		}
	}
	buf[n] = '\0';
	return n;
}

static void write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		len -= (size_t)w;
	}
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	char msg[4096], line[8192], esc[6144], ts[64];
	int saved = errno;
	struct timespec now;
	struct tm tm;
	va_list ap;
	int n;

	if (lvl == LOG_LEVEL_DEBUG && !log_debug_)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* one line: a message never spans lines */
	for (char *p = msg; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';

	if (log_fd_ >= 0) {
		clock_gettime(CLOCK_REALTIME, &now);
		gmtime_r(&now.tv_sec, &tm);
		n = (int)strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
		snprintf(ts + n, sizeof(ts) - (size_t)n, ".%09ldZ", now.tv_nsec);
		if (log_fmt_ == LOG_JSON) {
			log_json_escape(esc, sizeof(esc), msg);
			n = snprintf(line, sizeof(line), "{\"level\":\"%s\",\"msg\":\"%s\",\"time\":\"%s\"}\n",
				     level_names[lvl], esc, ts);
		} else {
			n = snprintf(line, sizeof(line), "time=\"%s\" level=%s msg=\"%s\"\n", ts,
				     level_names[lvl], msg);
		}
		if (n > 0)
			write_all(log_fd_, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
	}
	if ((log_fd_ < 0 && (lvl <= LOG_LEVEL_WARN || log_debug_)) ||
	    (log_fd_ >= 0 && lvl == LOG_LEVEL_ERROR && log_stderr_)) {
		n = snprintf(line, sizeof(line), "%s: %s%s\n", log_name_,
			     lvl == LOG_LEVEL_WARN ? "warning: " : "", msg);
		if (n > 0)
			write_all(STDERR_FILENO, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
	}
	errno = saved;
}
