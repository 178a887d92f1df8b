/* SPDX-License-Identifier: ISC */
/* The DNS client's event loop: queries queued, sent over UDP on pooled connected sockets (or a
 * fresh socket of their own), retried with backoff, moved to TCP on truncation, matched
 * strictly, timed out by a heap. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "dns.h"
#include "xalloc.h"

#define NO_HEAP	   ((size_t)-1)
#define REST_AFTER 5	  /* consecutive failures before a resolver is rested */
#define REST_MS	   2000.0 /* how long it rests */
/* epoll data: 0 = the watched descriptor, odd = a pooled socket (index << 1 | 1), else a dq */
#define WATCH_TAG 0u
#define AUX_TAG	  2u /* never a query's address (aligned) nor a pool's tag (odd) */
#define POOL_MAX  64 /* sockets per resolver */
#define POOL_USES                                                                                  \
	1024 /* queries a pooled socket sends before a fresh one (new port) replaces it            \
	      */
#define DIRECT_SLOTS 256 /* pooled sockets of direct queries, one per server address at a time */
#define DIRECT_PROBE 4	 /* slots a server address may take (by its hash) */
#define RECV_BATCH   32
#define RECV_SIZE    8192

enum qstate { Q_QUEUED, Q_UDP, Q_TCP_CONNECT, Q_TCP_WRITE, Q_TCP_READ };

/* header, the longest name, type and class, an OPT record without options */
#define QUERY_MAX (12 + LDNS_MAX_DOMAINLEN + 4 + 11)

struct dq {
	struct dq *next; /* in the send queue */
	uint8_t wire[QUERY_MAX];
	size_t wirelen;
	ldns_rdf *qname;
	uint16_t type;
	unsigned flags;
	struct dns_addr to;	/* DIRECT: the only destination */
	struct dns_addr server; /* the current attempt's */
	int resolver;		/* index, or -1 for direct */
	int fd;			/* its own socket (direct queries, TCP), or -1 */
	int sock;		/* pooled socket index, or -1 */
	enum qstate st;
	unsigned attempt;
	uint16_t id;
	double start, deadline;
	size_t heapi;
	dns_done_fn cb;
	void *ctx;
	uint32_t tag;
	unsigned malformed, malformed_at; /* unparsable answers: in all, before this attempt */
	struct dns_failure fails[DNS_MAX_ATTEMPTS];
	unsigned nfails;
	ldns_pkt *lastfail; /* the last SERVFAIL or REFUSED answer, the result if nothing better */
	bool refused;	    /* the last attempt failed at once (ICMP, send error) */
	bool fail_now;	    /* could not even be built: ends at the next pump */
	ldns_pkt *trunc;
	uint8_t *tbuf; /* TCP: length-prefixed query, then the answer */
	size_t tlen, toff;
	char detail[160];
};

struct resolver {
	struct dns_addr addr;
	unsigned fails; /* in a row */
	double rest_until;
	struct dns_resolver_stats st;
};

/* A connected UDP socket shared by many queries to one resolver, or to one name server's
 * address (direct queries; resolver -1), told apart by ID. */
struct usock {
	int fd;
	int resolver;
	unsigned uses, inflight;
	struct dns_addr to; /* direct: the server it is connected to */
};

struct dns_engine {
	int ep;
	struct resolver *res;
	size_t nres, next_res;
	unsigned inflight_max, inflight;
	double qps, tokens, last_fill;
	unsigned timeout_ms, retries;
	struct dq *qhead, *qtail;
	size_t queued, pending;
	struct dq **heap;
	size_t nheap, capheap;
	int watch_fd;
	bool aux_ready;
	struct dns_stats st;
	uint8_t rbuf[65536];
	struct usock *socks; /* nres * pool for the resolvers, then DIRECT_SLOTS */
	size_t pool, next_sock, rslots, nsocks;
	struct dq **idmap; /* open addressing on (sock, id) */
	size_t idmask;
	struct mmsghdr msgs[RECV_BATCH];
	struct iovec iovs[RECV_BATCH];
	uint8_t rbufs[RECV_BATCH][RECV_SIZE];
	struct dq *outq[RECV_BATCH]; /* pooled queries waiting for one sendmmsg */
	size_t nout;
	struct mmsghdr smsgs[RECV_BATCH];
	struct iovec siovs[RECV_BATCH];
	uint16_t rnd[2048]; /* random IDs, refilled from the kernel in bulk */
	size_t nrnd;
};

static uint16_t
random_id(struct dns_engine *e)
{
	if (e->nrnd == 0) {
		arc4random_buf(e->rnd, sizeof e->rnd);
		e->nrnd = sizeof e->rnd / sizeof *e->rnd;
	}
	return e->rnd[--e->nrnd];
}

/* ---- the ID map of pooled queries ---- */

static size_t
id_slot(const struct dns_engine *e, int sock, uint16_t id)
{
	uint32_t k = (uint32_t)sock * 65537u ^ id;
	k *= 2654435761u;
	return (size_t)(k >> 8) & e->idmask;
}

static struct dq *
id_find(const struct dns_engine *e, int sock, uint16_t id)
{
	for (size_t i = id_slot(e, sock, id);; i = (i + 1) & e->idmask) {
		struct dq *q = e->idmap[i];
		if (!q || (q->sock == sock && q->id == id))
			return q;
	}
}

static void
id_insert(struct dns_engine *e, struct dq *q)
{
	size_t i = id_slot(e, q->sock, q->id);
	while (e->idmap[i])
		i = (i + 1) & e->idmask;
	e->idmap[i] = q;
}

/* Linear-probing deletion: shift later entries of the run back. */
static void
id_remove(struct dns_engine *e, struct dq *q)
{
	size_t i = id_slot(e, q->sock, q->id);
	while (e->idmap[i] != q)
		i = (i + 1) & e->idmask;
	e->idmap[i] = NULL;
	for (size_t j = (i + 1) & e->idmask; e->idmap[j]; j = (j + 1) & e->idmask) {
		struct dq *m = e->idmap[j];
		size_t h = id_slot(e, m->sock, m->id);
		/* move m into the hole if its home is not in (i, j] */
		if ((j > i && (h <= i || h > j)) || (j < i && (h <= i && h > j))) {
			e->idmap[i] = m;
			e->idmap[j] = NULL;
			i = j;
		}
	}
}

const char *
dns_err_str(enum dns_err e)
{
	switch (e) {
	case DNS_OK:
		return "ok";
	case DNS_ETIMEOUT:
		return "timeout";
	case DNS_EMALFORMED:
		return "malformed";
	case DNS_ENETWORK:
		return "network";
	case DNS_ESKIPPED:
		return "skipped";
	}
	return "?";
}

const char *
dns_cause_str(enum dns_cause c)
{
	static const char *const names[DNS_C_COUNT] = {"servfail", "refused", "timeout",
						       "malformed", "network"};
	return c < DNS_C_COUNT ? names[c] : "?";
}

double
dns_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* ---- the timer heap (earliest deadline on top) ---- */

static void
heap_swap(struct dns_engine *e, size_t i, size_t j)
{
	struct dq *t = e->heap[i];
	e->heap[i] = e->heap[j];
	e->heap[j] = t;
	e->heap[i]->heapi = i;
	e->heap[j]->heapi = j;
}

static void
heap_up(struct dns_engine *e, size_t i)
{
	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (e->heap[p]->deadline <= e->heap[i]->deadline)
			break;
		heap_swap(e, i, p);
		i = p;
	}
}

static void
heap_down(struct dns_engine *e, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < e->nheap && e->heap[l]->deadline < e->heap[m]->deadline)
			m = l;
		if (r < e->nheap && e->heap[r]->deadline < e->heap[m]->deadline)
			m = r;
		if (m == i)
			break;
		heap_swap(e, i, m);
		i = m;
	}
}

static void
heap_remove(struct dns_engine *e, struct dq *q)
{
	size_t i = q->heapi;
	if (i == NO_HEAP)
		return;
	q->heapi = NO_HEAP;
	e->nheap--;
	if (i == e->nheap)
		return;
	e->heap[i] = e->heap[e->nheap];
	e->heap[i]->heapi = i;
	heap_up(e, i);
	heap_down(e, e->heap[i]->heapi);
}

static void
heap_set(struct dns_engine *e, struct dq *q, double deadline)
{
	heap_remove(e, q);
	q->deadline = deadline;
	e->heap = xgrow(e->heap, &e->capheap, e->nheap + 1, sizeof *e->heap);
	q->heapi = e->nheap;
	e->heap[e->nheap++] = q;
	heap_up(e, q->heapi);
}

/* ---- engine ---- */

struct dns_engine *
dns_engine_new(const struct dns_options *o)
{
	struct dns_engine *e = xcalloc(1, sizeof *e);
	e->ep = epoll_create1(EPOLL_CLOEXEC);
	if (e->ep < 0) {
		free(e);
		return NULL;
	}
	e->nres = o->nresolvers;
	e->res = xcalloc(e->nres ? e->nres : 1, sizeof *e->res);
	for (size_t i = 0; i < e->nres; i++)
		e->res[i].addr = o->resolvers[i];
	e->inflight_max = o->inflight ? o->inflight : 1;
	e->qps = o->qps;
	e->tokens = 1;
	e->last_fill = dns_now_ms();
	e->timeout_ms = o->timeout_ms ? o->timeout_ms : 1;
	e->retries = o->retries;
	e->watch_fd = -1;
	e->pool = e->inflight_max / 16;
	if (e->pool < 2)
		e->pool = 2;
	if (e->pool > POOL_MAX)
		e->pool = POOL_MAX;
	e->rslots = (e->nres ? e->nres : 1) * e->pool;
	e->nsocks = e->rslots + DIRECT_SLOTS;
	e->socks = xcalloc(e->nsocks, sizeof *e->socks);
	for (size_t i = 0; i < e->nsocks; i++) {
		e->socks[i].fd = -1;
		e->socks[i].resolver = i < e->rslots ? (int)(i / e->pool) : -1;
	}
	size_t m = 64;
	while (m < 4 * (size_t)e->inflight_max)
		m *= 2;
	e->idmap = xcalloc(m, sizeof *e->idmap);
	e->idmask = m - 1;
	for (size_t i = 0; i < RECV_BATCH; i++) {
		e->iovs[i].iov_base = e->rbufs[i];
		e->iovs[i].iov_len = RECV_SIZE;
		e->msgs[i].msg_hdr.msg_iov = &e->iovs[i];
		e->msgs[i].msg_hdr.msg_iovlen = 1;
	}
	return e;
}

static void
dq_free(struct dq *q)
{
	free(q->tbuf);
	ldns_rdf_deep_free(q->qname);
	if (q->trunc)
		ldns_pkt_free(q->trunc);
	if (q->lastfail)
		ldns_pkt_free(q->lastfail);
	free(q);
}

void
dns_engine_free(struct dns_engine *e)
{
	if (!e)
		return;
	while (e->qhead) {
		struct dq *q = e->qhead;
		e->qhead = q->next;
		dq_free(q);
	}
	for (size_t i = 0; i < e->nheap; i++) {
		if (e->heap[i]->fd >= 0)
			close(e->heap[i]->fd);
		dq_free(e->heap[i]);
	}
	free(e->heap);
	for (size_t i = 0; i < e->nsocks; i++)
		if (e->socks[i].fd >= 0)
			close(e->socks[i].fd);
	free(e->socks);
	free(e->idmap);
	free(e->res);
	close(e->ep);
	free(e);
}

bool
dns_engine_watch(struct dns_engine *e, int fd)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = WATCH_TAG};
	if (epoll_ctl(e->ep, EPOLL_CTL_ADD, fd, &ev) < 0)
		return false;
	e->watch_fd = fd;
	return true;
}

bool
dns_engine_watch_aux(struct dns_engine *e, int fd)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = AUX_TAG};
	return epoll_ctl(e->ep, EPOLL_CTL_ADD, fd, &ev) == 0;
}

bool
dns_engine_aux_ready(struct dns_engine *e)
{
	bool r = e->aux_ready;
	e->aux_ready = false;
	return r;
}

size_t
dns_engine_pending(const struct dns_engine *e)
{
	return e->pending;
}

size_t
dns_engine_queued(const struct dns_engine *e)
{
	return e->queued;
}

const struct dns_stats *
dns_engine_stats(const struct dns_engine *e)
{
	return &e->st;
}

const struct dns_resolver_stats *
dns_engine_resolver_stats(const struct dns_engine *e, size_t i)
{
	return &e->res[i].st;
}

/* An attempt of q failed: note it for the result and against its resolver's health. */
static void
attempt_failed(struct dns_engine *e, struct dq *q, enum dns_cause c)
{
	/* a query to a given address keeps only its end: its attempts are that server's facts,
	 * whose timing (an ICMP error now, a timeout another time) says nothing more */
	if (q->resolver < 0)
		return;
	if (q->nfails < DNS_MAX_ATTEMPTS)
		q->fails[q->nfails++] = (struct dns_failure){.resolver = q->resolver, .cause = c};
	struct resolver *r = &e->res[q->resolver];
	r->st.failed[c]++;
	if (++r->fails >= REST_AFTER) {
		r->rest_until = dns_now_ms() + REST_MS;
		r->fails = 0;
		r->st.rested++;
	}
}

static void
pool_release(struct dns_engine *e, struct dq *q)
{
	if (q->sock < 0)
		return;
	struct usock *u = &e->socks[q->sock];
	id_remove(e, q);
	q->sock = -1;
	/* a worn-out socket goes when its last query is done; the next user opens a fresh one */
	if (--u->inflight == 0 && u->uses >= POOL_USES && u->fd >= 0) {
		close(u->fd);
		u->fd = -1;
	}
}

static void
close_fd_engine(struct dns_engine *e, struct dq *q)
{
	if (q->fd >= 0) {
		close(q->fd); /* also leaves the epoll set */
		q->fd = -1;
	}
	pool_release(e, q);
}
#define close_fd(q) close_fd_engine(e, q)

/* Hand the result over and forget the query. */
static void
finish(struct dns_engine *e, struct dq *q, enum dns_err err, ldns_pkt *pkt, bool tcp)
{
	heap_remove(e, q);
	close_fd(q);
	if (q->st != Q_QUEUED)
		e->inflight--;
	e->pending--;
	struct dns_result res = {.err = err,
				 .pkt = pkt,
				 .server = q->server,
				 .tcp = tcp,
				 .ms = dns_now_ms() - q->start,
				 .failures = q->fails,
				 .nfailures = q->nfails};
	if (pkt && pkt == q->trunc)
		q->trunc = NULL;
	res.tc = q->trunc != NULL || (pkt && !tcp && ldns_pkt_tc(pkt));
	if (q->detail[0])
		res.detail = q->detail;
	switch (err) {
	case DNS_OK:
		e->st.answers++;
		e->st.rcodes[ldns_pkt_get_rcode(pkt) & 15]++;
		break;
	case DNS_ETIMEOUT:
		e->st.timeouts++;
		break;
	case DNS_EMALFORMED:
		e->st.timeouts++;
		break;
	case DNS_ENETWORK:
		e->st.network++;
		break;
	case DNS_ESKIPPED:
		break;
	}
	q->cb(q->ctx, q->tag, &res);
	dq_free(q);
}

/* The query's wire form, as ldns_pkt_query_new and ldns_pkt2wire would make it, from ldns' name
 * in wire form: ID (set at each send), RD for the resolvers, one question, and an EDNS0 OPT
 * record with a 1232-byte buffer and the DO bit when asked. */
static bool
build_query(struct dq *q)
{
	size_t nl = ldns_rdf_size(q->qname);
	if (nl == 0 || nl > LDNS_MAX_DOMAINLEN)
		return false;
	uint8_t *w = q->wire;
	memset(w, 0, 12);
	if (!(q->flags & DNS_Q_DIRECT)) {
		w[2] = 0x01; /* RD */
		w[3] = 0x20; /* AD: the resolver's verdict in every answer (RFC 6840 5.7) */
	}
	if (q->flags & DNS_Q_CD)
		w[3] |= 0x10;
	ldns_write_uint16(w + 4, 1);  /* QDCOUNT */
	ldns_write_uint16(w + 10, 1); /* ARCOUNT: the OPT record */
	memcpy(w + 12, ldns_rdf_data(q->qname), nl);
	uint8_t *p = w + 12 + nl;
	ldns_write_uint16(p, q->type);
	ldns_write_uint16(p + 2, LDNS_RR_CLASS_IN);
	p += 4;
	p[0] = 0; /* root owner */
	ldns_write_uint16(p + 1, LDNS_RR_TYPE_OPT);
	ldns_write_uint16(p + 3, 1232); /* UDP payload size */
	/* extended RCODE 0, version 0, then the flags: DO is the top bit */
	ldns_write_uint32(p + 5, (q->flags & DNS_Q_DO) ? 0x8000u : 0);
	ldns_write_uint16(p + 9, 0); /* no options */
	q->wirelen = (size_t)(p + 11 - w);
	return true;
}

void
dns_submit(struct dns_engine *e, const char *name, uint16_t type, unsigned flags,
	   const struct dns_addr *to, dns_done_fn cb, void *ctx, uint32_t tag)
{
	struct dq *q = xcalloc(1, sizeof *q);
	q->type = type;
	q->flags = flags;
	q->fd = -1;
	q->sock = -1;
	q->heapi = NO_HEAP;
	q->cb = cb;
	q->ctx = ctx;
	q->tag = tag;
	q->resolver = -1;
	if (to)
		q->to = q->server = *to;
	else if (e->nres)
		q->server = e->res[0].addr;
	e->st.submitted++;
	e->pending++;
	/* ldns_dname_new_frm_str takes a trailing dot as "absolute"; names come without one */
	size_t n = strlen(name);
	char abs[LDNS_MAX_DOMAINLEN * 4 + 2];
	if (n + 2 <= sizeof abs) {
		memcpy(abs, name, n);
		abs[n] = '.';
		abs[n + 1] = '\0';
		q->qname = n ? ldns_dname_new_frm_str(abs) : ldns_dname_new_frm_str(".");
	}
	if (!q->qname || !build_query(q)) {
		snprintf(q->detail, sizeof q->detail, "cannot build a query for this name");
		q->fail_now = true;
	}
	if (!to && e->nres == 0) {
		snprintf(q->detail, sizeof q->detail, "no resolver");
		q->fail_now = true;
	}
	q->st = Q_QUEUED;
	if (e->qtail)
		e->qtail->next = q;
	else
		e->qhead = q;
	e->qtail = q;
	e->queued++;
}

/* The next resolver in turn that is not resting, other than avoid (the one whose answer just
 * failed) when there is a choice. */
static int
pick_resolver(struct dns_engine *e, int avoid)
{
	double now = dns_now_ms();
	for (size_t k = 0; k < e->nres; k++) {
		size_t i = (e->next_res + k) % e->nres;
		if ((int)i != avoid && e->res[i].rest_until <= now) {
			e->next_res = i + 1;
			return (int)i;
		}
	}
	if (avoid >= 0 && e->res[avoid].rest_until <= now)
		return avoid;
	/* all resting: use them anyway, in turn */
	size_t i = e->next_res++ % e->nres;
	return (int)i;
}

/* This attempt's share of the whole timeout: each retry waits twice as long as the one before. */
static double
attempt_timeout(struct dns_engine *e, unsigned attempt)
{
	double parts = (double)((1u << (e->retries + 1)) - 1);
	double t = (double)e->timeout_ms * (double)(1u << attempt) / parts;
	/* retries of a burst lost together must not go out together again: up to 10 % earlier */
	if (attempt < e->retries)
		t *= 0.9 + 0.1 * (double)random_id(e) / 65535.0;
	return t;
}

static bool
watch(struct dns_engine *e, struct dq *q, uint32_t events, int op)
{
	struct epoll_event ev = {.events = events, .data.ptr = q};
	return epoll_ctl(e->ep, op, q->fd, &ev) == 0;
}

static void next_attempt(struct dns_engine *e, struct dq *q);
static void pump(struct dns_engine *e);
static bool got_answer(struct dns_engine *e, struct dq *q, const uint8_t *buf, size_t n, bool tcp);

/* Open pooled socket i (connected to its resolver, or to its direct server). */
static bool
pool_open(struct dns_engine *e, size_t i)
{
	struct usock *u = &e->socks[i];
	const struct dns_addr *a = u->resolver >= 0 ? &e->res[u->resolver].addr : &u->to;
	u->fd = socket(a->ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (u->fd < 0)
		return false;
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = (uint64_t)i << 1 | 1};
	if (connect(u->fd, (const struct sockaddr *)&a->ss, a->len) < 0 ||
	    epoll_ctl(e->ep, EPOLL_CTL_ADD, u->fd, &ev) < 0) {
		close(u->fd);
		u->fd = -1;
		return false;
	}
	u->uses = 0;
	u->inflight = 0;
	return true;
}

/* Put the queued pooled queries on the wire, one sendmmsg per run on the same socket. A query
 * whose send fails waits for its timer (which retries it), so nothing here re-enters. */
static void
flush_sends(struct dns_engine *e)
{
	size_t i = 0;
	while (i < e->nout) {
		int sock = e->outq[i]->sock;
		size_t n = 0;
		while (i + n < e->nout && e->outq[i + n]->sock == sock) {
			struct dq *q = e->outq[i + n];
			e->siovs[n] = (struct iovec){.iov_base = q->wire, .iov_len = q->wirelen};
			memset(&e->smsgs[n], 0, sizeof e->smsgs[n]);
			e->smsgs[n].msg_hdr.msg_iov = &e->siovs[n];
			e->smsgs[n].msg_hdr.msg_iovlen = 1;
			n++;
		}
		for (size_t k = 0; k < n;) {
			int r = sendmmsg(e->socks[sock].fd, e->smsgs + k, (unsigned)(n - k), 0);
			if (r > 0) {
				e->st.sent += (unsigned)r;
				k += (size_t)r;
				continue;
			}
			struct dq *q = e->outq[i + k];
			snprintf(q->detail, sizeof q->detail, "cannot send: %s", strerror(errno));
			q->refused = true;
			k++;
		}
		i += n;
	}
	e->nout = 0;
}

static bool
same_addr(const struct dns_addr *a, const struct dns_addr *b)
{
	return a->len == b->len && !memcmp(&a->ss, &b->ss, a->len);
}

/* The pooled socket for a direct query: the one connected to its server, else a free or idle
 * slot among the few its address hashes to; -1 when all are busy with other servers. */
static ssize_t
direct_slot(struct dns_engine *e, const struct dns_addr *to)
{
	uint32_t h = 2166136261u;
	const uint8_t *p = (const uint8_t *)&to->ss;
	for (socklen_t k = 0; k < to->len; k++)
		h = (h ^ p[k]) * 16777619u;
	ssize_t spare = -1;
	for (size_t k = 0; k < DIRECT_PROBE; k++) {
		size_t i = e->rslots + (h + k) % DIRECT_SLOTS;
		struct usock *u = &e->socks[i];
		if (u->fd >= 0 && same_addr(&u->to, to)) {
			if (u->uses < POOL_USES)
				return (ssize_t)i;
			continue; /* worn out: waits for its last answers */
		}
		if (spare < 0 && u->inflight == 0)
			spare = (ssize_t)i;
	}
	if (spare < 0)
		return -1;
	struct usock *u = &e->socks[spare];
	if (u->fd >= 0) { /* idle, connected to another server */
		close(u->fd);
		u->fd = -1;
	}
	u->to = *to;
	return pool_open(e, (size_t)spare) ? spare : -1;
}

/* Send q on a pooled socket: one of its resolver's, or its server's for a direct query; false
 * to fall back to a socket of its own. */
static bool
send_pooled(struct dns_engine *e, struct dq *q)
{
	size_t base = (size_t)q->resolver * e->pool, n = e->pool;
	ssize_t direct = -1;
	if (q->flags & (DNS_Q_DIRECT | DNS_Q_PINNED)) {
		if ((direct = direct_slot(e, &q->server)) < 0)
			return false;
		n = 1;
	}
	for (size_t k = 0; k < n; k++) {
		size_t i = direct >= 0 ? (size_t)direct : base + (e->next_sock + k) % e->pool;
		struct usock *u = &e->socks[i];
		if (u->fd >= 0 && u->uses >= POOL_USES)
			continue; /* worn out: waits for its last answers */
		if (u->fd < 0 && (u->inflight > 0 || !pool_open(e, i)))
			continue;
		q->sock = (int)i;
		while (id_find(e, q->sock, q->id)) /* IDs are unique per socket */
			q->id = random_id(e);
		q->wire[0] = (uint8_t)(q->id >> 8);
		q->wire[1] = (uint8_t)(q->id & 0xff);
		id_insert(e, q);
		u->inflight++;
		/* runs of queries on one socket, then the next */
		if (++u->uses % 16 == 0)
			e->next_sock++;
		e->outq[e->nout++] = q;
		if (e->nout == RECV_BATCH)
			flush_sends(e);
		return true;
	}
	return false;
}

/* Every query in flight on pooled socket i failed with err: on to their next attempt. */
static void
refuse_all(struct dns_engine *e, size_t i, int err)
{
	flush_sends(e); /* nothing of socket i may still wait in outq while its queries move on */
	size_t n = 0;
	struct dq **v = xmalloc((e->socks[i].inflight + 1) * sizeof *v);
	for (size_t k = 0; k <= e->idmask && n < e->socks[i].inflight; k++)
		if (e->idmap[k] && e->idmap[k]->sock == (int)i)
			v[n++] = e->idmap[k];
	for (size_t k = 0; k < n; k++) {
		snprintf(v[k]->detail, sizeof v[k]->detail, "%s", strerror(err));
		v[k]->refused = true;
		next_attempt(e, v[k]);
	}
	free(v);
}

/* Answers on a pooled socket: matched to their query by ID, then by question. */
static void
on_pool(struct dns_engine *e, size_t i)
{
	for (;;) {
		struct usock *u = &e->socks[i];
		if (u->fd < 0)
			return;
		int n = recvmmsg(u->fd, e->msgs, RECV_BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0) {
			if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
				/* ECONNREFUSED and the like: the error is consumed. A name server's
				 * socket has one destination: its queries fail at once, as each
				 * would on a socket of its own. */
				if (u->resolver < 0)
					refuse_all(e, i, errno);
				continue;
			}
			return;
		}
		for (int k = 0; k < n; k++) {
			size_t len = e->msgs[k].msg_len;
			const uint8_t *b = e->rbufs[k];
			if (len < 12) {
				e->st.malformed++;
				continue;
			}
			struct dq *q = id_find(e, (int)i, (uint16_t)(b[0] << 8 | b[1]));
			if (!q) {
				e->st.mismatched++; /* unknown ID, or a late answer */
				continue;
			}
			if (e->msgs[k].msg_hdr.msg_flags & MSG_TRUNC) {
				/* larger than RECV_SIZE: cannot be read, so it counts against the
				 * query as an unparsable answer (not a silent timeout) */
				q->malformed++;
				e->st.malformed++;
				snprintf(q->detail, sizeof q->detail,
					 "UDP answer larger than %d bytes", RECV_SIZE);
				continue;
			}
			got_answer(e, q, b, len, false);
		}
		/* refill the freed places now: the server works on them while the rest of this
		 * round's answers are read (sending only at the end of the round leaves the two
		 * sides waiting for each other in turn) */
		pump(e);
		if (n < RECV_BATCH)
			return;
	}
}

/* Send one UDP attempt from a fresh socket (the kernel picks a random source port, and the
 * connected socket only accepts datagrams from the server's address and port). */
static void
send_udp(struct dns_engine *e, struct dq *q)
{
	if (!(q->flags & (DNS_Q_DIRECT | DNS_Q_PINNED))) {
		q->resolver = pick_resolver(e, q->resolver);
		q->server = e->res[q->resolver].addr;
		e->res[q->resolver].st.sent++;
	}
	q->malformed_at = q->malformed;
	q->id = random_id(e);
	q->wire[0] = (uint8_t)(q->id >> 8);
	q->wire[1] = (uint8_t)(q->id & 0xff);
	q->st = Q_UDP;
	q->refused = false;
	heap_set(e, q, dns_now_ms() + attempt_timeout(e, q->attempt));
	if (send_pooled(e, q))
		return;
	q->fd = socket(q->server.ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (q->fd < 0 || connect(q->fd, (struct sockaddr *)&q->server.ss, q->server.len) < 0 ||
	    !watch(e, q, EPOLLIN, EPOLL_CTL_ADD) || send(q->fd, q->wire, q->wirelen, 0) < 0) {
		snprintf(q->detail, sizeof q->detail, "cannot send: %s", strerror(errno));
		close_fd(q);
		q->refused = true;
		/* wait out the attempt's time rather than spin when sockets run out */
		if (errno != EMFILE && errno != ENFILE && errno != ENOBUFS)
			next_attempt(e, q);
		return;
	}
	e->st.sent++;
}

/* The current attempt failed or timed out: retry, or end the query. */
static void
next_attempt(struct dns_engine *e, struct dq *q)
{
	close_fd(q);
	attempt_failed(e, q,
		       q->st != Q_UDP || q->refused	? DNS_C_NETWORK
		       : q->malformed > q->malformed_at ? DNS_C_MALFORMED
							: DNS_C_TIMEOUT);
	if (q->attempt < e->retries && q->st == Q_UDP) {
		q->attempt++;
		send_udp(e, q);
		return;
	}
	if (q->trunc) { /* TCP failed: the truncated answer is better than nothing */
		finish(e, q, DNS_OK, q->trunc, false);
		return;
	}
	if (q->lastfail) { /* a failing answer says more than the timeout after it */
		ldns_pkt *p = q->lastfail;
		q->lastfail = NULL;
		finish(e, q, DNS_OK, p, false);
		return;
	}
	if (q->malformed)
		finish(e, q, DNS_EMALFORMED, NULL, false);
	else if (q->refused)
		finish(e, q, DNS_ENETWORK, NULL, false);
	else
		finish(e, q, DNS_ETIMEOUT, NULL, false);
}

/* Does this packet answer q? Source address and port are the kernel's job (connected socket). */
static bool
matches(const struct dq *q, const ldns_pkt *p)
{
	if (!ldns_pkt_qr(p) || ldns_pkt_id(p) != q->id)
		return false;
	if (ldns_pkt_qdcount(p) == 0) {
		/* a refusal or failure need not repeat the question (Unbound's access-control
		 * refuse sends a bare header): from the right address, port and ID it is that
		 * server's answer, and it carries no data a spoofer could plant */
		ldns_pkt_rcode rc = ldns_pkt_get_rcode(p);
		return (rc == LDNS_RCODE_SERVFAIL || rc == LDNS_RCODE_REFUSED ||
			rc == LDNS_RCODE_FORMERR || rc == LDNS_RCODE_NOTIMPL) &&
		       ldns_pkt_ancount(p) == 0 && ldns_pkt_nscount(p) == 0;
	}
	if (ldns_pkt_qdcount(p) != 1)
		return false;
	const ldns_rr *qr = ldns_rr_list_rr(ldns_pkt_question(p), 0);
	return qr && ldns_rr_get_type(qr) == q->type && ldns_rr_get_class(qr) == LDNS_RR_CLASS_IN &&
	       ldns_dname_compare(ldns_rr_owner(qr), q->qname) == 0;
}

static void
start_tcp(struct dns_engine *e, struct dq *q)
{
	close_fd(q);
	e->st.tcp++;
	q->st = Q_TCP_CONNECT;
	q->id = random_id(e);
	free(q->tbuf);
	q->tbuf = xmalloc(q->wirelen + 2);
	q->tbuf[0] = (uint8_t)(q->wirelen >> 8);
	q->tbuf[1] = (uint8_t)(q->wirelen & 0xff);
	memcpy(q->tbuf + 2, q->wire, q->wirelen);
	q->tbuf[2] = (uint8_t)(q->id >> 8);
	q->tbuf[3] = (uint8_t)(q->id & 0xff);
	q->tlen = q->wirelen + 2;
	q->toff = 0;
	heap_set(e, q, dns_now_ms() + e->timeout_ms);
	q->fd = socket(q->server.ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (q->fd < 0 ||
	    (connect(q->fd, (struct sockaddr *)&q->server.ss, q->server.len) < 0 &&
	     errno != EINPROGRESS) ||
	    !watch(e, q, EPOLLOUT, EPOLL_CTL_ADD)) {
		snprintf(q->detail, sizeof q->detail, "TCP fallback failed: %s", strerror(errno));
		q->st = Q_TCP_READ;
		next_attempt(e, q);
	}
}

/* How many TSIG records ldns_wire2pkt would take from the message: its own walk, record by
 * record with ldns_wire2rr, including its quirk of counting a TSIG out of the additional
 * section's length. */
static unsigned
tsig_records(const uint8_t *w, size_t n)
{
	static const ldns_pkt_section sections[] = {LDNS_SECTION_QUESTION, LDNS_SECTION_ANSWER,
						    LDNS_SECTION_AUTHORITY,
						    LDNS_SECTION_ADDITIONAL};
	unsigned tsig = 0;
	size_t pos = LDNS_HEADER_SIZE;
	for (size_t s = 0; s < 4; s++) {
		unsigned count = (unsigned)(w[4 + 2 * s] << 8 | w[5 + 2 * s]);
		for (unsigned i = 0; i < count; i++) {
			ldns_rr *rr = NULL;
			if (ldns_wire2rr(&rr, w, n, &pos, sections[s]) != LDNS_STATUS_OK)
				return tsig;
			if (sections[s] == LDNS_SECTION_ADDITIONAL &&
			    ldns_rr_get_type(rr) == LDNS_RR_TYPE_TSIG) {
				tsig++;
				count--;
			}
			ldns_rr_free(rr);
		}
	}
	return tsig;
}

/* Only a message holding the bytes of the TSIG type can hold a TSIG record: the exact walk,
 * which parses the message a second time, is for those few. */
ldns_status
dns_wire2pkt(ldns_pkt **p, const uint8_t *wire, size_t n)
{
	*p = NULL;
	if (n >= LDNS_HEADER_SIZE && memmem(wire, n, "\0\xfa", 2) && tsig_records(wire, n) > 1)
		return LDNS_STATUS_WIRE_RDATA_ERR;
	ldns_status st = ldns_wire2pkt(p, wire, n);
	if (st == LDNS_STATUS_OK && !*p)
		st = LDNS_STATUS_MEM_ERR;
	return st;
}

/* A message arrived over UDP or TCP. True when it was taken (q is then finished or moved on and
 * must not be touched); false when it was dropped. */
static bool
got_answer(struct dns_engine *e, struct dq *q, const uint8_t *buf, size_t n, bool tcp)
{
	if (n < 12) {
		q->malformed++;
		e->st.malformed++;
		return false;
	}
	uint16_t id = (uint16_t)(buf[0] << 8 | buf[1]);
	if (id != q->id) {
		e->st.mismatched++;
		return false;
	}
	ldns_pkt *p = NULL;
	if (dns_wire2pkt(&p, buf, n) != LDNS_STATUS_OK) {
		q->malformed++;
		e->st.malformed++;
		return false;
	}
	if (!matches(q, p)) {
		ldns_pkt_free(p);
		e->st.mismatched++;
		return false;
	}
	if (!tcp && ldns_pkt_tc(p)) {
		e->st.truncated++;
		if (q->trunc)
			ldns_pkt_free(q->trunc);
		q->trunc = p;
		start_tcp(e, q);
		return true;
	}
	ldns_pkt_rcode rc = ldns_pkt_get_rcode(p);
	if (q->resolver >= 0) {
		if (rc == LDNS_RCODE_SERVFAIL || rc == LDNS_RCODE_REFUSED) {
			attempt_failed(e, q,
				       rc == LDNS_RCODE_SERVFAIL ? DNS_C_SERVFAIL : DNS_C_REFUSED);
			if (q->attempt < e->retries) { /* on to the next resolver at once */
				e->st.retried++;
				if (q->lastfail)
					ldns_pkt_free(q->lastfail);
				q->lastfail = p;
				close_fd(q);
				q->attempt++;
				send_udp(e, q);
				return true;
			}
		} else {
			e->res[q->resolver].fails = 0;
			e->res[q->resolver].st.answers++;
		}
	}
	q->detail[0] = '\0';
	finish(e, q, DNS_OK, p, tcp);
	return true;
}

static void
on_udp(struct dns_engine *e, struct dq *q)
{
	for (;;) {
		ssize_t n = recv(q->fd, e->rbuf, sizeof e->rbuf, 0);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				return;
			snprintf(q->detail, sizeof q->detail, "%s", strerror(errno));
			q->refused = true;
			next_attempt(e, q);
			return;
		}
		if (got_answer(e, q, e->rbuf, (size_t)n, false))
			return; /* finished, or moved to TCP */
	}
}

static void
tcp_fail(struct dns_engine *e, struct dq *q, const char *why)
{
	snprintf(q->detail, sizeof q->detail, "TCP fallback failed: %s", why);
	next_attempt(e, q);
}

static void
on_tcp(struct dns_engine *e, struct dq *q, uint32_t events)
{
	if (q->st == Q_TCP_CONNECT) {
		int err = 0;
		socklen_t len = sizeof err;
		getsockopt(q->fd, SOL_SOCKET, SO_ERROR, &err, &len);
		if (err) {
			tcp_fail(e, q, strerror(err));
			return;
		}
		q->st = Q_TCP_WRITE;
	}
	if (q->st == Q_TCP_WRITE) {
		ssize_t n = send(q->fd, q->tbuf + q->toff, q->tlen - q->toff, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				tcp_fail(e, q, strerror(errno));
			return;
		}
		q->toff += (size_t)n;
		if (q->toff < q->tlen)
			return;
		q->st = Q_TCP_READ;
		q->tlen = 2; /* first the length */
		q->toff = 0;
		q->tbuf = xrealloc(q->tbuf, 65537);
		if (!watch(e, q, EPOLLIN, EPOLL_CTL_MOD))
			tcp_fail(e, q, strerror(errno));
		return;
	}
	(void)events;
	for (;;) {
		ssize_t n = recv(q->fd, q->tbuf + q->toff, q->tlen - q->toff, 0);
		if (n < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				tcp_fail(e, q, strerror(errno));
			return;
		}
		if (n == 0) {
			tcp_fail(e, q, "connection closed");
			return;
		}
		q->toff += (size_t)n;
		if (q->toff < q->tlen)
			continue;
		if (q->tlen == 2) {
			size_t len = (size_t)(q->tbuf[0] << 8 | q->tbuf[1]);
			if (len == 0) {
				tcp_fail(e, q, "empty message");
				return;
			}
			q->tlen = 2 + len;
			continue;
		}
		/* the whole message: it answers or it does not; TCP gets one message */
		if (!got_answer(e, q, q->tbuf + 2, q->tlen - 2, true))
			tcp_fail(e, q, "no matching answer");
		return;
	}
}

/* Put queued queries on the wire while the in-flight limit and the rate cap allow. */
static void
pump(struct dns_engine *e)
{
	if (e->qps > 0) {
		double now = dns_now_ms();
		e->tokens += (now - e->last_fill) * e->qps / 1000.0;
		double burst = e->qps / 20.0 > 1 ? e->qps / 20.0 : 1;
		if (e->tokens > burst)
			e->tokens = burst;
		e->last_fill = now;
	}
	while (e->qhead && e->inflight < e->inflight_max) {
		if (e->qps > 0 && !e->qhead->fail_now) {
			if (e->tokens < 1)
				break;
			e->tokens -= 1;
		}
		struct dq *q = e->qhead;
		e->qhead = q->next;
		if (!e->qhead)
			e->qtail = NULL;
		q->next = NULL;
		e->queued--;
		if (q->fail_now) {
			q->start = dns_now_ms();
			finish(e, q, DNS_ENETWORK, NULL, false);
			continue;
		}
		e->inflight++;
		q->start = dns_now_ms();
		send_udp(e, q);
	}
	flush_sends(e);
}

bool
dns_engine_run(struct dns_engine *e, int timeout_ms)
{
	pump(e);
	double now = dns_now_ms();
	int wait = timeout_ms;
	if (e->nheap) {
		double d = e->heap[0]->deadline - now;
		int w = d <= 0 ? 0 : (int)d + 1;
		if (wait < 0 || w < wait)
			wait = w;
	}
	if (e->qhead && e->qps > 0 && e->inflight < e->inflight_max) {
		int w = (int)(1000.0 / e->qps) + 1;
		if (wait < 0 || w < wait)
			wait = w;
	}
	struct epoll_event evs[256];
	int n = epoll_wait(e->ep, evs, 256, wait);
	bool ready = false;
	for (int i = 0; i < n; i++) {
		if (evs[i].data.u64 == WATCH_TAG) {
			ready = true;
			continue;
		}
		if (evs[i].data.u64 == AUX_TAG) {
			e->aux_ready = true;
			continue;
		}
		if (evs[i].data.u64 & 1) {
			on_pool(e, (size_t)(evs[i].data.u64 >> 1));
			continue;
		}
		struct dq *q = evs[i].data.ptr;
		if (q->st == Q_UDP)
			on_udp(e, q);
		else
			on_tcp(e, q, evs[i].events);
	}
	now = dns_now_ms();
	while (e->nheap && e->heap[0]->deadline <= now) {
		struct dq *q = e->heap[0];
		heap_remove(e, q);
		if (q->st != Q_UDP)
			snprintf(q->detail, sizeof q->detail, "TCP fallback timed out");
		next_attempt(e, q);
	}
	pump(e);
	return ready;
}
