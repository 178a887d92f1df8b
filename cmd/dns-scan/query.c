/* SPDX-License-Identifier: ISC */
/* dns-scan's questions: each asked once per job, and what their answers set off (name
 * servers' addresses and direct questions, the SPF walk, DMARC report authorisation, the CAA
 * climb, the parent's referral). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "dmarc.h"
#include "dnsjson.h"
#include "jsonw.h"
#include "scan.h"
#include "spf.h"
#include "xalloc.h"

/* Bounds that end loops and keep a hostile domain's work finite. */
#define SPF_MAX_QUERIES	 40
#define MAX_NS_NAMES	 16
#define MAX_NS_ADDRS	 8
#define MAX_MX_HOSTS	 16
#define MAX_SPF_MX_HOSTS 10
#define MAX_REPORT_DESTS 10
#define AD_PROBE_LABEL	 "88dkwqpkw01op7o" /* DNStats' fixed "random" label, lowercased */

/* Ask a question for job j unless the same one (same purpose, name, type, server) was asked. */
size_t
ask(struct job *j, enum why why, const char *q, uint16_t type, unsigned acts,
    const struct dns_addr *direct)
{
	for (size_t i = 0; i < j->nslots; i++) {
		struct slot *s = &j->slots[i];
		if (s->why == why && s->type == type && !strcmp(s->q, q) &&
		    s->direct == (direct != NULL) &&
		    (!direct ||
		     (s->to.len == direct->len && !memcmp(&s->to.ss, &direct->ss, direct->len))))
			return (size_t)-1;
	}
	j->slots = xgrow(j->slots, &j->capslots, j->nslots + 1, sizeof *j->slots);
	size_t idx = j->nslots++;
	struct slot *s = &j->slots[idx];
	memset(s, 0, sizeof *s);
	s->q = xstrdup(q);
	s->type = type;
	s->why = (uint8_t)why;
	s->acts = acts;
	s->direct = direct != NULL;
	if (direct)
		s->to = *direct;
	s->dnssec = type == LDNS_RR_TYPE_DS || type == LDNS_RR_TYPE_DNSKEY ||
		    type == LDNS_RR_TYPE_NSEC3PARAM || type == LDNS_RR_TYPE_RRSIG ||
		    type == LDNS_RR_TYPE_NSEC || type == LDNS_RR_TYPE_NSEC3 ||
		    type == LDNS_RR_TYPE_CDS || type == LDNS_RR_TYPE_CDNSKEY ||
		    (why == W_APEX && type == LDNS_RR_TYPE_SOA) || why == W_MSDCS ||
		    why == W_ADPROBE;
	if (direct && opt.nallow && !dns_cidr_match(opt.allow, opt.nallow, direct)) {
		/* not sent: written as skipped */
		char a[64];
		dns_addr_str(direct, a, sizeof a);
		snprintf(s->server, sizeof s->server, "%s", a);
		struct buf *b = &s->json;
		s->done = true;
		skipped++;
		buf_adds(b, "{\"q\":");
		jsonw_strz(b, q);
		char tmp[16];
		jsonw_key(b, "type");
		jsonw_strz(b, dns_type_str(type, tmp));
		jsonw_key(b, "why");
		jsonw_strz(b, why_name[why]);
		jsonw_key(b, "server");
		jsonw_strz(b, a);
		buf_adds(b, ",\"direct\":true,\"aa\":false,\"ad\":false,\"tc\":false,\"tcp\":false,"
			    "\"ms\":0,\"error\":\"skipped\",\"detail\":");
		char ip[64];
		dns_addr_ip(direct, ip, sizeof ip);
		struct buf d = BUF_INIT;
		buf_addf(&d, "not sent: %s is outside --ns-allow", ip);
		jsonw_str(b, d.s, d.len);
		buf_free(&d);
		buf_addc(b, '}');
		return idx;
	}
	j->outstanding++;
	dns_submit(engine, q, type, (s->dnssec ? DNS_Q_DO : 0) | (direct ? DNS_Q_DIRECT : 0),
		   direct, on_result, j, (uint32_t)idx);
	return idx;
}

static void
ask_addrs(struct job *j, enum why why, const char *host, unsigned acts)
{
	ask(j, why, host, LDNS_RR_TYPE_A, acts, NULL);
	ask(j, why, host, LDNS_RR_TYPE_AAAA, acts, NULL);
}

/* DANE for SMTP (RFC 7672 section 2.2): the TLSA RRset of an exchange, at _25._tcp.<host>.
 * Asked with AD=1 as every resolver question: the grader trusts it only when it validated. */
static void
ask_tlsa(struct job *j, const char *host)
{
	struct buf q = BUF_INIT;
	buf_addf(&q, "_25._tcp.%s", host);
	if (q.len <= 253)
		ask(j, W_DANE, q.s, LDNS_RR_TYPE_TLSA, 0, NULL);
	buf_free(&q);
}

/* A name from an answer (rdf) as a lowercase query name without the trailing dot; false for
 * the root or a name that does not print. */
static bool
rdf_qname(const ldns_rdf *rdf, struct buf *out)
{
	buf_reset(out);
	if (!rdf || ldns_rdf_get_type(rdf) != LDNS_RDF_TYPE_DNAME || !dns_rdf_text(out, rdf))
		return false;
	if (out->len > 0 && out->s[out->len - 1] == '.')
		buf_truncate(out, out->len - 1);
	for (size_t i = 0; i < out->len; i++)
		out->s[i] = (char)tolower((unsigned char)out->s[i]);
	return out->len > 0;
}

/* A domain-spec from a record (SPF target, report host) as an A-label query name. */
static bool
text_qname(const char *s, size_t n, struct buf *out)
{
	buf_reset(out);
	if (n == 0 || memchr(s, '%', n))
		return false; /* macros need the sender; not expanded at scan time */
	if (dname_set(&scratch_name, s, n) < 0 || scratch_name.ascii.len == 0)
		return false;
	buf_add(out, scratch_name.ascii.s, scratch_name.ascii.len);
	return true;
}

static void
spf_ask(struct job *j, const char *q, uint16_t type, unsigned acts)
{
	if (j->spf_queries >= SPF_MAX_QUERIES) {
		if (!j->spf_bounded) {
			j->spf_bounded = true;
			struct slot *s;
			j->slots = xgrow(j->slots, &j->capslots, j->nslots + 1, sizeof *j->slots);
			s = &j->slots[j->nslots++];
			memset(s, 0, sizeof *s);
			s->q = xstrdup(q);
			s->type = type;
			s->why = W_SPF;
			s->done = true;
			skipped++;
			char tmp[16];
			buf_adds(&s->json, "{\"q\":");
			jsonw_strz(&s->json, q);
			jsonw_key(&s->json, "type");
			jsonw_strz(&s->json, dns_type_str(type, tmp));
			buf_addf(&s->json,
				 ",\"why\":\"spf\",\"server\":\"\",\"direct\":false,"
				 "\"aa\":false,\"ad\":false,\"tc\":false,\"tcp\":false,"
				 "\"ms\":0,\"error\":\"skipped\",\"detail\":\"SPF walk "
				 "stopped after %d queries\"}",
				 SPF_MAX_QUERIES);
		}
		return;
	}
	if (ask(j, W_SPF, q, type, acts, NULL) != (size_t)-1)
		j->spf_queries++;
}

/* A TXT record's character-strings joined, as SPF (RFC 7208 section 3.3) and DMARC read them. */
static void
txt_joined(const ldns_rr *rr, struct buf *out)
{
	buf_reset(out);
	for (size_t k = 0; k < ldns_rr_rd_count(rr); k++) {
		const ldns_rdf *f = ldns_rr_rdf(rr, k);
		if (ldns_rdf_size(f) > 1)
			buf_add(out, ldns_rdf_data(f) + 1, ldns_rdf_size(f) - 1);
	}
}

/* Ask what one parsed SPF term would look up (RFC 7208 section 5): the include's TXT, A and
 * AAAA of an a target, MX of an mx target (then its exchanges' addresses), A of exists. */
static void
spf_ask_term(struct job *j, const char *owner, const struct spf_term *t, struct buf *name)
{
	const char *target = t->arg ? t->arg : owner;
	size_t tlen = t->arg ? t->arglen : strlen(owner);
	if (t->macro || !text_qname(target, tlen, name))
		return; /* macros need the sender; not expanded at scan time */
	switch (t->mech) {
	case SPF_INCLUDE:
		spf_ask(j, name->s, LDNS_RR_TYPE_TXT, ACT_SPF);
		break;
	case SPF_A:
		spf_ask(j, name->s, LDNS_RR_TYPE_A, 0);
		spf_ask(j, name->s, LDNS_RR_TYPE_AAAA, 0);
		break;
	case SPF_MX:
		spf_ask(j, name->s, LDNS_RR_TYPE_MX, ACT_SPFMX);
		break;
	case SPF_EXISTS:
		spf_ask(j, name->s, LDNS_RR_TYPE_A, 0);
		break;
	default:
		break;
	}
}

/* The SPF records among TXT answers, parsed by common/spf.c (the grader's parser): ask what
 * their terms look up and follow the redirect, so grading can count lookups and void lookups.
 * Terms after "all" are never evaluated (RFC 7208 section 5.1), and a redirect beside an
 * "all" is ignored (section 6.1): neither is asked. */
static void
walk_spf(struct job *j, const char *owner, const ldns_rr_list *ans)
{
	struct buf rec = BUF_INIT, name = BUF_INIT;
	struct spf_record r;
	struct findings f;
	spf_record_init(&r);
	findings_init(&f);
	for (size_t i = 0; i < ldns_rr_list_rr_count(ans); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(ans, i);
		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_TXT)
			continue;
		txt_joined(rr, &rec);
		if (!spf_is_record(rec.s, rec.len))
			continue;
		findings_reset(&f);
		spf_parse(rec.s, rec.len, &r, &f);
		for (size_t t = 0; t < r.nterms && r.terms[t].mech != SPF_ALL; t++)
			spf_ask_term(j, owner, &r.terms[t], &name);
		if (r.redirect && !r.redirect_macro && !r.all &&
		    text_qname(r.redirect, r.redirect_len, &name))
			spf_ask(j, name.s, LDNS_RR_TYPE_TXT, ACT_SPF);
	}
	spf_record_free(&r);
	findings_free(&f);
	buf_free(&rec);
	buf_free(&name);
}

static bool
same_or_under(const char *host, const char *domain)
{
	size_t h = strlen(host), d = strlen(domain);
	return (h == d && !strcmp(host, domain)) ||
	       (h > d && host[h - d - 1] == '.' && !strcmp(host + h - d, domain));
}

/* Is a report host outside the domain's own organisation (RFC 7489 section 7.1)? */
static bool
external_host(const char *host, const char *domain)
{
	if (same_or_under(host, domain) || same_or_under(domain, host))
		return false;
	struct buf a = BUF_INIT;
	bool external = true;
	if (dname_set(&scratch_name, host, strlen(host)) == 0 && dname_registrable(&scratch_name)) {
		buf_adds(&a, scratch_name.reg_ascii);
		if (dname_set(&scratch_name, domain, strlen(domain)) == 0 &&
		    dname_registrable(&scratch_name) && !strcmp(a.s, scratch_name.reg_ascii))
			external = false;
	}
	buf_free(&a);
	return external;
}

/* DMARC rua/ruf addresses in other domains: ask <domain>._report._dmarc.<host> TXT (RFC 7489
 * section 7.1). The record is read by common/dmarc.c, which cuts a mailto: address's domain at
 * its '?' and its '!'. */
static void
check_dmarc_reports(struct job *j, const ldns_rr_list *ans)
{
	struct buf rec = BUF_INIT, host = BUF_INIT, q = BUF_INIT;
	struct dmarc_record d;
	struct findings f;
	dmarc_record_init(&d);
	findings_init(&f);
	unsigned asked = 0;
	for (size_t i = 0; i < ldns_rr_list_rr_count(ans) && asked < MAX_REPORT_DESTS; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(ans, i);
		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_TXT)
			continue;
		txt_joined(rr, &rec);
		if (!dmarc_is_record(rec.s, rec.len))
			continue;
		findings_reset(&f);
		dmarc_parse(rec.s, rec.len, &d, &f);
		for (size_t u = 0; u < d.nuris && asked < MAX_REPORT_DESTS; u++) {
			const struct dmarc_uri *du = &d.uris[u];
			if (!du->mailto || !du->host || !text_qname(du->host, du->hostlen, &host) ||
			    !external_host(host.s, j->domain))
				continue;
			asked++;
			buf_reset(&q);
			buf_addf(&q, "%s._report._dmarc.%s", j->domain, host.s);
			if (q.len <= 253)
				ask(j, W_DMARCREP, q.s, LDNS_RR_TYPE_TXT, 0, NULL);
		}
	}
	dmarc_record_free(&d);
	findings_free(&f);
	buf_free(&rec);
	buf_free(&host);
	buf_free(&q);
}

/* The servers of the referral, asked as the apex NS answer's would be. */
static void
seed_from_referral(struct job *j)
{
	unsigned acts = (opt.features & F(W_NSDIRECT)) ? ACT_NSDIRECT : 0;
	struct buf name = BUF_INIT;
	for (size_t off = 0, i = 0; i < j->nref; i++) {
		buf_reset(&name);
		buf_adds(&name, j->ref.s + off); /* ask() may grow nothing of j->ref, but copy */
		off += name.len + 1;
		ask_addrs(j, W_NSADDR, name.s, acts);
	}
	buf_free(&name);
}

/* The apex NS question gave no name server (empty, failed or unanswered): the delegation's
 * servers come from the parent's referral, now or when it comes. */
void
apex_ns_none(struct job *j)
{
	j->apex_ns = APEX_NS_NONE;
	seed_from_referral(j);
}

/* A parent server's answer to NS of the domain: the NS names it delegates to (authority of a
 * referral, or the answer of a server that also serves the child). */
static void
take_referral(struct job *j, const ldns_pkt *p, struct buf *name)
{
	const ldns_rr_list *lists[2] = {ldns_pkt_answer(p), ldns_pkt_authority(p)};
	size_t before = j->nref;
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < ldns_rr_list_rr_count(lists[k]) && j->nref < MAX_NS_NAMES;
		     i++) {
			const ldns_rr *rr = ldns_rr_list_rr(lists[k], i);
			if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_NS ||
			    !rdf_qname(ldns_rr_rdf(rr, 0), name))
				continue;
			bool seen = false;
			for (size_t off = 0, m = 0; m < j->nref && !seen; m++) {
				seen = !strcmp(j->ref.s + off, name->s);
				off += strlen(j->ref.s + off) + 1;
			}
			if (seen)
				continue;
			buf_add(&j->ref, name->s, name->len + 1);
			j->nref++;
		}
	if (j->nref > before && j->apex_ns == APEX_NS_NONE)
		seed_from_referral(j);
}

static bool
has_type(const ldns_rr_list *l, ldns_rr_type t)
{
	for (size_t i = 0; i < ldns_rr_list_rr_count(l); i++)
		if (ldns_rr_get_type(ldns_rr_list_rr(l, i)) == t)
			return true;
	return false;
}

/* Follow-ups an answer sets off. */
void
run_actions(struct job *j, size_t idx, const ldns_pkt *p)
{
	unsigned acts = j->slots[idx].acts;
	char *q = xstrdup(j->slots[idx].q); /* slots may move while we add */
	const ldns_rr_list *ans = ldns_pkt_answer(p);
	ldns_pkt_rcode rc = ldns_pkt_get_rcode(p);
	struct buf name = BUF_INIT;
	size_t n = ldns_rr_list_rr_count(ans);
	if (acts & ACT_NSADDR) {
		unsigned k = 0;
		for (size_t i = 0; i < n && k < MAX_NS_NAMES; i++) {
			const ldns_rr *rr = ldns_rr_list_rr(ans, i);
			if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_NS &&
			    rdf_qname(ldns_rr_rdf(rr, 0), &name)) {
				ask_addrs(j, W_NSADDR, name.s,
					  (opt.features & F(W_NSDIRECT)) ? ACT_NSDIRECT : 0);
				k++;
			}
		}
		if (k == 0)
			apex_ns_none(j);
		else
			j->apex_ns = APEX_NS_FOUND;
	}
	if (acts & ACT_REFERRAL)
		take_referral(j, p, &name);
	if (acts & ACT_NSDIRECT) {
		unsigned k = 0;
		for (size_t i = 0; i < n && k < MAX_NS_ADDRS; i++) {
			const ldns_rr *rr = ldns_rr_list_rr(ans, i);
			ldns_rr_type t = ldns_rr_get_type(rr);
			if (t != LDNS_RR_TYPE_A && t != LDNS_RR_TYPE_AAAA)
				continue;
			struct dns_addr a;
			buf_reset(&name);
			if (dns_rdf_text(&name, ldns_rr_rdf(rr, 0)) &&
			    dns_addr_from_ip(name.s, opt.ns_port, &a) == 0) {
				ask(j, W_NSDIRECT, j->domain, LDNS_RR_TYPE_SOA, 0, &a);
				ask(j, W_NSDIRECT, j->domain, LDNS_RR_TYPE_NS, 0, &a);
				k++;
			}
		}
	}
	if (acts & ACT_SPF)
		walk_spf(j, q, ans);
	if (acts & (ACT_SPFMX | ACT_MXADDR | ACT_DANE)) {
		unsigned k = 0,
			 max = (acts & (ACT_MXADDR | ACT_DANE)) ? MAX_MX_HOSTS : MAX_SPF_MX_HOSTS;
		for (size_t i = 0; i < n && k < max; i++) {
			const ldns_rr *rr = ldns_rr_list_rr(ans, i);
			if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_MX ||
			    !rdf_qname(ldns_rr_rdf(rr, 1), &name))
				continue;
			k++;
			if (acts & ACT_MXADDR)
				ask_addrs(j, W_MXADDR, name.s, 0);
			if (acts & ACT_DANE)
				ask_tlsa(j, name.s);
			if (acts & ACT_SPFMX) {
				spf_ask(j, name.s, LDNS_RR_TYPE_A, 0);
				spf_ask(j, name.s, LDNS_RR_TYPE_AAAA, 0);
			}
		}
	}
	if ((acts & ACT_CAA) && !has_type(ans, LDNS_RR_TYPE_CAA) &&
	    (rc == LDNS_RCODE_NOERROR || rc == LDNS_RCODE_NXDOMAIN)) {
		const char *dot = strchr(q, '.');
		if (dot && dot[1])
			ask(j, W_CAA, dot + 1, LDNS_RR_TYPE_CAA, ACT_CAA, NULL);
	}
	if (acts & ACT_DMARCREP)
		check_dmarc_reports(j, ans);
	if ((acts & ACT_ADPROBE) && rc == LDNS_RCODE_NOERROR && n > 0) {
		buf_reset(&name);
		buf_addf(&name, "%s.%s", AD_PROBE_LABEL, j->domain);
		if (name.len <= 253)
			ask(j, W_ADPROBE, name.s, LDNS_RR_TYPE_SOA, 0, NULL);
	}
	buf_free(&name);
	free(q);
}
