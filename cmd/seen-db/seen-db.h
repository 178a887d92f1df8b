/* SPDX-License-Identifier: ISC */
/* seen-db's parts: the filter (seen-db.c) and the admin subcommands (admin.c, import.c). */
#ifndef SEEN_DB_H
#define SEEN_DB_H
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "date.h"
#include "progress.h"
#include "store.h"

#define BROWSE_MAX_LIMIT 10000
#define ESTABLISHED_DAYS 730

struct options {
	const char *db;
	const char *field;
	char **files; /* the filter's operands: input files, none for standard input */
	int nfiles;
	bool pass; /* --pass-through */
	enum date_style dates;
	bool compat;
	long established_days;
	size_t max_line;
	enum progress_mode progress;
	/* subcommands */
	const char *tag;
	bool never_expire;
	long seed_version; /* import --seed-version, ISC_MINORS-scaled; -1 when not given */
	const char *format;
	long offset, limit;
	bool reset;
};

extern volatile sig_atomic_t stop_signal;

/* Open the store or end the program with its message (status 2). */
struct store *open_store(const struct options *o, int flags);
/* Commit and close, or end with status 2. */
void close_store(struct store *s);
/* Catch SIGINT and SIGTERM so the open batch is committed before the end. */
void catch_signals(void);
/* After committing: end the way the signal would have. */
void die_of_signal(void) __attribute__((noreturn));

/* "ESTABLISHED" or "NEW" by the age of a registration. */
const char *category_of(int64_t created, int64_t now, long established_days);
/* One row as our NDJSON line (export, browse, get): no newline. With established_days >= 0,
 * a known registration's category too (browse, get). */
void format_row(struct buf *out, const char *domain, const struct seen_info *si,
		const struct reg_info *ri, enum date_style dates, int64_t now, bool with_live,
		long established_days);

int cmd_import(const struct options *o, int argc, char **argv);
int cmd_export(const struct options *o, int argc, char **argv);
int cmd_get(const struct options *o, int argc, char **argv);
int cmd_browse(const struct options *o, int argc, char **argv);
int cmd_stats(const struct options *o, int argc, char **argv);
int cmd_expire(const struct options *o, int argc, char **argv);
int cmd_vacuum(const struct options *o, int argc, char **argv);
int cmd_depuny(const struct options *o, int argc, char **argv);

#endif
