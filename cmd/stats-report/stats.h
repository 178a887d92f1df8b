/* SPDX-License-Identifier: ISC */
/* stats-report's report model: a fixed set of figures (count, percentage, denominator) built
 * from one streaming pass, or read back from a stored run; every output format renders it. */
#ifndef STATS_H
#define STATS_H
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>

#include "buf.h"
#include "dname.h"
#include "lists.h"
#include "progress.h"

#define REPORT_SCHEMA 1

enum fig_kind {
	FK_ADOPTION, /* items yes/no over the run's domains */
	FK_DIST,     /* one item per value, summing to the denominator */
	FK_TOP,	     /* top N names plus "other" and "none" */
	FK_HIST,     /* 10-point bins, 90-100 the top one */
	FK_COUNTS,   /* items counted independently (a domain may be in several) */
};

struct item {
	char *key, *label;
	long long count;
	bool has_delta;
	double delta; /* percentage points against the previous run */
};

struct trend_point {
	long long run_id;
	char *date;
	double pct;
};

struct figure {
	char *key, *title, *section, *denom_of;
	enum fig_kind kind;
	long long denom;
	struct item *items;
	size_t nitems;
	bool has_mean;
	double mean;
	bool has_mean_delta;
	double mean_delta;
	struct trend_point *trend; /* headline figures, with history: one point per run */
	size_t ntrend;
};

struct tier {
	char *key;
	long limit; /* 0: all ranked and unranked domains */
	long long domains;
	struct figure *figs;
	size_t nfigs;
};

struct report {
	char *date;	    /* ISO 8601, UTC */
	long long run_id;   /* 0 without history */
	long long prev_run; /* 0: no previous run */
	char *prev_date;
	long long lines, records, skipped;
	struct item *skip; /* reasons */
	size_t nskip;
	struct figure *figs;
	size_t nfigs;
	struct tier *tiers; /* rank tiers, only when records carried a rank */
	size_t ntiers;
	char *store; /* the enrichment view: the store's path */
};

/* A table of names with counts (names.c; open addressing). At most NAMES_MAX distinct names
 * are kept; more are counted in overflow, so memory stays flat whatever the input. */
#define NAMES_MAX 65536
struct names {
	char **key;
	long long *count;
	size_t cap, n;
	long long overflow;
};
void names_add(struct names *t, const char *s, size_t n);
void names_free(struct names *t);
/* A FK_TOP figure of the ntop largest names, then "(other)", then "(none)" if none_label. */
void fig_top(struct figure **figs, size_t *n, const char *key, const char *title,
	     const char *section, const char *of, long long denom, const struct names *t,
	     long long none, const char *none_label, long ntop);

/* The enrichment view (storeview.c): a summary of a seen-db/domain-born store. */
void store_report(const char *path, struct report *r, long ntop);

enum out_format { OUT_TEXT, OUT_JSON, OUT_MARKDOWN, OUT_HTML };

/* model helpers (model.c) */
struct figure *report_add_fig(struct figure **figs, size_t *n, const char *key, const char *title,
			      const char *section, enum fig_kind kind, const char *denom_of,
			      long long denom);
struct item *fig_add_item(struct figure *f, const char *key, const char *label, long long count);
struct figure *report_find(struct figure *figs, size_t n, const char *key);
struct item *fig_find(const struct figure *f, const char *key);
double pct(long long count, long long denom);
double delta_shown(double d);
const char *kind_name(enum fig_kind k);
bool kind_parse(const char *s, enum fig_kind *k);
bool fig_headline(const struct figure *f);
void report_free(struct report *r);
/* The JSON format (json.c); with_extras adds deltas and trends (not stored in history). */
void report_json(const struct report *r, struct buf *out, bool with_extras);
/* Read a report back from its JSON (a stored run); -1 with *why set on error. */
int report_from_json(struct report *r, const char *text, size_t n, const char **why);

/* renderers (render.c, html.c) */
void render_text(const struct report *r, struct buf *out);
void render_markdown(const struct report *r, struct buf *out);
void render_html(const struct report *r, struct buf *out);

/* history (history.c); every function dies with status 2 on a fatal error */
struct history;
/* Open (create: making it if absent); a file that is not a history file is refused before
 * anything is written to it. */
struct history *history_open(const char *path, bool create);
/* After history_store: flush the report written to stdout, then commit the run. */
void history_close(struct history *h);
/* Store r as a new run (sets r->run_id; a run of the same date is replaced, keeping its id),
 * then fill deltas and trends, in one transaction that history_close commits. */
void history_store(struct history *h, struct report *r);
/* Load a stored run with its deltas and trends; false when there is no such run. */
bool history_load(struct history *h, long long run_id, struct report *r);
void history_list(struct history *h, struct buf *out);
/* Deltas against the run before r->run_id and trends up to it. */
void history_annotate(struct history *h, struct report *r);

/* The run's counters and what reads a graded record into them (read.c); stats-report.c makes
 * the figures from them. The keys and labels are defined in stats-report.c. */
#define GRADE_NONE INT_MIN
enum {
	G_SPF,
	G_DMARC,
	G_CAA,
	G_NS,
	G_SOA,
	G_MX,
	G_DNSSEC,
	G_BIMI,
	G_MTASTS, /* the mail-transport parts: dns-grade's domstat scale only */
	G_TLSRPT,
	G_DANE,
	G_DKIM,
	G_STSPOL, /* the HTTPS parts: never "not asked" (a fetch fails without a DNS cause) */
	G_SECTXT,
	G_OVERALL,
	NGRADE
};
#define G_FIRST_TRANSPORT G_MTASTS
/* A mail-transport record (MTA-STS, TLS-RPT) or DANE's TLSA: valid (validated), not, absent. */
enum { TR_VALID, TR_INVALID, TR_ABSENT, NTR };
extern const char *const tr_key[NTR];
extern const char *const grade_key[NGRADE];
extern const char *const grade_title[NGRADE];
extern const char *const grade_section[NGRADE];

extern const char *const spf_key[NSPF];
extern const char *const spf_label[NSPF];
extern const char *const dm_key[NDM];
extern const char *const dm_label[NDM];
extern const char *const sp_label[NDM];
enum { DS_SECURE, DS_INSECURE, DS_BOGUS, DS_SIGNED_NO_DS, DS_UNKNOWN, NDSS };
extern const char *const dss_key[NDSS];
extern const char *const caa_key[5];
enum { SEV_ERROR, SEV_WARNING, SEV_NOTICE, NSEV };
/* An MTA-STS policy's mode (facts.mta_sts_policy.mode), or a policy that is not valid. */
enum { STS_ENFORCE, STS_TESTING, STS_NONE, STS_INVALID, NSTS };
extern const char *const sts_key[NSTS];
extern const char *const sev_key[NSEV];
enum { SC_QUERIES, SC_ANSWERED, SC_TIMEOUTS, SC_SERVFAIL, SC_ERRORS, NSCAN };
extern const char *const scan_key[NSCAN];

/* What dns-scan says of the domain (.dns.status; facts.exists false from dns-grade reads as
 * nxdomain). Records without a status (older pipelines) count as scanned, as before. */
enum { ST_OK, ST_NXDOMAIN, ST_PARTIAL, ST_FAILED, ST_NONE, NST };
extern const char *const status_key[NST];
extern const char *const status_label[NST];
/* Why a domain that exists was not (fully) scanned: dns-scan's .dns.failed causes (a question
 * failed that way), then "not asked" (a part left ungraded while nothing failed). */
enum { FC_SERVFAIL, FC_REFUSED, FC_TIMEOUT, FC_MALFORMED, FC_NETWORK, FC_OTHER, FC_NOT_ASKED, NFC };
extern const char *const cause_key[NFC];

/* Skip reasons, in report order. */
enum { SK_BROKEN, SK_NO_GRADES, SK_BAD_GRADE, SK_UNKNOWN_CATEGORY, SK_BAD_MEMBER, NSK };
extern const char *const skip_key[NSK];

/* The counters of one rank tier (or of the whole run). */
struct agg {
	long long n;
	long long status[NST], cause[NFC], exists, scanned_n;
	long long cn[G_OVERALL + 1]; /* domains counted in a part's figures (G_OVERALL: overall) */
	long long spf, dmarc, dmarc_sp, dmarc_rua, mx, null_mx, caa, caa_iodef, ds, bimi, ad;
	long long ns_lame, ns_inconsistent;
	long long mta_sts, tls_rpt, dane, dane_valid, dkim;
	long long mta_sts_rec[NTR], tls_rpt_rec[NTR], dane_rec[NTR];
	long long v6_ns, v6_ns_known, v6_mx, v6_mx_known; /* of the domains where it is known */
	long long sts, sts_mode[NSTS], sts_invalid, sts_uncovered, sts_txt_only, sts_no_txt;
	long long sec, sec_invalid, sec_expired, sec_signed;
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
	bool pass; /* --pass-through: lines that are no graded record are left out unsaid */
};

/* Tiers when records carry a rank. */
#define NTIERS 4
extern const long tier_limit[NTIERS];
extern const char *const tier_key[NTIERS];

struct run {
	struct agg all, tier[NTIERS - 1];
	bool ranked;
	long long lines, skipped, skip[NSK];
	struct buf s1, mail, dnsp, codes; /* decoded strings of the current record */
	struct dname dn;		  /* its name, for the lists */
	struct lists *lists;
	const struct options *o;
};

struct record;
/* Count one record of the input (blank lines aside) in run, or count it as skipped, why. */
void take_record(struct run *run, struct record *r);

/* "s" for a count of nouns other than one, for the report's sentences */
static inline const char *
plural(long long n)
{
	return n == 1 ? "" : "s";
}

#endif
