/* SPDX-License-Identifier: ISC */
/* dns-scan's jobs: one per input record, reused from a free list, started, finished and
 * written in input order (through the window) or as they finish (--unordered). */
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "idn.h"
#include "jsonw.h"
#include "scan.h"
#include "xalloc.h"

static void
job_release(struct job *j)
{
	for (size_t i = 0; i < j->nslots; i++) {
		free(j->slots[i].q);
		buf_free(&j->slots[i].json);
	}
	j->nslots = 0;
	free(j->domain);
	j->domain = NULL;
	/* a kept job must not keep a big record's buffers: the window would hold them all */
	if (j->rec.vals.cap > 16384 || j->rec.text.cap > 16384) {
		rec_free(&j->rec);
		rec_init(&j->rec);
	}
	if (j->capslots > 64) {
		free(j->slots);
		j->slots = NULL;
		j->capslots = 0;
	}
	j->next_free = free_jobs;
	free_jobs = j;
	active--;
	/* answers come and go in every size: give freed pages back now and then, so a long run
	 * stays as small as a short one (a counter private to this function: it only paces the
	 * trimming, so it stays here rather than in the run's state) */
	static unsigned released;
	if (++released % 4096 == 0)
		malloc_trim(0);
}

void
job_finished(struct job *j)
{
	j->done = true;
	domains_done++;
	if (j->scanning) {
		size_t failed = add_dns_member(j);
		size_t answered = 0;
		for (size_t i = 0; i < j->nslots; i++)
			answered += j->slots[i].answered;
		size_t asked = j->nslots + j->has_parent;
		if (answered == 0 && j->nslots > 0)
			rec_error_code(&j->rec, "dns-no-answer", "no answer to any of %zu queries",
				       j->nslots);
		else if (failed && j->ncut)
			rec_error_code(
			    &j->rec, "dns-incomplete",
			    "%zu of %zu queries failed (see dns.failed); the answers of %zu "
			    "were cut to keep the record within %d bytes (%zu RRs dropped)",
			    failed, asked, j->ncut, REC_SCAN_WRITE_MAX, j->dropped);
		else if (failed)
			rec_error_code(&j->rec, "dns-incomplete",
				       "%zu of %zu queries failed (see dns.failed)", failed, asked);
		else if (j->ncut)
			rec_error_code(
			    &j->rec, "dns-incomplete",
			    "the answers of %zu of %zu queries were cut to keep the record "
			    "within %d bytes (%zu RRs dropped, see dns.queries[].dropped)",
			    j->ncut, asked, REC_SCAN_WRITE_MAX, j->dropped);
		/* the record holds the member now; a job waiting for its turn keeps only that */
		for (size_t i = 0; i < j->nslots; i++) {
			free(j->slots[i].q);
			buf_free(&j->slots[i].json);
		}
		j->nslots = 0;
	}
	if (opt.unordered) {
		rec_emit(&j->rec);
		job_release(j);
	}
}

static struct job *
job_new(void)
{
	struct job *j = free_jobs;
	if (j) {
		free_jobs = j->next_free;
	} else {
		j = xcalloc(1, sizeof *j);
		rec_init(&j->rec);
	}
	j->done = j->scanning = j->spf_bounded = j->has_parent = false;
	j->outstanding = j->spf_queries = 0;
	j->nslots = 0;
	j->parent_cause = -1;
	j->apex_ns = APEX_NS_PENDING;
	buf_reset(&j->parent_json);
	buf_reset(&j->ref);
	j->nref = 0;
	fetch_reset(j);
	active++;
	return j;
}

/* The parent zone's servers are known (or could not be found): ask each for the delegation,
 * NS of the domain without recursion, and describe the parent in the `parent` member. */
static void
on_parent(void *ctx, const struct parent_info *p)
{
	struct job *j = ctx;
	struct buf *b = &j->parent_json;
	j->has_parent = true;
	j->parent_cause = p->cause;
	buf_adds(b, "{\"zone\":");
	if (p->zone)
		jsonw_strz(b, p->zone);
	else
		buf_adds(b, "null");
	jsonw_key(b, "ns");
	buf_addc(b, '[');
	for (size_t i = 0; i < p->nns; i++) {
		if (i)
			buf_addc(b, ',');
		jsonw_strz(b, p->ns[i]);
	}
	buf_addc(b, ']');
	if (p->cause >= 0) {
		jsonw_key(b, "error");
		jsonw_strz(b, cause_name[p->cause]);
	}
	buf_addc(b, '}');
	for (size_t i = 0; i < p->naddrs; i++)
		ask(j, W_PARENT, j->domain, LDNS_RR_TYPE_NS, ACT_REFERRAL, &p->addrs[i]);
	if (--j->outstanding == 0)
		job_finished(j);
}

static void
start_scan(struct job *j)
{
	const char *d = j->domain;
	struct buf q = BUF_INIT;
	j->scanning = true;
	j->start_ms = dns_now_ms();
	j->start_wall = time(NULL);
	unsigned f = opt.features;
	for (size_t i = 0; i < opt.napex; i++) {
		uint16_t t = opt.apex[i];
		unsigned acts = 0;
		if (t == LDNS_RR_TYPE_NS && (f & F(W_NSADDR)))
			acts |= ACT_NSADDR;
		if (t == LDNS_RR_TYPE_TXT && (f & F(W_SPF)))
			acts |= ACT_SPF;
		if (t == LDNS_RR_TYPE_MX && (f & F(W_MXADDR)))
			acts |= ACT_MXADDR;
		if (t == LDNS_RR_TYPE_MX && (f & F(W_DANE)))
			acts |= ACT_DANE;
		if (t == LDNS_RR_TYPE_CAA && (f & F(W_CAA)))
			acts |= ACT_CAA;
		ask(j, W_APEX, d, t, acts, NULL);
	}
#define SUB(prefix, why, type, acts)                                                               \
	do {                                                                                       \
		buf_reset(&q);                                                                     \
		buf_addf(&q, "%s.%s", prefix, d);                                                  \
		if (q.len <= 253)                                                                  \
			ask(j, why, q.s, type, acts, NULL);                                        \
	} while (0)
	if (f & F(W_WWW)) {
		SUB("www", W_WWW, LDNS_RR_TYPE_A, 0);
		SUB("www", W_WWW, LDNS_RR_TYPE_AAAA, 0);
	}
	if (f & F(W_DMARC))
		SUB("_dmarc", W_DMARC, LDNS_RR_TYPE_TXT, (f & F(W_DMARCREP)) ? ACT_DMARCREP : 0);
	if (f & F(W_BIMI))
		SUB("default._bimi", W_BIMI, LDNS_RR_TYPE_TXT, 0);
	if (f & F(W_MSDCS))
		SUB("_msdcs", W_MSDCS, LDNS_RR_TYPE_SOA, (f & F(W_ADPROBE)) ? ACT_ADPROBE : 0);
	if (f & F(W_MTASTS))
		SUB("_mta-sts", W_MTASTS, LDNS_RR_TYPE_TXT, 0);
	if (f & F(W_TLSRPT))
		SUB("_smtp._tls", W_TLSRPT, LDNS_RR_TYPE_TXT, 0);
	/* NXDOMAIN: no DKIM key under it; NOERROR (an empty non-terminal): some (RFC 8020) */
	if (f & F(W_DKIM))
		SUB("_domainkey", W_DKIM, LDNS_RR_TYPE_TXT, 0);
#undef SUB
	/* Parts asked for alone, without the apex answer that would set them off. */
	if (!(f & F(W_APEX)) || !opt.napex) {
		if (f & F(W_NSADDR))
			ask(j, W_APEX, d, LDNS_RR_TYPE_NS, ACT_NSADDR, NULL);
		if (f & F(W_SPF))
			ask(j, W_APEX, d, LDNS_RR_TYPE_TXT, ACT_SPF, NULL);
		if (f & (F(W_MXADDR) | F(W_DANE)))
			ask(j, W_APEX, d, LDNS_RR_TYPE_MX,
			    ((f & F(W_MXADDR)) ? ACT_MXADDR : 0) | ((f & F(W_DANE)) ? ACT_DANE : 0),
			    NULL);
		if (f & F(W_CAA))
			ask(j, W_APEX, d, LDNS_RR_TYPE_CAA, ACT_CAA, NULL);
	}
	buf_free(&q);
	fetch_start(j);
	const char *dot = strchr(d, '.');
	if ((f & F(W_PARENT)) && dot && dot[1]) {
		j->outstanding++; /* until the parent's servers are known */
		parents_get(parents, dot + 1, on_parent, j);
	}
	if (j->outstanding == 0)
		job_finished(j);
}

/* Take one input record: copy it into a job and start its questions. */
void
take_record(struct record *in, struct dname *dn)
{
	struct job *j = job_new();
	rec_copy(&j->rec, in);
	if (!opt.unordered)
		*(struct job **)window_at(&order, window_push(&order)) = j;
	bytes_read += in->text.len + 1;
	if (rec_require_name(&j->rec)) {
		if (dname_set(dn, j->rec.name.s, j->rec.name.len) < 0) {
			rec_error_code(&j->rec, "invalid-name", "invalid name: %s", dn->invalid);
		} else {
			idn_annotate(&j->rec, dn);
			j->domain = xstrdup(dn->ascii.s);
			start_scan(j);
			return;
		}
	}
	job_finished(j);
}

static bool
job_is_done(void *arg, void *slot)
{
	(void)arg;
	return (*(struct job **)slot)->done;
}

static void
job_emit(void *arg, void *slot)
{
	(void)arg;
	struct job *j = *(struct job **)slot;
	rec_emit(&j->rec);
	job_release(j);
}

void
emit_ready(void)
{
	window_drain(&order, job_is_done, job_emit, NULL);
}
