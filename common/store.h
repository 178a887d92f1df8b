/* SPDX-License-Identifier: ISC */
/* The embedded store shared by seen-db and domain-born: one SQLite file (WAL, busy timeout,
 * versioned schema) holding what this site has seen, what is known of registrations, and
 * counters. Library code: errors come back in `why`, nothing is printed. */
#ifndef STORE_H
#define STORE_H
#include <stdbool.h>
#include <stdint.h>

#include "buf.h"

#define STORE_SCHEMA_VERSION 2
#define STORE_APPLICATION_ID 0x646f6d73 /* "doms" */

#define STORE_READONLY 1

/* A batch (transaction) is committed after this many writes ($DOMSTAT_BATCH_ROWS, at most
 * this) or this long, whichever first. An abrupt kill (SIGKILL, power cut) loses at most the
 * open batch. */
#define STORE_BATCH_ROWS 10000
#define STORE_BATCH_MS	 200
/* How long a writer waits for another's lock before giving up ($DOMSTAT_BUSY_TIMEOUT, ms).
 * Writers poll every millisecond and take turns (see store_batch.c: short batches under
 * contention, a pause after a long batch), since SQLite's lock has no queue. */
#define STORE_BUSY_TIMEOUT_MS 10000

struct store; /* opaque */

/* Open (creating with mode 0600) or fail with a message in why naming the file and reason.
 * path NULL = the settings' store ($DOMSTAT_DB, else the settings file's db: settings.h), else
 * $XDG_DATA_HOME/domstat/domains.db (~/.local/share/domstat/domains.db), the only one whose
 * missing folders are created (mode 0700): another path in a folder that does not exist is an
 * error. flags: STORE_READONLY, which writes nothing and needs no write permission: a store
 * in a folder the user cannot write is read without locks when no process has it open (and
 * store_close fails if one changed it meanwhile). */
struct store *store_open(const char *path, int flags, struct buf *why);
int store_close(struct store *s, struct buf *why); /* commits; -1 on failure */
const char *store_path(const struct store *s);
/* The path store_open(NULL, ...) would use, malloc'd; NULL (and why) if there is none. */
char *store_default_path(struct buf *why);

/* Batched writes: a transaction stays open for at most STORE_BATCH_ROWS writes or
 * STORE_BATCH_MS; store_commit closes it. store_begin inside an open batch does nothing.
 * Writes outside a batch commit one by one. */
int store_begin(struct store *s, struct buf *why);
int store_commit(struct store *s, struct buf *why);
int store_maybe_commit(struct store *s, struct buf *why); /* commit if the batch bound is reached */
/* Commit the open batch only, leaving the sightings store_seen_sight counted in memory. */
int store_commit_batch(struct store *s, struct buf *why);
bool store_in_batch(const struct store *s);
/* How many batches this connection has committed: output held back until its records are
 * stored goes out when this changes. */
unsigned long store_commits(const struct store *s);
/* Override the batch bounds (bulk imports use larger ones). */
void store_set_batch(struct store *s, long rows, long ms);
/* Override the busy timeout (milliseconds). */
void store_set_busy_timeout(struct store *s, int ms);

/* Registration data (domain-born, imports). DATE_UNKNOWN (date.h) for unknown times; strings
 * NULL if absent; strings returned by get stay valid until the next store call. */
struct reg_info {
	int64_t created, expires;
	const char *source, *server;
	int64_t fetched;
	const char *error_code, *error_msg;
	int64_t valid_until; /* STORE_PERMANENT or STORE_NO_EXPIRY, or a time */
	int64_t isc_seen;    /* when the ISC service first saw the name; 0 when it did not answer */
	const char *alerts;  /* the answer's alerts, one a line; NULL for none */
};
/* Cache lifetimes beyond any date: kept for ever (imports, an ISC error with lifetime -2), or
 * without expiry but dropped by store_expire (an ISC error with lifetime -1). */
#define STORE_PERMANENT INT64_MAX
#define STORE_NO_EXPIRY (INT64_MAX - 1)
int store_reg_get(struct store *s, const char *domain, struct reg_info *out, struct buf *why);
int store_reg_put(struct store *s, const char *domain, const struct reg_info *in, struct buf *why);

/* Counters (hits, misses, first_contacts, rdap_good, rdap_fail, reset_at, ...). */
int store_counter_add(struct store *s, const char *name, int64_t delta, struct buf *why);
/* Add later: kept in memory and written inside the batch at the next commit (cheap per line). */
void store_counter_defer(struct store *s, const char *name, int64_t delta);
/* 1 found (value in *v), 0 none (*v = 0), -1 error. */
int store_counter_get(struct store *s, const char *name, int64_t *v, struct buf *why);
int store_counter_set(struct store *s, const char *name, int64_t value, struct buf *why);

/* What was seen. Strings stay valid until the next store call. */
struct seen_info {
	int64_t first_seen, last_seen, times_seen;
	const char *source;
	bool never_expire;
	int64_t expires; /* DATE_UNKNOWN if unknown */
};

/* A sighting of domain at now, learned from traffic (source, e.g. "RDAP"). Decided inside the
 * database under the write lock: returns 1 if this call made the first contact (no record,
 * or its registration had expired: the record is replaced), 0 if the domain was already
 * known and live (last_seen and times_seen updated), -1 on error. out gets the row as stored.
 * A record is live if never_expire, or its expiry is unknown, or max(seen.expires,
 * registration.expires) >= now. A new record takes registration.expires when that is known
 * and in the future. Must be called inside a batch for exact-once across processes to hold
 * cheaply (it opens a one-row batch otherwise). */
int store_seen_touch(struct store *s, const char *domain, int64_t now, const char *source,
		     struct seen_info *out, struct buf *why);
/* What the filter needs to know of a sighting. */
struct sighting {
	struct seen_info seen; /* source stays valid until store_close */
	bool reg_known, reg_error;
	int64_t reg_created, reg_expires;
};
/* The filter's fast path, with store_seen_touch's answer (1 first contact, 0 known, -1 error)
 * and the registration. Live domains are served from memory and their sightings counted
 * there; the counts are written at store_commit, or by store_maybe_commit every few seconds
 * (an abrupt kill loses at most those counts, never a first contact's row beyond the batch).
 * The cache is dropped whenever another process has changed the file (checked every 100 ms),
 * and the first contact is still decided only by the insert under the write lock. */
int store_seen_sight(struct store *s, const char *domain, int64_t now, const char *source,
		     struct sighting *out, struct buf *why);
/* 1 found, 0 none, -1 error. */
int store_seen_get(struct store *s, const char *domain, struct seen_info *out, struct buf *why);
/* Import upsert (never a first contact): a new row is stored as given (first_seen and
 * last_seen DATE_UNKNOWN: now); an existing one keeps the earlier first_seen, the later
 * last_seen (its own where in has DATE_UNKNOWN), the larger times_seen, takes source and
 * never_expire from in, and expires from in when known. Idempotent. */
int store_seen_import(struct store *s, const char *domain, const struct seen_info *in,
		      struct buf *why);
/* Is this row live at now, given its registration (NULL if none)? The rule above. */
bool store_seen_is_live(const struct seen_info *si, const struct reg_info *ri, int64_t now);

/* Walk seen rows in domain order from offset (at most limit, -1 = all). fn gets the row and
 * the registration (NULL if none); returning non-zero stops the walk with that value. */
typedef int (*store_seen_fn)(void *arg, const char *domain, const struct seen_info *si,
			     const struct reg_info *ri);
int store_seen_each(struct store *s, int64_t offset, int64_t limit, store_seen_fn fn, void *arg,
		    struct buf *why);

/* Delete seen rows that are no longer live, registration rows whose expiry and cache
 * lifetime have both passed (and that no seen row refers to), and those kept STORE_NO_EXPIRY.
 * Counts removed in *nseen, *nreg. */
int store_expire(struct store *s, int64_t now, int64_t *nseen, int64_t *nreg, struct buf *why);
int store_vacuum(struct store *s, struct buf *why);

struct store_stats {
	int64_t seen, live, never_expire, registrations, reg_errors;
	int64_t file_bytes; /* database plus WAL */
};
int store_stats(struct store *s, int64_t now, struct store_stats *st, struct buf *why);
/* PRAGMA quick_check: "ok" or the problems found, into result. 0, or -1 if it could not run. */
int store_check(struct store *s, struct buf *result, struct buf *why);

#endif
