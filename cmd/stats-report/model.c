/* SPDX-License-Identifier: ISC */
/* The report model: figures with their items, shared by the aggregation and every format. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "xalloc.h"

struct figure *
report_add_fig(struct figure **figs, size_t *n, const char *key, const char *title,
	       const char *section, enum fig_kind kind, const char *denom_of, long long denom)
{
	*figs = xrealloc(*figs, (*n + 1) * sizeof **figs);
	struct figure *f = &(*figs)[(*n)++];
	memset(f, 0, sizeof *f);
	f->key = xstrdup(key);
	f->title = xstrdup(title);
	f->section = xstrdup(section);
	f->kind = kind;
	f->denom_of = xstrdup(denom_of);
	f->denom = denom;
	return f;
}

struct item *
fig_add_item(struct figure *f, const char *key, const char *label, long long count)
{
	f->items = xrealloc(f->items, (f->nitems + 1) * sizeof *f->items);
	struct item *it = &f->items[f->nitems++];
	memset(it, 0, sizeof *it);
	it->key = xstrdup(key);
	it->label = xstrdup(label);
	it->count = count;
	return it;
}

struct figure *
report_find(struct figure *figs, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(figs[i].key, key))
			return &figs[i];
	return NULL;
}

struct item *
fig_find(const struct figure *f, const char *key)
{
	for (size_t i = 0; i < f->nitems; i++)
		if (!strcmp(f->items[i].key, key))
			return &f->items[i];
	return NULL;
}

double
pct(long long count, long long denom)
{
	return denom > 0 ? 100.0 * (double)count / (double)denom : 0.0;
}

static const char *const kind_names[] = {"adoption", "distribution", "top", "histogram", "counts"};

const char *
kind_name(enum fig_kind k)
{
	return kind_names[k];
}

bool
kind_parse(const char *s, enum fig_kind *k)
{
	for (size_t i = 0; i < sizeof kind_names / sizeof *kind_names; i++)
		if (!strcmp(s, kind_names[i])) {
			*k = (enum fig_kind)i;
			return true;
		}
	return false;
}

/* Headline figures get a trend line: the adoption figures. */
bool
fig_headline(const struct figure *f)
{
	return f->kind == FK_ADOPTION;
}

static void
figs_free(struct figure *figs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct figure *f = &figs[i];
		for (size_t j = 0; j < f->nitems; j++) {
			free(f->items[j].key);
			free(f->items[j].label);
		}
		for (size_t j = 0; j < f->ntrend; j++)
			free(f->trend[j].date);
		free(f->trend);
		free(f->items);
		free(f->key);
		free(f->title);
		free(f->section);
		free(f->denom_of);
	}
	free(figs);
}

void
report_free(struct report *r)
{
	figs_free(r->figs, r->nfigs);
	for (size_t i = 0; i < r->ntiers; i++) {
		figs_free(r->tiers[i].figs, r->tiers[i].nfigs);
		free(r->tiers[i].key);
	}
	free(r->tiers);
	for (size_t i = 0; i < r->nskip; i++) {
		free(r->skip[i].key);
		free(r->skip[i].label);
	}
	free(r->skip);
	free(r->date);
	free(r->prev_date);
	free(r->store);
	memset(r, 0, sizeof *r);
}

/* A change as printed to one decimal: no "-0.0" for a change that rounds to nothing. */
double
delta_shown(double d)
{
	return fabs(d) < 0.05 ? 0.0 : d;
}
