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
	       "      --max-line BYTES   longest input line handled (default 16777216)\n"
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
	/* dns-scan's lines are read whole, 4000-record answers of a hostile zone too (3.5 MB) */
	*o = (struct options){.max_line = 16 << 20};
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
 * and values, through a cursor held in local variables (struct put, passed and returned by
 * value): a store through a char pointer may change any buf in memory, so a buf's own fields
 * would be read again after every copy, the cursor's are not. Each piece's length is known when
 * compiling, so each is one inlined copy; the buf gets its length and NUL back at put_end. */
struct put {
	struct buf *b;
	char *s;
	size_t len, cap;
};

#define PUT(w, lit) ((w) = put_lit((w), (lit), sizeof(lit) - 1))
/* inlined whole, so that the cursor stays in registers */
#define PUT_INLINE static inline __attribute__((always_inline))

PUT_INLINE struct put
put_begin(struct buf *b)
{
	return (struct put){b, b->s, b->len, b->cap};
}

PUT_INLINE void
put_end(struct put w)
{
	w.b->len = w.len;
	if (w.s)
		w.s[w.len] = '\0';
}

PUT_INLINE struct put
put_grow(struct put w, size_t n)
{
	put_end(w);
	buf_grow(w.b, n);
	return put_begin(w.b);
}

PUT_INLINE struct put
put_lit(struct put w, const char *s, size_t n)
{
	if (w.len + n + 1 > w.cap)
		w = put_grow(w, n);
	memcpy(w.s + w.len, s, n);
	w.len += n;
	return w;
}

PUT_INLINE struct put
put_bool(struct put w, bool v)
{
	return v ? put_lit(w, "true", 4) : put_lit(w, "false", 5);
}

PUT_INLINE struct put
put_int(struct put w, long long v)
{
	if (v >= 0 && v < 10) /* most counts and flags */
		return put_lit(w, &"0123456789"[v], 1);
	if (v >= 10 && v < 100) { /* most grades */
		char d[2] = {(char)('0' + v / 10), (char)('0' + v % 10)};
		return put_lit(w, d, 2);
	}
	if (v >= 100 && v < 1000) { /* full marks, query counts */
		char d[3] = {(char)('0' + v / 100), (char)('0' + v / 10 % 10),
			     (char)('0' + v % 10)};
		return put_lit(w, d, 3);
	}
	put_end(w);
	jsonw_int(w.b, v);
	return put_begin(w.b);
}

PUT_INLINE struct put
put_str(struct put w, const char *s, size_t n)
{
	put_end(w);
	jsonw_str(w.b, s, n);
	return put_begin(w.b);
}

PUT_INLINE struct put
put_null_or_str(struct put w, const char *s)
{
	return s ? put_str(w, s, strlen(s)) : put_lit(w, "null", 4);
}

static struct put
put_algs(struct put w, const int *v, int n)
{
	PUT(w, "[");
	for (int i = 0; i < n; i++) {
		if (i)
			PUT(w, ",");
		w = put_int(w, v[i]);
	}
	PUT(w, "]");
	return w;
}

static struct put
write_facts(struct put w, const struct grader *g)
{
	const struct facts *fa = &g->facts;
	PUT(w, "{\"spf\":{\"present\":");
	w = put_bool(w, fa->spf.present);
	PUT(w, ",\"policy\":");
	w = put_null_or_str(w, fa->spf.policy ? fa->spf.policy : "none");
	PUT(w, ",\"lookups\":");
	w = put_int(w, fa->spf.lookups);
	PUT(w, ",\"void_lookups\":");
	w = put_int(w, fa->spf.voids);
	PUT(w, ",\"valid\":");
	w = put_bool(w, fa->spf.valid);
	PUT(w, "},\"dmarc\":{\"present\":");
	w = put_bool(w, fa->dmarc.present);
	PUT(w, ",\"valid\":");
	w = put_bool(w, fa->dmarc.valid);
	PUT(w, ",\"p\":");
	w = put_null_or_str(w, dmarc_policy_name(fa->dmarc.p));
	PUT(w, ",\"sp\":");
	w = put_null_or_str(w, dmarc_policy_name(fa->dmarc.sp));
	PUT(w, ",\"np\":");
	w = put_null_or_str(w, dmarc_policy_name(fa->dmarc.np));
	PUT(w, ",\"pct\":");
	if (fa->dmarc.pct >= 0)
		w = put_int(w, fa->dmarc.pct);
	else
		PUT(w, "null");
	PUT(w, ",\"rua\":");
	w = put_bool(w, fa->dmarc.rua);
	PUT(w, ",\"ruf\":");
	w = put_bool(w, fa->dmarc.ruf);
	PUT(w, "},\"caa\":{\"present\":");
	w = put_bool(w, fa->caa.present);
	PUT(w, ",\"found_at\":");
	if (fa->caa.present)
		w = put_str(w, fa->caa.found_at.s, fa->caa.found_at.len);
	else
		PUT(w, "null");
	PUT(w, ",\"issue_count\":");
	w = put_int(w, fa->caa.issue_count);
	PUT(w, ",\"issue\":");
	w = put_bool(w, fa->caa.issue);
	PUT(w, ",\"issuewild\":");
	w = put_bool(w, fa->caa.issuewild);
	PUT(w, ",\"iodef\":");
	w = put_bool(w, fa->caa.iodef);
	PUT(w, "},\"mx\":{\"present\":");
	w = put_bool(w, fa->mx.present);
	PUT(w, ",\"null_mx\":");
	w = put_bool(w, fa->mx.null_mx);
	PUT(w, ",\"hosts\":");
	w = put_int(w, fa->mx.hosts);
	PUT(w, "},\"ns\":{\"count\":");
	w = put_int(w, fa->ns.count);
	PUT(w, ",\"lame\":");
	w = put_int(w, fa->ns.lame);
	PUT(w, ",\"serials_consistent\":");
	w = put_bool(w, fa->ns.serials_consistent);
	PUT(w, ",\"ns_sets_consistent\":");
	w = put_bool(w, fa->ns.ns_sets_consistent);
	PUT(w, "},\"soa\":{\"present\":");
	w = put_bool(w, fa->soa.present);
	PUT(w, ",\"serial\":");
	if (fa->soa.serial >= 0)
		w = put_int(w, fa->soa.serial);
	else
		PUT(w, "null");
	PUT(w, "},\"dnssec\":{\"status\":");
	w = put_null_or_str(w, fa->dnssec.status);
	PUT(w, ",\"ds_algorithms\":");
	w = put_algs(w, fa->dnssec.ds_alg, fa->dnssec.nds);
	PUT(w, ",\"dnskey_algorithms\":");
	w = put_algs(w, fa->dnssec.key_alg, fa->dnssec.nkey);
	PUT(w, "},\"bimi\":{\"present\":");
	w = put_bool(w, fa->bimi.present);
	PUT(w, ",\"valid\":");
	w = put_bool(w, fa->bimi.valid);
	PUT(w, "},\"mail_provider\":");
	w = put_null_or_str(w, fa->mail_provider);
	PUT(w, ",\"dns_provider\":");
	w = put_null_or_str(w, fa->dns_provider);
	PUT(w, ",\"active_directory\":");
	w = put_bool(w, fa->ad);
	PUT(w, ",\"scan\":{\"queries\":");
	w = put_int(w, fa->scan.queries);
	PUT(w, ",\"answered\":");
	w = put_int(w, fa->scan.answered);
	PUT(w, ",\"timeouts\":");
	w = put_int(w, fa->scan.timeouts);
	PUT(w, ",\"servfail\":");
	w = put_int(w, fa->scan.servfail);
	PUT(w, ",\"errors\":");
	w = put_int(w, fa->scan.errors);
	const struct legacy *l = &fa->legacy;
	PUT(w, "},\"dnstats\":{\"has_mx\":");
	w = put_bool(w, l->has_mx);
	PUT(w, ",\"has_spf\":");
	w = put_bool(w, l->has_spf);
	PUT(w, ",\"spf_policy\":");
	w = put_null_or_str(w, l->spf_policy);
	PUT(w, ",\"has_dmarc\":");
	w = put_bool(w, l->has_dmarc);
	PUT(w, ",\"dmarc_policy\":");
	w = put_null_or_str(w, l->dmarc_policy);
	PUT(w, ",\"dmarc_sub_policy\":");
	w = put_null_or_str(w, l->dmarc_sub_policy);
	PUT(w, ",\"has_dmarc_aggregate_reporting\":");
	w = put_bool(w, l->has_dmarc_rua);
	PUT(w, ",\"has_dmarc_forensic_reporting\":");
	w = put_bool(w, l->has_dmarc_ruf);
	PUT(w, ",\"has_caa\":");
	w = put_bool(w, l->has_caa);
	PUT(w, ",\"has_caa_reporting\":");
	w = put_bool(w, l->has_caa_reporting);
	PUT(w, ",\"caa_issue_count\":");
	w = put_int(w, l->caa_issue_count);
	PUT(w, ",\"caa_wildcard_count\":");
	w = put_int(w, l->caa_wildcard_count);
	PUT(w, ",\"has_dnssec\":");
	w = put_bool(w, l->ds_algorithm != -1);
	PUT(w, ",\"dnssec_ds_algorithm\":");
	w = put_int(w, l->ds_algorithm);
	PUT(w, ",\"dnssec_digest_type\":");
	w = put_int(w, l->digest_type);
	PUT(w, ",\"dnssec_dnskey_algorithm\":");
	w = put_int(w, l->dnskey_algorithm);
	PUT(w, ",\"has_msdc\":");
	if (l->has_msdc < 0)
		PUT(w, "null");
	else
		w = put_bool(w, l->has_msdc);
	PUT(w, ",\"has_securitytxt\":null}}");
	return w;
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
	struct put w = put_begin(rec_set_begin(r, "grades"));
	PUT(w, "{");
	for (int c = 0; c < NCAT; c++) {
		if (c)
			PUT(w, ",");
		w = put_lit(w, cat_json[c].key, cat_json[c].keylen);
		w = put_int(w, g->grades[c]);
	}
	PUT(w, ",\"overall\":");
	w = put_int(w, g->overall);
	PUT(w, "}");
	put_end(w);
	rec_set_end(r);
	if (dnstats)
		rec_set_json(r, "grade_scale", "\"dnstats\"", 9);
	else
		rec_set_json(r, "grade_scale", "\"domstat\"", 9);
	w = put_begin(rec_set_begin(r, "remarks"));
	PUT(w, "[");
	bool first = true;
	for (int c = 0; c < NCAT; c++) {
		const struct findings *f = &g->f[c];
		for (size_t i = 0; i < f->n; i++) {
			if (first)
				PUT(w, "{\"category\":");
			else
				PUT(w, ",{\"category\":");
			first = false;
			w = put_lit(w, cat_json[c].str, cat_json[c].strlen);
			PUT(w, ",\"code\":");
			w = put_null_or_str(w, f->v[i].code);
			switch (f->v[i].sev) {
			case SEV_ERROR:
				PUT(w, ",\"severity\":\"error\",\"msg\":");
				break;
			case SEV_WARNING:
				PUT(w, ",\"severity\":\"warning\",\"msg\":");
				break;
			default:
				PUT(w, ",\"severity\":\"notice\",\"msg\":");
			}
			w = put_null_or_str(w, findings_msg(f, i));
			PUT(w, "}");
		}
	}
	PUT(w, "]");
	put_end(w);
	rec_set_end(r);
	put_end(write_facts(put_begin(rec_set_begin(r, "facts")), g));
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
