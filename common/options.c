/* SPDX-License-Identifier: ISC */
/* getopt_long's table, the usage lines and --help, all made from one option table. Printing
 * usage and help is this file's job, as it is tool.c's to print messages. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "jpath.h"
#include "options.h"
#include "settings.h"
#include "tool.h"

#define USAGE_WIDTH 80
/* --help's text column: after the widest option, but no further right than this. */
#define HELP_COLUMN_MAX 30

static bool
is_row(const struct opt *r)
{
	return r->name || r->help;
}

static void
build(struct opts *o)
{
	size_t n = 0, s = 0;
	for (const struct opt *r = o->table; is_row(r); r++) {
		if (!r->name)
			continue;
		if (n == OPTS_MAX)
			tool_die("BUG: more than %d options", OPTS_MAX);
		int has = !r->arg	     ? no_argument
			  : r->arg[0] == '[' ? optional_argument
					     : required_argument;
		o->longopts[n++] = (struct option){r->name, has, NULL, r->id};
		if (r->id > 0 && r->id < 128) {
			o->shortopts[s++] = (char)r->id;
			if (has == required_argument)
				o->shortopts[s++] = ':';
		}
	}
	o->longopts[n] = (struct option){NULL, 0, NULL, 0};
	o->shortopts[s] = '\0';
}

int
opts_next(struct opts *o, int argc, char **argv)
{
	if (!o->longopts[0].name)
		build(o);
	return getopt_long(argc, argv, o->shortopts, o->longopts, NULL);
}

/* "[-f PATH]", "[--db FILE]", "[--compat]". */
static void
usage_item(const struct opt *r, char *out, size_t size)
{
	const char *space = r->arg ? " " : "", *arg = r->arg ? r->arg : "";
	if (r->id > 0 && r->id < 128)
		snprintf(out, size, "[-%c%s%s]", (char)r->id, space, arg);
	else
		snprintf(out, size, "[--%s%s%s]", r->name, space, arg);
}

/* Sort key: options without a value first, then by name. */
static int
usage_cmp(const void *a, const void *b)
{
	const struct opt *x = *(const struct opt *const *)a, *y = *(const struct opt *const *)b;
	if (!x->arg != !y->arg)
		return x->arg ? 1 : -1;
	char kx[2] = {(char)x->id, 0}, ky[2] = {(char)y->id, 0};
	const char *nx = x->id > 0 && x->id < 128 ? kx : x->name;
	const char *ny = y->id > 0 && y->id < 128 ? ky : y->name;
	int c = strcasecmp(nx, ny);
	return c ? c : strcmp(nx, ny);
}

static bool
belongs(const struct opt *r, const char *key)
{
	if (!r->only)
		return !strcmp(key, "main");
	size_t n = strlen(key);
	for (const char *p = r->only; (p = strstr(p, key)); p += n)
		if ((p == r->only || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
	return false;
}

/* One usage line, wrapped under its first word: prefix, the options of key, operands. */
static void
usage_line(const struct opts *o, const char *prefix, const char *lead, const char *key,
	   const char *operands)
{
	const struct opt *rows[OPTS_MAX];
	size_t n = 0;
	for (const struct opt *r = o->table; is_row(r) && n < OPTS_MAX; r++)
		if (r->name && belongs(r, key))
			rows[n++] = r;
	qsort(rows, n, sizeof rows[0], usage_cmp);
	int indent = fprintf(stderr, "%s%s", prefix, o->cmd) + 1, col = indent - 1;
	char item[256];
	for (size_t i = 0; i <= n + 1; i++) {
		const char *w = item;
		if (i == 0)
			w = lead;
		else if (i <= n)
			usage_item(rows[i - 1], item, sizeof item);
		else
			w = operands;
		if (!w || !*w)
			continue;
		int len = (int)strlen(w);
		if (col > indent && col + 1 + len > USAGE_WIDTH)
			col = fprintf(stderr, "\n%*s%s", indent, "", w) - 1;
		else
			col += fprintf(stderr, " %s", w);
	}
	fputc('\n', stderr);
}

const char *
opt_field(const char *arg)
{
	struct jpath p;
	const char *why;
	size_t at;
	if (jpath_parse(&p, arg, strlen(arg), &why, &at) < 0)
		tool_die("invalid value for --field: '%s' (%s at byte %zu)", arg, why, at + 1);
	jpath_free(&p);
	return arg;
}

void
opts_settings(struct settings *st)
{
	struct buf why = BUF_INIT;
	settings_init(st);
	if (settings_load(st, &why) < 0)
		tool_die("%s", why.s);
	buf_free(&why);
}

void
opts_usage(const struct opts *o)
{
	usage_line(o, "usage: ", NULL, "main", o->operands);
	for (const struct opt_form *f = o->forms; f && f->key; f++)
		usage_line(o, "       ", f->lead, f->key, f->operands);
	exit(EXIT_FATAL);
}

/* "  -f, --field PATH" or "      --db FILE"; returns its width. */
static int
help_left(const struct opt *r)
{
	char sh[8] = "    ";
	if (r->id > 0 && r->id < 128)
		snprintf(sh, sizeof sh, "-%c, ", (char)r->id);
	return printf("  %s--%s%s%s", sh, r->name, r->arg ? " " : "", r->arg ? r->arg : "");
}

void
opts_help(const struct opts *o)
{
	int column = 0;
	for (const struct opt *r = o->table; is_row(r); r++) {
		if (!r->name)
			continue;
		int w = 8 + (int)strlen(r->name) + (r->arg ? 1 + (int)strlen(r->arg) : 0) + 2;
		if (w > column && w <= HELP_COLUMN_MAX)
			column = w;
	}
	printf("%s\n\n", o->about);
	for (const struct opt *r = o->table; is_row(r); r++) {
		if (!r->name) {
			printf("%s\n", r->help);
			continue;
		}
		int w = help_left(r);
		const char *h = r->help;
		for (bool first = true; *h; first = false) {
			size_t n = strcspn(h, "\n");
			if (first)
				printf("%*s%.*s\n", w < column ? column - w : 1, "", (int)n, h);
			else
				printf("%*s%.*s\n", column, "", (int)n, h);
			h += n + (h[n] == '\n');
		}
		if (!*r->help)
			putchar('\n');
	}
	if (o->operands && strstr(o->operands, "FILE"))
		printf("\nFILE ... are read one after the other ('-' is standard input, which is "
		       "read\n"
		       "when there is none); see domstat(7), Input files.\n");
	printf("\nSee %s(1) and domstat(7).\n", o->cmd);
	exit(tool_finish(0));
}

bool
opts_record(int c, const char **field, bool *pass)
{
	switch (c) {
	case 'f':
		*field = opt_field(optarg);
		return true;
	case 'P':
		*pass = true;
		return true;
	}
	return false;
}

void
opts_files(int argc, char **argv, char ***files, int *nfiles, const char *lookup)
{
	*files = argv + optind;
	*nfiles = argc - optind;
	tool_check_files(*files, *nfiles, lookup);
}

bool
opts_common(const struct opts *o, int c, size_t *max_line, enum progress_mode *progress)
{
	switch (c) {
	case OPT_MAX_LINE:
		*max_line = (size_t)opt_long("max-line", optarg, 256, 1L << 30);
		return true;
	case OPT_PROGRESS:
		*progress = PROGRESS_ON;
		return true;
	case OPT_NO_PROGRESS:
		*progress = PROGRESS_OFF;
		return true;
	case 'h':
		opts_help(o);
	case 'V':
		tool_version();
	}
	return false;
}
