/* SPDX-License-Identifier: ISC */
/* The RDAP source: the bootstrap registry (RFC 9224) names the registry's service, whose
 * answer (RFC 9083) gives the dates; when it lacks one, the registrar's copy it links to
 * fills the gap. A TLD without an RDAP service goes to whois when --whois allows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "born.h"
#include "rdap.h"
#include "xalloc.h"

bool
ensure_bootstrap(struct born *b, struct result *res)
{
	if (!b->boot.tried) {
		b->opt.bs.now = now_s(b);
		bootstrap_load(&b->boot, &b->opt.bs);
	}
	if (!b->boot.ok) {
		result_fail(res, "no-bootstrap", "%s", b->boot.why.s);
		return false;
	}
	return true;
}

/* Ask the registry's RDAP service (or whois) for the job's domain: false when it cannot be
 * asked (job->res says why). */
static bool
rdap_prepare(struct born *b, struct job *job)
{
	const char *domain = job->domain;
	if (!ensure_bootstrap(b, &job->res))
		return false;
	const char *base = NULL;
	bool use_whois = false;
	switch (bootstrap_lookup(&b->boot, domain, b->opt.http.allow_http, &base)) {
	case RDAP_MATCH_OK:
		break;
	case RDAP_MATCH_HTTP_ONLY:
		use_whois = b->opt.whois;
		if (!use_whois) {
			result_fail(&job->res, "no-service",
				    "the RDAP service for '%s' is http only (see --allow-http)",
				    domain);
			return false;
		}
		break;
	case RDAP_MATCH_NONE:
		use_whois = b->opt.whois;
		if (!use_whois) {
			result_fail(&job->res, "no-service", "no RDAP service for '%s'", domain);
			return false;
		}
		break;
	}
	if (use_whois) {
		job->via = &source_whois;
		if (!job->via->prepare(b, job))
			return false;
		free(job->base);
		job->base = xstrdup(base ? base : job->url);
		return true;
	}
	struct buf url = BUF_INIT;
	buf_addf(&url, "%sdomain/%s", base, domain);
	free(job->base);
	job->base = xstrdup(base);
	set_url(b, job, url.s);
	buf_free(&url);
	return true;
}

static bool
rdap_start(struct born *b, struct job *job, int64_t t)
{
	(void)t;
	return http_begin(b, job, NULL);
}

/* Is url on the same server as the bootstrap base (so its 404 is the registry's word)? */
static bool
same_server(const char *url, const char *base)
{
	char *a = server_key(url), *b = server_key(base);
	bool same = !strcmp(a, b);
	free(a);
	free(b);
	return same;
}

/* The registrar's copy came back (or failed): fill only what the registry lacked. */
static void
merge_related(struct job *job, struct http_req *r)
{
	if (r->code || r->status < 200 || r->status > 299)
		return;
	struct rdap_domain d;
	rdap_domain_init(&d);
	if (rdap_parse_domain(buf_str(&r->body), r->body.len, job->domain, &d) == 0) {
		if (job->res.created == DATE_UNKNOWN)
			job->res.created = d.registration;
		if (job->res.expires == DATE_UNKNOWN)
			job->res.expires = d.expiration;
	}
	rdap_domain_free(&d);
}

static void
finalise_dates(struct job *job)
{
	if (job->res.ok && job->res.created == DATE_UNKNOWN)
		result_fail(&job->res, "no-events", "the RDAP answer has no registration event");
}

static void
finish_registry_answer(struct born *b, struct job *job, struct http_req *r)
{
	struct rdap_domain d;
	rdap_domain_init(&d);
	if (rdap_parse_domain(buf_str(&r->body), r->body.len, job->domain, &d) < 0) {
		result_fail(&job->res, d.code, "%s", d.msg.s);
		rdap_domain_free(&d);
		job_finish(b, job);
		return;
	}
	job->res.ok = true;
	job->res.code[0] = '\0';
	buf_reset(&job->res.msg);
	job->res.created = d.registration;
	job->res.expires = d.expiration;
	snprintf(job->res.source, sizeof job->res.source, "RDAP");
	bool lacking = d.registration == DATE_UNKNOWN || d.expiration == DATE_UNKNOWN;
	if (lacking && d.related && !b->opt.no_related &&
	    (b->opt.http.allow_http || !strncasecmp(d.related, "https:", 6))) {
		job->related_stage = true;
		job->attempts = 0;
		set_url(b, job, d.related);
		rdap_domain_free(&d);
		enqueue(job, false);
		return;
	}
	rdap_domain_free(&d);
	finalise_dates(job);
	job_finish(b, job);
}

/* The ISC service's answer to a query. */

static void
rdap_done(struct born *b, struct job *job, struct http_req *r)
{
	if (job->related_stage) {
		merge_related(job, r);
		finalise_dates(job);
		job_finish(b, job);
		return;
	}
	if (!r->code && r->status == 404) {
		if (same_server(r->effective_url ? r->effective_url : r->url, job->base))
			result_fail(&job->res, "not-found", "not registered (404 from %s)",
				    job->srv->key);
		else
			result_fail(&job->res, "http-error", "HTTP 404 from %s after a redirect",
				    r->effective_url);
	} else if (!http_failed(job, r)) {
		finish_registry_answer(b, job, r);
		return;
	}
	job_finish(b, job);
}

const struct source source_rdap = {"rdap", rdap_prepare, rdap_start, rdap_done};
