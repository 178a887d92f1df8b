/* SPDX-License-Identifier: ISC */
/* domain-born's options: their table (usage and --help come from it) and the parse into
 * struct options. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "born.h"
#include "options.h"
#include "settings.h"
#include "tool.h"

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

static const struct opt opt_table[] = {
    OPT_ROW_FIELD(NULL),
    OPT_ROW_PASS(OPT_PASS_HELP, NULL),
    {OPT_EST, "established-days", "N",
     "NEW when registered at most N days ago (default:\n"
     "the settings' established_days, else 730)",
     NULL},
    {OPT_DATEFMT, "date-format", "STYLE", "iso (default) or http (RFC 1123, domain_stats' form)",
     NULL},
    {OPT_COMPAT, "compat", NULL,
     "domain_stats' shape: category ERROR on failures, the\nerror text among the alerts", NULL},
    {OPT_BOOT, "bootstrap", "FILE", "RDAP bootstrap file (default: IANA's, cached daily)", NULL},
    {OPT_BOOTURL, "bootstrap-url", "URL", "where to download it (default IANA)", NULL},
    {OPT_OVER, "overrides", "FILE", "extra bootstrap services for TLDs IANA lacks", NULL},
    {OPT_HTTP, "allow-http", NULL, "accept http:// RDAP services and redirects", NULL},
    {OPT_PRIVATE, "allow-private", NULL,
     "follow redirects and registrar links to loopback or\nprivate addresses (refused by default)",
     NULL},
    {OPT_CACERT, "cacert", "FILE", "CA certificates to trust (PEM)", NULL},
    {'j', "jobs", "N", "lookups in flight in all (default 64)", NULL},
    {OPT_SCONNS, "server-conns", "N", "lookups in flight per server (default 4)", NULL},
    {OPT_SRATE, "server-rate", "N", "requests per second per server (default 10)", NULL},
    {OPT_RETRIES, "retries", "N", "retries after 429/503 (default 1)", NULL},
    {OPT_RWAIT, "retry-wait-max", "S", "longest Retry-After honoured (default 120)", NULL},
    {OPT_TIMEOUT, "timeout", "SECS", "whole request (default 20)", NULL},
    {OPT_CTIMEOUT, "connect-timeout", "S", "connection (default 10)", NULL},
    {OPT_MAXBODY, "max-body", "BYTES", "largest answer read (default 1048576)", NULL},
    {OPT_REDIRS, "max-redirects", "N", "redirects followed (default 5)", NULL},
    {OPT_NOREL, "no-related", NULL, "never follow the registrar's link", NULL},
    {OPT_WINDOW, "window", "N", "records held for ordering (default 1024)", NULL},
    {OPT_WHOIS, "whois", NULL, "ask whois (port 43) when a TLD has no RDAP service", NULL},
    {OPT_WHOISSERVER, "whois-server", "H[:P]", "send every whois query there (implies --whois)",
     NULL},
    {OPT_WHOISMAP, "whois-map", "FILE", "lines \"tld host[:port]\" choosing whois servers", NULL},
    {OPT_SOURCE, "source", "LIST",
     "rdap (default), isc, isc,rdap or rdap,isc: where to\nask, in order of preference", NULL},
    {OPT_ISCURL, "isc-url", "URL", "the ISC service (JSON commands over HTTPS POST)", NULL},
    {OPT_DB, "db", "FILE",
     "the store (default $DOMSTAT_DB, else the settings'\n"
     "db, else $XDG_DATA_HOME/domstat/domains.db)",
     NULL},
    {OPT_OFFLINE, "offline", NULL, "answer from the store only (not with --refresh)", NULL},
    {OPT_REFRESH, "refresh", NULL, "ignore stored answers (still store new ones)", NULL},
    {OPT_TTLMAX, "ttl-max", "SECS", "longest a success is kept (default 90 days)", NULL},
    {OPT_TTLNOEXP, "ttl-no-expiry", "SECS", "success without an expiry date (default 30 days)",
     NULL},
    {OPT_TTLNF, "ttl-not-found", "SECS", "404 from the registry (default 86400)", NULL},
    {OPT_TTLERR, "ttl-error", "SECS", "other failures (default 3600); 429 is never kept", NULL},
    OPT_ROW_MAX_LINE("1048576", NULL),
    OPT_ROWS_COMMON,
};

/* The option table with the getopt_long tables opts_next makes from it on its first call (the
 * only thing written here; file scope as in every command, whose main reads it once). */
static struct opts opts = {
    .cmd = "domain-born",
    .about = "domain-born: add the registration and expiry dates (RDAP, whois or the ISC\n"
	     "service) and a NEW or ESTABLISHED category to each domain record.",
    .table = opt_table,
    .operands = "[FILE ...]",
};

/* "rdap", "isc", "isc,rdap" or "rdap,isc". */
static void
parse_sources(struct options *o, const char *arg)
{
	o->nsources = 0;
	for (const char *p = arg; *p;) {
		size_t n = strcspn(p, ",");
		enum source_kind src;
		if (n == 4 && !strncmp(p, "rdap", 4))
			src = SRC_RDAP;
		else if (n == 3 && !strncmp(p, "isc", 3))
			src = SRC_ISC;
		else
			tool_die("invalid value for --source: '%s'", arg);
		if (o->nsources == 2 || (o->nsources == 1 && o->sources[0] == src))
			tool_die("invalid value for --source: '%s'", arg);
		o->sources[o->nsources++] = src;
		p += n;
		if (*p == ',' && *++p == '\0')
			tool_die("invalid value for --source: '%s'", arg);
	}
	if (!o->nsources)
		tool_die("invalid value for --source: '%s'", arg);
}

/* What the shared settings (settings.h) set and the options did not. */
static void
shared_settings(struct options *o)
{
	struct settings st;
	opts_settings(&st);
	if (st.established_days >= 0)
		o->established_days = st.established_days;
	settings_free(&st);
}

void
born_parse_options(struct options *o, int argc, char **argv)
{
	*o = (struct options){
	    .fixed_now = -1,
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
	bool estab_given = false;
	while ((c = opts_next(&opts, argc, argv)) != -1) {
		if (opts_common(&opts, c, &o->max_line, &o->progress))
			continue;
		if (opts_record(c, &o->field, &o->pass))
			continue;
		switch (c) {
		case OPT_EST:
			o->established_days = opt_long("established-days", optarg, 0, 100000);
			estab_given = true;
			break;
		case OPT_DATEFMT: {
			int s = date_style_parse(optarg);
			if (s < 0)
				tool_die("invalid value for --date-format: '%s'", optarg);
			o->date_style = (enum date_style)s;
			break;
		}
		case OPT_COMPAT:
			o->compat = true;
			break;
		case OPT_BOOT:
			o->bs.file = optarg;
			break;
		case OPT_BOOTURL:
			o->bs.url = optarg;
			break;
		case OPT_OVER:
			o->bs.overrides = optarg;
			break;
		case OPT_HTTP:
			o->http.allow_http = true;
			break;
		case OPT_PRIVATE:
			o->http.allow_private = true;
			break;
		case OPT_CACERT:
			o->http.cacert = optarg;
			break;
		case 'j':
			o->jobs = opt_long("jobs", optarg, 1, 10000);
			break;
		case OPT_SCONNS:
			o->server_conns = opt_long("server-conns", optarg, 1, 1000);
			break;
		case OPT_SRATE:
			o->server_rate = opt_double("server-rate", optarg, 0.001, 1e6);
			break;
		case OPT_RETRIES:
			o->retries = opt_long("retries", optarg, 0, 100);
			break;
		case OPT_RWAIT:
			o->retry_wait_max = opt_long("retry-wait-max", optarg, 0, 86400);
			break;
		case OPT_TIMEOUT:
			o->http.timeout_ms =
			    (long)(opt_double("timeout", optarg, 0.001, 3600) * 1000);
			break;
		case OPT_CTIMEOUT:
			o->http.connect_timeout_ms =
			    (long)(opt_double("connect-timeout", optarg, 0.001, 3600) * 1000);
			break;
		case OPT_MAXBODY:
			o->http.max_body = (size_t)opt_long("max-body", optarg, 1024, 1L << 30);
			break;
		case OPT_REDIRS:
			o->http.max_redirects = opt_long("max-redirects", optarg, 0, 50);
			break;
		case OPT_NOREL:
			o->no_related = true;
			break;
		case OPT_WINDOW:
			o->window = opt_long("window", optarg, 1, 1000000);
			break;
		case OPT_DB:
			o->db = optarg;
			break;
		case OPT_OFFLINE:
			o->offline = true;
			break;
		case OPT_REFRESH:
			o->refresh = true;
			break;
		case OPT_TTLMAX:
			o->ttl_max = opt_long("ttl-max", optarg, 0, 100L * 365 * DAY);
			break;
		case OPT_TTLNOEXP:
			o->ttl_no_expiry = opt_long("ttl-no-expiry", optarg, 0, 100L * 365 * DAY);
			break;
		case OPT_TTLNF:
			o->ttl_not_found = opt_long("ttl-not-found", optarg, 0, 100L * 365 * DAY);
			break;
		case OPT_TTLERR:
			o->ttl_error = opt_long("ttl-error", optarg, 0, 100L * 365 * DAY);
			break;
		case OPT_WHOIS:
			o->whois = true;
			break;
		case OPT_WHOISSERVER:
			o->whois_server = optarg;
			o->whois = true;
			break;
		case OPT_WHOISMAP:
			o->whois_map = optarg;
			o->whois = true;
			break;
		case OPT_SOURCE:
			parse_sources(o, optarg);
			break;
		case OPT_ISCURL:
			o->isc_url = optarg;
			break;
		default:
			opts_usage(&opts);
		}
	}
	if (o->offline && o->refresh)
		opts_usage(&opts);
	opts_files(argc, argv, &o->files, &o->nfiles, NULL);
	if (!estab_given)
		shared_settings(o);
	for (int i = 0; i < o->nsources; i++)
		if (o->sources[i] == SRC_ISC && !o->isc_url)
			tool_die("--source isc needs --isc-url");
	o->http.user_agent = "domain-born/" VERSION " (domstat)";
	o->http.accept = "application/rdap+json, application/json";
	o->bs.http = o->http;
	o->bs.http.accept = NULL;
	o->bs.http.max_body = 16 * 1024 * 1024;
	const char *env = getenv("DOMSTAT_NOW");
	if (env && *env) {
		char *end;
		errno = 0;
		long long v = strtoll(env, &end, 10);
		if (errno || *end || v < 0)
			tool_die("invalid value for DOMSTAT_NOW: '%s'", env);
		o->fixed_now = v;
	}
	env = getenv("DOMSTAT_NOW_STEP");
	if (env && *env) {
		char *end;
		errno = 0;
		long long v = strtoll(env, &end, 10);
		if (errno || *end || v < 0 || v > 100LL * 365 * DAY)
			tool_die("invalid value for DOMSTAT_NOW_STEP: '%s'", env);
		o->now_step = v;
	}
	if (!o->bs.file) {
		env = getenv("DOMSTAT_BOOTSTRAP");
		if (env && *env)
			o->bs.file = env;
	}
}
