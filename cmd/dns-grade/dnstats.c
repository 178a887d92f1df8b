/* SPDX-License-Identifier: ISC */
/* DNStats' scale (dnstats.md sections 2 and 3): its validators replace the remarks of its seven
 * categories (dnstats_mail.c, dnstats_infra.c), then its graders weigh what they found. DNStats
 * had no DNSSEC grade: that category keeps the domstat scale. */
#include <string.h>

#include "dnstats.h"

/* The remarks a category has, dropped ones included. */
static int
remarks(const struct findings *f)
{
	return (int)(f->n + f->dropped);
}

static int
spf_grade(const struct ds_facts *fa, const struct findings *f)
{
	/* the production wrapper's grade of a domain without a usable record, from its MX */
	int no_spf = fa->has_mx ? 0 : 20;
	if (fa->spf.records != 1 || findings_has(f, "INVALID_RECORD_START") ||
	    findings_has(f, "INVALID_REDIRECT_MECHANISM"))
		return no_spf;
	char q = fa->spf.all;
	int ceiling = !q ? 20 : q == '-' ? 100 : q == '~' ? 75 : q == '?' ? 50 : 0;
	int grade = ceiling - 2 * remarks(f);
	return grade < 0 ? 0 : grade;
}

/* The index of v in none, quarantine, reject, or -1. */
static int
policy_index(const char *v)
{
	static const char *const tbl[] = {"none", "quarantine", "reject"};
	for (int i = 0; v && i < 3; i++)
		if (!strcmp(v, tbl[i]))
			return i;
	return -1;
}

static int
dmarc_grade(const struct ds_facts *fa, const struct findings *f)
{
	const struct dmarc_tags *tg = &fa->dmarc.tags;
	static const int p_pts[] = {10, 30, 60}, r_pts[] = {10, 15, 15}, sp_pts[] = {0, 10, 15};
	if (fa->dmarc.records != 1 || findings_has(f, "INVALID_DMARC_RECORD_START"))
		return 0;
	int pi = policy_index(tg->p);
	if (pi < 0)
		return 0;
	int grade = p_pts[pi];
	if (tg->adkim && !strcmp(tg->adkim, "s"))
		grade += 5;
	if (tg->aspf && !strcmp(tg->aspf, "s"))
		grade += 5;
	if (tg->fo)
		grade += !strcmp(tg->fo, "1")				? 4
			 : !strcmp(tg->fo, "d") || !strcmp(tg->fo, "s") ? 2
									: 0;
	/* DNStats' odd corner: rua and ruf weighed as if they held policies */
	int ri = policy_index(tg->rua), fi = policy_index(tg->ruf);
	grade += (ri >= 0 ? r_pts[ri] : 0) + (fi >= 0 ? r_pts[fi] : 0);
	int si = policy_index(tg->sp && *tg->sp ? tg->sp : tg->p);
	grade += si >= 0 ? sp_pts[si] : 0;
	long long pct, x;
	pct = tg->pct && py_int(tg->pct, &x) ? x : 100;
	if (pct == 0)
		grade -= 2;
	else if (pct <= 70)
		grade += 1;
	else if (pct < 90)
		grade += 3;
	else if (pct == 100)
		grade += 5;
	grade += tg->rua ? 5 : 0;
	grade += tg->ruf ? 5 : 0;
	return grade;
}

static int
caa_grade(const struct ds_facts *fa, const struct findings *f)
{
	if (fa->caa.records == 0)
		return 0;
	return (fa->caa.issue ? 85 : 0) + (fa->caa.wild ? 10 : 0) + (fa->caa.iodef ? 5 : 0) -
	       2 * remarks(f);
}

static int
ns_grade(const struct ds_facts *fa)
{
	if (fa->ns.records == 0)
		return 0;
	int grade = 100 - (fa->ns.records == 1 ? 20 : 0) - 15 * fa->ns.no_address -
		    15 * fa->ns.invalid - 10 * fa->ns.not_public - 10 * fa->ns.no_set -
		    10 * fa->ns.mismatches;
	return grade < 0 ? 0 : grade;
}

static int
soa_grade(const struct ds_facts *fa, const struct findings *f)
{
	if (fa->soa.records != 1 || !fa->soa.fields)
		return 0;
	int grade = 100 - 5 * remarks(f);
	return grade < 0 ? 0 : grade;
}

static int
mx_grade(const struct ds_facts *fa)
{
	size_t total = fa->mx.records, valid = fa->mx.valid;
	if (total == 0 || valid == 0)
		return 0;
	/* 100 * valid / total as PostgreSQL rounds it into a bigint: half away from zero */
	return (int)((200 * valid + total) / (2 * total));
}

static int
bimi_grade(const struct findings *f)
{
	bool ok = f->n == 0 || (f->n == 1 && !strcmp(f->v[0].code, "SELECTOR_NOT_DEFINED"));
	return ok ? 100 : 0;
}

void
scale_dnstats(const struct facts *facts, const struct ds_facts *fa, const struct findings f[NCAT],
	      int grades[NCAT], int *overall)
{
	grades[C_SPF] = spf_grade(fa, &f[C_SPF]);
	grades[C_DMARC] = dmarc_grade(fa, &f[C_DMARC]);
	grades[C_CAA] = caa_grade(fa, &f[C_CAA]);
	grades[C_NS] = ns_grade(fa);
	grades[C_SOA] = soa_grade(fa, &f[C_SOA]);
	grades[C_MX] = mx_grade(fa);
	grades[C_DNSSEC] = domstat_grade(C_DNSSEC, facts, &f[C_DNSSEC]);
	grades[C_BIMI] = bimi_grade(&f[C_BIMI]);
	/* the chart SQL: ceil((dmarc + caa + spf) / 300.0 * 100) */
	int x = grades[C_DMARC] + grades[C_CAA] + grades[C_SPF];
	*overall = x >= 0 ? (x + 2) / 3 : -(-x / 3);
}

/* DNStats' checks, after grade_checks on the same scan (they read legacy_facts' TXT sets). */
static void
dnstats_checks(struct grader *g)
{
	for (int c = 0; c < NCAT; c++)
		if (c != C_DNSSEC)
			findings_reset(&g->f[c]);
	struct dnstats *d = dnstats_of(g);
	d->facts.has_mx = g->facts.legacy.has_mx;
	/* in DNStats' order, which decides which scan problem is said first */
	ds_check_spf(g);
	ds_check_dmarc(g);
	ds_check_caa(g);
	ds_check_ns(g);
	ds_check_soa(g);
	ds_check_mx(g);
	ds_check_bimi(g);
}

void
grade_dnstats(struct grader *g)
{
	dnstats_checks(g);
	/* a domain without one SPF record is graded by its MX (spf_grade) */
	g->spf_needs_mx = g->dnstats->facts.spf.records != 1;
	scale_dnstats(&g->facts, &g->dnstats->facts, g->f, g->grades, &g->overall);
}
