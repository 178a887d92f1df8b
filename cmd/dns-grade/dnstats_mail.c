/* SPDX-License-Identifier: ISC */
/* DNStats' mail categories: its adoption facts of SPF and DMARC (dnstats.md 1.4) and its
 * validators of SPF, DMARC and BIMI (sections 2.1, 2.2 and 2.7), over the text forms dnspython
 * gave them. Production wrapper bugs are not copied: BIMI records are read unquoted. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dnstats.h"
#include "ipaddr.h"
#include "xalloc.h"

/* --- adoption facts (process_result) -------------------------------------------------- */

/* The first qualifier of "all" anywhere in an SPF text ("+all", "?ALL"...), or 0. */
static char
spf_ending(const char *t)
{
	for (const char *p = t; (p = strpbrk(p, "+?~-")); p++)
		if (!strncasecmp(p + 1, "all", 3))
			return *p;
	return 0;
}

/* A policy as DNStats counted it (a static string). */
static const char *
stat_policy(const char *v)
{
	if (!v)
		return "no_policy";
	if (!strcmp(v, "none"))
		return "none";
	if (!strcmp(v, "quarantine"))
		return "quarantine";
	if (!strcmp(v, "reject"))
		return "reject";
	return "invalid";
}

/* SPF, over the texts of the apex TXT RRs as dnspython printed them less their quotes: a
 * record holding "redirect=" is replaced by its target's quoted text, which never matches;
 * otherwise the first starting "v=spf" wins. */
static void
legacy_spf(struct legacy *l, const struct buf *texts)
{
	static const char *const pol[] = {"+all", "?all", "~all", "-all"};
	size_t off = 0;
	const char *t;
	l->spf_policy = "no_policy";
	while ((t = next_str(texts, &off))) {
		if (strncmp(t, "v=spf", 5) || strstr(t, "redirect="))
			continue;
		l->has_spf = true;
		char q = spf_ending(t);
		if (q)
			l->spf_policy = pol[strchr("+?~-", q) - "+?~-"];
		return;
	}
}

/* DMARC: the first quoted TXT starting "v=DMARC1 (quote included), that is the first whose
 * text less its quotes starts "v=DMARC1" (the first string holds those bytes). */
static void
legacy_dmarc(struct legacy *l, const struct buf *texts)
{
	size_t off = 0;
	const char *t;
	l->dmarc_policy = l->dmarc_sub_policy = "no_policy";
	while ((t = next_str(texts, &off))) {
		if (strncmp(t, "v=DMARC1", 8))
			continue;
		struct pairs p;
		pairs_init(&p);
		pairs_parse(t, &p);
		l->has_dmarc = true;
		l->has_dmarc_rua = pairs_get(&p, "rua") != NULL;
		l->has_dmarc_ruf = pairs_get(&p, "ruf") != NULL;
		l->dmarc_policy = stat_policy(pairs_get(&p, "p"));
		l->dmarc_sub_policy = stat_policy(pairs_get(&p, "sp"));
		pairs_free(&p);
		return;
	}
}

/* Reads the apex and _dmarc TXT sets, which DNStats' validators read again (txt_again). */
void
legacy_mail_facts(struct grader *g)
{
	struct dnstats *d = dnstats_of(g);
	struct scan *s = g->s;
	struct legacy *l = &g->facts.legacy;
	size_t i = 0;
	l->has_mx = q_rr(scan_find(s, s->domain, s->domainlen, T_MX), T_MX, &i) != NULL;
	txt_set_read(g, s->domain, s->domainlen, &d->apex_set);
	legacy_spf(l, txt_set_stripped(&d->apex_set, &d->apex));
	prefixed_name(&d->name, "_dmarc.", s);
	txt_set_read(g, d->name.s, d->name.len, &d->dmarc_set);
	legacy_dmarc(l, txt_set_stripped(&d->dmarc_set, &d->dmarc));
}

void
legacy_facts(struct grader *g)
{
	legacy_mail_facts(g);
	legacy_infra_facts(g);
}

/* The texts (txt_set_stripped's, in esc) of a TXT set legacy_facts read, which DNStats'
 * validators read again: reading again makes one more scan problem of each RR rr_txt refuses.
 * Those are counted, the first problem (that reading's or an earlier one) said already. */
static const struct buf *
txt_again(struct grader *g, const struct txt_set *set, const struct buf *esc)
{
	g->s->nproblems += set->fails;
	return esc;
}

/* --- SPF (2.1) --------------------------------------------------------------------------- */

enum { SPF_STOP = 1 };

static int
ds_ip4(struct grader *g, const char *v, size_t n)
{
	const char *slash = memchr(v, '/', n);
	unsigned a;
	if (slash) {
		if (memchr(slash + 1, '/', n - (size_t)(slash - v) - 1) ||
		    !py_v4(v, (size_t)(slash - v), &a)) {
			ds_remark(g, C_SPF, "INVALID_IPV4_VALUE", 1, "bad IPv4 address in '%.*s'",
				  v, n);
			return 0;
		}
		int len;
		if (!py_prefix(slash + 1, n - (size_t)(slash - v) - 1, 32, &len)) {
			ds_remark(g, C_SPF, "INVALID_IPV4_CIDR", 1, "bad IPv4 prefix in '%.*s'", v,
				  n);
			return 0;
		}
		unsigned host = len == 32 ? 0 : len == 0 ? 0xffffffffu : (0xffffffffu >> len);
		if (a & host) {
			ds_remark(g, C_SPF, "INVALID_IPV6_MECHANISM", 1, "host bits set in '%.*s'",
				  v, n);
			return 0;
		}
		if (py_v4_private(a) && py_v4_private(a | host)) {
			ds_remark(g, C_SPF, "INVALID_IPV4_MECHANISM", 1,
				  "non-global network '%.*s'", v, n);
			return SPF_STOP;
		}
		return 0;
	}
	if (!py_v4(v, n, &a)) {
		ds_remark(g, C_SPF, "INVALID_IPV4_VALUE", 1, "bad IPv4 address '%.*s'", v, n);
		return 0;
	}
	if (py_v4_private(a)) {
		ds_remark(g, C_SPF, "INVALID_IPV4_MECHANISM", 1, "non-global address '%.*s'", v, n);
		return SPF_STOP;
	}
	return 0;
}

static int
ds_ip6(struct grader *g, const char *v, size_t n)
{
	const char *slash = memchr(v, '/', n);
	if (!slash) {
		/* the code parses the token head "ip6" as the address */
		ds_remark(g, C_SPF, "INVALID_IPV6_VALUE", 1, "'%.*s' (every ip6 without a prefix)",
			  v, n);
		return 0;
	}
	unsigned char b[16];
	size_t an = (size_t)(slash - v);
	int len;
	/* 64: what the copy for inet_pton had room for */
	if (an >= 64 || memchr(slash + 1, '/', n - an - 1)) {
		ds_remark(g, C_SPF, "INVALID_IPV6_VALUE", 1, "bad IPv6 address in '%.*s'", v, n);
		return 0;
	}
	if (!ipaddr_v6(v, strnlen(v, an), b)) { /* inet_pton reads up to a NUL */
		ds_remark(g, C_SPF, "INVALID_IPV6_VALUE", 1, "bad IPv6 address in '%.*s'", v, n);
		return 0;
	}
	if (!py_prefix(slash + 1, n - an - 1, 128, &len)) {
		ds_remark(g, C_SPF, "INVALID_IPV6_CIDR", 1, "bad IPv6 prefix in '%.*s'", v, n);
		return 0;
	}
	unsigned char last[16];
	bool hostbits = false;
	for (int i = 0; i < 16; i++) {
		int keep = len - i * 8;
		unsigned char mask = keep >= 8	 ? 0xff
				     : keep <= 0 ? 0
						 : (unsigned char)(0xff << (8 - keep));
		if (b[i] & ~mask)
			hostbits = true;
		last[i] = (unsigned char)(b[i] | ~mask);
	}
	if (hostbits) {
		ds_remark(g, C_SPF, "INVALID_IPV6_MECHANISM", 1, "host bits set in '%.*s'", v, n);
		return 0;
	}
	if (py_v6_private(b) && py_v6_private(last)) {
		ds_remark(g, C_SPF, "INVALID_IPV6_MECHANISM", 1, "non-global network '%.*s'", v, n);
		return SPF_STOP;
	}
	return 0;
}

/* Python's str.split(' ') of s, appended to the terms in d->tok (at most 4096). */
static void
toks_add_split(struct dnstats *d, const char *s)
{
	for (;;) {
		const char *sp = strchr(s, ' ');
		size_t n = sp ? (size_t)(sp - s) : strlen(s);
		if (d->ntok < 4096) {
			d->tok_off =
			    xgrow(d->tok_off, &d->tok_cap, d->ntok + 1, sizeof *d->tok_off);
			d->tok_off[d->ntok++] = d->tok.len;
			buf_add(&d->tok, s, n);
			buf_add(&d->tok, "", 1);
		}
		if (!sp)
			break;
		s = sp + 1;
	}
}

/* A redirect term: its target's SPF record's terms are added to d->tok. false: stop. */
static bool
ds_spf_redirect(struct grader *g, struct dnstats *d, const char *tok, size_t tn)
{
	const char *eq = strchr(tok, '=');
	if (!eq || strchr(eq + 1, '=')) {
		ds_remark(g, C_SPF, "INVALID_REDIRECT_MECHANISM", 1, "bad redirect '%.*s'", tok,
			  tn);
		return false;
	}
	size_t eq_off = (size_t)(eq - d->tok.s);
	txt_set_read(g, eq + 1, strlen(eq + 1), &d->other_set);
	const struct buf *texts = txt_set_stripped(&d->other_set, &d->other);
	if (d->other_set.n == 0) {
		ds_remark(g, C_SPF, "INVALID_REDIRECT_MECHANISM", 1,
			  "redirect target '%.*s' has no TXT", eq + 1, strlen(eq + 1));
		return false;
	}
	size_t off = 0;
	const char *r;
	bool found = false;
	while ((r = next_str(texts, &off)))
		if (!strncmp(r, "v=spf1 ", 7)) {
			toks_add_split(d, r); /* which may move d->tok */
			found = true;
			break;
		}
	eq = d->tok.s + eq_off;
	if (!found)
		ds_remark(g, C_SPF, "NO_RECORD_AT_REDIRECT", 0, "no SPF record at redirect '%.*s'",
			  eq + 1, strlen(eq + 1));
	return true;
}

static void
ds_spf_validate(struct grader *g, struct dnstats *d, const char *rec)
{
	struct scan *s = g->s;
	if (strncmp(rec, "v=spf1 ", 7))
		ds_remark(g, C_SPF, "INVALID_RECORD_START", 0, "record does not start 'v=spf1 '",
			  NULL, 0);
	buf_reset(&d->tok);
	d->ntok = 0;
	toks_add_split(d, rec);
	int count = 1, starts = 0, endings = 0;
	for (size_t i = 0; i < d->ntok; i++) {
		const char *tok = d->tok.s + d->tok_off[i]; /* until a redirect adds terms */
		size_t tn = strlen(tok);
		if (tn == 0)
			break;
		if (count >= 10) {
			ds_remark(g, C_SPF, "TOO_MANY_DNS_LOOKUPS", 2,
				  "lookup count reached 10 at '%.*s'", tok, tn);
			break;
		}
		if (!strncmp(tok, "all", 3))
			break;
		if (!strncmp(tok, "include", 7)) {
			count++;
			const char *c = strchr(tok, ':');
			if (!c || strchr(c + 1, ':')) {
				ds_remark(g, C_SPF, "INVALID_INCLUDE_FORMAT", 1,
					  "bad include '%.*s'", tok, tn);
				break;
			}
		} else if (tok[0] == 'a') {
			count++;
			size_t na = q_count(scan_find(s, s->domain, s->domainlen, T_A), T_A);
			if (na == 0) {
				ds_remark(g, C_SPF, "NO_A_RECORDS_IN_MECHANISM", 2,
					  "the domain has no A record", NULL, 0);
				break;
			}
			if (na > 10) {
				ds_remark(g, C_SPF, "TOO_MANY_A_RECORDS_RETURNED", 2,
					  "over 10 A records", NULL, 0);
				break;
			}
		} else if (!strncmp(tok, "mx", 2)) {
			count++;
			size_t nm = q_count(scan_find(s, s->domain, s->domainlen, T_MX), T_MX);
			if (nm == 0)
				ds_remark(g, C_SPF, "NO_MX_RECORDS", 4,
					  "the domain has no MX record", NULL, 0);
			else if (nm > 10) {
				ds_remark(g, C_SPF, "TOO_MANY_MX_RECORDS_RETURNED", 2,
					  "over 10 MX records", NULL, 0);
				break;
			}
		} else if (!strncmp(tok, "ip4", 3) || !strncmp(tok, "ip6", 3)) {
			const char *c = strchr(tok, ':');
			bool v4 = tok[2] == '4';
			if (!c || !c[1]) {
				ds_remark(g, C_SPF,
					  v4 ? "INVALID_IPV4_MECHANISM" : "INVALID_IPV6_MECHANISM",
					  1, "'%.*s' without a value", tok, tn);
				break;
			}
			if ((v4 ? ds_ip4 : ds_ip6)(g, c + 1, strlen(c + 1)) == SPF_STOP)
				break;
		} else if (!strncmp(tok, "ptr", 3)) {
			count++;
			ds_remark(g, C_SPF, "HAS_PTR", 3, "'ptr' used", NULL, 0);
		} else if (!strncmp(tok, "exists", 6)) {
			count++;
		} else if (!strncmp(tok, "redirect", 8)) {
			if (!ds_spf_redirect(g, d, tok, tn))
				break;
			count++;
		} else if (!strncmp(tok, "exp=", 4) || !strncmp(tok, "unknown-modifier=", 17)) {
			continue;
		} else if (tn >= 3 && !strcmp(tok + tn - 3, "all")) {
			if (++endings > 1)
				ds_remark(g, C_SPF, "TOO_MANY_ENDINGS", 1, "second ending '%.*s'",
					  tok, tn);
		} else if (!strncmp(tok, "v=", 2)) {
			if (++starts > 1)
				ds_remark(g, C_SPF, "TOO_MANY_STARTS", 0, "second start '%.*s'",
					  tok, tn);
			if (strcmp(tok + 2, "spf1")) {
				ds_remark(g, C_SPF, "INVALID_RECORD_START", 0, "bad version '%.*s'",
					  tok, tn);
				break;
			}
		} else {
			ds_remark(g, C_SPF, "INVALID_MECHANISM", 1, "unknown term '%.*s'", tok, tn);
			break;
		}
	}
}

/* Over the texts of the apex TXT RRs legacy_facts read. */
void
ds_check_spf(struct grader *g)
{
	struct dnstats *d = dnstats_of(g);
	const struct buf *apex = txt_again(g, &d->apex_set, &d->apex);
	size_t off = 0, kept = 0;
	const char *t, *rec = NULL;
	while ((t = next_str(apex, &off)))
		if (!strncmp(t, "v=spf1", 6) && kept++ == 0)
			rec = t;
	d->facts.spf.records = kept;
	d->facts.spf.all = 0;
	if (kept == 0) {
		ds_remark(g, C_SPF, "NO_SPF_FOUND", 0, "no SPF record", NULL, 0);
	} else if (kept > 1) {
		ds_remark(g, C_SPF, "MULTIPLE_SPF_RECORDS", 0, "several SPF records", NULL, 0);
	} else {
		d->facts.spf.all = spf_ending(rec);
		ds_spf_validate(g, d, rec);
	}
}

/* --- DMARC (2.2) ------------------------------------------------------------------------- */

static void
ds_dmarc_validate(struct grader *g, struct pairs *p)
{
	enum cat c = C_DMARC;
	if (strncmp(p->src, "v=DMARC1;", 9))
		ds_remark(g, c, "INVALID_DMARC_RECORD_START", 0,
			  "record does not start 'v=DMARC1;'", NULL, 0);
	for (size_t i = 0; i < p->n; i++) {
		const char *k = p->k[i], *v = p->v[i];
		size_t kn = p->kn[i], vn = p->vn[i];
		long long x;
		if ((lit_is(k, kn, "adkim") || lit_is(k, kn, "aspf")) && !lit_is(v, vn, "s") &&
		    !lit_is(v, vn, "r"))
			ds_remark(g, c, k[1] == 'd' ? "INVALID_ADKIM_VALUE" : "INVALID_ASPF_VALUE",
				  1, "bad value '%.*s'", v, vn);
		else if (lit_is(k, kn, "fo") && !lit_is(v, vn, "0") && !lit_is(v, vn, "1") &&
			 !lit_is(v, vn, "d") && !lit_is(v, vn, "s"))
			ds_remark(g, c, "INVALID_FAILURE_REPORTING_VALUE", 1, "bad fo '%.*s'", v,
				  vn);
		else if (lit_is(k, kn, "p") && strcmp(stat_policy(v), v))
			ds_remark(g, c, "INVALID_POLICY", 0, "bad p '%.*s'", v, vn);
		else if (lit_is(k, kn, "sp") && strcmp(stat_policy(v), v))
			ds_remark(g, c, "INVALID_SUBDOMAIN_POLICY", 1, "bad sp '%.*s'", v, vn);
		else if (lit_is(k, kn, "pct") && py_int(v, &x) && x > 0 && x < 100)
			ds_remark(g, c, "INVALID_PCT_VALUE", 1, "pct '%.*s' below 100", v, vn);
		else if (lit_is(k, kn, "rf") && !lit_is(v, vn, "afrf"))
			ds_remark(g, c, "INVALID_RF_VALUE", 1, "bad rf '%.*s'", v, vn);
		else if (lit_is(k, kn, "ri") && (!py_int(v, &x) || x < 0 || x > 4294967295LL))
			ds_remark(g, c, "INVALID_RI_VALUE", 1, "bad ri '%.*s'", v, vn);
	}
}

/* Over the texts of the _dmarc TXT RRs legacy_facts read; the tags of the one record stay in
 * d->dmarc_pairs for the scale and the BIMI check. */
void
ds_check_dmarc(struct grader *g)
{
	struct dnstats *d = dnstats_of(g);
	struct pairs *p = &d->dmarc_pairs;
	const struct buf *txt = txt_again(g, &d->dmarc_set, &d->dmarc);
	size_t off = 0, n = 0;
	const char *t, *first = NULL;
	while ((t = next_str(txt, &off)))
		if (!strncmp(t, "v=DMARC1;", 9) && n++ == 0)
			first = t;
	pairs_free(p);
	d->facts.dmarc.records = n;
	memset(&d->facts.dmarc.tags, 0, sizeof d->facts.dmarc.tags);
	if (n > 1)
		ds_remark(g, C_DMARC, "MULTIPLE_DMARC_RECORDS", 0, "several DMARC records", NULL,
			  0);
	if (n != 1)
		return;
	pairs_parse(first, p);
	ds_dmarc_validate(g, p);
	struct dmarc_tags *tg = &d->facts.dmarc.tags;
	tg->adkim = pairs_get(p, "adkim");
	tg->aspf = pairs_get(p, "aspf");
	tg->fo = pairs_get(p, "fo");
	tg->p = pairs_get(p, "p");
	tg->sp = pairs_get(p, "sp");
	tg->pct = pairs_get(p, "pct");
	tg->rua = pairs_get(p, "rua");
	tg->ruf = pairs_get(p, "ruf");
}

/* --- BIMI (2.7) -------------------------------------------------------------------------- */

static long long
ds_pct(const struct pairs *p)
{
	const char *v = pairs_get(p, "pct");
	long long x;
	return v && py_int(v, &x) ? x : 100;
}

/* The checks of a BIMI record's tags. */
static void
ds_bimi_tags(struct grader *g, const struct pairs *p)
{
	for (size_t i = 0; i < p->n; i++)
		for (size_t j = 0; j < i; j++)
			if (p->kn[i] == p->kn[j] && !memcmp(p->k[i], p->k[j], p->kn[i])) {
				ds_remark(g, C_BIMI, "DUPLICATE_TAG_FOUND", 0,
					  "tag '%.*s' repeated", p->k[i], p->kn[i]);
				break;
			}
	const char *l = pairs_get(p, "l"), *sel = pairs_get(p, "s");
	if (!l) {
		ds_remark(g, C_BIMI, "LOGO_NOT_DEFINED", 0, "no l tag", NULL, 0);
	} else if (!strncmp(l, "http://", 7)) {
		ds_remark(g, C_BIMI, "LOGO_NOT_HTTPS", 0, "logo '%.*s'", l, strlen(l));
		return;
	} else if (*l && strncmp(l, "https://", 8)) {
		ds_remark(g, C_BIMI, "LOGO_INVALID_LOCATION", 0, "logo '%.*s'", l, strlen(l));
		return;
	} else if (*l) {
		size_t ln = strlen(l);
		if (!(ln >= 4 && !strcmp(l + ln - 4, ".svg")) &&
		    !(ln >= 5 && !strcmp(l + ln - 5, ".svgz")))
			ds_remark(g, C_BIMI, "LOGO_INVALID_FORMAT", 0, "logo '%.*s'", l, ln);
	}
	if (!sel) {
		ds_remark(g, C_BIMI, "SELECTOR_NOT_DEFINED", 0, "no s tag", NULL, 0);
		return;
	}
	if (!*sel && l && !*l)
		ds_remark(g, C_BIMI, "BIMI_OPTED_OUT", 0, "empty s and l", NULL, 0);
	else if (*sel && l && !*l)
		ds_remark(g, C_BIMI, "LOGO_LOCATION_BLANK", 0, "empty l", NULL, 0);
}

/* After ds_check_dmarc: DNStats read the _dmarc TXT again here, which gives the same texts
 * (ds_check_dmarc's reading reported any problem with their data). */
void
ds_check_bimi(struct grader *g)
{
	struct dnstats *d = dnstats_of(g);
	prefixed_name(&d->name, "default._bimi.", g->s);
	txt_set_read(g, d->name.s, d->name.len, &d->other_set);
	const struct buf *texts = txt_set_stripped(&d->other_set, &d->other);
	const struct buf *dm = &d->dmarc;
	size_t nd = d->dmarc_set.n;
	size_t off = 0, n = 0;
	const char *t, *rec = NULL;
	while ((t = next_str(texts, &off)))
		if (!strncmp(t, "v=BIMI1", 7) && n++ == 0)
			rec = t;
	if (n == 0) {
		ds_remark(g, C_BIMI, "N0_BIMI_RECORDS", 0, "no BIMI record", NULL, 0);
		return;
	}
	if (n > 1)
		ds_remark(g, C_BIMI, "TOO_MANY_BIMI_RECORDS", 0, "several BIMI records", NULL, 0);
	if (nd == 0) {
		ds_remark(g, C_BIMI, "DMARC_NOT_DEFINED", 0, "no DMARC record", NULL, 0);
		return;
	}
	/* It ran its DMARC validator on the first of them for the tags alone (the validator's
	 * remarks are not BIMI's): that text's pairs when it is the only one, else none. */
	struct pairs p, dt;
	pairs_init(&p);
	pairs_init(&dt);
	const struct pairs *dp = &dt;
	if (nd == 1 && d->dmarc_pairs.src == dm->s)
		dp = &d->dmarc_pairs;
	else if (nd == 1)
		pairs_parse(dm->s, &dt);
	const char *pv = pairs_get(dp, "p");
	if (!pv || (strcmp(pv, "reject") && strcmp(pv, "quarantine")))
		ds_remark(g, C_BIMI, "DMARC_STRICT_ENOUGH_POLICY", 0,
			  "DMARC p is not quarantine or reject", NULL, 0);
	else if (!strcmp(pv, "quarantine") && ds_pct(dp) != 100)
		ds_remark(g, C_BIMI, "DMARC_STRICT_ENOUGH_PERCENT", 0, "DMARC pct is not 100", NULL,
			  0);
	else {
		pairs_parse(rec, &p);
		ds_bimi_tags(g, &p);
	}
	pairs_free(&p);
	pairs_free(&dt);
}
