/* SPDX-License-Identifier: ISC */
/* dns-scan's answers: how each question ended (answered, or failed and why; SERVFAIL asked
 * again with CD=1), its query object, and the `dns` member with the domain's scan status,
 * kept within the bound its readers take whole (REC_SCAN_WRITE_MAX). */
#include <stdlib.h>
#include <string.h>

#include "dnsjson.h"
#include "jsonw.h"
#include "record.h"
#include "scan.h"
#include "xalloc.h"

/* What a record holds besides its input line and added members: their punctuation and the
 * error that job_finished adds after the dns member. */
#define RECORD_SLACK 4096

const char *const why_name[W_COUNT] = {
    "apex",    "www",	    "dmarc",   "bimi",	    "msdcs",   "ad-probe",
    "ns-addr", "ns-direct", "spf",     "caa-climb", "mx-addr", "dmarc-report",
    "parent",  "mta-sts",   "tls-rpt", "dkim",	    "dane"};

const char *const cause_name[NCAUSES] = {"servfail",  "refused", "timeout",
					 "malformed", "network", "other"};

static void answer_json(struct slot *s, const struct dns_result *res, bool additional);

/* The query object of the `dns` member (domstat(7)), without its closing brace. */
static void
slot_json(struct slot *s, const struct dns_result *res)
{
	struct buf *b = &s->json;
	char tmp[16];
	buf_adds(b, "{\"q\":");
	jsonw_strz(b, s->q);
	jsonw_key(b, "type");
	jsonw_strz(b, dns_type_str(s->type, tmp));
	jsonw_key(b, "why");
	jsonw_strz(b, why_name[s->why]);
	jsonw_key(b, "server");
	jsonw_strz(b, s->server);
	buf_adds(b, s->direct ? ",\"direct\":true" : ",\"direct\":false");
	answer_json(s, res, s->why == W_PARENT);
}

/* The failed attempts before (or ending) a query: [{"server":...,"cause":...}, ...]. */
static void
failures_json(struct buf *b, const struct dns_result *res)
{
	jsonw_key(b, "failed_attempts");
	buf_addc(b, '[');
	for (unsigned i = 0; i < res->nfailures; i++) {
		const struct dns_failure *f = &res->failures[i];
		char a[64];
		if (f->resolver >= 0)
			dns_addr_str(&opt.resolvers[f->resolver], a, sizeof a);
		else
			dns_addr_str(&res->server, a, sizeof a);
		buf_adds(b, i ? ",{\"server\":" : "{\"server\":");
		jsonw_strz(b, a);
		jsonw_key(b, "cause");
		jsonw_strz(b, dns_cause_str(f->cause));
		buf_addc(b, '}');
	}
	buf_addc(b, ']');
}

/* An RR list of a query object, noted in the slot so that it can be cut (cut_slot). */
static void
rr_list_json(struct slot *s, const char *key, const ldns_rr_list *l)
{
	struct buf *b = &s->json;
	jsonw_key(b, key);
	size_t at = b->len, n = l ? ldns_rr_list_rr_count(l) : 0;
	dns_json_rr_list(b, l);
	if (n && s->nlists < SLOT_LISTS) {
		s->lists[s->nlists][0] = (uint32_t)at;
		s->lists[s->nlists][1] = (uint32_t)(b->len - at);
		s->nlists++;
		s->nrr += (uint32_t)n;
	}
}

/* The members of a query object (in s->json) from its result: rcode, flags, time, records or
 * error. */
static void
answer_json(struct slot *s, const struct dns_result *res, bool additional)
{
	struct buf *b = &s->json;
	char tmp[16];
	const ldns_pkt *p = res->pkt;
	if (p) {
		jsonw_key(b, "rcode");
		jsonw_strz(b, dns_rcode_str(ldns_pkt_get_rcode(p), tmp));
	}
	buf_adds(b, p && ldns_pkt_aa(p) ? ",\"aa\":true" : ",\"aa\":false");
	buf_adds(b, p && ldns_pkt_ad(p) ? ",\"ad\":true" : ",\"ad\":false");
	buf_adds(b, res->tc ? ",\"tc\":true" : ",\"tc\":false");
	buf_adds(b, res->tcp ? ",\"tcp\":true" : ",\"tcp\":false");
	jsonw_key(b, "ms");
	jsonw_round(b, res->ms, 1);
	if (p) {
		rr_list_json(s, "answer", ldns_pkt_answer(p));
		if (ldns_rr_list_rr_count(ldns_pkt_authority(p)))
			rr_list_json(s, "authority", ldns_pkt_authority(p));
		/* a referral's glue */
		if (additional && ldns_rr_list_rr_count(ldns_pkt_additional(p)))
			rr_list_json(s, "additional", ldns_pkt_additional(p));
	} else {
		jsonw_key(b, "error");
		jsonw_strz(b, dns_err_str(res->err));
	}
	if (res->detail) {
		jsonw_key(b, "detail");
		jsonw_strz(b, res->detail);
	}
	if (p && ldns_pkt_edns_data(p)) {
		size_t at = b->len;
		jsonw_key(b, "ede");
		if (!dns_json_ede(b, p))
			buf_truncate(b, at);
	}
	if (res->nfailures)
		failures_json(b, res);
}

/* Note how a question ended, for the domain's status. Direct questions to name servers are
 * facts about those servers (a lame one is a finding, not a failed scan): not counted. */
static void
classify(struct slot *s, const struct dns_result *res)
{
	s->rcode = res->pkt ? (int)ldns_pkt_get_rcode(res->pkt) : -1;
	if (s->direct || res->err == DNS_ESKIPPED)
		return;
	s->outcome = O_FAILED;
	switch (s->rcode) {
	case LDNS_RCODE_NOERROR:
	case LDNS_RCODE_NXDOMAIN:
		s->outcome = O_ANSWERED;
		break;
	case LDNS_RCODE_SERVFAIL:
		s->cause = DNS_C_SERVFAIL;
		break;
	case LDNS_RCODE_REFUSED:
		s->cause = DNS_C_REFUSED;
		break;
	case -1:
		s->cause = res->err == DNS_ETIMEOUT	? DNS_C_TIMEOUT
			   : res->err == DNS_EMALFORMED ? DNS_C_MALFORMED
							: DNS_C_NETWORK;
		break;
	default:
		s->cause = CAUSE_OTHER;
	}
}

/* The answer to a SERVFAIL question asked again with CD=1: inside the first one's object. */
static void
cd_result(struct job *j, uint32_t idx, struct dns_result *res)
{
	struct slot *s = &j->slots[idx];
	char a[64];
	dns_addr_str(&res->server, a, sizeof a);
	buf_adds(&s->json, ",\"cd_retry\":{\"server\":");
	jsonw_strz(&s->json, a);
	answer_json(s, res, false);
	buf_adds(&s->json, "}}");
	s->cd_pending = false;
	if (res->pkt)
		ldns_pkt_free(res->pkt);
	if (--j->outstanding == 0)
		job_finished(j);
}

void
on_result(void *ctx, uint32_t tag, struct dns_result *res)
{
	struct job *j = ctx;
	if (tag & TAG_CD) {
		cd_result(j, tag & ~TAG_CD, res);
		return;
	}
	struct slot *s = &j->slots[tag];
	/* most answers come from the same few servers: keep the last one's text (a cache private
	 * to this function, one per process like the engine it serves; it holds no run state) */
	static struct dns_addr last;
	static char last_str[64];
	if (last.len == 0 || last.len != res->server.len ||
	    memcmp(&last.ss, &res->server.ss, last.len)) {
		last = res->server;
		dns_addr_str(&last, last_str, sizeof last_str);
	}
	memcpy(s->server, last_str, sizeof s->server);
	s->done = true;
	s->answered = res->pkt != NULL;
	slot_json(s, res);
	classify(s, res);
	if (res->pkt) {
		if (s->acts)
			run_actions(j, tag, res->pkt);
		s = &j->slots[tag]; /* the follow-ups may have moved the slots */
		/* a validating resolver's SERVFAIL hides why: with CD=1 a bogus zone's data comes
		 * back (the grader tells bogus from broken), a broken zone fails again */
		if (s->rcode == LDNS_RCODE_SERVFAIL && !s->direct) {
			s->cd_pending = true;
			j->outstanding++;
			dns_submit(engine, s->q, s->type, DNS_Q_CD | (s->dnssec ? DNS_Q_DO : 0),
				   NULL, on_result, j, tag | TAG_CD);
		}
		ldns_pkt_free(res->pkt);
	} else if (s->acts & ACT_NSADDR) {
		apex_ns_none(j);
		s = &j->slots[tag];
	}
	if (!s->cd_pending)
		buf_addc(&s->json, '}');
	if (--j->outstanding == 0)
		job_finished(j);
}

static int
slot_cmp(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;
	if (x->why != y->why)
		return x->why < y->why ? -1 : 1;
	int c = strcmp(x->q, y->q);
	if (c)
		return c;
	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	return strcmp(x->server, y->server);
}

/* The domain's scan status (domstat(7)): nxdomain when the apex does not exist, else ok,
 * partial or failed by how many of the questions to the resolvers failed (a query whose
 * answer was cut makes an ok scan partial); failed counts them by cause. Returns the number
 * of failed questions. */
static size_t
scan_status(const struct job *j, struct buf *b)
{
	unsigned long counts[NCAUSES] = {0};
	size_t answered = 0, failed = 0;
	bool apex_nx = false, apex_ok = false;
	for (size_t i = 0; i < j->nslots; i++) {
		const struct slot *s = &j->slots[i];
		if (s->outcome == O_FAILED) {
			failed++;
			counts[s->cause]++;
		} else if (s->outcome == O_ANSWERED) {
			answered++;
			if (s->why == W_APEX && !strcmp(s->q, j->domain)) {
				if (s->rcode == LDNS_RCODE_NXDOMAIN)
					apex_nx = true;
				else
					apex_ok = true;
			}
		}
	}
	if (j->has_parent && j->parent_cause >= 0) {
		failed++;
		counts[j->parent_cause]++;
	}
	const char *status = apex_nx && !apex_ok	   ? "nxdomain"
			     : failed == 0 && j->ncut == 0 ? "ok"
			     : answered == 0		   ? "failed"
							   : "partial";
	jsonw_key(b, "status");
	jsonw_strz(b, status);
	jsonw_key(b, "failed");
	for (size_t c = 0; c < NCAUSES; c++) {
		buf_adds(b, c ? ",\"" : "{\"");
		buf_adds(b, cause_name[c]);
		buf_adds(b, "\":");
		jsonw_int(b, (long long)counts[c]);
	}
	buf_addc(b, '}');
	return apex_nx && !apex_ok ? 0 : failed;
}

/* The bytes of a query's RR lists that cutting them saves (each becomes "[]"). */
static size_t
lists_len(const struct slot *s)
{
	size_t n = 0;
	for (unsigned k = 0; k < s->nlists; k++)
		n += s->lists[k][1] - 2;
	return n;
}

/* Empty the RR lists of a finished query object and say how many RRs went: "dropped". */
static void
cut_slot(struct slot *s)
{
	struct buf b = BUF_INIT;
	size_t at = 0;
	for (unsigned k = 0; k < s->nlists; k++) {
		buf_add(&b, s->json.s + at, s->lists[k][0] - at);
		buf_adds(&b, "[]");
		at = s->lists[k][0] + s->lists[k][1];
	}
	buf_add(&b, s->json.s + at, s->json.len - 1 - at); /* up to its closing brace */
	buf_adds(&b, ",\"dropped\":");
	jsonw_int(&b, s->nrr);
	buf_addc(&b, '}');
	buf_free(&s->json);
	s->json = b;
	s->cut = true;
}

struct cut {
	size_t len, idx;
};

/* Largest lists first; among equals, in output order. */
static int
cut_cmp(const void *a, const void *b)
{
	const struct cut *x = a, *y = b;
	if (x->len != y->len)
		return x->len > y->len ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* A record over its bound by `over` bytes: empty the RR lists of its queries, the largest
 * first, until it fits (or none is left). The rule depends only on the answers, not on the
 * order they came in, so the same answers are always cut the same way. */
static void
cut_answers(struct job *j, size_t over)
{
	struct cut *c = xcalloc(j->nslots, sizeof *c);
	size_t n = 0;
	for (size_t i = 0; i < j->nslots; i++)
		if (j->slots[i].nrr) {
			c[n].len = lists_len(&j->slots[i]);
			c[n++].idx = i;
		}
	qsort(c, n, sizeof *c, cut_cmp);
	for (size_t i = 0; i < n && over > 0; i++) {
		struct slot *s = &j->slots[c[i].idx];
		size_t before = s->json.len;
		cut_slot(s);
		j->ncut++;
		j->dropped += s->nrr;
		if (s->json.len < before)
			over -= before - s->json.len < over ? before - s->json.len : over;
	}
	free(c);
}

/* The dns member's value into b; returns the number of failed questions. */
static size_t
dns_member(struct job *j, struct buf *b)
{
	buf_adds(b, "{\"v\":1,\"domain\":");
	jsonw_strz(b, j->domain);
	char when[32];
	struct tm tm;
	gmtime_r(&j->start_wall, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	jsonw_key(b, "started");
	jsonw_strz(b, when);
	jsonw_key(b, "profile");
	jsonw_strz(b, opt.profile);
	jsonw_key(b, "resolvers");
	buf_add(b, resolvers_json.s, resolvers_json.len);
	jsonw_key(b, "elapsed_ms");
	jsonw_int(b, (long long)(dns_now_ms() - j->start_ms + 0.5));
	size_t failed = scan_status(j, b);
	if (j->has_parent) {
		jsonw_key(b, "parent");
		buf_add(b, j->parent_json.s, j->parent_json.len);
	}
	jsonw_key(b, "queries");
	buf_addc(b, '[');
	for (size_t i = 0; i < j->nslots; i++) {
		if (i)
			buf_addc(b, ',');
		buf_add(b, j->slots[i].json.s, j->slots[i].json.len);
	}
	buf_addc(b, ']');
	fetch_json(j, b);
	buf_addc(b, '}');
	return failed;
}

size_t
add_dns_member(struct job *j)
{
	if (j->nslots) /* none when only the parent was asked */
		qsort(j->slots, j->nslots, sizeof *j->slots, slot_cmp);
	j->ncut = j->dropped = 0;
	struct buf *b = rec_set_begin(&j->rec, "dns");
	size_t start = b->len;
	size_t failed = dns_member(j, b);
	/* the line: the input's, what this command added (b holds it all, the member last) */
	size_t line = j->rec.text.len + b->len + j->rec.errors.len + RECORD_SLACK;
	struct jspan old; /* the input's own dns member (a scan scanned again) is replaced */
	if (line > REC_SCAN_WRITE_MAX && rec_get(&j->rec, "dns", &old))
		line -= old.n;
	if (line > REC_SCAN_WRITE_MAX) {
		cut_answers(j, line - REC_SCAN_WRITE_MAX);
		buf_truncate(b, start);
		failed = dns_member(j, b);
	}
	rec_set_end(&j->rec);
	return failed;
}
