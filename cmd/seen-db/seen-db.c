/* SPDX-License-Identifier: ISC */
/* seen-db: remember every registrable domain this site has seen and alert on first contact
 * (exactly once, even with many writers on one store); admin subcommands around the store. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "date.h"
#include "dname.h"
#include "idn.h"
#include "isc.h"
#include "jscan.h"
#include "jsonw.h"
#include "options.h"
#include "progress.h"
#include "record.h"
#include "seen-db.h"
#include "settings.h"
#include "store.h"
#include "tool.h"
#include "utf8.h"

#define FIRST_CONTACT "YOUR-FIRST-CONTACT"
#define NO_ETLD	      "No valid eTLD exists for this domain."
/* Output held back for an open batch before it is committed early. */
#define PENDING_MAX (4 * 1024 * 1024)

/* Set by the SIGINT/SIGTERM handler, which can reach nothing else; read by every subcommand's
 * loop (import.c, admin.c). idle tells the handler whether it may end the run at once. */
volatile sig_atomic_t stop_signal;
static volatile sig_atomic_t idle; /* blocked on input with nothing uncommitted */

enum {
	OPT_DB = 256,
	OPT_DATES,
	OPT_COMPAT,
	OPT_ESTAB,
	OPT_TAG,
	OPT_NX,
	OPT_FORMAT,
	OPT_OFFSET,
	OPT_LIMIT,
	OPT_RESET,
	OPT_SEEDVER
};

#define STR_(x) #x
#define STR(x)	STR_(x)

/* The subcommands are text rows of --help's "Subcommands:" section, which the completion reads;
 * their options follow, each saying which subcommand takes it. */
static const struct opt opt_table[] = {
    {0, NULL, NULL, "Filter (default):", NULL},
    OPT_ROW_FIELD(NULL),
    OPT_ROW_PASS(OPT_PASS_HELP, NULL),
    {OPT_DB, "db", "FILE",
     "the store (default $DOMSTAT_DB, else the settings'\n"
     "db, else $XDG_DATA_HOME/domstat/domains.db)",
     NULL},
    {OPT_DATES, "date-format", "F", "iso (default) or http (RFC 1123, as domain_stats)",
     "main export"},
    {OPT_COMPAT, "compat", NULL, "print exactly domain_stats' reply object instead", NULL},
    {OPT_ESTAB, "established-days", "N",
     "registration age that makes a domain ESTABLISHED\n"
     "(default: the settings' established_days, else 730)",
     NULL},
    OPT_ROW_MAX_LINE("1048576", "main import"),
    OPT_ROWS_PROGRESS("main import"),
    {0, NULL, NULL, "", NULL},
    {0, NULL, NULL, "Subcommands:", NULL},
    {0, NULL, NULL,
     "  import [FILE ...]         NDJSON, bare list, rank,domain CSV or domain_stats", NULL},
    {0, NULL, NULL, "  export                    every record as NDJSON", NULL},
    {0, NULL, NULL, "  get NAME                  one record", NULL},
    {0, NULL, NULL, "  browse                    records in name order", NULL},
    {0, NULL, NULL, "  stats                     counts, counters, size, integrity", NULL},
    {0, NULL, NULL, "  expire                    delete records whose registration has expired",
     NULL},
    {0, NULL, NULL, "  vacuum                    rebuild the file to its smallest size", NULL},
    {0, NULL, NULL, "  depuny [NAME ...]         the Unicode form of xn-- names", NULL},
    {0, NULL, NULL, "", NULL},
    {0, NULL, NULL, "Subcommand options:", NULL},
    {OPT_TAG, "tag", "NAME", "import: source tag (default: from the records, else file stem)",
     "import"},
    {OPT_NX, "never-expire", NULL, "import: imported names never expire", "import"},
    {OPT_SEEDVER, "seed-version", "V",
     "import: record the seed list's version (major.minor)\nfor domain-born's ISC status reports",
     "import"},
    {OPT_FORMAT, "format", "F",
     "import: auto (default), ndjson, list, csv, domain-stats;\n"
     "export: ndjson (default) or domain-stats (one array)",
     "import export"},
    {OPT_OFFSET, "offset", "N", "browse: skip the first N records (default 0)", "browse"},
    {OPT_LIMIT, "limit", "N",
     "browse: at most N records (default 100, at most " STR(BROWSE_MAX_LIMIT) ")", "browse"},
    {OPT_RESET, "reset", NULL, "stats: zero the counters after showing them", "stats"},
    {0, NULL, NULL, "", NULL},
    OPT_ROWS_HELP,
};

static const struct opt_form forms[] = {
    {"import", "[--db FILE] import", "[FILE ...]"},
    {"export", "[--db FILE] export", NULL},
    {"get", "[--db FILE] get NAME", NULL},
    {"browse", "[--db FILE] browse", NULL},
    {"stats", "[--db FILE] stats", NULL},
    {"expire", "[--db FILE] expire | vacuum", NULL},
    {"depuny", "depuny", "[NAME ...]"},
    {NULL, NULL, NULL},
};

static struct opts opts = {
    .cmd = "seen-db",
    .about = "seen-db: remember every domain seen here; alert YOUR-FIRST-CONTACT once per domain.",
    .table = opt_table,
    .operands = "[FILE ...]",
    .forms = forms,
};

static const struct {
	const char *name;
	int (*fn)(const struct options *, int, char **);
} subcommands[] = {
    {"import", cmd_import}, {"export", cmd_export}, {"get", cmd_get},	    {"browse", cmd_browse},
    {"stats", cmd_stats},   {"expire", cmd_expire}, {"vacuum", cmd_vacuum}, {"depuny", cmd_depuny},
};

/* The subcommand an operand names, or -1 when it is the filter's first file. */
static int
subcommand(const char *arg)
{
	for (size_t i = 0; i < sizeof subcommands / sizeof subcommands[0]; i++)
		if (!strcmp(arg, subcommands[i].name))
			return (int)i;
	return -1;
}

/* Which subcommand each option belongs to (NULL: the filter and every subcommand). */
static const char *
option_owner(int c)
{
	switch (c) {
	case OPT_TAG:
	case OPT_NX:
	case OPT_SEEDVER:
		return "import";
	case OPT_FORMAT:
		return "import or export";
	case OPT_OFFSET:
	case OPT_LIMIT:
		return "browse";
	case OPT_RESET:
		return "stats";
	case 'f':
	case 'P':
	case OPT_COMPAT:
	case OPT_ESTAB:
		return "the filter";
	default:
		return NULL;
	}
}

static bool
owner_allows(const char *owner, const char *cmd)
{
	if (!owner)
		return true;
	if (!cmd)
		return !strcmp(owner, "the filter");
	return strstr(owner, cmd) != NULL && strcmp(owner, "the filter") != 0;
}

/* established_days from the shared settings (settings.h), else dflt. */
static long
shared_established_days(long dflt)
{
	struct settings st;
	opts_settings(&st);
	long days = st.established_days >= 0 ? st.established_days : dflt;
	settings_free(&st);
	return days;
}

static const char *
parse_options(int argc, char **argv, struct options *o, int *first_operand)
{
	*o = (struct options){.field = "domain",
			      .dates = DATE_ISO,
			      .established_days = ESTABLISHED_DAYS,
			      .seed_version = -1,
			      .limit = 100,
			      .progress = PROGRESS_AUTO};
	int used[16] = {0}, nused = 0, c, style;
	bool estab_given = false;
	while ((c = opts_next(&opts, argc, argv)) != -1) {
		if (option_owner(c) && nused < 16)
			used[nused++] = c;
		if (opts_common(&opts, c, &o->max_line, &o->progress))
			continue;
		if (opts_record(c, &o->field, &o->pass))
			continue;
		switch (c) {
		case OPT_DB:
			o->db = optarg;
			break;
		case OPT_DATES:
			if ((style = date_style_parse(optarg)) < 0)
				tool_die("invalid value for --date-format: '%s' (iso or http)",
					 optarg);
			o->dates = (enum date_style)style;
			break;
		case OPT_COMPAT:
			o->compat = true;
			break;
		case OPT_ESTAB:
			o->established_days = opt_long("established-days", optarg, 0, 100000);
			estab_given = true;
			break;
		case OPT_TAG:
			if (!*optarg)
				tool_die("invalid value for --tag: empty");
			o->tag = optarg;
			break;
		case OPT_NX:
			o->never_expire = true;
			break;
		case OPT_SEEDVER:
			o->seed_version = isc_version(optarg, strlen(optarg));
			if (o->seed_version < 0)
				tool_die("invalid value for --seed-version: '%s' (major.minor)",
					 optarg);
			break;
		case OPT_FORMAT:
			o->format = optarg;
			break;
		case OPT_OFFSET:
			o->offset = opt_long("offset", optarg, 0, 1L << 62);
			break;
		case OPT_LIMIT:
			o->limit = opt_long("limit", optarg, 1, BROWSE_MAX_LIMIT);
			break;
		case OPT_RESET:
			o->reset = true;
			break;
		default:
			opts_usage(&opts);
		}
	}
	/* the first operand names a subcommand, or else every operand is a file to filter (a
	 * file named like a subcommand is given as ./import) */
	const char *cmd = optind < argc && subcommand(argv[optind]) >= 0 ? argv[optind] : NULL;
	for (int i = 0; i < nused; i++) {
		if (!owner_allows(option_owner(used[i]), cmd)) {
			const char *name = "?";
			for (const struct option *lo = opts.longopts; lo->name; lo++)
				if (lo->val == used[i])
					name = lo->name;
			tool_warn("--%s only applies to %s", name, option_owner(used[i]));
			opts_usage(&opts);
		}
	}
	if (!estab_given)
		o->established_days = shared_established_days(ESTABLISHED_DAYS);
	*first_operand = optind;
	if (!cmd && optind < argc && !strpbrk(argv[optind], "./") && access(argv[optind], F_OK)) {
		tool_warn("unknown subcommand '%s' (and no such file)", argv[optind]);
		opts_usage(&opts);
	}
	if (!cmd)
		opts_files(argc, argv, &o->files, &o->nfiles, "seen-db get");
	return cmd;
}

struct store *
open_store(const struct options *o, int flags)
{
	struct buf why = BUF_INIT;
	struct store *s = store_open(o->db, flags, &why);
	if (!s)
		tool_die("%s", why.s);
	buf_free(&why);
	return s;
}

void
close_store(struct store *s)
{
	struct buf why = BUF_INIT;
	if (store_close(s, &why) < 0)
		tool_die("%s", why.s);
	buf_free(&why);
}

static void
on_signal(int sig)
{
	if (idle) {
		/* Nothing is pending: end now, the way the signal means. */
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	stop_signal = sig;
}

void
catch_signals(void)
{
	tool_on_stop_signal(on_signal);
}

void
die_of_signal(void)
{
	int sig = stop_signal;
	tool_finish(0);
	signal(sig, SIG_DFL);
	raise(sig);
	_exit(128 + sig);
}

const char *
category_of(int64_t created, int64_t now, long established_days)
{
	return now - created > (int64_t)established_days * 86400 ? "ESTABLISHED" : "NEW";
}

/* ---- the filter ---- */

/* Output waits for the commit of the batch that stored its records: a line that has been
 * written out is in the store, even after a kill -9. And right after a commit the batch's lines
 * are written out (not left in stdio's buffer): a kill -9 can lose only the lines of the batch
 * being committed at that instant. */
struct filter {
	const struct options *o;
	struct store *s;
	struct dname d;
	struct buf why, tmp, out;
	struct buf pending;	   /* output lines not yet written */
	size_t mark;		   /* where the open batch's lines start in pending */
	struct record first;	   /* the open batch's first record, as read */
	unsigned long batch_first; /* its line number; 0 when no batch is open */
	unsigned long lineno;
	unsigned long commits; /* store_commits when output was last flushed */
};

/* Hand what stdio holds to the kernel now. */
static void
flush_out(void)
{
	if (fflush(stdout) == 0)
		return;
	if (errno == EPIPE)
		_exit(0); /* a closed pipe ends us quietly, as in tool_out */
	tool_die("cannot write output: %s", strerror(errno));
}

/* Everything in pending is committed (or needed no write): write it out, and after a commit
 * flush, so that no committed first contact waits for more input to fill a buffer. */
static void
release(struct filter *f)
{
	if (f->pending.len)
		tool_out(f->pending.s, f->pending.len);
	buf_reset(&f->pending);
	f->mark = 0;
	if (!store_in_batch(f->s))
		f->batch_first = 0;
	unsigned long c = store_commits(f->s);
	if (c != f->commits) {
		f->commits = c;
		flush_out();
	}
}

/* The store failed (why). Lines before the open batch go out; the batch's first record goes
 * out with a not-stored error, and the later ones of the batch are named on stderr; exit 2. */
static void __attribute__((noreturn)) batch_failed(struct filter *f)
{
	unsigned long first = f->batch_first;
	if (first) {
		buf_truncate(&f->pending, f->mark);
		release(f);
		/* the failing line's message first, then the lines that went with it */
		rec_error_code(&f->first, "not-stored", "not stored: %s", f->why.s);
		rec_emit(&f->first);
		if (f->lineno > first)
			tool_warn("lines %lu to %lu were not stored either", first + 1, f->lineno);
	} else {
		release(f);
		tool_warn("%s", f->why.s);
	}
	exit(tool_finish(EXIT_FATAL));
}

/* The store failed on record r, which has not been emitted: keep what can be kept. */
static void __attribute__((noreturn)) record_failed(struct filter *f, struct record *r)
{
	struct buf why = BUF_INIT;
	buf_adds(&why, f->why.s);
	if (f->batch_first) {
		/* the records before r in the batch may still commit */
		if (store_commit_batch(f->s, &f->why) < 0)
			batch_failed(f);
		f->batch_first = 0;
	}
	release(f);
	rec_error_code(r, "not-stored", "not stored: %s", why.s);
	rec_emit(r);
	buf_free(&why);
	exit(tool_finish(EXIT_FATAL));
}

static void
emit(struct filter *f, const struct record *r)
{
	rec_format(r, &f->pending);
}

/* After each record: commit when a bound is reached, then let out what is committed. */
static void
settle(struct filter *f)
{
	if (store_maybe_commit(f->s, &f->why) < 0)
		batch_failed(f);
	if (store_in_batch(f->s) && f->pending.len > PENDING_MAX &&
	    store_commit_batch(f->s, &f->why) < 0)
		batch_failed(f);
	if (!store_in_batch(f->s))
		release(f);
}

static void
commit(struct filter *f)
{
	if (store_commit(f->s, &f->why) < 0)
		batch_failed(f);
	release(f);
}

/* Before the reader waits for input: commit, write out, and let a signal end us at once. */
static void
idle_hook(void *arg)
{
	struct filter *f = arg;
	commit(f);
	flush_out();
	idle = 1;
}

static void
py_strz(struct buf *b, const char *s)
{
	jsonw_str_ascii(b, s, strlen(s));
}

/* A string member of the input record, decoded; false if absent or not a string. */
static bool
get_str(const struct record *r, const char *key, struct buf *out)
{
	struct jspan v;
	if (!rec_get(r, key, &v) || v.n < 2 || v.p[0] != '"')
		return false;
	buf_reset(out);
	jscan_str_decode(v, out);
	return true;
}

static bool
is_freq_alert(const char *a)
{
	return !strcmp(a, "LOW-FREQ-SCORES") || !strcmp(a, "SUSPECT-FREQ-SCORE");
}

/* The alerts array in domain_stats' order: freq alerts, YOUR-FIRST-CONTACT, the rest. */
static void
compat_alerts(const struct record *r, struct buf *out)
{
	struct buf all = BUF_INIT, one = BUF_INIT; /* NUL-separated, input's first */
	struct jspan arr, el;
	if (rec_get(r, "alerts", &arr) && arr.n && arr.p[0] == '[') {
		size_t it = 0;
		while (jscan_array_next(arr, &it, &el)) {
			if (el.n < 2 || el.p[0] != '"')
				continue;
			buf_reset(&one);
			jscan_str_decode(el, &one);
			buf_add(&all, one.s, one.len + 1);
		}
	}
	for (size_t i = 0; i < r->alerts.len;) {
		const char *a = r->alerts.s + i;
		size_t n = strlen(a);
		bool dup = false;
		for (size_t j = 0; j < all.len; j += strlen(all.s + j) + 1)
			dup |= !strcmp(all.s + j, a);
		if (!dup)
			buf_add(&all, a, n + 1);
		i += n + 1;
	}
	buf_adds(out, "\"alerts\":[");
	bool first = true;
	for (int pass = 0; pass < 3; pass++) {
		for (size_t j = 0; j < all.len; j += strlen(all.s + j) + 1) {
			const char *a = all.s + j;
			int kind = is_freq_alert(a) ? 0 : !strcmp(a, FIRST_CONTACT) ? 1 : 2;
			if (kind != pass)
				continue;
			if (!first)
				buf_addc(out, ',');
			py_strz(out, a);
			first = false;
		}
	}
	buf_addc(out, ']');
	buf_free(&all);
	buf_free(&one);
}

/* freq_score as domain-freq put it on the record ([avg,word] or a string), else "ERROR". */
static void
compat_freq(const struct record *r, struct buf *out, struct buf *tmp)
{
	struct jspan v, a, b, extra;
	if (rec_get(r, "freq_score", &v) && v.n && v.p[0] == '[') {
		size_t it = 0;
		if (jscan_array_next(v, &it, &a) && jscan_array_next(v, &it, &b) &&
		    !jscan_array_next(v, &it, &extra) && a.n && b.n &&
		    strchr("-0123456789", a.p[0]) && strchr("-0123456789", b.p[0])) {
			buf_addc(out, '[');
			buf_add(out, a.p, a.n);
			buf_addc(out, ',');
			buf_add(out, b.p, b.n);
			buf_addc(out, ']');
			return;
		}
	} else if (get_str(r, "freq_score", tmp)) {
		jsonw_str_ascii(out, tmp->s, tmp->len);
		return;
	}
	buf_adds(out, "\"ERROR\"");
}

/* domain_stats' reply for a name with no registrable domain. */
static void
compat_error(struct filter *f, const struct record *r)
{
	buf_reset(&f->out);
	buf_adds(&f->out, "{\"alerts\":[");
	py_strz(&f->out, NO_ETLD);
	(void)r;
	buf_adds(&f->out,
		 "],\"category\":\"ERROR\",\"freq_score\":\"ERROR\",\"seen_by_isc\":\"ERROR\","
		 "\"seen_by_web\":\"ERROR\",\"seen_by_you\":\"ERROR\"}\n");
	buf_add(&f->pending, f->out.s, f->out.len);
}

/* The messages of domain-born's error entries on the input record, as alerts of r: where
 * domain_stats put the RDAP error text. */
static void
lookup_errors_as_alerts(struct record *r, struct buf *tmp)
{
	struct jspan arr, el, by, msg;
	if (!rec_get(r, "errors", &arr) || !arr.n || arr.p[0] != '[')
		return;
	for (size_t it = 0; jscan_array_next(arr, &it, &el);) {
		if (!el.n || el.p[0] != '{' || !jscan_get(el, "by", 2, &by) ||
		    !jscan_get(el, "msg", 3, &msg) || msg.n < 2 || msg.p[0] != '"' || by.n < 2 ||
		    by.p[0] != '"')
			continue;
		buf_reset(tmp);
		jscan_str_decode(by, tmp);
		if (strcmp(tmp->s, "domain-born"))
			continue;
		buf_reset(tmp);
		jscan_str_decode(msg, tmp);
		rec_alert(r, tmp->s);
	}
}

/* domain_stats' reply. With a registration date (the store's, or the input's seen_by_web from
 * domain-born): the category by established_days, the dates, and where the record came from.
 * Without one, the lookup failed (or none was made), and the reply is domain_stats' for an
 * RDAP failure: every date and the category "ERROR" (also what domain-born --compat wrote),
 * the error texts among the alerts. */
static void
compat_emit(struct filter *f, struct record *r, const struct seen_info *si, int64_t created,
	    int64_t now)
{
	struct buf *o = &f->out;
	if (created == DATE_UNKNOWN && get_str(r, "seen_by_web", &f->tmp) &&
	    date_parse_iso(f->tmp.s, f->tmp.len, &created) < 0 &&
	    date_parse_http(f->tmp.s, f->tmp.len, &created) < 0)
		created = DATE_UNKNOWN;
	bool known = created != DATE_UNKNOWN;
	if (!known)
		lookup_errors_as_alerts(r, &f->tmp);
	buf_reset(o);
	buf_addc(o, '{');
	compat_alerts(r, o);
	buf_adds(o, ",\"category\":");
	if (known)
		py_strz(o, category_of(created, now, f->o->established_days));
	else
		buf_adds(o, "\"ERROR\"");
	buf_adds(o, ",\"freq_score\":");
	compat_freq(r, o, &f->tmp);
	if (!known) {
		buf_adds(o, ",\"seen_by_isc\":\"ERROR\",\"seen_by_web\":\"ERROR\","
			    "\"seen_by_you\":\"ERROR\"}\n");
		buf_add(&f->pending, o->s, o->len);
		return;
	}
	buf_adds(o, ",\"seen_by_isc\":");
	py_strz(o, si->source ? si->source : "RDAP");
	buf_adds(o, ",\"seen_by_web\":\"");
	date_format(o, created, DATE_HTTP);
	buf_adds(o, "\",\"seen_by_you\":\"");
	date_format(o, si->first_seen, DATE_HTTP);
	buf_adds(o, "\"}\n");
	buf_add(&f->pending, o->s, o->len);
}

static void
set_date(struct record *r, const char *key, int64_t t, enum date_style style)
{
	struct buf *v = rec_set_begin(r, key);
	buf_addc(v, '"');
	date_format(v, t, style);
	buf_addc(v, '"');
	rec_set_end(r);
}

static void
see(struct filter *f, struct record *r)
{
	const struct options *o = f->o;
	if (!rec_require_name(r)) {
		if (o->compat && r->kind != REC_BLANK && r->kind != REC_PASS)
			compat_error(f, r);
		else
			emit(f, r);
		return;
	}
	int valid = dname_set(&f->d, r->name.s, r->name.len) == 0;
	if (!valid || !dname_registrable(&f->d)) {
		if (!valid)
			rec_error_code(r, "invalid-name", "invalid name: %s", f->d.invalid);
		else
			rec_error_code(r, "no-registrable-domain", "no registrable domain in '%s'",
				       f->d.text.s);
		if (o->compat)
			compat_error(f, r);
		else
			emit(f, r);
		return;
	}
	idn_annotate(r, &f->d);
	int64_t now = (int64_t)time(NULL);
	bool was_open = store_in_batch(f->s);
	unsigned long commits = store_commits(f->s);
	struct sighting sg;
	int fc = store_seen_sight(f->s, f->d.reg_ascii, now, "RDAP", &sg, &f->why);
	if (fc < 0)
		record_failed(f, r);
	if (store_commits(f->s) != commits) {
		/* It committed the batch open before this record (a full cache, an expiry seen):
		 * that batch's lines go out now; this record may open the next one. */
		release(f);
		f->batch_first = 0;
		was_open = false;
	}
	if (!was_open && store_in_batch(f->s)) {
		/* A batch begins with this record: remember it as read, for a failed commit. */
		f->batch_first = r->lineno;
		f->mark = f->pending.len;
		rec_copy(&f->first, r);
	}
	if (fc) {
		rec_alert(r, FIRST_CONTACT);
		store_counter_defer(f->s, "misses", 1);
		store_counter_defer(f->s, "first_contacts", 1);
	} else
		store_counter_defer(f->s, "hits", 1);
	bool web = sg.reg_known && !sg.reg_error && sg.reg_created != DATE_UNKNOWN;
	if (o->compat) {
		compat_emit(f, r, &sg.seen, web ? sg.reg_created : DATE_UNKNOWN, now);
	} else {
		set_date(r, "seen_by_you", sg.seen.first_seen, o->dates);
		rec_set_strz(r, "seen_by_isc", sg.seen.source);
		if (web) {
			set_date(r, "seen_by_web", sg.reg_created, o->dates);
			rec_set_strz(r, "category",
				     category_of(sg.reg_created, now, o->established_days));
		}
		emit(f, r);
	}
}

static int
filter(const struct options *o)
{
	struct filter f = {.o = o};
	f.s = open_store(o, 0);
	dname_init(&f.d);
	rec_init(&f.first);
	catch_signals();
	struct rec_reader in;
	struct record r;
	rec_reader_init(&in, STDIN_FILENO, o->field, o->max_line);
	rec_reader_files(&in, o->files, o->nfiles);
	if (o->pass)
		rec_reader_pass(&in, PASS_NAMES);
	in.lr.before_block = idle_hook;
	in.lr.arg = &f;
	rec_init(&r);
	int rc;
	unsigned long long n = 0;
	progress_init(o->progress);
	while ((rc = rec_read(&in, &r)) > 0) {
		idle = 0;
		f.lineno = r.lineno;
		see(&f, &r);
		settle(&f);
		if (stop_signal)
			break;
		progress_count(++n, "records");
	}
	idle = 0;
	commit(&f);
	progress_count_end(n, "records");
	close_store(f.s);
	if (stop_signal)
		die_of_signal();
	if (rc < 0)
		tool_die_read(&in.lr);
	dname_free(&f.d);
	rec_free(&r);
	rec_free(&f.first);
	rec_reader_free(&in);
	buf_free(&f.why);
	buf_free(&f.tmp);
	buf_free(&f.out);
	buf_free(&f.pending);
	return tool_finish(rec_status());
}

int
main(int argc, char **argv)
{
	struct options o;
	int first;
	tool_init("seen-db");
	const char *cmd = parse_options(argc, argv, &o, &first);
	if (o.compat)
		o.dates = DATE_HTTP;
	if (!cmd)
		return filter(&o);
	int i = subcommand(cmd);
	return subcommands[i].fn(&o, argc - first - 1, argv + first + 1);
}
