/* dns-grade's grader: the checks of every category over a loaded scan, and the domstat scale
 * (kept apart from main and the output so the fuzz target fuzz/dns_member.c can link it). */
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

void
grade_domstat(struct grader *g)
{
	struct facts *fa = &g->facts;
	int cap;
	const char *pol = fa->spf.policy;
	if (!fa->spf.present || findings_has(&g->f[C_SPF], "MULTIPLE_SPF_RECORDS"))
		cap = 0;
	else if (!fa->spf.valid)
		cap = 20; /* a permanent error: receivers treat the record as broken */
	else if (!strcmp(pol, "-all"))
		cap = 100;
	else if (!strcmp(pol, "~all"))
		cap = 90;
	else if (!strcmp(pol, "?all"))
		cap = 50;
	else if (!strcmp(pol, "none"))
		cap = 40;
	else
		cap = 0;
	g->grades[C_SPF] = cost(&g->f[C_SPF], cap);

	if (!fa->dmarc.present || findings_has(&g->f[C_DMARC], "MULTIPLE_DMARC_RECORDS")) {
		cap = 0;
	} else {
		struct dmarc_record r = {.testing = findings_has(&g->f[C_DMARC], "TESTING_MODE")};
		enum dmarc_policy p =
		    dmarc_effective(&r, fa->dmarc.p == DMARC_UNSET ? DMARC_NONE : fa->dmarc.p);
		cap = p == DMARC_REJECT	      ? 100
		      : p == DMARC_QUARANTINE ? 80
		      : p == DMARC_NONE	      ? 40
					      : 0;
	}
	g->grades[C_DMARC] = cost(&g->f[C_DMARC], cap);
	g->grades[C_CAA] = cost(&g->f[C_CAA], fa->caa.present ? 100 : 0);
	g->grades[C_NS] = cost(&g->f[C_NS], fa->ns.count ? 100 : 0);
	g->grades[C_SOA] = cost(&g->f[C_SOA], fa->soa.present ? 100 : 0);
	g->grades[C_MX] = cost(&g->f[C_MX], 100);
	const char *st = fa->dnssec.status;
	g->grades[C_DNSSEC] = cost(&g->f[C_DNSSEC], !strcmp(st, "secure")	       ? 100
						    : !strcmp(st, "signed-without-ds") ? 25
										       : 0);
	g->grades[C_BIMI] = cost(&g->f[C_BIMI], fa->bimi.present ? 100 : 0);
	static const int weight[NCAT] = {20, 20, 10, 15, 10, 10, 15, 0};
	int sum = 0;
	for (int c = 0; c < NCAT; c++)
		sum += weight[c] * g->grades[c];
	g->overall = (sum + 50) / 100;
}
