/* SPDX-License-Identifier: ISC */
/* The store's seen table: sightings, imports, the walk behind export, expiry and statistics,
 * and the rule that says whether a seen row is still live, written once (store_live_until)
 * and reached from SQL as a function of the same name. */
#include <sqlite3.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "date.h"
#include "store.h"
#include "store_int.h"

int64_t
store_live_until(bool never_expire, int64_t expires, int64_t reg_expires, bool reg_error)
{
	/* A record is live if it never expires, its expiry is unknown, or the later of its own
	 * expiry and its registration's (a renewal domain-born learned of) is still ahead; a
	 * registration that is an error says nothing of dates. */
	if (never_expire || expires == DATE_UNKNOWN)
		return INT64_MAX;
	if (!reg_error && reg_expires != DATE_UNKNOWN && reg_expires > expires)
		return reg_expires;
	return expires;
}

static int64_t
arg_time(sqlite3_value *v)
{
	return sqlite3_value_type(v) == SQLITE_NULL ? DATE_UNKNOWN : sqlite3_value_int64(v);
}

/* store_live_until(never_expire, expires, registration.expires, registration is an error) */
static void
sql_live_until(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	sqlite3_result_int64(ctx,
			     store_live_until(sqlite3_value_int(argv[0]) != 0, arg_time(argv[1]),
					      arg_time(argv[2]), sqlite3_value_int(argv[3]) != 0));
}

int
store_register_functions(struct store *s, struct buf *why)
{
	int rc = sqlite3_create_function(s->db, "store_live_until", 4,
					 SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
					 NULL, sql_live_until, NULL, NULL);
	return rc == SQLITE_OK ? 0 : store_fail_db(s, why, "cannot open", rc);
}

/* The seen rows with their registrations, as s and r, and the live rule over them (?2 now):
 * every statement that asks whether a row is live says it with these two. */
#define SEEN_REG "seen s LEFT JOIN registration r ON r.domain = s.domain"
#define LIVE                                                                                       \
	"store_live_until(s.never_expire, s.expires, r.expires, r.error_code IS NOT NULL) >= ?2"
/* ?1 domain: its row is live. */
#define LIVE_ROW "EXISTS (SELECT 1 FROM " SEEN_REG " WHERE s.domain = ?1 AND " LIVE ")"

#define SEEN_COLS "first_seen, last_seen, times_seen, source, never_expire, expires"
#define SQL_SEEN_UPDATE                                                                            \
	"UPDATE seen SET last_seen = max(last_seen, ?2), times_seen = times_seen + 1 "             \
	"WHERE domain = ?1 AND " LIVE_ROW " RETURNING " SEEN_COLS
/* Inserts a new row, or replaces one that is no longer live; does nothing (no row returned)
 * when a live row exists. Only the process whose statement returns a row made the first
 * contact: the decision is taken under the database's write lock. A new row takes the
 * registration's expiry when that is known and still ahead. */
#define SQL_SEEN_INSERT                                                                            \
	"INSERT INTO seen(domain, " SEEN_COLS ") VALUES (?1, ?2, ?2, 1, ?3, 0, "                   \
	"(SELECT r.expires FROM registration r WHERE r.domain = ?1 AND "                           \
	"r.error_code IS NULL AND r.expires >= ?2)) "                                              \
	"ON CONFLICT(domain) DO UPDATE SET first_seen = excluded.first_seen, "                     \
	"last_seen = excluded.last_seen, times_seen = 1, source = excluded.source, "               \
	"never_expire = 0, expires = excluded.expires WHERE NOT " LIVE_ROW " RETURNING " SEEN_COLS
#define SQL_SEEN_GET "SELECT " SEEN_COLS " FROM seen WHERE domain = ?1"
/* ?2 first_seen and ?3 last_seen may be NULL: now (?8) for a new row, an existing row keeps
 * its own, so importing the same file again changes nothing. */
#define SQL_SEEN_IMPORT                                                                            \
	"INSERT INTO seen(domain, " SEEN_COLS ") VALUES (?1, coalesce(?2, ?8), "                   \
	"coalesce(?3, ?2, ?8), ?4, ?5, ?6, ?7) "                                                   \
	"ON CONFLICT(domain) DO UPDATE SET "                                                       \
	"first_seen = min(first_seen, coalesce(?2, first_seen)), "                                 \
	"last_seen = max(last_seen, coalesce(?3, last_seen)), "                                    \
	"times_seen = max(times_seen, excluded.times_seen), "                                      \
	"source = excluded.source, never_expire = excluded.never_expire, "                         \
	"expires = coalesce(excluded.expires, expires)"

sqlite3_stmt *
store_seen_insert_stmt(struct store *s, struct buf *why)
{
	return store_stmt(s, ST_SEEN_INSERT, SQL_SEEN_INSERT, why);
}

void
store_read_seen(struct store *s, sqlite3_stmt *q, int col, struct seen_info *out)
{
	out->first_seen = sqlite3_column_int64(q, col);
	out->last_seen = sqlite3_column_int64(q, col + 1);
	out->times_seen = sqlite3_column_int64(q, col + 2);
	out->source = store_col_text(s, q, col + 3, 0);
	out->never_expire = sqlite3_column_int(q, col + 4) != 0;
	out->expires = store_col_time(q, col + 5);
}

int
store_step_seen(struct store *s, sqlite3_stmt *q, struct seen_info *out, struct buf *why)
{
	int rc = sqlite3_step(q), ret = 0;
	if (rc == SQLITE_ROW) {
		store_read_seen(s, q, 0, out);
		ret = 1;
		rc = sqlite3_step(q); /* finish the statement so its change is complete */
	}
	if (rc != SQLITE_DONE)
		ret = store_fail_db(s, why, "cannot write to", rc);
	return store_stmt_end(q, ret);
}

int
store_seen_touch(struct store *s, const char *domain, int64_t now, const char *source,
		 struct seen_info *out, struct buf *why)
{
	bool own;
	sqlite3_stmt *upd = store_stmt(s, ST_SEEN_UPDATE, SQL_SEEN_UPDATE, why),
		     *ins = store_seen_insert_stmt(s, why);
	if (!upd || !ins || store_write_begin(s, &own, why) < 0)
		return -1;
	int ret = -1;
	/* Under the batch's write lock no other process can change the row between the two
	 * statements; the loop only guards against the impossible. */
	for (int tries = 0; tries < 2; tries++) {
		sqlite3_bind_text(upd, 1, domain, -1, SQLITE_STATIC);
		sqlite3_bind_int64(upd, 2, now);
		int rc = store_step_seen(s, upd, out, why);
		if (rc != 0) {
			ret = rc < 0 ? -1 : 0;
			break;
		}
		sqlite3_bind_text(ins, 1, domain, -1, SQLITE_STATIC);
		sqlite3_bind_int64(ins, 2, now);
		sqlite3_bind_text(ins, 3, source, -1, SQLITE_STATIC);
		rc = store_step_seen(s, ins, out, why);
		if (rc != 0) {
			ret = rc;
			break;
		}
	}
	if (ret == -1 && why && why->len == 0)
		store_failf(why, "cannot write to", s->path, "a sighting could not be recorded");
	return store_write_end(s, own, ret, why);
}

int
store_seen_get(struct store *s, const char *domain, struct seen_info *out, struct buf *why)
{
	sqlite3_stmt *q = store_stmt(s, ST_SEEN_GET, SQL_SEEN_GET, why);
	if (!q)
		return -1;
	int ret = store_lookup_row(s, q, domain, why);
	if (ret == 1)
		store_read_seen(s, q, 0, out);
	return store_stmt_end(q, ret);
}

int
store_seen_import(struct store *s, const char *domain, const struct seen_info *in, struct buf *why)
{
	bool own;
	sqlite3_stmt *q = store_stmt(s, ST_SEEN_IMPORT, SQL_SEEN_IMPORT, why);
	if (!q || store_write_begin(s, &own, why) < 0)
		return -1;
	sqlite3_bind_text(q, 1, domain, -1, SQLITE_STATIC);
	store_bind_time(q, 2, in->first_seen);
	store_bind_time(q, 3, in->last_seen);
	sqlite3_bind_int64(q, 4, in->times_seen);
	sqlite3_bind_int64(q, 8, (int64_t)time(NULL));
	store_bind_text(q, 5, in->source ? in->source : "import");
	sqlite3_bind_int(q, 6, in->never_expire);
	store_bind_time(q, 7, in->expires);
	return store_write_end(s, own, store_step_done(s, q, why), why);
}

bool
store_seen_is_live(const struct seen_info *si, const struct reg_info *ri, int64_t now)
{
	return store_live_until(si->never_expire, si->expires, ri ? ri->expires : DATE_UNKNOWN,
				ri && ri->error_code) >= now;
}

int
store_seen_each(struct store *s, int64_t offset, int64_t limit, store_seen_fn fn, void *arg,
		struct buf *why)
{
	static const char sql[] =
	    "SELECT s.domain, s.first_seen, s.last_seen, s.times_seen, s.source, "
	    "s.never_expire, s.expires, r.domain, r.created, r.expires, r.source, r.server, "
	    "r.fetched, r.error_code, r.error_msg, r.valid_until, r.isc_seen, r.alerts FROM seen s "
	    "LEFT JOIN registration r ON r.domain = s.domain ORDER BY s.domain "
	    "LIMIT ?1 OFFSET ?2";
	sqlite3_stmt *q;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &q, NULL);
	if (rc != SQLITE_OK)
		return store_fail_db(s, why, "cannot read", rc);
	sqlite3_bind_int64(q, 1, limit < 0 ? -1 : limit);
	sqlite3_bind_int64(q, 2, offset < 0 ? 0 : offset);
	struct buf dom = BUF_INIT, rsrc = BUF_INIT, rsrv = BUF_INIT, rcode = BUF_INIT,
		   rmsg = BUF_INIT, ralerts = BUF_INIT;
	int ret = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct seen_info si;
		struct reg_info ri, *rip = NULL;
		buf_reset(&dom);
		buf_add(&dom, sqlite3_column_text(q, 0), (size_t)sqlite3_column_bytes(q, 0));
		store_read_seen(s, q, 1, &si);
		if (sqlite3_column_type(q, 7) != SQLITE_NULL) {
			struct buf *bs[] = {&rsrc, &rsrv, &rcode, &rmsg, &ralerts};
			const char *strs[5];
			int cols[] = {10, 11, 13, 14, 17};
			for (int i = 0; i < 5; i++) {
				strs[i] = NULL;
				if (sqlite3_column_type(q, cols[i]) != SQLITE_NULL) {
					buf_reset(bs[i]);
					buf_add(bs[i], sqlite3_column_text(q, cols[i]),
						(size_t)sqlite3_column_bytes(q, cols[i]));
					strs[i] = buf_str(bs[i]);
				}
			}
			ri = (struct reg_info){store_col_time(q, 8),
					       store_col_time(q, 9),
					       strs[0],
					       strs[1],
					       store_col_time(q, 12),
					       strs[2],
					       strs[3],
					       store_col_time(q, 15),
					       sqlite3_column_int64(q, 16),
					       strs[4]};
			rip = &ri;
		}
		ret = fn(arg, dom.s, &si, rip);
		if (ret != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE && rc != SQLITE_ROW)
		ret = store_fail_db(s, why, "cannot read", rc);
	sqlite3_finalize(q);
	buf_free(&dom);
	buf_free(&rsrc);
	buf_free(&rsrv);
	buf_free(&rcode);
	buf_free(&rmsg);
	buf_free(&ralerts);
	return ret;
}

int
store_expire(struct store *s, int64_t now, int64_t *nseen, int64_t *nreg, struct buf *why)
{
	bool own;
	if (store_write_begin(s, &own, why) < 0)
		return -1;
	int ret =
	    store_exec_count(s,
			     "DELETE FROM seen WHERE domain IN (SELECT s.domain FROM " SEEN_REG
			     " WHERE NOT " LIVE ")",
			     now, nseen, why);
	if (ret == 0)
		ret = store_exec_count(
		    s,
		    "DELETE FROM registration AS g WHERE "
		    "(g.valid_until < ?2 AND (g.expires IS NULL OR g.expires < ?2) AND "
		    "NOT EXISTS (SELECT 1 FROM seen WHERE seen.domain = g.domain)) OR "
		    "g.valid_until = 9223372036854775806",
		    now, nreg, why);
	return store_write_end(s, own, ret, why);
}

static int64_t
file_size(const char *path, const char *suffix)
{
	struct buf p = BUF_INIT;
	buf_addf(&p, "%s%s", path, suffix);
	struct stat st;
	int64_t n = stat(p.s, &st) == 0 ? (int64_t)st.st_size : 0;
	buf_free(&p);
	return n;
}

int
store_stats(struct store *s, int64_t now, struct store_stats *st, struct buf *why)
{
	memset(st, 0, sizeof *st);
	store_end_read(s);
	/* One read transaction, so the counts agree with each other. */
	if (!s->in_batch && store_exec(s, "BEGIN", "cannot read", why) < 0)
		return -1;
	int ret = 0;
	if (store_exec_count(s, "SELECT count(*) FROM seen", now, &st->seen, why) < 0 ||
	    store_exec_count(s, "SELECT count(*) FROM " SEEN_REG " WHERE " LIVE, now, &st->live,
			     why) < 0 ||
	    store_exec_count(s, "SELECT count(*) FROM seen WHERE never_expire <> 0", now,
			     &st->never_expire, why) < 0 ||
	    store_exec_count(s, "SELECT count(*) FROM registration", now, &st->registrations, why) <
		0 ||
	    store_exec_count(s, "SELECT count(*) FROM registration WHERE error_code IS NOT NULL",
			     now, &st->reg_errors, why) < 0)
		ret = -1;
	if (!s->in_batch)
		sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	st->file_bytes = file_size(s->path, "") + file_size(s->path, "-wal");
	return ret;
}
