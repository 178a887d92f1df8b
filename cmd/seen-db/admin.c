/* SPDX-License-Identifier: ISC */
/* seen-db's admin subcommands that read or maintain the store: export, get, browse, stats,
 * expire, vacuum, depuny. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "date.h"
#include "dname.h"
#include "freq.h"
#include "idn.h"
#include "jsonw.h"
#include "lineio.h"
#include "seen-db.h"
#include "store.h"
#include "tool.h"
#include "utf8.h"

static void
put_date(struct buf *b, const char *key, int64_t t, enum date_style style)
{
	jsonw_key(b, key);
	if (t == DATE_UNKNOWN) {
		buf_adds(b, "null");
		return;
	}
	buf_addc(b, '"');
	date_format(b, t, style);
	buf_addc(b, '"');
}

static void
put_str(struct buf *b, const char *key, const char *s)
{
	jsonw_key(b, key);
	if (s)
		jsonw_strz(b, s);
	else
		buf_adds(b, "null");
}

void
format_row(struct buf *out, const char *domain, const struct seen_info *si,
	   const struct reg_info *ri, enum date_style dates, int64_t now, bool with_live)
{
	buf_addc(out, '{');
	put_str(out, "domain", domain);
	put_str(out, "source", si->source);
	put_date(out, "first_seen", si->first_seen, dates);
	put_date(out, "last_seen", si->last_seen, dates);
	jsonw_key(out, "times_seen");
	jsonw_int(out, si->times_seen);
	jsonw_key(out, "never_expire");
	buf_adds(out, si->never_expire ? "true" : "false");
	put_date(out, "expires", si->expires, dates);
	if (with_live) {
		jsonw_key(out, "live");
		bool live = store_seen_is_live(si, ri, now);
		buf_adds(out, live ? "true" : "false");
	}
	if (ri) {
		jsonw_key(out, "registration");
		buf_addc(out, '{');
		put_str(out, "source", ri->source);
		put_date(out, "created", ri->created, dates);
		put_date(out, "expires", ri->expires, dates);
		put_str(out, "server", ri->server);
		put_date(out, "fetched", ri->fetched, dates);
		if (ri->error_code || ri->error_msg) {
			put_str(out, "error_code", ri->error_code);
			put_str(out, "error_msg", ri->error_msg);
		}
		put_date(out, "valid_until",
			 ri->valid_until == INT64_MAX ? DATE_UNKNOWN : ri->valid_until, dates);
		/* what the ISC service said, so that export | import carries it to another store */
		if (ri->isc_seen)
			put_date(out, "isc_seen", ri->isc_seen, dates);
		if (ri->alerts) {
			jsonw_key(out, "alerts");
			buf_addc(out, '[');
			for (const char *a = ri->alerts, *nl; *a; a = nl + (*nl != '\0')) {
				nl = a + strcspn(a, "\n");
				if (a != ri->alerts)
					buf_addc(out, ',');
				jsonw_str(out, a, (size_t)(nl - a));
			}
			buf_addc(out, ']');
		}
		buf_addc(out, '}');
	}
	buf_addc(out, '}');
}

struct walk {
	const struct options *o;
	struct buf line;
	int64_t now;
	struct freq_table *freq;
	struct dname d;
	long n, skipped;
};

static int
row_ndjson(void *arg, const char *domain, const struct seen_info *si, const struct reg_info *ri)
{
	struct walk *w = arg;
	buf_reset(&w->line);
	format_row(&w->line, domain, si, ri, w->o->dates, w->now, false);
	buf_addc(&w->line, '\n');
	tool_out(w->line.s, w->line.len);
	w->n++;
	if (stop_signal)
		return 1;
	return 0;
}

/* One element of domain_stats' export array (utils.py -e): json.dumps separators, its key
 * order, expires as a float, freq_score recomputed with our table. Only records whose
 * registration date is known: the original exported no ERROR records, and its importer
 * cannot read them. */
static int
row_domain_stats(void *arg, const char *domain, const struct seen_info *si,
		 const struct reg_info *ri)
{
	struct walk *w = arg;
	if (!ri || ri->created == DATE_UNKNOWN || ri->error_code) {
		w->skipped++;
		return stop_signal ? 1 : 0;
	}
	buf_reset(&w->line);
	buf_adds(&w->line, w->n ? ", {\"domain\": " : "{\"domain\": ");
	char *uni = strstr(domain, "xn--") ? dname_to_unicode(domain) : NULL;
	jsonw_str_ascii(&w->line, domain, strlen(domain));
	int64_t exp = si->never_expire ? DATE_UNKNOWN : si->expires;
	if (exp == DATE_UNKNOWN)
		buf_adds(&w->line, ", \"expires\": null");
	else
		buf_addf(&w->line, ", \"expires\": %lld.0", (long long)exp);
	const char *scored = uni ? uni : domain;
	double avg, word;
	freq_score(w->freq, scored, strlen(scored), &avg, &word);
	buf_adds(&w->line, ", \"freq_score\": [");
	jsonw_round(&w->line, avg, 4);
	buf_adds(&w->line, ", ");
	jsonw_round(&w->line, word, 4);
	buf_adds(&w->line, "], \"seen_by_isc\": ");
	jsonw_str_ascii(&w->line, si->source, strlen(si->source));
	buf_adds(&w->line, ", \"seen_by_web\": \"");
	date_format(&w->line, ri->created, DATE_HTTP);
	buf_adds(&w->line, "\"}");
	tool_out(w->line.s, w->line.len);
	free(uni);
	w->n++;
	return stop_signal ? 1 : 0;
}

static void
no_operands(const char *cmd, int argc)
{
	if (argc > 0)
		tool_die("%s takes no operands", cmd);
}

int
cmd_export(const struct options *o, int argc, char **argv)
{
	(void)argv;
	no_operands("export", argc);
	bool ds = false;
	if (o->format && !strcmp(o->format, "domain-stats"))
		ds = true;
	else if (o->format && strcmp(o->format, "ndjson"))
		tool_die("invalid value for --format: '%s' (ndjson or domain-stats)", o->format);
	struct store *s = open_store(o, STORE_READONLY);
	catch_signals();
	struct walk w = {.o = o, .now = (int64_t)time(NULL)};
	struct freq_table table;
	if (ds) {
		freq_init(&table);
		char *path = share_path("freq/domstat.freq");
		struct buf why = BUF_INIT;
		if (!path)
			tool_die("cannot find the frequency table freq/domstat.freq (set "
				 "DOMSTAT_SHARE)");
		if (freq_load(&table, path, &why) < 0)
			tool_die("cannot load table: %s", why.s);
		free(path);
		buf_free(&why);
		w.freq = &table;
		tool_out("[", 1);
	}
	struct buf why = BUF_INIT;
	int rc = store_seen_each(s, 0, -1, ds ? row_domain_stats : row_ndjson, &w, &why);
	if (rc < 0)
		tool_die("%s", why.s);
	if (ds) {
		tool_out("]\n", 2);
		if (w.skipped)
			tool_warn("%ld records without a known registration date were not exported",
				  w.skipped);
		freq_free(&table);
	}
	close_store(s);
	buf_free(&why);
	buf_free(&w.line);
	if (stop_signal)
		die_of_signal();
	return tool_finish(0);
}

/* The registrable domain of a name given on the command line, or the end with status 2. */
static const char *
reduce_operand(struct dname *d, const char *name)
{
	if (dname_set(d, name, strlen(name)) < 0)
		tool_die("invalid name '%s': %s", name, d->invalid);
	if (!dname_registrable(d))
		tool_die("no registrable domain in '%s'", name);
	return d->reg_ascii;
}

int
cmd_get(const struct options *o, int argc, char **argv)
{
	if (argc != 1)
		tool_die("get takes one name");
	struct dname d;
	dname_init(&d);
	const char *dom = reduce_operand(&d, argv[0]);
	struct store *s = open_store(o, STORE_READONLY);
	struct buf why = BUF_INIT, line = BUF_INIT, src = BUF_INIT;
	struct seen_info si;
	struct reg_info ri;
	int found = store_seen_get(s, dom, &si, &why);
	if (found < 0)
		tool_die("%s", why.s);
	int status = 0;
	if (found) {
		buf_adds(&src, si.source);
		si.source = src.s;
		int reg = store_reg_get(s, dom, &ri, &why);
		if (reg < 0)
			tool_die("%s", why.s);
		format_row(&line, dom, &si, reg ? &ri : NULL, o->dates, (int64_t)time(NULL), true);
		buf_addc(&line, '\n');
		tool_out(line.s, line.len);
	} else {
		tool_warn("'%s' is not in the store '%s'", dom, store_path(s));
		status = 1;
	}
	close_store(s);
	dname_free(&d);
	buf_free(&why);
	buf_free(&line);
	buf_free(&src);
	return tool_finish(status);
}

int
cmd_browse(const struct options *o, int argc, char **argv)
{
	(void)argv;
	no_operands("browse", argc);
	struct store *s = open_store(o, STORE_READONLY);
	struct walk w = {.o = o, .now = (int64_t)time(NULL)};
	struct buf why = BUF_INIT;
	if (store_seen_each(s, o->offset, o->limit, row_ndjson, &w, &why) < 0)
		tool_die("%s", why.s);
	close_store(s);
	buf_free(&why);
	buf_free(&w.line);
	return tool_finish(0);
}

static const char *const resettable[] = {"hits", "misses", "rdap_good", "rdap_fail"};

int
cmd_stats(const struct options *o, int argc, char **argv)
{
	(void)argv;
	no_operands("stats", argc);
	struct store *s = open_store(o, o->reset ? 0 : STORE_READONLY);
	struct buf why = BUF_INIT, out = BUF_INIT, check = BUF_INIT;
	int64_t now = (int64_t)time(NULL);
	/* The integrity check first, outside any write lock: in WAL mode it blocks nobody. */
	if (store_check(s, &check, &why) < 0)
		tool_die("%s", why.s);
	/* Reading and resetting the counters in one transaction loses no increment. */
	if (o->reset && store_begin(s, &why) < 0)
		tool_die("%s", why.s);
	struct store_stats st;
	if (store_stats(s, now, &st, &why) < 0)
		tool_die("%s", why.s);
	static const char *const names[] = {"first_contacts", "hits", "misses", "rdap_good",
					    "rdap_fail"};
	int64_t v[5], reset_at;
	for (int i = 0; i < 5; i++)
		if (store_counter_get(s, names[i], &v[i], &why) < 0)
			tool_die("%s", why.s);
	int has_reset = store_counter_get(s, "reset_at", &reset_at, &why);
	if (has_reset < 0)
		tool_die("%s", why.s);
	if (o->reset) {
		for (size_t i = 0; i < sizeof resettable / sizeof resettable[0]; i++)
			if (store_counter_set(s, resettable[i], 0, &why) < 0)
				tool_die("%s", why.s);
		if (store_counter_set(s, "reset_at", now, &why) < 0 || store_commit(s, &why) < 0)
			tool_die("%s", why.s);
	}
	buf_addc(&out, '{');
	put_str(&out, "store", store_path(s));
	jsonw_key(&out, "domains");
	jsonw_int(&out, st.seen);
	jsonw_key(&out, "live");
	jsonw_int(&out, st.live);
	jsonw_key(&out, "never_expire");
	jsonw_int(&out, st.never_expire);
	jsonw_key(&out, "registrations");
	jsonw_int(&out, st.registrations);
	jsonw_key(&out, "registration_errors");
	jsonw_int(&out, st.reg_errors);
	for (int i = 0; i < 5; i++) {
		jsonw_key(&out, names[i]);
		jsonw_int(&out, v[i]);
	}
	put_date(&out, "since", has_reset ? reset_at : DATE_UNKNOWN, o->dates);
	jsonw_key(&out, "bytes");
	jsonw_int(&out, st.file_bytes);
	put_str(&out, "integrity", check.s);
	if (o->reset)
		buf_adds(&out, ",\"reset\":true");
	buf_adds(&out, "}\n");
	tool_out(out.s, out.len);
	bool ok = !strcmp(check.s, "ok");
	if (!ok)
		tool_warn("integrity check of '%s' failed: %s", store_path(s), check.s);
	close_store(s);
	buf_free(&why);
	buf_free(&out);
	buf_free(&check);
	return tool_finish(ok ? 0 : 1);
}

int
cmd_expire(const struct options *o, int argc, char **argv)
{
	(void)argv;
	no_operands("expire", argc);
	struct store *s = open_store(o, 0);
	struct buf why = BUF_INIT, out = BUF_INIT;
	int64_t nseen = 0, nreg = 0;
	if (store_expire(s, (int64_t)time(NULL), &nseen, &nreg, &why) < 0)
		tool_die("%s", why.s);
	buf_addf(&out, "{\"expired\":%lld,\"registrations_removed\":%lld}\n", (long long)nseen,
		 (long long)nreg);
	tool_out(out.s, out.len);
	close_store(s);
	buf_free(&why);
	buf_free(&out);
	return tool_finish(0);
}

int
cmd_vacuum(const struct options *o, int argc, char **argv)
{
	(void)argv;
	no_operands("vacuum", argc);
	struct store *s = open_store(o, 0);
	struct buf why = BUF_INIT;
	if (store_vacuum(s, &why) < 0)
		tool_die("%s", why.s);
	close_store(s);
	buf_free(&why);
	return tool_finish(0);
}

static int
depuny_one(const char *name, size_t n, struct buf *line)
{
	char *z = strndup(name, n);
	char *u = z ? dname_to_unicode(z) : NULL;
	int bad = 0;
	buf_reset(line);
	if (u) {
		buf_adds(line, u);
		buf_addc(line, '\n');
		tool_out(line->s, line->len);
		/* the look-alike is the reason to ask: say so where the answer is read */
		const char *why = idn_mixed_script(u, strlen(u));
		if (why)
			tool_warn("%s: '%s' (%s): %s", IDN_ALERT, u, z, why);
	} else {
		tool_warn("cannot decode '%s'", z ? z : "");
		bad = 1;
	}
	free(u);
	free(z);
	return bad;
}

int
cmd_depuny(const struct options *o, int argc, char **argv)
{
	(void)o;
	struct buf line = BUF_INIT;
	int bad = 0;
	if (argc > 0) {
		for (int i = 0; i < argc; i++)
			bad |= depuny_one(argv[i], strlen(argv[i]), &line);
	} else {
		struct linereader lr;
		lr_init(&lr, STDIN_FILENO, 0);
		const char *l;
		size_t n;
		bool too_long;
		int rc;
		while ((rc = lr_next(&lr, &l, &n, &too_long)) > 0)
			if (n && !memchr(l, '\0', n))
				bad |= depuny_one(l, n, &line);
			else if (n)
				bad = 1, tool_warn("line %lu: cannot decode", lr.lineno);
		if (rc < 0)
			tool_die("cannot read input: %s", strerror(lr.error));
		lr_free(&lr);
	}
	buf_free(&line);
	return tool_finish(bad ? EXIT_RECORD_ERRORS : 0);
}
