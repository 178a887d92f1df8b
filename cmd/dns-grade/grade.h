/* SPDX-License-Identifier: ISC */
/* dns-grade's internals: the scan as read from the dns member, the checks of each category,
 * the facts reports need, the two grading scales. */
#ifndef GRADE_H
#define GRADE_H
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "buf.h"
#include "dmarc.h"
#include "findings.h"
#include "mtasts.h"

/* DNStats' scale grades the first NCAT_DNSTATS; the mail-transport categories after BIMI
 * (transport.c) are the domstat scale's only. */
enum cat {
	C_SPF,
	C_DMARC,
	C_CAA,
	C_NS,
	C_SOA,
	C_MX,
	C_DNSSEC,
	C_BIMI,
	C_MTASTS,
	C_TLSRPT,
	C_DANE,
	C_DKIM,
	C_STSPOL, /* the HTTPS categories (https.c): the domstat scale's only, not in overall */
	C_SECTXT,
	NCAT
};
#define NCAT_DNSTATS (C_BIMI + 1)
extern const char *const cat_names[NCAT];

/* A value of the dns member, read in one pass into a flat array in document order (scan_read.c;
 * its layout is in scan_jv.h). Strings are decoded in a private copy of the member's text and
 * NUL-terminated, as json-c gave them before. */
struct jv;

struct query {
	const char *q, *type, *why, *server, *rcode, *error;
	size_t qlen;
	int tcode;		   /* type_code(type) (scan_read.c) */
	int type_next;		   /* the next non-direct query of that type, or -1 */
	bool direct, aa, answered; /* answered: an rcode is present */
	bool final;		   /* answered NOERROR or NXDOMAIN: present or absent data */
	bool cut; /* dns-scan emptied its RR lists to bound the record ("dropped"): read as a
		   * query that failed, with error Q_CUT, neither data nor its absence */
	const struct jv *answer, *authority; /* arrays or NULL */
	const struct jv *ede;		     /* extended DNS errors (RFC 8914): an array or NULL */
	const char *cd_rcode;		     /* the rcode of the question asked again with CD=1 */
};

struct scan {
	char *text; /* the dns member's text, decoded in place */
	size_t textcap;
	struct jv *v; /* values in document order, the root first */
	size_t nv, vcap;
	const struct jv *root;
	const char *domain;
	size_t domainlen;
	time_t started; /* the scan's clock (DNSSEC validity), or now */
	struct query *qs;
	size_t nq, cap;
	int type_first[16];  /* the first non-direct query of each known type, or -1 (scan.c) */
	const char *status;  /* dns.status ("ok", "nxdomain", "partial", "failed") or NULL (older
				dns-scan) */
	const char *profile; /* dns.profile or NULL */
	long long refused;   /* dns.failed.refused, or -1 when absent */
	struct buf problem;  /* first problem with the scan data, for the errors entry */
	unsigned nproblems;
	bool read; /* scan_read_member read the member, scan_load_read has not used it yet */
};

/* Load the dns member's text (valid JSON: the record layer checked it). Returns 0, or -1 with
 * s->problem saying why it is unusable. */
int scan_load(struct scan *s, const char *text, size_t n);
/* Read a dns member at the start of text (n bytes: up to the end of the record line) while the
 * record layer validates the line (a jscan_defer hook): returns the bytes the member took, or
 * 0 when it is not an object that jscan accepts and that reads (the record layer then checks it
 * and scan_load reads it). It checks as strictly as jscan, so the member is validated once. */
size_t scan_read_member(struct scan *s, const char *text, size_t n);
/* scan_load's result for the member scan_read_member just read (-1 if it did not). */
int scan_load_read(struct scan *s);
void scan_init(struct scan *s);
void scan_clear(struct scan *s);
void scan_free(struct scan *s);
void scan_problem(struct scan *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The member names dns-scan writes: the graders ask for members by number (scan.c). */
/* clang-format off */
#define SCAN_KEYS(X)                                                                               \
	X(v) X(domain) X(started) X(profile) X(resolvers) X(elapsed_ms) X(queries) X(q) X(type)    \
	X(why) X(server) X(direct) X(rcode) X(aa) X(ad) X(tc) X(tcp) X(ms) X(answer)               \
	X(authority) X(error) X(name) X(ttl) X(data) X(txt) X(address) X(host) X(mname) X(rname)   \
	X(serial) X(refresh) X(retry) X(expire) X(minimum) X(flags) X(tag) X(value) X(preference)  \
	X(exchange) X(algorithm) X(key_tag) X(protocol) X(digest_type) X(digest) X(type_covered)   \
	X(signer) X(original_ttl) X(labels) X(inception) X(expiration) X(salt) X(iterations)       \
	X(target) X(status) X(failed) X(refused) X(ede) X(code) X(text) X(cd_retry) X(usage)       \
	X(selector) X(matching_type) X(dropped)
/* clang-format on */
#define SCAN_KEY_ENUM(name) K_##name,
enum scan_key { K_OTHER, SCAN_KEYS(SCAN_KEY_ENUM) NKEYS };
#undef SCAN_KEY_ENUM

/* The RR types the graders look up, numbered by the reader from each RR's type; T_ANY: any.
 * type_code tries them in this order for every RR and query of a scan: the ones a scan holds
 * most come first (SOA in every negative answer's authority, then NS, A, TXT; in the 5,000-zone
 * lab scan these four are 78 % of the types read). Nothing else depends on the order. */
/* clang-format off */
#define SCAN_TYPES(X)                                                                              \
	X(SOA) X(NS) X(A) X(TXT) X(AAAA) X(MX) X(CAA) X(TLSA) X(DNSKEY) X(CNAME) X(DS)            \
	X(NSEC3PARAM) X(RRSIG) X(NSEC3)
/* clang-format on */
#define SCAN_TYPE_ENUM(name) T_##name,
enum rr_type { SCAN_TYPES(SCAN_TYPE_ENUM) NTYPES, T_ANY };
#undef SCAN_TYPE_ENUM

/* The first non-direct query for (name, type), preferring one answered NOERROR or NXDOMAIN, then
 * one with any answer. */
const struct query *scan_find(const struct scan *s, const char *name, size_t n, enum rr_type type);
/* The error of a query whose answer dns-scan cut (its "dropped" member). */
extern const char Q_CUT[];
/* Why a query's answer tells nothing (neither data nor its absence): NULL when it was
 * answered NOERROR or NXDOMAIN, "not asked" for q NULL, else its rcode ("SERVFAIL", "REFUSED",
 * ...) or its error ("timeout", ...). */
const char *q_unknown(const struct query *q);
/* Did it fail (a temporary error: neither data nor its absence)? false for NULL or skipped. */
bool q_failed(const struct query *q);
/* The first extended DNS error of a query's answer (RFC 8914): false when it has none; *text
 * NULL when the error came without one. */
bool q_ede(const struct query *q, long long *code, const char **text);
/* Answer RRs of a type (or T_ANY) in a query: iterate with *i from 0. */
const struct jv *q_rr(const struct query *q, enum rr_type type, size_t *i);
/* The same over the authority section. */
const struct jv *q_auth_rr(const struct query *q, enum rr_type type, size_t *i);
size_t q_count(const struct query *q, enum rr_type type);
/* The resolver's validation verdict on a query's answer (its ad member): 1, 0, -1 absent. */
int q_ad(const struct scan *s, const struct query *q);
/* A SERVFAIL query's cd_retry (the question asked again with CD=1) as a query of its own:
 * its server, rcode, aa, answer and authority. false when there is none. */
bool q_cd_retry(const struct scan *s, const struct query *q, struct query *out);
/* The extended DNS error codes (RFC 8914) of a query's answer, or of its cd_retry's: up to
 * max of them into codes, how many. */
size_t q_ede_codes(const struct scan *s, const struct query *q, bool cd, int *codes, size_t max);
/* Typed members of an RR. */
const char *rr_str(const struct jv *rr, enum scan_key key, size_t *len);
bool rr_int(const struct jv *rr, enum scan_key key, long long *v);
/* The same by any type or member name, in any case for types (what the fuzz target checks
 * against json-c). */
const struct query *scan_find_named(const struct scan *s, const char *name, size_t n,
				    const char *type);
size_t q_count_named(const struct query *q, const char *type);
const char *rr_str_named(const struct jv *rr, const char *key, size_t *len);
bool rr_int_named(const struct jv *rr, const char *key, long long *v);
/* A TXT RR's strings joined (RFC 7208 3.3: no separator; sep for DNStats' text form).
 * false when the data is impossible (a string over 255 bytes, over 65535 in all). */
bool rr_txt(struct scan *s, const struct jv *rr, struct buf *out, const char *sep);
/* How many bytes from p on dnspython prints as they are: printable ASCII but '"' and '\\'. */
size_t printable_run(const char *p, size_t n);
/* A TXT RR's presentation text as dnspython prints it: "s1" "s2" with \" and \\ escaped. */
bool rr_txt_quoted(struct scan *s, const struct jv *rr, struct buf *out);

struct providers;
struct providers *providers_load(const char *dir);
void providers_free(struct providers *p);
/* Name of the provider whose suffix ends host (on a label boundary), or NULL. */
const char *providers_match(const struct providers *p, int table, const char *host, size_t n);
enum { PROV_NS, PROV_MX };

/* DNStats' adoption facts (dnstats.md 1.4), kept for its 23 lists. */
struct legacy {
	bool has_mx, has_spf, has_dmarc, has_caa, has_caa_reporting, has_dmarc_rua, has_dmarc_ruf;
	const char *spf_policy, *dmarc_policy, *dmarc_sub_policy;
	int caa_issue_count, caa_wildcard_count;
	int ds_algorithm, digest_type, dnskey_algorithm;
	int has_msdc; /* 1, 0, -1 = null */
};

/* What the lookups a category rests on came to, for grading it unknown (null) rather than
 * absent: answered (found or not), a temporary DNS error (SERVFAIL, REFUSED, another rcode
 * but NOERROR and NXDOMAIN, a timeout, a malformed answer), or never asked by the scan. */
enum fetch { FETCH_ANSWERED, FETCH_TEMPERROR, FETCH_NOT_ASKED };

struct facts {
	struct {
		bool present, valid;
		const char *policy;
		unsigned lookups, voids;
	} spf;
	struct {
		bool present, valid;
		enum dmarc_policy p, sp, np;
		int pct;
		bool rua, ruf;
	} dmarc;
	struct {
		bool present, issue, issuewild, iodef;
		int issue_count;
		struct buf found_at;
	} caa;
	struct {
		bool present, null_mx;
		int hosts;
	} mx;
	struct {
		int count, lame;
		/* 1 consistent, 0 not, -1 unknown: no server was asked, or none answered */
		int serials_consistent, ns_sets_consistent;
		int parent_child_consistent; /* the parent's delegation NS set is the apex's */
	} ns;
	struct {
		bool present;
		long long serial;
	} soa;
	struct {
		const char *status;
		int ds_alg[16], nds;
		int key_alg[16], nkey;
	} dnssec;
	struct {
		bool present, valid;
	} bimi;
	struct {
		bool present, valid;
		const char *id; /* NUL-terminated, in the transport state; NULL when none */
	} mta_sts;
	struct {
		bool present, valid, rua_mailto, rua_https;
	} tls_rpt;
	struct {
		bool present;
		int validated; /* 1 every TLSA RRset validated (AD), 0 one did not, -1 none */
		int hosts;     /* MX hosts with TLSA records */
		int usages[4], nusages;
	} dane;
	struct {
		bool present;
	} dkim;
	struct {
		int ns, mx; /* 1 every host has AAAA, 0 not, -1 unknown or no host */
		int ns_without, mx_without; /* hosts without AAAA, -1 unknown */
	} ipv6;
	struct https_facts {
		int sts_txt;	 /* _mta-sts TXT v=STSv1: 1, 0, -1 unknown */
		int sts_present; /* a policy was served (2xx over verified TLS) */
		bool sts_valid;
		const char *sts_mode;	       /* NULL: none or invalid */
		long long sts_max_age, sts_mx; /* -1: none */
		int sts_mx_covered;	       /* every MX host matches: 1, 0, -1 unknown */
		const char *sts_error;	       /* how the fetch failed, NULL when it did not */
		int sec_present;
		bool sec_valid, sec_contact, sec_expires, sec_expired, sec_signed;
		const char *sec_error;
	} https;
	const char *mail_provider, *dns_provider;
	bool ad;
	struct {
		int queries, answered, timeouts, servfail, errors;
	} scan;
	int exists;	    /* 1: some apex question answered NOERROR, 0: NXDOMAIN, -1: unknown */
	bool unknown[NCAT]; /* the category's data is unknown: its grade and facts are null */
	struct legacy legacy;
	struct {
		enum fetch spf;	     /* the domain's TXT query */
		enum fetch spf_walk; /* an include or redirect target's (SPF_TEMPERROR) */
		enum fetch dmarc;    /* _dmarc's TXT query */
		enum fetch ns;	     /* the NS query (LAME_DELEGATION, NS_TEMPERROR) */
		enum fetch soa;	     /* the SOA query */
		enum fetch dnssec;   /* the DS or DNSKEY query (status "indeterminate") */
	} fetched;
};

struct grader {
	struct scan *s;
	const struct providers *prov;
	struct findings f[NCAT];
	struct dnstats *dnstats; /* DNStats' facts and buffers (dnstats.h) */
	int grades[NCAT];	 /* GRADE_NULL: unknown */
	int overall;
	struct findings domain; /* remarks on the domain as a whole (DOMAIN_DOES_NOT_EXIST) */
	bool spf_needs_mx; /* the SPF grade of the scale used depends on MX (DNStats' no-SPF) */
	struct facts facts;
	struct buf tmp, tmp2;
	struct mail_state *mail;	   /* buffers the mail checks reuse (mail.c) */
	struct transport_state *transport; /* and the transport checks' (transport.c) */
	struct mtasts_policy https_sts;	   /* the policy https.c parses, its buffer reused */
};

void grader_init(struct grader *g);
void grader_free(struct grader *g);
/* Run every check and fill findings and facts (domstat scale remarks). */
void grade_checks(struct grader *g);
/* Grades on the domstat scale from the findings and facts. */
void grade_domstat(struct grader *g);
/* DNStats' validators then its graders (dnstats.c), after grade_checks on the same scan:
 * replaces the findings of its seven categories. */
void grade_dnstats(struct grader *g);
void dnstats_free(struct grader *g);
/* After either scale: a category whose data is unknown (not asked, or asked and not answered
 * NOERROR or NXDOMAIN) gets a null grade and one remark saying why, overall is null when a
 * category it weighs is; a domain that does not exist gets no grades and one remark. */
void grade_unknowns(struct grader *g, bool dnstats);
#define GRADE_NULL INT_MIN

/* The domstat scale, facts and findings in, grades out: one category's grade, all of them. */
int domstat_grade(enum cat c, const struct facts *fa, const struct findings *f);
void scale_domstat(const struct facts *fa, const struct findings f[NCAT], int grades[NCAT],
		   int *overall);

/* Helpers shared by the checks. */
bool name_eq(const char *a, size_t an, const char *b, size_t bn);
bool addr_public(const char *a, size_t n, bool *parsed);
bool hostname_ok(const char *s, size_t n);
void ns_set(const struct query *q, struct buf *out);
void check_mail(struct grader *g);
void mail_state_free(struct grader *g);
void check_infra(struct grader *g);
void check_dnssec(struct grader *g); /* dnssec.c */
/* transport.c: MTA-STS's TXT record, TLS-RPT, DANE for SMTP, DKIM presence, IPv6 reach */
void check_transport(struct grader *g);
void transport_unknowns(struct grader *g);
void transport_state_free(struct grader *g);
/* A category whose key question (q, type of name) told nothing: its findings become one
 * NOT_SCANNED or DNS_TEMPORARY_ERROR remark, its grade and facts null. True when it did. */
bool unknown_remark(struct grader *g, enum cat c, const struct query *q, const char *type,
		    const char *name, size_t n);
void legacy_facts(struct grader *g);
/* https.c: the MTA-STS policy and security.txt categories (dns-scan's https member) */
void check_https(struct grader *g);
int https_cap(enum cat c, const struct facts *fa);
void https_unknowns(struct grader *g, bool dnstats); /* after a scale: null grades */
void https_free(struct grader *g);

#endif
