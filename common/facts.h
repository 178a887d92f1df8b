/* SPDX-License-Identifier: ISC */
/* The facts member dns-grade writes and stats-report reads (domstat(7)): every fact's group,
 * name and JSON type, once, in the order they are written. Written from an array of values
 * indexed by fact (facts_write), read back into an array of spans indexed the same way
 * (facts_pick), so neither side depends on where a fact sits. */
#ifndef FACTS_H
#define FACTS_H
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "buf.h"
#include "jscan.h"

enum fact_type {
	FACT_BOOL,	   /* true or false */
	FACT_BOOL_OR_NULL, /* true, false or null */
	FACT_INT,	   /* an integer */
	FACT_INT_OR_NULL,  /* an integer or null */
	FACT_STR,	   /* a string */
	FACT_STR_OR_NULL,  /* a string or null */
	FACT_INTS,	   /* an array of integers */
	FACT_NULL,	   /* always null (a fact DNStats stopped collecting) */
};

/* id, group (NULL: a member of facts itself), name, type. A group's facts are consecutive. */
/* clang-format off */
#define FACTS(X)                                                                                   \
	X(SPF_PRESENT,       "spf",    "present",            FACT_BOOL)                            \
	X(SPF_POLICY,        "spf",    "policy",             FACT_STR)                             \
	X(SPF_LOOKUPS,       "spf",    "lookups",            FACT_INT)                             \
	X(SPF_VOID_LOOKUPS,  "spf",    "void_lookups",       FACT_INT)                             \
	X(SPF_VALID,         "spf",    "valid",              FACT_BOOL)                            \
	X(DMARC_PRESENT,     "dmarc",  "present",            FACT_BOOL)                            \
	X(DMARC_VALID,       "dmarc",  "valid",              FACT_BOOL)                            \
	X(DMARC_P,           "dmarc",  "p",                  FACT_STR_OR_NULL)                     \
	X(DMARC_SP,          "dmarc",  "sp",                 FACT_STR_OR_NULL)                     \
	X(DMARC_NP,          "dmarc",  "np",                 FACT_STR_OR_NULL)                     \
	X(DMARC_PCT,         "dmarc",  "pct",                FACT_INT_OR_NULL)                     \
	X(DMARC_RUA,         "dmarc",  "rua",                FACT_BOOL)                            \
	X(DMARC_RUF,         "dmarc",  "ruf",                FACT_BOOL)                            \
	X(CAA_PRESENT,       "caa",    "present",            FACT_BOOL)                            \
	X(CAA_FOUND_AT,      "caa",    "found_at",           FACT_STR_OR_NULL)                     \
	X(CAA_ISSUE_COUNT,   "caa",    "issue_count",        FACT_INT)                             \
	X(CAA_ISSUE,         "caa",    "issue",              FACT_BOOL)                            \
	X(CAA_ISSUEWILD,     "caa",    "issuewild",          FACT_BOOL)                            \
	X(CAA_IODEF,         "caa",    "iodef",              FACT_BOOL)                            \
	X(MX_PRESENT,        "mx",     "present",            FACT_BOOL)                            \
	X(MX_NULL_MX,        "mx",     "null_mx",            FACT_BOOL)                            \
	X(MX_HOSTS,          "mx",     "hosts",              FACT_INT)                             \
	X(NS_COUNT,          "ns",     "count",              FACT_INT)                             \
	X(NS_LAME,           "ns",     "lame",               FACT_INT)                             \
	X(NS_SERIALS_CONSISTENT, "ns", "serials_consistent", FACT_BOOL)                            \
	X(NS_SETS_CONSISTENT, "ns",    "ns_sets_consistent", FACT_BOOL)                            \
	X(SOA_PRESENT,       "soa",    "present",            FACT_BOOL)                            \
	X(SOA_SERIAL,        "soa",    "serial",             FACT_INT_OR_NULL)                     \
	X(DNSSEC_STATUS,     "dnssec", "status",             FACT_STR_OR_NULL)                     \
	X(DNSSEC_DS_ALGORITHMS, "dnssec", "ds_algorithms",   FACT_INTS)                            \
	X(DNSSEC_DNSKEY_ALGORITHMS, "dnssec", "dnskey_algorithms", FACT_INTS)                      \
	X(BIMI_PRESENT,      "bimi",   "present",            FACT_BOOL)                            \
	X(BIMI_VALID,        "bimi",   "valid",              FACT_BOOL)                            \
	X(MAIL_PROVIDER,     NULL,     "mail_provider",      FACT_STR_OR_NULL)                     \
	X(DNS_PROVIDER,      NULL,     "dns_provider",       FACT_STR_OR_NULL)                     \
	X(ACTIVE_DIRECTORY,  NULL,     "active_directory",   FACT_BOOL)                            \
	X(SCAN_QUERIES,      "scan",   "queries",            FACT_INT)                             \
	X(SCAN_ANSWERED,     "scan",   "answered",           FACT_INT)                             \
	X(SCAN_TIMEOUTS,     "scan",   "timeouts",           FACT_INT)                             \
	X(SCAN_SERVFAIL,     "scan",   "servfail",           FACT_INT)                             \
	X(SCAN_ERRORS,       "scan",   "errors",             FACT_INT)                             \
	X(DNSTATS_HAS_MX,    "dnstats", "has_mx",            FACT_BOOL)                            \
	X(DNSTATS_HAS_SPF,   "dnstats", "has_spf",           FACT_BOOL)                            \
	X(DNSTATS_SPF_POLICY, "dnstats", "spf_policy",       FACT_STR_OR_NULL)                     \
	X(DNSTATS_HAS_DMARC, "dnstats", "has_dmarc",         FACT_BOOL)                            \
	X(DNSTATS_DMARC_POLICY, "dnstats", "dmarc_policy",   FACT_STR_OR_NULL)                     \
	X(DNSTATS_DMARC_SUB_POLICY, "dnstats", "dmarc_sub_policy", FACT_STR_OR_NULL)               \
	X(DNSTATS_HAS_DMARC_RUA, "dnstats", "has_dmarc_aggregate_reporting", FACT_BOOL)            \
	X(DNSTATS_HAS_DMARC_RUF, "dnstats", "has_dmarc_forensic_reporting", FACT_BOOL)             \
	X(DNSTATS_HAS_CAA,   "dnstats", "has_caa",           FACT_BOOL)                            \
	X(DNSTATS_HAS_CAA_REPORTING, "dnstats", "has_caa_reporting", FACT_BOOL)                    \
	X(DNSTATS_CAA_ISSUE_COUNT, "dnstats", "caa_issue_count", FACT_INT)                         \
	X(DNSTATS_CAA_WILDCARD_COUNT, "dnstats", "caa_wildcard_count", FACT_INT)                   \
	X(DNSTATS_HAS_DNSSEC, "dnstats", "has_dnssec",       FACT_BOOL)                            \
	X(DNSTATS_DS_ALGORITHM, "dnstats", "dnssec_ds_algorithm", FACT_INT)                        \
	X(DNSTATS_DIGEST_TYPE, "dnstats", "dnssec_digest_type", FACT_INT)                          \
	X(DNSTATS_DNSKEY_ALGORITHM, "dnstats", "dnssec_dnskey_algorithm", FACT_INT)                \
	X(DNSTATS_HAS_MSDC,  "dnstats", "has_msdc",          FACT_BOOL_OR_NULL)                    \
	X(DNSTATS_HAS_SECURITYTXT, "dnstats", "has_securitytxt", FACT_NULL)
/* clang-format on */

#define FACT_ENUM(id, group, name, type) FACT_##id,
enum fact { FACTS(FACT_ENUM) NFACTS };
#undef FACT_ENUM

struct fact_def {
	const char *group, *name;
	enum fact_type type;
};
extern const struct fact_def fact_defs[NFACTS];

/* A fact's value for facts_write: which fields count is the fact's type. */
struct fact_val {
	bool null;	 /* for the _OR_NULL types (and FACT_NULL) */
	long long i;	 /* FACT_BOOL*, FACT_INT* */
	const char *s;	 /* FACT_STR*: n bytes */
	const int *ints; /* FACT_INTS: n of them */
	size_t n;
};

static inline struct fact_val
fact_bool(bool v)
{
	return (struct fact_val){.i = v};
}

static inline struct fact_val
fact_int(long long v)
{
	return (struct fact_val){.i = v};
}

/* A string, or null for NULL. */
static inline struct fact_val
fact_str(const char *s)
{
	return (struct fact_val){.null = !s, .s = s, .n = s ? strlen(s) : 0};
}

static inline struct fact_val
fact_strn(const char *s, size_t n)
{
	return (struct fact_val){.s = s, .n = n};
}

static inline struct fact_val
fact_ints(const int *v, size_t n)
{
	return (struct fact_val){.ints = v, .n = n};
}

static inline struct fact_val
fact_null(void)
{
	return (struct fact_val){.null = true};
}

/* The facts object, every fact in table order, each written as its type says. */
void facts_write(struct buf *b, const struct fact_val v[NFACTS]);
/* The value of every fact in a facts object (from a record that passed jscan), n == 0 when
 * absent or null; facts of a group that is not an object are absent. Of repeated keys the last
 * one counts. */
void facts_pick(struct jspan facts, struct jspan v[NFACTS]);

#endif
