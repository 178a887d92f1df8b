/* SPDX-License-Identifier: ISC */
/* Reading lines from a file descriptor with a bound on line length, so memory stays flat
 * whatever the input. Lines may hold any bytes, NUL included. */
#ifndef LINEIO_H
#define LINEIO_H
#include <stdbool.h>
#include <stddef.h>

#define LINE_MAX_DEFAULT (1024 * 1024)

struct linereader {
	int fd;
	char *buf;
	char *head; /* the kept head of an over-long line */
	size_t cap, start, end;
	size_t max;	      /* longest line kept whole */
	unsigned long lineno; /* number of the line last returned, from 1 */
	bool eof;
	int error;		      /* errno of a failed read */
	void (*before_block)(void *); /* called before a read that may wait (flush output) */
	volatile int *stop;	      /* when set and nonzero, an interrupted read ends the input */
	void *arg;
	char *const *files; /* lr_files: the operands, read one after the other */
	size_t nfiles, nextfile;
	const char *name; /* the file being read (an operand), or NULL for standard input */
};

void lr_init(struct linereader *lr, int fd, size_t max);
void lr_free(struct linereader *lr);
/* Read the n files named, in order, instead of lr's fd (as cat would, but a file's last line
 * needs no newline); "-" is standard input. Each is opened when the one before it ends; line
 * numbers start again at 1 in each, and lr->name says which is being read. A file that cannot
 * be opened is a read error (lr->name is then that file). */
void lr_files(struct linereader *lr, char *const *names, size_t n);
/* Next line without its newline (nor a trailing CR or a leading UTF-8 BOM). Returns 1 and
 * sets *line, *len; 0 at end of input; -1 on a read error. A line longer than max is cut to its
 * first max bytes (the rest is skipped) and *too_long is set. */
int lr_next(struct linereader *lr, const char **line, size_t *len, bool *too_long);

#endif
