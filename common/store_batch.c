/* SPDX-License-Identifier: ISC */
/* The store's transactions: lock-fair batches (a writer that held the lock long leaves it free
 * for a moment, a contended one keeps its batches short), writes inside the open batch or in
 * their own, and the counters, some deferred to the next commit. */
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "store_int.h"
#include "xalloc.h"

/* After a batch that held the lock this long, the next one waits until the lock has been
 * free this long. */
#define STORE_YIELD_AFTER_MS 20
#define STORE_YIELD_MS	     3
/* A process that had to wait for the lock (busy_wait in store.c) keeps its batches this short
 * for a while, so the lock goes round several writers quickly. */
#define STORE_BATCH_MS_CONTENDED 20

#define SQL_COUNTER_ADD                                                                            \
	"INSERT INTO counters(name, value) VALUES (?1, ?2) ON CONFLICT(name) "                     \
	"DO UPDATE SET value = value + excluded.value"
#define SQL_COUNTER_SET                                                                            \
	"INSERT INTO counters(name, value) VALUES (?1, ?2) ON CONFLICT(name) "                     \
	"DO UPDATE SET value = excluded.value"
#define SQL_COUNTER_GET "SELECT value FROM counters WHERE name = ?1"

static int
flush_deferred(struct store *s, struct buf *why)
{
	for (size_t i = 0; i < s->ndefer; i++) {
		if (s->defer[i].delta == 0)
			continue;
		sqlite3_stmt *q = store_stmt(s, ST_COUNTER_ADD, SQL_COUNTER_ADD, why);
		if (!q)
			return -1;
		sqlite3_bind_text(q, 1, s->defer[i].name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 2, s->defer[i].delta);
		int rc = sqlite3_step(q);
		sqlite3_reset(q);
		sqlite3_clear_bindings(q);
		if (rc != SQLITE_DONE)
			return store_fail_db(s, why, "cannot write to", rc);
	}
	return 0;
}

static void
clear_deferred(struct store *s)
{
	for (size_t i = 0; i < s->ndefer; i++)
		s->defer[i].delta = 0;
}

/* End the read transaction store_seen_sight keeps open between writes. */
void
store_end_read(struct store *s)
{
	if (s->in_read) {
		sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
		s->in_read = false;
	}
}

int
store_begin(struct store *s, struct buf *why)
{
	if (s->in_batch)
		return 0;
	/* A write must start from the newest data, never upgrade an older snapshot. */
	store_end_read(s);
	/* Fairness: SQLite's lock has no queue, and a writer that commits and begins again at once
	 * can starve the others for longer than their busy timeout. After a long batch, leave the
	 * lock free for a few milliseconds: waiters poll every millisecond (busy_wait). */
	if (s->last_batch_long) {
		int64_t gap = store_now_ms() - s->last_commit_ms;
		if (gap < STORE_YIELD_MS)
			sqlite3_sleep((int)(STORE_YIELD_MS - gap));
		s->last_batch_long = false;
	}
	if (store_exec(s, "BEGIN IMMEDIATE", "cannot write to", why) < 0)
		return -1;
	s->in_batch = true;
	s->rows = 0;
	s->batch_start_ms = store_now_ms();
	return 0;
}

/* Commit the open batch with the deferred counters (opening one if only counters wait). */
static int
commit_batch(struct store *s, struct buf *why)
{
	store_end_read(s);
	if (!s->in_batch) {
		bool pending = false;
		for (size_t i = 0; i < s->ndefer; i++)
			pending |= s->defer[i].delta != 0;
		if (!pending)
			return 0;
		if (store_begin(s, why) < 0)
			return -1;
	}
	if (flush_deferred(s, why) < 0 || store_exec(s, "COMMIT", "cannot write to", why) < 0) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		s->in_batch = false;
		return -1;
	}
	clear_deferred(s);
	s->in_batch = false;
	s->commits++;
	s->last_commit_ms = store_now_ms();
	s->last_batch_long = s->last_commit_ms - s->batch_start_ms >= STORE_YIELD_AFTER_MS;
	return 0;
}

int
store_commit_batch(struct store *s, struct buf *why)
{
	return commit_batch(s, why);
}

int
store_commit(struct store *s, struct buf *why)
{
	if (s->cache.ndirty && (store_begin(s, why) < 0 || store_cache_write_hits(s, why) < 0)) {
		if (s->in_batch)
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		s->in_batch = false;
		return -1;
	}
	s->cache.hits_flushed_ms = store_now_ms();
	return commit_batch(s, why);
}

int
store_maybe_commit(struct store *s, struct buf *why)
{
	int64_t t = store_now_ms();
	if (s->cache.ndirty && t - s->cache.hits_flushed_ms >= STORE_HITS_MS)
		return store_commit(s, why);
	if (!s->in_batch)
		return 0;
	long ms = t < s->contended_until_ms && s->batch_ms > STORE_BATCH_MS_CONTENDED
		      ? STORE_BATCH_MS_CONTENDED
		      : s->batch_ms;
	if (s->rows < s->batch_rows && t - s->batch_start_ms < ms)
		return 0;
	return commit_batch(s, why);
}

bool
store_in_batch(const struct store *s)
{
	return s->in_batch;
}

unsigned long
store_commits(const struct store *s)
{
	return s->commits;
}

void
store_set_batch(struct store *s, long rows, long ms)
{
	s->batch_rows = rows;
	s->batch_ms = ms;
}

/* Run a write statement inside the current batch, or in its own transaction. */
int
store_write_begin(struct store *s, bool *own, struct buf *why)
{
	*own = !s->in_batch;
	if (*own && store_begin(s, why) < 0)
		return -1;
	s->rows++;
	return 0;
}

int
store_write_end(struct store *s, bool own, int ret, struct buf *why)
{
	if (!own)
		return ret;
	if (ret < 0) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		s->in_batch = false;
		return ret;
	}
	return store_commit(s, why) < 0 ? -1 : ret;
}

int
store_counter_add(struct store *s, const char *name, int64_t delta, struct buf *why)
{
	bool own;
	sqlite3_stmt *q = store_stmt(s, ST_COUNTER_ADD, SQL_COUNTER_ADD, why);
	if (!q || store_write_begin(s, &own, why) < 0)
		return -1;
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, delta);
	return store_write_end(s, own, store_step_done(s, q, why), why);
}

int
store_counter_set(struct store *s, const char *name, int64_t value, struct buf *why)
{
	bool own;
	sqlite3_stmt *q = store_stmt(s, ST_COUNTER_SET, SQL_COUNTER_SET, why);
	if (!q || store_write_begin(s, &own, why) < 0)
		return -1;
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, value);
	return store_write_end(s, own, store_step_done(s, q, why), why);
}

void
store_counter_defer(struct store *s, const char *name, int64_t delta)
{
	for (size_t i = 0; i < s->ndefer; i++) {
		if (!strcmp(s->defer[i].name, name)) {
			s->defer[i].delta += delta;
			return;
		}
	}
	s->defer = xrealloc(s->defer, (s->ndefer + 1) * sizeof *s->defer);
	s->defer[s->ndefer].name = xstrdup(name);
	s->defer[s->ndefer].delta = delta;
	s->ndefer++;
}

int
store_counter_get(struct store *s, const char *name, int64_t *v, struct buf *why)
{
	sqlite3_stmt *q = store_stmt(s, ST_COUNTER_GET, SQL_COUNTER_GET, why);
	if (!q)
		return -1;
	int ret = store_lookup_row(s, q, name, why);
	*v = ret == 1 ? sqlite3_column_int64(q, 0) : 0;
	return store_stmt_end(q, ret);
}
