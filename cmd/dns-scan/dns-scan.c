/* SPDX-License-Identifier: ISC */
/* dns-scan: ask DNS everything grading needs about each domain, in one asynchronous pass, and
 * add it to the record as the `dns` member (domstat(7)). Collects facts only; dns-grade judges. */
#include <ctype.h>
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "dmarc.h"
#include "dname.h"
#include "dns.h"
#include "dnsjson.h"
#include "jsonw.h"
#include "options.h"
#include "parent.h"
#include "progress.h"
#include "record.h"
#include "spf.h"
#include "tool.h"
#include "window.h"
#include "xalloc.h"

/* Why a question was asked: the `why` member, in output order. */
enum why {
	W_APEX,
	W_WWW,
	W_DMARC,
	W_BIMI,
	W_MSDCS,
	W_ADPROBE,
	W_NSADDR,
	W_NSDIRECT,
	W_SPF,
	W_CAA,
	W_MXADDR,
	W_DMARCREP,
	W_PARENT,
	W_COUNT
};
static const char *const why_name[W_COUNT] = {
    "apex",	 "www", "dmarc",     "bimi",	"msdcs",	"ad-probe", "ns-addr",
    "ns-direct", "spf", "caa-climb", "mx-addr", "dmarc-report", "parent"};

/* Parts of a scan a profile turns on (one bit per `why` beyond the apex). */
#define F(w) (1u << (w))
#define FOLLOW_UPS                                                                                 \
	(F(W_NSADDR) | F(W_NSDIRECT) | F(W_SPF) | F(W_CAA) | F(W_MXADDR) | F(W_DMARCREP) |         \
	 F(W_PARENT))

/* What an answer sets off. */
enum {
	ACT_NSADDR = 1,	    /* apex NS: A/AAAA of each name server */
	ACT_NSDIRECT = 2,   /* NS address: SOA and NS asked of it directly */
	ACT_SPF = 4,	    /* TXT: walk the SPF record */
	ACT_SPFMX = 8,	    /* SPF mx: A/AAAA of the exchanges */
	ACT_MXADDR = 16,    /* apex MX: A/AAAA of the exchanges */
	ACT_CAA = 32,	    /* CAA: climb to the parent when there is none */
	ACT_DMARCREP = 64,  /* _dmarc TXT: authorisation of external report addresses */
	ACT_ADPROBE = 128,  /* _msdcs SOA: the random-label wildcard probe */
	ACT_REFERRAL = 256, /* the parent's delegation: its NS names, when the apex has none */
};

/* What the apex NS question gave, for the servers of a delegation the apex does not name. */
enum { APEX_NS_PENDING, APEX_NS_FOUND, APEX_NS_NONE };

/* Bounds that end loops and keep a hostile domain's work finite. */
#define SPF_MAX_QUERIES	 40
#define MAX_NS_NAMES	 16
#define MAX_NS_ADDRS	 8
#define MAX_MX_HOSTS	 16
#define MAX_SPF_MX_HOSTS 10
#define MAX_REPORT_DESTS 10
#define AD_PROBE_LABEL	 "88dkwqpkw01op7o" /* DNStats' fixed "random" label, lowercased */

struct options {
	const char *field;
	size_t max_line;
	struct dns_options dns;
	struct dns_addr *resolvers;
	size_t nresolvers, capresolvers;
	uint16_t ns_port;
	struct dns_cidr *allow;
	size_t nallow, capallow;
	const char *profile;
	unsigned features; /* F(why) bits */
	uint16_t apex[16]; /* apex types */
	size_t napex;
	size_t window;
	bool unordered, stats, progress, canary;
};

/* How a resolver query ended, for the domain's scan status: answered (NOERROR, NXDOMAIN), or
 * failed by the cause of its last attempt (dns_cause, then OTHER for any other rcode). */
enum outcome { O_NONE, O_ANSWERED, O_FAILED };
#define CAUSE_OTHER DNS_C_COUNT /* FORMERR, NOTIMP and other rcodes that end a query */
#define NCAUSES	    (DNS_C_COUNT + 1)
static const char *const cause_name[NCAUSES] = {"servfail",  "refused", "timeout",
						"malformed", "network", "other"};
#define TAG_CD 0x80000000u /* the result is the CD=1 question asked again after a SERVFAIL */

struct slot {
	char *q;
	uint16_t type;
	uint8_t why;
	bool direct, dnssec, done, answered;
	bool cd_pending; /* the object waits for the CD=1 answer before its closing brace */
	uint8_t outcome, cause;
	int rcode; /* of the answer, -1 when none */
	unsigned acts;
	struct dns_addr to;
	char server[64];
	struct buf json; /* the finished query object */
};

struct job {
	struct record rec;
	char *domain;
	struct slot *slots;
	size_t nslots, capslots;
	unsigned outstanding, spf_queries;
	bool done, scanning, spf_bounded, has_parent;
	int parent_cause;	/* -1, or why the parent's servers could not be found */
	uint8_t apex_ns;	/* APEX_NS_* */
	struct buf parent_json; /* the `parent` member */
	struct buf ref;		/* NS names of the parent's referral, each ending in NUL */
	size_t nref;
	double start_ms;
	time_t start_wall;
	struct job *next_free;
};

static struct options opt;
static struct dns_engine *engine;
static struct parents *parents;
static struct window order; /* the jobs in input order (not with --unordered) */
static size_t active; /* jobs read and not yet written */
static struct job *free_jobs;
static struct dname scratch_name;
static struct buf resolvers_json;
static unsigned long long domains_done, skipped;
static unsigned long long bytes_read;
static double run_start;

enum {
	OPT_RESOLVERS = 256,
	OPT_QPS,
	OPT_TIMEOUT,
	OPT_RETRIES,
	OPT_PROFILE,
	OPT_TYPES,
	OPT_NSPORT,
	OPT_NSALLOW,
	OPT_WINDOW,
	OPT_UNORDERED,
	OPT_STATS,
	OPT_CANARY
};

static const struct opt opt_table[] = {
    {'r', "resolver", "ADDR[:PORT]", "recursive resolver (repeatable; default: /etc/resolv.conf)",
     NULL},
    {OPT_RESOLVERS, "resolvers", "FILE", "resolvers, one ADDR[:PORT] a line", NULL},
    {'c', "concurrency", "N", "queries in flight at once (default 100)", NULL},
    {OPT_QPS, "qps", "N", "at most N new queries a second (default: no cap)", NULL},
    {OPT_TIMEOUT, "timeout", "SECS", "time for one query, all retries together (default 5)", NULL},
    {OPT_RETRIES, "retries", "N", "attempts after the first (default 2)", NULL},
    {OPT_PROFILE, "profile", "NAME", "full (default), dnstats or minimal", NULL},
    {OPT_TYPES, "types", "LIST", "apex types and parts, e.g. MX,TXT,spf,dmarc (custom)", NULL},
    {OPT_NSPORT, "ns-port", "PORT", "port of direct queries to name servers (default 53)", NULL},
    {OPT_NSALLOW, "ns-allow", "CIDR", "ranges direct queries may go to (repeatable; default all)",
     NULL},
    {OPT_CANARY, "canary", NULL, "warn about resolvers that answer a name that cannot exist",
     NULL},
    {OPT_WINDOW, "window", "N", "records held for ordered output (default 1000)", NULL},
    {OPT_UNORDERED, "unordered", NULL, "write records as they finish, not in input order", NULL},
    {OPT_STATS, "stats", NULL, "print a summary on standard error at the end", NULL},
    {'f', "field", "PATH", "member holding the domain (default domain)", NULL},
    OPT_ROW_MAX_LINE("1048576", NULL),
    OPT_ROWS_COMMON,
};

static struct opts opts = {
    .cmd = "dns-scan",
    .about = "dns-scan: add everything DNS says about each domain as the `dns` member.",
    .table = opt_table,
};

/* ---- profiles ---- */

static void
add_apex(uint16_t t)
{
	for (size_t i = 0; i < opt.napex; i++)
		if (opt.apex[i] == t)
			return;
	if (opt.napex < sizeof opt.apex / sizeof *opt.apex)
		opt.apex[opt.napex++] = t;
}

static void
set_profile(const char *name)
{
	static const uint16_t full[] = {
	    LDNS_RR_TYPE_SOA,	 LDNS_RR_TYPE_NS,	 LDNS_RR_TYPE_MX,   LDNS_RR_TYPE_TXT,
	    LDNS_RR_TYPE_CAA,	 LDNS_RR_TYPE_A,	 LDNS_RR_TYPE_AAAA, LDNS_RR_TYPE_DS,
	    LDNS_RR_TYPE_DNSKEY, LDNS_RR_TYPE_NSEC3PARAM};
	static const uint16_t dnstats[] = {LDNS_RR_TYPE_MX, LDNS_RR_TYPE_TXT,	 LDNS_RR_TYPE_CAA,
					   LDNS_RR_TYPE_DS, LDNS_RR_TYPE_DNSKEY, LDNS_RR_TYPE_NS,
					   LDNS_RR_TYPE_SOA};
	static const uint16_t minimal[] = {LDNS_RR_TYPE_SOA, LDNS_RR_TYPE_NS, LDNS_RR_TYPE_MX,
					   LDNS_RR_TYPE_TXT};
	opt.napex = 0;
	const uint16_t *types;
	size_t n;
	if (!strcmp(name, "full")) {
		types = full;
		n = sizeof full / sizeof *full;
		opt.features = F(W_APEX) | F(W_WWW) | F(W_DMARC) | F(W_BIMI) | F(W_MSDCS) |
			       F(W_ADPROBE) | FOLLOW_UPS;
	} else if (!strcmp(name, "dnstats")) {
		types = dnstats;
		n = sizeof dnstats / sizeof *dnstats;
		opt.features = F(W_APEX) | F(W_DMARC) | F(W_BIMI) | F(W_MSDCS) | F(W_ADPROBE) |
			       F(W_NSADDR) | F(W_NSDIRECT);
	} else if (!strcmp(name, "minimal")) {
		types = minimal;
		n = sizeof minimal / sizeof *minimal;
		opt.features = F(W_APEX) | F(W_DMARC);
	} else {
		tool_die("invalid value for --profile: '%s' (full, dnstats or minimal)", name);
	}
	for (size_t i = 0; i < n; i++)
		add_apex(types[i]);
	opt.profile = name;
}

/* --types: RR types asked at the apex, and parts by their `why` names. */
static void
set_types(const char *list)
{
	opt.napex = 0;
	opt.features = 0;
	opt.profile = "custom";
	char *copy = xstrdup(list), *save = NULL;
	for (char *t = strtok_r(copy, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
		int w;
		for (w = 0; w < W_COUNT; w++)
			if (!strcasecmp(t, why_name[w]))
				break;
		if (w < W_COUNT && w != W_APEX) {
			opt.features |= F(w);
			continue;
		}
		ldns_rr_type rt = ldns_get_rr_type_by_name(t);
		if (rt == 0 || !strcasecmp(t, "ANY") || !strcasecmp(t, "AXFR") ||
		    !strcasecmp(t, "IXFR"))
			tool_die("invalid value for --types: '%s'", t);
		add_apex((uint16_t)rt);
		opt.features |= F(W_APEX);
	}
	free(copy);
	if (opt.features & F(W_NSDIRECT))
		opt.features |= F(W_NSADDR); /* the addresses come from there */
	if (opt.features & F(W_MSDCS))
		opt.features |= F(W_ADPROBE);
	if (!opt.features)
		tool_die("invalid value for --types: nothing to ask");
}

static void
add_resolver(const char *s)
{
	struct dns_addr a;
	if (dns_addr_parse(s, 53, &a) < 0)
		tool_die("invalid resolver address: '%s'", s);
	opt.resolvers =
	    xgrow(opt.resolvers, &opt.capresolvers, opt.nresolvers + 1, sizeof *opt.resolvers);
	opt.resolvers[opt.nresolvers++] = a;
}

static void
read_resolvers(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		tool_die("cannot open '%s': %s", path, strerror(errno));
	char *line = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, f) > 0) {
		char *s = line, *hash = strchr(s, '#');
		if (hash)
			*hash = '\0';
		s += strspn(s, " \t\r\n");
		if (!strncmp(s, "nameserver", 10) && (s[10] == ' ' || s[10] == '\t'))
			s += 10 + strspn(s + 10, " \t");
		s[strcspn(s, " \t\r\n")] = '\0';
		if (*s)
			add_resolver(s);
	}
	free(line);
	fclose(f);
}

static void
parse_options(int argc, char **argv)
{
	opt.field = "domain";
	enum progress_mode progress = PROGRESS_AUTO;
	opt.dns.inflight = 100;
	opt.dns.timeout_ms = 5000;
	opt.dns.retries = 2;
	opt.ns_port = 53;
	opt.window = 1000;
	set_profile("full");
	const char *types = NULL, *profile = NULL;
	int c;
	while ((c = opts_next(&opts, argc, argv)) != -1) {
		switch (c) {
		case 'r':
			add_resolver(optarg);
			break;
		case OPT_RESOLVERS:
			read_resolvers(optarg);
			break;
		case 'c':
			opt.dns.inflight = (unsigned)opt_long("concurrency", optarg, 1, 100000);
			break;
		case OPT_QPS:
			opt.dns.qps = opt_double("qps", optarg, 0, 1e7);
			break;
		case OPT_TIMEOUT:
			opt.dns.timeout_ms =
			    (unsigned)(opt_double("timeout", optarg, 0.01, 3600) * 1000);
			break;
		case OPT_RETRIES:
			opt.dns.retries = (unsigned)opt_long("retries", optarg, 0, 10);
			break;
		case OPT_PROFILE:
			profile = optarg;
			break;
		case OPT_TYPES:
			types = optarg;
			break;
		case OPT_NSPORT:
			opt.ns_port = (uint16_t)opt_long("ns-port", optarg, 1, 65535);
			break;
		case OPT_NSALLOW:
			opt.allow =
			    xgrow(opt.allow, &opt.capallow, opt.nallow + 1, sizeof *opt.allow);
			if (dns_cidr_parse(optarg, &opt.allow[opt.nallow]) < 0)
				tool_die("invalid value for --ns-allow: '%s'", optarg);
			opt.nallow++;
			break;
		case OPT_WINDOW:
			opt.window = (size_t)opt_long("window", optarg, 1, 10000000);
			break;
		case OPT_UNORDERED:
			opt.unordered = true;
			break;
		case OPT_STATS:
			opt.stats = true;
			break;
		case OPT_CANARY:
			opt.canary = true;
			break;
		case 'f':
			opt.field = optarg;
			break;
		case OPT_MAX_LINE:
			opt.max_line = (size_t)opt_long("max-line", optarg, 256, 1L << 30);
			break;
		case OPT_PROGRESS:
			progress = PROGRESS_ON;
			break;
		case OPT_NO_PROGRESS:
			progress = PROGRESS_OFF;
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
	if (optind != argc)
		opts_usage(&opts);
	if (profile && types)
		tool_die("--profile and --types cannot be used together");
	if (profile)
		set_profile(profile);
	if (types)
		set_types(types);
	if (opt.nresolvers == 0) {
		if (dns_resolvconf("/etc/resolv.conf", &opt.resolvers, &opt.nresolvers,
				   &opt.capresolvers) <= 0)
			tool_die("no resolver: /etc/resolv.conf has none (use -r)");
	}
	opt.dns.resolvers = opt.resolvers;
	opt.dns.nresolvers = opt.nresolvers;
	progress_init(progress);
	opt.progress = progress_on();
}

/* ---- jobs and their questions ---- */

static void on_result(void *ctx, uint32_t tag, struct dns_result *res);

/* Ask a question for job j unless the same one (same purpose, name, type, server) was asked. */
static size_t
ask(struct job *j, enum why why, const char *q, uint16_t type, unsigned acts,
    const struct dns_addr *direct)
{
	for (size_t i = 0; i < j->nslots; i++) {
		struct slot *s = &j->slots[i];
		if (s->why == why && s->type == type && !strcmp(s->q, q) &&
		    s->direct == (direct != NULL) &&
		    (!direct ||
		     (s->to.len == direct->len && !memcmp(&s->to.ss, &direct->ss, direct->len))))
			return (size_t)-1;
	}
	j->slots = xgrow(j->slots, &j->capslots, j->nslots + 1, sizeof *j->slots);
	size_t idx = j->nslots++;
	struct slot *s = &j->slots[idx];
	memset(s, 0, sizeof *s);
	s->q = xstrdup(q);
	s->type = type;
	s->why = (uint8_t)why;
	s->acts = acts;
	s->direct = direct != NULL;
	if (direct)
		s->to = *direct;
	s->dnssec = type == LDNS_RR_TYPE_DS || type == LDNS_RR_TYPE_DNSKEY ||
		    type == LDNS_RR_TYPE_NSEC3PARAM || type == LDNS_RR_TYPE_RRSIG ||
		    type == LDNS_RR_TYPE_NSEC || type == LDNS_RR_TYPE_NSEC3 ||
		    type == LDNS_RR_TYPE_CDS || type == LDNS_RR_TYPE_CDNSKEY ||
		    (why == W_APEX && type == LDNS_RR_TYPE_SOA) || why == W_MSDCS ||
		    why == W_ADPROBE;
	if (direct && opt.nallow && !dns_cidr_match(opt.allow, opt.nallow, direct)) {
		/* not sent: written as skipped */
		char a[64];
		dns_addr_str(direct, a, sizeof a);
		snprintf(s->server, sizeof s->server, "%s", a);
		struct buf *b = &s->json;
		s->done = true;
		skipped++;
		buf_adds(b, "{\"q\":");
		jsonw_strz(b, q);
		char tmp[16];
		jsonw_key(b, "type");
		jsonw_strz(b, dns_type_str(type, tmp));
		jsonw_key(b, "why");
		jsonw_strz(b, why_name[why]);
		jsonw_key(b, "server");
		jsonw_strz(b, a);
		buf_adds(b, ",\"direct\":true,\"aa\":false,\"ad\":false,\"tc\":false,\"tcp\":false,"
			    "\"ms\":0,\"error\":\"skipped\",\"detail\":");
		char ip[64];
		dns_addr_ip(direct, ip, sizeof ip);
		struct buf d = BUF_INIT;
		buf_addf(&d, "not sent: %s is outside --ns-allow", ip);
		jsonw_str(b, d.s, d.len);
		buf_free(&d);
		buf_addc(b, '}');
		return idx;
	}
	j->outstanding++;
	dns_submit(engine, q, type, (s->dnssec ? DNS_Q_DO : 0) | (direct ? DNS_Q_DIRECT : 0),
		   direct, on_result, j, (uint32_t)idx);
	return idx;
}

static void
ask_addrs(struct job *j, enum why why, const char *host, unsigned acts)
{
	ask(j, why, host, LDNS_RR_TYPE_A, acts, NULL);
	ask(j, why, host, LDNS_RR_TYPE_AAAA, acts, NULL);
}

/* A name from an answer (rdf) as a lowercase query name without the trailing dot; false for
 * the root or a name that does not print. */
static bool
rdf_qname(const ldns_rdf *rdf, struct buf *out)
{
	buf_reset(out);
	if (!rdf || ldns_rdf_get_type(rdf) != LDNS_RDF_TYPE_DNAME || !dns_rdf_text(out, rdf))
		return false;
	if (out->len > 0 && out->s[out->len - 1] == '.')
		buf_truncate(out, out->len - 1);
	for (size_t i = 0; i < out->len; i++)
		out->s[i] = (char)tolower((unsigned char)out->s[i]);
	return out->len > 0;
}

/* A domain-spec from a record (SPF target, report host) as an A-label query name. */
static bool
text_qname(const char *s, size_t n, struct buf *out)
{
	buf_reset(out);
	if (n == 0 || memchr(s, '%', n))
		return false; /* macros need the sender; not expanded at scan time */
	if (dname_set(&scratch_name, s, n) < 0 || scratch_name.ascii.len == 0)
		return false;
	buf_add(out, scratch_name.ascii.s, scratch_name.ascii.len);
	return true;
}

static void
spf_ask(struct job *j, const char *q, uint16_t type, unsigned acts)
{
	if (j->spf_queries >= SPF_MAX_QUERIES) {
		if (!j->spf_bounded) {
			j->spf_bounded = true;
			struct slot *s;
			j->slots = xgrow(j->slots, &j->capslots, j->nslots + 1, sizeof *j->slots);
			s = &j->slots[j->nslots++];
			memset(s, 0, sizeof *s);
			s->q = xstrdup(q);
			s->type = type;
			s->why = W_SPF;
			s->done = true;
			skipped++;
			char tmp[16];
			buf_adds(&s->json, "{\"q\":");
			jsonw_strz(&s->json, q);
			jsonw_key(&s->json, "type");
			jsonw_strz(&s->json, dns_type_str(type, tmp));
			buf_addf(&s->json,
				 ",\"why\":\"spf\",\"server\":\"\",\"direct\":false,"
				 "\"aa\":false,\"ad\":false,\"tc\":false,\"tcp\":false,"
				 "\"ms\":0,\"error\":\"skipped\",\"detail\":\"SPF walk "
				 "stopped after %d queries\"}",
				 SPF_MAX_QUERIES);
		}
		return;
	}
	if (ask(j, W_SPF, q, type, acts, NULL) != (size_t)-1)
		j->spf_queries++;
}

/* A TXT record's character-strings joined, as SPF (RFC 7208 section 3.3) and DMARC read them. */
static void
txt_joined(const ldns_rr *rr, struct buf *out)
{
	buf_reset(out);
	for (size_t k = 0; k < ldns_rr_rd_count(rr); k++) {
		const ldns_rdf *f = ldns_rr_rdf(rr, k);
		if (ldns_rdf_size(f) > 1)
			buf_add(out, ldns_rdf_data(f) + 1, ldns_rdf_size(f) - 1);
	}
}

/* Ask what one parsed SPF term would look up (RFC 7208 section 5): the include's TXT, A and
 * AAAA of an a target, MX of an mx target (then its exchanges' addresses), A of exists. */
static void
spf_ask_term(struct job *j, const char *owner, const struct spf_term *t, struct buf *name)
{
	const char *target = t->arg ? t->arg : owner;
	size_t tlen = t->arg ? t->arglen : strlen(owner);
	if (t->macro || !text_qname(target, tlen, name))
		return; /* macros need the sender; not expanded at scan time */
	switch (t->mech) {
	case SPF_INCLUDE:
		spf_ask(j, name->s, LDNS_RR_TYPE_TXT, ACT_SPF);
		break;
	case SPF_A:
		spf_ask(j, name->s, LDNS_RR_TYPE_A, 0);
		spf_ask(j, name->s, LDNS_RR_TYPE_AAAA, 0);
		break;
	case SPF_MX:
		spf_ask(j, name->s, LDNS_RR_TYPE_MX, ACT_SPFMX);
		break;
	case SPF_EXISTS:
		spf_ask(j, name->s, LDNS_RR_TYPE_A, 0);
		break;
	default:
		break;
	}
}

/* The SPF records among TXT answers, parsed by common/spf.c (the grader's parser): ask what
 * their terms look up and follow the redirect, so grading can count lookups and void lookups.
 * Terms after "all" are never evaluated (RFC 7208 section 5.1), and a redirect beside an
 * "all" is ignored (section 6.1): neither is asked. */
static void
walk_spf(struct job *j, const char *owner, const ldns_rr_list *ans)
{
	struct buf rec = BUF_INIT, name = BUF_INIT;
	struct spf_record r;
	struct findings f;
	spf_record_init(&r);
	findings_init(&f);
	for (size_t i = 0; i < ldns_rr_list_rr_count(ans); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(ans, i);
		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_TXT)
			continue;
		txt_joined(rr, &rec);
		if (!spf_is_record(rec.s, rec.len))
			continue;
		findings_reset(&f);
		spf_parse(rec.s, rec.len, &r, &f);
		for (size_t t = 0; t < r.nterms && r.terms[t].mech != SPF_ALL; t++)
			spf_ask_term(j, owner, &r.terms[t], &name);
		if (r.redirect && !r.redirect_macro && !r.all &&
		    text_qname(r.redirect, r.redirect_len, &name))
			spf_ask(j, name.s, LDNS_RR_TYPE_TXT, ACT_SPF);
	}
	spf_record_free(&r);
	findings_free(&f);
	buf_free(&rec);
	buf_free(&name);
}

static bool
same_or_under(const char *host, const char *domain)
{
	size_t h = strlen(host), d = strlen(domain);
	return (h == d && !strcmp(host, domain)) ||
	       (h > d && host[h - d - 1] == '.' && !strcmp(host + h - d, domain));
}

/* Is a report host outside the domain's own organisation (RFC 7489 section 7.1)? */
static bool
external_host(const char *host, const char *domain)
{
	if (same_or_under(host, domain) || same_or_under(domain, host))
		return false;
	struct buf a = BUF_INIT;
	bool external = true;
	if (dname_set(&scratch_name, host, strlen(host)) == 0 && dname_registrable(&scratch_name)) {
		buf_adds(&a, scratch_name.reg_ascii);
		if (dname_set(&scratch_name, domain, strlen(domain)) == 0 &&
		    dname_registrable(&scratch_name) && !strcmp(a.s, scratch_name.reg_ascii))
			external = false;
	}
	buf_free(&a);
	return external;
}

/* DMARC rua/ruf addresses in other domains: ask <domain>._report._dmarc.<host> TXT (RFC 7489
 * section 7.1). The record is read by common/dmarc.c, which cuts a mailto: address's domain at
 * its '?' and its '!'. */
static void
check_dmarc_reports(struct job *j, const ldns_rr_list *ans)
{
	struct buf rec = BUF_INIT, host = BUF_INIT, q = BUF_INIT;
	struct dmarc_record d;
	struct findings f;
	dmarc_record_init(&d);
	findings_init(&f);
	unsigned asked = 0;
	for (size_t i = 0; i < ldns_rr_list_rr_count(ans) && asked < MAX_REPORT_DESTS; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(ans, i);
		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_TXT)
			continue;
		txt_joined(rr, &rec);
		if (!dmarc_is_record(rec.s, rec.len))
			continue;
		findings_reset(&f);
		dmarc_parse(rec.s, rec.len, &d, &f);
		for (size_t u = 0; u < d.nuris && asked < MAX_REPORT_DESTS; u++) {
			const struct dmarc_uri *du = &d.uris[u];
			if (!du->mailto || !du->host || !text_qname(du->host, du->hostlen, &host) ||
			    !external_host(host.s, j->domain))
				continue;
			asked++;
			buf_reset(&q);
			buf_addf(&q, "%s._report._dmarc.%s", j->domain, host.s);
			if (q.len <= 253)
				ask(j, W_DMARCREP, q.s, LDNS_RR_TYPE_TXT, 0, NULL);
		}
	}
	dmarc_record_free(&d);
	findings_free(&f);
	buf_free(&rec);
	buf_free(&host);
	buf_free(&q);
}

/* The servers of the referral, asked as the apex NS answer's would be. */
static void
seed_from_referral(struct job *j)
{
	unsigned acts = (opt.features & F(W_NSDIRECT)) ? ACT_NSDIRECT : 0;
	struct buf name = BUF_INIT;
	for (size_t off = 0, i = 0; i < j->nref; i++) {
		buf_reset(&name);
		buf_adds(&name, j->ref.s + off); /* ask() may grow nothing of j->ref, but copy */
		off += name.len + 1;
		ask_addrs(j, W_NSADDR, name.s, acts);
	}
	buf_free(&name);
}

/* The apex NS question gave no name server (empty, failed or unanswered): the delegation's
 * servers come from the parent's referral, now or when it comes. */
static void
apex_ns_none(struct job *j)
{
	j->apex_ns = APEX_NS_NONE;
	seed_from_referral(j);
}

/* A parent server's answer to NS of the domain: the NS names it delegates to (authority of a
 * referral, or the answer of a server that also serves the child). */
static void
take_referral(struct job *j, const ldns_pkt *p, struct buf *name)
{
	const ldns_rr_list *lists[2] = {ldns_pkt_answer(p), ldns_pkt_authority(p)};
	size_t before = j->nref;
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < ldns_rr_list_rr_count(lists[k]) && j->nref < MAX_NS_NAMES;
		     i++) {
			const ldns_rr *rr = ldns_rr_list_rr(lists[k], i);
			if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_NS ||
			    !rdf_qname(ldns_rr_rdf(rr, 0), name))
				continue;
			bool seen = false;
			for (size_t off = 0, m = 0; m < j->nref && !seen; m++) {
				seen = !strcmp(j->ref.s + off, name->s);
				off += strlen(j->ref.s + off) + 1;
			}
			if (seen)
				continue;
			buf_add(&j->ref, name->s, name->len + 1);
			j->nref++;
		}
	if (j->nref > before && j->apex_ns == APEX_NS_NONE)
		seed_from_referral(j);
}

static bool
has_type(const ldns_rr_list *l, ldns_rr_type t)
{
	for (size_t i = 0; i < ldns_rr_list_rr_count(l); i++)
		if (ldns_rr_get_type(ldns_rr_list_rr(l, i)) == t)
			return true;
	return false;
}

/* Follow-ups an answer sets off. */
static void
run_actions(struct job *j, size_t idx, const ldns_pkt *p)
{
	unsigned acts = j->slots[idx].acts;
	char *q = xstrdup(j->slots[idx].q); /* slots may move while we add */
	const ldns_rr_list *ans = ldns_pkt_answer(p);
	ldns_pkt_rcode rc = ldns_pkt_get_rcode(p);
	struct buf name = BUF_INIT;
	size_t n = ldns_rr_list_rr_count(ans);
	if (acts & ACT_NSADDR) {
		unsigned k = 0;
		for (size_t i = 0; i < n && k < MAX_NS_NAMES; i++) {
			const ldns_rr *rr = ldns_rr_list_rr(ans, i);
			if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_NS &&
			    rdf_qname(ldns_rr_rdf(rr, 0), &name)) {
				ask_addrs(j, W_NSADDR, name.s,
					  (opt.features & F(W_NSDIRECT)) ? ACT_NSDIRECT : 0);
				k++;
			}
		}
		if (k == 0)
			apex_ns_none(j);
		else
			j->apex_ns = APEX_NS_FOUND;
	}
	if (acts & ACT_REFERRAL)
		take_referral(j, p, &name);
	if (acts & ACT_NSDIRECT) {
		unsigned k = 0;
		for (size_t i = 0; i < n && k < MAX_NS_ADDRS; i++) {
			const ldns_rr *rr = ldns_rr_list_rr(ans, i);
			ldns_rr_type t = ldns_rr_get_type(rr);
			if (t != LDNS_RR_TYPE_A && t != LDNS_RR_TYPE_AAAA)
				continue;
			struct dns_addr a;
			buf_reset(&name);
			if (dns_rdf_text(&name, ldns_rr_rdf(rr, 0)) &&
			    dns_addr_from_ip(name.s, opt.ns_port, &a) == 0) {
				ask(j, W_NSDIRECT, j->domain, LDNS_RR_TYPE_SOA, 0, &a);
				ask(j, W_NSDIRECT, j->domain, LDNS_RR_TYPE_NS, 0, &a);
				k++;
			}
		}
	}
	if (acts & ACT_SPF)
		walk_spf(j, q, ans);
	if (acts & (ACT_SPFMX | ACT_MXADDR)) {
		unsigned k = 0, max = (acts & ACT_MXADDR) ? MAX_MX_HOSTS : MAX_SPF_MX_HOSTS;
		for (size_t i = 0; i < n && k < max; i++) {
			const ldns_rr *rr = ldns_rr_list_rr(ans, i);
			if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_MX ||
			    !rdf_qname(ldns_rr_rdf(rr, 1), &name))
				continue;
			k++;
			if (acts & ACT_MXADDR)
				ask_addrs(j, W_MXADDR, name.s, 0);
			if (acts & ACT_SPFMX) {
				spf_ask(j, name.s, LDNS_RR_TYPE_A, 0);
				spf_ask(j, name.s, LDNS_RR_TYPE_AAAA, 0);
			}
		}
	}
	if ((acts & ACT_CAA) && !has_type(ans, LDNS_RR_TYPE_CAA) &&
	    (rc == LDNS_RCODE_NOERROR || rc == LDNS_RCODE_NXDOMAIN)) {
		const char *dot = strchr(q, '.');
		if (dot && dot[1])
			ask(j, W_CAA, dot + 1, LDNS_RR_TYPE_CAA, ACT_CAA, NULL);
	}
	if (acts & ACT_DMARCREP)
		check_dmarc_reports(j, ans);
	if ((acts & ACT_ADPROBE) && rc == LDNS_RCODE_NOERROR && n > 0) {
		buf_reset(&name);
		buf_addf(&name, "%s.%s", AD_PROBE_LABEL, j->domain);
		if (name.len <= 253)
			ask(j, W_ADPROBE, name.s, LDNS_RR_TYPE_SOA, 0, NULL);
	}
	buf_free(&name);
	free(q);
}

static void answer_json(struct buf *b, const struct dns_result *res, bool additional);

/* The query object of the `dns` member (domstat(7)), without its closing brace. */
static void
slot_json(struct slot *s, const struct dns_result *res)
{
	struct buf *b = &s->json;
	char tmp[16];
	buf_adds(b, "{\"q\":");
	jsonw_strz(b, s->q);
	jsonw_key(b, "type");
	jsonw_strz(b, dns_type_str(s->type, tmp));
	jsonw_key(b, "why");
	jsonw_strz(b, why_name[s->why]);
	jsonw_key(b, "server");
	jsonw_strz(b, s->server);
	buf_adds(b, s->direct ? ",\"direct\":true" : ",\"direct\":false");
	answer_json(b, res, s->why == W_PARENT);
}

/* The failed attempts before (or ending) a query: [{"server":...,"cause":...}, ...]. */
static void
failures_json(struct buf *b, const struct dns_result *res)
{
	jsonw_key(b, "failed_attempts");
	buf_addc(b, '[');
	for (unsigned i = 0; i < res->nfailures; i++) {
		const struct dns_failure *f = &res->failures[i];
		char a[64];
		if (f->resolver >= 0)
			dns_addr_str(&opt.resolvers[f->resolver], a, sizeof a);
		else
			dns_addr_str(&res->server, a, sizeof a);
		buf_adds(b, i ? ",{\"server\":" : "{\"server\":");
		jsonw_strz(b, a);
		jsonw_key(b, "cause");
		jsonw_strz(b, dns_cause_str(f->cause));
		buf_addc(b, '}');
	}
	buf_addc(b, ']');
}

/* The members of a query object from its result: rcode, flags, time, records or error. */
static void
answer_json(struct buf *b, const struct dns_result *res, bool additional)
{
	char tmp[16];
	const ldns_pkt *p = res->pkt;
	if (p) {
		jsonw_key(b, "rcode");
		jsonw_strz(b, dns_rcode_str(ldns_pkt_get_rcode(p), tmp));
	}
	buf_adds(b, p && ldns_pkt_aa(p) ? ",\"aa\":true" : ",\"aa\":false");
	buf_adds(b, p && ldns_pkt_ad(p) ? ",\"ad\":true" : ",\"ad\":false");
	buf_adds(b, res->tc ? ",\"tc\":true" : ",\"tc\":false");
	buf_adds(b, res->tcp ? ",\"tcp\":true" : ",\"tcp\":false");
	jsonw_key(b, "ms");
	jsonw_round(b, res->ms, 1);
	if (p) {
		jsonw_key(b, "answer");
		dns_json_rr_list(b, ldns_pkt_answer(p));
		if (ldns_rr_list_rr_count(ldns_pkt_authority(p))) {
			jsonw_key(b, "authority");
			dns_json_rr_list(b, ldns_pkt_authority(p));
		}
		if (additional && ldns_rr_list_rr_count(ldns_pkt_additional(p))) {
			jsonw_key(b, "additional"); /* the glue of a referral */
			dns_json_rr_list(b, ldns_pkt_additional(p));
		}
	} else {
		jsonw_key(b, "error");
		jsonw_strz(b, dns_err_str(res->err));
	}
	if (res->detail) {
		jsonw_key(b, "detail");
		jsonw_strz(b, res->detail);
	}
	if (p && ldns_pkt_edns_data(p)) {
		size_t at = b->len;
		jsonw_key(b, "ede");
		if (!dns_json_ede(b, p))
			buf_truncate(b, at);
	}
	if (res->nfailures)
		failures_json(b, res);
}

static void job_finished(struct job *j);

/* Note how a question ended, for the domain's status. Direct questions to name servers are
 * facts about those servers (a lame one is a finding, not a failed scan): not counted. */
static void
classify(struct slot *s, const struct dns_result *res)
{
	s->rcode = res->pkt ? (int)ldns_pkt_get_rcode(res->pkt) : -1;
	if (s->direct || res->err == DNS_ESKIPPED)
		return;
	s->outcome = O_FAILED;
	switch (s->rcode) {
	case LDNS_RCODE_NOERROR:
	case LDNS_RCODE_NXDOMAIN:
		s->outcome = O_ANSWERED;
		break;
	case LDNS_RCODE_SERVFAIL:
		s->cause = DNS_C_SERVFAIL;
		break;
	case LDNS_RCODE_REFUSED:
		s->cause = DNS_C_REFUSED;
		break;
	case -1:
		s->cause = res->err == DNS_ETIMEOUT	? DNS_C_TIMEOUT
			   : res->err == DNS_EMALFORMED ? DNS_C_MALFORMED
							: DNS_C_NETWORK;
		break;
	default:
		s->cause = CAUSE_OTHER;
	}
}

/* The answer to a SERVFAIL question asked again with CD=1: inside the first one's object. */
static void
cd_result(struct job *j, uint32_t idx, struct dns_result *res)
{
	struct slot *s = &j->slots[idx];
	char a[64];
	dns_addr_str(&res->server, a, sizeof a);
	buf_adds(&s->json, ",\"cd_retry\":{\"server\":");
	jsonw_strz(&s->json, a);
	answer_json(&s->json, res, false);
	buf_adds(&s->json, "}}");
	s->cd_pending = false;
	if (res->pkt)
		ldns_pkt_free(res->pkt);
	if (--j->outstanding == 0)
		job_finished(j);
}

static void
on_result(void *ctx, uint32_t tag, struct dns_result *res)
{
	struct job *j = ctx;
	if (tag & TAG_CD) {
		cd_result(j, tag & ~TAG_CD, res);
		return;
	}
	struct slot *s = &j->slots[tag];
	/* most answers come from the same few servers: keep the last one's text */
	static struct dns_addr last;
	static char last_str[64];
	if (last.len == 0 || last.len != res->server.len ||
	    memcmp(&last.ss, &res->server.ss, last.len)) {
		last = res->server;
		dns_addr_str(&last, last_str, sizeof last_str);
	}
	memcpy(s->server, last_str, sizeof s->server);
	s->done = true;
	s->answered = res->pkt != NULL;
	slot_json(s, res);
	classify(s, res);
	if (res->pkt) {
		if (s->acts)
			run_actions(j, tag, res->pkt);
		s = &j->slots[tag]; /* the follow-ups may have moved the slots */
		/* a validating resolver's SERVFAIL hides why: with CD=1 a bogus zone's data comes
		 * back (the grader tells bogus from broken), a broken zone fails again */
		if (s->rcode == LDNS_RCODE_SERVFAIL && !s->direct) {
			s->cd_pending = true;
			j->outstanding++;
			dns_submit(engine, s->q, s->type, DNS_Q_CD | (s->dnssec ? DNS_Q_DO : 0),
				   NULL, on_result, j, tag | TAG_CD);
		}
		ldns_pkt_free(res->pkt);
	} else if (s->acts & ACT_NSADDR) {
		apex_ns_none(j);
		s = &j->slots[tag];
	}
	if (!s->cd_pending)
		buf_addc(&s->json, '}');
	if (--j->outstanding == 0)
		job_finished(j);
}

static int
slot_cmp(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;
	if (x->why != y->why)
		return x->why < y->why ? -1 : 1;
	int c = strcmp(x->q, y->q);
	if (c)
		return c;
	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	return strcmp(x->server, y->server);
}

/* The domain's scan status (domstat(7)): nxdomain when the apex does not exist, else ok,
 * partial or failed by how many of the questions to the resolvers failed; failed counts them
 * by cause. Returns the number of failed questions. */
static size_t
scan_status(const struct job *j, struct buf *b)
{
	unsigned long counts[NCAUSES] = {0};
	size_t answered = 0, failed = 0;
	bool apex_nx = false, apex_ok = false;
	for (size_t i = 0; i < j->nslots; i++) {
		const struct slot *s = &j->slots[i];
		if (s->outcome == O_FAILED) {
			failed++;
			counts[s->cause]++;
		} else if (s->outcome == O_ANSWERED) {
			answered++;
			if (s->why == W_APEX && !strcmp(s->q, j->domain)) {
				if (s->rcode == LDNS_RCODE_NXDOMAIN)
					apex_nx = true;
				else
					apex_ok = true;
			}
		}
	}
	if (j->has_parent && j->parent_cause >= 0) {
		failed++;
		counts[j->parent_cause]++;
	}
	const char *status = apex_nx && !apex_ok ? "nxdomain"
			     : failed == 0	 ? "ok"
			     : answered == 0	 ? "failed"
						 : "partial";
	jsonw_key(b, "status");
	jsonw_strz(b, status);
	jsonw_key(b, "failed");
	for (size_t c = 0; c < NCAUSES; c++) {
		buf_adds(b, c ? ",\"" : "{\"");
		buf_adds(b, cause_name[c]);
		buf_adds(b, "\":");
		jsonw_int(b, (long long)counts[c]);
	}
	buf_addc(b, '}');
	return apex_nx && !apex_ok ? 0 : failed;
}

static size_t
add_dns_member(struct job *j)
{
	if (j->nslots) /* none when only the parent was asked */
		qsort(j->slots, j->nslots, sizeof *j->slots, slot_cmp);
	struct buf *b = rec_set_begin(&j->rec, "dns");
	buf_adds(b, "{\"v\":1,\"domain\":");
	jsonw_strz(b, j->domain);
	char when[32];
	struct tm tm;
	gmtime_r(&j->start_wall, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	jsonw_key(b, "started");
	jsonw_strz(b, when);
	jsonw_key(b, "profile");
	jsonw_strz(b, opt.profile);
	jsonw_key(b, "resolvers");
	buf_add(b, resolvers_json.s, resolvers_json.len);
	jsonw_key(b, "elapsed_ms");
	jsonw_int(b, (long long)(dns_now_ms() - j->start_ms + 0.5));
	size_t failed = scan_status(j, b);
	if (j->has_parent) {
		jsonw_key(b, "parent");
		buf_add(b, j->parent_json.s, j->parent_json.len);
	}
	jsonw_key(b, "queries");
	buf_addc(b, '[');
	for (size_t i = 0; i < j->nslots; i++) {
		if (i)
			buf_addc(b, ',');
		buf_add(b, j->slots[i].json.s, j->slots[i].json.len);
	}
	buf_adds(b, "]}");
	rec_set_end(&j->rec);
	return failed;
}

static void
job_release(struct job *j)
{
	for (size_t i = 0; i < j->nslots; i++) {
		free(j->slots[i].q);
		buf_free(&j->slots[i].json);
	}
	j->nslots = 0;
	free(j->domain);
	j->domain = NULL;
	/* a kept job must not keep a big record's buffers: the window would hold them all */
	if (j->rec.vals.cap > 16384 || j->rec.text.cap > 16384) {
		rec_free(&j->rec);
		rec_init(&j->rec);
	}
	if (j->capslots > 64) {
		free(j->slots);
		j->slots = NULL;
		j->capslots = 0;
	}
	j->next_free = free_jobs;
	free_jobs = j;
	active--;
	/* answers come and go in every size: give freed pages back now and then, so a long run
	 * stays as small as a short one */
	static unsigned released;
	if (++released % 4096 == 0)
		malloc_trim(0);
}

static void
job_finished(struct job *j)
{
	j->done = true;
	domains_done++;
	if (j->scanning) {
		size_t failed = add_dns_member(j);
		size_t answered = 0;
		for (size_t i = 0; i < j->nslots; i++)
			answered += j->slots[i].answered;
		if (answered == 0 && j->nslots > 0)
			rec_error_code(&j->rec, "dns-no-answer", "no answer to any of %zu queries",
				       j->nslots);
		else if (failed)
			rec_error_code(&j->rec, "dns-incomplete",
				       "%zu of %zu queries failed (see dns.failed)", failed,
				       j->nslots + j->has_parent);
		/* the record holds the member now; a job waiting for its turn keeps only that */
		for (size_t i = 0; i < j->nslots; i++) {
			free(j->slots[i].q);
			buf_free(&j->slots[i].json);
		}
		j->nslots = 0;
	}
	if (opt.unordered) {
		rec_emit(&j->rec);
		job_release(j);
	}
}

static struct job *
job_new(void)
{
	struct job *j = free_jobs;
	if (j) {
		free_jobs = j->next_free;
	} else {
		j = xcalloc(1, sizeof *j);
		rec_init(&j->rec);
	}
	j->done = j->scanning = j->spf_bounded = j->has_parent = false;
	j->outstanding = j->spf_queries = 0;
	j->nslots = 0;
	j->parent_cause = -1;
	j->apex_ns = APEX_NS_PENDING;
	buf_reset(&j->parent_json);
	buf_reset(&j->ref);
	j->nref = 0;
	active++;
	return j;
}

/* The parent zone's servers are known (or could not be found): ask each for the delegation,
 * NS of the domain without recursion, and describe the parent in the `parent` member. */
static void
on_parent(void *ctx, const struct parent_info *p)
{
	struct job *j = ctx;
	struct buf *b = &j->parent_json;
	j->has_parent = true;
	j->parent_cause = p->cause;
	buf_adds(b, "{\"zone\":");
	if (p->zone)
		jsonw_strz(b, p->zone);
	else
		buf_adds(b, "null");
	jsonw_key(b, "ns");
	buf_addc(b, '[');
	for (size_t i = 0; i < p->nns; i++) {
		if (i)
			buf_addc(b, ',');
		jsonw_strz(b, p->ns[i]);
	}
	buf_addc(b, ']');
	if (p->cause >= 0) {
		jsonw_key(b, "error");
		jsonw_strz(b, cause_name[p->cause]);
	}
	buf_addc(b, '}');
	for (size_t i = 0; i < p->naddrs; i++)
		ask(j, W_PARENT, j->domain, LDNS_RR_TYPE_NS, ACT_REFERRAL, &p->addrs[i]);
	if (--j->outstanding == 0)
		job_finished(j);
}

static void
start_scan(struct job *j)
{
	const char *d = j->domain;
	struct buf q = BUF_INIT;
	j->scanning = true;
	j->start_ms = dns_now_ms();
	j->start_wall = time(NULL);
	unsigned f = opt.features;
	for (size_t i = 0; i < opt.napex; i++) {
		uint16_t t = opt.apex[i];
		unsigned acts = 0;
		if (t == LDNS_RR_TYPE_NS && (f & F(W_NSADDR)))
			acts |= ACT_NSADDR;
		if (t == LDNS_RR_TYPE_TXT && (f & F(W_SPF)))
			acts |= ACT_SPF;
		if (t == LDNS_RR_TYPE_MX && (f & F(W_MXADDR)))
			acts |= ACT_MXADDR;
		if (t == LDNS_RR_TYPE_CAA && (f & F(W_CAA)))
			acts |= ACT_CAA;
		ask(j, W_APEX, d, t, acts, NULL);
	}
#define SUB(prefix, why, type, acts)                                                               \
	do {                                                                                       \
		buf_reset(&q);                                                                     \
		buf_addf(&q, "%s.%s", prefix, d);                                                  \
		if (q.len <= 253)                                                                  \
			ask(j, why, q.s, type, acts, NULL);                                        \
	} while (0)
	if (f & F(W_WWW)) {
		SUB("www", W_WWW, LDNS_RR_TYPE_A, 0);
		SUB("www", W_WWW, LDNS_RR_TYPE_AAAA, 0);
	}
	if (f & F(W_DMARC))
		SUB("_dmarc", W_DMARC, LDNS_RR_TYPE_TXT, (f & F(W_DMARCREP)) ? ACT_DMARCREP : 0);
	if (f & F(W_BIMI))
		SUB("default._bimi", W_BIMI, LDNS_RR_TYPE_TXT, 0);
	if (f & F(W_MSDCS))
		SUB("_msdcs", W_MSDCS, LDNS_RR_TYPE_SOA, (f & F(W_ADPROBE)) ? ACT_ADPROBE : 0);
#undef SUB
	/* Parts asked for alone, without the apex answer that would set them off. */
	if (!(f & F(W_APEX)) || !opt.napex) {
		if (f & F(W_NSADDR))
			ask(j, W_APEX, d, LDNS_RR_TYPE_NS, ACT_NSADDR, NULL);
		if (f & F(W_SPF))
			ask(j, W_APEX, d, LDNS_RR_TYPE_TXT, ACT_SPF, NULL);
		if (f & F(W_MXADDR))
			ask(j, W_APEX, d, LDNS_RR_TYPE_MX, ACT_MXADDR, NULL);
		if (f & F(W_CAA))
			ask(j, W_APEX, d, LDNS_RR_TYPE_CAA, ACT_CAA, NULL);
	}
	buf_free(&q);
	const char *dot = strchr(d, '.');
	if ((f & F(W_PARENT)) && dot && dot[1]) {
		j->outstanding++; /* until the parent's servers are known */
		parents_get(parents, dot + 1, on_parent, j);
	}
	if (j->outstanding == 0)
		job_finished(j);
}

/* Take one input record: copy it into a job and start its questions. */
static void
take_record(struct record *in, struct dname *dn)
{
	struct job *j = job_new();
	rec_copy(&j->rec, in);
	if (!opt.unordered)
		*(struct job **)window_at(&order, window_push(&order)) = j;
	bytes_read += in->text.len + 1;
	if (rec_require_name(&j->rec)) {
		if (dname_set(dn, j->rec.name.s, j->rec.name.len) < 0) {
			rec_error(&j->rec, "invalid name: %s", dn->invalid);
		} else {
			j->domain = xstrdup(dn->ascii.s);
			start_scan(j);
			return;
		}
	}
	job_finished(j);
}

static bool
job_is_done(void *arg, void *slot)
{
	(void)arg;
	return (*(struct job **)slot)->done;
}

static void
job_emit(void *arg, void *slot)
{
	(void)arg;
	struct job *j = *(struct job **)slot;
	rec_emit(&j->rec);
	job_release(j);
}

static void
emit_ready(void)
{
	window_drain(&order, job_is_done, job_emit, NULL);
}

/* ---- progress and statistics ---- */

static void
rcode_summary(struct buf *b, const struct dns_stats *st)
{
	char tmp[16];
	bool first = true;
	for (unsigned i = 0; i < 16; i++) {
		if (!st->rcodes[i])
			continue;
		buf_addf(b, "%s%s %llu", first ? "" : ", ", dns_rcode_str(i, tmp), st->rcodes[i]);
		first = false;
	}
	if (first)
		buf_adds(b, "none");
}

static void
progress(bool final, off_t input_size)
{
	if (!final && !progress_due())
		return;
	const struct dns_stats *st = dns_engine_stats(engine);
	double secs = (dns_now_ms() - run_start) / 1000.0;
	struct buf b = BUF_INIT;
	buf_addf(&b, "%llu domains, %.0f queries/s, answers: ", domains_done,
		 secs > 0 ? (double)st->sent / secs : 0.0);
	rcode_summary(&b, st);
	buf_addf(&b, ", timeouts %llu", st->timeouts);
	if (input_size > 0 && bytes_read > 0 && !final) {
		double frac = (double)bytes_read / (double)input_size;
		if (frac > 0.001 && frac < 1)
			buf_addf(&b, ", ETA %.0f s", secs / frac - secs);
	}
	progress_draw(final, "%s", b.s);
	buf_free(&b);
}

static void
print_stats(void)
{
	const struct dns_stats *st = dns_engine_stats(engine);
	double secs = (dns_now_ms() - run_start) / 1000.0;
	struct buf b = BUF_INIT;
	buf_addf(&b, "%s: %llu domains in %.2f s (%.0f/s), %llu queries sent (%.0f/s)\n", tool_name,
		 domains_done, secs, secs > 0 ? (double)domains_done / secs : 0.0, st->sent,
		 secs > 0 ? (double)st->sent / secs : 0.0);
	buf_addf(&b, "%s: answers %llu (", tool_name, st->answers);
	rcode_summary(&b, st);
	buf_addf(&b, "), timeouts %llu, network errors %llu, skipped %llu\n", st->timeouts,
		 st->network, skipped);
	buf_addf(&b,
		 "%s: truncated %llu, TCP %llu, dropped: wrong ID or question %llu, "
		 "malformed %llu; asked again after SERVFAIL or REFUSED %llu\n",
		 tool_name, st->truncated, st->tcp, st->mismatched, st->malformed, st->retried);
	for (size_t i = 0; i < opt.nresolvers; i++) {
		const struct dns_resolver_stats *rs = dns_engine_resolver_stats(engine, i);
		char a[64];
		dns_addr_str(&opt.resolvers[i], a, sizeof a);
		buf_addf(&b, "%s: resolver %s: attempts=%llu answers=%llu", tool_name, a, rs->sent,
			 rs->answers);
		for (int c = 0; c < DNS_C_COUNT; c++)
			buf_addf(&b, " %s=%llu", dns_cause_str((enum dns_cause)c), rs->failed[c]);
		buf_addf(&b, " set_aside=%llu\n", rs->rested);
	}
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	buf_addf(&b, "%s: peak memory %ld KiB\n", tool_name, ru.ru_maxrss);
	fwrite(b.s, 1, b.len, stderr);
	buf_free(&b);
}

/* ---- the canary ---- */

struct canary {
	int rcode; /* -1: no answer */
	size_t answers;
};

static void
on_canary(void *ctx, uint32_t tag, struct dns_result *res)
{
	struct canary *c = (struct canary *)ctx + tag;
	if (res->pkt) {
		c->rcode = (int)ldns_pkt_get_rcode(res->pkt);
		c->answers = ldns_rr_list_rr_count(ldns_pkt_answer(res->pkt));
		ldns_pkt_free(res->pkt);
	}
}

/* Ask each resolver for a random name under a random top-level label with a hyphen (no
 * top-level domain may have one, RFC 1123 section 2.1 and the root zone's rules, and a random
 * one is in no cache): a resolver that answers it with data rewrites NXDOMAIN (a sinkhole, or
 * an ISP's search page), so every domain that does not exist would look alive through it. */
static void
run_canary(void)
{
	uint8_t r[12];
	arc4random_buf(r, sizeof r);
	char name[64];
	snprintf(name, sizeof name, "%02x%02x%02x%02x%02x%02x%02x%02x.canary-%02x%02x%02x%02x",
		 r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11]);
	struct canary *v = xcalloc(opt.nresolvers, sizeof *v);
	for (size_t i = 0; i < opt.nresolvers; i++) {
		v[i].rcode = -1;
		dns_submit(engine, name, LDNS_RR_TYPE_A, DNS_Q_PINNED, &opt.resolvers[i], on_canary,
			   v, (uint32_t)i);
	}
	while (dns_engine_pending(engine))
		dns_engine_run(engine, 100);
	for (size_t i = 0; i < opt.nresolvers; i++) {
		char a[64], tmp[16];
		dns_addr_str(&opt.resolvers[i], a, sizeof a);
		if (v[i].rcode == LDNS_RCODE_NOERROR && v[i].answers > 0)
			tool_warn("resolver %s answers '%s', a name that cannot exist: it rewrites "
				  "NXDOMAIN, so domains that do not exist look alive through it",
				  a, name);
		else if (v[i].rcode != LDNS_RCODE_NXDOMAIN)
			tool_warn("resolver %s answered the canary '%s' with %s, not NXDOMAIN", a,
				  name,
				  v[i].rcode < 0 ? "no answer"
						 : dns_rcode_str((unsigned)v[i].rcode, tmp));
	}
	free(v);
}

/* Is a whole line already buffered (so reading it will not wait)? */
static bool
line_buffered(const struct linereader *lr)
{
	return lr->eof || memchr(lr->buf + lr->start, '\n', lr->end - lr->start) != NULL;
}

int
main(int argc, char **argv)
{
	tool_init("dns-scan");
	parse_options(argc, argv);
	engine = dns_engine_new(&opt.dns);
	if (!engine)
		tool_die("cannot start the event loop: %s", strerror(errno));
	parents = parents_new(engine, opt.ns_port);
	if (opt.canary)
		run_canary();
	buf_addc(&resolvers_json, '[');
	for (size_t i = 0; i < opt.nresolvers; i++) {
		char a[64];
		dns_addr_str(&opt.resolvers[i], a, sizeof a);
		if (i)
			buf_addc(&resolvers_json, ',');
		jsonw_strz(&resolvers_json, a);
	}
	buf_addc(&resolvers_json, ']');
	if (!opt.unordered)
		window_init(&order, opt.window, sizeof(struct job *));
	dname_init(&scratch_name);

	struct rec_reader in;
	struct record r;
	struct dname dn;
	rec_reader_init(&in, STDIN_FILENO, opt.field, opt.max_line);
	rec_init(&r);
	dname_init(&dn);
	bool watched = dns_engine_watch(engine, STDIN_FILENO);
	bool readable = !watched, eof = false;
	off_t input_size = 0;
	struct stat sb;
	if (fstat(STDIN_FILENO, &sb) == 0 && S_ISREG(sb.st_mode))
		input_size = sb.st_size;
	run_start = dns_now_ms();
	double last_flush = run_start;
	for (;;) {
		while (!eof && active < opt.window &&
		       dns_engine_queued(engine) < opt.dns.inflight &&
		       (!watched || readable || line_buffered(&in.lr))) {
			int rc = rec_read(&in, &r);
			if (rc < 0)
				tool_die("cannot read input: %s", strerror(in.lr.error));
			if (rc == 0) {
				eof = true;
				break;
			}
			take_record(&r, &dn);
			readable = false; /* epoll tells when more is there */
		}
		emit_ready();
		if (eof && active == 0)
			break;
		if (opt.progress)
			progress(false, input_size);
		/* waiting on the network: let downstream see what is finished */
		double now = dns_now_ms();
		if (now - last_flush > 200) {
			fflush(stdout);
			last_flush = now;
		}
		if (dns_engine_run(engine, opt.progress ? 500 : 1000))
			readable = true;
	}
	if (opt.progress)
		progress(true, input_size);
	if (opt.stats)
		print_stats();

	dname_free(&dn);
	dname_free(&scratch_name);
	rec_free(&r);
	rec_reader_free(&in);
	while (free_jobs) {
		struct job *j = free_jobs;
		free_jobs = j->next_free;
		rec_free(&j->rec);
		free(j->slots);
		buf_free(&j->parent_json);
		buf_free(&j->ref);
		free(j);
	}
	window_free(&order);
	parents_free(parents);
	dns_engine_free(engine);
	buf_free(&resolvers_json);
	free(opt.resolvers);
	free(opt.allow);
	return tool_finish(rec_status());
}
