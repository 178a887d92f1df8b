/* SPDX-License-Identifier: ISC */
/* The report's keys and labels, one table each (the types they index are in stats.h): the
 * reader of dns-grade's records (read.c), the model and every output format use them, so they
 * sit below all of them. */
#include "facts.h"
#include "stats.h"

const char *const grade_key[NGRADE] = {GRADE_CATEGORY_NAMES, "overall"};
_Static_assert(NGRADE == GRADE_NCATEGORIES + 1, "dns-grade's categories and overall");
const char *const grade_title[NGRADE] = {"SPF",
					 "DMARC",
					 "CAA",
					 "NS",
					 "SOA",
					 "MX",
					 "DNSSEC",
					 "BIMI",
					 "MTA-STS",
					 "TLS-RPT",
					 "DANE",
					 "DKIM",
					 "MTA-STS policy",
					 "security.txt",
					 "Overall"};
const char *const grade_section[NGRADE] = {"SPF",  "DMARC", "CAA",  "DNS",  "DNS",
					   "Mail", "DNS",   "Mail", "Mail", "Mail",
					   "Mail", "Mail",  "Mail", "Web",  "Grades"};
const char *const tr_key[NTR] = {"valid", "invalid", "absent"};
const char *const sts_key[NSTS] = {"enforce", "testing", "none", "invalid"};
const char *const spf_key[NSPF] = {"fail", "softfail", "neutral", "pass", "no_policy", "absent"};
const char *const spf_label[NSPF] = {"-all (fail)", "~all (softfail)", "?all (neutral)",
				     "+all (pass)", "no all policy",   "no SPF record"};
const char *const dm_key[NDM] = {"none", "quarantine", "reject", "no_policy", "invalid", "absent"};
const char *const dm_label[NDM] = {"none",	"quarantine",	  "reject",
				   "no policy", "invalid record", "no DMARC record"};
const char *const sp_label[NDM] = {"none",	"quarantine",	  "reject",
				   "no sp tag", "invalid record", "no DMARC record"};
const char *const dss_key[NDSS] = {
    "secure",  "insecure", "bogus", "signed-without-ds", /* a DNSKEY and no DS at the parent */
    "unknown",
};
const char *const caa_key[5] = {"0", "1", "2-5", "6-10", "11+"};
const char *const sev_key[NSEV] = {"error", "warning", "notice"};
const char *const scan_key[NSCAN] = {"queries", "answered", "timeouts", "servfail", "errors"};
const char *const status_key[NST] = {"ok", "nxdomain", "partial", "failed", "no_status"};
const char *const status_label[NST] = {"scanned", "does not exist", "partly scanned",
				       "could not be scanned", "no scan status"};
const char *const cause_key[NFC] = {"servfail", "refused", "timeout",  "malformed",
				    "network",	"other",   "not_asked"};
const char *const skip_key[NSK] = {"broken_line", "no_grades", "bad_grade", "unknown_category",
				   "bad_member"};
const long tier_limit[NTIERS] = {1000, 10000, 100000, 0};
const char *const tier_key[NTIERS] = {"top_1000", "top_10000", "top_100000", "all"};
