/* SPDX-License-Identifier: ISC */
/* The third value of every fact: a category whose key question told nothing is unknown, graded
 * null with a remark saying why, never graded as an absence. The checks of every category call
 * it (grader.c, transport.c), so it sits below them. */
#include <string.h>
#include <strings.h>

#include "grade.h"

/* How a category whose key question told nothing is remarked: never asked (the profile or
 * --types left it out) or asked without a usable answer (SERVFAIL, REFUSED, a timeout: RFC
 * 7208 and 7489 call that a temporary error, not an absence). True when q tells nothing. */
bool
unknown_remark(struct grader *g, enum cat c, const struct query *q, const char *type,
	       const char *name, size_t n)
{
	const char *why = q_unknown(q);
	if (!why)
		return false;
	struct findings *f = &g->f[c];
	findings_reset(f);
	/* the message is put together here, not by a format: a minimal profile's records have
	 * several of these, and a format of six arguments costs more than grading them */
	struct buf *b = &g->tmp2;
	buf_reset(b);
	if (!q) {
		buf_adds(b, type);
		buf_adds(b, " of '");
		buf_add(b, name, (size_t)FV(n));
		buf_adds(b, "' was not asked");
		if (g->s->profile) {
			buf_adds(b, " (profile '");
			buf_add(b, g->s->profile, (size_t)FV(strlen(g->s->profile)));
			buf_adds(b, "')");
		}
		findings_add(f, "NOT_SCANNED", SEV_NOTICE, "%s", b->s);
	} else {
		buf_adds(b, "no usable answer to ");
		buf_adds(b, type);
		buf_adds(b, " of '");
		buf_add(b, name, (size_t)FV(n));
		buf_adds(b, "': ");
		buf_add(b, why, (size_t)FV(strlen(why)));
		/* what the resolver said of its failure: a bogus zone is told from a broken one by
		 * its extended error (RFC 8914) and by the answer it gives with checking disabled
		 */
		long long code;
		const char *text;
		if (q_ede(q, &code, &text)) {
			buf_addf(b, " (extended DNS error %lld", code);
			if (text) {
				buf_adds(b, ": ");
				buf_add(b, text, (size_t)FV(strlen(text)));
			}
			buf_addc(b, ')');
		}
		if (q->cd_rcode && !strcasecmp(q->cd_rcode, "NOERROR"))
			buf_adds(
			    b, "; asked with CD=1 it answers NOERROR: the data does not validate");
		findings_add(f, "DNS_TEMPORARY_ERROR", SEV_WARNING, "%s", b->s);
	}
	g->facts.unknown[c] = true;
	g->grades[c] = GRADE_NULL;
	return true;
}
