/* SPDX-License-Identifier: ISC */
/* --store: the enrichment view, a summary of the store seen-db and domain-born share (counts,
 * first contacts per day, NEW vs ESTABLISHED, RDAP outcomes, registries), read through
 * common/store.h in one walk with flat memory. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "date.h"
#include "stats.h"
#include "store.h"
#include "tool.h"
#include "xalloc.h"

#define DAYS		 14  /* first contacts per day over the last DAYS days */
#define ESTABLISHED_DAYS 730 /* domain-born's default --established-days */

struct walk {
	int64_t now, today; /* today: the start of the current UTC day */
	long long seen, live, never_expire, with_reg, fresh, established, age_unknown;
	long long per_day[DAYS], older;
	long long reg_ok, reg_none_server;
	struct names outcomes, registries;
	struct buf host;
};

/* The registry an RDAP server URL names: its host. */
static const char *
server_host(const char *url, struct buf *b)
{
	const char *p = strstr(url, "://");
	p = p ? p + 3 : url;
	size_t n = strcspn(p, "/:?#");
	buf_reset(b);
	buf_add(b, p, n);
	return buf_str(b);
}

static int
each(void *arg, const char *domain, const struct seen_info *si, const struct reg_info *ri)
{
	struct walk *w = arg;
	(void)domain;
	w->seen++;
	w->never_expire += si->never_expire;
	w->live += store_seen_is_live(si, ri, w->now); /* seen-db stats' own rule */
	int64_t day = si->first_seen >= w->today ? 0 : (w->today - si->first_seen + 86399) / 86400;
	if (day < DAYS)
		w->per_day[day]++;
	else
		w->older++;
	if (!ri || ri->created == DATE_UNKNOWN)
		w->age_unknown++;
	else if (w->now - ri->created <= (int64_t)ESTABLISHED_DAYS * 86400)
		w->fresh++;
	else
		w->established++;
	if (!ri)
		return 0;
	w->with_reg++;
	if (ri->error_code) {
		names_add(&w->outcomes, ri->error_code, strlen(ri->error_code));
	} else {
		w->reg_ok++;
		names_add(&w->outcomes, "ok", 2);
	}
	if (ri->server) {
		const char *host = server_host(ri->server, &w->host);
		names_add(&w->registries, host, strlen(host));
	} else {
		w->reg_none_server++;
	}
	return 0;
}

static long long
counter(struct store *s, const char *name)
{
	struct buf why = BUF_INIT;
	int64_t v = 0;
	if (store_counter_get(s, name, &v, &why) < 0)
		tool_die("cannot read the store: %s", why.s);
	buf_free(&why);
	return v;
}

void
store_report(const char *path, struct report *r, long ntop)
{
	struct buf why = BUF_INIT;
	struct store *s = store_open(path, STORE_READONLY, &why);
	if (!s)
		tool_die("%s", why.s);
	struct walk w;
	memset(&w, 0, sizeof w);
	w.now = (int64_t)time(NULL);
	w.today = w.now - w.now % 86400;
	if (store_seen_each(s, 0, -1, each, &w, &why) < 0)
		tool_die("cannot read the store '%s': %s", store_path(s), why.s);
	struct store_stats st;
	if (store_stats(s, w.now, &st, &why) < 0)
		tool_die("cannot read the store '%s': %s", store_path(s), why.s);
	long long hits = counter(s, "hits"), misses = counter(s, "misses"),
		  first = counter(s, "first_contacts"), good = counter(s, "rdap_good"),
		  fail = counter(s, "rdap_fail");

	r->records = w.seen;
	r->store = xstrdup(store_path(s));
	const char *sec = "Store";
	struct figure *f =
	    report_add_fig(&r->figs, &r->nfigs, "store_domains", "Domains in the store", sec,
			   FK_COUNTS, "domains seen", w.seen);
	fig_add_item(f, "live", "live (registration not expired)", w.live);
	fig_add_item(f, "never_expire", "kept for ever", w.never_expire);
	fig_add_item(f, "with_registration", "with registration data", w.with_reg);
	f = report_add_fig(&r->figs, &r->nfigs, "store_lookups", "Lookups by seen-db", sec,
			   FK_COUNTS, "lookups", hits + misses);
	fig_add_item(f, "hits", "known domain (hit)", hits);
	fig_add_item(f, "misses", "unknown domain (miss)", misses);
	fig_add_item(f, "first_contacts", "first contact", first);
	f = report_add_fig(&r->figs, &r->nfigs, "first_contacts_by_day",
			   "First contacts per day (UTC)", sec, FK_COUNTS, "domains seen", w.seen);
	for (int d = DAYS - 1; d >= 0; d--) {
		struct buf day = BUF_INIT;
		date_format(&day, w.today - (int64_t)d * 86400, DATE_ISO);
		buf_truncate(&day, 10);
		fig_add_item(f, day.s, day.s, w.per_day[d]);
		buf_free(&day);
	}
	fig_add_item(f, "older", "earlier", w.older);
	f = report_add_fig(&r->figs, &r->nfigs, "registration_age", "NEW vs ESTABLISHED", sec,
			   FK_DIST, "domains seen", w.seen);
	fig_add_item(f, "new", "NEW (registered at most 730 days ago)", w.fresh);
	fig_add_item(f, "established", "ESTABLISHED", w.established);
	fig_add_item(f, "unknown", "registration date unknown", w.age_unknown);
	f = report_add_fig(&r->figs, &r->nfigs, "rdap_results", "RDAP lookups by domain-born", sec,
			   FK_COUNTS, "RDAP lookups counted", good + fail);
	fig_add_item(f, "good", "succeeded", good);
	fig_add_item(f, "fail", "failed", fail);
	fig_top(&r->figs, &r->nfigs, "rdap_outcomes", "Registration lookups by outcome", sec,
		"seen domains with registration data", w.with_reg, &w.outcomes, 0, NULL, ntop);
	fig_top(&r->figs, &r->nfigs, "registries", "Top registries (RDAP servers)", sec,
		"seen domains with registration data", w.with_reg, &w.registries, w.reg_none_server,
		"no server recorded (whois, imports)", ntop);
	f = report_add_fig(&r->figs, &r->nfigs, "store_file", "Store file", sec, FK_COUNTS,
			   "rows in all", st.seen + st.registrations);
	fig_add_item(f, "seen", "seen rows", st.seen);
	fig_add_item(f, "registrations", "registration rows", st.registrations);
	fig_add_item(f, "reg_errors", "registration rows with an error", st.reg_errors);

	names_free(&w.outcomes);
	names_free(&w.registries);
	buf_free(&w.host);
	if (store_close(s, &why) < 0)
		tool_die("%s", why.s);
	buf_free(&why);
}
