/* SPDX-License-Identifier: ISC */
/* An asynchronous DNS client for bulk scans: one epoll loop; resolver queries share a pool of
 * connected UDP sockets per resolver (random source ports, renewed every 1024 queries, sends
 * batched with sendmmsg, answers read with recvmmsg), direct queries share a connected socket
 * per name server address (a fresh one of their own when all 256 slots are busy); random
 * IDs, EDNS0 with a 1232-byte buffer, TCP when an answer is truncated, retries with backoff
 * (and on the next resolver after a failing answer), a global in-flight limit and a rate cap.
 * ldns builds and parses every packet; an answer counts only if its source (the connected
 * socket), ID and question match (a failure rcode may come without the question).
 * Library code: it never prints and never exits. */
#ifndef DNS_H
#define DNS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <ldns/ldns.h>

#include "buf.h"

/* One server address with its port. */
struct dns_addr {
	struct sockaddr_storage ss;
	socklen_t len;
};

/* Parse "ADDR", "ADDR:PORT", "[V6]:PORT" or a bare IPv6 address; port defaults to defport.
 * Returns 0 or -1. */
int dns_addr_parse(const char *s, uint16_t defport, struct dns_addr *a);
/* "127.0.0.1:53" or "[::1]:53" into out (at least 64 bytes). */
void dns_addr_str(const struct dns_addr *a, char *out, size_t n);
/* The address alone ("127.0.0.1", "::1"). */
void dns_addr_ip(const struct dns_addr *a, char *out, size_t n);
/* The same address with another port. */
void dns_addr_set_port(struct dns_addr *a, uint16_t port);
/* A bare address in text form (no port). */
int dns_addr_from_ip(const char *ip, uint16_t port, struct dns_addr *a);

/* Address ranges, for the allow-list of direct queries. */
struct dns_cidr {
	int family;
	uint8_t addr[16];
	int bits;
};
/* Parse "127.0.0.0/8", "::1/128" or a bare address. Returns 0 or -1. */
int dns_cidr_parse(const char *s, struct dns_cidr *c);
bool dns_cidr_match(const struct dns_cidr *c, size_t n, const struct dns_addr *a);

/* The nameserver lines of a resolv.conf-style file (port 53), appended to *v (count *n).
 * Returns the number found, or -1 if the file cannot be read. */
int dns_resolvconf(const char *path, struct dns_addr **v, size_t *n, size_t *cap);

enum dns_err {
	DNS_OK,		/* an answer (any rcode) */
	DNS_ETIMEOUT,	/* every attempt timed out */
	DNS_EMALFORMED, /* only unparsable answers came back from the right source */
	DNS_ENETWORK,	/* the packet could not be sent or the server refused the connection */
	DNS_ESKIPPED,	/* not sent (the caller's decision, e.g. an allow-list) */
};
const char *dns_err_str(enum dns_err e);

/* Why one attempt of a resolver query did not end it (the query went on to another resolver,
 * or ended with the last of these). */
enum dns_cause {
	DNS_C_SERVFAIL,
	DNS_C_REFUSED,
	DNS_C_TIMEOUT,
	DNS_C_MALFORMED, /* only unparsable answers came back in the attempt's time */
	DNS_C_NETWORK,	 /* not sent, connection refused, TCP fallback failed */
	DNS_C_COUNT
};
const char *dns_cause_str(enum dns_cause c);

struct dns_failure {
	int resolver; /* index into the resolvers, or -1 for a query to a given address */
	enum dns_cause cause;
};
#define DNS_MAX_ATTEMPTS 11 /* --retries is at most 10 */

/* What a query ended with, handed to the callback. The callback owns pkt (may be NULL). */
struct dns_result {
	enum dns_err err;
	ldns_pkt *pkt;
	struct dns_addr server; /* the server that answered, or was asked last */
	bool tcp;		/* the answer came over TCP */
	bool tc;		/* a UDP answer was truncated (pkt is it when TCP failed too) */
	double ms;		/* from first send to the end */
	const char *detail;	/* human text for errors, or NULL; valid during the callback */
	/* the attempts to the resolvers that failed, in order (the last may be the result
	 * itself: a SERVFAIL or REFUSED answer when no attempt was left); none for queries to a
	 * given address; valid during the callback */
	const struct dns_failure *failures;
	unsigned nfailures;
};

typedef void (*dns_done_fn)(void *ctx, uint32_t tag, struct dns_result *res);

struct dns_options {
	const struct dns_addr *resolvers; /* copied */
	size_t nresolvers;
	unsigned inflight;   /* queries on the wire at once */
	double qps;	     /* sends per second; 0 = no cap */
	unsigned timeout_ms; /* whole query, all attempts together */
	unsigned retries;    /* attempts after the first */
};

struct dns_stats {
	unsigned long long submitted, sent, answers, timeouts, network, tcp, truncated;
	unsigned long long mismatched; /* right source, wrong ID or question: dropped */
	unsigned long long malformed;  /* right source, unparsable: dropped */
	unsigned long long rcodes[16];
	unsigned long long retried; /* attempts that moved on after a SERVFAIL or REFUSED answer */
};

/* One resolver's health over the run. */
struct dns_resolver_stats {
	unsigned long long sent, answers; /* attempts, and answers that ended a query */
	unsigned long long failed[DNS_C_COUNT];
	unsigned long long rested; /* times it was set aside after failing again and again */
};

struct dns_engine;

struct dns_engine *dns_engine_new(const struct dns_options *o);
void dns_engine_free(struct dns_engine *e);

/* Queries to the resolvers carry RD and AD (RFC 6840 section 5.7: AD in a query asks for the
 * resolver's verdict in every answer, DO or not). A SERVFAIL or REFUSED answer from a resolver
 * (with or without the question: it came from the right address, port and ID), a timeout, an
 * unparsable answer or a network error moves the query on to the next resolver, up to
 * `retries` attempts after the first; NOERROR, NXDOMAIN and other rcodes end it. A resolver
 * that fails several attempts in a row is set aside for a while. Queries to a given address
 * (DIRECT, PINNED) retry on that address after a timeout only: any answer ends them. */
enum {
	DNS_Q_DO = 1,	  /* set the DNSSEC OK bit */
	DNS_Q_DIRECT = 2, /* RD=0, to the given address only (not the resolvers) */
	DNS_Q_CD = 4,	  /* set Checking Disabled: a validating resolver hands over bogus data */
	DNS_Q_PINNED = 8, /* RD=1, to the given address only (one resolver, e.g. a canary) */
};
/* Queue a question. name is an A-label name without the trailing dot; to is the server for
 * DNS_Q_DIRECT and DNS_Q_PINNED (else NULL: the resolvers in turn). The callback always runs later,
 * from dns_engine_run; a name ldns cannot encode ends as DNS_ENETWORK with a detail. */
void dns_submit(struct dns_engine *e, const char *name, uint16_t type, unsigned flags,
		const struct dns_addr *to, dns_done_fn cb, void *ctx, uint32_t tag);

/* Watch one more descriptor for input (e.g. stdin); false if it cannot be watched (a regular
 * file: then it is always ready). */
bool dns_engine_watch(struct dns_engine *e, int fd);
/* Watch another descriptor (e.g. the epoll descriptor of HTTP transfers, http_event_fd) that
 * wakes dns_engine_run; dns_engine_aux_ready says (once) whether it became readable. */
bool dns_engine_watch_aux(struct dns_engine *e, int fd);
bool dns_engine_aux_ready(struct dns_engine *e);
/* Wait up to timeout_ms for network events and timers, run the callbacks due. Returns true if
 * the watched descriptor became readable. */
bool dns_engine_run(struct dns_engine *e, int timeout_ms);
/* Queries submitted and not yet finished; of those, not yet on the wire. */
size_t dns_engine_pending(const struct dns_engine *e);
size_t dns_engine_queued(const struct dns_engine *e);
const struct dns_stats *dns_engine_stats(const struct dns_engine *e);
/* Resolver i's health (i below nresolvers). */
const struct dns_resolver_stats *dns_engine_resolver_stats(const struct dns_engine *e, size_t i);
/* Monotonic milliseconds. */
double dns_now_ms(void);

/* ldns_wire2pkt for messages from the network: LDNS_STATUS_OK and *p set, or an error. A message
 * in which ldns finds more than one TSIG record is refused (RFC 8945 allows one, the last
 * record; we never sign queries): ldns 1.8.3 keeps only the last and leaks the others, so a
 * hostile server could grow our memory answer by answer. */
ldns_status dns_wire2pkt(ldns_pkt **p, const uint8_t *wire, size_t n);

#endif
