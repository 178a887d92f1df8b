/* SPDX-License-Identifier: ISC */
/* The command frame: name, messages, checked numbers, data lookup, checked output. */
#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dname.h"
#include "progress.h"
#include "tool.h"
#include "utf8.h"
#include "xalloc.h"

/* The command's name for every message, set once by tool_init, and stdout's buffer: one
 * process, one name, one stdout. */
const char *tool_name = PROJECT;
static char stdout_buffer[1 << 16];

void
tool_init(const char *name)
{
	tool_name = name;
	setlocale(LC_ALL, "");
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, stdout_buffer, isatty(STDOUT_FILENO) ? _IOLBF : _IOFBF,
		sizeof stdout_buffer);
}

void
tool_on_stop_signal(void (*fn)(int))
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* One message line. Messages quote outside data (a server's text, a name from an answer), so
 * what reaches the terminal is made safe: ill-formed UTF-8 becomes U+FFFD and control
 * characters (C0, DEL, C1) are written as \xNN or \uNNNN, so one message stays one line and
 * cannot carry terminal escape sequences. */
static void
vwarn_line(const char *fmt, va_list ap)
{
	struct buf msg = BUF_INIT, b = BUF_INIT;
	progress_clear();
	buf_vaddf(&msg, fmt, ap);
	buf_addf(&b, "%s: ", tool_name);
	buf_add_printable(&b, buf_str(&msg), msg.len);
	buf_addc(&b, '\n');
	fwrite(b.s, 1, b.len, stderr);
	buf_free(&msg);
	buf_free(&b);
}

void
tool_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vwarn_line(fmt, ap);
	va_end(ap);
}

void
tool_die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vwarn_line(fmt, ap);
	va_end(ap);
	exit(EXIT_FATAL);
}

void
tool_version(void)
{
	printf("%s (%s) %s\n", tool_name, PROJECT, VERSION);
	exit(tool_finish(0));
}

/* What to save when the reader goes away: output_failed runs deep inside tool_out, which has
 * no context to hand it, so the command registers it here once. */
static void (*closed_pipe_hook)(void);

void
tool_on_closed_pipe(void (*fn)(void))
{
	closed_pipe_hook = fn;
}

static void
output_failed(void)
{
	if (errno == EPIPE) {
		/* The reader went away: finish quietly, but let the command save its work. */
		if (closed_pipe_hook)
			closed_pipe_hook();
		_exit(0);
	}
	tool_die("cannot write output: %s", strerror(errno));
}

void
tool_out(const char *s, size_t n)
{
	progress_before_output();
	if (fwrite_unlocked(s, 1, n, stdout) != n)
		output_failed();
}

int
tool_finish(int status)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (errno == EPIPE)
			return 0;
		tool_warn("cannot write output: %s", strerror(errno));
		return EXIT_FATAL;
	}
	return status;
}

double
opt_double(const char *opt, const char *arg, double min, double max)
{
	char *end;
	errno = 0;
	double v = strtod(arg, &end);
	if (errno || end == arg || *end || !isfinite(v) || v < min || v > max)
		tool_die("invalid value for --%s: '%s'", opt, arg);
	return v;
}

long
opt_long(const char *opt, const char *arg, long min, long max)
{
	char *end;
	errno = 0;
	long v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < min || v > max)
		tool_die("invalid value for --%s: '%s' (expected %ld to %ld)", opt, arg, min, max);
	return v;
}

/* Would a person have meant this operand as a domain name? A name with a registrable domain
 * and nothing of a path about it. */
static bool
looks_like_domain(const char *s)
{
	if (strchr(s, '/') || !strchr(s, '.'))
		return false;
	struct dname d;
	dname_init(&d);
	bool yes = dname_set(&d, s, strlen(s)) == 0 && dname_registrable(&d);
	dname_free(&d);
	return yes;
}

void
tool_check_files(char *const *names, int n, const char *lookup)
{
	for (int i = 0; i < n; i++) {
		const char *f = names[i];
		struct stat sb;
		if (!strcmp(f, "-"))
			continue;
		if (stat(f, &sb) == 0 && S_ISDIR(sb.st_mode))
			tool_die("cannot read '%s': %s", f, strerror(EISDIR));
		if (access(f, R_OK) == 0)
			continue;
		int e = errno;
		if (e == ENOENT && looks_like_domain(f)) {
			if (lookup)
				tool_die("cannot open '%s': %s (to look up one name: %s %s)", f,
					 strerror(e), lookup, f);
			tool_die("cannot open '%s': %s (to look up one name: echo %s | %s)", f,
				 strerror(e), f, tool_name);
		}
		tool_die("cannot open '%s': %s", f, strerror(e));
	}
}

void
tool_die_read(const struct linereader *lr)
{
	if (lr->name)
		tool_die("cannot read '%s': %s", lr->name, strerror(lr->error));
	tool_die("cannot read input: %s", strerror(lr->error));
}

static char *
try_path(const char *dir, const char *mid, const char *rel)
{
	struct buf b = BUF_INIT;
	buf_addf(&b, "%s%s/%s", dir, mid, rel);
	if (access(b.s, R_OK) == 0)
		return b.s;
	buf_free(&b);
	return NULL;
}

char *
share_path(const char *rel)
{
	char *p;
	const char *env = getenv("DOMSTAT_SHARE");
	if (env && *env)
		return try_path(env, "", rel);
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			/* installed anywhere: <prefix>/bin/<cmd> and <prefix>/share/domstat */
			if ((p = try_path(exe, "/../share/" PROJECT, rel)))
				return p;
			/* in-tree: <top>/build/bin/<cmd> next to <top>/share */
			if ((p = try_path(exe, "/../../share", rel)))
				return p;
		}
	}
	return try_path(DATADIR, "", rel);
}
