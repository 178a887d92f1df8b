/* SPDX-License-Identifier: ISC */
/* The progress line of long runs: one status line on stderr, redrawn at most twice a second,
 * only when stderr is a terminal (DOMSTAT_PROGRESS=1 or 0 forces it on or off), so a command
 * in a pipeline or under cron stays silent. tool_warn() erases it before a message. */
#ifndef PROGRESS_H
#define PROGRESS_H
#include <stdbool.h>

enum progress_mode { PROGRESS_AUTO = -1, PROGRESS_OFF = 0, PROGRESS_ON = 1 };

/* Decide whether the line is shown (AUTO: DOMSTAT_PROGRESS, else a terminal on stderr) and
 * start the clock. */
void progress_init(enum progress_mode mode);
bool progress_on(void);
/* Seconds since progress_init. */
double progress_seconds(void);
/* The line is on and half a second has passed since it was last drawn. */
bool progress_due(void);
/* Draw "\r<command>: <text>" over the previous line; final ends it with a newline. */
void progress_draw(bool final, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Erase a drawn line (before another message on stderr). */
void progress_clear(void);
/* Erase it before output when standard output is the same screen (tool_out calls this), so
 * records never start in the middle of the line; into a pipe or a file it stays. */
void progress_before_output(void);
/* The line of the plain filters: "N <what>, R/s" when due. */
void progress_count(unsigned long long n, const char *what);
/* Its final form, "N <what> in S s (R/s)", if a line was drawn during the run: a run too short
 * to draw one prints nothing. */
void progress_count_end(unsigned long long n, const char *what);

#endif
