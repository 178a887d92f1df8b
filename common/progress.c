/* SPDX-License-Identifier: ISC */
/* The progress line on stderr (see progress.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "progress.h"
#include "tool.h"

#define REDRAW_MS 500

/* One progress line per process, on its one stderr, drawn from wherever a command counts and
 * erased by tool_warn from wherever a message is written: file scope so those calls need no
 * handle to pass around. */
static bool enabled, shown, ever_drawn, output_on_screen;
static double started_ms, last_ms;

static double
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

void
progress_init(enum progress_mode mode)
{
	if (mode == PROGRESS_AUTO) {
		const char *env = getenv("DOMSTAT_PROGRESS");
		if (env && (!strcmp(env, "0") || !strcmp(env, "1")))
			mode = *env == '1' ? PROGRESS_ON : PROGRESS_OFF;
		else
			mode = isatty(STDERR_FILENO) ? PROGRESS_ON : PROGRESS_OFF;
	}
	enabled = mode == PROGRESS_ON;
	output_on_screen = isatty(STDOUT_FILENO);
	started_ms = last_ms = now_ms();
}

bool
progress_on(void)
{
	return enabled;
}

double
progress_seconds(void)
{
	return (now_ms() - started_ms) / 1000.0;
}

bool
progress_due(void)
{
	return enabled && now_ms() - last_ms >= REDRAW_MS;
}

void
progress_draw(bool final, const char *fmt, ...)
{
	if (!enabled)
		return;
	struct buf b = BUF_INIT;
	buf_addf(&b, "\r%s: ", tool_name);
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	/* erase what a longer previous line left on the right */
	buf_adds(&b, final ? "\033[K\n" : "\033[K");
	fwrite(b.s, 1, b.len, stderr);
	buf_free(&b);
	shown = !final;
	ever_drawn = true;
	last_ms = now_ms();
}

void
progress_clear(void)
{
	if (!shown)
		return;
	fputs("\r\033[K", stderr);
	shown = false;
}

void
progress_before_output(void)
{
	if (output_on_screen)
		progress_clear();
}

void
progress_count(unsigned long long n, const char *what)
{
	if (!progress_due())
		return;
	double s = progress_seconds();
	progress_draw(false, "%llu %s, %.0f/s", n, what, s > 0 ? (double)n / s : 0.0);
}

void
progress_count_end(unsigned long long n, const char *what)
{
	if (!enabled || !ever_drawn)
		return;
	double s = progress_seconds();
	progress_draw(true, "%llu %s in %.1f s (%.0f/s)", n, what, s, s > 0 ? (double)n / s : 0.0);
}
