/* SPDX-License-Identifier: ISC */
/* What the store's parts (store.c: opening, migration and closing; store_batch.c: batches
 * and counters; store_seen.c: the seen table and the live rule; store_reg.c: registrations;
 * store_cache.c: the sighting cache) share. Private to common/store*.c: commands include store.h
 * only. */
#ifndef STORE_INT_H
#define STORE_INT_H
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "buf.h"
#include "store.h"

/* How often the sighting cache writes what it counted (store_maybe_commit). */
#define STORE_HITS_MS 5000

/* Every prepared statement the store keeps; each part names its own SQL when it first asks. */
enum stmt_id {
	ST_REG_GET,
	ST_REG_PUT,
	ST_COUNTER_ADD,
	ST_COUNTER_GET,
	ST_COUNTER_SET,
	ST_SEEN_UPDATE,
	ST_SEEN_INSERT,
	ST_SEEN_GET,
	ST_SEEN_IMPORT,
	ST_SEEN_LOOK,
	ST_SEEN_ADD_HITS,
	ST_DATA_VERSION,
	ST_COUNT
};

struct deferred {
	char *name;
	int64_t delta;
};

/* A domain known to be live, served from memory, with sightings not yet written. */
struct known {
	size_t domain; /* offset in the cache's arena */
	uint32_t hash;
	int64_t first_seen, last_seen, times_seen, expires, live_until;
	const char *source; /* interned */
	bool never_expire;
	bool reg_known, reg_error;
	int64_t reg_created, reg_expires;
	int64_t delta, pending_last; /* sightings not yet in the database */
};

/* The sighting cache (store_cache.c). */
struct known_cache {
	struct known *known;   /* entries, dense */
	uint32_t *slots;       /* open addressing: 0 empty, else entry index + 1 */
	size_t nknown, nslots; /* nslots: a power of two, twice the most entries */
	struct buf arena;      /* their domain names */
	size_t ndirty;
	char **interned;
	size_t ninterned;
	int64_t hits_flushed_ms, version_checked_ms;
	int64_t data_version;
};

struct store {
	sqlite3 *db;
	char *path;
	int flags;
	sqlite3_stmt *st[ST_COUNT];
	bool in_batch;
	bool last_batch_long;
	int64_t last_commit_ms, busy_since_ms, contended_until_ms;
	bool in_read; /* a read transaction of store_seen_sight (never during a batch) */
	int64_t read_start_ms;
	long rows;
	int64_t batch_start_ms;
	int busy_ms;
	long batch_rows, batch_ms;
	unsigned long commits;
	struct deferred *defer;
	size_t ndefer;
	struct buf str[5]; /* strings handed out by the get functions */
	struct known_cache cache;
	bool immutable;	     /* read without locks: the folder refused the WAL's side files */
	struct stat ro_stat; /* the main file when it was opened so */
};

/* ---- store.c: helpers every part uses ---- */
int64_t store_now_ms(void);
int store_failf(struct buf *why, const char *what, const char *path, const char *reason);
/* A failure of the last SQLite call, in words a user can act on; returns -1. */
int store_fail_db(struct store *s, struct buf *why, const char *what, int rc);
/* The statement id, prepared from sql on first use (NULL and why on failure). */
sqlite3_stmt *store_stmt(struct store *s, enum stmt_id id, const char *sql, struct buf *why);
void store_bind_time(sqlite3_stmt *q, int i, int64_t t);
void store_bind_text(sqlite3_stmt *q, int i, const char *str);
int64_t store_col_time(sqlite3_stmt *q, int i);
/* Copy a text column into the store's k-th string buffer (NULL stays NULL). */
const char *store_col_text(struct store *s, sqlite3_stmt *q, int i, int k);
int store_exec(struct store *s, const char *sql, const char *what, struct buf *why);
/* Make a statement ready for its next use; passes ret through. */
int store_stmt_end(sqlite3_stmt *q, int ret);
/* Step a statement that returns no rows, then reset it. */
int store_step_done(struct store *s, sqlite3_stmt *q, struct buf *why);
/* Bind the key of a one-row lookup and step it: 1 with the row to read, 0 when there is none,
 * -1 on an error (in why). The caller reads the row, then ends with store_stmt_end(). */
int store_lookup_row(struct store *s, sqlite3_stmt *q, const char *key, struct buf *why);
/* Run sql (one statement, ?2 bound to now when it has it): its count(*), or the rows it
 * changed, into *out. */
int store_exec_count(struct store *s, const char *sql, int64_t now, int64_t *out, struct buf *why);

/* ---- store_batch.c ---- */
/* Run a write statement inside the current batch, or in its own transaction. */
int store_write_begin(struct store *s, bool *own, struct buf *why);
int store_write_end(struct store *s, bool own, int ret, struct buf *why);
/* End the read transaction store_seen_sight keeps open between writes. */
void store_end_read(struct store *s);

/* ---- store_seen.c ---- */
/* The live rule as a time: the last moment at which a seen row is live (INT64_MAX when it
 * never expires), given its registration's expiry (DATE_UNKNOWN if none) and whether that
 * registration is an error (whose dates do not count). The only place the rule is written:
 * SQL reaches it as the function store_live_until(), registered here. */
int64_t store_live_until(bool never_expire, int64_t expires, int64_t reg_expires, bool reg_error);
int store_register_functions(struct store *s, struct buf *why);
void store_read_seen(struct store *s, sqlite3_stmt *q, int col, struct seen_info *out);
/* Step a seen statement that may return the row: 1 row (read into out), 0 none, -1 error. */
int store_step_seen(struct store *s, sqlite3_stmt *q, struct seen_info *out, struct buf *why);
/* The statement that inserts a first contact (or replaces a row that is no longer live). */
sqlite3_stmt *store_seen_insert_stmt(struct store *s, struct buf *why);

/* ---- store_cache.c ---- */
/* Write the sightings counted in memory, in key order (inside the open batch). */
int store_cache_write_hits(struct store *s, struct buf *why);
void store_cache_free(struct store *s);

#endif
