/* SPDX-License-Identifier: ISC */
/* Name-server checks: NS, SOA, the delegation and CAA; and the facts that need no grade (Active
 * Directory, scan counters, providers). DNSSEC is in dnssec.c. */
#include <stdbool.h> /* before ldns, which otherwise makes bool a signed char here */
#include <ldns/ldns.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ascii.h"
#include "caa.h"
#include "grade.h"
#include "infra.h"
#include "ipaddr.h"
#include "xalloc.h"

/* Is an IPv4 address in one of the special-purpose blocks (RFC 6890): 0/8, 10/8,
 * 100.64/10, 127/8, 169.254/16, 172.16/12, 192.0.0/24, 192.0.2/24, 192.168/16, 198.18/15,
 * 198.51.100/24, 203.0.113/24, 224/4 and 240/4? By the first byte: most are in none. */
static bool
ipv4_special(const unsigned char b[4])
{
	switch (b[0]) {
	case 0:
	case 10:
	case 127:
		return true;
	case 100:
		return (b[1] & 0xc0) == 64;
	case 169:
		return b[1] == 254;
	case 172:
		return (b[1] & 0xf0) == 16;
	case 192:
		return (b[1] == 0 && (b[2] == 0 || b[2] == 2)) || b[1] == 168;
	case 198:
		return (b[1] & 0xfe) == 18 || (b[1] == 51 && b[2] == 100);
	case 203:
		return b[1] == 0 && b[2] == 113;
	default:
		return b[0] >= 224;
	}
}

/* Is the address globally reachable (not private, loopback, link-local, documentation,
 * multicast, reserved)? *parsed says whether it was an address at all. The text ends at n
 * bytes or a NUL, where inet_pton stops. As inet_pton, IPv4 when it holds no colon, else IPv6:
 * an IPv4 parse fails at any colon, and an IPv6 one without a colon, so each can be tried
 * without looking for one. */
bool
addr_public(const char *a, size_t n, bool *parsed)
{
	unsigned char b[16];
	*parsed = false;
	if (n == 0 || n >= 64) /* what the copy for inet_pton had room for */
		return false;
	n = strnlen(a, n);
	if (ipaddr_v4(a, n, b)) {
		*parsed = true;
		return !ipv4_special(b);
	}
	if (ipaddr_v6(a, n, b)) {
		*parsed = true;
		static const unsigned char zero[16];
		if (!memcmp(b, zero, 15) && b[15] <= 1)
			return false; /* :: and ::1 */
		if ((b[0] & 0xfe) == 0xfc || (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) ||
		    b[0] == 0xff)
			return false;
		if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8)
			return false;
		if (!memcmp(b, zero, 10) && b[10] == 0xff && b[11] == 0xff)
			return false;	      /* IPv4-mapped */
		return (b[0] & 0xe0) == 0x20; /* 2000::/3 is the global unicast space */
	}
	return false;
}

/* Does the query's answer hold an RR of the type (q_count > 0 without counting them all)? */
static bool
q_has(const struct query *q, enum rr_type type)
{
	size_t i = 0;
	return q_rr(q, type, &i) != NULL;
}

/* strcmp of the two names with A-Z lowered, without copying them. */
static int
cmp_lower(const char *a, size_t an, const char *b, size_t bn)
{
	for (size_t i = 0;; i++) {
		unsigned char x = i < an ? (unsigned char)a[i] : 0,
			      y = i < bn ? (unsigned char)b[i] : 0;
		x = (unsigned char)(x >= 'A' && x <= 'Z' ? x + 32 : x);
		y = (unsigned char)(y >= 'A' && y <= 'Z' ? y + 32 : y);
		if (x != y || !x)
			return x - y;
	}
}

/* The host names of an NS answer in order: the first 64, and how many there are. */
struct ns_hosts {
	const char *h[64];
	size_t len[64], n, count;
};

static void
ns_hosts(const struct query *q, struct ns_hosts *out)
{
	size_t i = 0, l;
	const struct jv *rr;
	out->n = out->count = 0;
	while ((rr = q_rr(q, T_NS, &i))) {
		const char *h = rr_str(rr, K_host, &l);
		if (!h)
			continue;
		if (out->n < 64) {
			out->h[out->n] = h;
			out->len[out->n++] = l;
		}
		out->count++;
	}
}

/* ns_set of the listed hosts. */
static void
hosts_set(const struct ns_hosts *hs, struct buf *out)
{
	buf_reset(out);
	const char *v[64];
	size_t vl[64];
	for (size_t n = 0; n < hs->n; n++) {
		const char *h = hs->h[n];
		size_t l = hs->len[n];
		while (l && h[l - 1] == '.')
			l--;
		const char *nul = memchr(h, '\0', l);
		l = nul ? (size_t)(nul - h) : l;
		/* insertion sort: a handful of names */
		size_t k = n;
		for (; k > 0 && cmp_lower(v[k - 1], vl[k - 1], h, l) > 0; k--) {
			v[k] = v[k - 1];
			vl[k] = vl[k - 1];
		}
		v[k] = h;
		vl[k] = l;
	}
	for (size_t j = 0; j < hs->n; j++) {
		if (j)
			buf_addc(out, ',');
		size_t at = out->len;
		buf_add(out, v[j], vl[j]);
		for (char *c = out->s + at; c < out->s + out->len; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c + 32);
	}
}

/* The NS host set of a query as one sorted, lowercased, comma-joined string (of the first 64
 * hosts; a host ends at a NUL in it, as a C string does). */
void
ns_set(const struct query *q, struct buf *out)
{
	struct ns_hosts hs;
	ns_hosts(q, &hs);
	hosts_set(&hs, out);
}

/* Does an NS answer list the very host strings of hs (all of them), in the same order? Then
 * its ns_set is that of hs, and the one already built can serve. */
static bool
same_hosts(const struct query *q, const struct ns_hosts *hs)
{
	size_t i = 0, k = 0, l;
	const struct jv *rr;
	if (hs->count > hs->n)
		return false;
	while ((rr = q_rr(q, T_NS, &i))) {
		const char *h = rr_str(rr, K_host, &l);
		if (!h)
			continue;
		if (k == hs->n || hs->len[k] != l || memcmp(hs->h[k], h, l))
			return false;
		k++;
	}
	return k == hs->n;
}

/* The delegation as the parent's servers gave it (why:"parent", asked directly): the NS of
 * the domain in a referral's authority section (or an answer's, from a server that also
 * serves the child), from the first such answer. */
static void
parent_hosts(const struct scan *s, struct ns_hosts *out, const struct query **from)
{
	out->n = out->count = 0;
	*from = NULL;
	for (size_t k = 0; k < s->nq && !*from; k++) {
		const struct query *q = &s->qs[k];
		if (!q->direct || !q->why || strcmp(q->why, "parent") || !word_is(q->type, "ns") ||
		    !q->answered || !word_is(q->rcode, "noerror") ||
		    !name_eq(q->q, q->qlen, s->domain, s->domainlen))
			continue;
		for (int sec = 0; sec < 2 && !out->count; sec++) {
			size_t i = 0, l;
			const struct jv *rr;
			while ((rr = sec ? q_rr(q, T_NS, &i) : q_auth_rr(q, T_NS, &i))) {
				const char *h = rr_str(rr, K_host, &l), *o;
				size_t on;
				if (!h || !(o = rr_str(rr, K_name, &on)) ||
				    !name_eq(o, on, s->domain, s->domainlen))
					continue;
				if (out->n < 64) {
					out->h[out->n] = h;
					out->len[out->n++] = l;
				}
				out->count++;
			}
		}
		if (out->count)
			*from = q;
	}
}

/* Append to out the names of the comma-joined sorted set a that are not in b. */
static void
set_minus(struct buf *out, const char *a, const char *b)
{
	size_t blen = strlen(b);
	for (const char *p = a; *p;) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		bool in = false;
		for (const char *q = b; q < b + blen && !in;) {
			const char *qe = strchr(q, ',');
			size_t qn = qe ? (size_t)(qe - q) : strlen(q);
			in = qn == n && !memcmp(p, q, n);
			q += qn + 1;
		}
		if (!in) {
			if (out->len)
				buf_adds(out, ", ");
			buf_add(out, p, n);
		}
		p += n + (e != NULL);
	}
}

/* The domain's NS query and its hosts, which the NS and provider checks share. */
struct apex {
	const struct query *ns;
	struct ns_hosts hosts;
};

/* The scan counters (facts). */
static void
count_queries(struct grader *g)
{
	struct scan *s = g->s;
	struct facts *fa = &g->facts;
	for (size_t i = 0; i < s->nq; i++) {
		const struct query *q = &s->qs[i];
		if (q->answered) {
			fa->scan.answered++;
			if (word_is(q->rcode, "servfail"))
				fa->scan.servfail++;
		}
		if (q->error && !strcmp(q->error, "timeout"))
			fa->scan.timeouts++;
		else if (q->error && strcmp(q->error, "skipped"))
			fa->scan.errors++;
	}
	fa->scan.queries = (int)s->nq;
}

/* The addresses of a host: its answered A query's, then its AAAA query's (up to max); asked:
 * one of them was answered. */
static void
addresses(const struct scan *s, const char *host, size_t hn, const char **addrs, size_t *lens,
	  size_t *na, size_t max, bool *asked)
{
	*na = 0;
	*asked = false;
	static const enum rr_type types[] = {T_A, T_AAAA};
	for (int t = 0; t < 2; t++) {
		const struct query *q = scan_find(s, host, hn, types[t]);
		if (!q || !q->answered)
			continue;
		*asked = true;
		size_t i = 0;
		const struct jv *rr;
		while ((rr = q_rr(q, types[t], &i)) && *na < max) {
			size_t l;
			const char *ad = rr_str(rr, K_address, &l);
			if (ad) {
				addrs[*na] = ad;
				lens[(*na)++] = l;
			}
		}
	}
}

/* NS_SAME_ADDRESS once per address that several host names share, naming them all: the
 * (address, host) pairs in order, a host's repeats of an address aside. */
static void
same_address(struct findings *f, struct buf *names, const char *const *addr, const size_t *alen,
	     const char *const *host, const size_t *hlen, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		bool first = true;
		for (size_t j = 0; j < i && first; j++)
			first = alen[j] != alen[i] || memcmp(addr[j], addr[i], alen[i]);
		if (!first)
			continue;
		size_t other = i + 1; /* most addresses are one host's: no message to build */
		while (other < n &&
		       (alen[other] != alen[i] || memcmp(addr[other], addr[i], alen[i]) ||
			name_eq(host[other], hlen[other], host[i], hlen[i])))
			other++;
		if (other == n)
			continue;
		buf_reset(names);
		size_t hosts = 0;
		for (size_t j = i; j < n; j++) {
			if (alen[j] != alen[i] || memcmp(addr[j], addr[i], alen[i]))
				continue;
			bool dup = false;
			for (size_t k = i; k < j && !dup; k++)
				dup = alen[k] == alen[i] && !memcmp(addr[k], addr[i], alen[i]) &&
				      name_eq(host[k], hlen[k], host[j], hlen[j]);
			if (dup)
				continue;
			buf_addf(names, "%s'%.*s'", hosts++ ? ", " : "", FV(hlen[j]), host[j]);
		}
		if (hosts > 1)
			findings_add(f, "NS_SAME_ADDRESS", SEV_WARNING,
				     "address %.*s serves %zu name server names: %s", FV(alen[i]),
				     addr[i], hosts, buf_str(names));
	}
}

static void
check_ns_soa(struct grader *g, const struct apex *ap)
{
	struct scan *s = g->s;
	struct findings *f = &g->f[C_NS], *fs = &g->f[C_SOA];
	const struct ns_hosts *apex = &ap->hosts;
	size_t count = apex->count; /* the hosts past 64 are counted, not checked: hostile data */
	/* every (address, host), for NS_SAME_ADDRESS once per address */
	const char *seen_addr[64], *seen_host[64];
	size_t seen_len[64], seen_hlen[64], nseen = 0;
	for (size_t j = 0; j < apex->n; j++) {
		const char *h = apex->h[j];
		size_t hn = apex->len[j];
		const char *addrs[16];
		size_t lens[16], na;
		bool asked;
		addresses(s, h, hn, addrs, lens, &na, 16, &asked);
		if (asked && na == 0)
			findings_add(f, "NULL_NS_RECORD", SEV_ERROR,
				     "name server '%.*s' has no address", FV(hn), h);
		for (size_t k = 0; k < na; k++) {
			bool parsed;
			if (!addr_public(addrs[k], lens[k], &parsed)) {
				if (parsed)
					findings_add(
					    f, "NAMESERVER_IS_NOT_PUBLIC", SEV_ERROR,
					    "name server '%.*s' has the non-public address %.*s",
					    FV(hn), h, FV(lens[k]), addrs[k]);
				else
					findings_add(
					    f, "NAMESERVER_HAS_INVALID_RESPONSE", SEV_ERROR,
					    "name server '%.*s' has the bad address '%.*s'", FV(hn),
					    h, FV(lens[k]), addrs[k]);
			}
			if (nseen < 64) {
				seen_addr[nseen] = addrs[k];
				seen_len[nseen] = lens[k];
				seen_host[nseen] = h;
				seen_hlen[nseen++] = hn;
			}
		}
	}
	same_address(f, &g->tmp, seen_addr, seen_len, seen_host, seen_hlen, nseen);
	g->facts.ns.count = (int)count;
	/* The delegation as the parent has it, and whether any server answered for the zone:
	 * a failed NS query is not "no NS records" but a lame delegation, or unknown. */
	struct ns_hosts parent;
	const struct query *pq;
	parent_hosts(s, &parent, &pq);
	bool any_direct = false, any_auth = false;
	for (size_t k = 0; k < s->nq; k++) {
		const struct query *d = &s->qs[k];
		if (!d->direct || (d->why && !strcmp(d->why, "parent")) ||
		    !name_eq(d->q, d->qlen, s->domain, s->domainlen) ||
		    (!d->answered && d->error && !strcmp(d->error, "skipped")) || d->cut)
			continue;
		any_direct = true;
		if (d->answered && word_is(d->rcode, "noerror") && d->aa)
			any_auth = true;
	}
	const struct query *sq = scan_find(s, s->domain, s->domainlen, T_SOA);
	bool ns_failed = q_failed(ap->ns), soa_failed = q_failed(sq);
	bool lame_all = count == 0 && ns_failed && !any_auth && (parent.count || any_direct);
	if (lame_all) {
		/* name the servers: the parent's delegation, else the addresses asked */
		struct buf *names = &g->tmp;
		buf_reset(names);
		if (parent.count) {
			hosts_set(&parent, names);
		} else {
			for (size_t k = 0; k < s->nq; k++) {
				const struct query *d = &s->qs[k];
				if (d->direct && d->server && word_is(d->type, "soa") &&
				    name_eq(d->q, d->qlen, s->domain, s->domainlen)) {
					if (names->len)
						buf_addc(names, ',');
					buf_adds(names, d->server);
				}
			}
		}
		g->facts.fetched.ns = FETCH_TEMPERROR;
		findings_add(
		    f, "LAME_DELEGATION", SEV_ERROR,
		    "no server of the delegation answers for the zone (%.*s); the resolver "
		    "said %s",
		    FV(names->len), buf_str(names), q_cause(ap->ns));
	} else if (count == 0 && ns_failed) {
		/* unknown, not absent: grade_unknowns says why (DNS_TEMPORARY_ERROR) */
		g->facts.fetched.ns = FETCH_TEMPERROR;
	} else if (count == 0) {
		if (!ap->ns)
			g->facts.fetched.ns = FETCH_NOT_ASKED;
		findings_add(f, "NO_NS_RECORDS", SEV_ERROR, "no NS records for '%.*s'",
			     FV(s->domainlen), s->domain);
	} else if (count == 1)
		findings_add(f, "ONLY_ONE_NS_RECORD", SEV_WARNING, "only one name server");

	/* The parent's delegation against the zone's own NS set (RFC 1034 4.2.2: they should
	 * be the same; resolvers use either). */
	g->facts.ns.parent_child_consistent = -1;
	if (parent.count && count && parent.count <= 64 && count <= 64) {
		struct buf *pset = &g->tmp, *cset = &g->tmp2;
		hosts_set(&parent, pset);
		hosts_set(apex, cset);
		bool same = !strcmp(buf_str(pset), buf_str(cset));
		g->facts.ns.parent_child_consistent = same;
		if (!same) {
			struct buf only_p = {0}, only_c = {0};
			set_minus(&only_p, buf_str(pset), buf_str(cset));
			set_minus(&only_c, buf_str(cset), buf_str(pset));
			findings_add(f, "NS_PARENT_CHILD_MISMATCH", SEV_WARNING,
				     "the parent (%s) delegates to '%s', the zone lists '%s': only "
				     "the parent has %s, only the zone %s",
				     pq->server ? pq->server : "?", buf_str(pset), buf_str(cset),
				     only_p.len ? buf_str(&only_p) : "none",
				     only_c.len ? buf_str(&only_c) : "none");
			buf_free(&only_p);
			buf_free(&only_c);
		}
	}

	/* What every server said when asked directly. The apex's set is built when a server's
	 * list is not the apex's very hosts. */
	struct buf *apex_set = &g->tmp, *set = &g->tmp2;
	bool ns_ok = true, serial_ok = true, have_serial = false, have_apex_set = false;
	bool ns_compared = false;
	long long serial0 = 0;
	int lame = 0;
	/* each server's serial, for SOA_SERIAL_MISMATCH to name them */
	const char *ser_srv[16];
	long long ser_val[16];
	size_t nser = 0;
	for (size_t k = 0; k < s->nq; k++) {
		const struct query *d = &s->qs[k];
		if (!d->direct || !name_eq(d->q, d->qlen, s->domain, s->domainlen) ||
		    (d->why && !strcmp(d->why, "parent")))
			continue;
		const char *srv = d->server ? d->server : "?";
		if (word_is(d->type, "soa")) {
			size_t j = 0;
			const struct jv *soa = q_rr(d, T_SOA, &j);
			if (!d->answered) {
				/* not sent, or its answer cut: nothing said of the server */
				if ((d->error && !strcmp(d->error, "skipped")) || d->cut)
					continue;
				lame++;
				findings_add(f, "NS_NO_RESPONSE", SEV_ERROR,
					     "server %s did not answer (%s)", srv,
					     d->error ? d->error : "no answer");
			} else if (!word_is(d->rcode, "noerror") || !d->aa || !soa) {
				lame++;
				findings_add(f, "LAME_DELEGATION", SEV_ERROR,
					     "server %s is not authoritative for the zone (%s%s)",
					     srv, d->rcode, d->aa ? "" : ", no AA bit");
			} else {
				long long ser;
				if (rr_int(soa, K_serial, &ser)) {
					if (nser < 16) {
						ser_srv[nser] = srv;
						ser_val[nser++] = ser;
					}
					if (have_serial && ser != serial0)
						serial_ok = false;
					serial0 = have_serial ? serial0 : ser;
					have_serial = true;
				}
			}
		} else if (word_is(d->type, "ns") && d->answered && word_is(d->rcode, "noerror") &&
			   d->aa) {
			ns_compared = true;
			if (!ns_ok || same_hosts(d, apex))
				continue; /* the apex's set, or a mismatch already reported */
			if (!have_apex_set) {
				hosts_set(apex, apex_set);
				have_apex_set = true;
			}
			ns_set(d, set);
			if (strcmp(buf_str(set), buf_str(apex_set))) {
				ns_ok = false;
				findings_add(f, "NAME_SERVER_MISMATCH", SEV_WARNING,
					     "server %s lists name servers '%.*s', not '%.*s'", srv,
					     FV(set->len), buf_str(set), FV(apex_set->len),
					     buf_str(apex_set));
			}
		}
	}
	if (!serial_ok) {
		struct buf *b = &g->tmp;
		buf_reset(b);
		for (size_t k = 0; k < nser; k++)
			buf_addf(b, "%s%.60s %lld", k ? ", " : "", ser_srv[k], ser_val[k]);
		findings_add(fs, "SOA_SERIAL_MISMATCH", SEV_WARNING,
			     "name servers answer with different SOA serials: %s", buf_str(b));
	}
	g->facts.ns.lame = lame_all && !lame ? (int)parent.count : lame;
	/* unknown when no server answered the question */
	g->facts.ns.serials_consistent = have_serial ? serial_ok : -1;
	g->facts.ns.ns_sets_consistent = ns_compared ? ns_ok : -1;

	/* SOA: present, single, fields and timers (Zonemaster ZONE02 to ZONE06). */
	size_t i = 0, nsoa = 0;
	const struct jv *rr = q_rr(sq, T_SOA, &i); /* the first, then the count */
	for (size_t j = i; rr && q_rr(sq, T_SOA, &j);)
		nsoa++;
	nsoa += rr != NULL;
	g->facts.soa.serial = -1;
	if (nsoa == 0 && soa_failed) {
		/* unknown, not absent: grade_unknowns says why (DNS_TEMPORARY_ERROR) */
		g->facts.fetched.soa = FETCH_TEMPERROR;
		return;
	}
	if (nsoa == 0) {
		if (!sq)
			g->facts.fetched.soa = FETCH_NOT_ASKED;
		findings_add(fs, "NO_SOA", SEV_ERROR, "no SOA record for '%.*s'", FV(s->domainlen),
			     s->domain);
		return;
	}
	g->facts.soa.present = true;
	if (nsoa > 1)
		findings_add(fs, "TOO_MANY_SOA", SEV_ERROR, "%zu SOA records", nsoa);
	size_t mn, rn;
	const char *mname = rr_str(rr, K_mname, &mn), *rname = rr_str(rr, K_rname, &rn);
	long long serial, refresh, retry, expire, minimum;
	if (!mname || !rname || !rr_int(rr, K_serial, &serial) ||
	    !rr_int(rr, K_refresh, &refresh) || !rr_int(rr, K_retry, &retry) ||
	    !rr_int(rr, K_expire, &expire) || !rr_int(rr, K_minimum, &minimum)) {
		findings_add(fs, "SOA_INVALID", SEV_ERROR, "SOA record lacks fields");
		return;
	}
	g->facts.soa.serial = serial;
	if (!hostname_ok(mname, mn))
		findings_add(fs, "INVALID_MNAME", SEV_ERROR, "bad primary name server '%.*s'",
			     FV(mn), mname);
	if (!hostname_ok(rname, rn) || !memchr(rname, '.', rn))
		findings_add(fs, "INVALID_RNAME", SEV_ERROR, "bad responsible mailbox '%.*s'",
			     FV(rn), rname);
	long long v[5] = {serial, refresh, retry, expire, minimum};
	for (int k = 0; k < 5; k++)
		if (v[k] < 0 || v[k] > 4294967295LL) {
			findings_add(fs, "SOA_INVALID", SEV_ERROR, "SOA field out of range: %lld",
				     v[k]);
			return;
		}
	if (refresh < 14400)
		findings_add(fs, "REFRESH_NOT_IN_RANGE", SEV_NOTICE, "refresh %lld is under 14400",
			     refresh);
	if (retry < 3600)
		findings_add(fs, "RETRY_NOT_IN_RANGE", SEV_NOTICE, "retry %lld is under 3600",
			     retry);
	if (retry >= refresh)
		findings_add(fs, "RETRY_NOT_BELOW_REFRESH", SEV_NOTICE,
			     "retry %lld is not below refresh %lld", retry, refresh);
	if (expire < 604800 || expire < refresh)
		findings_add(fs, "EXPIRE_NOT_IN_RANGE", SEV_WARNING,
			     "expire %lld is under a week or under refresh", expire);
	if (minimum < 300 || minimum > 86400)
		findings_add(fs, "MINIMUM_NOT_IN_RANGE", SEV_NOTICE,
			     "minimum %lld is outside 300..86400", minimum);
}

/* CAA: the relevant RRset is the first found climbing from the domain towards the root. */
static void
check_caa(struct grader *g)
{
	struct scan *s = g->s;
	struct findings *f = &g->f[C_CAA];
	const char *name = s->domain;
	size_t n = s->domainlen;
	const struct query *q = NULL;
	const struct jv *first = NULL; /* its first CAA RR, at i */
	size_t i = 0;
	for (;;) {
		const struct query *x = scan_find(s, name, n, T_CAA);
		i = 0;
		if ((first = q_rr(x, T_CAA, &i))) {
			q = x;
			break;
		}
		const char *dot = memchr(name, '.', n);
		if (!dot)
			break;
		n -= (size_t)(dot + 1 - name);
		name = dot + 1;
	}
	if (!q) {
		findings_add(f, "NO_CAA_RECORDS", SEV_NOTICE, "no CAA records: any CA may issue");
		return;
	}
	g->facts.caa.present = true;
	buf_add(&g->facts.caa.found_at, name, n);
	if (name != s->domain)
		findings_add(f, "CAA_FOUND_AT_PARENT", SEV_NOTICE, "CAA records found at '%.*s'",
			     FV(n), name);
	size_t count = 0;
	for (const struct jv *rr = first; rr; rr = q_rr(q, T_CAA, &i)) {
		if (++count > 100) {
			findings_add(f, "TOO_MANY_CAA_RECORDS", SEV_WARNING,
				     "over 100 CAA records");
			break;
		}
		long long flags;
		size_t tn, vn;
		const char *tag = rr_str(rr, K_tag, &tn), *val = rr_str(rr, K_value, &vn);
		if (!tag || !val || !rr_int(rr, K_flags, &flags)) {
			scan_problem(s, "CAA record without flags, tag or value");
			continue;
		}
		struct caa_property p;
		caa_check(flags < -1	  ? -1
			  : flags > 65536 ? 65536
					  : (long)flags,
			  tag, tn, val, vn, &p, f);
		if (p.kind == CAA_ISSUE) {
			g->facts.caa.issue = true;
			g->facts.caa.issue_count++;
		} else if (p.kind == CAA_ISSUEWILD) {
			g->facts.caa.issuewild = true;
		} else if (p.kind == CAA_IODEF) {
			g->facts.caa.iodef = true;
		}
	}
	if (!g->facts.caa.issue)
		findings_add(
		    f, "NO_ISSUE_PROPERTY", SEV_NOTICE,
		    "no 'issue' property: issuance is not restricted except as issuewild says");
}

/* Is host the domain or a name under it? */
static bool
under(const char *h, size_t hn, const char *d, size_t dn)
{
	while (hn && h[hn - 1] == '.')
		hn--;
	if (hn < dn || strncasecmp(h + hn - dn, d, dn))
		return false;
	return hn == dn || h[hn - dn - 1] == '.';
}

/* The DNS provider of an NS host: a table's, or "Self-hosted" under the domain. */
static const char *
ns_provider(const struct grader *g, const char *h, size_t hn)
{
	const char *p = providers_match(g->prov, PROV_NS, h, hn);
	return p || !under(h, hn, g->s->domain, g->s->domainlen) ? p : "Self-hosted";
}

/* DNStats' is_a_msft_dc: an _msdcs zone whose random sibling does not exist. */
static void
check_facts(struct grader *g, const struct apex *ap)
{
	struct scan *s = g->s;
	struct facts *fa = &g->facts;
	struct buf *b = &g->tmp;
	buf_reset(b);
	buf_add(b, "_msdcs.", 7);
	buf_add(b, s->domain, s->domainlen);
	const struct query *ms = scan_find(s, b->s, b->len, T_SOA);
	bool ms_soa = q_has(ms, T_SOA);
	/* the last "ad-probe" query matters only to a domain with an _msdcs zone */
	const struct query *probe = NULL;
	for (size_t i = 0; ms_soa && i < s->nq; i++)
		if (s->qs[i].why && !strcmp(s->qs[i].why, "ad-probe"))
			probe = &s->qs[i];
	bool probe_soa = q_has(probe, T_SOA);
	fa->ad = ms_soa && !probe_soa;
	fa->legacy.has_msdc = !ms_soa ? 0 : probe_soa ? -1 : 1;

	/* Providers: the lowest-preference MX host and the first NS host that a table knows. */
	if (g->prov) {
		const struct query *mx = scan_find(s, s->domain, s->domainlen, T_MX);
		long long best = 70000;
		size_t i = 0;
		const struct jv *rr;
		while ((rr = q_rr(mx, T_MX, &i))) {
			size_t en;
			long long pref = 0;
			const char *ex = rr_str(rr, K_exchange, &en);
			const char *p = ex ? providers_match(g->prov, PROV_MX, ex, en) : NULL;
			if (!p && ex && under(ex, en, s->domain, s->domainlen))
				p = "Self-hosted";
			if (p) /* the preference matters only to a host with a provider */
				rr_int(rr, K_preference, &pref);
			if (p && pref < best) {
				best = pref;
				fa->mail_provider = p;
			}
		}
		/* the apex's hosts as listed (all of them unless there are over 64) */
		for (size_t j = 0; !fa->dns_provider && j < ap->hosts.n; j++)
			fa->dns_provider = ns_provider(g, ap->hosts.h[j], ap->hosts.len[j]);
		i = 0;
		while (!fa->dns_provider && ap->hosts.count > ap->hosts.n &&
		       (rr = q_rr(ap->ns, T_NS, &i))) {
			size_t hn;
			const char *h = rr_str(rr, K_host, &hn);
			if (h)
				fa->dns_provider = ns_provider(g, h, hn);
		}
	}
}

void
check_infra(struct grader *g)
{
	struct apex ap;
	ap.ns = scan_find(g->s, g->s->domain, g->s->domainlen, T_NS);
	ns_hosts(ap.ns, &ap.hosts);
	count_queries(g);
	check_ns_soa(g, &ap);
	check_caa(g);
	check_dnssec(g);
	check_facts(g, &ap);
}
