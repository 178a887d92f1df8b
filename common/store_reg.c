/* SPDX-License-Identifier: ISC */
/* The store's registration table: what domain-born (and imports) learned of a domain's
 * registration, with the cache lifetime of that answer. */
#include <sqlite3.h>
#include <time.h>

#include "date.h"
#include "store.h"
#include "store_int.h"

#define SQL_REG_GET                                                                                \
	"SELECT created, expires, source, server, fetched, error_code, error_msg, "                \
	"valid_until, isc_seen, alerts FROM registration WHERE domain = ?1"
#define SQL_REG_PUT                                                                                \
	"INSERT INTO registration(domain, created, expires, source, server, fetched, "             \
	"error_code, error_msg, valid_until, isc_seen, alerts) "                                   \
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) "                                   \
	"ON CONFLICT(domain) DO UPDATE SET created = excluded.created, "                           \
	"expires = excluded.expires, source = excluded.source, server = excluded.server, "         \
	"fetched = excluded.fetched, error_code = excluded.error_code, "                           \
	"error_msg = excluded.error_msg, valid_until = excluded.valid_until, "                     \
	"isc_seen = excluded.isc_seen, alerts = excluded.alerts"

int
store_reg_get(struct store *s, const char *domain, struct reg_info *out, struct buf *why)
{
	sqlite3_stmt *q = store_stmt(s, ST_REG_GET, SQL_REG_GET, why);
	if (!q)
		return -1;
	int ret = store_lookup_row(s, q, domain, why);
	if (ret == 1) {
		out->created = store_col_time(q, 0);
		out->expires = store_col_time(q, 1);
		out->source = store_col_text(s, q, 2, 0);
		out->server = store_col_text(s, q, 3, 1);
		out->fetched = store_col_time(q, 4);
		out->error_code = store_col_text(s, q, 5, 2);
		out->error_msg = store_col_text(s, q, 6, 3);
		out->valid_until = store_col_time(q, 7);
		out->isc_seen = sqlite3_column_int64(q, 8);
		out->alerts = store_col_text(s, q, 9, 4);
	}
	return store_stmt_end(q, ret);
}

int
store_reg_put(struct store *s, const char *domain, const struct reg_info *in, struct buf *why)
{
	bool own;
	sqlite3_stmt *q = store_stmt(s, ST_REG_PUT, SQL_REG_PUT, why);
	if (!q || store_write_begin(s, &own, why) < 0)
		return -1;
	sqlite3_bind_text(q, 1, domain, -1, SQLITE_STATIC);
	store_bind_time(q, 2, in->created);
	store_bind_time(q, 3, in->expires);
	store_bind_text(q, 4, in->source ? in->source : "");
	store_bind_text(q, 5, in->server);
	sqlite3_bind_int64(q, 6, in->fetched == DATE_UNKNOWN ? (int64_t)time(NULL) : in->fetched);
	store_bind_text(q, 7, in->error_code);
	store_bind_text(q, 8, in->error_msg);
	sqlite3_bind_int64(q, 9, in->valid_until == DATE_UNKNOWN ? 0 : in->valid_until);
	store_bind_time(q, 10, in->isc_seen ? in->isc_seen : DATE_UNKNOWN);
	store_bind_text(q, 11, in->alerts);
	return store_write_end(s, own, store_step_done(s, q, why), why);
}
