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

/* The grade categories, in the order dns-grade writes them in grades and remarks name them,
 * and stats-report reads them (its own list adds "overall"): one list for both. */
/* clang-format off */
#define GRADE_CATEGORY_NAMES                                                                       \
	"spf", "dmarc", "caa", "ns", "soa", "mx", "dnssec", "bimi", "mta_sts", "tls_rpt", "dane",  \
	"dkim", "mta_sts_policy", "security_txt"
/* clang-format on */
#define GRADE_NCATEGORIES 14

/* The objects facts groups its facts in (FG_TOP: facts itself). */
/* clang-format off */
#define FACT_GROUPS(X)                                                                             \
	X(SPF, "spf") X(DMARC, "dmarc") X(CAA, "caa") X(MX, "mx") X(NS, "ns") X(SOA, "soa")        \
	X(DNSSEC, "dnssec") X(BIMI, "bimi") X(SCAN, "scan") X(DNSTATS, "dnstats")                  \
	X(SECURITYTXT, "securitytxt") X(MTASTS, "mta_sts") X(TLSRPT, "tls_rpt") X(DANE, "dane")    \
	X(DKIM, "dkim") X(IPV6, "ipv6") X(STSPOL, "mta_sts_policy")
/* clang-format on */
#define FACT_GROUP_ENUM(id, name) FG_##id,
enum fact_group { FG_TOP, FACT_GROUPS(FACT_GROUP_ENUM) NFACT_GROUPS };
#undef FACT_GROUP_ENUM
extern const char *const fact_group_names[NFACT_GROUPS]; /* NULL for FG_TOP */

/* id, group, name, type, in the order written. A group's facts are consecutive. */
/* clang-format off */
#define FACTS(X)                                                                                   \
	X(EXISTS,            FG_TOP,    "exists",             FACT_BOOL_OR_NULL)                    \
	X(SPF_PRESENT,       FG_SPF,    "present",            FACT_BOOL_OR_NULL)                    \
	X(SPF_POLICY,        FG_SPF,    "policy",             FACT_STR_OR_NULL)                     \
	X(SPF_LOOKUPS,       FG_SPF,    "lookups",            FACT_INT_OR_NULL)                     \
	X(SPF_VOID_LOOKUPS,  FG_SPF,    "void_lookups",       FACT_INT_OR_NULL)                     \
	X(SPF_VALID,         FG_SPF,    "valid",              FACT_BOOL_OR_NULL)                    \
	X(DMARC_PRESENT,     FG_DMARC,  "present",            FACT_BOOL_OR_NULL)                    \
	X(DMARC_VALID,       FG_DMARC,  "valid",              FACT_BOOL_OR_NULL)                    \
	X(DMARC_P,           FG_DMARC,  "p",                  FACT_STR_OR_NULL)                     \
	X(DMARC_SP,          FG_DMARC,  "sp",                 FACT_STR_OR_NULL)                     \
	X(DMARC_NP,          FG_DMARC,  "np",                 FACT_STR_OR_NULL)                     \
	X(DMARC_PCT,         FG_DMARC,  "pct",                FACT_INT_OR_NULL)                     \
	X(DMARC_RUA,         FG_DMARC,  "rua",                FACT_BOOL_OR_NULL)                    \
	X(DMARC_RUF,         FG_DMARC,  "ruf",                FACT_BOOL_OR_NULL)                    \
	X(CAA_PRESENT,       FG_CAA,    "present",            FACT_BOOL_OR_NULL)                    \
	X(CAA_FOUND_AT,      FG_CAA,    "found_at",           FACT_STR_OR_NULL)                     \
	X(CAA_ISSUE_COUNT,   FG_CAA,    "issue_count",        FACT_INT_OR_NULL)                     \
	X(CAA_ISSUE,         FG_CAA,    "issue",              FACT_BOOL_OR_NULL)                    \
	X(CAA_ISSUEWILD,     FG_CAA,    "issuewild",          FACT_BOOL_OR_NULL)                    \
	X(CAA_IODEF,         FG_CAA,    "iodef",              FACT_BOOL_OR_NULL)                    \
	X(MX_PRESENT,        FG_MX,     "present",            FACT_BOOL_OR_NULL)                    \
	X(MX_NULL_MX,        FG_MX,     "null_mx",            FACT_BOOL_OR_NULL)                    \
	X(MX_HOSTS,          FG_MX,     "hosts",              FACT_INT_OR_NULL)                     \
	X(NS_COUNT,          FG_NS,     "count",              FACT_INT_OR_NULL)                     \
	X(NS_LAME,           FG_NS,     "lame",               FACT_INT_OR_NULL)                     \
	X(NS_SERIALS_CONSISTENT, FG_NS, "serials_consistent", FACT_BOOL_OR_NULL)                    \
	X(NS_SETS_CONSISTENT, FG_NS,    "ns_sets_consistent", FACT_BOOL_OR_NULL)                    \
	X(NS_PARENT_CHILD_CONSISTENT, FG_NS, "parent_child_consistent", FACT_BOOL_OR_NULL)          \
	X(SOA_PRESENT,       FG_SOA,    "present",            FACT_BOOL_OR_NULL)                    \
	X(SOA_SERIAL,        FG_SOA,    "serial",             FACT_INT_OR_NULL)                     \
	X(DNSSEC_STATUS,     FG_DNSSEC, "status",             FACT_STR_OR_NULL)                     \
	X(DNSSEC_DS_ALGORITHMS, FG_DNSSEC, "ds_algorithms",   FACT_INTS)                            \
	X(DNSSEC_DNSKEY_ALGORITHMS, FG_DNSSEC, "dnskey_algorithms", FACT_INTS)                      \
	X(BIMI_PRESENT,      FG_BIMI,   "present",            FACT_BOOL_OR_NULL)                    \
	X(BIMI_VALID,        FG_BIMI,   "valid",              FACT_BOOL_OR_NULL)                    \
	X(MTASTS_PRESENT,    FG_MTASTS, "present",            FACT_BOOL_OR_NULL)                    \
	X(MTASTS_VALID,      FG_MTASTS, "valid",              FACT_BOOL_OR_NULL)                    \
	X(MTASTS_ID,         FG_MTASTS, "id",                 FACT_STR_OR_NULL)                     \
	X(TLSRPT_PRESENT,    FG_TLSRPT, "present",            FACT_BOOL_OR_NULL)                    \
	X(TLSRPT_VALID,      FG_TLSRPT, "valid",              FACT_BOOL_OR_NULL)                    \
	X(TLSRPT_RUA_MAILTO, FG_TLSRPT, "rua_mailto",         FACT_BOOL_OR_NULL)                    \
	X(TLSRPT_RUA_HTTPS,  FG_TLSRPT, "rua_https",          FACT_BOOL_OR_NULL)                    \
	X(DANE_PRESENT,      FG_DANE,   "present",            FACT_BOOL_OR_NULL)                    \
	X(DANE_VALIDATED,    FG_DANE,   "validated",          FACT_BOOL_OR_NULL)                    \
	X(DANE_HOSTS,        FG_DANE,   "hosts",              FACT_INT_OR_NULL)                     \
	X(DANE_USAGES,       FG_DANE,   "usages",             FACT_INTS)                            \
	X(DKIM_PRESENT,      FG_DKIM,   "present",            FACT_BOOL_OR_NULL)                    \
	X(IPV6_NS,           FG_IPV6,   "ns",                 FACT_BOOL_OR_NULL)                    \
	X(IPV6_NS_WITHOUT,   FG_IPV6,   "ns_without",         FACT_INT_OR_NULL)                     \
	X(IPV6_MX,           FG_IPV6,   "mx",                 FACT_BOOL_OR_NULL)                    \
	X(IPV6_MX_WITHOUT,   FG_IPV6,   "mx_without",         FACT_INT_OR_NULL)                     \
	X(MAIL_PROVIDER,     FG_TOP,     "mail_provider",      FACT_STR_OR_NULL)                     \
	X(DNS_PROVIDER,      FG_TOP,     "dns_provider",       FACT_STR_OR_NULL)                     \
	X(ACTIVE_DIRECTORY,  FG_TOP,     "active_directory",   FACT_BOOL)                            \
	X(SCAN_QUERIES,      FG_SCAN,   "queries",            FACT_INT)                             \
	X(SCAN_ANSWERED,     FG_SCAN,   "answered",           FACT_INT)                             \
	X(SCAN_TIMEOUTS,     FG_SCAN,   "timeouts",           FACT_INT)                             \
	X(SCAN_SERVFAIL,     FG_SCAN,   "servfail",           FACT_INT)                             \
	X(SCAN_ERRORS,       FG_SCAN,   "errors",             FACT_INT)                             \
	X(SCAN_STATUS,       FG_SCAN,   "status",             FACT_STR_OR_NULL)                     \
	X(SCAN_REFUSED,      FG_SCAN,   "refused",            FACT_INT_OR_NULL)                     \
	X(DNSTATS_HAS_MX,    FG_DNSTATS, "has_mx",            FACT_BOOL_OR_NULL)                    \
	X(DNSTATS_HAS_SPF,   FG_DNSTATS, "has_spf",           FACT_BOOL_OR_NULL)                    \
	X(DNSTATS_SPF_POLICY, FG_DNSTATS, "spf_policy",       FACT_STR_OR_NULL)                     \
	X(DNSTATS_HAS_DMARC, FG_DNSTATS, "has_dmarc",         FACT_BOOL_OR_NULL)                    \
	X(DNSTATS_DMARC_POLICY, FG_DNSTATS, "dmarc_policy",   FACT_STR_OR_NULL)                     \
	X(DNSTATS_DMARC_SUB_POLICY, FG_DNSTATS, "dmarc_sub_policy", FACT_STR_OR_NULL)               \
	X(DNSTATS_HAS_DMARC_RUA, FG_DNSTATS, "has_dmarc_aggregate_reporting", FACT_BOOL_OR_NULL)    \
	X(DNSTATS_HAS_DMARC_RUF, FG_DNSTATS, "has_dmarc_forensic_reporting", FACT_BOOL_OR_NULL)     \
	X(DNSTATS_HAS_CAA,   FG_DNSTATS, "has_caa",           FACT_BOOL_OR_NULL)                    \
	X(DNSTATS_HAS_CAA_REPORTING, FG_DNSTATS, "has_caa_reporting", FACT_BOOL_OR_NULL)            \
	X(DNSTATS_CAA_ISSUE_COUNT, FG_DNSTATS, "caa_issue_count", FACT_INT_OR_NULL)                 \
	X(DNSTATS_CAA_WILDCARD_COUNT, FG_DNSTATS, "caa_wildcard_count", FACT_INT_OR_NULL)           \
	X(DNSTATS_HAS_DNSSEC, FG_DNSTATS, "has_dnssec",       FACT_BOOL_OR_NULL)                    \
	X(DNSTATS_DS_ALGORITHM, FG_DNSTATS, "dnssec_ds_algorithm", FACT_INT_OR_NULL)                \
	X(DNSTATS_DIGEST_TYPE, FG_DNSTATS, "dnssec_digest_type", FACT_INT_OR_NULL)                  \
	X(DNSTATS_DNSKEY_ALGORITHM, FG_DNSTATS, "dnssec_dnskey_algorithm", FACT_INT_OR_NULL)        \
	X(DNSTATS_HAS_MSDC,  FG_DNSTATS, "has_msdc",          FACT_BOOL_OR_NULL)                    \
	X(DNSTATS_HAS_SECURITYTXT, FG_DNSTATS, "has_securitytxt", FACT_BOOL_OR_NULL)             \
	X(STS_PRESENT,       FG_STSPOL, "present",            FACT_BOOL_OR_NULL)                    \
	X(STS_TXT,           FG_STSPOL, "txt",                FACT_BOOL_OR_NULL)                    \
	X(STS_VALID,         FG_STSPOL, "valid",              FACT_BOOL_OR_NULL)                    \
	X(STS_MODE,          FG_STSPOL, "mode",               FACT_STR_OR_NULL)                     \
	X(STS_MAX_AGE,       FG_STSPOL, "max_age",            FACT_INT_OR_NULL)                     \
	X(STS_MX_PATTERNS,   FG_STSPOL, "mx_patterns",        FACT_INT_OR_NULL)                     \
	X(STS_MX_COVERED,    FG_STSPOL, "mx_covered",         FACT_BOOL_OR_NULL)                    \
	X(STS_ERROR,         FG_STSPOL, "error",              FACT_STR_OR_NULL)                     \
	X(SECTXT_PRESENT,    FG_SECURITYTXT, "present",       FACT_BOOL_OR_NULL)                    \
	X(SECTXT_VALID,      FG_SECURITYTXT, "valid",         FACT_BOOL_OR_NULL)                    \
	X(SECTXT_CONTACT,    FG_SECURITYTXT, "contact",       FACT_BOOL_OR_NULL)                    \
	X(SECTXT_EXPIRES,    FG_SECURITYTXT, "expires",       FACT_BOOL_OR_NULL)                    \
	X(SECTXT_EXPIRED,    FG_SECURITYTXT, "expired",       FACT_BOOL_OR_NULL)                    \
	X(SECTXT_SIGNED,     FG_SECURITYTXT, "signed",        FACT_BOOL_OR_NULL)                    \
	X(SECTXT_ERROR,      FG_SECURITYTXT, "error",         FACT_STR_OR_NULL)
/* clang-format on */

#define FACT_ENUM(id, group, name, type) FACT_##id,
enum fact { FACTS(FACT_ENUM) NFACTS };
#undef FACT_ENUM

struct fact_def {
	enum fact_group group;
	const char *name;
	enum fact_type type;
	const char *key; /* as written: "\"name\":" */
	size_t keylen;
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
/* One value as facts_write writes it (nothing for FACT_NULL: the caller writes null). */
void facts_write_value(struct buf *b, enum fact_type type, const struct fact_val *v);
/* The value of every fact in a facts object (from a record that passed jscan), n == 0 when
 * absent or null; facts of a group that is not an object are absent. Of repeated keys the last
 * one counts. group (if not NULL) gets each group's value the same way. */
void facts_pick(struct jspan facts, struct jspan v[NFACTS], struct jspan group[NFACT_GROUPS]);

#endif
