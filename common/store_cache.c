/* SPDX-License-Identifier: ISC */
/* The store's sighting cache behind store_seen_sight: live domains served from memory with
 * their sightings counted there and written in batches; dropped whenever another process
 * changes the file. The first contact is still decided only by the insert under the lock. */
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "store.h"
#include "store_int.h"
#include "xalloc.h"

/* How many live domains the cache holds; how often it checks whether another process changed
 * the file. */
#define STORE_KNOWN_MAX	       (1u << 17)
#define STORE_VERSION_CHECK_MS 100

#define SQL_SEEN_LOOK                                                                              \
	"SELECT s.first_seen, s.last_seen, s.times_seen, s.source, s.never_expire, "               \
	"s.expires, r.domain IS NOT NULL, r.created, r.expires, "                                  \
	"r.error_code IS NOT NULL FROM seen s LEFT JOIN registration r "                           \
	"ON r.domain = s.domain WHERE s.domain = ?1"
#define SQL_SEEN_ADD_HITS                                                                          \
	"UPDATE seen SET times_seen = times_seen + ?2, "                                           \
	"last_seen = max(last_seen, ?3) WHERE domain = ?1"

static uint32_t
hash_str(const char *str)
{
	uint32_t h = 2166136261u;
	for (; *str; str++)
		h = (h ^ (unsigned char)*str) * 16777619u;
	return h;
}

static const char *
known_name(const struct store *s, const struct known *k)
{
	return s->cache.arena.s + k->domain;
}

/* The slot for domain: holding its entry, or the empty one where it would go. */
static uint32_t *
known_slot(struct store *s, const char *domain, uint32_t h)
{
	if (!s->cache.slots) {
		s->cache.nslots = 2 * STORE_KNOWN_MAX;
		s->cache.slots = xcalloc(s->cache.nslots, sizeof *s->cache.slots);
		s->cache.known = xmalloc(STORE_KNOWN_MAX * sizeof *s->cache.known);
	}
	for (size_t i = h & (s->cache.nslots - 1);; i = (i + 1) & (s->cache.nslots - 1)) {
		uint32_t *slot = &s->cache.slots[i];
		if (*slot == 0)
			return slot;
		const struct known *k = &s->cache.known[*slot - 1];
		if (k->hash == h && !strcmp(known_name(s, k), domain))
			return slot;
	}
}

static void
known_clear(struct store *s)
{
	if (s->cache.slots)
		memset(s->cache.slots, 0, s->cache.nslots * sizeof *s->cache.slots);
	s->cache.nknown = 0;
	s->cache.ndirty = 0;
	buf_reset(&s->cache.arena);
}

static const char *
intern(struct store *s, const char *str)
{
	for (size_t i = 0; i < s->cache.ninterned; i++)
		if (!strcmp(s->cache.interned[i], str))
			return s->cache.interned[i];
	s->cache.interned =
	    xrealloc(s->cache.interned, (s->cache.ninterned + 1) * sizeof *s->cache.interned);
	return s->cache.interned[s->cache.ninterned++] = xstrdup(str);
}

static int
cmp_known(const void *a, const void *b, void *arg)
{
	const struct store *s = arg;
	return strcmp(known_name(s, *(struct known *const *)a),
		      known_name(s, *(struct known *const *)b));
}

int
store_cache_write_hits(struct store *s, struct buf *why)
{
	sqlite3_stmt *q = store_stmt(s, ST_SEEN_ADD_HITS, SQL_SEEN_ADD_HITS, why);
	if (!q)
		return -1;
	struct known **dirty = xmalloc((s->cache.ndirty + 1) * sizeof *dirty);
	size_t n = 0;
	for (size_t i = 0; i < s->cache.nknown; i++)
		if (s->cache.known[i].delta)
			dirty[n++] = &s->cache.known[i];
	qsort_r(dirty, n, sizeof *dirty, cmp_known, s);
	int ret = 0;
	for (size_t i = 0; i < n && ret == 0; i++) {
		struct known *k = dirty[i];
		sqlite3_bind_text(q, 1, known_name(s, k), -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 2, k->delta);
		sqlite3_bind_int64(q, 3, k->pending_last);
		if (store_step_done(s, q, why) < 0)
			ret = -1;
		else {
			k->times_seen += k->delta;
			if (k->pending_last > k->last_seen)
				k->last_seen = k->pending_last;
			k->delta = 0;
			s->rows++;
		}
	}
	free(dirty);
	if (ret == 0)
		s->cache.ndirty = 0;
	return ret;
}

/* Read the row and its registration into k (not yet counting this sighting). 1, 0 none, -1. */
static int
look(struct store *s, const char *domain, struct known *k, struct buf *why)
{
	sqlite3_stmt *q = store_stmt(s, ST_SEEN_LOOK, SQL_SEEN_LOOK, why);
	if (!q)
		return -1;
	int ret = store_lookup_row(s, q, domain, why);
	if (ret == 1) {
		k->first_seen = sqlite3_column_int64(q, 0);
		k->last_seen = sqlite3_column_int64(q, 1);
		k->times_seen = sqlite3_column_int64(q, 2);
		k->source = intern(s, (const char *)sqlite3_column_text(q, 3));
		k->never_expire = sqlite3_column_int(q, 4) != 0;
		k->expires = store_col_time(q, 5);
		k->reg_known = sqlite3_column_int(q, 6) != 0;
		k->reg_created = store_col_time(q, 7);
		k->reg_expires = store_col_time(q, 8);
		k->reg_error = sqlite3_column_int(q, 9) != 0;
		k->live_until =
		    store_live_until(k->never_expire, k->expires,
				     k->reg_known ? k->reg_expires : DATE_UNKNOWN, k->reg_error);
		k->delta = 0;
		k->pending_last = k->last_seen;
	}
	return store_stmt_end(q, ret);
}

static void
sighting_from(struct sighting *out, const struct known *k)
{
	out->seen =
	    (struct seen_info){k->first_seen,
			       k->pending_last > k->last_seen ? k->pending_last : k->last_seen,
			       k->times_seen + k->delta,
			       k->source,
			       k->never_expire,
			       k->expires};
	out->reg_known = k->reg_known;
	out->reg_error = k->reg_error;
	out->reg_created = k->reg_created;
	out->reg_expires = k->reg_expires;
}

/* Lookups share one read transaction for up to STORE_VERSION_CHECK_MS (a transaction per
 * statement costs more than the lookup itself). At each renewal: has another connection
 * changed the file since we filled the cache? Then forget it. */
static int
renew_read(struct store *s, struct buf *why)
{
	if (s->in_batch)
		return 0;
	int64_t t = store_now_ms();
	if (s->in_read && t - s->read_start_ms < STORE_VERSION_CHECK_MS)
		return 0;
	store_end_read(s);
	sqlite3_stmt *q = store_stmt(s, ST_DATA_VERSION, "PRAGMA data_version", why);
	if (!q)
		return -1;
	int rc = sqlite3_step(q);
	int64_t v = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : -1;
	sqlite3_reset(q);
	if (rc != SQLITE_ROW)
		return store_fail_db(s, why, "cannot read", rc);
	if (v != s->cache.data_version) {
		if (s->cache.ndirty && store_commit(s, why) < 0)
			return -1;
		known_clear(s);
		s->cache.data_version = v;
	}
	if (store_exec(s, "BEGIN", "cannot read", why) < 0)
		return -1;
	s->in_read = true;
	s->read_start_ms = t;
	return 0;
}

int
store_seen_sight(struct store *s, const char *domain, int64_t now, const char *source,
		 struct sighting *out, struct buf *why)
{
	if (renew_read(s, why) < 0)
		return -1;
	uint32_t h = hash_str(domain);
	uint32_t *slot = known_slot(s, domain, h);
	struct known *k = *slot ? &s->cache.known[*slot - 1] : NULL;
	if (k && now <= k->live_until) {
		if (k->delta++ == 0)
			s->cache.ndirty++;
		if (now > k->pending_last)
			k->pending_last = now;
		sighting_from(out, k);
		return 0;
	}
	if (k && k->delta) {
		/* Its registration ran out while cached: write what was counted, then decide anew.
		 */
		if (store_commit(s, why) < 0)
			return -1;
	}
	struct known tmp;
	int rc = look(s, domain, &tmp, why);
	if (rc < 0)
		return -1;
	int first = 0;
	if (rc == 0 || now > tmp.live_until) {
		/* No live record: only the insert, under the write lock, decides the first contact.
		 * The batch stays open: the caller's store_maybe_commit closes it. */
		struct seen_info si;
		if (store_begin(s, why) < 0)
			return -1;
		s->rows++;
		sqlite3_stmt *ins = store_seen_insert_stmt(s, why);
		if (!ins)
			return -1;
		sqlite3_bind_text(ins, 1, domain, -1, SQLITE_STATIC);
		sqlite3_bind_int64(ins, 2, now);
		sqlite3_bind_text(ins, 3, source, -1, SQLITE_STATIC);
		first = store_step_seen(s, ins, &si, why);
		if (first < 0)
			return -1;
		rc = look(s, domain, &tmp, why);
		if (rc <= 0) {
			if (rc == 0)
				store_failf(why, "cannot write to", s->path,
					    "a sighting could not be recorded");
			return -1;
		}
	}
	if (!first) {
		tmp.delta = 1;
		tmp.pending_last = now > tmp.last_seen ? now : tmp.last_seen;
	}
	/* Keep it in memory; a full cache is written out and started again. */
	if (!k && s->cache.nknown >= STORE_KNOWN_MAX) {
		if (store_commit(s, why) < 0)
			return -1;
		known_clear(s);
		slot = known_slot(s, domain, h);
	}
	if (!k) {
		tmp.domain = s->cache.arena.len;
		buf_add(&s->cache.arena, domain, strlen(domain) + 1);
		tmp.hash = h;
		s->cache.known[s->cache.nknown] = tmp;
		*slot = (uint32_t)++s->cache.nknown;
		k = &s->cache.known[s->cache.nknown - 1];
	} else {
		tmp.domain = k->domain;
		tmp.hash = h;
		*k = tmp;
	}
	if (k->delta)
		s->cache.ndirty++;
	sighting_from(out, k);
	return first;
}

void
store_cache_free(struct store *s)
{
	free(s->cache.known);
	free(s->cache.slots);
	buf_free(&s->cache.arena);
	for (size_t i = 0; i < s->cache.ninterned; i++)
		free(s->cache.interned[i]);
	free(s->cache.interned);
}
