/* SPDX-License-Identifier: ISC */
/* A command's options, declared once in one table (git's parse-options is the model): from it
 * come getopt_long's table and short-option string, the usage line and --help, so the three
 * cannot drift apart. The command still handles each option in its own switch. */
#ifndef OPTIONS_H
#define OPTIONS_H
#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>

#include "progress.h"

/* Ids of the options every command shares that have no short letter; a command's own ids
 * start at 256 and stay below these. */
enum { OPT_MAX_LINE = 0x1000, OPT_PROGRESS, OPT_NO_PROGRESS };

struct opt {
	int id;		  /* what getopt_long returns: the short letter, or an id >= 256 */
	const char *name; /* long name; NULL makes the row a line of text in --help */
	const char *arg;  /* the value's name ("PATH"; "[FILE]" if it may be left out), or NULL */
	const char *help; /* --help's text; '\n' starts another line in the same column */
	const char *only; /* the usage lines it is shown in: NULL for the first one only, else
			   * their keys, space separated ("main" is the first); a word that is no
			   * key ("none") leaves it to a form's lead */
};

/* A further usage line: "cmd LEAD [options whose only names KEY] OPERANDS". */
struct opt_form {
	const char *key, *lead, *operands;
};

#define OPTS_MAX 64

struct opts {
	const char *cmd;	      /* the command's name */
	const char *about;	      /* --help's first line(s), without the final newline */
	const struct opt *table;      /* ends with a row whose name and help are NULL */
	const char *operands;	      /* after the options in the first usage line, or NULL */
	const struct opt_form *forms; /* further usage lines, ending with a NULL key; or NULL */
	/* made from table by the first opts_next */
	struct option longopts[OPTS_MAX + 1];
	char shortopts[2 * OPTS_MAX + 1];
};

/* A number macro as a string literal, for a default in a row's help: OPT_STR(REC_SCAN_READ_MAX). */
#define OPT_STR_(x) #x
#define OPT_STR(x)  OPT_STR_(x)

/* Rows every command has. --max-line's default (a string) differs between commands; only is
 * as in struct opt. */
#define OPT_ROW_MAX_LINE(dflt, only)                                                               \
	{                                                                                          \
		OPT_MAX_LINE, "max-line", "BYTES",                                                 \
		    "longest input line handled (default " dflt ")", only                          \
	}
/* --field and --pass-through, the same in every filter (domstat(7), INPUT). */
#define OPT_ROW_FIELD(only)                                                                        \
	{                                                                                          \
		'f', "field", "PATH", "member holding the domain, a jq path (default domain)",     \
		    only                                                                           \
	}
#define OPT_ROW_PASS(help, only)                                                                   \
	{                                                                                          \
		'P', "pass-through", NULL, help, only                                              \
	}
#define OPT_PASS_HELP                                                                              \
	"lines without the field, or whose field is no domain\n"                                   \
	"name, pass unchanged, with no error"
#define OPT_ROWS_PROGRESS(only)                                                                    \
	{OPT_PROGRESS, "progress", NULL, "show a progress line on stderr (default: on a tty)",     \
	 only},                                                                                    \
	{                                                                                          \
		OPT_NO_PROGRESS, "no-progress", NULL, "never show it", only                        \
	}
/* The end of every table. */
#define OPT_ROWS_HELP                                                                              \
	{'h', "help", NULL, "this help", NULL}, {'V', "version", NULL, "version", NULL},           \
	{                                                                                          \
		0, NULL, NULL, NULL, NULL                                                          \
	}
#define OPT_ROWS_COMMON OPT_ROWS_PROGRESS(NULL), OPT_ROWS_HELP

/* getopt_long over the table: the next option's id, '?' for an unknown one, -1 at the end. */
int opts_next(struct opts *o, int argc, char **argv);
/* Take c if it is one of the options every command shares (OPT_ROW_MAX_LINE, OPT_ROWS_PROGRESS,
 * OPT_ROWS_HELP): sets *max_line or *progress, or prints --help or --version and exits.
 * Returns whether it was one of them, so a command's own switch sees only its own options. */
bool opts_common(const struct opts *o, int c, size_t *max_line, enum progress_mode *progress);
/* The value of --field after checking it is a path domstat(7) describes: when it is not, say
 * why and exit 2 before any input is read. */
const char *opt_field(const char *arg);
/* Take c if it is --field or --pass-through (OPT_ROW_FIELD, OPT_ROW_PASS), which every filter
 * reads the same way: sets *field (a checked path) or *pass. Returns whether it was one. */
bool opts_record(int c, const char **field, bool *pass);
/* The operands after the options are the input files, read in order (none: standard input);
 * each is checked now, before anything is read or made (tool_check_files, with its hint). */
void opts_files(int argc, char **argv, char ***files, int *nfiles, const char *lookup);
/* The shared settings (settings.h) into st, for the options a command was not given: a broken
 * settings file is a usage error naming its file and line (exit 2). settings_free(st) after. */
struct settings;
void opts_settings(struct settings *st);
/* The usage lines on stderr, then exit 2. */
void opts_usage(const struct opts *o) __attribute__((noreturn));
/* --help on stdout, then exit 0 (2 if stdout fails). */
void opts_help(const struct opts *o) __attribute__((noreturn));

#endif
