/* dns-grade's grader in stages: the checks of every category over a loaded scan fill the
 * findings and facts, then a scale, facts and findings in, writes the grades. This file holds
 * the checks' driver and the domstat scale (kept apart from main and the output so the fuzz
 * target fuzz/dns_member.c can link it); DNStats' scale is dnstats.c. */
#include <string.h>

#include "grade.h"

void
grader_init(struct grader *g)
{
	memset(g, 0, sizeof *g);
	for (int c = 0; c < NCAT; c++)
		findings_init(&g->f[c]);
}

void
grader_free(struct grader *g)
{
	for (int c = 0; c < NCAT; c++)
		findings_free(&g->f[c]);
	buf_free(&g->facts.caa.found_at);
	buf_free(&g->tmp);
	buf_free(&g->tmp2);
	mail_state_free(g);
	dnstats_free(g);
}

void
grade_checks(struct grader *g)
{
	for (int c = 0; c < NCAT; c++)
		findings_reset(&g->f[c]);
	struct buf found_at = g->facts.caa.found_at;
	buf_reset(&found_at);
	memset(&g->facts, 0, sizeof g->facts);
	g->facts.caa.found_at = found_at;
	g->facts.dnssec.status = "insecure";
	check_mail(g);
	check_infra(g);
	legacy_facts(g);
}

/* The domstat scale: 100, less 25 per error and 10 per warning, capped by what matters most in
 * the category, never below 0. */
static int
cost(const struct findings *f, int cap)
{
	long v = 100 - 25 * (long)findings_count(f, SEV_ERROR) -
		 10 * (long)findings_count(f, SEV_WARNING);
	v = v < cap ? v : cap;
	return v < 0 ? 0 : (int)v;
}

/* What a category can reach at best on the domstat scale. */
static int
cap_of(enum cat c, const struct facts *fa, const struct findings *f)
{
	switch (c) {
	case C_SPF: {
		const char *pol = fa->spf.policy;
		if (!fa->spf.present || findings_has(f, "MULTIPLE_SPF_RECORDS"))
			return 0;
		if (!fa->spf.valid)
			return 20; /* a permanent error: receivers treat the record as broken */
		return !strcmp(pol, "-all")   ? 100
		       : !strcmp(pol, "~all") ? 90
		       : !strcmp(pol, "?all") ? 50
		       : !strcmp(pol, "none") ? 40
					      : 0;
	}
	case C_DMARC: {
		if (!fa->dmarc.present || findings_has(f, "MULTIPLE_DMARC_RECORDS"))
			return 0;
		struct dmarc_record r = {.testing = findings_has(f, "TESTING_MODE")};
		enum dmarc_policy p =
		    dmarc_effective(&r, fa->dmarc.p == DMARC_UNSET ? DMARC_NONE : fa->dmarc.p);
		return p == DMARC_REJECT       ? 100
		       : p == DMARC_QUARANTINE ? 80
		       : p == DMARC_NONE       ? 40
					       : 0;
	}
	case C_CAA:
		return fa->caa.present ? 100 : 0;
	case C_NS:
		return fa->ns.count ? 100 : 0;
	case C_SOA:
		return fa->soa.present ? 100 : 0;
	case C_MX:
		return 100;
	case C_DNSSEC:
		return !strcmp(fa->dnssec.status, "secure")		 ? 100
		       : !strcmp(fa->dnssec.status, "signed-without-ds") ? 25
									 : 0;
	case C_BIMI:
		return fa->bimi.present ? 100 : 0;
	default:
		return 0;
	}
}

int
domstat_grade(enum cat c, const struct facts *fa, const struct findings *f)
{
	return cost(f, cap_of(c, fa, f));
}

void
scale_domstat(const struct facts *fa, const struct findings f[NCAT], int grades[NCAT], int *overall)
{
	static const int weight[NCAT] = {20, 20, 10, 15, 10, 10, 15, 0};
	int sum = 0;
	for (int c = 0; c < NCAT; c++) {
		grades[c] = domstat_grade(c, fa, &f[c]);
		sum += weight[c] * grades[c];
	}
	*overall = (sum + 50) / 100;
}

void
grade_domstat(struct grader *g)
{
	scale_domstat(&g->facts, g->f, g->grades, &g->overall);
}
