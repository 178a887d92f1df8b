/* domain-born: the registration and expiry dates of each record's registrable domain from RDAP
 * (RFC 9224 bootstrap, RFC 9083 events) or the ISC service (iscclient.c), many lookups at once,
 * polite to each server, cached in the shared store, output in input order. */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "born.h"
#include "buf.h"
#include "date.h"
#include "dname.h"
#include "http.h"
#include "jsonw.h"
#include "progress.h"
#include "rdap.h"
#include "store.h"
#include "whois.h"
#include "record.h"
#include "tool.h"
#include "xalloc.h"

#define DAY 86400

struct options {
	const char *field;
	size_t max_line;
	long established_days;
	enum date_style date_style;
	bool compat;
	struct bootstrap_opts bs;
	struct http_opts http;
	long jobs;	     /* global transfers in flight */
	long server_conns;   /* per server */
	double server_rate;  /* requests per second per server */
	long retries;	     /* after 429/503 */
	long retry_wait_max; /* seconds */
	long window;	     /* records kept for reordering */
	bool no_related;
	enum progress_mode progress;
	const char *db;
	bool offline, refresh;
	long ttl_max, ttl_no_expiry, ttl_not_found, ttl_error;
	bool whois;
	const char *whois_server;		      /* HOST[:PORT] for every whois query */
	const char *whois_map;			      /* file of "tld host[:port]" lines */
	const char *isc_url;			      /* the ISC service */
	enum source { SRC_RDAP, SRC_ISC } sources[2]; /* in order of preference */
	int nsources;
	int64_t now_step; /* $DOMSTAT_NOW_STEP: the injected clock's move per record (tests) */
};

/* What became of one domain. */
struct result {
	bool ok;		  /* dates came back (created may still be unknown) */
	int64_t created, expires; /* DATE_UNKNOWN when unknown */
	char source[16];	  /* "RDAP", "WHOIS", or an import tag */
	char code[24];		  /* error code when !ok */
	struct buf msg;
	int64_t isc_seen;    /* the ISC's first sight; DATE_UNKNOWN unless it answered */
	struct buf alerts;   /* the answer's alerts, each NUL-terminated */
	bool extra_alerts;   /* an alert besides ISC-FIRST-CONTACT: kept 24 hours only */
	int64_t keep_until;  /* 0: the usual lifetimes; -1: not kept; else this */
	struct buf fallback; /* why the preferred ISC service was not used */
};

struct job;

/* One record in the reorder window. */
struct slot {
	struct record rec;
	bool done, has_result;
	struct result res;
};

struct server {
	char *key; /* scheme://host[:port] */
	struct job *qhead, *qtail;
	long active;
	int64_t next_ms; /* earliest start of the next request (rate limit) */
	int64_t paused_until_ms;
	struct server *next;
};

struct job {
	char *domain;	    /* A-label registrable domain */
	char *base;	    /* the bootstrap service's base URL */
	struct server *srv; /* where the current request goes */
	char *url;
	int attempts;
	bool related_stage; /* fetching the registrar's copy */
	bool whois;	    /* a port-43 query (url is whois://host:port) */
	bool isc;	    /* a query to the ISC service */
	int src;	    /* the source being tried, an index into opt.sources */
	bool local;	    /* res failed here, without an answer from a server: not stored */
	struct whois_conn *wc;
	int64_t deadline_ms;
	struct result res; /* the registry's answer while the registrar's is fetched */
	size_t *waiters;   /* window positions (absolute record numbers) */
	size_t nwait, capwait;
	struct job *qnext, *hnext;
};

static struct options opt;
static int64_t fixed_now = -1;

/* The window: a ring of slots indexed by absolute record number. */
static struct slot *ring;
static size_t ring_cap, head_no, tail_no; /* records head_no..tail_no-1 are in the window */
/* Bytes of input held in the window: reading pauses above WINDOW_BYTES, so long lines cannot
 * make the window big. */
#define WINDOW_BYTES (64 * 1024 * 1024)
static size_t window_bytes;

static struct http *http;
static struct bootstrap boot;
static struct server *servers;
static struct job **jobtab;
static size_t jobtab_cap = 4096, njobs;
/* whois queries in progress */
static struct job **wjobs;
static size_t nwjobs, capwjobs;

/* Answers longer than this are cut (whois has no length; some servers talk a lot). */
#define WHOIS_MAX (256 * 1024)
static long total_active;
static struct dname dn;
static struct store *db;
static struct isc_client isc;
static bool isc_on;		 /* the ISC service is among the sources and the network is used */
static volatile int stop_signal; /* set by SIGINT/SIGTERM; lineio watches it too */

static struct {
	unsigned long done, errors, fetched;
} progress;

static int64_t
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t
now_s(void)
{
	return fixed_now >= 0 ? fixed_now : (int64_t)time(NULL);
}

static void
usage(void)
{
	fprintf(stderr,
		"usage: domain-born [--allow-http] [--allow-private] [--compat] [--offline | "
		"--refresh]\n"
		"                   [-f field] [-j N] [--bootstrap FILE] [--cacert FILE]\n"
		"                   [--date-format iso|http] [--db FILE] [--established-days N]\n"
		"                   [--isc-url URL] [--max-body BYTES] [--server-conns N]\n"
		"                   [--server-rate N] [--source rdap|isc|isc,rdap|rdap,isc]\n"
		"                   [--timeout SECS] [--whois] [--whois-server HOST[:PORT]]\n"
		"                   [--whois-map FILE]\n");
	exit(EXIT_FATAL);
}

static void
help(void)
{
	printf("domain-born: add RDAP registration dates and age to each domain record.\n\n"
	       "  -f, --field PATH         member holding the domain (default domain)\n"
	       "      --established-days N NEW when registered at most N days ago (default 730)\n"
	       "      --date-format STYLE  iso (default) or http (RFC 1123, domain_stats' form)\n"
	       "      --compat             domain_stats' shape: category ERROR on failures\n"
	       "      --bootstrap FILE     RDAP bootstrap file (default: IANA's, cached daily)\n"
	       "      --bootstrap-url URL  where to download it (default IANA)\n"
	       "      --overrides FILE     extra bootstrap services for TLDs IANA lacks\n"
	       "      --allow-http         accept http:// RDAP services and redirects\n"
	       "      --allow-private      follow redirects and registrar links to loopback or\n"
	       "                           private addresses (refused by default)\n"
	       "      --cacert FILE        CA certificates to trust (PEM)\n"
	       "  -j, --jobs N             lookups in flight in all (default 64)\n"
	       "      --server-conns N     lookups in flight per server (default 4)\n"
	       "      --server-rate N      requests per second per server (default 10)\n"
	       "      --retries N          retries after 429/503 (default 1)\n"
	       "      --retry-wait-max S   longest Retry-After honoured (default 120)\n"
	       "      --timeout SECS       whole request (default 20)\n"
	       "      --connect-timeout S  connection (default 10)\n"
	       "      --max-body BYTES     largest answer read (default 1048576)\n"
	       "      --max-redirects N    redirects followed (default 5)\n"
	       "      --no-related         never follow the registrar's link\n"
	       "      --window N           records held for ordering (default 1024)\n"
	       "      --max-line BYTES     longest input line handled (default 1048576)\n"
	       "      --progress / --no-progress  progress line on stderr (default: on a tty)\n"
	       "      --whois              ask whois (port 43) when a TLD has no RDAP service\n"
	       "      --whois-server H[:P] send every whois query there (implies --whois)\n"
	       "      --whois-map FILE     lines \"tld host[:port]\" choosing whois servers\n"
	       "      --source LIST        rdap (default), isc, isc,rdap or rdap,isc: where to\n"
	       "                           ask, in order of preference\n"
	       "      --isc-url URL        the ISC service (JSON commands over HTTPS POST)\n"
	       "      --db FILE            the store (default $DOMSTAT_DB or\n"
	       "                           $XDG_DATA_HOME/domstat/domains.db)\n"
	       "      --offline            answer from the store only\n"
	       "      --refresh            ignore stored answers (still store new ones)\n"
	       "      --ttl-max SECS       longest a success is kept (default 90 days)\n"
	       "      --ttl-no-expiry SECS success without an expiry date (default 30 days)\n"
	       "      --ttl-not-found SECS 404 from the registry (default 86400)\n"
	       "      --ttl-error SECS     other failures (default 3600); 429 is never kept\n"
	       "  -h, --help               this help\n"
	       "  -V, --version            version\n\n"
	       "See domain-born(1) and domstat(7).\n");
	exit(tool_finish(0));
}

enum {
	OPT_EST = 256,
	OPT_DATEFMT,
	OPT_COMPAT,
	OPT_BOOT,
	OPT_BOOTURL,
	OPT_OVER,
	OPT_HTTP,
	OPT_PRIVATE,
	OPT_CACERT,
	OPT_SCONNS,
	OPT_SRATE,
	OPT_RETRIES,
	OPT_RWAIT,
	OPT_TIMEOUT,
	OPT_CTIMEOUT,
	OPT_MAXBODY,
	OPT_REDIRS,
	OPT_NOREL,
	OPT_WINDOW,
	OPT_MAXLINE,
	OPT_PROGRESS,
	OPT_NOPROGRESS,
	OPT_DB,
	OPT_OFFLINE,
	OPT_REFRESH,
	OPT_TTLMAX,
	OPT_TTLNOEXP,
	OPT_TTLNF,
	OPT_TTLERR,
	OPT_WHOIS,
	OPT_WHOISSERVER,
	OPT_WHOISMAP,
	OPT_SOURCE,
	OPT_ISCURL,
};

/* "rdap", "isc", "isc,rdap" or "rdap,isc". */
static void
parse_sources(const char *arg)
{
	opt.nsources = 0;
	for (const char *p = arg; *p;) {
		size_t n = strcspn(p, ",");
		enum source src;
		if (n == 4 && !strncmp(p, "rdap", 4))
			src = SRC_RDAP;
		else if (n == 3 && !strncmp(p, "isc", 3))
			src = SRC_ISC;
		else
			tool_die("invalid value for --source: '%s'", arg);
		if (opt.nsources == 2 || (opt.nsources == 1 && opt.sources[0] == src))
			tool_die("invalid value for --source: '%s'", arg);
		opt.sources[opt.nsources++] = src;
		p += n;
		if (*p == ',' && *++p == '\0')
			tool_die("invalid value for --source: '%s'", arg);
	}
	if (!opt.nsources)
		tool_die("invalid value for --source: '%s'", arg);
}

static void
parse_options(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"field", required_argument, NULL, 'f'},
	    {"established-days", required_argument, NULL, OPT_EST},
	    {"date-format", required_argument, NULL, OPT_DATEFMT},
	    {"compat", no_argument, NULL, OPT_COMPAT},
	    {"bootstrap", required_argument, NULL, OPT_BOOT},
	    {"bootstrap-url", required_argument, NULL, OPT_BOOTURL},
	    {"overrides", required_argument, NULL, OPT_OVER},
	    {"allow-http", no_argument, NULL, OPT_HTTP},
	    {"allow-private", no_argument, NULL, OPT_PRIVATE},
	    {"cacert", required_argument, NULL, OPT_CACERT},
	    {"jobs", required_argument, NULL, 'j'},
	    {"server-conns", required_argument, NULL, OPT_SCONNS},
	    {"server-rate", required_argument, NULL, OPT_SRATE},
	    {"retries", required_argument, NULL, OPT_RETRIES},
	    {"retry-wait-max", required_argument, NULL, OPT_RWAIT},
	    {"timeout", required_argument, NULL, OPT_TIMEOUT},
	    {"connect-timeout", required_argument, NULL, OPT_CTIMEOUT},
	    {"max-body", required_argument, NULL, OPT_MAXBODY},
	    {"max-redirects", required_argument, NULL, OPT_REDIRS},
	    {"no-related", no_argument, NULL, OPT_NOREL},
	    {"window", required_argument, NULL, OPT_WINDOW},
	    {"max-line", required_argument, NULL, OPT_MAXLINE},
	    {"progress", no_argument, NULL, OPT_PROGRESS},
	    {"no-progress", no_argument, NULL, OPT_NOPROGRESS},
	    {"db", required_argument, NULL, OPT_DB},
	    {"offline", no_argument, NULL, OPT_OFFLINE},
	    {"refresh", no_argument, NULL, OPT_REFRESH},
	    {"ttl-max", required_argument, NULL, OPT_TTLMAX},
	    {"ttl-no-expiry", required_argument, NULL, OPT_TTLNOEXP},
	    {"ttl-not-found", required_argument, NULL, OPT_TTLNF},
	    {"ttl-error", required_argument, NULL, OPT_TTLERR},
	    {"whois", no_argument, NULL, OPT_WHOIS},
	    {"whois-server", required_argument, NULL, OPT_WHOISSERVER},
	    {"whois-map", required_argument, NULL, OPT_WHOISMAP},
	    {"source", required_argument, NULL, OPT_SOURCE},
	    {"isc-url", required_argument, NULL, OPT_ISCURL},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	opt = (struct options){
	    .field = "domain",
	    .established_days = 730,
	    .date_style = DATE_ISO,
	    .jobs = 64,
	    .server_conns = 4,
	    .server_rate = 10,
	    .retries = 1,
	    .retry_wait_max = 120,
	    .ttl_max = 90 * DAY,
	    .ttl_no_expiry = 30 * DAY,
	    .ttl_not_found = DAY,
	    .ttl_error = 3600,
	    .window = 1024,
	    .progress = PROGRESS_AUTO,
	    .http = {.connect_timeout_ms = 10000,
		     .timeout_ms = 20000,
		     .max_body = 1 << 20,
		     .max_redirects = 5},
	    .bs = {.url = "https://data.iana.org/rdap/dns.json"},
	    .sources = {SRC_RDAP},
	    .nsources = 1,
	};
	int c;
	while ((c = getopt_long(argc, argv, "f:j:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			opt.field = optarg;
			break;
		case OPT_EST:
			opt.established_days = opt_long("established-days", optarg, 0, 100000);
			break;
		case OPT_DATEFMT: {
			int s = date_style_parse(optarg);
			if (s < 0)
				tool_die("invalid value for --date-format: '%s'", optarg);
			opt.date_style = (enum date_style)s;
			break;
		}
		case OPT_COMPAT:
			opt.compat = true;
			break;
		case OPT_BOOT:
			opt.bs.file = optarg;
			break;
		case OPT_BOOTURL:
			opt.bs.url = optarg;
			break;
		case OPT_OVER:
			opt.bs.overrides = optarg;
			break;
		case OPT_HTTP:
			opt.http.allow_http = true;
			break;
		case OPT_PRIVATE:
			opt.http.allow_private = true;
			break;
		case OPT_CACERT:
			opt.http.cacert = optarg;
			break;
		case 'j':
			opt.jobs = opt_long("jobs", optarg, 1, 10000);
			break;
		case OPT_SCONNS:
			opt.server_conns = opt_long("server-conns", optarg, 1, 1000);
			break;
		case OPT_SRATE:
			opt.server_rate = opt_double("server-rate", optarg, 0.001, 1e6);
			break;
		case OPT_RETRIES:
			opt.retries = opt_long("retries", optarg, 0, 100);
			break;
		case OPT_RWAIT:
			opt.retry_wait_max = opt_long("retry-wait-max", optarg, 0, 86400);
			break;
		case OPT_TIMEOUT:
			opt.http.timeout_ms =
			    (long)(opt_double("timeout", optarg, 0.001, 3600) * 1000);
			break;
		case OPT_CTIMEOUT:
			opt.http.connect_timeout_ms =
			    (long)(opt_double("connect-timeout", optarg, 0.001, 3600) * 1000);
			break;
		case OPT_MAXBODY:
			opt.http.max_body = (size_t)opt_long("max-body", optarg, 1024, 1L << 30);
			break;
		case OPT_REDIRS:
			opt.http.max_redirects = opt_long("max-redirects", optarg, 0, 50);
			break;
		case OPT_NOREL:
			opt.no_related = true;
			break;
		case OPT_WINDOW:
			opt.window = opt_long("window", optarg, 1, 1000000);
			break;
		case OPT_MAXLINE:
			opt.max_line = (size_t)opt_long("max-line", optarg, 256, 1L << 30);
			break;
		case OPT_PROGRESS:
			opt.progress = PROGRESS_ON;
			break;
		case OPT_NOPROGRESS:
			opt.progress = PROGRESS_OFF;
			break;
		case OPT_DB:
			opt.db = optarg;
			break;
		case OPT_OFFLINE:
			opt.offline = true;
			break;
		case OPT_REFRESH:
			opt.refresh = true;
			break;
		case OPT_TTLMAX:
			opt.ttl_max = opt_long("ttl-max", optarg, 0, 100L * 365 * DAY);
			break;
		case OPT_TTLNOEXP:
			opt.ttl_no_expiry = opt_long("ttl-no-expiry", optarg, 0, 100L * 365 * DAY);
			break;
		case OPT_TTLNF:
			opt.ttl_not_found = opt_long("ttl-not-found", optarg, 0, 100L * 365 * DAY);
			break;
		case OPT_TTLERR:
			opt.ttl_error = opt_long("ttl-error", optarg, 0, 100L * 365 * DAY);
			break;
		case OPT_WHOIS:
			opt.whois = true;
			break;
		case OPT_WHOISSERVER:
			opt.whois_server = optarg;
			opt.whois = true;
			break;
		case OPT_WHOISMAP:
			opt.whois_map = optarg;
			opt.whois = true;
			break;
		case OPT_SOURCE:
			parse_sources(optarg);
			break;
		case OPT_ISCURL:
			opt.isc_url = optarg;
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
	if (optind != argc || (opt.offline && opt.refresh))
		usage();
	for (int i = 0; i < opt.nsources; i++)
		if (opt.sources[i] == SRC_ISC && !opt.isc_url)
			tool_die("--source isc needs --isc-url");
	opt.http.user_agent = "domain-born/" VERSION " (domstat)";
	opt.http.accept = "application/rdap+json, application/json";
	opt.bs.http = opt.http;
	opt.bs.http.accept = NULL;
	opt.bs.http.max_body = 16 * 1024 * 1024;
	const char *env = getenv("DOMSTAT_NOW");
	if (env && *env) {
		char *end;
		errno = 0;
		long long v = strtoll(env, &end, 10);
		if (errno || *end || v < 0)
			tool_die("invalid value for DOMSTAT_NOW: '%s'", env);
		fixed_now = v;
	}
	env = getenv("DOMSTAT_NOW_STEP");
	if (env && *env) {
		char *end;
		errno = 0;
		long long v = strtoll(env, &end, 10);
		if (errno || *end || v < 0 || v > 100LL * 365 * DAY)
			tool_die("invalid value for DOMSTAT_NOW_STEP: '%s'", env);
		opt.now_step = v;
	}
	if (!opt.bs.file) {
		env = getenv("DOMSTAT_BOOTSTRAP");
		if (env && *env)
			opt.bs.file = env;
	}
}

/* ---- results ---- */

static void
result_init(struct result *r)
{
	memset(r, 0, sizeof *r);
	r->created = r->expires = r->isc_seen = DATE_UNKNOWN;
}

static void
result_free(struct result *r)
{
	buf_free(&r->msg);
	buf_free(&r->alerts);
	buf_free(&r->fallback);
}

static void
copy_buf(struct buf *dst, const struct buf *src)
{
	buf_reset(dst);
	buf_add(dst, buf_str(src), src->len);
}

static void
result_copy(struct result *dst, const struct result *src)
{
	struct buf msg = dst->msg, alerts = dst->alerts, fallback = dst->fallback;
	*dst = *src;
	dst->msg = msg;
	dst->alerts = alerts;
	dst->fallback = fallback;
	copy_buf(&dst->msg, &src->msg);
	copy_buf(&dst->alerts, &src->alerts);
	copy_buf(&dst->fallback, &src->fallback);
}

/* Forget an answer before the next source is asked; why the ISC was skipped stays. */
static void
result_clear(struct result *r)
{
	struct buf msg = r->msg, alerts = r->alerts, fallback = r->fallback;
	result_init(r);
	r->msg = msg;
	r->alerts = alerts;
	r->fallback = fallback;
	buf_reset(&r->msg);
	buf_reset(&r->alerts);
}

static bool
result_good(const struct result *r)
{
	return r->ok && r->created != DATE_UNKNOWN;
}

static void result_fail(struct result *r, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
result_fail(struct result *r, const char *code, const char *fmt, ...)
{
	r->ok = false;
	snprintf(r->code, sizeof r->code, "%s", code);
	buf_reset(&r->msg);
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(&r->msg, fmt, ap);
	va_end(ap);
}

static void
add_date(struct record *r, const char *key, int64_t t)
{
	struct buf *v = rec_set_begin(r, key);
	struct buf d = BUF_INIT;
	date_format(&d, t, opt.date_style);
	jsonw_str(v, d.s, d.len);
	buf_free(&d);
	rec_set_end(r);
}

/* The answer's alerts, and why the ISC service was not asked. */
static void
apply_notes(struct record *r, const struct result *res)
{
	for (size_t off = 0; off < res->alerts.len; off += strlen(res->alerts.s + off) + 1)
		rec_alert(r, res->alerts.s + off);
	if (res->fallback.len)
		rec_error_code(r, "isc-unavailable", "%s", res->fallback.s);
}

/* Put a result into the record's members. */
static void
apply(struct record *r, const struct result *res)
{
	if (res->ok && res->created != DATE_UNKNOWN) {
		add_date(r, "seen_by_web", res->created);
		if (res->expires != DATE_UNKNOWN)
			add_date(r, "expires", res->expires);
		int64_t age = now_s() - res->created;
		rec_set_strz(r, "category",
			     age > (int64_t)opt.established_days * DAY ? "ESTABLISHED" : "NEW");
		if (res->isc_seen != DATE_UNKNOWN)
			add_date(r, "seen_by_isc", res->isc_seen);
		else
			rec_set_strz(r, "seen_by_isc", res->source);
		apply_notes(r, res);
		return;
	}
	apply_notes(r, res);
	if (opt.compat) {
		rec_set_strz(r, "seen_by_web", "ERROR");
		if (res->expires != DATE_UNKNOWN)
			add_date(r, "expires", res->expires);
		rec_set_strz(r, "category", "ERROR");
		rec_set_strz(r, "seen_by_isc", "ERROR");
	} else if (res->expires != DATE_UNKNOWN) {
		add_date(r, "expires", res->expires);
	}
	rec_error_code(r, res->code[0] ? res->code : "no-events", "%s",
		       res->msg.len ? res->msg.s : "no registration date");
}

/* ---- the window ---- */

static struct slot *
slot_at(size_t no)
{
	return &ring[no % ring_cap];
}

static void
show_progress(bool final)
{
	if (!progress_on() || (!final && !progress_due()))
		return;
	double secs = progress_seconds();
	progress_draw(final, "%lu done, %.0f/s, %lu fetched, %lu errors, %ld in flight",
		      progress.done, secs > 0 ? (double)progress.done / secs : 0.0,
		      progress.fetched, progress.errors, total_active);
}

/* Write out every finished record at the head of the window. */
static void
emit_ready(void)
{
	while (head_no < tail_no) {
		struct slot *s = slot_at(head_no);
		if (!s->done)
			break;
		if (s->has_result) {
			apply(&s->rec, &s->res);
			if (!s->res.ok || s->res.created == DATE_UNKNOWN)
				progress.errors++;
		}
		rec_emit(&s->rec);
		window_bytes -= s->rec.text.len;
		/* keep memory flat: drop buffers an unusually long record left behind */
		if (s->rec.text.cap > 65536)
			rec_free(&s->rec);
		s->done = s->has_result = false;
		head_no++;
		progress.done++;
	}
	show_progress(false);
}

static void
finish_slot(size_t no, const struct result *res)
{
	struct slot *s = slot_at(no);
	if (res) {
		result_copy(&s->res, res);
		s->has_result = true;
	}
	s->done = true;
}

/* ---- the store ---- */

static int64_t run_started;
static bool db_warned;

static void
db_failed(struct buf *why)
{
	if (!db_warned)
		tool_warn("%s (the cache is not updated)", why->s);
	db_warned = true;
	buf_reset(why);
}

/* Close the batch when it is big or old enough; a new one starts at the next write. */
static void
db_tick(void)
{
	struct buf why = BUF_INIT;
	if (db && store_maybe_commit(db, &why) < 0)
		db_failed(&why);
	buf_free(&why);
}

/* Recent answers in memory, so repeated names cost no database read: a fixed-size table of
 * 4-way sets (a newer name replaces one in its set, round robin), so memory stays fixed. */
#define MEMO_WAYS 4
#define MEMO_SIZE (16384 * MEMO_WAYS)

struct memo {
	char *domain;
	struct result res;
	int64_t valid_until;
};

static struct memo *memo;
static unsigned memo_victim;

/* The set for domain, and in *hit the entry holding it (or NULL). */
static struct memo *
memo_set(const char *domain, struct memo **hit)
{
	if (!memo)
		memo = xcalloc(MEMO_SIZE, sizeof *memo);
	uint64_t h = 1469598103934665603ULL;
	for (const char *p = domain; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	struct memo *set = &memo[(h % (MEMO_SIZE / MEMO_WAYS)) * MEMO_WAYS];
	*hit = NULL;
	for (int i = 0; i < MEMO_WAYS; i++)
		if (set[i].domain && !strcmp(set[i].domain, domain))
			*hit = &set[i];
	return set;
}

static void
memo_put(const char *domain, const struct result *r, int64_t valid_until)
{
	struct memo *m, *set = memo_set(domain, &m);
	if (!m) {
		for (int i = 0; i < MEMO_WAYS && !m; i++)
			if (!set[i].domain)
				m = &set[i];
		if (!m)
			m = &set[memo_victim++ % MEMO_WAYS];
		free(m->domain);
		m->domain = xstrdup(domain);
	}
	result_copy(&m->res, r);
	m->valid_until = valid_until;
}

static void
memo_free(void)
{
	for (size_t i = 0; memo && i < MEMO_SIZE; i++) {
		free(memo[i].domain);
		result_free(&memo[i].res);
	}
	free(memo);
	memo = NULL;
}

/* How long an outcome stays fresh; 0 = do not store it. */
static int64_t
valid_until(const struct result *r, int64_t now)
{
	if (r->keep_until)
		return r->keep_until < 0 ? 0 : r->keep_until;
	if (r->ok && r->created != DATE_UNKNOWN) {
		int64_t vu = now + opt.ttl_max;
		if (r->expires == DATE_UNKNOWN) {
			if (now + opt.ttl_no_expiry < vu)
				vu = now + opt.ttl_no_expiry;
		} else if (r->expires <= now) {
			vu = now + opt.ttl_error; /* the registry may not have caught up */
		} else if (r->expires < vu) {
			vu = r->expires;
		}
		/* ask again when a NEW domain turns ESTABLISHED */
		int64_t turns = r->created + (int64_t)opt.established_days * DAY + 1;
		if (turns > now && turns < vu)
			vu = turns;
		/* the ISC attached alerts: it wants to be asked again within a day */
		if (r->extra_alerts && vu > now + DAY)
			vu = now + DAY;
		return vu;
	}
	if (!strcmp(r->code, "rate-limited"))
		return 0;
	if (!strcmp(r->code, "not-found"))
		return now + opt.ttl_not_found;
	return now + opt.ttl_error;
}

/* Remove one alert from a list of NUL-terminated ones. */
static void
drop_alert(struct buf *alerts, const char *which)
{
	size_t w = 0;
	for (size_t off = 0; off < alerts->len;) {
		size_t n = strlen(alerts->s + off) + 1;
		if (strcmp(alerts->s + off, which)) {
			memmove(alerts->s + w, alerts->s + off, n);
			w += n;
		}
		off += n;
	}
	buf_truncate(alerts, w);
}

/* The answer as later records get it from the cache: the first contact was this one's alone,
 * and the ISC's refusal applied to this run only. Alerts go to the store one a line. */
static void
cached_form(const struct result *r, struct result *out, struct buf *lines)
{
	result_copy(out, r);
	buf_reset(&out->alerts);
	buf_reset(&out->fallback);
	buf_reset(lines);
	for (size_t off = 0; off < r->alerts.len; off += strlen(r->alerts.s + off) + 1) {
		const char *a = r->alerts.s + off;
		if (!strcmp(a, ISC_FIRST_CONTACT))
			continue;
		buf_add(&out->alerts, a, strlen(a) + 1);
		if (lines->len)
			buf_addc(lines, '\n');
		for (; *a; a++)
			buf_addc(lines, *a == '\n' || *a == '\r' ? ' ' : *a);
	}
}

static void
cache_put(const char *domain, const struct result *r, const char *server)
{
	if (!db)
		return;
	int64_t now = now_s();
	struct buf why = BUF_INIT;
	bool from_isc = !strcmp(r->source, "ISC");
	store_counter_defer(db,
			    result_good(r) ? (from_isc ? "isc_good" : "rdap_good")
					   : (from_isc ? "isc_fail" : "rdap_fail"),
			    1);
	int64_t vu = valid_until(r, now);
	if (vu > now) {
		struct result kept;
		struct buf lines = BUF_INIT;
		result_init(&kept);
		cached_form(r, &kept, &lines);
		memo_put(domain, &kept, vu);
		struct reg_info ri = {
		    .created = r->created,
		    .expires = r->expires,
		    .source = r->source[0] ? r->source : "RDAP",
		    .server = server,
		    .fetched = now,
		    .error_code = result_good(r) ? NULL : r->code,
		    .error_msg = result_good(r) ? NULL : buf_str(&r->msg),
		    .valid_until = vu,
		    .isc_seen = r->isc_seen == DATE_UNKNOWN ? 0 : r->isc_seen,
		    .alerts = lines.len ? lines.s : NULL,
		};
		if (ri.error_code && !ri.error_code[0])
			ri.error_code = "no-events";
		if ((!store_in_batch(db) && store_begin(db, &why) < 0) ||
		    store_reg_put(db, domain, &ri, &why) < 0)
			db_failed(&why);
		result_free(&kept);
		buf_free(&lines);
	}
	buf_free(&why);
}

/* A store read failed in --offline: the store is all there is, so the run ends with status 2
 * (as seen-db does), each record it could not answer carrying store-unreadable. */
static bool store_unreadable;

/* A stored answer for domain: 1 and *r filled, 0 none, -1 the store could not be read (with
 * --offline, *r holds the store-unreadable error). */
static int
cache_get(const char *domain, struct result *r)
{
	if (!db)
		return 0;
	struct memo *m;
	memo_set(domain, &m);
	if (m && (opt.offline || now_s() < m->valid_until)) {
		result_copy(r, &m->res);
		isc.cache[0]++;
		return 1;
	}
	isc.cache[m ? 2 : 1]++;
	struct reg_info ri;
	struct buf why = BUF_INIT;
	int rc = store_reg_get(db, domain, &ri, &why);
	if (rc < 0) {
		if (opt.offline) {
			result_fail(r, "store-unreadable", "%s", why.s);
			store_unreadable = true;
		} else {
			tool_warn("%s", why.s);
		}
		buf_free(&why);
		return -1;
	}
	buf_free(&why);
	if (rc == 0 || (!opt.offline && now_s() >= ri.valid_until) ||
	    /* rows of the run's first second count as old: a run can tell no finer; an ISC
	       error kept permanently is never asked again */
	    (opt.refresh && ri.fetched <= run_started && ri.valid_until != STORE_PERMANENT)) {
		isc.database[1]++;
		return 0;
	}
	isc.database[0]++;
	result_clear(r);
	r->created = ri.created;
	r->expires = ri.expires;
	r->isc_seen = ri.isc_seen ? ri.isc_seen : DATE_UNKNOWN;
	for (const char *a = ri.alerts; a && *a;) {
		size_t n = strcspn(a, "\n");
		buf_add(&r->alerts, a, n);
		buf_addc(&r->alerts, '\0');
		r->extra_alerts = true;
		a += n + (a[n] == '\n');
	}
	snprintf(r->source, sizeof r->source, "%s", ri.source ? ri.source : "RDAP");
	if (ri.error_code) {
		result_fail(r, ri.error_code, "%s", ri.error_msg ? ri.error_msg : ri.error_code);
	} else {
		r->ok = true;
		r->code[0] = '\0';
		buf_reset(&r->msg);
	}
	memo_put(domain, r, ri.valid_until);
	return 1;
}

/* ---- jobs and servers ---- */

static size_t
hash_str(const char *s)
{
	size_t h = 5381;
	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

static struct job *
job_find(const char *domain)
{
	for (struct job *j = jobtab[hash_str(domain) % jobtab_cap]; j; j = j->hnext)
		if (!strcmp(j->domain, domain))
			return j;
	return NULL;
}

static void
job_unlink(struct job *job)
{
	struct job **pp = &jobtab[hash_str(job->domain) % jobtab_cap];
	while (*pp && *pp != job)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = job->hnext;
	njobs--;
}

/* scheme://host[:port] of a URL: the unit politeness limits apply to. */
static char *
server_key(const char *url)
{
	const char *p = strstr(url, "://");
	p = p ? p + 3 : url;
	size_t n = strcspn(p, "/?#");
	size_t at = 0;
	for (size_t i = 0; i < n; i++)
		if (p[i] == '@')
			at = i + 1; /* drop user info */
	struct buf b = BUF_INIT;
	buf_add(&b, url, (size_t)(p - url));
	for (size_t i = at; i < n; i++)
		buf_addc(&b, (char)(p[i] >= 'A' && p[i] <= 'Z' ? p[i] + 32 : p[i]));
	return b.s;
}

static struct server *
server_get(const char *url)
{
	char *key = server_key(url);
	for (struct server *s = servers; s; s = s->next)
		if (!strcmp(s->key, key)) {
			free(key);
			return s;
		}
	struct server *s = xcalloc(1, sizeof *s);
	s->key = key;
	s->next = servers;
	servers = s;
	return s;
}

static void
enqueue(struct job *job, bool front)
{
	struct server *s = job->srv;
	job->qnext = NULL;
	if (front) {
		job->qnext = s->qhead;
		s->qhead = job;
		if (!s->qtail)
			s->qtail = job;
	} else {
		if (s->qtail)
			s->qtail->qnext = job;
		else
			s->qhead = job;
		s->qtail = job;
	}
}

/* The last word on a domain: store it and hand it to the records waiting for it. */
static void
job_end(struct job *job)
{
	if (!job->local)
		cache_put(job->domain, &job->res, job->url);
	for (size_t i = 0; i < job->nwait; i++) {
		finish_slot(job->waiters[i], &job->res);
		/* the first contact is the first record's: the others shared its query */
		if (i == 0)
			drop_alert(&job->res.alerts, ISC_FIRST_CONTACT);
	}
	job_unlink(job);
	free(job->domain);
	free(job->base);
	free(job->url);
	free(job->waiters);
	result_free(&job->res);
	free(job);
}

static void
set_url(struct job *job, const char *url)
{
	free(job->url);
	job->url = xstrdup(url);
	job->srv = server_get(url);
}

static struct server *job_try(struct job *job);

/* A source answered (or failed): a failure moves on to the next source, if there is one. */
static void
job_finish(struct job *job)
{
	if (!result_good(&job->res) && job->src + 1 < opt.nsources) {
		job->src++;
		job_try(job); /* queued: the next pump starts it */
		return;
	}
	job_end(job);
}

static void
on_whois_done(struct job *job)
{
	struct whois_conn *c = job->wc;
	job->srv->active--;
	total_active--;
	for (size_t i = 0; i < nwjobs; i++)
		if (wjobs[i] == job) {
			wjobs[i] = wjobs[--nwjobs];
			break;
		}
	const char *hostport = job->url + strlen("whois://");
	if (c->code) {
		result_fail(&job->res, c->code, "%s (%s)", c->msg.s, hostport);
	} else {
		int64_t created, expires;
		bool free_name = whois_parse(buf_str(&c->in), c->in.len, &created, &expires);
		snprintf(job->res.source, sizeof job->res.source, "WHOIS");
		job->res.created = created;
		job->res.expires = expires;
		if (created != DATE_UNKNOWN) {
			job->res.ok = true;
		} else if (free_name) {
			result_fail(&job->res, "not-found", "not registered (whois %s)", hostport);
		} else {
			result_fail(&job->res, "no-events",
				    "the whois answer from %s has no creation date%s", hostport,
				    c->truncated ? " (answer cut)" : "");
		}
	}
	whois_close(c);
	buf_free(&c->in);
	buf_free(&c->out);
	buf_free(&c->msg);
	free(c);
	job->wc = NULL;
	job_finish(job);
}

static void
whois_begin(struct job *job, int64_t t)
{
	const char *hostport = job->url + strlen("whois://");
	const char *colon = strrchr(hostport, ':');
	char *host = xstrndup(hostport, (size_t)(colon - hostport));
	struct buf q = BUF_INIT;
	whois_query(host, job->domain, &q);
	job->wc = xcalloc(1, sizeof *job->wc);
	job->deadline_ms = t + opt.http.timeout_ms;
	wjobs = xgrow(wjobs, &capwjobs, nwjobs + 1, sizeof *wjobs);
	wjobs[nwjobs++] = job;
	whois_start(job->wc, host, colon + 1, q.s, WHOIS_MAX);
	free(host);
	buf_free(&q);
	/* a failed start is finished in the next pump, like any other answer */
}

/* Start what the limits allow on one server. */
static void
server_start(struct server *s, int64_t t)
{
	int64_t interval = (int64_t)(1000.0 / opt.server_rate);
	while (s->qhead && total_active < opt.jobs && s->active < opt.server_conns &&
	       t >= s->paused_until_ms && t >= s->next_ms) {
		struct job *job = s->qhead;
		s->qhead = job->qnext;
		if (!s->qhead)
			s->qtail = NULL;
		job->attempts++;
		/* keep the average rate even when the loop wakes late, without bursts */
		if (s->next_ms < t - interval)
			s->next_ms = t - interval;
		s->next_ms += interval;
		if (job->whois) {
			whois_begin(job, t);
			s->active++;
			total_active++;
			progress.fetched++;
			continue;
		}
		struct http_req *r = http_req_new(job->url, job);
		r->guard_private = job->related_stage; /* a link found in an answer */
		if (job->isc) {
			struct buf q = BUF_INIT;
			isc_request_query(&q, job->domain);
			r->post = q.s;
		}
		if (http_start(http, r) < 0) {
			if (job->related_stage) {
				job_finish(job);
			} else {
				result_fail(&job->res, r->code, "%s", r->msg.s);
				job_finish(job);
			}
			http_req_free(r);
			continue;
		}
		s->active++;
		total_active++;
		progress.fetched++;
	}
}

/* Start what can start everywhere; return how long until something may (ms, -1 = nothing). */
static long
schedule(void)
{
	int64_t t = now_ms();
	long wait = -1;
	for (struct server *s = servers; s; s = s->next) {
		if (!s->qhead)
			continue;
		server_start(s, t);
		if (!s->qhead || total_active >= opt.jobs || s->active >= opt.server_conns)
			continue;
		int64_t at = s->paused_until_ms > s->next_ms ? s->paused_until_ms : s->next_ms;
		long w = at > t ? (long)(at - t) : 0;
		if (wait < 0 || w < wait)
			wait = w;
	}
	return wait;
}

/* Is url on the same server as the bootstrap base (so its 404 is the registry's word)? */
static bool
same_server(const char *url, const char *base)
{
	char *a = server_key(url), *b = server_key(base);
	bool same = !strcmp(a, b);
	free(a);
	free(b);
	return same;
}

/* The registrar's copy came back (or failed): fill only what the registry lacked. */
static void
merge_related(struct job *job, struct http_req *r)
{
	if (r->code || r->status < 200 || r->status > 299)
		return;
	struct rdap_domain d;
	rdap_domain_init(&d);
	if (rdap_parse_domain(buf_str(&r->body), r->body.len, job->domain, &d) == 0) {
		if (job->res.created == DATE_UNKNOWN)
			job->res.created = d.registration;
		if (job->res.expires == DATE_UNKNOWN)
			job->res.expires = d.expiration;
	}
	rdap_domain_free(&d);
}

static void
finalise_dates(struct job *job)
{
	if (job->res.ok && job->res.created == DATE_UNKNOWN)
		result_fail(&job->res, "no-events", "the RDAP answer has no registration event");
}

static void
finish_registry_answer(struct job *job, struct http_req *r)
{
	struct rdap_domain d;
	rdap_domain_init(&d);
	if (rdap_parse_domain(buf_str(&r->body), r->body.len, job->domain, &d) < 0) {
		result_fail(&job->res, d.code, "%s", d.msg.s);
		rdap_domain_free(&d);
		job_finish(job);
		return;
	}
	job->res.ok = true;
	job->res.code[0] = '\0';
	buf_reset(&job->res.msg);
	job->res.created = d.registration;
	job->res.expires = d.expiration;
	snprintf(job->res.source, sizeof job->res.source, "RDAP");
	bool lacking = d.registration == DATE_UNKNOWN || d.expiration == DATE_UNKNOWN;
	if (lacking && d.related && !opt.no_related &&
	    (opt.http.allow_http || !strncasecmp(d.related, "https:", 6))) {
		job->related_stage = true;
		job->attempts = 0;
		set_url(job, d.related);
		rdap_domain_free(&d);
		enqueue(job, false);
		return;
	}
	rdap_domain_free(&d);
	finalise_dates(job);
	job_finish(job);
}

/* The ISC service's answer to a query. */
static void
finish_isc_answer(struct job *job, struct http_req *r)
{
	struct isc_answer a;
	struct buf why = BUF_INIT;
	isc_answer_init(&a);
	struct result *res = &job->res;
	if (isc_parse_answer(buf_str(&r->body), r->body.len, &a, &why) < 0) {
		result_fail(res, "isc-bad-answer",
			    "the ISC service's answer for '%s' is unusable: %s", job->domain,
			    why.s);
		goto out;
	}
	snprintf(res->source, sizeof res->source, "ISC");
	buf_reset(&res->alerts);
	buf_add(&res->alerts, buf_str(&a.alerts), a.alerts.len);
	res->extra_alerts = a.other_alerts;
	if (a.error) {
		result_fail(res, "isc-error", "the ISC service has no dates for '%s'", job->domain);
		int64_t now = now_s();
		/* the error's own lifetime: hours, 0 not kept, -1 no expiry, -2 for ever */
		res->keep_until = a.ttl_hours > 0     ? now + a.ttl_hours * 3600
				  : a.ttl_hours == 0  ? -1
				  : a.ttl_hours == -1 ? STORE_NO_EXPIRY
						      : STORE_PERMANENT;
		goto out;
	}
	res->ok = true;
	res->code[0] = '\0';
	buf_reset(&res->msg);
	res->created = a.seen_by_web;
	res->expires = a.expires;
	res->isc_seen = a.seen;
out:
	isc_answer_free(&a);
	buf_free(&why);
	job_finish(job);
}

static void
on_done(struct http_req *r)
{
	struct job *job = r->user;
	struct server *s = job->srv;
	s->active--;
	total_active--;
	long st = r->status;
	if (!r->code && (st == 429 || st == 503) && job->attempts <= opt.retries) {
		/* pause this server only; the others go on */
		int64_t wait = r->retry_after > 0 ? r->retry_after : 60;
		if (wait > opt.retry_wait_max)
			wait = opt.retry_wait_max;
		int64_t until = now_ms() + wait * 1000;
		if (until > s->paused_until_ms)
			s->paused_until_ms = until;
		enqueue(job, true);
		return;
	}
	if (job->related_stage) {
		merge_related(job, r);
		finalise_dates(job);
		job_finish(job);
		return;
	}
	if (r->code) {
		result_fail(&job->res, r->code, "%s: %s", r->url, r->msg.s);
	} else if (st >= 200 && st <= 299) {
		if (job->isc)
			finish_isc_answer(job, r);
		else
			finish_registry_answer(job, r);
		return;
	} else if (st == 404 && !job->isc) {
		if (same_server(r->effective_url ? r->effective_url : r->url, job->base))
			result_fail(&job->res, "not-found", "not registered (404 from %s)", s->key);
		else
			result_fail(&job->res, "http-error", "HTTP 404 from %s after a redirect",
				    r->effective_url);
	} else if (st == 429) {
		result_fail(&job->res, "rate-limited", "HTTP 429 from %s", s->key);
	} else if (st >= 500) {
		result_fail(&job->res, "server-error", "HTTP %ld from %s", st, s->key);
	} else if (st >= 300 && st <= 399) {
		result_fail(&job->res, "too-many-redirects", "HTTP %ld from %s not followed", st,
			    s->key);
	} else {
		result_fail(&job->res, "http-error", "HTTP %ld from %s", st, s->key);
	}
	job_finish(job);
}

/* Move the network on: start what may start, wait at most max_wait ms (or until fd is
 * readable, if fd >= 0), handle what finished. Returns true when fd became readable. */
static bool
pump(long max_wait, int fd)
{
	long w = schedule();
	if (w < 0 || w > max_wait)
		w = max_wait;
	if (progress_on() && w > 500)
		w = 500;
	int64_t t = now_ms();
	struct http_waitfd stackfds[32], *fds = stackfds;
	if (nwjobs + 1 > 32)
		fds = xcalloc(nwjobs + 1, sizeof *fds);
	unsigned nfds = 0;
	for (size_t i = 0; i < nwjobs; i++) {
		struct job *j = wjobs[i];
		if (j->wc->state == WHOIS_DONE) {
			w = 0;
			continue;
		}
		long left = j->deadline_ms > t ? (long)(j->deadline_ms - t) : 0;
		if (left < w)
			w = left;
	}
	for (size_t i = 0; i < nwjobs; i++)
		if (wjobs[i]->wc->state != WHOIS_DONE)
			fds[nfds++] =
			    (struct http_waitfd){wjobs[i]->wc->fd, whois_events(wjobs[i]->wc), 0};
	unsigned nw = nfds;
	if (fd >= 0)
		fds[nfds++] = (struct http_waitfd){fd, POLLIN, 0};
	struct http_req *done = http_poll(http, (int)w, fds, nfds);
	bool ready = fd >= 0 && fds[nw].revents;
	/* whois: step the ready ones, time out the late ones, finish the done ones */
	t = now_ms();
	for (unsigned k = 0; k < nw; k++)
		if (fds[k].revents)
			for (size_t i = 0; i < nwjobs; i++)
				if (wjobs[i]->wc->fd == fds[k].fd &&
				    wjobs[i]->wc->state != WHOIS_DONE) {
					whois_step(wjobs[i]->wc);
					break;
				}
	if (fds != stackfds)
		free(fds);
	for (size_t i = 0; i < nwjobs;) {
		struct job *j = wjobs[i];
		if (j->wc->state != WHOIS_DONE && t >= j->deadline_ms)
			whois_timeout(j->wc);
		if (j->wc->state == WHOIS_DONE)
			on_whois_done(j); /* removes it from wjobs */
		else
			i++;
	}
	while (done) {
		struct http_req *next = done->next;
		on_done(done);
		http_req_free(done);
		done = next;
	}
	emit_ready();
	db_tick();
	return ready;
}

static bool
work_pending(void)
{
	return njobs > 0;
}

/* Called by the line reader before a read that may wait: keep the lookups going meanwhile. */
static void
before_block(void *arg)
{
	(void)arg;
	emit_ready();
	if (fflush(stdout) != 0)
		tool_out("", 0);
	/* answers go out as they come while the input is quiet */
	while (work_pending() && !stop_signal) {
		bool readable = pump(1000, STDIN_FILENO);
		if (fflush(stdout) != 0)
			tool_out("", 0);
		if (readable)
			break;
	}
	/* never hold the store's write lock while waiting for input (tail -f | domain-born) */
	struct buf why = BUF_INIT;
	if (db && store_commit(db, &why) < 0)
		db_failed(&why);
	buf_free(&why);
}

/* ---- admitting a record ---- */

/* "tld host[:port]" lines from --whois-map, loaded once. */
static struct buf whois_map;
static bool whois_map_loaded;

static bool
map_lookup(const char *tld, struct buf *out)
{
	if (!whois_map_loaded) {
		whois_map_loaded = true;
		struct buf why = BUF_INIT;
		if (opt.whois_map && read_file(opt.whois_map, 1 << 20, &whois_map, &why) < 0)
			tool_die("%s", why.s);
		buf_free(&why);
	}
	const char *p = buf_str(&whois_map), *end = p + whois_map.len;
	size_t tl = strlen(tld);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;
		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		size_t w = strcspn(p, " \t\n");
		if (p + w <= e && w == tl && !strncasecmp(p, tld, tl) && *p != '#') {
			const char *h = p + w;
			while (h < e && (*h == ' ' || *h == '\t'))
				h++;
			size_t hl = strcspn(h, " \t\r\n");
			if (h + hl <= e && hl > 0) {
				buf_add(out, h, hl);
				return true;
			}
		}
		p = nl ? nl + 1 : end;
	}
	return false;
}

/* whois://host:port for a domain: --whois-server, the map, the built-in table, whois.nic.TLD */
static void
whois_url(const char *domain, struct buf *url)
{
	const char *dot = strrchr(domain, '.');
	const char *tld = dot ? dot + 1 : domain;
	struct buf hp = BUF_INIT;
	if (opt.whois_server)
		buf_adds(&hp, opt.whois_server);
	else if (!map_lookup(tld, &hp)) {
		const char *known = whois_server_for(tld);
		if (known)
			buf_adds(&hp, known);
		else
			buf_addf(&hp, "whois.nic.%s", tld);
	}
	const char *colon = strrchr(hp.s, ':');
	buf_addf(url, "whois://%s%s", hp.s, colon && !strchr(colon, ']') ? "" : ":43");
	buf_free(&hp);
}

static bool
ensure_bootstrap(struct result *res)
{
	if (!boot.tried) {
		opt.bs.now = now_s();
		bootstrap_load(&boot, &opt.bs);
	}
	if (!boot.ok) {
		result_fail(res, "no-bootstrap", "%s", boot.why.s);
		return false;
	}
	return true;
}

/* Ask the RDAP service (or whois) for the job's domain: the server it is queued on, or NULL
 * when it cannot be asked (job->res says why). */
static struct server *
try_rdap(struct job *job)
{
	const char *domain = job->domain;
	if (!ensure_bootstrap(&job->res))
		return NULL;
	const char *base = NULL;
	bool use_whois = false;
	switch (bootstrap_lookup(&boot, domain, opt.http.allow_http, &base)) {
	case RDAP_MATCH_OK:
		break;
	case RDAP_MATCH_HTTP_ONLY:
		use_whois = opt.whois;
		if (!use_whois) {
			result_fail(&job->res, "no-service",
				    "the RDAP service for '%s' is http only (see --allow-http)",
				    domain);
			return NULL;
		}
		break;
	case RDAP_MATCH_NONE:
		use_whois = opt.whois;
		if (!use_whois) {
			result_fail(&job->res, "no-service", "no RDAP service for '%s'", domain);
			return NULL;
		}
		break;
	}
	struct buf url = BUF_INIT;
	if (use_whois)
		whois_url(domain, &url);
	else
		buf_addf(&url, "%sdomain/%s", base, domain);
	free(job->base);
	job->base = xstrdup(base ? base : url.s);
	job->whois = use_whois;
	set_url(job, url.s);
	buf_free(&url);
	return job->srv;
}

/* Ask the ISC service, unless it is not in use or refuses names like this one. */
static struct server *
try_isc(struct job *job)
{
	if (!isc_on || !isc.usable) {
		const char *why = isc_on ? isc.why.s : "--offline";
		buf_reset(&job->res.fallback);
		if (job->src + 1 < opt.nsources)
			buf_addf(&job->res.fallback, "the ISC service was not asked: %s", why);
		result_fail(&job->res, "isc-unavailable", "the ISC service was not asked: %s", why);
		return NULL;
	}
	if (isc_prohibited(&isc.cfg, job->domain)) {
		result_fail(&job->res, "isc-prohibited",
			    "the ISC service takes no questions about '%s'", job->domain);
		return NULL;
	}
	free(job->base);
	job->base = xstrdup(opt.isc_url);
	job->isc = true;
	/* its failures count and are stored as the ISC's */
	snprintf(job->res.source, sizeof job->res.source, "ISC");
	set_url(job, opt.isc_url);
	return job->srv;
}

/* Queue the job on its current source, or on the next ones that can be asked; when none can,
 * the job ends with the last reason. Returns the server it is queued on, or NULL. */
static struct server *
job_try(struct job *job)
{
	for (; job->src < opt.nsources; job->src++) {
		result_clear(&job->res);
		job->attempts = 0;
		job->related_stage = job->whois = job->isc = false;
		struct server *srv =
		    opt.sources[job->src] == SRC_ISC ? try_isc(job) : try_rdap(job);
		if (srv) {
			job->local = false;
			enqueue(job, false);
			return srv;
		}
		job->local = true;
	}
	job_end(job);
	return NULL;
}

static void
admit(size_t no)
{
	struct slot *s = slot_at(no);
	struct record *r = &s->rec;
	if (!rec_require_name(r)) {
		finish_slot(no, NULL);
		return;
	}
	struct result res;
	result_init(&res);
	if (dname_set(&dn, r->name.s, r->name.len) < 0) {
		result_fail(&res, "invalid-name", "invalid name: %s", dn.invalid);
		goto done;
	}
	if (!dname_registrable(&dn)) {
		result_fail(&res, "no-registrable", "no registrable domain in '%s'", dn.text.s);
		goto done;
	}
	const char *domain = dn.reg_ascii;
	if (isc_on)
		isc_client_tick(&isc, now_s());
	int cached = cache_get(domain, &res);
	if (cached > 0 || (cached < 0 && opt.offline))
		goto done;
	if (opt.offline) {
		result_fail(&res, "offline", "'%s' is not in the store (--offline)", domain);
		goto done;
	}
	struct job *job = job_find(domain);
	if (job) {
		job->waiters =
		    xgrow(job->waiters, &job->capwait, job->nwait + 1, sizeof *job->waiters);
		job->waiters[job->nwait++] = no;
		result_free(&res);
		return;
	}
	job = xcalloc(1, sizeof *job);
	result_init(&job->res);
	job->domain = xstrdup(domain);
	job->waiters = xgrow(NULL, &job->capwait, 1, sizeof *job->waiters);
	job->waiters[job->nwait++] = no;
	size_t h = hash_str(domain) % jobtab_cap;
	job->hnext = jobtab[h];
	jobtab[h] = job;
	njobs++;
	result_free(&res);
	struct server *srv = job_try(job);
	if (srv)
		server_start(srv, now_ms());
	return;
done:
	finish_slot(no, &res);
	result_free(&res);
}

/* SIGINT and SIGTERM stop admitting input; what the store learned so far is committed. */

static void
on_signal(int sig)
{
	stop_signal = sig;
}

/* A closed downstream pipe ends the run: keep the answers fetched so far. */
static void
save_on_closed_pipe(void)
{
	struct buf why = BUF_INIT;
	if (db)
		store_close(db, &why);
	db = NULL;
	buf_free(&why);
}

int
main(int argc, char **argv)
{
	tool_init("domain-born");
	parse_options(argc, argv);

	struct buf why = BUF_INIT;
	run_started = now_s();
	db = store_open(opt.db, 0, &why);
	if (!db)
		tool_die("%s", why.s);
	http = http_new(&opt.http, &why);
	if (!http)
		tool_die("%s", why.s);
	if (opt.bs.file) {
		opt.bs.now = now_s();
		if (bootstrap_load(&boot, &opt.bs) < 0)
			return tool_finish(EXIT_FATAL);
	}
	for (int i = 0; i < opt.nsources; i++)
		isc_on |= opt.sources[i] == SRC_ISC && !opt.offline;
	if (isc_on) {
		int64_t seed_version = 0;
		if (store_counter_get(db, "import_version", &seed_version, &why) < 0)
			tool_die("%s", why.s);
		isc_client_start(&isc, opt.isc_url, &opt.http, (long)seed_version, now_s());
	}
	jobtab = xcalloc(jobtab_cap, sizeof *jobtab);
	ring_cap = (size_t)opt.window;
	ring = xcalloc(ring_cap, sizeof *ring);
	for (size_t i = 0; i < ring_cap; i++) {
		rec_init(&ring[i].rec);
		result_init(&ring[i].res);
	}
	dname_init(&dn);
	progress_init(opt.progress);
	tool_on_stop_signal(on_signal);
	tool_on_closed_pipe(save_on_closed_pipe);

	struct rec_reader in;
	rec_reader_init(&in, STDIN_FILENO, opt.field, opt.max_line);
	in.lr.before_block = before_block;
	in.lr.stop = &stop_signal;
	bool eof = false;
	int rc = 0;
	unsigned n_since_pump = 0;
	for (;;) {
		if (stop_signal)
			break;
		while (!eof && tail_no - head_no < ring_cap && window_bytes < WINDOW_BYTES) {
			rc = rec_read(&in, &slot_at(tail_no)->rec);
			if (rc <= 0) {
				eof = true;
				break;
			}
			window_bytes += slot_at(tail_no)->rec.text.len;
			admit(tail_no++);
			if (fixed_now >= 0)
				fixed_now += opt.now_step;
			emit_ready();
			if (++n_since_pump >= 64) {
				n_since_pump = 0;
				if (work_pending())
					pump(0, -1);
				else
					db_tick();
			}
		}
		emit_ready();
		if (eof && head_no == tail_no)
			break;
		pump(1000, -1);
	}
	if (rc < 0)
		tool_die("cannot read input: %s", strerror(in.lr.error));
	show_progress(true);
	if (stop_signal) {
		int sig = stop_signal;
		if (store_close(db, &why) < 0)
			tool_warn("%s", why.s);
		fflush(stdout);
		signal(sig, SIG_DFL);
		raise(sig);
		return 128 + sig;
	}
	/* A store that fails at close still ends with everything freed (status 2). */
	int status = store_unreadable ? EXIT_FATAL : rec_status();
	if (store_close(db, &why) < 0) {
		tool_warn("%s", why.s);
		status = EXIT_FATAL;
	}
	db = NULL;

	for (size_t i = 0; i < ring_cap; i++) {
		rec_free(&ring[i].rec);
		result_free(&ring[i].res);
	}
	free(ring);
	for (struct server *s = servers, *n; s; s = n) {
		n = s->next;
		free(s->key);
		free(s);
	}
	free(jobtab);
	memo_free();
	dname_free(&dn);
	rec_reader_free(&in);
	bootstrap_free(&boot);
	isc_client_free(&isc);
	http_free(http);
	buf_free(&why);
	return tool_finish(status);
}
