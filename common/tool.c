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
#include <sys/uio.h>
#include <unistd.h>

#include "progress.h"
#include "tool.h"
#include "utf8.h"
#include "xalloc.h"

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
	const unsigned char *s = (const unsigned char *)buf_str(&msg);
	for (size_t i = 0; i < msg.len;) {
		uint32_t cp;
		size_t n = utf8_decode1(s + i, msg.len - i, &cp);
		if (cp < 0x20 || cp == 0x7f)
			buf_addf(&b, "\\x%02x", (unsigned)cp);
		else if (cp >= 0x80 && cp < 0xa0)
			buf_addf(&b, "\\u%04x", (unsigned)cp);
		else if (cp == UTF8_REPLACEMENT)
			buf_add_utf8(&b, cp);
		else
			buf_add(&b, (const char *)s + i, n);
		i += n;
	}
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

/* Direct output (tool_out_direct): stdout written with writev from a queue of pieces, some
 * copied into the queue's own buffer, some left where the caller has them (tool_out_ref), so a
 * record's unchanged text goes from the line reader's buffer to the kernel without a copy.
 * The queue writes at the very moments stdio would with stdout_buffer (glibc's fwrite on a
 * full-buffered stream): when what is pending grows past one buffer, it writes the largest
 * whole number of buffers and keeps the rest; so the output, its write errors and how it
 * interleaves with messages on stderr stay what they were. */
#define OUT_BLOCK     sizeof stdout_buffer
#define OUT_COPY_LESS 512 /* shorter pieces are copied: keeps the queue short */
#define OUT_IOV	      64  /* iovecs per writev */

struct out_piece {
	const char *p; /* the caller's bytes, or NULL for the queue's own, at own.s + off */
	size_t off, len;
};

static struct {
	bool on;
	bool fresh; /* nothing written yet (glibc writes a first fwrite of one whole buffer) */
	bool error; /* a flush failed (stdio's error flag) */
	struct buf own;
	struct out_piece *v;
	size_t n, cap;
	size_t pending; /* bytes queued */
	size_t begin;	/* own.len at tool_out_begin */
} q;

static const char *
piece_bytes(const struct out_piece *pc)
{
	return pc->p ? pc->p : q.own.s + pc->off;
}

/* Write the first w bytes of the queue (glibc's write loop: a short write goes on, an error
 * stops with errno set). */
static int
q_write(size_t w)
{
	size_t i = 0, skip = 0; /* the next byte: piece i, skip bytes in */
	while (w > 0) {
		struct iovec iov[OUT_IOV];
		int k = 0;
		size_t left = w;
		for (size_t j = i, o = skip; j < q.n && k < OUT_IOV && left; j++, o = 0) {
			size_t len = q.v[j].len - o;
			if (len > left)
				len = left;
			iov[k].iov_base = (void *)(piece_bytes(&q.v[j]) + o);
			iov[k++].iov_len = len;
			left -= len;
		}
		ssize_t r = writev(STDOUT_FILENO, iov, k);
		if (r < 0)
			return -1;
		w -= (size_t)r;
		for (size_t d = (size_t)r; d > 0;) {
			size_t rest = q.v[i].len - skip;
			if (d < rest) {
				skip += d;
				break;
			}
			d -= rest;
			i++;
			skip = 0;
		}
	}
	return 0;
}

static void
q_clear(void)
{
	q.n = 0;
	q.pending = 0;
	q.own.len = 0;
}

/* Keep the last rem bytes of the last piece as the whole queue, after the rest was written. */
static void
q_keep_tail(size_t rem)
{
	struct out_piece last = q.v[q.n - 1];
	q_clear();
	if (!rem)
		return;
	if (last.p)
		last.p += last.len - rem;
	else
		last.off += last.len - rem;
	last.len = rem;
	if (!last.p) {
		/* the queue's own bytes: move them to the front, unless they are many and the
		 * buffer is still small (then they go later, with what follows) */
		if (rem <= 4096 || last.off >= 4 * OUT_BLOCK) {
			memmove(q.own.s, q.own.s + last.off, rem);
			last.off = 0;
		}
		q.own.len = last.off + rem;
	}
	q.v[q.n++] = last;
	q.pending = rem;
}

/* Queue n bytes (p NULL: own.s + off) and write what stdio would have written by now. */
static void
q_add(const char *p, size_t off, size_t n)
{
	if (!n)
		return;
	size_t t = q.pending + n;
	bool write = t > OUT_BLOCK || (q.fresh && n >= OUT_BLOCK);
	q.fresh = false;
	struct out_piece *prev = q.n ? &q.v[q.n - 1] : NULL;
	if (prev && !p && !prev->p && prev->off + prev->len == off) {
		prev->len += n;
	} else if (prev && p && prev->p && prev->p + prev->len == p) {
		prev->len += n;
	} else {
		q.v = xgrow(q.v, &q.cap, q.n + 1, sizeof *q.v);
		q.v[q.n++] = (struct out_piece){p, off, n};
	}
	q.pending = t;
	if (!write)
		return;
	if (q_write(t - t % OUT_BLOCK) < 0) {
		q_clear(); /* what stdio does with its buffer after a failed write */
		output_failed();
	}
	q_keep_tail(t % OUT_BLOCK);
}

/* fflush: write everything; a failure drops it and is remembered. */
static int
q_flush(void)
{
	if (!q.pending)
		return 0;
	int rc = q_write(q.pending);
	q_clear();
	if (rc < 0) {
		q.error = true;
		return EOF;
	}
	return 0;
}

/* exit() flushes stdio's buffer, ignoring errors; so does this for the queue. */
static void
q_at_exit(void)
{
	q_flush();
}

void
tool_out_direct(void)
{
	/* a terminal gets stdio's line buffering: records show as they are done */
	if (q.on || isatty(STDOUT_FILENO))
		return;
	fflush(stdout);
	q.on = true;
	q.fresh = true;
	atexit(q_at_exit);
}

void
tool_out(const char *s, size_t n)
{
	progress_before_output();
	if (q.on) {
		size_t off = q.own.len;
		buf_add(&q.own, s, n);
		q_add(NULL, off, n);
		return;
	}
	if (fwrite_unlocked(s, 1, n, stdout) != n)
		output_failed();
}

void
tool_out_ref(const char *s, size_t n)
{
	if (!q.on || n < OUT_COPY_LESS) {
		tool_out(s, n);
		return;
	}
	progress_before_output();
	q_add(s, 0, n);
}

void
tool_out_keep(void)
{
	for (size_t i = 0; i < q.n; i++) {
		struct out_piece *pc = &q.v[i];
		if (pc->p) {
			pc->off = q.own.len;
			buf_add(&q.own, pc->p, pc->len);
			pc->p = NULL;
		}
	}
}

struct buf *
tool_out_begin(void)
{
	static struct buf out;
	if (q.on) {
		q.begin = q.own.len;
		return &q.own;
	}
	buf_reset(&out);
	return &out;
}

void
tool_out_end(struct buf *b)
{
	if (q.on) {
		progress_before_output();
		q_add(NULL, q.begin, b->len - q.begin);
	} else {
		tool_out(b->s, b->len);
	}
}

int
tool_out_flush(void)
{
	if (q.on && q_flush() != 0)
		return EOF;
	return fflush(stdout);
}

int
tool_finish(int status)
{
	if (tool_out_flush() != 0 || q.error || ferror(stdout)) {
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
