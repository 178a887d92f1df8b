/* SPDX-License-Identifier: ISC */
/* What the files of dns-scan share: the scan's types, its run-wide state (defined in
 * dns-scan.c, the only file that owns file-scope variables) and the calls between the parts:
 * query.c asks questions and follows answers up (SPF, DMARC reports, name servers), answer.c
 * records how each ended and writes the `dns` member, job.c keeps one job per input record. */
#ifndef SCAN_H
#define SCAN_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "buf.h"
#include "dname.h"
#include "dns.h"
#include "parent.h"
#include "record.h"
#include "window.h"

/* Why a question was asked: the `why` member, in output order. */
enum why {
	W_APEX,
	W_WWW,
	W_DMARC,
	W_BIMI,
	W_MSDCS,
	W_ADPROBE,
	W_NSADDR,
	W_NSDIRECT,
	W_SPF,
	W_CAA,
	W_MXADDR,
	W_DMARCREP,
	W_PARENT,
	W_MTASTS,
	W_TLSRPT,
	W_DKIM,
	W_DANE,
	W_COUNT
};
extern const char *const why_name[W_COUNT];

/* Parts of a scan a profile turns on (one bit per `why` beyond the apex). */
#define F(w) (1u << (w))
#define FOLLOW_UPS                                                                                 \
	(F(W_NSADDR) | F(W_NSDIRECT) | F(W_SPF) | F(W_CAA) | F(W_MXADDR) | F(W_DMARCREP) |         \
	 F(W_PARENT) | F(W_DANE))

/* What an answer sets off. */
enum {
	ACT_NSADDR = 1,	    /* apex NS: A/AAAA of each name server */
	ACT_NSDIRECT = 2,   /* NS address: SOA and NS asked of it directly */
	ACT_SPF = 4,	    /* TXT: walk the SPF record */
	ACT_SPFMX = 8,	    /* SPF mx: A/AAAA of the exchanges */
	ACT_MXADDR = 16,    /* apex MX: A/AAAA of the exchanges */
	ACT_CAA = 32,	    /* CAA: climb to the parent when there is none */
	ACT_DMARCREP = 64,  /* _dmarc TXT: authorisation of external report addresses */
	ACT_ADPROBE = 128,  /* _msdcs SOA: the random-label wildcard probe */
	ACT_REFERRAL = 256, /* the parent's delegation: its NS names, when the apex has none */
	ACT_DANE = 512,	    /* apex MX: TLSA at _25._tcp of each exchange (RFC 7672) */
};

/* The HTTPS fetches of a scan (fetch.c), parts of their own beside the `why` ones: the
 * `https` member, in this order. */
enum fetch_kind { FETCH_MTASTS, FETCH_SECTXT, FETCH_COUNT };
extern const char *const fetch_name[FETCH_COUNT];

/* One fetch of a job: the A and AAAA of its host through the resolvers, then the GET. */
struct job;
struct fetch {
	struct job *job;
	uint8_t kind;	     /* enum fetch_kind */
	uint8_t naddrs[2];   /* of each family, as addrs */
	bool on;	     /* asked for this job */
	uint8_t dns_pending; /* of the A and AAAA questions */
	int dns_cause;	     /* -1, or why an address question failed (cause_name) */
	struct buf addrs[2]; /* the addresses found, A's then AAAA's (JSON array members): apart,
			      * so the record does not show which answer came first */
	char first[64];	     /* the first address, for connecting (an IPv4 one if any) */
	bool first_v4;
	struct buf json; /* the finished object */
};

/* What the apex NS question gave, for the servers of a delegation the apex does not name. */
enum { APEX_NS_PENDING, APEX_NS_FOUND, APEX_NS_NONE };

struct options {
	const char *field;
	char **files; /* operands: the input files, none for standard input */
	int nfiles;
	bool pass; /* --pass-through */
	size_t max_line;
	struct dns_options dns;
	struct dns_addr *resolvers;
	size_t nresolvers, capresolvers;
	uint16_t ns_port;
	struct dns_cidr *allow;
	size_t nallow, capallow;
	const char *profile;
	unsigned features; /* F(why) bits */
	uint16_t apex[16]; /* apex types */
	size_t napex;
	size_t window;
	bool unordered, stats, progress, canary;
	unsigned fetches;	      /* 1 << fetch_kind */
	uint16_t https_port;	      /* where the fetches connect (default 443) */
	struct dns_cidr *https_allow; /* private ranges the fetches may reach */
	size_t nhttps_allow, caphttps_allow;
	const char *cacert;
};

/* How a resolver query ended, for the domain's scan status: answered (NOERROR, NXDOMAIN), or
 * failed by the cause of its last attempt (dns_cause, then OTHER for any other rcode). */
enum outcome { O_NONE, O_ANSWERED, O_FAILED };
#define CAUSE_OTHER DNS_C_COUNT /* FORMERR, NOTIMP and other rcodes that end a query */
#define NCAUSES	    (DNS_C_COUNT + 1)
extern const char *const cause_name[NCAUSES];
#define TAG_CD 0x80000000u /* the result is the CD=1 question asked again after a SERVFAIL */

/* The RR lists a query object can hold: answer, authority, additional (a referral's glue), and
 * the answer and authority of its cd_retry. */
#define SLOT_LISTS 5

struct slot {
	char *q;
	uint16_t type;
	uint8_t why;
	bool direct, dnssec, done, answered;
	bool cd_pending; /* the object waits for the CD=1 answer before its closing brace */
	bool cut;	 /* its RR lists were emptied to keep the record within its bound */
	uint8_t outcome, cause;
	int rcode; /* of the answer, -1 when none */
	unsigned acts;
	struct dns_addr to;
	char server[64];
	struct buf json;	       /* the finished query object */
	uint8_t nlists;		       /* non-empty RR lists in json */
	uint32_t nrr;		       /* the RRs in them */
	uint32_t lists[SLOT_LISTS][2]; /* where each is in json ("[...]"): offset, length */
};

struct job {
	struct record rec;
	char *domain;
	struct slot *slots;
	size_t nslots, capslots;
	unsigned outstanding, spf_queries;
	bool done, scanning, spf_bounded, has_parent;
	int parent_cause;	/* -1, or why the parent's servers could not be found */
	uint8_t apex_ns;	/* APEX_NS_* */
	struct buf parent_json; /* the `parent` member */
	struct buf ref;		/* NS names of the parent's referral, each ending in NUL */
	size_t nref;
	size_t ncut, dropped; /* queries whose RR lists were cut, and the RRs they lost */
	double start_ms;
	time_t start_wall;
	struct fetch fetch[FETCH_COUNT];
	struct job *next_free;
};

/* Run-wide state, defined in dns-scan.c. */
extern struct options opt;
extern struct dns_engine *engine;
extern struct parents *parents;
extern struct http *https;  /* the HTTPS transfers, NULL when no fetch is asked */
extern struct window order; /* the jobs in input order (not with --unordered) */
extern size_t active;	    /* jobs read and not yet written */
extern struct job *free_jobs;
extern struct dname scratch_name;
extern struct buf resolvers_json;
extern unsigned long long domains_done, skipped;
extern unsigned long long bytes_read;
extern double run_start;

/* query.c: questions and the follow-ups their answers set off */
size_t ask(struct job *j, enum why why, const char *q, uint16_t type, unsigned acts,
	   const struct dns_addr *direct);
void apex_ns_none(struct job *j);
void run_actions(struct job *j, size_t idx, const ldns_pkt *p);

/* answer.c: how a question ended, and the `dns` member */
void on_result(void *ctx, uint32_t tag, struct dns_result *res);
size_t add_dns_member(struct job *j);

/* fetch.c: the HTTPS fetches (MTA-STS policy, security.txt) on dns-scan's own loop */
void fetch_init(void);
void fetch_free(void);
void fetch_start(struct job *j);
void fetch_reset(struct job *j);
void fetch_release(struct job *j);	       /* frees the buffers of a job about to be freed */
void fetch_json(struct job *j, struct buf *b); /* the https member, when any was asked */
/* Move the transfers on (called each turn of the loop); the wait the loop may take at most. */
void fetch_step(void);
int fetch_wait_ms(int wait);
bool fetch_part(const char *name); /* --types: a fetch part's name turns it on */

/* job.c: one job per input record, written in input order unless --unordered */
void job_finished(struct job *j);
void take_record(struct record *in, struct dname *dn);
void emit_ready(void);

#endif
