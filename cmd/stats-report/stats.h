/* SPDX-License-Identifier: ISC */
/* stats-report's report model: a fixed set of figures (count, percentage, denominator) built
 * from one streaming pass, or read back from a stored run; every output format renders it. */
#ifndef STATS_H
#define STATS_H
#include <stdbool.h>
#include <stdio.h>

#include "buf.h"

#define REPORT_SCHEMA 1

enum fig_kind {
	FK_ADOPTION, /* items yes/no over the run's domains */
	FK_DIST,     /* one item per value, summing to the denominator */
	FK_TOP,	     /* top N names plus "other" and "none" */
	FK_HIST,     /* 10-point bins, 90-100 the top one */
	FK_COUNTS,   /* items counted independently (a domain may be in several) */
};

struct item {
	char *key, *label;
	long long count;
	bool has_delta;
	double delta; /* percentage points against the previous run */
};

struct trend_point {
	long long run_id;
	char *date;
	double pct;
};

struct figure {
	char *key, *title, *section, *denom_of;
	enum fig_kind kind;
	long long denom;
	struct item *items;
	size_t nitems;
	bool has_mean;
	double mean;
	bool has_mean_delta;
	double mean_delta;
	struct trend_point *trend; /* headline figures, with history: one point per run */
	size_t ntrend;
};

struct tier {
	char *key;
	long limit; /* 0: all ranked and unranked domains */
	long long domains;
	struct figure *figs;
	size_t nfigs;
};

struct report {
	char *date;	    /* ISO 8601, UTC */
	long long run_id;   /* 0 without history */
	long long prev_run; /* 0: no previous run */
	char *prev_date;
	long long lines, records, skipped;
	struct item *skip; /* reasons */
	size_t nskip;
	struct figure *figs;
	size_t nfigs;
	struct tier *tiers; /* rank tiers, only when records carried a rank */
	size_t ntiers;
	char *store; /* the enrichment view: the store's path */
};

/* A table of names with counts (names.c; open addressing). At most NAMES_MAX distinct names
 * are kept; more are counted in overflow, so memory stays flat whatever the input. */
#define NAMES_MAX 65536
struct names {
	char **key;
	long long *count;
	size_t cap, n;
	long long overflow;
};
void names_add(struct names *t, const char *s, size_t n);
void names_free(struct names *t);
/* A FK_TOP figure of the ntop largest names, then "(other)", then "(none)" if none_label. */
void fig_top(struct figure **figs, size_t *n, const char *key, const char *title,
	     const char *section, const char *of, long long denom, const struct names *t,
	     long long none, const char *none_label, long ntop);

/* The enrichment view (storeview.c): a summary of a seen-db/domain-born store. */
void store_report(const char *path, struct report *r, long ntop);

enum out_format { OUT_TEXT, OUT_JSON, OUT_MARKDOWN, OUT_HTML };

/* model helpers (model.c) */
struct figure *report_add_fig(struct figure **figs, size_t *n, const char *key, const char *title,
			      const char *section, enum fig_kind kind, const char *denom_of,
			      long long denom);
struct item *fig_add_item(struct figure *f, const char *key, const char *label, long long count);
struct figure *report_find(struct figure *figs, size_t n, const char *key);
struct item *fig_find(const struct figure *f, const char *key);
double pct(long long count, long long denom);
double delta_shown(double d);
const char *kind_name(enum fig_kind k);
bool kind_parse(const char *s, enum fig_kind *k);
bool fig_headline(const struct figure *f);
void report_free(struct report *r);
/* The JSON format (json.c); with_extras adds deltas and trends (not stored in history). */
void report_json(const struct report *r, struct buf *out, bool with_extras);
/* Read a report back from its JSON (a stored run); -1 with *why set on error. */
int report_from_json(struct report *r, const char *text, size_t n, const char **why);

/* renderers (render.c, html.c) */
void render_text(const struct report *r, struct buf *out);
void render_markdown(const struct report *r, struct buf *out);
void render_html(const struct report *r, struct buf *out);

/* history (history.c); every function dies with status 2 on a fatal error */
struct history;
/* Open (create: making it if absent); a file that is not a history file is refused before
 * anything is written to it. */
struct history *history_open(const char *path, bool create);
/* After history_store: flush the report written to stdout, then commit the run. */
void history_close(struct history *h);
/* Store r as a new run (sets r->run_id; a run of the same date is replaced, keeping its id),
 * then fill deltas and trends, in one transaction that history_close commits. */
void history_store(struct history *h, struct report *r);
/* Load a stored run with its deltas and trends; false when there is no such run. */
bool history_load(struct history *h, long long run_id, struct report *r);
void history_list(struct history *h, struct buf *out);
/* Deltas against the run before r->run_id and trends up to it. */
void history_annotate(struct history *h, struct report *r);

#endif
