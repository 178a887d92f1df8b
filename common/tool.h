/* SPDX-License-Identifier: ISC */
/* The frame every command shares: its name, messages on stderr, checked numbers from the
 * command line, where shipped data lives, and a checked end of output. This file, record.c and
 * options.c are the only shared code that prints, because printing is their job. */
#ifndef TOOL_H
#define TOOL_H
#include <stdbool.h>
#include <stdio.h>

#include "buf.h"
#include "lineio.h"

#define EXIT_RECORD_ERRORS 1
#define EXIT_FATAL	   2

extern const char *tool_name;

/* Locale, SIGPIPE ignored (a closed pipe is an EPIPE write error we end on quietly), a large
 * stdout buffer. */
void tool_init(const char *name);
/* "name: message" on stderr. */
void tool_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* tool_warn, then exit(2). */
void tool_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* Print "name (domstat) VERSION" and exit 0. */
void tool_version(void) __attribute__((noreturn));
/* Write a whole buffer to stdout; on a closed pipe exit 0 at once, on other errors exit 2. */
void tool_out(const char *s, size_t n);
/* Run fn (e.g. commit a store batch) before a closed downstream pipe ends the command. */
void tool_on_closed_pipe(void (*fn)(void));
/* Call fn on SIGINT and SIGTERM, without restarting the interrupted read, so a command can
 * commit what it holds before it ends the way the signal means. */
void tool_on_stop_signal(void (*fn)(int));
/* Flush and check stdout; return status (or 2 if output failed, 0 after a closed pipe). */
int tool_finish(int status);

/* Checked conversions of option arguments: on error print "invalid value for --opt" and exit 2. */
double opt_double(const char *opt, const char *arg, double min, double max);
long opt_long(const char *opt, const char *arg, long min, long max);

/* Check a filter's file operands before any input is read: each must be "-" (standard input)
 * or a file that can be read and is not a folder; otherwise say why and exit 2. An operand that
 * is no file but looks like a domain name gets a hint on how to look one name up: lookup
 * followed by the name ("seen-db get"), or when lookup is NULL "echo NAME | command". */
void tool_check_files(char *const *names, int n, const char *lookup);
/* Die (status 2) on a failed read of lr: "cannot read 'FILE': why", or of standard input. */
void tool_die_read(const struct linereader *lr) __attribute__((noreturn));

/* Find shipped data: $DOMSTAT_SHARE, then in-tree (next to the build), then installed
 * (relative to the binary, then DATADIR). Returns a malloc'd path or NULL. */
char *share_path(const char *rel);

#endif
