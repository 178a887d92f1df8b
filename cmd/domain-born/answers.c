/* SPDX-License-Identifier: ISC */
/* The answer cache in front of the store: recent answers in memory, how long an answer stays
 * fresh, and the store's registration rows read and written in the form later records get. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "born.h"
#include "isc.h"
#include "store.h"
#include "tool.h"
#include "xalloc.h"

void
db_failed(struct born *b, struct buf *why)
{
	if (!b->db_warned)
		tool_warn("%s (the cache is not updated)", why->s);
	b->db_warned = true;
	buf_reset(why);
}

void
db_tick(struct born *b)
{
	struct buf why = BUF_INIT;
	if (b->db && store_maybe_commit(b->db, &why) < 0)
		db_failed(b, &why);
	buf_free(&why);
}

/* Recent answers in memory, so repeated names cost no database read: a fixed-size table of
 * 4-way sets (a newer name replaces one in its set, round robin), so memory stays fixed. */
#define MEMO_WAYS 4
#define MEMO_SIZE (16384 * MEMO_WAYS)

/* The set for domain, and in *hit the entry holding it (or NULL). */
static struct memo *
memo_set(struct born *b, const char *domain, struct memo **hit)
{
	if (!b->memo)
		b->memo = xcalloc(MEMO_SIZE, sizeof *b->memo);
	uint64_t h = 1469598103934665603ULL;
	for (const char *p = domain; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	struct memo *set = &b->memo[(h % (MEMO_SIZE / MEMO_WAYS)) * MEMO_WAYS];
	*hit = NULL;
	for (int i = 0; i < MEMO_WAYS; i++)
		if (set[i].domain && !strcmp(set[i].domain, domain))
			*hit = &set[i];
	return set;
}

static void
memo_put(struct born *b, const char *domain, const struct result *r, int64_t valid_until)
{
	struct memo *m, *set = memo_set(b, domain, &m);
	if (!m) {
		for (int i = 0; i < MEMO_WAYS && !m; i++)
			if (!set[i].domain)
				m = &set[i];
		if (!m)
			m = &set[b->memo_victim++ % MEMO_WAYS];
		free(m->domain);
		m->domain = xstrdup(domain);
	}
	result_copy(&m->res, r);
	m->valid_until = valid_until;
}

void
memo_free(struct born *b)
{
	for (size_t i = 0; b->memo && i < MEMO_SIZE; i++) {
		free(b->memo[i].domain);
		result_free(&b->memo[i].res);
	}
	free(b->memo);
	b->memo = NULL;
}

/* How long an outcome stays fresh; 0 = do not store it. */
static int64_t
valid_until(struct born *b, const struct result *r, int64_t now)
{
	if (r->keep_until)
		return r->keep_until < 0 ? 0 : r->keep_until;
	if (r->ok && r->created != DATE_UNKNOWN) {
		int64_t vu = now + b->opt.ttl_max;
		if (r->expires == DATE_UNKNOWN) {
			if (now + b->opt.ttl_no_expiry < vu)
				vu = now + b->opt.ttl_no_expiry;
		} else if (r->expires <= now) {
			vu = now + b->opt.ttl_error; /* the registry may not have caught up */
		} else if (r->expires < vu) {
			vu = r->expires;
		}
		/* ask again when a NEW domain turns ESTABLISHED */
		int64_t turns = r->created + (int64_t)b->opt.established_days * DAY + 1;
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
		return now + b->opt.ttl_not_found;
	return now + b->opt.ttl_error;
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

void
cache_put(struct born *b, const char *domain, const struct result *r, const char *server)
{
	if (!b->db)
		return;
	int64_t now = now_s(b);
	struct buf why = BUF_INIT;
	bool from_isc = !strcmp(r->source, "ISC");
	store_counter_defer(b->db,
			    result_good(r) ? (from_isc ? "isc_good" : "rdap_good")
					   : (from_isc ? "isc_fail" : "rdap_fail"),
			    1);
	int64_t vu = valid_until(b, r, now);
	if (vu > now) {
		struct result kept;
		struct buf lines = BUF_INIT;
		result_init(&kept);
		cached_form(r, &kept, &lines);
		memo_put(b, domain, &kept, vu);
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
		if ((!store_in_batch(b->db) && store_begin(b->db, &why) < 0) ||
		    store_reg_put(b->db, domain, &ri, &why) < 0)
			db_failed(b, &why);
		result_free(&kept);
		buf_free(&lines);
	}
	buf_free(&why);
}

int
cache_get(struct born *b, const char *domain, struct result *r)
{
	if (!b->db)
		return 0;
	struct memo *m;
	memo_set(b, domain, &m);
	if (m && (b->opt.offline || now_s(b) < m->valid_until)) {
		result_copy(r, &m->res);
		b->isc.cache[0]++;
		return 1;
	}
	b->isc.cache[m ? 2 : 1]++;
	struct reg_info ri;
	struct buf why = BUF_INIT;
	int rc = store_reg_get(b->db, domain, &ri, &why);
	if (rc < 0) {
		if (b->opt.offline) {
			result_fail(r, "store-unreadable", "%s", why.s);
			b->store_unreadable = true;
		} else {
			tool_warn("%s", why.s);
		}
		buf_free(&why);
		return -1;
	}
	buf_free(&why);
	if (rc == 0 || (!b->opt.offline && now_s(b) >= ri.valid_until) ||
	    /* rows of the run's first second count as old: a run can tell no finer; an ISC
	       error kept permanently is never asked again */
	    (b->opt.refresh && ri.fetched <= b->run_started && ri.valid_until != STORE_PERMANENT)) {
		b->isc.database[1]++;
		return 0;
	}
	b->isc.database[0]++;
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
	memo_put(b, domain, r, ri.valid_until);
	return 1;
}
