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
#include "date.h"
#include "facts.h"
#include "jsonw.h"
#include "options.h"
#include "progress.h"
#include "record.h"
#include "stats.h"
#include "tool.h"
#include "xalloc.h"

#include "lists.h"

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
	    "domains that exist and were scanned for MTA-STS",
	    "domains that exist and were scanned for TLS-RPT",
	    "domains that exist and were scanned for DANE",
	    "domains that exist and were scanned for DKIM",
	    "domains that exist and whose MTA-STS policy was fetched",
	    "domains that exist and whose security.txt was fetched",
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

/* One figure per value of a record's state (valid, invalid, absent). */
static void
record_dist(struct figure **figs, size_t *n, const char *key, const char *title, int g,
	    const long long v[NTR], const char *const label[NTR])
{
	struct figure *f =
	    report_add_fig(figs, n, key, title, "Mail", FK_DIST, of_part(g), v[0] + v[1] + v[2]);
	for (int i = 0; i < NTR; i++)
		fig_add_item(f, tr_key[i], label[i], v[i]);
}

static void transport_dists(const struct agg *a, struct figure **figs, size_t *n);

/* MTA-STS and TLS-RPT records, DANE, DKIM presence (dns-grade's domstat scale), then the IPv6
 * reach of name servers and MX hosts. */
static void
transport_figs(const struct agg *a, struct figure **figs, size_t *n, bool full)
{
	const long long *cn = a->cn;
	adoption(figs, n, "mta_sts_adoption", "MTA-STS record (_mta-sts TXT)", "Mail", a->mta_sts,
		 cn[G_MTASTS], of_part(G_MTASTS));
	adoption(figs, n, "tls_rpt_adoption", "SMTP TLS reporting (TLS-RPT)", "Mail", a->tls_rpt,
		 cn[G_TLSRPT], of_part(G_TLSRPT));
	adoption(figs, n, "dane_adoption", "DANE: TLSA records at an MX host", "Mail", a->dane,
		 cn[G_DANE], of_part(G_DANE));
	adoption(figs, n, "dane_validated", "DANE usable (every TLSA RRset validated)", "Mail",
		 a->dane_valid, cn[G_DANE], of_part(G_DANE));
	adoption(figs, n, "dkim_adoption", "DKIM keys published (_domainkey exists)", "Mail",
		 a->dkim, cn[G_DKIM], of_part(G_DKIM));
	if (full)
		transport_dists(a, figs, n);
	adoption(figs, n, "ipv6_ns", "Every name server has IPv6 (AAAA)", "IPv6", a->v6_ns,
		 a->v6_ns_known, OF_SCANNED ", the AAAA of every name server known");
	adoption(figs, n, "ipv6_mx", "Every MX host has IPv6 (AAAA)", "IPv6", a->v6_mx,
		 a->v6_mx_known, OF_SCANNED ", with MX hosts, the AAAA of every one known");
}

static void
transport_dists(const struct agg *a, struct figure **figs, size_t *n)
{
	static const char *const rec_label[NTR] = {"valid", "invalid or several", "no record"};
	static const char *const dane_label[NTR] = {"validated", "not validated (no DNSSEC)",
						    "no TLSA record"};
	record_dist(figs, n, "mta_sts_record", "MTA-STS record", G_MTASTS, a->mta_sts_rec,
		    rec_label);
	record_dist(figs, n, "tls_rpt_record", "TLS-RPT record", G_TLSRPT, a->tls_rpt_rec,
		    rec_label);
	record_dist(figs, n, "dane_status", "DANE status", G_DANE, a->dane_rec, dane_label);
	for (int g = G_FIRST_TRANSPORT; g < G_STSPOL; g++)
		histogram(figs, n, a, g);
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
	transport_figs(a, figs, n, full);
	const char *sts = of_part(G_STSPOL);
	adoption(figs, n, "mta_sts_policy_served", "MTA-STS policy served", "Mail", a->sts,
		 cn[G_STSPOL], sts);
	adoption(figs, n, "mta_sts_txt_without_policy", "MTA-STS TXT record without a policy",
		 "Mail", a->sts_txt_only, cn[G_STSPOL], sts);
	adoption(figs, n, "mta_sts_policy_without_txt", "MTA-STS policy without a TXT record",
		 "Mail", a->sts_no_txt, cn[G_STSPOL], sts);
	adoption(figs, n, "mta_sts_mx_uncovered", "MTA-STS policy leaves an MX host out", "Mail",
		 a->sts_uncovered, cn[G_STSPOL], sts);
	if (full) {
		struct figure *f =
		    report_add_fig(figs, n, "mta_sts_mode", "MTA-STS policy mode", "Mail", FK_DIST,
				   "domains serving an MTA-STS policy", a->sts);
		static const char *const label[NSTS] = {"enforce", "testing", "none",
							"invalid policy"};
		for (int i = 0; i < NSTS; i++)
			fig_add_item(f, sts_key[i], label[i], a->sts_mode[i]);
		histogram(figs, n, a, G_STSPOL);
	}
	const char *sec = of_part(G_SECTXT);
	adoption(figs, n, "securitytxt_adoption", "security.txt served", "Web", a->sec,
		 cn[G_SECTXT], sec);
	adoption(figs, n, "securitytxt_invalid", "security.txt with errors", "Web", a->sec_invalid,
		 cn[G_SECTXT], sec);
	adoption(figs, n, "securitytxt_expired", "security.txt expired", "Web", a->sec_expired,
		 cn[G_SECTXT], sec);
	adoption(figs, n, "securitytxt_signed", "security.txt signed (OpenPGP)", "Web",
		 a->sec_signed, cn[G_SECTXT], sec);
	if (full)
		histogram(figs, n, a, G_SECTXT);
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
    OPT_ROW_FIELD(NULL),
    OPT_ROW_PASS("lines that are no graded record (no grades member,\n"
		 "no JSON object) are left out: not counted, no message",
		 NULL),
    {'F', "format", "FORMAT",
     "text (the default), json (for programs), markdown,\n"
     "or html (one self-contained file)",
     NULL},
    {OPT_DATE, "date", "DATE", "the run's date, YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ\n(default: now)",
     NULL},
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
    OPT_ROW_MAX_LINE(OPT_STR(REC_SCAN_READ_MAX), NULL),
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
    .operands = "[FILE ...]",
    .forms = forms,
};

/* The two forms --date takes, checked by the date parser the records' dates go through, so
 * 2026-02-31 is refused as the registries' dates are. */
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
	char iso[sizeof full];
	snprintf(iso, sizeof iso, "%.10sT%s", s, n == sizeof day - 1 ? "00:00:00Z" : s + 11);
	int64_t t;
	return date_parse_iso(iso, strlen(iso), &t) == 0;
}

static void
parse_options(int argc, char **argv, struct options *o)
{
	/* dns-grade's default: the graded form of every record dns-scan writes (it keeps the dns
	 * member) is read whole, not skipped */
	*o = (struct options){
	    .field = "domain", .top = 10, .max_line = REC_SCAN_READ_MAX, .progress = PROGRESS_AUTO};
	int c;
	while ((c = opts_next(&opts, argc, argv)) != -1) {
		if (opts_common(&opts, c, &o->max_line, &o->progress))
			continue;
		if (opts_record(c, &o->field, &o->pass))
			continue;
		switch (c) {
		case 'F':
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
	o->files = argv + optind;
	o->nfiles = argc - optind;
	if (!o->list_runs && !o->run && !o->store)
		tool_check_files(o->files, o->nfiles, NULL);
}

static void
read_input(struct run *run)
{
	struct rec_reader in;
	struct record r;
	struct jspan g;
	rec_reader_init(&in, STDIN_FILENO, run->o->field, run->o->max_line);
	rec_reader_files(&in, run->o->files, run->o->nfiles);
	if (run->o->pass)
		rec_reader_pass(&in, PASS_LINES);
	rec_init(&r);
	int rc;
	while ((rc = rec_read(&in, &r)) > 0) {
		if (run->o->pass && !rec_get(&r, "grades", &g))
			rec_pass(&r);
		take_record(run, &r);
		progress_count((unsigned long long)run->lines, "records read");
	}
	if (rc < 0)
		tool_die_read(&in.lr);
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
	read_input(&run);
	progress_count_end((unsigned long long)run.lines, "records read");
	if (run.lists)
		lists_close(run.lists);
	buf_free(&run.s1);
	buf_free(&run.mail);
	buf_free(&run.dnsp);
	buf_free(&run.codes);
	dname_free(&run.dn);

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
