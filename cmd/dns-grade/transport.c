/* SPDX-License-Identifier: ISC */
/* dns-grade's mail-transport checks, from DNS alone: the MTA-STS TXT record (RFC 8461 section
 * 3.1), SMTP TLS reporting (RFC 8460), DANE TLSA records of the MX hosts (RFC 7672, RFC 7671),
 * whether any DKIM key exists (RFC 8020 at _domainkey) and the IPv6 reach of the NS and MX
 * hosts. Each is graded in the domstat scale only and none is weighed in overall. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "grade.h"
#include "mtasts_txt.h"
#include "tlsrpt.h"
#include "xalloc.h"

#define HOSTS_MAX 16 /* MX hosts whose TLSA and addresses are looked at (dns-scan asks 16) */

struct transport_state {
	struct buf name, txt, text, id, list;
};

static struct transport_state *
state(struct grader *g)
{
	if (!g->transport)
		g->transport = xcalloc(1, sizeof *g->transport);
	return g->transport;
}

void
transport_state_free(struct grader *g)
{
	struct transport_state *t = g->transport;
	if (!t)
		return;
	buf_free(&t->name);
	buf_free(&t->txt);
	buf_free(&t->text);
	buf_free(&t->id);
	buf_free(&t->list);
	free(t);
	g->transport = NULL;
}

static const char *
named(struct buf *b, const char *prefix, const struct scan *s)
{
	buf_reset(b);
	buf_adds(b, prefix);
	buf_add(b, s->domain, s->domainlen);
	return b->s;
}

/* The records of a TXT query that start with a version (is): how many, the first in out. */
static int
txt_records(struct scan *s, const struct query *q, bool (*is)(const char *, size_t),
	    struct buf *tmp, struct buf *out)
{
	int found = 0;
	size_t i = 0;
	const struct jv *rr;
	buf_reset(out);
	while ((rr = q_rr(q, T_TXT, &i)))
		if (rr_txt(s, rr, tmp, NULL) && is(tmp->s, tmp->len) && found++ == 0)
			buf_add(out, tmp->s, tmp->len);
	return found;
}

/* MTA-STS's TXT record: one record starting "v=STSv1" among the TXT RRs of _mta-sts (others
 * are discarded, and several mean no policy, RFC 8461 section 3.1). The HTTPS policy it
 * announces is graded after this, in the same category. */
static void
check_mta_sts_txt(struct grader *g)
{
	struct scan *s = g->s;
	struct transport_state *t = state(g);
	struct findings *f = &g->f[C_MTASTS];
	named(&t->name, "_mta-sts.", s);
	const struct query *q = scan_find(s, t->name.s, t->name.len, T_TXT);
	int n = txt_records(s, q, mtasts_txt_is_record, &t->txt, &t->text);
	if (n == 0) {
		findings_add(f, "MTA_STS_NO_RECORD", SEV_NOTICE, "no MTA-STS record at '%s'",
			     t->name.s);
		return;
	}
	g->facts.mta_sts.present = true;
	if (n > 1) {
		findings_add(f, "MTA_STS_MULTIPLE_RECORDS", SEV_ERROR,
			     "%d MTA-STS records at '%s': senders take it as no policy", n,
			     t->name.s);
		return;
	}
	struct mtasts_txt r;
	mtasts_txt_parse(t->text.s, t->text.len, &r, f);
	g->facts.mta_sts.valid = r.valid;
	if (r.valid) {
		buf_reset(&t->id);
		buf_add(&t->id, r.id, r.idlen);
		g->facts.mta_sts.id = t->id.s;
	}
}

static void
check_tls_rpt(struct grader *g)
{
	struct scan *s = g->s;
	struct transport_state *t = state(g);
	struct findings *f = &g->f[C_TLSRPT];
	named(&t->name, "_smtp._tls.", s);
	const struct query *q = scan_find(s, t->name.s, t->name.len, T_TXT);
	int n = txt_records(s, q, tlsrpt_is_record, &t->txt, &t->text);
	if (n == 0) {
		findings_add(f, "TLSRPT_NO_RECORD", SEV_NOTICE, "no TLS-RPT record at '%s'",
			     t->name.s);
		return;
	}
	g->facts.tls_rpt.present = true;
	if (n > 1) {
		findings_add(f, "TLSRPT_MULTIPLE_RECORDS", SEV_ERROR,
			     "%d TLS-RPT records at '%s': senders take it as none (RFC 8460 "
			     "section 3)",
			     n, t->name.s);
		return;
	}
	struct tlsrpt_record r;
	tlsrpt_parse(t->text.s, t->text.len, &r, f);
	g->facts.tls_rpt.valid = r.valid;
	g->facts.tls_rpt.rua_mailto = r.mailto > 0;
	g->facts.tls_rpt.rua_https = r.https > 0;
}

/* Hosts in name order (an RRset's order changes from answer to answer, remarks must not). */
static void
sort_hosts(const char *host[], size_t len[], size_t n)
{
	for (size_t i = 1; i < n; i++)
		for (size_t k = i; k > 0; k--) {
			size_t m = len[k - 1] < len[k] ? len[k - 1] : len[k];
			int c = strncasecmp(host[k - 1], host[k], m);
			if (c < 0 || (c == 0 && len[k - 1] <= len[k]))
				break;
			const char *th = host[k];
			size_t tl = len[k];
			host[k] = host[k - 1], len[k] = len[k - 1];
			host[k - 1] = th, len[k - 1] = tl;
		}
}

/* The MX hosts (not the null MX), without final dots: up to HOSTS_MAX, in name order. */
static size_t
mx_hosts(const struct scan *s, const char *host[HOSTS_MAX], size_t len[HOSTS_MAX])
{
	const struct query *q = scan_find(s, s->domain, s->domainlen, T_MX);
	size_t i = 0, n = 0;
	const struct jv *rr;
	while ((rr = q_rr(q, T_MX, &i)) && n < HOSTS_MAX) {
		size_t en;
		const char *ex = rr_str(rr, K_exchange, &en);
		while (ex && en && ex[en - 1] == '.')
			en--;
		if (!ex || en == 0)
			continue;
		bool dup = false;
		for (size_t k = 0; k < n && !dup; k++)
			dup = name_eq(host[k], len[k], ex, en);
		if (!dup)
			host[n] = ex, len[n++] = en;
	}
	sort_hosts(host, len, n);
	return n;
}

/* The hex digits of a TLSA RR's data after its three numbers ("3 1 1 AB12..."), -1 when the
 * data does not read. */
static long
tlsa_hex_len(const struct jv *rr)
{
	size_t n;
	const char *d = rr_str(rr, K_data, &n);
	if (!d)
		return -1;
	size_t i = 0;
	for (int field = 0; field < 3; field++) {
		while (i < n && d[i] != ' ')
			i++;
		while (i < n && d[i] == ' ')
			i++;
	}
	long hex = 0;
	for (; i < n; i++)
		if (d[i] != ' ' && d[i] != '(' && d[i] != ')')
			hex++;
	return hex;
}

static void
add_usage(struct facts *fa, int u)
{
	for (int k = 0; k < fa->dane.nusages; k++)
		if (fa->dane.usages[k] == u)
			return;
	if (fa->dane.nusages < 4) {
		/* kept sorted: the fact is a set */
		int k = fa->dane.nusages++;
		while (k > 0 && fa->dane.usages[k - 1] > u) {
			fa->dane.usages[k] = fa->dane.usages[k - 1];
			k--;
		}
		fa->dane.usages[k] = u;
	}
}

/* DANE for SMTP: the TLSA RRset at _25._tcp of every MX host. A client uses it only when it
 * validated (RFC 7672 section 2.2: the resolver's AD bit here), and only DANE-TA(2) and
 * DANE-EE(3) are for SMTP (section 3.1.3: PKIX-TA(0) and PKIX-EE(1) are unusable). */
static void
check_dane(struct grader *g)
{
	struct scan *s = g->s;
	struct transport_state *t = state(g);
	struct findings *f = &g->f[C_DANE];
	struct facts *fa = &g->facts;
	const char *host[HOSTS_MAX];
	size_t len[HOSTS_MAX];
	size_t nh = mx_hosts(s, host, len);
	fa->dane.validated = -1;
	if (nh == 0) {
		findings_add(f, "DANE_NO_TLSA", SEV_NOTICE,
			     "no MX host to publish TLSA records for");
		return;
	}
	buf_reset(&t->list);
	int without = 0;
	for (size_t h = 0; h < nh; h++) {
		buf_reset(&t->name);
		buf_adds(&t->name, "_25._tcp.");
		buf_add(&t->name, host[h], len[h]);
		const struct query *q = scan_find(s, t->name.s, t->name.len, T_TLSA);
		size_t i = 0;
		const struct jv *rr;
		int n = 0;
		while ((rr = q_rr(q, T_TLSA, &i))) {
			long long u, sel, mt;
			n++;
			if (!rr_int(rr, K_usage, &u) || !rr_int(rr, K_selector, &sel) ||
			    !rr_int(rr, K_matching_type, &mt)) {
				scan_problem(
				    s, "TLSA record without usage, selector or matching type");
				continue;
			}
			if (u >= 0 && u <= 3)
				add_usage(fa, (int)u);
			long hex = tlsa_hex_len(rr);
			if (u > 3 || sel > 1 || mt > 2 || (mt == 1 && hex != 64) ||
			    (mt == 2 && hex != 128) || hex <= 0)
				findings_add(
				    f, "DANE_BAD_PARAMETERS", SEV_ERROR,
				    "TLSA %lld %lld %lld at '%s': an unknown usage, selector "
				    "or matching type, or a digest of the wrong length",
				    u, sel, mt, t->name.s);
			else if (u == 0 || u == 1)
				findings_add(
				    f, "DANE_PKIX_USAGE", SEV_WARNING,
				    "TLSA usage %lld (%s) at '%s': SMTP clients do not use "
				    "PKIX usages (RFC 7672 section 3.1.3)",
				    u, u ? "PKIX-EE" : "PKIX-TA", t->name.s);
		}
		if (n == 0) {
			if (without++ < 4) {
				buf_adds(&t->list, without > 1 ? ", '" : "'");
				buf_add(&t->list, host[h], (size_t)FV(len[h]));
				buf_addc(&t->list, '\'');
			}
			continue;
		}
		fa->dane.hosts++;
		if (q_ad(s, q) != 1) {
			fa->dane.validated = 0;
			findings_add(f, "DANE_NOT_VALIDATED", SEV_ERROR,
				     "TLSA records at '%s' did not validate (no AD bit): without "
				     "DNSSEC they are unusable (RFC 7672 section 2.2)",
				     t->name.s);
		} else if (fa->dane.validated < 0) {
			fa->dane.validated = 1;
		}
	}
	fa->dane.present = fa->dane.hosts > 0;
	if (!fa->dane.present)
		findings_add(f, "DANE_NO_TLSA", SEV_NOTICE, "no MX host has TLSA records");
	else if (without)
		findings_add(f, "DANE_PARTIAL", SEV_WARNING,
			     "%d of %zu MX hosts without TLSA records (%s%s): mail to them is "
			     "not protected",
			     without, nh, t->list.s, without > 4 ? ", ..." : "");
}

/* DKIM keys live at <selector>._domainkey.<domain>: NXDOMAIN at _domainkey says none exist,
 * NOERROR (data or an empty non-terminal) that some do (RFC 8020). */
static void
check_dkim(struct grader *g)
{
	struct scan *s = g->s;
	struct transport_state *t = state(g);
	struct findings *f = &g->f[C_DKIM];
	named(&t->name, "_domainkey.", s);
	const struct query *q = scan_find(s, t->name.s, t->name.len, T_TXT);
	if (!q || !q->final)
		return; /* transport_unknowns says why */
	g->facts.dkim.present = !strcasecmp(q->rcode, "NOERROR");
	if (g->facts.dkim.present && g->facts.mx.null_mx)
		findings_add(f, "DKIM_KEYS_ON_NULL_MX", SEV_NOTICE,
			     "'%s' exists though the domain takes no mail (null MX): a domain that "
			     "sends none needs no DKIM keys",
			     t->name.s);
	else if (!g->facts.dkim.present && !g->facts.mx.null_mx)
		findings_add(f, "DKIM_NO_KEYS", SEV_WARNING,
			     "'%s' does not exist (NXDOMAIN): the domain has no DKIM key",
			     t->name.s);
}

/* IPv6 reach of a set of hosts: 1 all have AAAA, 0 not (names of some in list), -1 unknown
 * (an AAAA question told nothing, or no host). */
static int
ipv6_reach(const struct scan *s, const char *const *host, const size_t *len, size_t n, int *without,
	   struct buf *list)
{
	int unknown = 0;
	*without = 0;
	buf_reset(list);
	for (size_t h = 0; h < n; h++) {
		const struct query *q = scan_find(s, host[h], len[h], T_AAAA);
		if (q_unknown(q)) {
			unknown = 1;
			continue;
		}
		if (q_count(q, T_AAAA) > 0)
			continue;
		if ((*without)++ < 4) {
			buf_adds(list, *without > 1 ? ", '" : "'");
			buf_add(list, host[h], (size_t)FV(len[h]));
			buf_addc(list, '\'');
		}
	}
	if (n == 0 || unknown) {
		*without = -1;
		return -1;
	}
	return *without == 0;
}

/* internet.nl's test: every name server and MX host has an IPv6 address. A fact and a
 * notice, never a grade: IPv4-only mail and DNS work. */
static void
check_ipv6(struct grader *g)
{
	struct scan *s = g->s;
	struct transport_state *t = state(g);
	const char *host[HOSTS_MAX];
	size_t len[HOSTS_MAX], n = 0;
	const struct query *nsq = scan_find(s, s->domain, s->domainlen, T_NS);
	size_t i = 0;
	const struct jv *rr;
	while ((rr = q_rr(nsq, T_NS, &i)) && n < HOSTS_MAX) {
		size_t hn;
		const char *h = rr_str(rr, K_host, &hn);
		while (h && hn && h[hn - 1] == '.')
			hn--;
		if (h && hn)
			host[n] = h, len[n++] = hn;
	}
	sort_hosts(host, len, n);
	struct facts *fa = &g->facts;
	fa->ipv6.ns = ipv6_reach(s, host, len, n, &fa->ipv6.ns_without, &t->list);
	if (fa->ipv6.ns == 0)
		findings_add(&g->f[C_NS], "NS_NO_IPV6", SEV_NOTICE,
			     "%d of %zu name servers without an IPv6 address (AAAA): %s%s",
			     fa->ipv6.ns_without, n, t->list.s,
			     fa->ipv6.ns_without > 4 ? ", ..." : "");
	n = mx_hosts(s, host, len);
	fa->ipv6.mx = ipv6_reach(s, host, len, n, &fa->ipv6.mx_without, &t->list);
	if (fa->ipv6.mx == 0)
		findings_add(&g->f[C_MX], "MX_NO_IPV6", SEV_NOTICE,
			     "%d of %zu MX hosts without an IPv6 address (AAAA): %s%s",
			     fa->ipv6.mx_without, n, t->list.s,
			     fa->ipv6.mx_without > 4 ? ", ..." : "");
}

void
check_transport(struct grader *g)
{
	check_mta_sts_txt(g);
	check_tls_rpt(g);
	check_dane(g);
	check_dkim(g);
	check_ipv6(g);
}

/* Unknown when the question a category rests on told nothing: the TXT of _mta-sts, of
 * _smtp._tls, of _domainkey (and the MX, when a null MX would excuse no keys), the MX and then
 * the TLSA of each MX host. */
void
transport_unknowns(struct grader *g)
{
	struct scan *s = g->s;
	struct transport_state *t = state(g);
	named(&t->name, "_mta-sts.", s);
	unknown_remark(g, C_MTASTS, scan_find(s, t->name.s, t->name.len, T_TXT), "TXT", t->name.s,
		       t->name.len);
	named(&t->name, "_smtp._tls.", s);
	unknown_remark(g, C_TLSRPT, scan_find(s, t->name.s, t->name.len, T_TXT), "TXT", t->name.s,
		       t->name.len);
	const struct query *mx = scan_find(s, s->domain, s->domainlen, T_MX);
	named(&t->name, "_domainkey.", s);
	if (!unknown_remark(g, C_DKIM, scan_find(s, t->name.s, t->name.len, T_TXT), "TXT",
			    t->name.s, t->name.len) &&
	    !g->facts.dkim.present)
		unknown_remark(g, C_DKIM, mx, "MX", s->domain, s->domainlen);
	if (unknown_remark(g, C_DANE, mx, "MX", s->domain, s->domainlen))
		return;
	const char *host[HOSTS_MAX];
	size_t len[HOSTS_MAX];
	size_t nh = mx_hosts(s, host, len);
	for (size_t h = 0; h < nh; h++) {
		buf_reset(&t->name);
		buf_adds(&t->name, "_25._tcp.");
		buf_add(&t->name, host[h], len[h]);
		if (unknown_remark(g, C_DANE, scan_find(s, t->name.s, t->name.len, T_TLSA), "TLSA",
				   t->name.s, t->name.len))
			return;
	}
}
