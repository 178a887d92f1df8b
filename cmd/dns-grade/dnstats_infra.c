/* SPDX-License-Identifier: ISC */
/* DNStats' infrastructure categories: its adoption facts of CAA and DNSSEC (dnstats.md 1.4)
 * and its validators of CAA, NS, SOA and MX (sections 2.3 to 2.6). Production wrapper bugs are
 * not copied: name servers' own answers are compared. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ascii.h"
#include "dnstats.h"
#include "ipaddr.h"
#include "xalloc.h"

/* --- adoption facts (process_result) -------------------------------------------------- */

/* CAA at the domain itself (no climbing): the text form (caa_text) holds " issue " or
 * " iodef ". */
static void
legacy_caa(struct grader *g, struct legacy *l)
{
	struct scan *s = g->s;
	struct buf *t = &dnstats_of(g)->caa;
	const struct query *cq = scan_find(s, s->domain, s->domainlen, T_CAA);
	size_t i = 0;
	const struct jv *rr;
	while ((rr = q_rr(cq, T_CAA, &i))) {
		caa_text(rr, t);
		l->caa_wildcard_count++;
		l->has_caa_reporting |= strstr(t->s, " iodef ") != NULL;
		if (strstr(t->s, " issue ")) {
			l->has_caa = true;
			l->caa_issue_count++;
		}
	}
}

void
legacy_infra_facts(struct grader *g)
{
	struct scan *s = g->s;
	struct legacy *l = &g->facts.legacy;
	legacy_caa(g, l);
	long long v;
	const struct jv *rr;
	size_t i = 0;
	l->ds_algorithm = l->digest_type = l->dnskey_algorithm = -1;
	if ((rr = q_rr(scan_find(s, s->domain, s->domainlen, T_DS), T_DS, &i))) {
		l->ds_algorithm = rr_int(rr, K_algorithm, &v) ? (int)v : -1;
		l->digest_type = rr_int(rr, K_digest_type, &v) ? (int)v : -1;
	}
	i = 0;
	if ((rr = q_rr(scan_find(s, s->domain, s->domainlen, T_DNSKEY), T_DNSKEY, &i)))
		l->dnskey_algorithm = rr_int(rr, K_algorithm, &v) ? (int)v : -1;
}

/* --- the checks' resources ------------------------------------------------------------ */

static void
ds_ready(struct dnstats *d)
{
	if (d->ready)
		return;
		/* Django-style URL body: host (labels and a 2-6 letter or 2+ LDH top label, or a
		 * dotted quad), optional port, optional path. */
#define HOST                                                                                       \
	"((([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?[.])+([a-z]{2,6}[.]?|[a-z0-9-]{2,}[.]?))|"           \
	"[0-9]{1,3}[.][0-9]{1,3}[.][0-9]{1,3}[.][0-9]{1,3})(:[0-9]+)?(/?|[/?][^[:space:]]+)$"
	regcomp(&d->re_fqdn, "^" HOST, REG_EXTENDED | REG_ICASE | REG_NOSUB);
	regcomp(&d->re_url, "^https?://" HOST, REG_EXTENDED | REG_ICASE | REG_NOSUB);
	regcomp(&d->re_email,
		"^([-a-z0-9!#$%&'*+/=?^_`{|}~]+([.][-a-z0-9!#$%&'*+/=?^_`{|}~]+)*|\"[^\"\\\\]*\")@"
		"([-a-z0-9!#$%&'*+/=?^_`{|}~]+([.][-a-z0-9!#$%&'*+/=?^_`{|}~]+)*|\\[[^]\\\\]*\\])$",
		REG_EXTENDED | REG_ICASE | REG_NOSUB);
	d->psl = psl_latest(NULL);
	d->re_memo = xcalloc(RE_SLOTS, sizeof *d->re_memo);
	d->psl_memo = xcalloc(PSL_SLOTS, sizeof *d->psl_memo);
	d->ready = true;
}

/* The slot of a table of n memos for (of, s), or NULL when s is too long to keep; *hit: it
 * holds the answer. */
static struct memo *
memo_slot(struct memo *tab, size_t n, const void *of, const char *s, size_t sn, bool *hit)
{
	*hit = false;
	if (sn > MEMO_MAX_KEPT)
		return NULL;
	uint64_t h = 14695981039346656037ULL ^ (uint64_t)(uintptr_t)of; /* FNV-1a */
	for (size_t i = 0; i < sn; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	struct memo *m = &tab[h % n];
	*hit = m->used && m->of == of && !strcmp(m->s, s);
	if (!*hit) {
		m->used = false;
		m->of = of;
		memcpy(m->s, s, sn + 1);
	}
	return m;
}

/* Does the pattern match all of s? glibc's regexec is slow, and CAA issuers and iodef targets
 * repeat from domain to domain (letsencrypt.org, pki.goog, ...): answers are remembered. */
static bool
re_ok(struct dnstats *d, const regex_t *re, const char *s)
{
	size_t n = strlen(s);
	if (n >= 4096)
		return false;
	bool hit;
	struct memo *m = memo_slot(d->re_memo, RE_SLOTS, re, s, n, &hit);
	if (hit)
		return m->ok;
	bool ok = regexec(re, s, 0, NULL, 0) == 0;
	if (m)
		m->ok = ok, m->used = true;
	return ok;
}

/* Does the lowercased host end in a known public suffix (the suffix psl would leave
 * unregistrable is a rule of the list)? Mail hosts repeat from domain to domain
 * (aspmx.l.google.com, *.mail.protection.outlook.com): answers are remembered. */
static bool
suffix_known(struct dnstats *d, const char *low, size_t n)
{
	if (!d->psl)
		return false;
	bool hit;
	struct memo *m = memo_slot(d->psl_memo, PSL_SLOTS, d->psl, low, n, &hit);
	if (hit)
		return m->ok;
	const char *sfx = psl_unregistrable_domain(d->psl, low);
	bool known =
	    sfx && psl_is_public_suffix2(d->psl, sfx, PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE);
	if (m)
		m->ok = known, m->used = true;
	return known;
}

/* --- CAA (2.3) --------------------------------------------------------------------------- */

static void
caa_tag_checks(struct grader *g, const char *b, size_t tn)
{
	bool tag_ok = tn > 0;
	for (size_t k = 0; k < tn; k++)
		if (!((b[k] >= 'a' && b[k] <= 'z') || (b[k] >= '0' && b[k] <= '9')))
			tag_ok = false;
	if (!tag_ok)
		ds_remark(g, C_CAA, "INVALID_TAG", 1, "bad tag '%.*s'", b, tn);
	if (tn > 15)
		ds_remark(g, C_CAA, "TAG_TOO_LONG", 1, "tag '%.*s' over 15", b, tn);
}

/* The checks of a property's value: tag b, value v less its quotes, c (cn bytes) the value as
 * split, for messages. */
static void
caa_value_checks(struct grader *g, struct dnstats *d, const char *b, const char *v, const char *c,
		 size_t cn)
{
	struct ds_facts *fa = &d->facts;
	if (!strcmp(b, "issue") || !strcmp(b, "issuewild")) {
		bool wl = b[5] == 'w';
		bool ok = !strcmp(v, ";");
		if (!ok) {
			const char *semi = strchr(v, ';'), *issuer = v;
			if (semi) { /* the issuer is what comes before it */
				buf_reset(&d->issuer);
				buf_add(&d->issuer, v, (size_t)(semi - v));
				issuer = d->issuer.s;
			}
			ok = re_ok(d, &d->re_fqdn, issuer);
		}
		if (ok)
			*(wl ? &fa->caa.wild : &fa->caa.issue) = true;
		else
			ds_remark(g, C_CAA,
				  wl ? "ISSUEWILD_DOMAIN_INVALID" : "ISSUE_DOMAIN_INVALID", 1,
				  "bad issuer '%.*s'", c, cn);
	} else if (!strcmp(b, "iodef")) {
		const char *bad = NULL;
		if (strncmp(v, "http", 4) && strncmp(v, "mailto", 6)) {
			bad = "IODEF_NO_SCHEME";
		} else {
			fa->caa.iodef = true;
			if (!strncmp(v, "mailto:", 7)) {
				if (!re_ok(d, &d->re_email, v + 7))
					bad = "IODEF_INVALID_EMAIL";
			} else if (!strncmp(v, "http", 4) && !re_ok(d, &d->re_url, v)) {
				bad = "IODEF_INVALID_URL";
			}
		}
		if (bad)
			ds_remark(g, C_CAA, bad, 1, "iodef '%.*s'", c, cn);
	}
}

/* One CAA RR through its text form (caa_text) split as Python's split(' ', 2) does. */
static void
caa_rr(struct grader *g, struct dnstats *d, const struct jv *rr)
{
	struct buf *t = &d->caa;
	caa_text(rr, t);
	char *a = t->s, *b = strchr(a, ' '), *c = b ? strchr(b + 1, ' ') : NULL;
	if (!b || !c) {
		ds_remark(g, C_CAA, "INVALID_PROPERTY_STRUCTURE", 0, "'%.*s'", t->s, t->len);
		return;
	}
	*b++ = '\0';
	*c++ = '\0';
	long long flag;
	if (!py_int(a, &flag)) {
		ds_remark(g, C_CAA, "INVALID_FLAG", 1, "bad flag '%.*s'", a, strlen(a));
		return;
	}
	if (flag > 128)
		ds_remark(g, C_CAA, "INVALID_FLAG", 1, "flag '%.*s' over 128", a, strlen(a));
	caa_tag_checks(g, b, strlen(b));
	size_t quotes = 0, cn = strlen(c);
	for (size_t k = 0; k < cn; k++)
		quotes += c[k] == '"';
	if (quotes != 0 && quotes != 2) {
		ds_remark(g, C_CAA, "VALUE_QUOTE_ERROR", 0, "value '%.*s'", c, cn);
		return;
	}
	if (quotes == 0 && strchr(c, ' ')) {
		ds_remark(g, C_CAA, "VALUE_NOT_QUOTED", 0, "value '%.*s'", c, cn);
		return;
	}
	buf_reset(&d->value); /* the value less its quotes */
	for (const char *p = c, *q; p; p = q ? q + 1 : NULL) {
		q = strchr(p, '"');
		buf_add(&d->value, p, q ? (size_t)(q - p) : strlen(p));
	}
	caa_value_checks(g, d, b, buf_str(&d->value), c, cn);
}

void
ds_check_caa(struct grader *g)
{
	struct dnstats *d = dnstats_of(g);
	ds_ready(d);
	const struct query *q = scan_find(g->s, g->s->domain, g->s->domainlen, T_CAA);
	size_t i = 0, n = 0;
	const struct jv *rr;
	d->facts.caa.issue = d->facts.caa.wild = d->facts.caa.iodef = false;
	for (; (rr = q_rr(q, T_CAA, &i)); n++)
		caa_rr(g, d, rr);
	d->facts.caa.records = n;
}

/* --- NS (2.4) ---------------------------------------------------------------------------- */

/* Sets d->dq to the direct NS queries for the domain, in scan order: found once, not once for
 * every address of every name server. A query's type is "NS" in any case exactly when its
 * tcode is T_NS (type_code, scan.c). */
static void
direct_ns_list(struct dnstats *d, const struct scan *s)
{
	d->ndq = 0;
	for (size_t k = 0; k < s->nq; k++) {
		const struct query *q = &s->qs[k];
		if (!q->direct || q->tcode != T_NS || !q->server ||
		    !name_eq(q->q, q->qlen, s->domain, s->domainlen))
			continue;
		d->dq = xgrow(d->dq, &d->dq_cap, d->ndq + 1, sizeof *d->dq);
		d->dq[d->ndq++] = q;
	}
}

/* One of d->dq sent to an address of a name server (its A and AAAA queries aq), or NULL. */
static const struct query *
direct_ns(const struct dnstats *d, const struct query *const aq[2])
{
	static const enum rr_type types[] = {T_A, T_AAAA};
	for (int t = 0; t < 2 && d->ndq; t++) {
		size_t j = 0;
		const struct jv *a;
		while ((a = q_rr(aq[t], types[t], &j))) {
			size_t an;
			const char *ad = rr_str(a, K_address, &an);
			for (size_t k = 0; ad && k < d->ndq; k++) {
				const char *sv = d->dq[k]->server + (d->dq[k]->server[0] == '[');
				if (!strncmp(sv, ad, an) &&
				    (sv[an] == ':' || sv[an] == ']' || !sv[an]))
					return d->dq[k];
			}
		}
	}
	return NULL;
}

/* The addresses of a name server h (its A and AAAA queries, set in aq): how many, whether one
 * is bad, whether one is not public. */
static size_t
ns_addresses(struct grader *g, const char *h, size_t hn, const struct query *aq[2], bool *invalid,
	     bool *not_public)
{
	static const enum rr_type types[] = {T_A, T_AAAA};
	size_t na = 0;
	for (int t = 0; t < 2; t++) {
		aq[t] = scan_find(g->s, h, hn, types[t]);
		size_t j = 0;
		const struct jv *a;
		while ((a = q_rr(aq[t], types[t], &j))) {
			size_t an;
			const char *ad = rr_str(a, K_address, &an);
			if (!ad)
				continue;
			na++;
			unsigned char b[16];
			unsigned v4;
			bool ok = an < 64; /* what the copy for inet_pton had room for */
			bool priv;
			if (ok && py_v4(ad, an, &v4))
				priv = py_v4_private(v4);
			else if (ok && ipaddr_v6(ad, strnlen(ad, an), b))
				priv = py_v6_private(b);
			else {
				if (!*invalid)
					ds_remark(g, C_NS, "NAMESERVER_HAS_INVALID_RESPONSE", 0,
						  "bad address '%.*s'", ad, an);
				*invalid = true;
				continue;
			}
			if (priv && !*not_public) {
				ds_remark(g, C_NS, "NAMESERVER_IS_NOT_PUBLIC", 2,
					  "non-public address %.*s", ad, an);
				*not_public = true;
			}
		}
	}
	return na;
}

void
ds_check_ns(struct grader *g)
{
	struct dnstats *d = dnstats_of(g);
	struct scan *s = g->s;
	struct ds_ns_facts *fa = &d->facts.ns;
	memset(fa, 0, sizeof *fa);
	const struct query *q = scan_find(s, s->domain, s->domainlen, T_NS);
	fa->records = q_count(q, T_NS);
	if (fa->records == 0)
		return;
	if (fa->records == 1)
		ds_remark(g, C_NS, "ONLY_ONE_NS_RECORD", 2, "one name server", NULL, 0);
	struct buf *sets = d->ns_sets;
	const struct query *set_of[16];
	size_t nsets = 0, i = 0, seen = 0;
	const struct jv *rr;
	direct_ns_list(d, s);
	while ((rr = q_rr(q, T_NS, &i)) && seen++ < 64) {
		size_t hn;
		const char *h = rr_str(rr, K_host, &hn);
		if (!h)
			continue;
		bool not_public = false, invalid = false;
		const struct query *aq[2];
		if (ns_addresses(g, h, hn, aq, &invalid, &not_public) == 0) {
			ds_remark(g, C_NS, "NULL_NS_RECORD", 0, "name server '%.*s' has no address",
				  h, hn);
			fa->no_address++;
		}
		fa->invalid += invalid;
		fa->not_public += not_public;
		/* the NS set that name server gave when asked directly, else the resolver's */
		if (nsets < 16) {
			const struct query *dq = direct_ns(d, aq);
			size_t e = 0;
			set_of[nsets] = dq ? dq : q;
			while (e < nsets && set_of[e] != set_of[nsets])
				e++;
			if (e < nsets) { /* the same query's set again */
				buf_reset(&sets[nsets]);
				buf_add(&sets[nsets], buf_str(&sets[e]), sets[e].len);
			} else {
				ns_set(set_of[nsets], &sets[nsets]);
			}
			if (sets[nsets].len == 0) {
				ds_remark(g, C_NS, "NAME_SERVER_MISMATCH", 2,
					  "name server '%.*s' gave no NS set", h, hn);
				fa->no_set++;
			}
			nsets++;
		}
	}
	/* every ordered pair, each set with itself included */
	for (size_t a = 0; a < nsets; a++)
		for (size_t b = 0; b < nsets; b++)
			if (strcmp(buf_str(&sets[a]), buf_str(&sets[b]))) {
				ds_remark(g, C_NS, "NAME_SERVER_MISMATCH", 2,
					  "name servers disagree on the NS set", NULL, 0);
				fa->mismatches++;
			}
}

/* --- SOA (2.5), MX (2.6) ----------------------------------------------------------------- */

/* validate_domain: one trailing dot removed; a one-character label must be a letter, longer
 * ones ^[a-zA-Z][a-zA-Z0-9-]{0,61}[a-zA-Z0-9]$ (so digits first, '_' and empty labels fail).
 * A label at a time: it starts with a letter (so it is not empty), goes on with letters,
 * digits and '-', ends with no '-', has at most 63 bytes, and a dot or the end follows. */
static bool
ds_domain_ok(const char *s, size_t n)
{
	if (n && s[n - 1] == '.')
		n--;
	for (size_t i = 0;; i++) {
		size_t st = i;
		if (i == n || !ASCII_ALPHA(s[i]))
			return false;
		for (i++; i < n && (ASCII_ALPHA(s[i]) || ASCII_DIGIT(s[i]) || s[i] == '-'); i++)
			;
		if (i - st > 63 || s[i - 1] == '-')
			return false;
		if (i == n)
			return true;
		if (s[i] != '.')
			return false;
	}
}

void
ds_check_soa(struct grader *g)
{
	struct dnstats *d = dnstats_of(g);
	const struct query *q = scan_find(g->s, g->s->domain, g->s->domainlen, T_SOA);
	d->facts.soa.records = q_count(q, T_SOA);
	d->facts.soa.fields = false;
	if (d->facts.soa.records == 0)
		return;
	if (d->facts.soa.records > 1) {
		ds_remark(g, C_SOA, "TOO_MANY_SOA", 0, "several SOA records", NULL, 0);
		return;
	}
	size_t i = 0;
	const struct jv *rr = q_rr(q, T_SOA, &i);
	size_t mn, rn;
	const char *m = rr_str(rr, K_mname, &mn), *r = rr_str(rr, K_rname, &rn);
	static const char *const num[] = {"serial", "refresh", "retry", "expire", "minimum"};
	static const enum scan_key key[] = {K_serial, K_refresh, K_retry, K_expire, K_minimum};
	static const char *const bad[] = {"INVALID_SERIAL", "INVALID_REFRESH", "INVALID_RETRY",
					  "INVALID_EXPIRE", "INVALID_MINIMUM"};
	static const char *const range[] = {"SERIAL_NOT_IN_RANGE", "REFRESH_NOT_IN_RANGE",
					    "RETRY_NOT_IN_RANGE", "EXPIRE_NOT_IN_RANGE",
					    "MINIMUM_NOT_IN_RANGE"};
	if (!m || !r) {
		ds_remark(g, C_SOA, "SOA_INVALID", 0, "SOA without 7 fields", NULL, 0);
		return;
	}
	d->facts.soa.fields = true;
	if (!ds_domain_ok(m, mn))
		ds_remark(g, C_SOA, "INVALID_MNAME", 1, "mname '%.*s'", m, mn);
	if (!ds_domain_ok(r, rn))
		ds_remark(g, C_SOA, "INVALID_RNAME", 1, "rname '%.*s'", r, rn);
	for (int k = 0; k < 5; k++) {
		long long v;
		if (!rr_int(rr, key[k], &v))
			ds_remark(g, C_SOA, bad[k], 1, num[k], NULL, 0);
		else if (v < 0 || v > 4294967295LL)
			ds_remark(g, C_SOA, range[k], 1, num[k], NULL, 0);
	}
}

void
ds_check_mx(struct grader *g)
{
	struct dnstats *d = dnstats_of(g);
	ds_ready(d);
	const struct query *q = scan_find(g->s, g->s->domain, g->s->domainlen, T_MX);
	size_t total = 0, valid = 0, i = 0;
	const struct jv *rr;
	char low[256];
	while ((rr = q_rr(q, T_MX, &i)) && total < 64) {
		size_t en;
		const char *ex = rr_str(rr, K_exchange, &en);
		long long pref;
		total++;
		if (!ex || !rr_int(rr, K_preference, &pref))
			continue;
		if (pref < 0 || pref > 65535) {
			ds_remark(g, C_MX, "PREFERENCE_OUT_OF_RANGE", 0, "preference of '%.*s'", ex,
				  en);
			continue;
		}
		bool parsed;
		addr_public(ex, en, &parsed);
		if (parsed) {
			ds_remark(g, C_MX, "EXCHANGE_IS_AN_IP", 2, "exchange '%.*s'", ex, en);
			continue;
		}
		/* dnspython printed absolute names: "." for the null MX, "host." otherwise */
		if (en == 0 || !ds_domain_ok(ex, en)) {
			ds_remark(g, C_MX, "INVALID_EXCHANGE", 0, "exchange '%.*s.'", ex, en);
			continue;
		}
		while (en && ex[en - 1] == '.')
			en--;
		if (en >= sizeof low)
			continue;
		for (size_t k = 0; k < en; k++)
			low[k] = (char)(ex[k] >= 'A' && ex[k] <= 'Z' ? ex[k] + 32 : ex[k]);
		low[en] = '\0';
		if (!suffix_known(d, low, en)) {
			ds_remark(g, C_MX, "NOT_PUBLIC_DOMAIN", 2,
				  "exchange '%.*s' has no known suffix", ex, en);
			continue;
		}
		valid++;
	}
	d->facts.mx.records = total;
	d->facts.mx.valid = valid;
	if (total == 0)
		ds_remark(g, C_MX, "NO_MX_RECORDS", 0, "no MX records", NULL, 0);
}
