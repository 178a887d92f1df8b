/* SPDX-License-Identifier: ISC */
/* The text and markdown formats. Text that came from input (labels such as provider names,
 * dates, paths) is shown with its control characters escaped, as messages on stderr are: a
 * report goes to terminals and cron mails, and must carry no one's escape sequences. */
#include <string.h>

#include "stats.h"
#include "utf8.h"

/* Outside text s made printable, in t (reset first); returns t's string. */
static const char *
shown(struct buf *t, const char *s)
{
	buf_reset(t);
	buf_add_printable(t, s, strlen(s));
	return buf_str(t);
}

static void
delta_text(struct buf *b, bool has, double d)
{
	if (has)
		buf_addf(b, "  %+.1f", delta_shown(d));
}

static void md_cell(struct buf *b, const char *s);

/* Outside text in running prose: printable, and in markdown with its markup escaped. */
static void
prose(struct buf *b, const char *s, bool md)
{
	struct buf t = BUF_INIT;
	if (md)
		md_cell(b, s);
	else
		buf_adds(b, shown(&t, s));
	buf_free(&t);
}

static void
header_text(const struct report *r, struct buf *b, bool md)
{
	if (r->store) {
		buf_adds(b, md ? "# Store report, " : "Store report, ");
		prose(b, r->date, md);
		buf_addf(b, "%s%lld domain%s seen in ", md ? "\n\n" : "\n", r->records,
			 plural(r->records));
		prose(b, r->store, md);
		buf_adds(b, ".\n");
		return;
	}
	buf_adds(b, md ? "# Domain report, " : "Domain report, ");
	prose(b, r->date, md);
	buf_adds(b, md ? "\n\n" : "\n");
	if (r->run_id) {
		buf_addf(b, "Run %lld", r->run_id);
		if (r->prev_run) {
			buf_addf(b, ", changes in percentage points against run %lld (",
				 r->prev_run);
			prose(b, r->prev_date ? r->prev_date : "", md);
			buf_addc(b, ')');
		} else
			buf_adds(b, ", the first stored run");
		buf_adds(b, md ? ".\n\n" : "\n");
	}
	buf_addf(b, "%lld graded domain%s from %lld record%s read; %lld record%s skipped",
		 r->records, plural(r->records), r->lines, plural(r->lines), r->skipped,
		 plural(r->skipped));
	for (size_t i = 0; i < r->nskip; i++) {
		buf_adds(b, i ? ", " : " (");
		prose(b, r->skip[i].key, md);
		buf_addf(b, " %lld", r->skip[i].count);
	}
	buf_adds(b, r->nskip ? ").\n" : ".\n");
	/* the figures leave these out: said at the top, so no figure is read without them */
	const struct figure *st = report_find(r->figs, r->nfigs, "scan_status");
	const struct item *nx = st ? fig_find(st, "nxdomain") : NULL,
			  *pa = st ? fig_find(st, "partial") : NULL,
			  *fa = st ? fig_find(st, "failed") : NULL;
	if (nx && pa && fa)
		buf_addf(
		    b,
		    "%s%lld do not exist and %lld could not be scanned (%lld more partly): "
		    "each figure is of the domains that exist and were scanned for its part.\n",
		    md ? "\n" : "", nx->count, fa->count, pa->count);
}

static const char *
of_text(const struct figure *f, struct buf *t)
{
	buf_reset(t);
	buf_addf(t, "of %lld %s", f->denom, f->denom_of);
	if (f->has_mean)
		buf_addf(t, "; mean %.1f", f->mean);
	if (f->has_mean_delta)
		buf_addf(t, " (%+.1f)", delta_shown(f->mean_delta));
	return t->s;
}

static void
tiers_text(const struct report *r, struct buf *b, bool md)
{
	if (!r->ntiers)
		return;
	const struct tier *all = &r->tiers[r->ntiers - 1];
	struct buf tmp = BUF_INIT;
	if (md) {
		buf_adds(b, "\n## By rank\n\n| Figure |");
		for (size_t t = 0; t < r->ntiers; t++) /* our own names: top_1000, ... */
			buf_addf(b, " %s |", r->tiers[t].key);
		buf_adds(b, "\n|---|");
		for (size_t t = 0; t < r->ntiers; t++)
			buf_adds(b, "---:|");
		buf_adds(b, "\n| domains |");
		for (size_t t = 0; t < r->ntiers; t++)
			buf_addf(b, " %lld |", r->tiers[t].domains);
		buf_addc(b, '\n');
	} else {
		buf_addf(
		    b,
		    "\n== By rank (percentage of each tier's domains scanned for that part)\n%-44s",
		    "");
		for (size_t t = 0; t < r->ntiers; t++)
			buf_addf(b, " %11s", r->tiers[t].key);
		buf_addf(b, "\n%-44s", "domains");
		for (size_t t = 0; t < r->ntiers; t++)
			buf_addf(b, " %11lld", r->tiers[t].domains);
		buf_addc(b, '\n');
	}
	for (size_t i = 0; i < all->nfigs; i++) {
		const struct figure *f = &all->figs[i];
		if (md) {
			buf_adds(b, "| ");
			md_cell(b, f->title);
			buf_adds(b, " |");
		} else
			buf_addf(b, "%-44s", shown(&tmp, f->title));
		for (size_t t = 0; t < r->ntiers; t++) {
			const struct figure *g =
			    report_find(r->tiers[t].figs, r->tiers[t].nfigs, f->key);
			char cell[32] = "-";
			if (g && g->kind == FK_HIST && g->has_mean)
				snprintf(cell, sizeof cell, "mean %.1f", g->mean);
			else if (g && g->kind == FK_ADOPTION && g->nitems && g->denom)
				snprintf(cell, sizeof cell, "%.1f%%",
					 pct(g->items[0].count, g->denom));
			if (md)
				buf_addf(b, " %s |", cell);
			else
				buf_addf(b, " %11s", cell);
		}
		buf_addc(b, '\n');
	}
	buf_free(&tmp);
}

void
render_text(const struct report *r, struct buf *b)
{
	struct buf t = BUF_INIT, u = BUF_INIT;
	header_text(r, b, false);
	const char *section = "";
	for (size_t i = 0; i < r->nfigs; i++) {
		const struct figure *f = &r->figs[i];
		if (strcmp(section, f->section)) {
			section = f->section;
			buf_addf(b, "\n== %s\n", shown(&u, section));
		}
		if (f->kind == FK_ADOPTION) {
			const struct item *y = &f->items[0];
			buf_addf(b, "%-44s %9lld of %-9lld %6.1f%%", shown(&u, f->title), y->count,
				 f->denom, pct(y->count, f->denom));
			delta_text(b, y->has_delta, y->delta);
			buf_addc(b, '\n');
			continue;
		}
		buf_addf(b, "%s: ", shown(&u, f->title));
		buf_addf(b, "%s\n", of_text(f, &t));
		for (size_t j = 0; j < f->nitems; j++) {
			const struct item *it = &f->items[j];
			double p = pct(it->count, f->denom);
			buf_addf(b, "  %-42s %9lld %19.1f%%", shown(&u, it->label), it->count, p);
			if (f->kind == FK_HIST) {
				buf_adds(b, "  ");
				for (int k = 0; k < (int)(p / 2.5 + 0.5); k++)
					buf_addc(b, '#');
			}
			delta_text(b, it->has_delta, it->delta);
			buf_addc(b, '\n');
		}
	}
	tiers_text(r, b, false);
	buf_free(&t);
	buf_free(&u);
}

/* Outside text in a markdown table cell or heading: printable first, then its markup escaped
 * (so the backslash of an escaped control character shows as one). */
static void
md_cell(struct buf *b, const char *s)
{
	struct buf t = BUF_INIT;
	for (s = shown(&t, s); *s; s++) {
		if (*s == '|' || *s == '\\' || *s == '*' || *s == '_' || *s == '`' || *s == '<' ||
		    *s == '[' || *s == ']')
			buf_addc(b, '\\');
		buf_addc(b, *s);
	}
	buf_free(&t);
}

static void
md_delta(struct buf *b, bool has, double d)
{
	if (has)
		buf_addf(b, " %+.1f |", delta_shown(d));
	else
		buf_adds(b, " |");
}

void
render_markdown(const struct report *r, struct buf *b)
{
	struct buf t = BUF_INIT;
	header_text(r, b, true);
	bool changes = r->prev_run != 0;
	const char *section = "";
	bool in_adoption = false;
	for (size_t i = 0; i < r->nfigs; i++) {
		const struct figure *f = &r->figs[i];
		if (strcmp(section, f->section)) {
			section = f->section;
			buf_adds(b, "\n## ");
			md_cell(b, section);
			buf_addc(b, '\n');
			in_adoption = false;
		}
		if (f->kind == FK_ADOPTION) {
			if (!in_adoption) {
				buf_addf(
				    b,
				    "\n| Figure | Domains | Of | %% |%s\n|---|---:|---:|---:|%s\n",
				    changes ? " Change |" : "", changes ? "---:|" : "");
				in_adoption = true;
			}
			const struct item *y = &f->items[0];
			buf_adds(b, "| ");
			md_cell(b, f->title);
			buf_addf(b, " | %lld | %lld | %.1f |", y->count, f->denom,
				 pct(y->count, f->denom));
			if (changes)
				md_delta(b, y->has_delta, y->delta);
			buf_addc(b, '\n');
			continue;
		}
		in_adoption = false;
		buf_adds(b, "\n### ");
		md_cell(b, f->title);
		buf_addf(b, "\n\nOut of %s.\n\n| Value | Count | %% |%s\n|---|---:|---:|%s\n",
			 of_text(f, &t) + 3, changes ? " Change |" : "", changes ? "---:|" : "");
		for (size_t j = 0; j < f->nitems; j++) {
			const struct item *it = &f->items[j];
			buf_adds(b, "| ");
			md_cell(b, it->label);
			buf_addf(b, " | %lld | %.1f |", it->count, pct(it->count, f->denom));
			if (changes)
				md_delta(b, it->has_delta, it->delta);
			buf_addc(b, '\n');
		}
	}
	tiers_text(r, b, true);
	buf_free(&t);
}
