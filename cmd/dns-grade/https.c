/* SPDX-License-Identifier: ISC */
/* dns-grade's HTTPS categories: the MTA-STS policy (RFC 8461) dns-scan fetched, matched
 * against the MX hosts and the _mta-sts TXT record, and security.txt (RFC 9116). Both read
 * the dns member's `https` array; a fetch that failed for a transient reason (a timeout, a
 * network error, an address dns-scan would not connect to) leaves the category unknown. */
#include <string.h>
#include <strings.h>

#include "grade.h"
#include "mtasts.h"
#include "scan_jv.h"
#include "sectxt.h"

/* The fetch object of dns-scan's `https` array for a part, NULL when it was not asked. */
static const struct jv *
fetch_of(const struct scan *s, const char *why)
{
	const struct jv *r = s->root, *v = r + 1, *arr = NULL;
	for (size_t i = 0; r->type == JV_OBJ && i < r->n; i++, v += v->skip)
		if (v->keylen == 5 && !memcmp(v->key, "https", 5) && v->type == JV_ARR)
			arr = v;
	if (!arr)
		return NULL;
	const struct jv *o = arr + 1;
	for (size_t i = 0; i < arr->n; i++, o += o->skip) {
		const char *w = rr_str_named(o, "why", NULL);
		if (o->type == JV_OBJ && w && !strcmp(w, why))
			return o;
	}
	return NULL;
}

/* How a fetch ended. */
enum got {
	GOT_BODY,      /* a 2xx answer with its body */
	GOT_ABSENT,    /* 404 or 410, or the host has no address */
	GOT_TLS,       /* the certificate did not verify for the host */
	GOT_REDIRECT,  /* a 3xx answer (not followed) */
	GOT_TOO_LARGE, /* over dns-scan's size cap */
	GOT_STATUS,    /* another HTTP status */
	GOT_UNKNOWN,   /* a timeout, a network or DNS failure, an address not connected to */
};

struct fetched {
	enum got got;
	long long status;
	const char *error, *detail, *ctype, *body;
	size_t bodylen;
};

static void
read_fetch(const struct jv *o, struct fetched *f)
{
	memset(f, 0, sizeof *f);
	if (!rr_int_named(o, "status", &f->status))
		f->status = 0;
	f->error = rr_str_named(o, "error", NULL);
	f->detail = rr_str_named(o, "detail", NULL);
	f->ctype = rr_str_named(o, "content_type", NULL);
	f->body = rr_str_named(o, "body", &f->bodylen);
	const char *e = f->error;
	if (e && (!strcmp(e, "no-address")))
		f->got = GOT_ABSENT;
	else if (e && !strcmp(e, "tls"))
		f->got = GOT_TLS;
	else if (e && !strcmp(e, "too-large"))
		f->got = GOT_TOO_LARGE;
	else if (e)
		f->got = GOT_UNKNOWN; /* timeout, network, dns, private-address, ... */
	else if (f->status >= 200 && f->status <= 299)
		f->got = f->body ? GOT_BODY : GOT_UNKNOWN;
	else if (f->status == 404 || f->status == 410)
		f->got = GOT_ABSENT;
	else if (f->status >= 300 && f->status <= 399)
		f->got = GOT_REDIRECT;
	else
		f->got = f->status >= 500 || f->status == 429 || f->status == 0 ? GOT_UNKNOWN
										: GOT_STATUS;
}

/* Is a media type text/plain (parameters aside)? */
static bool
text_plain(const char *ct)
{
	return ct && !strncasecmp(ct, "text/plain", 10) &&
	       (ct[10] == '\0' || ct[10] == ';' || ct[10] == ' ');
}

static void
not_scanned(struct grader *g, enum cat c, const char *part)
{
	findings_add(&g->f[c], "NOT_SCANNED", SEV_NOTICE,
		     "the %s fetch was not asked (profile '%s'; see dns-scan --types)", part,
		     g->s->profile ? g->s->profile : "unknown");
	g->facts.unknown[c] = true;
}

/* _mta-sts TXT: 1 a v=STSv1 record, 0 none (answered), -1 unknown or not asked. */
static int
sts_txt(struct grader *g)
{
	struct scan *s = g->s;
	struct buf *name = &g->tmp;
	buf_reset(name);
	buf_adds(name, "_mta-sts.");
	buf_add(name, s->domain, s->domainlen);
	const struct query *q = scan_find(s, name->s, name->len, T_TXT);
	if (!q || !q->final)
		return -1;
	size_t i = 0;
	const struct jv *rr;
	while ((rr = q_rr(q, T_TXT, &i)))
		if (rr_txt(s, rr, &g->tmp2, NULL) && g->tmp2.len >= 7 &&
		    !memcmp(g->tmp2.s, "v=STSv1", 7) &&
		    (g->tmp2.len == 7 || g->tmp2.s[7] == ';' || g->tmp2.s[7] == ' '))
			return 1;
	return 0;
}

/* The transport problem of a policy (or security.txt) that was not obtained, in words. */
static const char *
got_words(const struct fetched *f)
{
	switch (f->got) {
	case GOT_ABSENT:
		return f->status ? "not found" : "the host has no address";
	case GOT_TLS:
		return "its certificate does not verify for the host";
	case GOT_REDIRECT:
		return "a redirect";
	case GOT_TOO_LARGE:
		return "over 64 KiB";
	default:
		return "an HTTP error";
	}
}

static void
check_mtasts(struct grader *g)
{
	struct findings *f = &g->f[C_STSPOL];
	struct https_facts *h = &g->facts.https;
	const struct jv *o = fetch_of(g->s, "mta-sts-policy");
	h->sts_txt = sts_txt(g);
	if (!o) {
		not_scanned(g, C_STSPOL, "mta-sts-policy");
		return;
	}
	struct fetched x;
	read_fetch(o, &x);
	h->sts_error = x.error;
	if (x.got == GOT_UNKNOWN) {
		findings_add(f, "STS_POLICY_FETCH_FAILED", SEV_WARNING,
			     "the policy could not be fetched: %s%s%s (a temporary failure: "
			     "unknown, not absent)",
			     x.error ? x.error : "HTTP status", x.detail ? ": " : "",
			     x.detail ? x.detail : "");
		g->facts.unknown[C_STSPOL] = true;
		return;
	}
	if (x.got != GOT_BODY) {
		h->sts_present = 0;
		if (!x.error && x.got != GOT_ABSENT)
			h->sts_error = x.got == GOT_REDIRECT ? "redirect" : "http-status";
		if (h->sts_txt != 1)
			return; /* no MTA-STS here: nothing published, nothing broken */
		switch (x.got) {
		case GOT_TLS:
			findings_add(f, "STS_POLICY_CERTIFICATE", SEV_ERROR,
				     "the policy host's certificate does not verify for it (RFC "
				     "8461 3.3): %s",
				     x.detail ? x.detail : "TLS error");
			break;
		case GOT_REDIRECT:
			findings_add(
			    f, "STS_POLICY_REDIRECT", SEV_ERROR,
			    "the policy URL answers %lld, a redirect, which senders must not "
			    "follow (RFC 8461 3.3)",
			    x.status);
			break;
		case GOT_TOO_LARGE:
			findings_add(f, "STS_POLICY_TOO_LARGE", SEV_ERROR,
				     "the policy is over dns-scan's 64 KiB cap");
			break;
		case GOT_STATUS:
			findings_add(f, "STS_POLICY_HTTP_STATUS", SEV_ERROR,
				     "the policy URL answers HTTP %lld", x.status);
			break;
		default:
			break;
		}
		findings_add(f, "STS_TXT_WITHOUT_POLICY", SEV_ERROR,
			     "_mta-sts TXT announces a policy, but none can be fetched (%s)",
			     got_words(&x));
		return;
	}
	h->sts_present = 1;
	if (h->sts_txt == 0)
		findings_add(f, "STS_POLICY_WITHOUT_TXT", SEV_ERROR,
			     "a policy is served but there is no _mta-sts TXT record (v=STSv1): "
			     "senders never fetch it (RFC 8461 3.1)");
	if (!text_plain(x.ctype))
		findings_add(f, "STS_POLICY_CONTENT_TYPE", SEV_WARNING,
			     "the policy's media type is '%s', not text/plain (RFC 8461 3.2)",
			     x.ctype ? x.ctype : "none");
	struct mtasts_policy *p = &g->https_sts;
	mtasts_parse(x.body, x.bodylen, p, f);
	h->sts_valid = p->valid;
	h->sts_mode = mtasts_mode_name(p->mode);
	h->sts_max_age = p->max_age;
	h->sts_mx = (long long)p->nmx;
	if (p->mode == MTASTS_TESTING)
		findings_add(f, "STS_POLICY_TESTING", SEV_NOTICE,
			     "mode testing: failures are reported, not enforced");
	else if (p->mode == MTASTS_NONE)
		findings_add(f, "STS_POLICY_NONE", SEV_NOTICE,
			     "mode none: the domain withdraws its policy");
	/* every MX host against the patterns (RFC 8461 4.1) */
	h->sts_mx_covered = -1;
	const struct query *mx = scan_find(g->s, g->s->domain, g->s->domainlen, T_MX);
	if (!mx || !mx->final || p->mode == MTASTS_MODE_UNSET || p->mode == MTASTS_NONE)
		return;
	size_t i = 0, hn;
	const struct jv *rr;
	int covered = 1, hosts = 0;
	while ((rr = q_rr(mx, T_MX, &i))) {
		const char *host = rr_str(rr, K_exchange, &hn);
		while (host && hn && host[hn - 1] == '.')
			hn--;
		if (!host || hn == 0)
			continue; /* a null MX */
		hosts++;
		if (mtasts_match(p, host, hn))
			continue;
		covered = 0;
		findings_add(
		    f, "STS_MX_NOT_COVERED", p->mode == MTASTS_ENFORCE ? SEV_ERROR : SEV_WARNING,
		    "MX host '%.*s' matches no mx pattern of the policy: senders %s", FV(hn), host,
		    p->mode == MTASTS_ENFORCE ? "will not deliver to it"
					      : "report failures for it");
	}
	if (hosts)
		h->sts_mx_covered = covered;
}

static void
check_sectxt(struct grader *g)
{
	struct findings *f = &g->f[C_SECTXT];
	struct https_facts *h = &g->facts.https;
	const struct jv *o = fetch_of(g->s, "security-txt");
	if (!o) {
		not_scanned(g, C_SECTXT, "security-txt");
		return;
	}
	struct fetched x;
	read_fetch(o, &x);
	h->sec_error = x.error;
	if (x.got == GOT_UNKNOWN) {
		findings_add(f, "SECURITY_TXT_FETCH_FAILED", SEV_WARNING,
			     "security.txt could not be fetched: %s%s%s (a temporary failure: "
			     "unknown, not absent)",
			     x.error ? x.error : "HTTP status", x.detail ? ": " : "",
			     x.detail ? x.detail : "");
		g->facts.unknown[C_SECTXT] = true;
		return;
	}
	if (x.got == GOT_BODY && x.ctype && !strncasecmp(x.ctype, "text/html", 9)) {
		findings_add(f, "SECURITY_TXT_HTML", SEV_NOTICE,
			     "/.well-known/security.txt answers an HTML page (a page for every "
			     "path, not a security.txt)");
		h->sec_error = "html";
		return;
	}
	if (x.got != GOT_BODY) {
		if (!x.error && x.got != GOT_ABSENT)
			h->sec_error = x.got == GOT_REDIRECT ? "redirect" : "http-status";
		if (x.got == GOT_TLS)
			findings_add(f, "SECURITY_TXT_CERTIFICATE", SEV_NOTICE,
				     "the web server's certificate does not verify for the domain, "
				     "so a security.txt cannot be trusted (RFC 9116 3): %s",
				     x.detail ? x.detail : "TLS error");
		return;
	}
	h->sec_present = 1;
	if (!text_plain(x.ctype))
		findings_add(f, "SECURITY_TXT_CONTENT_TYPE", SEV_WARNING,
			     "security.txt's media type is '%s', not text/plain (RFC 9116 3)",
			     x.ctype ? x.ctype : "none");
	struct sectxt t;
	sectxt_parse(x.body, x.bodylen, (int64_t)g->s->started, &t, f);
	h->sec_valid = t.valid;
	h->sec_contact = t.contacts > 0;
	h->sec_expires = t.expires;
	h->sec_expired = t.expired;
	h->sec_signed = t.signed_;
}

void
check_https(struct grader *g)
{
	struct https_facts *h = &g->facts.https;
	h->sts_max_age = -1;
	h->sts_mx_covered = -1;
	check_mtasts(g);
	check_sectxt(g);
}

int
https_cap(enum cat c, const struct facts *fa)
{
	const struct https_facts *h = &fa->https;
	if (c == C_SECTXT)
		return h->sec_present ? 100 : 0;
	if (!h->sts_present || !h->sts_mode)
		return 0;
	return !strcmp(h->sts_mode, "enforce") ? 100 : !strcmp(h->sts_mode, "testing") ? 80 : 40;
}

void
https_unknowns(struct grader *g, bool dnstats)
{
	for (int c = C_STSPOL; c <= C_SECTXT; c++)
		if (dnstats || g->facts.unknown[c])
			g->grades[c] = GRADE_NULL;
	if (dnstats) {
		/* not graded on DNStats' scale, which never had them: no remarks either */
		findings_reset(&g->f[C_STSPOL]);
		findings_reset(&g->f[C_SECTXT]);
	}
}

void
https_free(struct grader *g)
{
	mtasts_free(&g->https_sts);
}
