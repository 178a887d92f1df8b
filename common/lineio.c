/* SPDX-License-Identifier: ISC */
/* Bounded line reader over read(2). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lineio.h"
#include "xalloc.h"

#define CHUNK (256 * 1024)

void
lr_init(struct linereader *lr, int fd, size_t max)
{
	memset(lr, 0, sizeof *lr);
	lr->fd = fd;
	lr->max = max ? max : LINE_MAX_DEFAULT;
	/* the buffer grows only for a line that needs it (up to max + CHUNK): a large max costs
	 * no memory until such a line comes */
	lr->cap = lr->max + CHUNK < 2 * CHUNK ? lr->max + CHUNK : 2 * CHUNK;
	lr->buf = xmalloc(lr->cap);
}

void
lr_files(struct linereader *lr, char *const *names, size_t n)
{
	lr->files = names;
	lr->nfiles = n;
	lr->nextfile = 0;
	lr->fd = -1;
	lr->eof = true; /* the first lr_next opens the first file */
}

/* The file after the one that ended: 1 when it is open, 0 when there is none, -1 when it
 * cannot be opened. */
static int
next_file(struct linereader *lr)
{
	if (lr->nextfile >= lr->nfiles || (lr->stop && *lr->stop))
		return 0;
	if (lr->fd > 0)
		close(lr->fd);
	const char *name = lr->files[lr->nextfile++];
	lr->name = strcmp(name, "-") ? name : NULL;
	lr->fd = lr->name ? open(name, O_RDONLY | O_CLOEXEC) : 0;
	if (lr->fd < 0) {
		lr->error = errno;
		return -1;
	}
	lr->eof = false;
	lr->start = lr->end = 0;
	lr->lineno = 0;
	return 1;
}

void
lr_free(struct linereader *lr)
{
	if (lr->files && lr->fd > 0)
		close(lr->fd);
	lr->fd = -1;
	free(lr->buf);
	free(lr->head);
	lr->buf = lr->head = NULL;
}

/* Would a read block? Only then is the before_block hook worth calling. */
static bool
would_block(int fd)
{
	struct pollfd p = {fd, POLLIN, 0};
	return poll(&p, 1, 0) == 0;
}

static int
fill(struct linereader *lr)
{
	if (lr->start > 0) {
		memmove(lr->buf, lr->buf + lr->start, lr->end - lr->start);
		lr->end -= lr->start;
		lr->start = 0;
	}
	if (lr->end == lr->cap) { /* a line longer than the buffer, not yet over max */
		size_t want = lr->cap * 2 < lr->max + CHUNK ? lr->cap * 2 : lr->max + CHUNK;
		lr->buf = xrealloc(lr->buf, want);
		lr->cap = want;
	}
	if (lr->before_block && would_block(lr->fd))
		lr->before_block(lr->arg);
	size_t room = lr->cap - lr->end < CHUNK ? lr->cap - lr->end : CHUNK;
	for (;;) {
		ssize_t r = read(lr->fd, lr->buf + lr->end, room);
		if (r < 0 && errno == EINTR && lr->stop && *lr->stop) {
			lr->eof = true; /* a signal asked the command to finish */
			return 0;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			lr->error = errno;
			return -1;
		}
		if (r == 0)
			lr->eof = true;
		lr->end += (size_t)r;
		return (int)(r > 0);
	}
}

/* Skip input up to and including the next newline (or to the end). */
static void
skip_rest_of_line(struct linereader *lr)
{
	for (;;) {
		char *e = memchr(lr->buf + lr->start, '\n', lr->end - lr->start);
		if (e) {
			lr->start = (size_t)(e - lr->buf) + 1;
			return;
		}
		lr->start = lr->end;
		if (lr->eof || fill(lr) <= 0)
			return;
	}
}

int
lr_next(struct linereader *lr, const char **line, size_t *len, bool *too_long)
{
	size_t scanned = 0;
	*too_long = false;
	for (;;) {
		char *s = lr->buf + lr->start;
		size_t avail = lr->end - lr->start;
		char *nl = memchr(s + scanned, '\n', avail - scanned);
		if (nl ? (size_t)(nl - s) > lr->max : avail > lr->max) {
			/* Keep the head of an over-long line aside, drop the rest of it. */
			*too_long = true;
			if (!lr->head)
				lr->head = xmalloc(lr->max);
			memcpy(lr->head, s, lr->max);
			lr->start += lr->max;
			skip_rest_of_line(lr);
			lr->lineno++;
			*line = lr->head;
			*len = lr->max;
			return 1;
		}
		if (nl || (lr->eof && avail > 0)) {
			size_t n = nl ? (size_t)(nl - s) : avail;
			lr->start += n + (nl ? 1 : 0);
			if (n > 0 && s[n - 1] == '\r')
				n--;
			/* A UTF-8 byte order mark (an editor's, or of each file cat put together)
			 * is no part of the line: RFC 8259 lets a reader ignore it. */
			if (n >= 3 && !memcmp(s, "\xef\xbb\xbf", 3)) {
				s += 3;
				n -= 3;
			}
			lr->lineno++;
			*line = s;
			*len = n;
			return 1;
		}
		if (lr->eof) {
			int next = next_file(lr);
			if (next <= 0)
				return next;
			scanned = 0;
			continue;
		}
		scanned = avail;
		if (fill(lr) < 0)
			return -1;
	}
}
