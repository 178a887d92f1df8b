/* SPDX-License-Identifier: ISC */
/* dns-grade: validate and grade each domain scanned by dns-scan (its `dns` member) against the
 * RFCs, and add grades, remarks and the facts reports need. Asks no DNS. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "facts.h"
#include "grade.h"
#include "jpath.h"
#include "jsonw.h"
#include "options.h"
#include "progress.h"
#include "record.h"
#include "tool.h"

/* The categories in grade.h's order (stats-report reads them by the same list). */
const char *const cat_names[NCAT] = {GRADE_CATEGORY_NAMES};
_Static_assert(NCAT == GRADE_NCATEGORIES, "one name a category");

struct options {
	bool dnstats;
	const char *field; /* --field: where dns-scan's scan is, a jq path (default dns) */
	bool pass;	   /* --pass-through */
	char **files;	   /* operands: the input files, none for standard input */
	int nfiles;
	const char *providers;
	size_t max_line;
	enum progress_mode progress;
};

enum { OPT_SCALE = 256, OPT_PROV };

static const struct opt opt_table[] = {
    {OPT_SCALE, "scale", "SCALE", "domstat (default) or dnstats (DNStats' graders)", NULL},
    {OPT_PROV, "providers", "DIR", "read DIR/ns.tsv and DIR/mx.tsv before the shipped tables",
     NULL},
    {'f', "field", "PATH", "member holding dns-scan's scan, a jq path (default dns)", NULL},
    OPT_ROW_PASS("lines without a dns member, and lines that are no\n"
		 "JSON object, pass unchanged, with no error",
		 NULL),
    OPT_ROW_MAX_LINE(OPT_STR(REC_SCAN_READ_MAX), NULL),
    OPT_ROWS_COMMON,
};

static struct opts opts = {
    .cmd = "dns-grade",
    .about = "dns-grade: grade each domain scanned by dns-scan (its dns member).",
    .table = opt_table,
    .operands = "[FILE ...]",
};

static void
parse_options(int argc, char **argv, struct options *o)
{
	/* every line dns-scan writes is read whole (it keeps them within REC_SCAN_WRITE_MAX) */
	*o = (struct options){
	    .field = "dns", .max_line = REC_SCAN_READ_MAX, .progress = PROGRESS_AUTO};
	int c;
	while ((c = opts_next(&opts, argc, argv)) != -1) {
		if (opts_common(&opts, c, &o->max_line, &o->progress) ||
		    opts_record(c, &o->field, &o->pass))
			continue;
		switch (c) {
		case OPT_SCALE:
			if (!strcmp(optarg, "dnstats"))
				o->dnstats = true;
			else if (strcmp(optarg, "domstat"))
				tool_die("invalid value for --scale: '%s'", optarg);
			break;
		case OPT_PROV:
			o->providers = optarg;
			break;
		default:
			opts_usage(&opts);
		}
	}
	opts_files(argc, argv, &o->files, &o->nfiles, NULL);
}

/* The category each fact depends on, NCAT for none: its value is null when that category's data
 * is unknown (grade_unknowns). */
static enum cat
fact_cat(int f)
{
	switch (fact_defs[f].group) {
	case FG_SPF:
		return C_SPF;
	case FG_DMARC:
		return C_DMARC;
	case FG_CAA:
		return C_CAA;
	case FG_MX:
		return C_MX;
	case FG_NS:
		return C_NS;
	case FG_SOA:
		return C_SOA;
	case FG_DNSSEC:
		return C_DNSSEC;
	case FG_BIMI:
		return C_BIMI;
	case FG_MTASTS:
		return C_MTASTS;
	case FG_TLSRPT:
		return C_TLSRPT;
	case FG_DANE:
		return C_DANE;
	case FG_DKIM:
		return C_DKIM;
	case FG_STSPOL:
		return C_STSPOL;
	case FG_SECURITYTXT:
		return C_SECTXT;
	default:
		break;
	}
	switch (f) {
	case FACT_MAIL_PROVIDER:
	case FACT_DNSTATS_HAS_MX:
		return C_MX;
	case FACT_DNS_PROVIDER:
		return C_NS;
	case FACT_DNSTATS_HAS_SPF:
	case FACT_DNSTATS_SPF_POLICY:
		return C_SPF;
	case FACT_DNSTATS_HAS_DMARC:
	case FACT_DNSTATS_DMARC_POLICY:
	case FACT_DNSTATS_DMARC_SUB_POLICY:
	case FACT_DNSTATS_HAS_DMARC_RUA:
	case FACT_DNSTATS_HAS_DMARC_RUF:
		return C_DMARC;
	case FACT_DNSTATS_HAS_CAA:
	case FACT_DNSTATS_HAS_CAA_REPORTING:
	case FACT_DNSTATS_CAA_ISSUE_COUNT:
	case FACT_DNSTATS_CAA_WILDCARD_COUNT:
		return C_CAA;
	case FACT_DNSTATS_HAS_DNSSEC:
	case FACT_DNSTATS_DS_ALGORITHM:
	case FACT_DNSTATS_DIGEST_TYPE:
	case FACT_DNSTATS_DNSKEY_ALGORITHM:
		return C_DNSSEC;
	case FACT_DNSTATS_HAS_SECURITYTXT:
		return C_SECTXT;
	default:
		return NCAT;
	}
}

/* A fact that may be unknown: 1 true, 0 false, -1 null (nothing was asked that tells). */
static struct fact_val
fact_tri(int v)
{
	return v < 0 ? fact_null() : fact_bool(v);
}

/* Every fact's value, by the shared table (common/facts.h) that stats-report reads them by. */
static void
fact_values(const struct facts *fa, const struct scan *s, struct fact_val v[NFACTS])
{
	v[FACT_EXISTS] = fa->exists < 0 ? fact_null() : fact_bool(fa->exists);
	v[FACT_SPF_PRESENT] = fact_bool(fa->spf.present);
	v[FACT_SPF_POLICY] = fact_str(fa->spf.policy ? fa->spf.policy : "none");
	v[FACT_SPF_LOOKUPS] = fact_int(fa->spf.lookups);
	v[FACT_SPF_VOID_LOOKUPS] = fact_int(fa->spf.voids);
	v[FACT_SPF_VALID] = fact_bool(fa->spf.valid);
	v[FACT_DMARC_PRESENT] = fact_bool(fa->dmarc.present);
	v[FACT_DMARC_VALID] = fact_bool(fa->dmarc.valid);
	v[FACT_DMARC_P] = fact_str(dmarc_policy_name(fa->dmarc.p));
	v[FACT_DMARC_SP] = fact_str(dmarc_policy_name(fa->dmarc.sp));
	v[FACT_DMARC_NP] = fact_str(dmarc_policy_name(fa->dmarc.np));
	v[FACT_DMARC_PCT] = fa->dmarc.pct >= 0 ? fact_int(fa->dmarc.pct) : fact_null();
	v[FACT_DMARC_RUA] = fact_bool(fa->dmarc.rua);
	v[FACT_DMARC_RUF] = fact_bool(fa->dmarc.ruf);
	v[FACT_CAA_PRESENT] = fact_bool(fa->caa.present);
	v[FACT_CAA_FOUND_AT] =
	    fa->caa.present ? fact_strn(fa->caa.found_at.s, fa->caa.found_at.len) : fact_null();
	v[FACT_CAA_ISSUE_COUNT] = fact_int(fa->caa.issue_count);
	v[FACT_CAA_ISSUE] = fact_bool(fa->caa.issue);
	v[FACT_CAA_ISSUEWILD] = fact_bool(fa->caa.issuewild);
	v[FACT_CAA_IODEF] = fact_bool(fa->caa.iodef);
	v[FACT_MX_PRESENT] = fact_bool(fa->mx.present);
	v[FACT_MX_NULL_MX] = fact_bool(fa->mx.null_mx);
	v[FACT_MX_HOSTS] = fact_int(fa->mx.hosts);
	v[FACT_NS_COUNT] = fact_int(fa->ns.count);
	v[FACT_NS_LAME] = fact_int(fa->ns.lame);
	v[FACT_NS_SERIALS_CONSISTENT] = fact_tri(fa->ns.serials_consistent);
	v[FACT_NS_SETS_CONSISTENT] = fact_tri(fa->ns.ns_sets_consistent);
	v[FACT_NS_PARENT_CHILD_CONSISTENT] = fact_tri(fa->ns.parent_child_consistent);
	v[FACT_SOA_PRESENT] = fact_bool(fa->soa.present);
	v[FACT_SOA_SERIAL] = fa->soa.serial >= 0 ? fact_int(fa->soa.serial) : fact_null();
	v[FACT_DNSSEC_STATUS] = fact_str(fa->dnssec.status);
	v[FACT_DNSSEC_DS_ALGORITHMS] = fact_ints(fa->dnssec.ds_alg, (size_t)fa->dnssec.nds);
	v[FACT_DNSSEC_DNSKEY_ALGORITHMS] = fact_ints(fa->dnssec.key_alg, (size_t)fa->dnssec.nkey);
	v[FACT_BIMI_PRESENT] = fact_bool(fa->bimi.present);
	v[FACT_BIMI_VALID] = fact_bool(fa->bimi.valid);
	v[FACT_MTASTS_PRESENT] = fact_bool(fa->mta_sts.present);
	v[FACT_MTASTS_VALID] = fact_bool(fa->mta_sts.valid);
	v[FACT_MTASTS_ID] = fact_str(fa->mta_sts.id);
	v[FACT_TLSRPT_PRESENT] = fact_bool(fa->tls_rpt.present);
	v[FACT_TLSRPT_VALID] = fact_bool(fa->tls_rpt.valid);
	v[FACT_TLSRPT_RUA_MAILTO] = fact_bool(fa->tls_rpt.rua_mailto);
	v[FACT_TLSRPT_RUA_HTTPS] = fact_bool(fa->tls_rpt.rua_https);
	v[FACT_DANE_PRESENT] = fact_bool(fa->dane.present);
	v[FACT_DANE_VALIDATED] = fact_tri(fa->dane.validated);
	v[FACT_DANE_HOSTS] = fact_int(fa->dane.hosts);
	v[FACT_DANE_USAGES] = fact_ints(fa->dane.usages, (size_t)fa->dane.nusages);
	v[FACT_DKIM_PRESENT] = fact_bool(fa->dkim.present);
	v[FACT_IPV6_NS] = fact_tri(fa->ipv6.ns);
	v[FACT_IPV6_NS_WITHOUT] =
	    fa->ipv6.ns_without >= 0 ? fact_int(fa->ipv6.ns_without) : fact_null();
	v[FACT_IPV6_MX] = fact_tri(fa->ipv6.mx);
	v[FACT_IPV6_MX_WITHOUT] =
	    fa->ipv6.mx_without >= 0 ? fact_int(fa->ipv6.mx_without) : fact_null();
	v[FACT_MAIL_PROVIDER] = fact_str(fa->mail_provider);
	v[FACT_DNS_PROVIDER] = fact_str(fa->dns_provider);
	v[FACT_ACTIVE_DIRECTORY] = fact_bool(fa->ad);
	v[FACT_SCAN_QUERIES] = fact_int(fa->scan.queries);
	v[FACT_SCAN_ANSWERED] = fact_int(fa->scan.answered);
	v[FACT_SCAN_TIMEOUTS] = fact_int(fa->scan.timeouts);
	v[FACT_SCAN_SERVFAIL] = fact_int(fa->scan.servfail);
	v[FACT_SCAN_ERRORS] = fact_int(fa->scan.errors);
	v[FACT_SCAN_STATUS] = fact_str(s->status);
	v[FACT_SCAN_REFUSED] = s->refused >= 0 ? fact_int(s->refused) : fact_null();
	const struct legacy *l = &fa->legacy;
	v[FACT_DNSTATS_HAS_MX] = fact_bool(l->has_mx);
	v[FACT_DNSTATS_HAS_SPF] = fact_bool(l->has_spf);
	v[FACT_DNSTATS_SPF_POLICY] = fact_str(l->spf_policy);
	v[FACT_DNSTATS_HAS_DMARC] = fact_bool(l->has_dmarc);
	v[FACT_DNSTATS_DMARC_POLICY] = fact_str(l->dmarc_policy);
	v[FACT_DNSTATS_DMARC_SUB_POLICY] = fact_str(l->dmarc_sub_policy);
	v[FACT_DNSTATS_HAS_DMARC_RUA] = fact_bool(l->has_dmarc_rua);
	v[FACT_DNSTATS_HAS_DMARC_RUF] = fact_bool(l->has_dmarc_ruf);
	v[FACT_DNSTATS_HAS_CAA] = fact_bool(l->has_caa);
	v[FACT_DNSTATS_HAS_CAA_REPORTING] = fact_bool(l->has_caa_reporting);
	v[FACT_DNSTATS_CAA_ISSUE_COUNT] = fact_int(l->caa_issue_count);
	v[FACT_DNSTATS_CAA_WILDCARD_COUNT] = fact_int(l->caa_wildcard_count);
	v[FACT_DNSTATS_HAS_DNSSEC] = fact_bool(l->ds_algorithm != -1);
	v[FACT_DNSTATS_DS_ALGORITHM] = fact_int(l->ds_algorithm);
	v[FACT_DNSTATS_DIGEST_TYPE] = fact_int(l->digest_type);
	v[FACT_DNSTATS_DNSKEY_ALGORITHM] = fact_int(l->dnskey_algorithm);
	v[FACT_DNSTATS_HAS_MSDC] = l->has_msdc < 0 ? fact_null() : fact_bool(l->has_msdc);
	const struct https_facts *h = &fa->https;
	v[FACT_DNSTATS_HAS_SECURITYTXT] = fact_bool(h->sec_present == 1);
	v[FACT_STS_PRESENT] = fact_bool(h->sts_present == 1);
	v[FACT_STS_TXT] = fact_tri(h->sts_txt);
	v[FACT_STS_VALID] = h->sts_present == 1 ? fact_bool(h->sts_valid) : fact_null();
	v[FACT_STS_MODE] = fact_str(h->sts_mode);
	v[FACT_STS_MAX_AGE] = h->sts_max_age >= 0 ? fact_int(h->sts_max_age) : fact_null();
	v[FACT_STS_MX_PATTERNS] = h->sts_present == 1 ? fact_int(h->sts_mx) : fact_null();
	v[FACT_STS_MX_COVERED] = fact_tri(h->sts_mx_covered);
	v[FACT_STS_ERROR] = fact_str(h->sts_error);
	bool sp = h->sec_present == 1;
	v[FACT_SECTXT_PRESENT] = fact_bool(sp);
	v[FACT_SECTXT_VALID] = sp ? fact_bool(h->sec_valid) : fact_null();
	v[FACT_SECTXT_CONTACT] = sp ? fact_bool(h->sec_contact) : fact_null();
	v[FACT_SECTXT_EXPIRES] = sp ? fact_bool(h->sec_expires) : fact_null();
	v[FACT_SECTXT_EXPIRED] = sp && h->sec_expires ? fact_bool(h->sec_expired) : fact_null();
	v[FACT_SECTXT_SIGNED] = sp ? fact_bool(h->sec_signed) : fact_null();
	v[FACT_SECTXT_ERROR] = fact_str(h->sec_error);
	/* what depends on unknown data is unknown, not false (the algorithm lists stay lists) */
	for (int f = 0; f < NFACTS; f++) {
		enum cat c = fact_cat(f);
		if (c < NCAT && fa->unknown[c] && fact_defs[f].type != FACT_INTS)
			v[f] = fact_null();
	}
}

static void
str_or_null(struct buf *b, const char *s)
{
	if (s)
		jsonw_strz(b, s);
	else
		buf_adds(b, "null");
}

static void
grade_or_null(struct buf *b, int grade)
{
	if (grade == GRADE_NULL)
		buf_adds(b, "null");
	else
		jsonw_int(b, grade);
}

static void
emit_grades(struct record *r, struct grader *g, bool dnstats)
{
	/* DNStats' scale grades its own categories only, and says nothing of the others */
	int ncat = dnstats ? NCAT_DNSTATS : NCAT;
	struct buf *b = rec_set_begin(r, "grades");
	for (int c = 0; c < ncat; c++) {
		buf_adds(b, c ? ",\"" : "{\"");
		buf_adds(b, cat_names[c]);
		buf_adds(b, "\":");
		grade_or_null(b, g->grades[c]);
	}
	buf_adds(b, ",\"overall\":");
	grade_or_null(b, g->overall);
	buf_addc(b, '}');
	rec_set_end(r);
	rec_set_strz(r, "grade_scale", dnstats ? "dnstats" : "domstat");
	b = rec_set_begin(r, "remarks");
	buf_addc(b, '[');
	bool first = true;
	/* the domain's remarks (category "domain"), then each category's */
	for (int c = -1; c < ncat; c++) {
		const struct findings *f = c < 0 ? &g->domain : &g->f[c];
		for (size_t i = 0; i < f->n; i++) {
			/* category, code and severity are names of ours: no escaping */
			buf_adds(b, first ? "{\"category\":\"" : ",{\"category\":\"");
			first = false;
			buf_adds(b, c < 0 ? "domain" : cat_names[c]);
			buf_adds(b, "\",\"code\":");
			str_or_null(b, f->v[i].code);
			buf_adds(b, ",\"severity\":\"");
			buf_adds(b, finding_sev_name(f->v[i].sev));
			buf_adds(b, "\",\"msg\":");
			str_or_null(b, findings_msg(f, i));
			buf_addc(b, '}');
		}
	}
	buf_addc(b, ']');
	rec_set_end(r);
	struct fact_val v[NFACTS];
	fact_values(&g->facts, g->s, v);
	facts_write(rec_set_begin(r, "facts"), v);
	rec_set_end(r);
}

/* What grade_record needs besides the record and the grader. */
struct grading {
	const char *field;	  /* --field as given */
	const struct jpath *path; /* and parsed */
	bool dnstats, pass;
};

static void
grade_record(struct record *r, struct grader *g, const struct grading *how)
{
	bool dnstats = how->dnstats;
	struct jspan dns;
	bool found = r->kind == REC_JSON && jpath_find(&r->members, how->path, &dns);
	if (!found && how->pass) {
		rec_pass(r);
		return;
	}
	if (!found) {
		/* dns-scan (or an earlier filter) already said why there is no scan */
		if (!rec_get(r, "errors", &dns))
			rec_error_code(r, "no-dns", "no '%s' member (run dns-scan first)",
				       how->field);
		return;
	}
	/* the member read while the line was validated, or (another member of that name, or one
	 * the strict reader left to jscan) read now */
	int rc = r->deferred == dns.p ? scan_load_read(g->s) : scan_load(g->s, dns.p, dns.n);
	if (rc < 0) {
		rec_error_code(r, "bad-dns", "%s", g->s->problem.s);
		return;
	}
	grade_checks(g);
	if (dnstats)
		grade_dnstats(g);
	else
		grade_domstat(g);
	grade_unknowns(g, dnstats);
	emit_grades(r, g, dnstats);
	if (g->s->nproblems)
		rec_error_code(r, "bad-dns-data", "%s%s", g->s->problem.s,
			       g->s->nproblems > 1 ? " (and more)" : "");
}

/* The record layer's hook: the dns member is read (and checked) as the line is validated. */
static size_t
read_dns(void *arg, const char *text, size_t n)
{
	return scan_read_member(arg, text, n);
}

int
main(int argc, char **argv)
{
	struct options o;
	tool_init("dns-grade");
	parse_options(argc, argv, &o);
#ifdef M_TRIM_THRESHOLD
	/* ldns reads each DS, DNSKEY and RRSIG through 64 KiB buffers it allocates and frees:
	 * under glibc's default (128 KiB) a free that leaves that much at the top of the heap
	 * gives the pages back to the kernel, and the next record faults them in again (4,366 brk
	 * calls over the 5,000 zones of the lab scan, 20 with this). Memory still stays flat: only
	 * what a record once used is kept. */
	mallopt(M_TRIM_THRESHOLD, 4 << 20);
#endif
	struct providers *prov = providers_load(o.providers);
	struct rec_reader in;
	struct record r;
	struct scan scan;
	struct grader g;
	rec_reader_init(&in, STDIN_FILENO, NULL, o.max_line);
	rec_reader_files(&in, o.files, o.nfiles);
	if (o.pass)
		rec_reader_pass(&in, PASS_LINES);
	rec_init(&r);
	scan_init(&scan);
	struct jpath path;
	const char *why;
	size_t at;
	if (jpath_parse(&path, o.field, strlen(o.field), &why, &at) < 0) /* opt_field checked it */
		tool_die("invalid value for --field: '%s' (%s at byte %zu)", o.field, why, at + 1);
	/* a top-level member is read while the line is validated; one deeper, once it is found */
	struct jscan_defer defer = {.read = read_dns, .arg = &scan};
	if (path.keys_only && path.n == 1) {
		defer.key = path.step[0].key;
		defer.keylen = path.step[0].keylen;
		rec_reader_defer(&in, &defer);
	}
	struct grading how = {
	    .field = o.field, .path = &path, .dnstats = o.dnstats, .pass = o.pass};
	grader_init(&g);
	g.s = &scan;
	g.prov = prov;
	int rc;
	unsigned long long n = 0;
	progress_init(o.progress);
	while ((rc = rec_read(&in, &r)) > 0) {
		if (r.kind == REC_JSON || r.kind == REC_NAME)
			grade_record(&r, &g, &how);
		rec_emit(&r);
		progress_count(++n, "records");
	}
	if (rc < 0)
		tool_die_read(&in.lr);
	progress_count_end(n, "records");
	grader_free(&g);
	jpath_free(&path);
	scan_free(&scan);
	rec_free(&r);
	rec_reader_free(&in);
	providers_free(prov);
	return tool_finish(rec_status());
}
