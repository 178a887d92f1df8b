/* dns-grade: validate and grade each domain scanned by dns-scan (its `dns` member) against the
 * RFCs, and add grades, remarks and the facts reports need. Asks no DNS. */
#include <getopt.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "grade.h"
#include "jsonw.h"
#include "progress.h"
#include "record.h"
#include "tool.h"

const char *const cat_names[NCAT] = {"spf", "dmarc", "caa", "ns", "soa", "mx", "dnssec", "bimi"};

struct options {
	bool dnstats;
	const char *providers;
	size_t max_line;
};

static void
usage(void)
{
	fprintf(
	    stderr,
	    "usage: dns-grade [--scale domstat|dnstats] [--providers DIR] [--max-line BYTES]\n");
	exit(EXIT_FATAL);
}

static void
help(void)
{
	printf("dns-grade: grade each domain scanned by dns-scan (its dns member).\n\n"
	       "      --scale SCALE      domstat (default) or dnstats (DNStats' graders)\n"
	       "      --providers DIR    read DIR/ns.tsv and DIR/mx.tsv before the shipped tables\n"
	       "      --max-line BYTES   longest input line handled (default 1048576)\n"
	       "  -h, --help             this help\n"
	       "  -V, --version          version\n\n"
	       "See dns-grade(1) and domstat(7).\n");
	exit(tool_finish(0));
}

static void
parse_options(int argc, char **argv, struct options *o)
{
	enum { OPT_SCALE = 256, OPT_PROV, OPT_MAXLINE };
	static const struct option longopts[] = {
	    {"scale", required_argument, NULL, OPT_SCALE},
	    {"providers", required_argument, NULL, OPT_PROV},
	    {"max-line", required_argument, NULL, OPT_MAXLINE},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	*o = (struct options){0};
	int c;
	while ((c = getopt_long(argc, argv, "hV", longopts, NULL)) != -1) {
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
		case OPT_MAXLINE:
			o->max_line = (size_t)opt_long("max-line", optarg, 256, 1L << 30);
			break;
		case 'h':
			help();
			break;
		case 'V':
			tool_version();
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
}

/* jsonw_key for the names written here, which need no escapes: the same bytes, faster. */
static inline void
key_plain(struct buf *b, const char *k)
{
	size_t n = strlen(k);
	buf_grow(b, n + 4);
	if (b->len && b->s[b->len - 1] != '{' && b->s[b->len - 1] != '[')
		b->s[b->len++] = ',';
	b->s[b->len++] = '"';
	memcpy(b->s + b->len, k, n);
	b->len += n;
	b->s[b->len++] = '"';
	b->s[b->len++] = ':';
	b->s[b->len] = '\0';
}

static void
add_null_or_str(struct buf *b, const char *key, const char *s)
{
	key_plain(b, key);
	if (s)
		jsonw_strz(b, s);
	else
		buf_adds(b, "null");
}

static void
add_bool(struct buf *b, const char *key, bool v)
{
	key_plain(b, key);
	buf_adds(b, v ? "true" : "false");
}

static void
add_int(struct buf *b, const char *key, long long v)
{
	key_plain(b, key);
	jsonw_int(b, v);
}

static void
add_algs(struct buf *b, const char *key, const int *v, int n)
{
	key_plain(b, key);
	buf_addc_fast(b, '[');
	for (int i = 0; i < n; i++) {
		if (i)
			buf_addc_fast(b, ',');
		jsonw_int(b, v[i]);
	}
	buf_addc_fast(b, ']');
}

static void
write_facts(struct buf *b, const struct grader *g)
{
	const struct facts *fa = &g->facts;
	buf_addc_fast(b, '{');
	key_plain(b, "spf");
	buf_addc_fast(b, '{');
	add_bool(b, "present", fa->spf.present);
	add_null_or_str(b, "policy", fa->spf.policy ? fa->spf.policy : "none");
	add_int(b, "lookups", fa->spf.lookups);
	add_int(b, "void_lookups", fa->spf.voids);
	add_bool(b, "valid", fa->spf.valid);
	buf_addc_fast(b, '}');
	key_plain(b, "dmarc");
	buf_addc_fast(b, '{');
	add_bool(b, "present", fa->dmarc.present);
	add_bool(b, "valid", fa->dmarc.valid);
	add_null_or_str(b, "p", dmarc_policy_name(fa->dmarc.p));
	add_null_or_str(b, "sp", dmarc_policy_name(fa->dmarc.sp));
	add_null_or_str(b, "np", dmarc_policy_name(fa->dmarc.np));
	key_plain(b, "pct");
	if (fa->dmarc.pct >= 0)
		jsonw_int(b, fa->dmarc.pct);
	else
		buf_adds(b, "null");
	add_bool(b, "rua", fa->dmarc.rua);
	add_bool(b, "ruf", fa->dmarc.ruf);
	buf_addc_fast(b, '}');
	key_plain(b, "caa");
	buf_addc_fast(b, '{');
	add_bool(b, "present", fa->caa.present);
	key_plain(b, "found_at");
	if (fa->caa.present)
		jsonw_str(b, fa->caa.found_at.s, fa->caa.found_at.len);
	else
		buf_adds(b, "null");
	add_int(b, "issue_count", fa->caa.issue_count);
	add_bool(b, "issue", fa->caa.issue);
	add_bool(b, "issuewild", fa->caa.issuewild);
	add_bool(b, "iodef", fa->caa.iodef);
	buf_addc_fast(b, '}');
	key_plain(b, "mx");
	buf_addc_fast(b, '{');
	add_bool(b, "present", fa->mx.present);
	add_bool(b, "null_mx", fa->mx.null_mx);
	add_int(b, "hosts", fa->mx.hosts);
	buf_addc_fast(b, '}');
	key_plain(b, "ns");
	buf_addc_fast(b, '{');
	add_int(b, "count", fa->ns.count);
	add_int(b, "lame", fa->ns.lame);
	add_bool(b, "serials_consistent", fa->ns.serials_consistent);
	add_bool(b, "ns_sets_consistent", fa->ns.ns_sets_consistent);
	buf_addc_fast(b, '}');
	key_plain(b, "soa");
	buf_addc_fast(b, '{');
	add_bool(b, "present", fa->soa.present);
	key_plain(b, "serial");
	if (fa->soa.serial >= 0)
		jsonw_int(b, fa->soa.serial);
	else
		buf_adds(b, "null");
	buf_addc_fast(b, '}');
	key_plain(b, "dnssec");
	buf_addc_fast(b, '{');
	add_null_or_str(b, "status", fa->dnssec.status);
	add_algs(b, "ds_algorithms", fa->dnssec.ds_alg, fa->dnssec.nds);
	add_algs(b, "dnskey_algorithms", fa->dnssec.key_alg, fa->dnssec.nkey);
	buf_addc_fast(b, '}');
	key_plain(b, "bimi");
	buf_addc_fast(b, '{');
	add_bool(b, "present", fa->bimi.present);
	add_bool(b, "valid", fa->bimi.valid);
	buf_addc_fast(b, '}');
	add_null_or_str(b, "mail_provider", fa->mail_provider);
	add_null_or_str(b, "dns_provider", fa->dns_provider);
	add_bool(b, "active_directory", fa->ad);
	key_plain(b, "scan");
	buf_addc_fast(b, '{');
	add_int(b, "queries", fa->scan.queries);
	add_int(b, "answered", fa->scan.answered);
	add_int(b, "timeouts", fa->scan.timeouts);
	add_int(b, "servfail", fa->scan.servfail);
	add_int(b, "errors", fa->scan.errors);
	buf_addc_fast(b, '}');
	const struct legacy *l = &fa->legacy;
	key_plain(b, "dnstats");
	buf_addc_fast(b, '{');
	add_bool(b, "has_mx", l->has_mx);
	add_bool(b, "has_spf", l->has_spf);
	add_null_or_str(b, "spf_policy", l->spf_policy);
	add_bool(b, "has_dmarc", l->has_dmarc);
	add_null_or_str(b, "dmarc_policy", l->dmarc_policy);
	add_null_or_str(b, "dmarc_sub_policy", l->dmarc_sub_policy);
	add_bool(b, "has_dmarc_aggregate_reporting", l->has_dmarc_rua);
	add_bool(b, "has_dmarc_forensic_reporting", l->has_dmarc_ruf);
	add_bool(b, "has_caa", l->has_caa);
	add_bool(b, "has_caa_reporting", l->has_caa_reporting);
	add_int(b, "caa_issue_count", l->caa_issue_count);
	add_int(b, "caa_wildcard_count", l->caa_wildcard_count);
	add_bool(b, "has_dnssec", l->ds_algorithm != -1);
	add_int(b, "dnssec_ds_algorithm", l->ds_algorithm);
	add_int(b, "dnssec_digest_type", l->digest_type);
	add_int(b, "dnssec_dnskey_algorithm", l->dnskey_algorithm);
	key_plain(b, "has_msdc");
	buf_adds(b, l->has_msdc < 0 ? "null" : l->has_msdc ? "true" : "false");
	key_plain(b, "has_securitytxt");
	buf_adds(b, "null");
	buf_addc_fast(b, '}');
	buf_addc_fast(b, '}');
}

static void
emit_grades(struct record *r, struct grader *g, bool dnstats)
{
	struct buf *b = rec_set_begin(r, "grades");
	buf_addc_fast(b, '{');
	for (int c = 0; c < NCAT; c++)
		add_int(b, cat_names[c], g->grades[c]);
	add_int(b, "overall", g->overall);
	buf_addc_fast(b, '}');
	rec_set_end(r);
	rec_set_strz(r, "grade_scale", dnstats ? "dnstats" : "domstat");
	b = rec_set_begin(r, "remarks");
	buf_addc_fast(b, '[');
	bool first = true;
	for (int c = 0; c < NCAT; c++) {
		const struct findings *f = &g->f[c];
		for (size_t i = 0; i < f->n; i++) {
			if (!first)
				buf_addc_fast(b, ',');
			first = false;
			buf_addc_fast(b, '{');
			key_plain(b, "category");
			jsonw_strz(b, cat_names[c]);
			key_plain(b, "code");
			jsonw_strz(b, f->v[i].code);
			key_plain(b, "severity");
			jsonw_strz(b, finding_sev_name(f->v[i].sev));
			key_plain(b, "msg");
			jsonw_strz(b, findings_msg(f, i));
			buf_addc_fast(b, '}');
		}
	}
	buf_addc_fast(b, ']');
	rec_set_end(r);
	b = rec_set_begin(r, "facts");
	write_facts(b, g);
	rec_set_end(r);
}

static void
grade_record(struct record *r, struct grader *g, bool dnstats)
{
	struct jspan dns;
	if (!rec_get(r, "dns", &dns)) {
		/* dns-scan (or an earlier filter) already said why there is no scan */
		if (!rec_get(r, "errors", &dns))
			rec_error_code(r, "NO_DNS", "no 'dns' member (run dns-scan first)");
		return;
	}
	/* the member read while the line was validated, or (another member of that name, or one
	 * the strict reader left to jscan) read now */
	int rc = r->deferred == dns.p ? scan_load_read(g->s) : scan_load(g->s, dns.p, dns.n);
	if (rc < 0) {
		rec_error_code(r, "BAD_DNS", "%s", g->s->problem.s);
		return;
	}
	grade_checks(g);
	if (dnstats)
		grade_dnstats(g);
	else
		grade_domstat(g);
	emit_grades(r, g, dnstats);
	if (g->s->nproblems)
		rec_error_code(r, "BAD_DNS_DATA", "%s%s", g->s->problem.s,
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
	/* Each record builds and frees a json-c tree of hundreds of objects: keep the freed heap
	 * instead of returning it to the system after every record (about 14% less time). */
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	mallopt(M_TOP_PAD, 16 << 20);
	struct providers *prov = providers_load(o.providers);
	struct rec_reader in;
	struct record r;
	struct scan scan;
	struct grader g;
	rec_reader_init(&in, STDIN_FILENO, NULL, o.max_line);
	rec_init(&r);
	scan_init(&scan);
	struct jscan_defer defer = {.key = "dns", .keylen = 3, .read = read_dns, .arg = &scan};
	rec_reader_defer(&in, &defer);
	rec_reader_borrow(&in); /* each record is emitted before the next is read */
	grader_init(&g);
	g.s = &scan;
	g.prov = prov;
	int rc;
	unsigned long long n = 0;
	progress_init(PROGRESS_AUTO);
	while ((rc = rec_read(&in, &r)) > 0) {
		if (r.kind == REC_JSON || r.kind == REC_NAME)
			grade_record(&r, &g, o.dnstats);
		rec_emit(&r);
		progress_count(++n, "records");
	}
	if (rc < 0)
		tool_die("cannot read input: %s", strerror(in.lr.error));
	progress_count_end(n, "records");
	grader_free(&g);
	scan_free(&scan);
	rec_free(&r);
	rec_reader_free(&in);
	providers_free(prov);
	return tool_finish(rec_status());
}
