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

/* The categories in grade.h's order; their JSON forms (cat_json) come from the same list. */
#define CATEGORIES(X)  X("spf") X("dmarc") X("caa") X("ns") X("soa") X("mx") X("dnssec") X("bimi")
#define CAT_NAME(name) name,
const char *const cat_names[NCAT] = {CATEGORIES(CAT_NAME)};

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

/* The members written here are built from pieces of fixed text (keys with their separators)
 * and values; the pieces' lengths are known when compiling, so each is one inlined copy. */
#define PUT(b, lit) put_lit((b), (lit), sizeof(lit) - 1)

static inline void
put_lit(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap)
		buf_grow(b, n);
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static inline void
put_bool(struct buf *b, bool v)
{
	if (v)
		PUT(b, "true");
	else
		PUT(b, "false");
}

static inline void
put_int(struct buf *b, long long v)
{
	if (v >= 0 && v < 10) /* most counts and flags */
		put_lit(b, &"0123456789"[v], 1);
	else
		jsonw_int(b, v);
}

static inline void
put_null_or_str(struct buf *b, const char *s)
{
	if (s)
		jsonw_strz(b, s);
	else
		PUT(b, "null");
}

static void
put_algs(struct buf *b, const int *v, int n)
{
	PUT(b, "[");
	for (int i = 0; i < n; i++) {
		if (i)
			PUT(b, ",");
		put_int(b, v[i]);
	}
	PUT(b, "]");
}

static void
write_facts(struct buf *b, const struct grader *g)
{
	const struct facts *fa = &g->facts;
	PUT(b, "{\"spf\":{\"present\":");
	put_bool(b, fa->spf.present);
	PUT(b, ",\"policy\":");
	put_null_or_str(b, fa->spf.policy ? fa->spf.policy : "none");
	PUT(b, ",\"lookups\":");
	put_int(b, fa->spf.lookups);
	PUT(b, ",\"void_lookups\":");
	put_int(b, fa->spf.voids);
	PUT(b, ",\"valid\":");
	put_bool(b, fa->spf.valid);
	PUT(b, "},\"dmarc\":{\"present\":");
	put_bool(b, fa->dmarc.present);
	PUT(b, ",\"valid\":");
	put_bool(b, fa->dmarc.valid);
	PUT(b, ",\"p\":");
	put_null_or_str(b, dmarc_policy_name(fa->dmarc.p));
	PUT(b, ",\"sp\":");
	put_null_or_str(b, dmarc_policy_name(fa->dmarc.sp));
	PUT(b, ",\"np\":");
	put_null_or_str(b, dmarc_policy_name(fa->dmarc.np));
	PUT(b, ",\"pct\":");
	if (fa->dmarc.pct >= 0)
		put_int(b, fa->dmarc.pct);
	else
		PUT(b, "null");
	PUT(b, ",\"rua\":");
	put_bool(b, fa->dmarc.rua);
	PUT(b, ",\"ruf\":");
	put_bool(b, fa->dmarc.ruf);
	PUT(b, "},\"caa\":{\"present\":");
	put_bool(b, fa->caa.present);
	PUT(b, ",\"found_at\":");
	if (fa->caa.present)
		jsonw_str(b, fa->caa.found_at.s, fa->caa.found_at.len);
	else
		PUT(b, "null");
	PUT(b, ",\"issue_count\":");
	put_int(b, fa->caa.issue_count);
	PUT(b, ",\"issue\":");
	put_bool(b, fa->caa.issue);
	PUT(b, ",\"issuewild\":");
	put_bool(b, fa->caa.issuewild);
	PUT(b, ",\"iodef\":");
	put_bool(b, fa->caa.iodef);
	PUT(b, "},\"mx\":{\"present\":");
	put_bool(b, fa->mx.present);
	PUT(b, ",\"null_mx\":");
	put_bool(b, fa->mx.null_mx);
	PUT(b, ",\"hosts\":");
	put_int(b, fa->mx.hosts);
	PUT(b, "},\"ns\":{\"count\":");
	put_int(b, fa->ns.count);
	PUT(b, ",\"lame\":");
	put_int(b, fa->ns.lame);
	PUT(b, ",\"serials_consistent\":");
	put_bool(b, fa->ns.serials_consistent);
	PUT(b, ",\"ns_sets_consistent\":");
	put_bool(b, fa->ns.ns_sets_consistent);
	PUT(b, "},\"soa\":{\"present\":");
	put_bool(b, fa->soa.present);
	PUT(b, ",\"serial\":");
	if (fa->soa.serial >= 0)
		put_int(b, fa->soa.serial);
	else
		PUT(b, "null");
	PUT(b, "},\"dnssec\":{\"status\":");
	put_null_or_str(b, fa->dnssec.status);
	PUT(b, ",\"ds_algorithms\":");
	put_algs(b, fa->dnssec.ds_alg, fa->dnssec.nds);
	PUT(b, ",\"dnskey_algorithms\":");
	put_algs(b, fa->dnssec.key_alg, fa->dnssec.nkey);
	PUT(b, "},\"bimi\":{\"present\":");
	put_bool(b, fa->bimi.present);
	PUT(b, ",\"valid\":");
	put_bool(b, fa->bimi.valid);
	PUT(b, "},\"mail_provider\":");
	put_null_or_str(b, fa->mail_provider);
	PUT(b, ",\"dns_provider\":");
	put_null_or_str(b, fa->dns_provider);
	PUT(b, ",\"active_directory\":");
	put_bool(b, fa->ad);
	PUT(b, ",\"scan\":{\"queries\":");
	put_int(b, fa->scan.queries);
	PUT(b, ",\"answered\":");
	put_int(b, fa->scan.answered);
	PUT(b, ",\"timeouts\":");
	put_int(b, fa->scan.timeouts);
	PUT(b, ",\"servfail\":");
	put_int(b, fa->scan.servfail);
	PUT(b, ",\"errors\":");
	put_int(b, fa->scan.errors);
	const struct legacy *l = &fa->legacy;
	PUT(b, "},\"dnstats\":{\"has_mx\":");
	put_bool(b, l->has_mx);
	PUT(b, ",\"has_spf\":");
	put_bool(b, l->has_spf);
	PUT(b, ",\"spf_policy\":");
	put_null_or_str(b, l->spf_policy);
	PUT(b, ",\"has_dmarc\":");
	put_bool(b, l->has_dmarc);
	PUT(b, ",\"dmarc_policy\":");
	put_null_or_str(b, l->dmarc_policy);
	PUT(b, ",\"dmarc_sub_policy\":");
	put_null_or_str(b, l->dmarc_sub_policy);
	PUT(b, ",\"has_dmarc_aggregate_reporting\":");
	put_bool(b, l->has_dmarc_rua);
	PUT(b, ",\"has_dmarc_forensic_reporting\":");
	put_bool(b, l->has_dmarc_ruf);
	PUT(b, ",\"has_caa\":");
	put_bool(b, l->has_caa);
	PUT(b, ",\"has_caa_reporting\":");
	put_bool(b, l->has_caa_reporting);
	PUT(b, ",\"caa_issue_count\":");
	put_int(b, l->caa_issue_count);
	PUT(b, ",\"caa_wildcard_count\":");
	put_int(b, l->caa_wildcard_count);
	PUT(b, ",\"has_dnssec\":");
	put_bool(b, l->ds_algorithm != -1);
	PUT(b, ",\"dnssec_ds_algorithm\":");
	put_int(b, l->ds_algorithm);
	PUT(b, ",\"dnssec_digest_type\":");
	put_int(b, l->digest_type);
	PUT(b, ",\"dnssec_dnskey_algorithm\":");
	put_int(b, l->dnskey_algorithm);
	PUT(b, ",\"has_msdc\":");
	if (l->has_msdc < 0)
		PUT(b, "null");
	else
		put_bool(b, l->has_msdc);
	PUT(b, ",\"has_securitytxt\":null}}");
}

/* The category names as JSON keys and strings (they need no escapes). */
static const struct {
	const char *key, *str; /* "\"spf\":" and "\"spf\"" */
	size_t keylen, strlen;
} cat_json[NCAT] = {
#define CAT_JSON(name) {"\"" name "\":", "\"" name "\"", sizeof(name) + 2, sizeof(name) + 1},
    CATEGORIES(CAT_JSON)};

static void
emit_grades(struct record *r, struct grader *g, bool dnstats)
{
	struct buf *b = rec_set_begin(r, "grades");
	PUT(b, "{");
	for (int c = 0; c < NCAT; c++) {
		if (c)
			PUT(b, ",");
		put_lit(b, cat_json[c].key, cat_json[c].keylen);
		put_int(b, g->grades[c]);
	}
	PUT(b, ",\"overall\":");
	put_int(b, g->overall);
	PUT(b, "}");
	rec_set_end(r);
	if (dnstats)
		rec_set_json(r, "grade_scale", "\"dnstats\"", 9);
	else
		rec_set_json(r, "grade_scale", "\"domstat\"", 9);
	b = rec_set_begin(r, "remarks");
	PUT(b, "[");
	bool first = true;
	for (int c = 0; c < NCAT; c++) {
		const struct findings *f = &g->f[c];
		for (size_t i = 0; i < f->n; i++) {
			if (first)
				PUT(b, "{\"category\":");
			else
				PUT(b, ",{\"category\":");
			first = false;
			put_lit(b, cat_json[c].str, cat_json[c].strlen);
			PUT(b, ",\"code\":");
			jsonw_strz(b, f->v[i].code);
			switch (f->v[i].sev) {
			case SEV_ERROR:
				PUT(b, ",\"severity\":\"error\",\"msg\":");
				break;
			case SEV_WARNING:
				PUT(b, ",\"severity\":\"warning\",\"msg\":");
				break;
			default:
				PUT(b, ",\"severity\":\"notice\",\"msg\":");
			}
			jsonw_strz(b, findings_msg(f, i));
			PUT(b, "}");
		}
	}
	PUT(b, "]");
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
	tool_out_direct();	/* records' heads go from the reader's buffer to the kernel */
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
