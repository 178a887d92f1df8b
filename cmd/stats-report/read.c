/* SPDX-License-Identifier: ISC */
/* stats-report: reading one graded record (dns-grade's output) into the run's counters: its
 * grades, remarks, facts and scan status, then the tiers and the domain lists it counts in. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "facts.h"
#include "record.h"
#include "stats.h"
#include "tool.h"
#include "xalloc.h"

#include "lists.h"

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
	int grade[NGRADE];   /* GRADE_NONE: not graded */
	bool listed[NGRADE]; /* in the grades object, null or not */
	int spf_pol, dm_p, dm_sp, dnssec, caa_bucket;
	bool spf, dmarc, dmarc_sp, dmarc_rua, mx, null_mx, caa, caa_iodef, ds, bimi, ad;
	bool ns_lame, ns_inconsistent;
	bool mta_sts, tls_rpt, dane, dane_valid, dkim;
	int mta_sts_rec, tls_rpt_rec, dane_rec; /* TR_* */
	int v6_ns, v6_mx;			/* -1 unknown */
	int securitytxt;			/* -1 unknown */
	bool sts, sts_uncovered, sts_txt_only, sts_no_txt;
	int sts_mode; /* STS_* */
	bool sec_invalid, sec_expired, sec_signed;
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
		rec_error_code(r, "no-grades", "no grades: record skipped");
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
			rec_error_code(r, "unknown-category",
				       "unknown grade category '%s': record skipped", run->s1.s);
			return SK_UNKNOWN_CATEGORY;
		}
		ob->listed[i] = true;
		if (m.val.n == 4 && !memcmp(m.val.p, "null", 4)) {
			nnull++;
			continue;
		}
		long long x;
		/* DNStats' scale goes below 0 (CAA) and above 100 (DMARC, overall) */
		bool dnstats = ob->scale && !strcmp(ob->scale, "dnstats");
		if (!span_int(m.val, &x) || (!dnstats && (x < 0 || x > 100)) ||
		    (dnstats && (x < -100000 || x > 100000))) {
			rec_error_code(r, "bad-grade",
				       "grade '%s' is not an integer from 0 to 100: record skipped",
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
		rec_error_code(r, "no-grades", "no grades: record skipped");
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
		rec_error_code(r, "bad-member", "remarks is not an array: record skipped");
		return SK_BAD_MEMBER;
	}
	buf_reset(&run->codes);
	size_t it = 0;
	while (jscan_array_next(a, &it, &m)) {
		const char *cat = sstr(m, "category", &run->s1);
		/* "domain": dns-grade's remark on the domain as a whole (DOMAIN_DOES_NOT_EXIST) */
		if (!cat || (!known_category(cat) && strcmp(cat, "domain"))) {
			rec_error_code(r, "unknown-category",
				       "remark with unknown category '%s': record skipped",
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
		/* a mail-transport part the record does not list was not graded on its scale
		 * (DNStats'), not left out by the scan; an HTTPS part's fetch fails without a DNS
		 * cause: neither is "not asked" */
		any_missing |=
		    i < G_STSPOL && !ob->counted[i] && (i < G_FIRST_TRANSPORT || ob->listed[i]);
	}
	bool any_failed = false, any_counted = false;
	for (int i = 0; i < FC_NOT_ASKED; i++)
		any_failed |= ob->cause[i];
	for (int i = 0; i < G_STSPOL; i++)
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
	ob->v6_ns = ob->v6_mx = -1;
	ob->mta_sts_rec = ob->tls_rpt_rec = ob->dane_rec = TR_ABSENT;
	if (!rec_get(r, "facts", &f) || (f.n == 4 && !memcmp(f.p, "null", 4)))
		return -1; /* graded without facts: every adoption figure counts it as "no" */
	if (!is_obj(f)) {
		rec_error_code(r, "bad-member", "facts is not an object: record skipped");
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
	ob->mta_sts = vtrue(v[FACT_MTASTS_PRESENT]);
	if (ob->mta_sts)
		ob->mta_sts_rec = vtrue(v[FACT_MTASTS_VALID]) ? TR_VALID : TR_INVALID;
	ob->tls_rpt = vtrue(v[FACT_TLSRPT_PRESENT]);
	if (ob->tls_rpt)
		ob->tls_rpt_rec = vtrue(v[FACT_TLSRPT_VALID]) ? TR_VALID : TR_INVALID;
	ob->dane = vtrue(v[FACT_DANE_PRESENT]);
	ob->dane_valid = ob->dane && vtrue(v[FACT_DANE_VALIDATED]);
	if (ob->dane)
		ob->dane_rec = ob->dane_valid ? TR_VALID : TR_INVALID;
	ob->dkim = vtrue(v[FACT_DKIM_PRESENT]);
	if (v[FACT_IPV6_NS].n)
		ob->v6_ns = vtrue(v[FACT_IPV6_NS]);
	if (v[FACT_IPV6_MX].n)
		ob->v6_mx = vtrue(v[FACT_IPV6_MX]);
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
	/* security.txt: dns-grade's facts (another enricher may write the same group) */
	if (v[FACT_SECTXT_PRESENT].n)
		ob->securitytxt = vtrue(v[FACT_SECTXT_PRESENT]);
	ob->sec_invalid = vfalse(v[FACT_SECTXT_VALID]);
	ob->sec_expired = vtrue(v[FACT_SECTXT_EXPIRED]);
	ob->sec_signed = vtrue(v[FACT_SECTXT_SIGNED]);
	ob->sts = vtrue(v[FACT_STS_PRESENT]);
	ob->sts_mode = STS_INVALID;
	const char *mode = vstr(v[FACT_STS_MODE], &run->s1);
	for (int i = 0; mode && i < STS_INVALID && !vfalse(v[FACT_STS_VALID]); i++)
		if (!strcmp(mode, sts_key[i]))
			ob->sts_mode = i;
	ob->sts_uncovered = vfalse(v[FACT_STS_MX_COVERED]);
	ob->sts_txt_only = vtrue(v[FACT_STS_TXT]) && vfalse(v[FACT_STS_PRESENT]);
	ob->sts_no_txt = vfalse(v[FACT_STS_TXT]) && ob->sts;
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
	if (c[G_MTASTS]) {
		a->mta_sts += ob->mta_sts;
		a->mta_sts_rec[ob->mta_sts_rec]++;
	}
	if (c[G_TLSRPT]) {
		a->tls_rpt += ob->tls_rpt;
		a->tls_rpt_rec[ob->tls_rpt_rec]++;
	}
	if (c[G_DANE]) {
		a->dane += ob->dane;
		a->dane_valid += ob->dane_valid;
		a->dane_rec[ob->dane_rec]++;
	}
	if (c[G_DKIM])
		a->dkim += ob->dkim;
	if (c[G_STSPOL]) {
		a->sts += ob->sts;
		if (ob->sts)
			a->sts_mode[ob->sts_mode]++;
		a->sts_uncovered += ob->sts_uncovered;
		a->sts_txt_only += ob->sts_txt_only;
		a->sts_no_txt += ob->sts_no_txt;
	}
	if (c[G_SECTXT]) {
		a->sec += ob->securitytxt == 1;
		a->sec_invalid += ob->sec_invalid;
		a->sec_expired += ob->sec_expired;
		a->sec_signed += ob->sec_signed;
	}
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
	if (ob->v6_ns >= 0) {
		a->v6_ns_known++;
		a->v6_ns += ob->v6_ns;
	}
	if (ob->v6_mx >= 0) {
		a->v6_mx_known++;
		a->v6_mx += ob->v6_mx;
	}
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

void
take_record(struct run *run, struct record *r)
{
	if (r->kind == REC_BLANK || r->kind == REC_PASS)
		return;
	run->lines++;
	int why = -1;
	struct obs ob;
	memset(&ob, 0, sizeof ob);
	if (r->kind == REC_BAD) {
		why = SK_BROKEN; /* rec_read has reported it */
	} else if (r->kind != REC_JSON) {
		rec_error_code(r, "no-grades", "not a graded record (a bare name): record skipped");
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
			    .mta_sts = ob.mta_sts,
			    .tls_rpt = ob.tls_rpt,
			    .dane = ob.dane_valid,
			    .dkim = ob.dkim,
			    .mta_sts_known = ob.counted[G_MTASTS],
			    .tls_rpt_known = ob.counted[G_TLSRPT],
			    .dane_known = ob.counted[G_DANE],
			    .dkim_known = ob.counted[G_DKIM],
			    .rank = ob.rank,
			    .scanned = ob.scanned_any,
			    .mx_known = ob.counted[G_MX],
			    .ds_known = ob.counted[G_DNSSEC],
			    .caa_known = ob.counted[G_CAA],
			    .dmarc_known = ob.counted[G_DMARC],
			    .spf_known = ob.counted[G_SPF],
			};
			/* the name as dns-scan asked it (A-labels, UTS #46 mapped) however the
			 * input spelled it; an invalid one as it came */
			const struct buf *name = &r->name;
			if (r->has_name && dname_set(&run->dn, r->name.s, r->name.len) == 0)
				name = &run->dn.ascii;
			lists_add(run->lists, &lo, r->has_name ? name->s : "",
				  r->has_name ? name->len : 0);
		}
	}
}
