/* SPDX-License-Identifier: ISC */
/* stats-report: turn graded records (dns-grade's output) into one report of adoption figures,
 * policies, providers and grade distributions, in one streaming pass with flat memory. Unlike
 * the other filters it writes a report, not one line per record. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "facts.h"
#include "jsonw.h"
#include "options.h"
#include "progress.h"
#include "record.h"
#include "stats.h"
#include "tool.h"
#include "xalloc.h"

#include "lists.h"

#define GRADE_NONE INT_MIN
enum { G_SPF, G_DMARC, G_CAA, G_NS, G_SOA, G_MX, G_DNSSEC, G_BIMI, G_OVERALL, NGRADE };
static const char *const grade_key[NGRADE] = {"spf", "dmarc",  "caa",  "ns",	 "soa",
					      "mx",  "dnssec", "bimi", "overall"};
static const char *const grade_title[NGRADE] = {"SPF", "DMARC",	 "CAA",	 "NS",	   "SOA",
						"MX",  "DNSSEC", "BIMI", "Overall"};
static const char *const grade_section[NGRADE] = {"SPF",  "DMARC", "CAA",  "DNS",   "DNS",
						  "Mail", "DNS",   "Mail", "Grades"};

static const char *const spf_key[NSPF] = {"fail", "softfail",  "neutral",
					  "pass", "no_policy", "absent"};
static const char *const spf_label[NSPF] = {"-all (fail)", "~all (softfail)", "?all (neutral)",
					    "+all (pass)", "no all policy",   "no SPF record"};
static const char *const dm_key[NDM] = {"none",	     "quarantine", "reject",
					"no_policy", "invalid",	   "absent"};
static const char *const dm_label[NDM] = {"none",      "quarantine",	 "reject",
					  "no policy", "invalid record", "no DMARC record"};
static const char *const sp_label[NDM] = {"none",      "quarantine",	 "reject",
					  "no sp tag", "invalid record", "no DMARC record"};
enum { DS_SECURE, DS_INSECURE, DS_BOGUS, DS_SIGNED_NO_DS, DS_UNKNOWN, NDSS };
static const char *const dss_key[NDSS] = {
    "secure", "insecure", "bogus",
    "signed-without-ds", /* a DNSKEY and no DS at the parent */
    "unknown",
};
static const char *const caa_key[5] = {"0", "1", "2-5", "6-10", "11+"};
enum { SEV_ERROR, SEV_WARNING, SEV_NOTICE, NSEV };
static const char *const sev_key[NSEV] = {"error", "warning", "notice"};
enum { SC_QUERIES, SC_ANSWERED, SC_TIMEOUTS, SC_SERVFAIL, SC_ERRORS, NSCAN };
static const char *const scan_key[NSCAN] = {"queries", "answered", "timeouts", "servfail",
					    "errors"};

/* What dns-scan says of the domain (.dns.status; facts.exists false from dns-grade reads as
 * nxdomain). Records without a status (older pipelines) count as scanned, as before. */
enum { ST_OK, ST_NXDOMAIN, ST_PARTIAL, ST_FAILED, ST_NONE, NST };
static const char *const status_key[NST] = {"ok", "nxdomain", "partial", "failed", "no_status"};
static const char *const status_label[NST] = {"scanned", "does not exist", "partly scanned",
					      "could not be scanned", "no scan status"};
/* Why a domain that exists was not (fully) scanned: dns-scan's .dns.failed causes (a question
 * failed that way), then "not asked" (a part left ungraded while nothing failed). */
enum { FC_SERVFAIL, FC_REFUSED, FC_TIMEOUT, FC_MALFORMED, FC_NETWORK, FC_OTHER, FC_NOT_ASKED, NFC };
static const char *const cause_key[NFC] = {"servfail", "refused", "timeout",  "malformed",
					   "network",  "other",	  "not_asked"};

/* Skip reasons, in report order. */
enum { SK_BROKEN, SK_NO_GRADES, SK_BAD_GRADE, SK_UNKNOWN_CATEGORY, SK_BAD_MEMBER, NSK };
static const char *const skip_key[NSK] = {"broken_line", "no_grades", "bad_grade",
					  "unknown_category", "bad_member"};

/* The counters of one rank tier (or of the whole run). */
struct agg {
	long long n;
	long long status[NST], cause[NFC], exists, scanned_n;
	long long cn[G_OVERALL + 1]; /* domains counted in a part's figures (G_OVERALL: overall) */
	long long spf, dmarc, dmarc_sp, dmarc_rua, mx, null_mx, caa, caa_iodef, ds, bimi, ad;
	long long ns_lame, ns_inconsistent;
	long long spf_pol[NSPF], dm_p[NDM], dm_sp[NDM], caa_b[5], dnssec[NDSS];
	long long hist[NGRADE][10], gn[NGRADE], gsum[NGRADE];
	long long sev[NSEV], with_remarks;
	long long scan[NSCAN], scanned;
	long long scale_domstat, scale_dnstats, scale_other;
	long long mail_none, dns_none;
	struct names mail, dnsp, codes;
};

struct options {
	const char *field;
	enum out_format format;
	bool format_set;
	long top;
	const char *date;
	const char *history;
	bool list_runs;
	long long run;
	const char *lists;
	bool store;
	const char *store_path;
	size_t max_line;
	enum progress_mode progress;
	char **files;
	int nfiles;
};

/* Tiers when records carry a rank. */
static const long tier_limit[] = {1000, 10000, 100000, 0};
static const char *const tier_key[] = {"top_1000", "top_10000", "top_100000", "all"};
#define NTIERS 4

struct run {
	struct agg all, tier[NTIERS - 1];
	bool ranked;
	long long lines, skipped, skip[NSK];
	struct buf s1, mail, dnsp, codes; /* decoded strings of the current record */
	struct lists *lists;
	const struct options *o;
};

/* Members are read straight from the spans of the record layer's validated text: no tree is
 * built, nothing is allocated per record (json-c's tree was two thirds of the run time). */
static bool
sget(struct jspan obj, const char *key, struct jspan *v)
{
	if (!obj.n || obj.p[0] != '{' || !jscan_get(obj, key, strlen(key), v))
		return false;
	return !(v->n == 4 && !memcmp(v->p, "null", 4)); /* null reads as absent */
}

static bool
is_obj(struct jspan v)
{
	return v.n && v.p[0] == '{';
}

/* A JSON integer (no fraction or exponent) that fits; false for anything else. */
static bool
span_int(struct jspan v, long long *out)
{
	size_t i = v.n && v.p[0] == '-';
	if (i == v.n || v.n - i > 18)
		return false;
	long long x = 0;
	for (; i < v.n; i++) {
		if (v.p[i] < '0' || v.p[i] > '9')
			return false;
		x = x * 10 + (v.p[i] - '0');
	}
	*out = v.p[0] == '-' ? -x : x;
	return true;
}

/* The decoded string member, or NULL; the text lives in b until its next use. */
static const char *
sstr(struct jspan obj, const char *key, struct buf *b)
{
	struct jspan v;
	if (!sget(obj, key, &v) || v.p[0] != '"')
		return NULL;
	buf_reset(b);
	jscan_str_decode(v, b);
	return buf_str(b);
}

static int
dm_policy(const char *p)
{
	if (!p)
		return DM_NOPOLICY;
	for (int i = 0; i < DM_NOPOLICY; i++)
		if (!strcmp(p, dm_key[i]))
			return i;
	return DM_INVALID;
}

static bool
known_category(const char *s)
{
	for (int i = 0; i < G_OVERALL; i++)
		if (!strcmp(s, grade_key[i]))
			return true;
	return false;
}

/* What one graded record says, extracted before anything is counted. */
#define MAX_CODES 64
struct obs {
	int grade[NGRADE]; /* GRADE_NONE: not graded */
	int spf_pol, dm_p, dm_sp, dnssec, caa_bucket;
	bool spf, dmarc, dmarc_sp, dmarc_rua, mx, null_mx, caa, caa_iodef, ds, bimi, ad;
	bool ns_lame, ns_inconsistent;
	int securitytxt; /* -1 unknown */
	bool has_mail, has_dnsp;
	const char *scale;
	long long scan[NSCAN];
	bool scanned;
	int status;
	bool cause[NFC];
	bool counted[G_OVERALL + 1]; /* of the domains that exist and were scanned for that part */
	bool scanned_any;	     /* exists, not a failed scan, some part graded */
	bool has_status;	     /* .dns.status was there */
	int ngraded;		     /* grades that are not null */
	bool sev[NSEV];
	size_t code_at[MAX_CODES]; /* offsets into run->codes */
	size_t ncodes;
	long rank;
};

static int
read_grades(struct run *run, struct record *r, struct obs *ob)
{
	struct jspan g;
	if (!rec_get(r, "grades", &g) || !is_obj(g)) {
		rec_error(r, "no grades: record skipped");
		return SK_NO_GRADES;
	}
	int n = 0, nnull = 0;
	size_t it = 0;
	struct jmember m;
	while (jscan_object_next(g, &it, &m)) {
		int i = 0;
		while (i < NGRADE && !jscan_key_eq(m.key, grade_key[i], strlen(grade_key[i])))
			i++;
		if (i == NGRADE) {
			buf_reset(&run->s1);
			jscan_str_decode(m.key, &run->s1);
			rec_error(r, "unknown grade category '%s': record skipped", run->s1.s);
			return SK_UNKNOWN_CATEGORY;
		}
		if (m.val.n == 4 && !memcmp(m.val.p, "null", 4)) {
			nnull++;
			continue;
		}
		long long x;
		/* DNStats' scale goes below 0 (CAA) and above 100 (DMARC, overall) */
		bool dnstats = ob->scale && !strcmp(ob->scale, "dnstats");
		if (!span_int(m.val, &x) || (!dnstats && (x < 0 || x > 100)) ||
		    (dnstats && (x < -100000 || x > 100000))) {
			rec_error(r, "grade '%s' is not an integer from 0 to 100: record skipped",
				  grade_key[i]);
			return SK_BAD_GRADE;
		}
		ob->grade[i] = (int)x;
		n++;
	}
	/* every grade null: a domain that does not exist or could not be scanned, counted as such
	 * (in no part's figures); an empty grades object is not a graded record */
	ob->ngraded = n;
	if (!n && !nnull) {
		rec_error(r, "no grades: record skipped");
		return SK_NO_GRADES;
	}
	return -1;
}

static int
read_remarks(struct run *run, struct record *r, struct obs *ob)
{
	struct jspan a, m;
	if (!rec_get(r, "remarks", &a) || (a.n == 4 && !memcmp(a.p, "null", 4)))
		return -1;
	if (a.p[0] != '[') {
		rec_error(r, "remarks is not an array: record skipped");
		return SK_BAD_MEMBER;
	}
	buf_reset(&run->codes);
	size_t it = 0;
	while (jscan_array_next(a, &it, &m)) {
		const char *cat = sstr(m, "category", &run->s1);
		/* "domain": dns-grade's remark on the domain as a whole (DOMAIN_DOES_NOT_EXIST) */
		if (!cat || (!known_category(cat) && strcmp(cat, "domain"))) {
			rec_error(r, "remark with unknown category '%s': record skipped",
				  cat ? cat : "(none)");
			return SK_UNKNOWN_CATEGORY;
		}
		const char *sev = sstr(m, "severity", &run->s1);
		for (int j = 0; sev && j < NSEV; j++)
			if (!strcmp(sev, sev_key[j]))
				ob->sev[j] = true;
		const char *code = sstr(m, "code", &run->s1);
		if (!code)
			continue;
		bool seen = false;
		for (size_t j = 0; j < ob->ncodes && !seen; j++)
			seen = !strcmp(run->codes.s + ob->code_at[j], code);
		if (!seen && ob->ncodes < MAX_CODES) {
			ob->code_at[ob->ncodes++] = run->codes.len;
			buf_add(&run->codes, code, strlen(code) + 1);
		}
	}
	return -1;
}

/* One pass over an object's members, picking the values of the keys asked for (absent and null
 * ones have n == 0): lookups one by one would skip over the same text again and again. */
static void
spick(struct jspan obj, const char *const keys[], struct jspan out[], size_t nkeys)
{
	size_t len[16];
	memset(out, 0, nkeys * sizeof *out);
	if (!is_obj(obj) || nkeys > sizeof len / sizeof *len)
		return;
	for (size_t i = 0; i < nkeys; i++)
		len[i] = strlen(keys[i]);
	size_t it = 0;
	struct jmember m;
	while (jscan_object_next(obj, &it, &m)) {
		if (m.val.n == 4 && !memcmp(m.val.p, "null", 4))
			continue;
		/* keys are plain ASCII; only an escaped key needs the careful comparison */
		const char *kp = m.key.p + 1;
		size_t kl = m.key.n - 2;
		bool esc = memchr(kp, '\\', kl) != NULL;
		for (size_t i = 0; i < nkeys; i++)
			if (esc ? jscan_key_eq(m.key, keys[i], len[i])
				: kl == len[i] && !memcmp(kp, keys[i], kl)) {
				out[i] = m.val;
				break;
			}
	}
}

static bool
vtrue(struct jspan v)
{
	return v.n == 4 && !memcmp(v.p, "true", 4);
}

static bool
vfalse(struct jspan v)
{
	return v.n == 5 && !memcmp(v.p, "false", 5);
}

static const char *
vstr(struct jspan v, struct buf *b)
{
	if (!v.n || v.p[0] != '"')
		return NULL;
	buf_reset(b);
	jscan_str_decode(v, b);
	return buf_str(b);
}

static int
status_of(struct jspan v)
{
	for (int i = 0; i < ST_NONE; i++)
		if (v.n == strlen(status_key[i]) + 2 && !memcmp(v.p + 1, status_key[i], v.n - 2))
			return i;
	return ST_NONE;
}

/* The scan's verdict on the domain (dns-scan's .dns.status and .dns.failed; dns-grade's copy in
 * facts.scan.status when the dns member is gone) and dns-grade's facts.exists; read before the
 * grades, since a domain that does not exist has none. */
static void
read_status(struct record *r, struct obs *ob)
{
	struct jspan d, v, f, fails[FC_NOT_ASKED];
	ob->status = ST_NONE;
	if (rec_get(r, "dns", &d) && is_obj(d)) {
		if (sget(d, "status", &v) && v.p[0] == '"') {
			ob->status = status_of(v);
			ob->has_status = true;
		}
		if (sget(d, "failed", &f)) {
			spick(f, cause_key, fails, FC_NOT_ASKED);
			for (int i = 0; i < FC_NOT_ASKED; i++) {
				long long x;
				ob->cause[i] = span_int(fails[i], &x) && x > 0;
			}
		}
	}
}

/* The rest of the verdict, from facts (read_facts): dns-grade's copy of the status when the dns
 * member is gone, and facts.exists false, which comes with every grade null (looked for only
 * then: another pass over every record's facts would cost a third of the run time). */
static void
read_status_facts(struct jspan f, struct jspan scan, struct obs *ob)
{
	static const char *const status_key1[] = {"status"};
	struct jspan v;
	/* most records have no such member: a memmem is much cheaper than walking the object */
	if (!ob->has_status && scan.n && memmem(scan.p, scan.n, "\"status\"", 8)) {
		spick(scan, status_key1, &v, 1);
		if (v.n && v.p[0] == '"')
			ob->status = status_of(v);
	}
	if (!ob->ngraded && sget(f, "exists", &v) && vfalse(v))
		ob->status = ST_NXDOMAIN;
}

/* Which parts' figures count the domain: one that exists, was not a failed scan, and has a
 * grade for that part (dns-grade gives null to a part whose data is unknown). The figures and
 * the lists both go by this, so they agree on every domain. */
static void
set_counted(struct obs *ob)
{
	bool scanned = ob->status != ST_NXDOMAIN && ob->status != ST_FAILED;
	bool any_missing = false;
	for (int i = 0; i <= G_OVERALL; i++) {
		ob->counted[i] = scanned && ob->grade[i] != GRADE_NONE;
		any_missing |= i < G_OVERALL && !ob->counted[i];
	}
	bool any_failed = false, any_counted = false;
	for (int i = 0; i < FC_NOT_ASKED; i++)
		any_failed |= ob->cause[i];
	for (int i = 0; i < G_OVERALL; i++)
		any_counted |= ob->counted[i];
	/* a domain with no part graded tells nothing of its mail or name servers either */
	ob->scanned_any = scanned && any_counted;
	/* only a record that says what failed can say that nothing did */
	ob->cause[FC_NOT_ASKED] =
	    (ob->status == ST_OK || ob->status == ST_PARTIAL) && any_missing && !any_failed;
	if (ob->status == ST_NXDOMAIN)
		memset(ob->cause, 0, sizeof ob->cause);
}

/* The facts of scan, in scan_key's order. */
static const enum fact scan_fact[NSCAN] = {FACT_SCAN_QUERIES, FACT_SCAN_ANSWERED,
					   FACT_SCAN_TIMEOUTS, FACT_SCAN_SERVFAIL,
					   FACT_SCAN_ERRORS};

static int
read_facts(struct run *run, struct record *r, struct obs *ob)
{
	struct jspan f, v[NFACTS], group[NFACT_GROUPS];
	ob->spf_pol = SPF_ABSENT;
	ob->dm_p = ob->dm_sp = DM_ABSENT;
	ob->dnssec = DS_UNKNOWN;
	ob->securitytxt = -1;
	if (!rec_get(r, "facts", &f) || (f.n == 4 && !memcmp(f.p, "null", 4)))
		return -1; /* graded without facts: every adoption figure counts it as "no" */
	if (!is_obj(f)) {
		rec_error(r, "facts is not an object: record skipped");
		return SK_BAD_MEMBER;
	}
	facts_pick(f, v, group);
	read_status_facts(f, group[FG_SCAN], ob);

	ob->spf = vtrue(v[FACT_SPF_PRESENT]);
	if (ob->spf) {
		const char *p = vstr(v[FACT_SPF_POLICY], &run->s1);
		static const char *const pol[] = {"-all", "~all", "?all", "+all"};
		ob->spf_pol = SPF_NOPOLICY;
		for (int i = 0; p && i < 4; i++)
			if (!strcmp(p, pol[i]))
				ob->spf_pol = i;
	}

	ob->dmarc = vtrue(v[FACT_DMARC_PRESENT]);
	if (ob->dmarc) {
		struct jspan sp = v[FACT_DMARC_SP];
		ob->dmarc_rua = vtrue(v[FACT_DMARC_RUA]);
		ob->dmarc_sp = sp.n && sp.p[0] == '"';
		if (v[FACT_DMARC_VALID].n && !vtrue(v[FACT_DMARC_VALID])) {
			ob->dm_p = ob->dm_sp = DM_INVALID;
		} else {
			ob->dm_p = dm_policy(vstr(v[FACT_DMARC_P], &run->s1));
			ob->dm_sp = dm_policy(vstr(sp, &run->s1));
		}
	}

	ob->caa = vtrue(v[FACT_CAA_PRESENT]);
	ob->caa_iodef = vtrue(v[FACT_CAA_IODEF]);
	long long ic = 0;
	span_int(v[FACT_CAA_ISSUE_COUNT], &ic);
	ob->caa_bucket = ic <= 0 ? 0 : ic == 1 ? 1 : ic <= 5 ? 2 : ic <= 10 ? 3 : 4;

	ob->mx = vtrue(v[FACT_MX_PRESENT]);
	ob->null_mx = vtrue(v[FACT_MX_NULL_MX]);

	long long lame = 0;
	ob->ns_lame = span_int(v[FACT_NS_LAME], &lame) && lame > 0;
	ob->ns_inconsistent =
	    vfalse(v[FACT_NS_SERIALS_CONSISTENT]) || vfalse(v[FACT_NS_SETS_CONSISTENT]);

	const char *st = vstr(v[FACT_DNSSEC_STATUS], &run->s1);
	for (int i = 0; st && i < DS_UNKNOWN; i++)
		if (!strcmp(st, dss_key[i]))
			ob->dnssec = i;
	size_t it = 0;
	struct jspan e, ds = v[FACT_DNSSEC_DS_ALGORITHMS];
	ob->ds = ds.n && ds.p[0] == '[' && jscan_array_next(ds, &it, &e);

	ob->bimi = vtrue(v[FACT_BIMI_PRESENT]);
	ob->ad = vtrue(v[FACT_ACTIVE_DIRECTORY]);
	ob->has_mail = vstr(v[FACT_MAIL_PROVIDER], &run->mail) != NULL;
	ob->has_dnsp = vstr(v[FACT_DNS_PROVIDER], &run->dnsp) != NULL;
	if (is_obj(group[FG_SCAN])) {
		ob->scanned = true;
		for (int i = 0; i < NSCAN; i++) {
			long long x = 0;
			if (span_int(v[scan_fact[i]], &x) && x > 0)
				ob->scan[i] = x;
		}
	}
	/* not one of dns-grade's facts: another enricher's security.txt check */
	static const char *const present_key[] = {"present"};
	struct jspan present;
	spick(group[FG_SECURITYTXT], present_key, &present, 1);
	if (present.n)
		ob->securitytxt = vtrue(present);
	return -1;
}

static void
agg_add(const struct run *run, struct agg *a, const struct obs *ob, bool names)
{
	a->n++;
	a->status[ob->status]++;
	for (int i = 0; i < NFC; i++)
		a->cause[i] += ob->cause[i];
	if (ob->scanned) {
		a->scanned++;
		for (int i = 0; i < NSCAN; i++)
			a->scan[i] += ob->scan[i];
	}
	if (ob->status == ST_NXDOMAIN)
		return;
	a->exists++;
	for (int i = 0; i <= G_OVERALL; i++)
		a->cn[i] += ob->counted[i];
	/* each part's figures count only the domains scanned for that part */
	const bool *c = ob->counted;
	if (c[G_SPF]) {
		a->spf += ob->spf;
		a->spf_pol[ob->spf_pol]++;
	}
	if (c[G_DMARC]) {
		a->dmarc += ob->dmarc;
		a->dmarc_sp += ob->dmarc_sp;
		a->dmarc_rua += ob->dmarc_rua;
		a->dm_p[ob->dm_p]++;
		a->dm_sp[ob->dm_sp]++;
	}
	if (c[G_MX]) {
		a->mx += ob->mx;
		a->null_mx += ob->null_mx;
	}
	if (c[G_CAA]) {
		a->caa += ob->caa;
		a->caa_iodef += ob->caa_iodef;
		a->caa_b[ob->caa_bucket]++;
	}
	if (c[G_DNSSEC]) {
		a->ds += ob->ds;
		a->dnssec[ob->dnssec]++;
	}
	if (c[G_BIMI])
		a->bimi += ob->bimi;
	if (c[G_NS]) {
		a->ns_lame += ob->ns_lame;
		a->ns_inconsistent += ob->ns_inconsistent;
	}
	for (int i = 0; i < NGRADE; i++) {
		if (!c[i])
			continue;
		/* 10-point bins; a perfect 100 belongs in the top bin */
		int bin = ob->grade[i] >= 90 ? 9 : ob->grade[i] < 0 ? 0 : ob->grade[i] / 10;
		a->hist[i][bin]++;
		a->gn[i]++;
		a->gsum[i] += ob->grade[i];
	}
	if (!ob->scanned_any)
		return;
	/* the rest is of every domain that exists and was scanned at all */
	a->scanned_n++;
	a->ad += ob->ad;
	bool any = false;
	for (int i = 0; i < NSEV; i++) {
		a->sev[i] += ob->sev[i];
		any |= ob->sev[i];
	}
	a->with_remarks += any || ob->ncodes;
	if (!ob->scale)
		a->scale_other++;
	else if (!strcmp(ob->scale, "domstat"))
		a->scale_domstat++;
	else if (!strcmp(ob->scale, "dnstats"))
		a->scale_dnstats++;
	else
		a->scale_other++;
	if (!names)
		return;
	if (ob->has_mail)
		names_add(&a->mail, run->mail.s, strlen(run->mail.s));
	else
		a->mail_none++;
	if (ob->has_dnsp)
		names_add(&a->dnsp, run->dnsp.s, strlen(run->dnsp.s));
	else
		a->dns_none++;
	for (size_t i = 0; i < ob->ncodes; i++) {
		const char *code = run->codes.s + ob->code_at[i];
		names_add(&a->codes, code, strlen(code));
	}
}

static long
record_rank(const struct record *r)
{
	struct jspan s;
	if (!rec_get(r, "rank", &s) || s.n > 12)
		return -1;
	long v = 0;
	for (size_t i = 0; i < s.n; i++) {
		if (s.p[i] < '0' || s.p[i] > '9')
			return -1;
		v = v * 10 + (s.p[i] - '0');
	}
	return v > 0 ? v : -1;
}

static void
take_record(struct run *run, struct record *r)
{
	if (r->kind == REC_BLANK)
		return;
	run->lines++;
	int why = -1;
	struct obs ob;
	memset(&ob, 0, sizeof ob);
	if (r->kind == REC_BAD) {
		why = SK_BROKEN; /* rec_read has reported it */
	} else if (r->kind != REC_JSON) {
		rec_error(r, "not a graded record (a bare name): record skipped");
		why = SK_NO_GRADES;
	} else {
		for (int i = 0; i < NGRADE; i++)
			ob.grade[i] = GRADE_NONE;
		struct jspan s;
		if (rec_get(r, "grade_scale", &s) && s.p[0] == '"') {
			/* the scale names are plain ASCII; compare the quoted text */
			if (s.n == 9 && !memcmp(s.p, "\"domstat\"", 9))
				ob.scale = "domstat";
			else if (s.n == 9 && !memcmp(s.p, "\"dnstats\"", 9))
				ob.scale = "dnstats";
			else
				ob.scale = "other";
		}
		read_status(r, &ob);
		why = read_grades(run, r, &ob);
		if (why < 0)
			why = read_remarks(run, r, &ob);
		if (why < 0)
			why = read_facts(run, r, &ob);
		set_counted(&ob);
	}
	if (why >= 0) {
		run->skipped++;
		run->skip[why]++;
	} else {
		ob.rank = record_rank(r);
		agg_add(run, &run->all, &ob, true);
		if (ob.rank > 0) {
			run->ranked = true;
			for (int i = 0; i < NTIERS - 1; i++)
				if (ob.rank <= tier_limit[i])
					agg_add(run, &run->tier[i], &ob, false);
		}
		if (run->lists) {
			struct list_obs lo = {
			    .mx = ob.mx,
			    .ds = ob.ds,
			    .caa = ob.caa,
			    .caa_reporting = ob.caa_iodef,
			    .dmarc = ob.dmarc,
			    .dmarc_policy = ob.dm_p,
			    .spf = ob.spf,
			    .spf_policy = ob.spf_pol,
			    .securitytxt = ob.securitytxt,
			    .rank = ob.rank,
			    .scanned = ob.scanned_any,
			    .mx_known = ob.counted[G_MX],
			    .ds_known = ob.counted[G_DNSSEC],
			    .caa_known = ob.counted[G_CAA],
			    .dmarc_known = ob.counted[G_DMARC],
			    .spf_known = ob.counted[G_SPF],
			};
			lists_add(run->lists, &lo, r->has_name ? r->name.s : "",
				  r->has_name ? r->name.len : 0);
		}
	}
}

/* Building the model from the counters. */

/* What a part's figures are "of": the domains that exist and were scanned for that part. */
static const char *
of_part(int g)
{
	static const char *const of[NGRADE] = {
	    "domains that exist and were scanned for SPF",
	    "domains that exist and were scanned for DMARC",
	    "domains that exist and were scanned for CAA",
	    "domains that exist and were scanned for NS",
	    "domains that exist and were scanned for SOA",
	    "domains that exist and were scanned for MX",
	    "domains that exist and were scanned for DNSSEC",
	    "domains that exist and were scanned for BIMI",
	    "domains that exist and were scanned for every part graded overall",
	};
	return of[g];
}

#define OF_SCANNED "domains that exist and were scanned"

static void
adoption(struct figure **figs, size_t *n, const char *key, const char *title, const char *section,
	 long long yes, long long all, const char *of)
{
	struct figure *f = report_add_fig(figs, n, key, title, section, FK_ADOPTION, of, all);
	fig_add_item(f, "yes", "yes", yes);
	fig_add_item(f, "no", "no", all - yes);
}

static void
histogram(struct figure **figs, size_t *n, const struct agg *a, int g)
{
	char key[32], title[64];
	snprintf(key, sizeof key, "grade_%s", grade_key[g]);
	snprintf(title, sizeof title, "%s grade", grade_title[g]);
	struct figure *f =
	    report_add_fig(figs, n, key, title, grade_section[g], FK_HIST, of_part(g), a->gn[g]);
	if (a->gn[g]) {
		f->has_mean = true;
		f->mean = (double)a->gsum[g] / (double)a->gn[g];
	}
	for (int b = 0; b < 10; b++) {
		char k[8], l[16];
		snprintf(k, sizeof k, "%d", b * 10);
		snprintf(l, sizeof l, "%d-%d", b * 10, b == 9 ? 100 : b * 10 + 9);
		fig_add_item(f, k, l, a->hist[g][b]);
	}
}

/* How many domains did not exist and how many could not be scanned, by cause and by part: the
 * difference between the run's domains and each figure's denominator. */
static void
scan_figs(const struct agg *a, struct figure **figs, size_t *n)
{
	struct figure *f = report_add_fig(figs, n, "scan_status", "Domains by scan status", "Scan",
					  FK_DIST, "graded domains", a->n);
	for (int i = 0; i < NST; i++)
		fig_add_item(f, status_key[i], status_label[i], a->status[i]);
	f = report_add_fig(figs, n, "not_scanned_causes", "Domains not fully scanned, by cause",
			   "Scan", FK_COUNTS, "domains that exist", a->exists);
	static const char *const cause_label[NFC] = {"SERVFAIL",
						     "REFUSED",
						     "timeout",
						     "malformed answer",
						     "network error",
						     "other error",
						     "not asked (left out by the scan profile)"};
	for (int i = 0; i < NFC; i++)
		fig_add_item(f, cause_key[i], cause_label[i], a->cause[i]);
	f = report_add_fig(figs, n, "not_scanned_parts",
			   "Domains left out of a part's figures (not scanned for it)", "Scan",
			   FK_COUNTS, "domains that exist", a->exists);
	for (int i = 0; i < G_OVERALL; i++)
		fig_add_item(f, grade_key[i], grade_title[i], a->exists - a->cn[i]);
}

static void
build_figs(const struct agg *a, struct figure **figs, size_t *n, bool full, long ntop)
{
	const long long *cn = a->cn;
	long long S = a->scanned_n;
	adoption(figs, n, "spf_adoption", "SPF adoption", "SPF", a->spf, cn[G_SPF], of_part(G_SPF));
	if (full) {
		struct figure *f = report_add_fig(figs, n, "spf_policy", "SPF policy", "SPF",
						  FK_DIST, of_part(G_SPF), cn[G_SPF]);
		for (int i = 0; i < NSPF; i++)
			fig_add_item(f, spf_key[i], spf_label[i], a->spf_pol[i]);
		histogram(figs, n, a, G_SPF);
	}
	const char *dm = of_part(G_DMARC);
	adoption(figs, n, "dmarc_adoption", "DMARC adoption", "DMARC", a->dmarc, cn[G_DMARC], dm);
	adoption(figs, n, "dmarc_sp_adoption", "DMARC subdomain policy adoption", "DMARC",
		 a->dmarc_sp, cn[G_DMARC], dm);
	adoption(figs, n, "dmarc_reporting", "DMARC aggregate reporting (rua)", "DMARC",
		 a->dmarc_rua, cn[G_DMARC], dm);
	if (full) {
		struct figure *f = report_add_fig(figs, n, "dmarc_policy", "DMARC policy (p)",
						  "DMARC", FK_DIST, dm, cn[G_DMARC]);
		for (int i = 0; i < NDM; i++)
			fig_add_item(f, dm_key[i], dm_label[i], a->dm_p[i]);
		f = report_add_fig(figs, n, "dmarc_sp_policy", "DMARC subdomain policy (sp)",
				   "DMARC", FK_DIST, dm, cn[G_DMARC]);
		for (int i = 0; i < NDM; i++)
			fig_add_item(f, dm_key[i], sp_label[i], a->dm_sp[i]);
		histogram(figs, n, a, G_DMARC);
	}
	const char *caa = of_part(G_CAA);
	adoption(figs, n, "caa_adoption", "CAA adoption", "CAA", a->caa, cn[G_CAA], caa);
	adoption(figs, n, "caa_reporting", "CAA reporting (iodef)", "CAA", a->caa_iodef, cn[G_CAA],
		 caa);
	if (full) {
		struct figure *f = report_add_fig(figs, n, "caa_issue_count", "CAA issue count",
						  "CAA", FK_DIST, caa, cn[G_CAA]);
		for (int i = 0; i < 5; i++)
			fig_add_item(f, caa_key[i], caa_key[i], a->caa_b[i]);
		histogram(figs, n, a, G_CAA);
	}
	const char *mx = of_part(G_MX);
	adoption(figs, n, "mx_adoption", "Has MX records", "Mail", a->mx, cn[G_MX], mx);
	adoption(figs, n, "null_mx", "Null MX (RFC 7505)", "Mail", a->null_mx, cn[G_MX], mx);
	adoption(figs, n, "bimi_adoption", "BIMI adoption", "Mail", a->bimi, cn[G_BIMI],
		 of_part(G_BIMI));
	if (full) {
		histogram(figs, n, a, G_MX);
		histogram(figs, n, a, G_BIMI);
	}
	const char *dnssec = of_part(G_DNSSEC);
	adoption(figs, n, "dnssec_adoption", "DNSSEC adoption (DS present)", "DNS", a->ds,
		 cn[G_DNSSEC], dnssec);
	if (full) {
		struct figure *f = report_add_fig(figs, n, "dnssec_status", "DNSSEC status", "DNS",
						  FK_DIST, dnssec, cn[G_DNSSEC]);
		for (int i = 0; i < NDSS; i++)
			fig_add_item(f, dss_key[i], dss_key[i], a->dnssec[i]);
		histogram(figs, n, a, G_DNSSEC);
	}
	const char *ns = of_part(G_NS);
	adoption(figs, n, "ns_lame", "Lame delegation (a lame name server)", "DNS", a->ns_lame,
		 cn[G_NS], ns);
	adoption(figs, n, "ns_inconsistent", "Name servers disagree (serial or NS set)", "DNS",
		 a->ns_inconsistent, cn[G_NS], ns);
	adoption(figs, n, "active_directory", "Active Directory records exposed", "DNS", a->ad, S,
		 OF_SCANNED);
	if (full) {
		histogram(figs, n, a, G_NS);
		histogram(figs, n, a, G_SOA);
		fig_top(figs, n, "mail_providers", "Mail providers", "Providers", OF_SCANNED, S,
			&a->mail, a->mail_none, "no provider recognised", ntop);
		fig_top(figs, n, "dns_providers", "DNS providers", "Providers", OF_SCANNED, S,
			&a->dnsp, a->dns_none, "no provider recognised", ntop);
	}
	histogram(figs, n, a, G_OVERALL);
	if (!full)
		return;
	struct figure *f =
	    report_add_fig(figs, n, "grade_scale", "Grade scale", "Grades", FK_DIST, OF_SCANNED, S);
	fig_add_item(f, "domstat", "domstat", a->scale_domstat);
	fig_add_item(f, "dnstats", "dnstats", a->scale_dnstats);
	fig_add_item(f, "other", "other or missing", a->scale_other);
	f = report_add_fig(figs, n, "remark_severity", "Domains with remarks, by severity",
			   "Remarks", FK_COUNTS, OF_SCANNED, S);
	fig_add_item(f, "any", "any remark", a->with_remarks);
	for (int i = 0; i < NSEV; i++)
		fig_add_item(f, sev_key[i], sev_key[i], a->sev[i]);
	fig_top(figs, n, "remark_codes", "Top remark codes", "Remarks",
		OF_SCANNED " (each counted once per code)", S, &a->codes, 0, NULL, ntop);
	scan_figs(a, figs, n);
	f = report_add_fig(figs, n, "scan_health", "Scan health", "Scan", FK_COUNTS, "DNS queries",
			   a->scan[SC_QUERIES]);
	for (int i = SC_ANSWERED; i < NSCAN; i++)
		fig_add_item(f, scan_key[i], scan_key[i], a->scan[i]);
}

static void
build_report(struct run *run, struct report *rep)
{
	memset(rep, 0, sizeof *rep);
	rep->lines = run->lines;
	rep->records = run->all.n;
	rep->skipped = run->skipped;
	for (int i = 0; i < NSK; i++) {
		if (!run->skip[i])
			continue;
		rep->skip = xrealloc(rep->skip, (rep->nskip + 1) * sizeof *rep->skip);
		struct item *it = &rep->skip[rep->nskip++];
		memset(it, 0, sizeof *it);
		it->key = xstrdup(skip_key[i]);
		it->label = xstrdup(skip_key[i]);
		it->count = run->skip[i];
	}
	build_figs(&run->all, &rep->figs, &rep->nfigs, true, run->o->top);
	if (!run->ranked)
		return;
	rep->ntiers = NTIERS;
	rep->tiers = xcalloc(NTIERS, sizeof *rep->tiers);
	for (int i = 0; i < NTIERS; i++) {
		struct tier *t = &rep->tiers[i];
		const struct agg *a = i < NTIERS - 1 ? &run->tier[i] : &run->all;
		t->key = xstrdup(tier_key[i]);
		t->limit = tier_limit[i];
		t->domains = a->n;
		build_figs(a, &t->figs, &t->nfigs, false, 0);
	}
}

enum { OPT_DATE = 256, OPT_TOP, OPT_HISTORY, OPT_LIST_RUNS, OPT_RUN, OPT_LISTS, OPT_STORE };

static const struct opt opt_table[] = {
    {'f', "field", "PATH", "member holding the domain (default domain)", NULL},
    {'F', "format", "FORMAT",
     "text (default on a terminal), json (default otherwise),\n"
     "markdown, or html (one self-contained file)",
     NULL},
    {OPT_DATE, "date", "DATE",
     "the run's date, YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ\n(default: now)", NULL},
    {OPT_TOP, "top", "N", "providers and remark codes shown by name (default 10)", NULL},
    {OPT_HISTORY, "history", "FILE",
     "store the run's figures in FILE (SQLite) and show the\nchange against the previous run",
     NULL},
    {OPT_LIST_RUNS, "list-runs", NULL, "with --history: list the stored runs", "none"},
    {OPT_RUN, "run", "ID", "with --history: render a stored run again", "none"},
    {OPT_LISTS, "lists", "DIR", "write DNStats' domain lists as DIR/NAME.csv and .json", NULL},
    {OPT_STORE, "store", "[FILE]",
     "summarise the seen-db/domain-born store instead\n"
     "(default $DOMSTAT_DB, else the XDG data folder)",
     "none"},
    OPT_ROW_MAX_LINE("1048576", NULL),
    OPT_ROWS_COMMON,
};

static const struct opt_form forms[] = {
    {"list-runs", "--history FILE --list-runs", NULL},
    {"run", "--history FILE --run ID", "[-F FORMAT]"},
    {"store", "--store [FILE]", "[-F FORMAT]"},
    {NULL, NULL, NULL},
};

static struct opts opts = {
    .cmd = "stats-report",
    .about = "stats-report: read graded records (dns-grade's output) and write one report of\n"
	     "adoption figures, policies, providers and grade distributions.\n"
	     "It writes a report, not one line per record.",
    .table = opt_table,
    .operands = "[file ...]",
    .forms = forms,
};

static bool
valid_date(const char *s)
{
	static const char day[] = "dddd-dd-dd", full[] = "dddd-dd-ddTdd:dd:ddZ";
	size_t n = strlen(s);
	const char *pat = n == sizeof day - 1 ? day : n == sizeof full - 1 ? full : NULL;
	if (!pat)
		return false;
	for (size_t i = 0; i < n; i++)
		if (pat[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != pat[i])
			return false;
	return true;
}

static void
parse_options(int argc, char **argv, struct options *o)
{
	*o = (struct options){.field = "domain", .top = 10, .progress = PROGRESS_AUTO};
	int c;
	while ((c = opts_next(&opts, argc, argv)) != -1) {
		switch (c) {
		case 'f':
			o->field = optarg;
			break;
		case 'F':
			o->format_set = true;
			if (!strcmp(optarg, "text"))
				o->format = OUT_TEXT;
			else if (!strcmp(optarg, "json"))
				o->format = OUT_JSON;
			else if (!strcmp(optarg, "markdown") || !strcmp(optarg, "md"))
				o->format = OUT_MARKDOWN;
			else if (!strcmp(optarg, "html"))
				o->format = OUT_HTML;
			else
				tool_die("invalid value for --format: '%s'", optarg);
			break;
		case OPT_DATE:
			if (!valid_date(optarg))
				tool_die("invalid value for --date: '%s' (YYYY-MM-DD or "
					 "YYYY-MM-DDTHH:MM:SSZ)",
					 optarg);
			o->date = optarg;
			break;
		case OPT_TOP:
			o->top = opt_long("top", optarg, 1, 1000);
			break;
		case OPT_HISTORY:
			o->history = optarg;
			break;
		case OPT_LIST_RUNS:
			o->list_runs = true;
			break;
		case OPT_RUN:
			o->run = opt_long("run", optarg, 1, 1L << 62);
			break;
		case OPT_LISTS:
			o->lists = optarg;
			break;
		case OPT_STORE:
			o->store = true;
			o->store_path = optarg;
			break;
		case OPT_MAX_LINE:
			o->max_line = (size_t)opt_long("max-line", optarg, 256, 1L << 30);
			break;
		case OPT_PROGRESS:
			o->progress = PROGRESS_ON;
			break;
		case OPT_NO_PROGRESS:
			o->progress = PROGRESS_OFF;
			break;
		case 'h':
			opts_help(&opts);
			break;
		case 'V':
			tool_version();
			break;
		default:
			opts_usage(&opts);
		}
	}
	if ((o->list_runs || o->run) && !o->history)
		tool_die("--list-runs and --run need --history FILE");
	if ((o->list_runs || o->run) && (optind != argc || o->lists))
		opts_usage(&opts);
	if (o->store) {
		/* --store FILE as well as --store=FILE: the view reads no records */
		if (!o->store_path && optind + 1 == argc)
			o->store_path = argv[optind++];
		if (optind != argc || o->history || o->lists)
			opts_usage(&opts);
	}
	if (!o->format_set)
		o->format = isatty(STDOUT_FILENO) ? OUT_TEXT : OUT_JSON;
	o->files = argv + optind;
	o->nfiles = argc - optind;
}

static void
read_input(struct run *run, int fd, const char *name)
{
	struct rec_reader in;
	struct record r;
	rec_reader_init(&in, fd, run->o->field, run->o->max_line);
	rec_init(&r);
	int rc;
	while ((rc = rec_read(&in, &r)) > 0) {
		take_record(run, &r);
		progress_count((unsigned long long)run->lines, "records read");
	}
	if (rc < 0)
		tool_die("cannot read '%s': %s", name, strerror(in.lr.error));
	rec_free(&r);
	rec_reader_free(&in);
}

static void
write_report(const struct report *rep, enum out_format fmt)
{
	struct buf out = BUF_INIT;
	switch (fmt) {
	case OUT_TEXT:
		render_text(rep, &out);
		break;
	case OUT_JSON:
		report_json(rep, &out, true);
		break;
	case OUT_MARKDOWN:
		render_markdown(rep, &out);
		break;
	case OUT_HTML:
		render_html(rep, &out);
		break;
	}
	tool_out(out.s, out.len);
	buf_free(&out);
}

static char *
now_date(void)
{
	time_t t = time(NULL);
	struct tm tm;
	char s[32];
	gmtime_r(&t, &tm);
	strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return xstrdup(s);
}

int
main(int argc, char **argv)
{
	struct options o;
	tool_init("stats-report");
	setlocale(LC_NUMERIC, "C"); /* reports and JSON always use a decimal point */
	parse_options(argc, argv, &o);

	struct history *h = NULL;
	struct report rep;
	if (o.store) {
		memset(&rep, 0, sizeof rep);
		rep.date = o.date ? xstrdup(o.date) : now_date();
		store_report(o.store_path, &rep, o.top);
		write_report(&rep, o.format);
		report_free(&rep);
		return tool_finish(0);
	}
	if (o.history)
		h = history_open(o.history, !o.list_runs && !o.run);
	if (o.list_runs) {
		struct buf out = BUF_INIT;
		history_list(h, &out);
		tool_out(out.s, out.len);
		buf_free(&out);
		history_close(h);
		return tool_finish(0);
	}
	if (o.run) {
		if (!history_load(h, o.run, &rep))
			tool_die("no run %lld in '%s'", o.run, o.history);
		history_annotate(h, &rep);
		write_report(&rep, o.format);
		report_free(&rep);
		history_close(h);
		return tool_finish(0);
	}

	struct run run;
	memset(&run, 0, sizeof run);
	run.o = &o;
	if (o.lists)
		run.lists = lists_open(o.lists);
	progress_init(o.progress);
	if (o.nfiles == 0) {
		read_input(&run, STDIN_FILENO, "(stdin)");
	} else {
		for (int i = 0; i < o.nfiles; i++) {
			if (!strcmp(o.files[i], "-")) {
				read_input(&run, STDIN_FILENO, "(stdin)");
				continue;
			}
			int fd = open(o.files[i], O_RDONLY);
			if (fd < 0)
				tool_die("cannot open '%s': %s", o.files[i], strerror(errno));
			read_input(&run, fd, o.files[i]);
			close(fd);
		}
	}
	progress_count_end((unsigned long long)run.lines, "records read");
	if (run.lists)
		lists_close(run.lists);
	buf_free(&run.s1);
	buf_free(&run.mail);
	buf_free(&run.dnsp);
	buf_free(&run.codes);

	build_report(&run, &rep);
	rep.date = o.date ? xstrdup(o.date) : now_date();
	if (h)
		history_store(h, &rep);
	if (run.skipped)
		tool_warn("%lld of %lld records skipped (see the report)", run.skipped, run.lines);
	write_report(&rep, o.format);
	report_free(&rep);
	if (h)
		history_close(h);
	names_free(&run.all.mail);
	names_free(&run.all.dnsp);
	names_free(&run.all.codes);
	return tool_finish(run.skipped ? EXIT_RECORD_ERRORS : 0);
}
