/* SPDX-License-Identifier: ISC */
/* Mail checks: SPF (with the walk through include and redirect), DMARC, MX, BIMI. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ascii.h"
#include "bimi.h"
#include "dmarc.h"
#include "dname.h"
#include "grade.h"
#include "spf.h"
#include "xalloc.h"

#define SPF_MAX_LOOKUPS	 10
#define SPF_MAX_VOIDS	 2
#define WALK_MAX_RECORDS 40
#define WALK_MAX_DEPTH	 12
#define SPF_COUNT_MAX	 200
#define MX_CHECK_MAX	 64

/* Does the answer hold an RR of the type (q_count without counting them all)? */
static bool
q_has(const struct query *q, enum rr_type type)
{
	size_t i = 0;
	return q_rr(q, type, &i) != NULL;
}

/* Is the query's answer void (RFC 7208 4.6.4: NXDOMAIN, or NOERROR without records)? */
static bool
q_void(const struct query *q, enum rr_type type)
{
	if (!q || !q->answered)
		return false;
	if (!strcasecmp(q->rcode, "NXDOMAIN"))
		return true;
	return !strcasecmp(q->rcode, "NOERROR") && !q_has(q, type);
}

struct walk {
	struct grader *g;
	struct findings *f;
	unsigned lookups, voids, records;
	bool permerror, temperror;
	const char *stack[WALK_MAX_DEPTH + 1];
	size_t stackn[WALK_MAX_DEPTH + 1];
	int depth;
};

/* An MX exchange as read, for the duplicate check. */
struct mx_seen {
	const char *ex; /* NULL: no exchange */
	size_t n;
};

/* What the mail checks keep from record to record, so that grading one costs no allocation:
 * the SPF record of each level of the walk (its terms point into its text), scratch text, the
 * DMARC record (its URIs point into dmarc_text), the two names of the report check and the
 * MX exchanges read so far. */
struct mail_state {
	struct buf spf_text[WALK_MAX_DEPTH + 1];
	struct spf_record spf[WALK_MAX_DEPTH + 1];
	struct findings sub;
	struct buf txt, name, dmarc_text;
	struct dmarc_record dmarc;
	struct dname own, dest;
	struct mx_seen *mx;
	size_t mxcap;
};

static void
mail_state_init(struct grader *g)
{
	struct mail_state *m = g->mail = xcalloc(1, sizeof *g->mail);
	for (int i = 0; i <= WALK_MAX_DEPTH; i++)
		spf_record_init(&m->spf[i]);
	findings_init(&m->sub);
	dmarc_record_init(&m->dmarc);
	dname_init(&m->own);
	dname_init(&m->dest);
}

void
mail_state_free(struct grader *g)
{
	struct mail_state *m = g->mail;
	if (!m)
		return;
	for (int i = 0; i <= WALK_MAX_DEPTH; i++) {
		buf_free(&m->spf_text[i]);
		spf_record_free(&m->spf[i]);
	}
	findings_free(&m->sub);
	buf_free(&m->txt);
	buf_free(&m->name);
	buf_free(&m->dmarc_text);
	dmarc_record_free(&m->dmarc);
	dname_free(&m->own);
	dname_free(&m->dest);
	free(m->mx);
	free(m);
	g->mail = NULL;
}

/* prefix, then the domain as "%.*s" printed it (up to a NUL), then suffix */
static void
domain_name(struct buf *out, const char *prefix, const struct scan *s, const char *suffix)
{
	buf_reset(out);
	buf_adds(out, prefix);
	buf_add(out, s->domain, strnlen(s->domain, s->domainlen));
	buf_adds(out, suffix);
}

/* Move the text in from to to, and to's space to from (for the next rr_txt): no copy. */
static void
take_text(struct buf *to, struct buf *from)
{
	struct buf t = *to;
	*to = *from;
	*from = t;
}

/* Why a failed query failed: its rcode, else its error. */
static const char *
q_cause(const struct query *q)
{
	return q->answered ? q->rcode : q->error ? q->error : "no answer";
}

/* The single SPF record of a name from the scan: 1 found (text in out), 0 none, -1 several,
 * -2 not scanned or skipped, -3 the query failed (a temperror). */
static int
spf_select(struct scan *s, const char *name, size_t n, struct buf *out, struct buf *scratch,
	   const struct query **qp)
{
	const struct query *q = scan_find(s, name, n, T_TXT);
	*qp = q;
	if (q_failed(q))
		return -3;
	if (!q || !q->answered)
		return -2;
	int found = 0;
	size_t i = 0;
	const struct jv *rr;
	while ((rr = q_rr(q, T_TXT, &i))) {
		if (!rr_txt(s, rr, scratch, NULL))
			continue;
		if (spf_is_record(scratch->s, scratch->len) && found++ == 0)
			take_text(out, scratch);
	}
	return found > 1 ? -1 : found;
}

static void walk_record(struct walk *w, const char *dom, size_t dn, const struct spf_record *r,
			char *all);

/* Follow include or redirect to target; returns the target's effective "all" (0 if none). */
static char
walk_target(struct walk *w, const char *t, size_t tn, bool redirect)
{
	const char *what = redirect ? "redirect" : "include";
	for (int i = 0; i <= w->depth; i++)
		if (name_eq(w->stack[i], w->stackn[i], t, tn)) {
			findings_add(w->f, redirect ? "REDIRECT_LOOP" : "INCLUDE_LOOP", SEV_ERROR,
				     "%s '%.*s' loops back", what, FV(tn), t);
			w->permerror = true;
			return 0;
		}
	if (w->depth >= WALK_MAX_DEPTH || w->records >= WALK_MAX_RECORDS)
		return 0;
	struct mail_state *m = w->g->mail;
	struct buf *text = &m->spf_text[w->depth + 1];
	const struct query *q;
	char all = 0;
	int sel = spf_select(w->g->s, t, tn, text, &m->txt, &q);
	if (sel == -3) {
		/* RFC 7208 5.2 and 6.1: check_host() ends in temperror, not permerror; the
		 * record may be fine, the grade does not say it is broken */
		findings_add(w->f, "SPF_TEMPERROR", SEV_WARNING,
			     "%s '%.*s': the TXT query failed (%s), a temporary error", what,
			     FV(tn), t, q_cause(q));
		w->temperror = true;
		return 0;
	}
	if (sel == -2)
		return 0;
	if (q_void(q, T_TXT))
		w->voids++;
	if (sel == 0) {
		findings_add(w->f, redirect ? "NO_RECORD_AT_REDIRECT" : "INCLUDE_TARGET_NO_SPF",
			     SEV_ERROR, "%s '%.*s' has no SPF record", what, FV(tn), t);
		w->permerror = true;
		return 0;
	}
	if (sel == -1) {
		findings_add(w->f, redirect ? "REDIRECT_TARGET_INVALID" : "INCLUDE_TARGET_INVALID",
			     SEV_ERROR, "%s '%.*s' has several SPF records", what, FV(tn), t);
		w->permerror = true;
		return 0;
	}
	w->records++;
	/* the findings of the target are only looked at here: one list serves every level */
	struct findings *sub = &m->sub;
	struct spf_record *r = &m->spf[w->depth + 1];
	findings_reset(sub);
	spf_parse(text->s, text->len, r, sub);
	for (size_t i = 0; i < sub->n; i++)
		if (sub->v[i].sev == SEV_ERROR) {
			findings_add(
			    w->f, redirect ? "REDIRECT_TARGET_INVALID" : "INCLUDE_TARGET_INVALID",
			    SEV_ERROR, "%s '%.*s': %s", what, FV(tn), t, findings_msg(sub, i));
			w->permerror = true;
			break;
		}
	if (findings_has(sub, "HAS_PTR"))
		findings_add(w->f, "HAS_PTR", SEV_WARNING, "'ptr' used in the record of '%.*s'",
			     FV(tn), t);
	w->depth++;
	w->stack[w->depth] = t;
	w->stackn[w->depth] = tn;
	walk_record(w, t, tn, r, &all);
	w->depth--;
	return all;
}

/* A mechanism whose query failed ends check_host() in temperror too (RFC 7208 5): say so,
 * neither void nor a permerror. */
static void
term_temperror(struct walk *w, const char *mech, const char *t, size_t tn, const struct query *q)
{
	if (!q_failed(q))
		return;
	findings_add(w->f, "SPF_TEMPERROR", SEV_WARNING,
		     "%s '%.*s': the %s query failed (%s), a temporary error", mech, FV(tn), t,
		     q->type, q_cause(q));
	w->temperror = true;
}

static void
walk_record(struct walk *w, const char *dom, size_t dn, const struct spf_record *r, char *all)
{
	struct scan *s = w->g->s;
	for (size_t i = 0; i < r->nterms; i++) {
		const struct spf_term *t = &r->terms[i];
		if (t->mech == SPF_ALL)
			break; /* RFC 7208 5.1: mechanisms after "all" are never tested */
		if (t->mech == SPF_IP4 || t->mech == SPF_IP6)
			continue;
		/* far past the limit the count no longer matters: bound the work */
		if (w->lookups >= SPF_COUNT_MAX)
			return;
		w->lookups++;
		if (t->macro)
			continue;
		const char *tg = t->arg ? t->arg : dom;
		size_t tn = t->arg ? t->arglen : dn;
		if (t->mech == SPF_INCLUDE) {
			walk_target(w, tg, tn, false);
		} else if (t->mech == SPF_A) {
			const struct query *a = scan_find(s, tg, tn, T_A),
					   *aaaa = scan_find(s, tg, tn, T_AAAA);
			if ((a || aaaa) && (!a || q_void(a, T_A)) &&
			    (!aaaa || q_void(aaaa, T_AAAA)))
				w->voids++;
			term_temperror(w, "a", tg, tn, q_failed(a) ? a : aaaa);
		} else if (t->mech == SPF_MX) {
			const struct query *mx = scan_find(s, tg, tn, T_MX);
			term_temperror(w, "mx", tg, tn, mx);
			if (q_void(mx, T_MX))
				w->voids++;
			size_t n = q_count(mx, T_MX);
			if (n > 10) {
				findings_add(w->f, "TOO_MANY_MX_RECORDS_RETURNED", SEV_ERROR,
					     "'mx' on '%.*s' has %zu hosts (limit 10)", FV(tn), tg,
					     n);
				w->permerror = true;
			}
		} else if (t->mech == SPF_EXISTS) {
			const struct query *a = scan_find(s, tg, tn, T_A);
			if (q_void(a, T_A))
				w->voids++;
			term_temperror(w, "exists", tg, tn, a);
		}
	}
	*all = r->all;
	if (r->redirect && !r->all) {
		w->lookups++;
		if (!r->redirect_macro)
			*all = walk_target(w, r->redirect, r->redirect_len, true);
	}
}

/* RFC 7208 5.1: terms after the first "all" are never tested (a modifier there still is one,
 * and a syntax error anywhere still counts, 4.6): say they are dead text. */
static void
dead_terms(const struct spf_record *r, struct findings *f)
{
	for (size_t i = 0; i + 1 < r->nterms; i++)
		if (r->terms[i].mech == SPF_ALL) {
			findings_add(f, "TERMS_AFTER_ALL", SEV_NOTICE,
				     "%zu mechanism%s after 'all' never tested (RFC 7208 5.1)",
				     r->nterms - i - 1, r->nterms - i - 1 == 1 ? "" : "s");
			return;
		}
}

static const char *
policy_name(char q)
{
	switch (q) {
	case '-':
		return "-all";
	case '~':
		return "~all";
	case '?':
		return "?all";
	case '+':
		return "+all";
	default:
		return "none";
	}
}

static void
check_spf(struct grader *g)
{
	struct scan *s = g->s;
	struct mail_state *m = g->mail;
	struct findings *f = &g->f[C_SPF];
	g->facts.spf.policy = "none";
	const struct query *q;
	struct buf *text = &m->spf_text[0];
	int sel = spf_select(s, s->domain, s->domainlen, text, &m->txt, &q);
	if (sel == -3) {
		/* RFC 7208 4.4: a temperror, not "none": whether there is a record is unknown */
		g->facts.fetched.spf = FETCH_TEMPERROR; /* grade_unknowns says why */
		return;
	}
	if (sel == -2 && !q)
		g->facts.fetched.spf = FETCH_NOT_ASKED;
	if (sel == -2 || sel == 0) {
		findings_add(f, "NO_SPF_FOUND", SEV_WARNING, "no SPF record at '%.*s'",
			     FV(s->domainlen), s->domain);
		return;
	}
	g->facts.spf.present = true;
	if (sel == -1) {
		findings_add(f, "MULTIPLE_SPF_RECORDS", SEV_ERROR, "several SPF records at '%.*s'",
			     FV(s->domainlen), s->domain);
		return;
	}
	struct spf_record *r = &m->spf[0];
	spf_parse(text->s, text->len, r, f);
	dead_terms(r, f);
	struct walk w = {.g = g, .f = f};
	w.stack[0] = s->domain;
	w.stackn[0] = s->domainlen;
	char all = 0;
	walk_record(&w, s->domain, s->domainlen, r, &all);
	if (w.temperror)
		g->facts.fetched.spf_walk = FETCH_TEMPERROR;
	if (w.lookups > SPF_MAX_LOOKUPS) {
		findings_add(f, "TOO_MANY_DNS_LOOKUPS", SEV_ERROR,
			     "%u DNS-querying terms through include and redirect (limit 10)",
			     w.lookups);
		w.permerror = true;
	}
	if (w.voids > SPF_MAX_VOIDS) {
		findings_add(f, "TOO_MANY_VOID_LOOKUPS", SEV_ERROR,
			     "%u lookups found nothing (limit 2)", w.voids);
		w.permerror = true;
	}
	g->facts.spf.lookups = w.lookups;
	g->facts.spf.voids = w.voids;
	g->facts.spf.policy = policy_name(all);
	if (all == '+')
		findings_add(f, "SPF_PASS_ALL", SEV_ERROR,
			     "'+all' lets every host on the Internet pass");
	else if (all == '?')
		findings_add(f, "SPF_NEUTRAL_ALL", SEV_WARNING, "'?all' makes the policy neutral");
	else if (!all)
		findings_add(f, "SPF_NO_ALL", SEV_WARNING,
			     "no 'all' term: other hosts get a neutral result");
	/* Valid: no syntax finding, no permerror, no error dropped. The findings of the walk and
	 * of the limits above are none of spf_syntax_code's, and spf_parse's syntax findings are
	 * its errors: with no error dropped, r->syntax_ok says whether it stored one. */
	g->facts.spf.valid = r->syntax_ok && !w.permerror && f->dropped_errors == 0;
}

/* Do the valid names a and b end in the same two labels, or are they the same name? Only then
 * can they have the same registrable domain (two labels or more, or the name itself when it
 * has none), so only then are the public-suffix lookups needed. */
static bool
may_share_registrable(const struct buf *a, const struct buf *b)
{
	size_t i = a->len, j = b->len;
	int labels = 0;
	while (i > 0 && j > 0 && a->s[i - 1] == b->s[j - 1]) {
		i--, j--;
		if (a->s[i] == '.' && ++labels == 2)
			return true;
	}
	if ((i == 0 || a->s[i - 1] == '.') && (j == 0 || b->s[j - 1] == '.'))
		labels++; /* the shorter name is all labels of the other's tail */
	return labels >= 2 || (i == 0 && j == 0);
}

/* Effective report destinations outside the domain need <domain>._report._dmarc.<dest>. */
static void
check_report_auth(struct grader *g, const struct dmarc_record *r)
{
	struct scan *s = g->s;
	struct dname *own = &g->mail->own, *dest = &g->mail->dest;
	const char *own_reg = NULL;
	bool own_set = false, own_valid = false, own_reg_done = false;
	for (size_t i = 0; i < r->nuris && i < 8; i++) {
		const struct dmarc_uri *u = &r->uris[i];
		if (!u->mailto)
			continue;
		/* A host name (ASCII) equal to the domain is the same name to dname_set: the same
		 * registrable domain, or the same invalid name. Most reports go there. */
		if (u->hostlen == s->domainlen && ascii_case_eq(u->host, s->domain, u->hostlen))
			continue;
		if (dname_set(dest, u->host, u->hostlen) < 0)
			continue;
		if (!own_set) {
			own_valid = dname_set(own, s->domain, s->domainlen) == 0;
			own_set = true;
		}
		/* third-party destinations mostly differ in the last two labels already */
		if (!own_valid || may_share_registrable(&own->ascii, &dest->ascii)) {
			if (!own_reg_done) {
				own_reg = dname_registrable(own) ? own->reg_ascii : own->ascii.s;
				own_reg_done = true;
			}
			const char *dreg =
			    dname_registrable(dest) ? dest->reg_ascii : dest->ascii.s;
			if (own_reg && dreg && !strcmp(own_reg, dreg))
				continue;
		}
		domain_name(&g->tmp2, "", s, "._report._dmarc.");
		buf_adds(&g->tmp2, dest->ascii.s);
		const struct query *q = scan_find(s, g->tmp2.s, g->tmp2.len, T_TXT);
		if (!q || !q->answered || q_failed(q))
			continue; /* not asked, or a temporary error: unknown, not refused */
		bool ok = false;
		size_t j = 0;
		const struct jv *rr;
		while ((rr = q_rr(q, T_TXT, &j)))
			if (rr_txt(s, rr, &g->tmp, NULL) && dmarc_is_record(g->tmp.s, g->tmp.len))
				ok = true;
		if (!ok)
			findings_add(&g->f[C_DMARC], "EXTERNAL_REPORT_NOT_AUTHORIZED", SEV_WARNING,
				     "%s destination '%.*s' has not authorised reports (no DMARC "
				     "record at %.*s)",
				     u->ruf ? "ruf" : "rua", FV(u->hostlen), u->host,
				     FV(g->tmp2.len), g->tmp2.s);
	}
}

static void
check_dmarc(struct grader *g)
{
	struct scan *s = g->s;
	struct mail_state *m = g->mail;
	struct findings *f = &g->f[C_DMARC];
	struct buf *name = &m->name, *text = &m->dmarc_text, *t = &m->txt;
	domain_name(name, "_dmarc.", s, "");
	buf_reset(text);
	const struct query *q = scan_find(s, name->s, name->len, T_TXT);
	g->facts.dmarc.pct = -1;
	int found = 0;
	size_t i = 0;
	const struct jv *rr;
	while ((rr = q_rr(q, T_TXT, &i))) {
		if (!rr_txt(s, rr, t, NULL))
			continue;
		if (dmarc_is_record(t->s, t->len)) {
			if (found++ == 0)
				take_text(text, t);
		} else if (t->len >= 6 && !strncasecmp(t->s, "v=spf1", 6)) {
			findings_add(f, "SPF_RECORD_AT_DMARC", SEV_NOTICE,
				     "an SPF record is published at '%s'", name->s);
		}
	}
	if (found == 0 && q_failed(q)) {
		/* RFC 7489 6.6.3: a transient DNS error is not "no record" */
		g->facts.fetched.dmarc = FETCH_TEMPERROR; /* grade_unknowns says why */
		return;
	}
	if (found == 0) {
		if (!q)
			g->facts.fetched.dmarc = FETCH_NOT_ASKED;
		findings_add(f, "NO_DMARC_RECORD", SEV_WARNING, "no DMARC record at '%s'", name->s);
		return;
	}
	g->facts.dmarc.present = true;
	if (found > 1) {
		findings_add(f, "MULTIPLE_DMARC_RECORDS", SEV_ERROR, "%d DMARC records at '%s'",
			     found, name->s);
		return;
	}
	struct dmarc_record *r = &m->dmarc;
	dmarc_parse(text->s, text->len, r, f);
	struct facts *fa = &g->facts;
	fa->dmarc.valid = r->valid;
	fa->dmarc.p = r->p;
	fa->dmarc.sp = r->sp;
	fa->dmarc.np = r->np;
	fa->dmarc.pct = r->pct;
	fa->dmarc.rua = r->has_rua;
	fa->dmarc.ruf = r->has_ruf;
	enum dmarc_policy p = dmarc_effective(r, r->p == DMARC_UNSET ? DMARC_NONE : r->p);
	if (r->testing)
		findings_add(f, "TESTING_MODE", SEV_NOTICE,
			     "t=y: the policy is applied one step lower");
	if (p == DMARC_NONE)
		findings_add(f, "POLICY_NONE", SEV_WARNING,
			     "the policy in force is 'none': nothing is enforced");
	enum dmarc_policy sp = r->sp == DMARC_UNSET || r->sp == DMARC_INVALID ? r->p : r->sp;
	if (r->sp == DMARC_NONE && (r->p == DMARC_QUARANTINE || r->p == DMARC_REJECT))
		findings_add(f, "SUBDOMAIN_POLICY_NONE", SEV_WARNING,
			     "sp=none leaves subdomains unprotected");
	if (r->np == DMARC_NONE && (sp == DMARC_QUARANTINE || sp == DMARC_REJECT))
		findings_add(f, "NP_POLICY_NONE", SEV_NOTICE,
			     "np=none leaves non-existent subdomains unprotected");
	if (!r->has_rua)
		findings_add(f, "NO_RUA", SEV_NOTICE,
			     "no 'rua': no aggregate reports are asked for");
	check_report_auth(g, r);
}

static void
check_mx(struct grader *g)
{
	struct scan *s = g->s;
	struct findings *f = &g->f[C_MX];
	struct mail_state *m = g->mail;
	const struct query *q = scan_find(s, s->domain, s->domainlen, T_MX);
	size_t i = 0, n = 0, nulls = 0, seen = 0;
	const struct jv *rr;
	while ((rr = q_rr(q, T_MX, &i))) {
		size_t en;
		const char *ex = rr_str(rr, K_exchange, &en);
		long long pref;
		if (n >= MX_CHECK_MAX) { /* counted, not checked: bounds the work on hostile data */
			n++;
			continue;
		}
		/* every RR before this one, valid or not, for the duplicate check */
		m->mx = xgrow(m->mx, &m->mxcap, seen + 1, sizeof *m->mx);
		m->mx[seen++] = (struct mx_seen){ex, en};
		if (!ex || !rr_int(rr, K_preference, &pref) || pref < 0 || pref > 65535) {
			scan_problem(s, "MX record without a valid preference or exchange");
			continue;
		}
		n++;
		if (en == 0 || (en == 1 && ex[0] == '.')) {
			nulls++;
			if (pref != 0)
				findings_add(f, "NULL_MX_NON_ZERO_PREF", SEV_NOTICE,
					     "null MX with preference %lld", pref);
			continue;
		}
		while (en && ex[en - 1] == '.')
			en--;
		bool dup = false;
		for (size_t j = 0; j + 1 < seen && !dup; j++)
			dup = m->mx[j].ex && name_eq(m->mx[j].ex, m->mx[j].n, ex, en);
		if (dup) {
			findings_add(f, "DUPLICATE_MX_HOST", SEV_NOTICE, "'%.*s' listed twice",
				     FV(en), ex);
			continue;
		}
		bool parsed;
		addr_public(ex, en, &parsed);
		if (parsed) {
			findings_add(f, "EXCHANGE_IS_AN_IP", SEV_ERROR,
				     "MX target '%.*s' is an address, not a name", FV(en), ex);
			continue;
		}
		/* hostname_ok strips final dots and then asks this: en has none */
		if (!ascii_hostname_ok(ex, en)) {
			findings_add(f, "INVALID_EXCHANGE", SEV_ERROR,
				     "MX target '%.*s' is not a host name", FV(en), ex);
			continue;
		}
		const struct query *a = scan_find(s, ex, en, T_A),
				   *aaaa = scan_find(s, ex, en, T_AAAA);
		bool cname = false;
		for (int k = 0; k < 2; k++) {
			const struct query *x = k ? aaaa : a;
			size_t ci = 0;
			const struct jv *c;
			while ((c = q_rr(x, T_CNAME, &ci))) {
				size_t cn;
				const char *owner = rr_str(c, K_name, &cn);
				if (owner && name_eq(owner, cn, ex, en))
					cname = true;
			}
		}
		if (cname)
			findings_add(f, "MX_TARGET_IS_CNAME", SEV_ERROR,
				     "MX target '%.*s' is an alias (CNAME)", FV(en), ex);
		else if ((a || aaaa) && (!a || (a->answered && !q_has(a, T_A))) &&
			 (!aaaa || (aaaa->answered && !q_has(aaaa, T_AAAA))) &&
			 ((a && a->answered) || (aaaa && aaaa->answered)))
			findings_add(f, "MX_TARGET_NO_ADDRESS", SEV_ERROR,
				     "MX target '%.*s' has no address", FV(en), ex);
	}
	g->facts.mx.present = n > 0;
	g->facts.mx.hosts = (int)(n - nulls);
	g->facts.mx.null_mx = nulls > 0 && n == nulls;
	if (nulls && n > nulls)
		findings_add(f, "NULL_MX_WITH_OTHER_MX", SEV_ERROR,
			     "null MX published with %zu other MX records (RFC 7505)", n - nulls);
	if (n == 0) {
		findings_add(f, "NO_MX_RECORDS", SEV_NOTICE,
			     "no MX records: mail goes to the address records");
		if (g->facts.spf.policy && !strcmp(g->facts.spf.policy, "-all"))
			findings_add(f, "NULL_MX_RECOMMENDED", SEV_NOTICE,
				     "SPF says no host sends mail: publish a null MX (RFC 7505)");
	}
}

static void
check_bimi(struct grader *g)
{
	struct scan *s = g->s;
	struct mail_state *m = g->mail;
	struct findings *f = &g->f[C_BIMI];
	struct buf *name = &m->name, *t = &m->txt, *text = &m->dmarc_text;
	domain_name(name, "default._bimi.", s, "");
	buf_reset(text);
	const struct query *q = scan_find(s, name->s, name->len, T_TXT);
	int found = 0;
	size_t i = 0;
	const struct jv *rr;
	while ((rr = q_rr(q, T_TXT, &i)))
		if (rr_txt(s, rr, t, NULL) && bimi_is_record(t->s, t->len) && found++ == 0)
			take_text(text, t);
	if (found == 0) {
		findings_add(f, "NO_BIMI_RECORDS", SEV_NOTICE, "no BIMI record at '%s'", name->s);
		return;
	}
	g->facts.bimi.present = true;
	if (found > 1) {
		findings_add(f, "TOO_MANY_BIMI_RECORDS", SEV_ERROR, "%d BIMI records at '%s'",
			     found, name->s);
		return;
	}
	struct bimi_record r;
	bimi_parse(text->s, text->len, &r, f);
	g->facts.bimi.valid = r.valid;
	if (r.declined)
		return;
	/* BIMI needs DMARC enforcement on the domain and its subdomains, at 100 percent. */
	if (!g->facts.dmarc.present || !g->facts.dmarc.valid) {
		findings_add(f, "DMARC_NOT_DEFINED", SEV_ERROR, "BIMI needs a valid DMARC record");
		g->facts.bimi.valid = false;
	} else {
		enum dmarc_policy p = g->facts.dmarc.p;
		enum dmarc_policy sp = g->facts.dmarc.sp == DMARC_UNSET ? p : g->facts.dmarc.sp;
		if ((p != DMARC_QUARANTINE && p != DMARC_REJECT) ||
		    (sp != DMARC_QUARANTINE && sp != DMARC_REJECT)) {
			findings_add(f, "DMARC_STRICT_ENOUGH_POLICY", SEV_ERROR,
				     "BIMI needs DMARC p and sp of quarantine or reject");
			g->facts.bimi.valid = false;
		} else if (g->facts.dmarc.pct >= 0 && g->facts.dmarc.pct < 100) {
			findings_add(f, "DMARC_STRICT_ENOUGH_PERCENT", SEV_ERROR,
				     "BIMI needs DMARC applied to all mail, not pct=%d",
				     g->facts.dmarc.pct);
			g->facts.bimi.valid = false;
		}
	}
}

void
check_mail(struct grader *g)
{
	if (!g->mail)
		mail_state_init(g);
	check_spf(g);
	check_dmarc(g);
	check_mx(g);
	check_bimi(g);
}
