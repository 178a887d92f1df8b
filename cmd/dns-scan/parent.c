/* SPDX-License-Identifier: ISC */
/* Parent zones: SOA of the parent name (its owner is the parent zone), NS of that zone, A and
 * AAAA of its name servers; one lookup per parent name, shared by every domain under it. */
#include <ctype.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "dnsjson.h"
#include "parent.h"
#include "xalloc.h"

#define BUCKETS	  4096
#define MAX_KNOWN 16384 /* entries kept; past it, the finished ones are dropped */

enum step { S_SOA, S_NS, S_ADDR };

struct waiter {
	parent_ready_fn ready;
	void *ctx;
};

struct entry {
	struct entry *next; /* in its bucket */
	struct parents *ps;
	char *name;
	char *zone;
	char **ns;
	size_t nns;
	struct dns_addr addrs[PARENT_MAX_ADDRS];
	size_t naddrs;
	int cause, addr_cause; /* -1, or why the lookup (of an address) failed */
	unsigned pending;      /* lookups in flight */
	struct waiter *w;
	size_t nw, capw;
};

struct parents {
	struct dns_engine *e;
	uint16_t port;
	struct entry *b[BUCKETS];
	size_t n;
};

static uint32_t
hash(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

struct parents *
parents_new(struct dns_engine *e, uint16_t ns_port)
{
	struct parents *ps = xcalloc(1, sizeof *ps);
	ps->e = e;
	ps->port = ns_port;
	return ps;
}

static void
entry_free(struct entry *x)
{
	for (size_t i = 0; i < x->nns; i++)
		free(x->ns[i]);
	free(x->ns);
	free(x->zone);
	free(x->name);
	free(x->w);
	free(x);
}

/* Drop the finished entries (nothing waits on them), to keep memory flat over a long run. */
static void
prune(struct parents *ps)
{
	for (size_t i = 0; i < BUCKETS; i++) {
		struct entry **pp = &ps->b[i];
		while (*pp) {
			struct entry *x = *pp;
			if (x->pending == 0) {
				*pp = x->next;
				entry_free(x);
				ps->n--;
			} else {
				pp = &x->next;
			}
		}
	}
}

void
parents_free(struct parents *ps)
{
	if (!ps)
		return;
	for (size_t i = 0; i < BUCKETS; i++)
		while (ps->b[i]) {
			struct entry *x = ps->b[i];
			ps->b[i] = x->next;
			entry_free(x);
		}
	free(ps);
}

static void
call(const struct entry *x, const struct waiter *w)
{
	struct parent_info info = {.zone = x->zone,
				   .ns = x->ns,
				   .nns = x->nns,
				   .addrs = x->addrs,
				   .naddrs = x->naddrs,
				   .cause = x->cause};
	w->ready(w->ctx, &info);
}

static void
done(struct entry *x)
{
	/* the waiters may ask for this name again: the list is taken first */
	struct waiter *w = x->w;
	size_t n = x->nw;
	x->w = NULL;
	x->nw = x->capw = 0;
	for (size_t i = 0; i < n; i++)
		call(x, &w[i]);
	free(w);
}

static void on_answer(void *ctx, uint32_t tag, struct dns_result *res);

static void
submit(struct entry *x, const char *name, uint16_t type, enum step st)
{
	x->pending++;
	dns_submit(x->ps->e, name, type, 0, NULL, on_answer, x, (uint32_t)st);
}

/* A lookup failed: why, by dns-scan's causes. */
static int
cause_of(const struct dns_result *res)
{
	if (!res->pkt)
		return res->err == DNS_ETIMEOUT	    ? DNS_C_TIMEOUT
		       : res->err == DNS_EMALFORMED ? DNS_C_MALFORMED
						    : DNS_C_NETWORK;
	switch (ldns_pkt_get_rcode(res->pkt)) {
	case LDNS_RCODE_NOERROR:
	case LDNS_RCODE_NXDOMAIN:
		return -1;
	case LDNS_RCODE_SERVFAIL:
		return DNS_C_SERVFAIL;
	case LDNS_RCODE_REFUSED:
		return DNS_C_REFUSED;
	default:
		return DNS_C_COUNT;
	}
}

/* A name from an rdf, lowercase, without the trailing dot ("" for the root). */
static char *
rdf_name(const ldns_rdf *rdf)
{
	struct buf b = BUF_INIT;
	if (!dns_rdf_text(&b, rdf))
		buf_reset(&b);
	if (b.len && b.s[b.len - 1] == '.')
		buf_truncate(&b, b.len - 1);
	for (size_t i = 0; i < b.len; i++)
		b.s[i] = (char)tolower((unsigned char)b.s[i]);
	char *s = xstrdup(b.len ? b.s : "");
	buf_free(&b);
	return s;
}

static void
got_soa(struct entry *x, const ldns_pkt *p)
{
	const ldns_rr_list *lists[2] = {ldns_pkt_answer(p), ldns_pkt_authority(p)};
	for (int k = 0; k < 2 && !x->zone; k++)
		for (size_t i = 0; i < ldns_rr_list_rr_count(lists[k]); i++) {
			const ldns_rr *rr = ldns_rr_list_rr(lists[k], i);
			if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA) {
				x->zone = rdf_name(ldns_rr_owner(rr));
				break;
			}
		}
	if (x->zone)
		submit(x, x->zone, LDNS_RR_TYPE_NS, S_NS);
}

static void
got_ns(struct entry *x, const ldns_pkt *p)
{
	const ldns_rr_list *ans = ldns_pkt_answer(p);
	for (size_t i = 0; i < ldns_rr_list_rr_count(ans) && x->nns < PARENT_MAX_NS; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(ans, i);
		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_NS)
			continue;
		char *n = rdf_name(ldns_rr_rdf(rr, 0));
		if (!*n) {
			free(n);
			continue;
		}
		x->ns = xrealloc(x->ns, (x->nns + 1) * sizeof *x->ns);
		x->ns[x->nns++] = n;
	}
	for (size_t i = 0; i < x->nns; i++) {
		submit(x, x->ns[i], LDNS_RR_TYPE_A, S_ADDR);
		submit(x, x->ns[i], LDNS_RR_TYPE_AAAA, S_ADDR);
	}
}

static void
got_addr(struct entry *x, const ldns_pkt *p)
{
	const ldns_rr_list *ans = ldns_pkt_answer(p);
	for (size_t i = 0; i < ldns_rr_list_rr_count(ans) && x->naddrs < PARENT_MAX_ADDRS; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(ans, i);
		ldns_rr_type t = ldns_rr_get_type(rr);
		const ldns_rdf *a = ldns_rr_rdf(rr, 0);
		struct dns_addr d = {0};
		if (t == LDNS_RR_TYPE_A && ldns_rdf_size(a) == 4) {
			struct sockaddr_in *in = (struct sockaddr_in *)&d.ss;
			in->sin_family = AF_INET;
			memcpy(&in->sin_addr, ldns_rdf_data(a), 4);
			d.len = sizeof *in;
		} else if (t == LDNS_RR_TYPE_AAAA && ldns_rdf_size(a) == 16) {
			struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&d.ss;
			in6->sin6_family = AF_INET6;
			memcpy(&in6->sin6_addr, ldns_rdf_data(a), 16);
			d.len = sizeof *in6;
		} else {
			continue;
		}
		dns_addr_set_port(&d, x->ps->port);
		x->addrs[x->naddrs++] = d;
	}
}

static void
on_answer(void *ctx, uint32_t tag, struct dns_result *res)
{
	struct entry *x = ctx;
	int cause = cause_of(res);
	if (cause >= 0) {
		/* one server's address failing is not the parent's failure while another has one */
		if (tag == S_ADDR)
			x->addr_cause = cause;
		else
			x->cause = cause;
	} else if (res->pkt) {
		if (tag == S_SOA)
			got_soa(x, res->pkt);
		else if (tag == S_NS)
			got_ns(x, res->pkt);
		else
			got_addr(x, res->pkt);
	}
	if (res->pkt)
		ldns_pkt_free(res->pkt);
	if (--x->pending == 0) {
		if (x->naddrs == 0 && x->cause < 0)
			x->cause = x->addr_cause;
		done(x);
	}
}

void
parents_get(struct parents *ps, const char *pname, parent_ready_fn ready, void *ctx)
{
	uint32_t h = hash(pname) % BUCKETS;
	struct entry *x;
	for (x = ps->b[h]; x; x = x->next)
		if (!strcmp(x->name, pname))
			break;
	struct waiter w = {ready, ctx};
	if (x && x->pending == 0) {
		call(x, &w);
		return;
	}
	if (!x) {
		if (ps->n >= MAX_KNOWN)
			prune(ps);
		x = xcalloc(1, sizeof *x);
		x->ps = ps;
		x->name = xstrdup(pname);
		x->cause = x->addr_cause = -1;
		x->next = ps->b[h];
		ps->b[h] = x;
		ps->n++;
		submit(x, pname, LDNS_RR_TYPE_SOA, S_SOA);
	}
	x->w = xgrow(x->w, &x->capw, x->nw + 1, sizeof *x->w);
	x->w[x->nw++] = w;
}
