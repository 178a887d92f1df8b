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

#include "dnsjson.h"
#include "http.h"
#include "jsonw.h"
#include "options.h"
#include "progress.h"
#include "scan.h"
#include "tool.h"
#include "xalloc.h"

/* The run's state, shared with the other files through scan.h: one run per process, set up
 * by main and read by the jobs' callbacks (query.c, answer.c, fetch.c, job.c), which the DNS
 * engine and libcurl call with a job only. Not yet one context struct as domain-born's. */
struct options opt;
struct dns_engine *engine;
struct parents *parents;
struct http *https;
struct window order; /* the jobs in input order (not with --unordered) */
size_t active;	     /* jobs read and not yet written */
struct job *free_jobs;
struct dname scratch_name;
struct buf resolvers_json;
unsigned long long domains_done, skipped;
unsigned long long bytes_read;
double run_start;

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
	OPT_CANARY,
	OPT_HTTPS_PORT,
	OPT_HTTPS_ALLOW,
	OPT_CACERT
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
    {OPT_HTTPS_PORT, "https-port", "PORT", "port the HTTPS fetches connect to (default 443)", NULL},
    {OPT_HTTPS_ALLOW, "https-allow", "CIDR",
     "private range the HTTPS fetches may reach (repeatable; default none)", NULL},
    {OPT_CACERT, "cacert", "FILE", "CA certificates for the HTTPS fetches (default the system's)",
     NULL},
    {OPT_CANARY, "canary", NULL, "warn about resolvers that answer a name that cannot exist", NULL},
    {OPT_WINDOW, "window", "N", "records held for ordered output (default 1000)", NULL},
    {OPT_UNORDERED, "unordered", NULL, "write records as they finish, not in input order", NULL},
    {OPT_STATS, "stats", NULL, "print a summary on standard error at the end", NULL},
    OPT_ROW_FIELD(NULL),
    OPT_ROW_PASS(OPT_PASS_HELP, NULL),
    OPT_ROW_MAX_LINE("1048576", NULL),
    OPT_ROWS_COMMON,
};

static struct opts opts = {
    .cmd = "dns-scan",
    .about = "dns-scan: add everything DNS says about each domain as the `dns` member.",
    .table = opt_table,
    .operands = "[FILE ...]",
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
	opt.fetches = 0;
	const uint16_t *types;
	size_t n;
	if (!strcmp(name, "full")) {
		types = full;
		n = sizeof full / sizeof *full;
		opt.features = F(W_APEX) | F(W_WWW) | F(W_DMARC) | F(W_BIMI) | F(W_MSDCS) |
			       F(W_ADPROBE) | F(W_MTASTS) | F(W_TLSRPT) | F(W_DKIM) | FOLLOW_UPS;
		opt.fetches = (1u << FETCH_COUNT) - 1;
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
	opt.fetches = 0;
	opt.profile = "custom";
	char *copy = xstrdup(list), *save = NULL;
	for (char *t = strtok_r(copy, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
		if (fetch_part(t))
			continue;
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
	if (!opt.features && !opt.fetches)
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
	opt.https_port = 443;
	opt.window = 1000;
	set_profile("full");
	const char *types = NULL, *profile = NULL;
	int c;
	while ((c = opts_next(&opts, argc, argv)) != -1) {
		if (opts_common(&opts, c, &opt.max_line, &progress))
			continue;
		if (opts_record(c, &opt.field, &opt.pass))
			continue;
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
		case OPT_HTTPS_PORT:
			opt.https_port = (uint16_t)opt_long("https-port", optarg, 1, 65535);
			break;
		case OPT_HTTPS_ALLOW:
			opt.https_allow = xgrow(opt.https_allow, &opt.caphttps_allow,
						opt.nhttps_allow + 1, sizeof *opt.https_allow);
			if (dns_cidr_parse(optarg, &opt.https_allow[opt.nhttps_allow]) < 0)
				tool_die("invalid value for --https-allow: '%s'", optarg);
			opt.nhttps_allow++;
			break;
		case OPT_CACERT:
			opt.cacert = optarg;
			break;
		default:
			opts_usage(&opts);
		}
	}
	opts_files(argc, argv, &opt.files, &opt.nfiles, NULL);
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
	fetch_init();
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
	rec_reader_files(&in, opt.files, opt.nfiles);
	if (opt.pass)
		rec_reader_pass(&in, PASS_NAMES);
	rec_init(&r);
	dname_init(&dn);
	/* standard input is watched when it is a pipe or a terminal (epoll takes no regular
	 * file); file operands are read as they come (a FIFO among them may keep answers waiting
	 * while it is read) */
	bool watched = in.lr.fd == STDIN_FILENO && dns_engine_watch(engine, STDIN_FILENO);
	bool readable = !watched, eof = false;
	off_t input_size = 0;
	struct stat sb;
	for (int i = 0; i < (opt.nfiles ? opt.nfiles : 1); i++) {
		const char *f = opt.nfiles ? opt.files[i] : "-";
		if (strcmp(f, "-") ? stat(f, &sb) : fstat(STDIN_FILENO, &sb))
			continue;
		if (!S_ISREG(sb.st_mode)) {
			input_size = 0;
			break;
		}
		input_size += sb.st_size;
	}
	run_start = dns_now_ms();
	double last_flush = run_start;
	for (;;) {
		while (!eof && active < opt.window &&
		       dns_engine_queued(engine) < opt.dns.inflight &&
		       (!watched || readable || line_buffered(&in.lr))) {
			int rc = rec_read(&in, &r);
			if (rc < 0)
				tool_die_read(&in.lr);

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
		if (dns_engine_run(engine, fetch_wait_ms(opt.progress ? 500 : 1000)))
			readable = true;
		fetch_step();
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
		fetch_release(j);
		free(j);
	}
	window_free(&order);
	parents_free(parents);
	fetch_free();
	dns_engine_free(engine);
	buf_free(&resolvers_json);
	free(opt.resolvers);
	free(opt.allow);
	free(opt.https_allow);
	return tool_finish(rec_status());
}
