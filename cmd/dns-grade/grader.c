/* SPDX-License-Identifier: ISC */
/* dns-grade's grader in stages: the checks of every category over a loaded scan fill the
 * findings and facts, then a scale, facts and findings in, writes the grades. This file holds
 * the checks' driver and the domstat scale (kept apart from main and the output so the fuzz
 * target fuzz/dns_member.c can link it); DNStats' scale is dnstats.c. */
#include <string.h>
#include <strings.h>

#include "grade.h"

void
grader_init(struct grader *g)
{
	memset(g, 0, sizeof *g);
	for (int c = 0; c < NCAT; c++)
		findings_init(&g->f[c]);
	findings_init(&g->domain);
}

void
grader_free(struct grader *g)
{
	for (int c = 0; c < NCAT; c++)
		findings_free(&g->f[c]);
	findings_free(&g->domain);
	buf_free(&g->facts.caa.found_at);
	buf_free(&g->tmp);
	buf_free(&g->tmp2);
	mail_state_free(g);
	transport_state_free(g);
	https_free(g);
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
	g->spf_needs_mx = false;
	check_mail(g);
	check_infra(g);
	check_transport(g);
	check_https(g);
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
	case C_MTASTS:
		if (!fa->mta_sts.present || findings_has(f, "MTA_STS_MULTIPLE_RECORDS"))
			return 0;
		return fa->mta_sts.valid ? 100 : 20; /* invalid: senders take it as no policy */
	case C_TLSRPT:
		if (!fa->tls_rpt.present || findings_has(f, "TLSRPT_MULTIPLE_RECORDS"))
			return 0;
		return fa->tls_rpt.valid ? 100 : 20;
	case C_DANE:
		/* TLSA records that did not validate are unusable (RFC 7672 section 2.2) */
		return fa->dane.present && fa->dane.validated == 1 ? 100 : 0;
	case C_DKIM:
		/* a domain that receives no mail (null MX) need not sign any */
		return fa->dkim.present || fa->mx.null_mx ? 100 : 0;
	case C_STSPOL:
	case C_SECTXT:
		return https_cap(c, fa);
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
	/* BIMI, the mail-transport and the HTTPS categories are graded but not weighed
	 * (domstat(7)) */
	static const int weight[NCAT] = {20, 20, 10, 15, 10, 10, 15, 0, 0, 0, 0, 0, 0, 0};
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

/* The name prefix + domain in b. */
static const char *
prefixed(struct buf *b, const char *prefix, const struct scan *s)
{
	buf_reset(b);
	buf_adds(b, prefix);
	buf_add(b, s->domain, s->domainlen);
	return b->s;
}

/* Does the domain exist? dns-scan's status says so when it has one (nxdomain: an apex question
 * ended NXDOMAIN and none NOERROR); older records are judged the same way from the apex
 * questions. */
static int
domain_exists(const struct scan *s)
{
	if (s->status && !strcmp(s->status, "nxdomain"))
		return 0;
	bool nx = false;
	for (size_t i = 0; i < s->nq; i++) {
		const struct query *q = &s->qs[i];
		if (q->direct || !q->final || q->qlen != s->domainlen ||
		    !name_eq(q->q, q->qlen, s->domain, s->domainlen))
			continue;
		if (!strcasecmp(q->rcode, "NOERROR"))
			return 1;
		nx = true;
	}
	return nx ? 0 : -1;
}

/* CAA is looked for at the name, then at each parent (RFC 8659 3): unknown when the name's
 * question, or a parent's asked before any CAA was found, told nothing. A parent never asked is
 * where the climb stopped. */
static void
caa_unknown(struct grader *g)
{
	struct scan *s = g->s;
	const char *name = s->domain;
	size_t n = s->domainlen;
	for (;;) {
		const struct query *x = scan_find(s, name, n, T_CAA);
		size_t i = 0;
		if (x && q_rr(x, T_CAA, &i))
			return;
		if ((x || name == s->domain) && unknown_remark(g, C_CAA, x, "CAA", name, n))
			return;
		const char *dot = memchr(name, '.', n);
		if (!dot)
			return;
		n -= (size_t)(dot + 1 - name);
		name = dot + 1;
	}
}

/* DNStats' NS grade takes off points for a name server without an address: unknown when neither
 * the A nor the AAAA question of some name server told anything (the profile did not ask them,
 * or they failed). */
static void
ns_addr_unknown(struct grader *g, const struct query *nsq)
{
	size_t i = 0, hn;
	const struct jv *rr;
	while ((rr = q_rr(nsq, T_NS, &i))) {
		const char *h = rr_str(rr, K_host, &hn);
		if (!h)
			continue;
		const struct query *a = scan_find(g->s, h, hn, T_A),
				   *aaaa = scan_find(g->s, h, hn, T_AAAA);
		if (q_unknown(a) && q_unknown(aaaa) &&
		    unknown_remark(g, C_NS, a ? a : aaaa, a || !aaaa ? "A" : "AAAA", h, hn))
			return;
	}
}

void
grade_unknowns(struct grader *g, bool dnstats)
{
	struct scan *s = g->s;
	const char *d = s->domain;
	size_t dn = s->domainlen;
	findings_reset(&g->domain);
	g->facts.exists = domain_exists(s);
	if (g->facts.exists == 0) {
		for (int c = 0; c < NCAT; c++) {
			findings_reset(&g->f[c]);
			g->grades[c] = GRADE_NULL;
		}
		g->overall = GRADE_NULL;
		findings_add(&g->domain, "DOMAIN_DOES_NOT_EXIST", SEV_ERROR,
			     "'%.*s' does not exist (NXDOMAIN): nothing to grade", FV(dn), d);
		return;
	}
	const struct query *mx = scan_find(s, d, dn, T_MX);
	if (!unknown_remark(g, C_SPF, scan_find(s, d, dn, T_TXT), "TXT", d, dn) && g->spf_needs_mx)
		unknown_remark(g, C_SPF, mx, "MX", d, dn);
	prefixed(&g->tmp, "_dmarc.", s);
	const struct query *dq = scan_find(s, g->tmp.s, g->tmp.len, T_TXT);
	/* BIMI asks for a DMARC policy that is enforced (its DMARC_* remarks) */
	if (unknown_remark(g, C_DMARC, dq, "TXT", g->tmp.s, g->tmp.len))
		unknown_remark(g, C_BIMI, dq, "TXT", g->tmp.s, g->tmp.len);
	caa_unknown(g);
	/* a delegation the parent named but no server answered for is a finding of its own */
	const struct query *nsq = scan_find(s, d, dn, T_NS);
	if (!findings_has(&g->f[C_NS], "LAME_DELEGATION") &&
	    !unknown_remark(g, C_NS, nsq, "NS", d, dn) && dnstats)
		ns_addr_unknown(g, nsq);
	unknown_remark(g, C_SOA, scan_find(s, d, dn, T_SOA), "SOA", d, dn);
	unknown_remark(g, C_MX, mx, "MX", d, dn);
	/* without the DS answer a signed zone's status is indeterminate (RFC 4035 4.3); a question
	 * that failed is named before one never asked */
	const struct query *ds = scan_find(s, d, dn, T_DS), *key = scan_find(s, d, dn, T_DNSKEY);
	/* a SERVFAIL whose CD=1 answer or extended error showed data that does not validate is
	 * a verdict (bogus), not a gap: the infra check judged it */
	bool bogus = g->facts.dnssec.status && !strcmp(g->facts.dnssec.status, "bogus");
	if (bogus)
		;
	else if (!(ds && unknown_remark(g, C_DNSSEC, ds, "DS", d, dn)) &&
		 !(key && unknown_remark(g, C_DNSSEC, key, "DNSKEY", d, dn)) &&
		 !unknown_remark(g, C_DNSSEC, ds, "DS", d, dn))
		unknown_remark(g, C_DNSSEC, key, "DNSKEY", d, dn);
	prefixed(&g->tmp, "default._bimi.", s);
	if (!g->facts.unknown[C_BIMI])
		unknown_remark(g, C_BIMI, scan_find(s, g->tmp.s, g->tmp.len, T_TXT), "TXT",
			       g->tmp.s, g->tmp.len);
	transport_unknowns(g);
	https_unknowns(g, dnstats);
	/* the categories overall weighs: domstat's the first seven, DNStats' chart SPF, DMARC,
	 * CAA */
	for (int c = 0; c < NCAT; c++)
		if (g->facts.unknown[c] &&
		    (dnstats ? c == C_SPF || c == C_DMARC || c == C_CAA : c < C_BIMI))
			g->overall = GRADE_NULL;
}
