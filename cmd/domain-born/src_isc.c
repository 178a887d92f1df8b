/* SPDX-License-Identifier: ISC */
/* The ISC service as a source: JSON commands over HTTPS POST (isc.c has the protocol,
 * iscclient.c its config and status reports). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "born.h"
#include "isc.h"
#include "xalloc.h"

/* Ask the ISC service, unless it is not in use or refuses names like this one. */
static bool
isc_prepare(struct born *b, struct job *job)
{
	if (!b->isc_on || !b->isc.usable) {
		const char *why = b->isc_on ? b->isc.why.s : "--offline";
		buf_reset(&job->res.fallback);
		if (job->src + 1 < b->opt.nsources)
			buf_addf(&job->res.fallback, "the ISC service was not asked: %s", why);
		result_fail(&job->res, "isc-unavailable", "the ISC service was not asked: %s", why);
		return false;
	}
	if (isc_prohibited(&b->isc.cfg, job->domain)) {
		result_fail(&job->res, "isc-prohibited",
			    "the ISC service takes no questions about '%s'", job->domain);
		return false;
	}
	free(job->base);
	job->base = xstrdup(b->opt.isc_url);
	/* its failures count and are stored as the ISC's */
	snprintf(job->res.source, sizeof job->res.source, "ISC");
	set_url(b, job, b->opt.isc_url);
	return true;
}

static bool
isc_begin(struct born *b, struct job *job, int64_t t)
{
	(void)t;
	struct buf q = BUF_INIT;
	isc_request_query(&q, job->domain);
	return http_begin(b, job, q.s);
}

static void
finish_isc_answer(struct born *b, struct job *job, struct http_req *r)
{
	struct isc_answer a;
	struct buf why = BUF_INIT;
	isc_answer_init(&a);
	struct result *res = &job->res;
	if (isc_parse_answer(buf_str(&r->body), r->body.len, &a, &why) < 0) {
		result_fail(res, "isc-bad-answer",
			    "the ISC service's answer for '%s' is unusable: %s", job->domain,
			    why.s);
		goto out;
	}
	snprintf(res->source, sizeof res->source, "ISC");
	buf_reset(&res->alerts);
	buf_add(&res->alerts, buf_str(&a.alerts), a.alerts.len);
	res->extra_alerts = a.other_alerts;
	if (a.error) {
		result_fail(res, "isc-error", "the ISC service has no dates for '%s'", job->domain);
		int64_t now = now_s(b);
		/* the error's own lifetime: hours, 0 not kept, -1 no expiry, -2 for ever */
		res->keep_until = a.ttl_hours > 0     ? now + a.ttl_hours * 3600
				  : a.ttl_hours == 0  ? -1
				  : a.ttl_hours == -1 ? STORE_NO_EXPIRY
						      : STORE_PERMANENT;
		goto out;
	}
	res->ok = true;
	res->code[0] = '\0';
	buf_reset(&res->msg);
	res->created = a.seen_by_web;
	res->expires = a.expires;
	res->isc_seen = a.seen;
out:
	isc_answer_free(&a);
	buf_free(&why);
	job_finish(b, job);
}

static void
isc_done(struct born *b, struct job *job, struct http_req *r)
{
	if (http_failed(job, r))
		job_finish(b, job);
	else
		finish_isc_answer(b, job, r);
}

const struct source source_isc = {"isc", isc_prepare, isc_begin, isc_done};
