/* The shared SQLite store: opening with schema checks and migrations, batched transactions,
 * and the few prepared statements seen-db and domain-born need. Data only ever goes in through
 * bound parameters. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "date.h"
#include "store.h"
#include "xalloc.h"

#define STORE_CACHE_KIB "131072"
/* The sighting cache: how many live domains it holds, how often what it counted is written,
 * how often it checks whether another process changed the file. */
#define STORE_KNOWN_MAX	       (1u << 17)
#define STORE_HITS_MS	       5000
#define STORE_VERSION_CHECK_MS 100
/* After a batch that held the lock this long, the next one waits until the lock has been
 * free this long. */
#define STORE_YIELD_AFTER_MS 20
/* A process that had to wait for the lock keeps its batches this short for a while, so the
 * lock goes round several writers quickly. */
#define STORE_BATCH_MS_CONTENDED 20
#define STORE_CONTENDED_MS	 2000
#define STORE_YIELD_MS		 3
#define STORE_MMAP_BYTES	 "1073741824"

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

/* A record is live if it never expires, its expiry is unknown, or the later of its own expiry
 * and the registration's (a renewal domain-born learned of) is still ahead. ?1 domain, ?2 now. */
#define REG_EXPIRES                                                                                \
	"(SELECT r.expires FROM registration r WHERE r.domain = ?1 AND r.error_code IS NULL)"
#define LIVE(t)                                                                                    \
	"(" t ".never_expire <> 0 OR " t ".expires IS NULL OR " t ".expires >= ?2 OR "             \
	"coalesce(" REG_EXPIRES ", " t ".expires) >= ?2)"

static const char *const stmt_sql[ST_COUNT] = {
    [ST_REG_GET] = "SELECT created, expires, source, server, fetched, error_code, error_msg, "
		   "valid_until, isc_seen, alerts FROM registration WHERE domain = ?1",
    [ST_REG_PUT] =
	"INSERT INTO registration(domain, created, expires, source, server, fetched, "
	"error_code, error_msg, valid_until, isc_seen, alerts) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) "
	"ON CONFLICT(domain) DO UPDATE SET created = excluded.created, "
	"expires = excluded.expires, source = excluded.source, server = excluded.server, "
	"fetched = excluded.fetched, error_code = excluded.error_code, "
	"error_msg = excluded.error_msg, valid_until = excluded.valid_until, "
	"isc_seen = excluded.isc_seen, alerts = excluded.alerts",
    [ST_COUNTER_ADD] = "INSERT INTO counters(name, value) VALUES (?1, ?2) ON CONFLICT(name) "
		       "DO UPDATE SET value = value + excluded.value",
    [ST_COUNTER_GET] = "SELECT value FROM counters WHERE name = ?1",
    [ST_COUNTER_SET] = "INSERT INTO counters(name, value) VALUES (?1, ?2) ON CONFLICT(name) "
		       "DO UPDATE SET value = excluded.value",
    [ST_SEEN_UPDATE] =
	"UPDATE seen SET last_seen = max(last_seen, ?2), times_seen = times_seen + 1 "
	"WHERE domain = ?1 AND " LIVE(
	    "seen") " "
		    "RETURNING first_seen, last_seen, times_seen, source, never_expire, expires",
    /* Inserts a new row, or replaces one that is no longer live; does nothing (no row
     * returned) when a live row exists. Only the process whose statement returns a row made
     * the first contact: the decision is taken under the database's write lock. */
    [ST_SEEN_INSERT] =
	"INSERT INTO seen(domain, first_seen, last_seen, times_seen, source, "
	"never_expire, expires) VALUES (?1, ?2, ?2, 1, ?3, 0, "
	"(SELECT r.expires FROM registration r WHERE r.domain = ?1 AND "
	"r.error_code IS NULL AND r.expires >= ?2)) "
	"ON CONFLICT(domain) DO UPDATE SET first_seen = excluded.first_seen, "
	"last_seen = excluded.last_seen, times_seen = 1, source = excluded.source, "
	"never_expire = 0, expires = excluded.expires WHERE NOT " LIVE(
	    "seen") " "
		    "RETURNING first_seen, last_seen, times_seen, source, never_expire, expires",
    [ST_SEEN_GET] = "SELECT first_seen, last_seen, times_seen, source, never_expire, expires "
		    "FROM seen WHERE domain = ?1",
    /* ?2 first_seen and ?3 last_seen may be NULL: now (?8) for a new row, an existing row
     * keeps its own, so importing the same file again changes nothing. */
    [ST_SEEN_IMPORT] = "INSERT INTO seen(domain, first_seen, last_seen, times_seen, source, "
		       "never_expire, expires) VALUES (?1, coalesce(?2, ?8), "
		       "coalesce(?3, ?2, ?8), ?4, ?5, ?6, ?7) "
		       "ON CONFLICT(domain) DO UPDATE SET "
		       "first_seen = min(first_seen, coalesce(?2, first_seen)), "
		       "last_seen = max(last_seen, coalesce(?3, last_seen)), "
		       "times_seen = max(times_seen, excluded.times_seen), "
		       "source = excluded.source, never_expire = excluded.never_expire, "
		       "expires = coalesce(excluded.expires, expires)",
    [ST_SEEN_LOOK] = "SELECT s.first_seen, s.last_seen, s.times_seen, s.source, s.never_expire, "
		     "s.expires, r.domain IS NOT NULL, r.created, r.expires, "
		     "r.error_code IS NOT NULL FROM seen s LEFT JOIN registration r "
		     "ON r.domain = s.domain WHERE s.domain = ?1",
    [ST_SEEN_ADD_HITS] = "UPDATE seen SET times_seen = times_seen + ?2, "
			 "last_seen = max(last_seen, ?3) WHERE domain = ?1",
    [ST_DATA_VERSION] = "PRAGMA data_version",
};

/* Forward migrations: migrations[v] takes a store from version v to v + 1. */
static const char *const migrations[STORE_SCHEMA_VERSION] = {
    /* 0 -> 1 */
    "CREATE TABLE seen ("
    " domain TEXT PRIMARY KEY,"
    " first_seen INTEGER NOT NULL,"
    " last_seen INTEGER NOT NULL,"
    " times_seen INTEGER NOT NULL DEFAULT 0,"
    " source TEXT NOT NULL,"
    " never_expire INTEGER NOT NULL DEFAULT 0,"
    " expires INTEGER"
    ") WITHOUT ROWID;"
    "CREATE TABLE registration ("
    " domain TEXT PRIMARY KEY,"
    " created INTEGER, expires INTEGER,"
    " source TEXT NOT NULL,"
    " server TEXT,"
    " fetched INTEGER NOT NULL,"
    " error_code TEXT, error_msg TEXT,"
    " valid_until INTEGER NOT NULL"
    ") WITHOUT ROWID;"
    "CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;",
    /* 1 -> 2: what the ISC service adds to a registration (domain-born --source isc) */
    "ALTER TABLE registration ADD COLUMN isc_seen INTEGER;"
    "ALTER TABLE registration ADD COLUMN alerts TEXT;",
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
	/* The sighting cache (store_seen_sight). */
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

static int64_t
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
failf(struct buf *why, const char *what, const char *path, const char *reason)
{
	if (why) {
		buf_reset(why);
		buf_addf(why, "%s '%s': %s", what, path, reason);
	}
	return -1;
}

/* A failure of the last SQLite call, in words a user can act on. */
static int
fail_db(struct store *s, struct buf *why, const char *what, int rc)
{
	const char *msg = sqlite3_errmsg(s->db);
	struct buf reason = BUF_INIT;
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		buf_addf(&reason, "database is locked by another process (gave up after %d ms)",
			 s->busy_ms);
		break;
	case SQLITE_READONLY:
		buf_addf(&reason, "the store is read-only (%s)", msg);
		break;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		buf_addf(&reason, "the store is damaged or not a database (%s)", msg);
		break;
	case SQLITE_FULL:
		buf_addf(&reason, "disk full (%s)", msg);
		break;
	default:
		buf_adds(&reason, msg);
	}
	failf(why, what, s->path, reason.s);
	buf_free(&reason);
	return -1;
}

static sqlite3_stmt *
stmt(struct store *s, enum stmt_id id, struct buf *why)
{
	if (!s->st[id]) {
		int rc = sqlite3_prepare_v3(s->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
					    &s->st[id], NULL);
		if (rc != SQLITE_OK) {
			fail_db(s, why, "cannot use store", rc);
			return NULL;
		}
	}
	return s->st[id];
}

static void
bind_time(sqlite3_stmt *q, int i, int64_t t)
{
	if (t == DATE_UNKNOWN)
		sqlite3_bind_null(q, i);
	else
		sqlite3_bind_int64(q, i, t);
}

static void
bind_text(sqlite3_stmt *q, int i, const char *str)
{
	if (str)
		sqlite3_bind_text(q, i, str, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(q, i);
}

static int64_t
col_time(sqlite3_stmt *q, int i)
{
	return sqlite3_column_type(q, i) == SQLITE_NULL ? DATE_UNKNOWN : sqlite3_column_int64(q, i);
}

/* Copy a text column into the store's k-th string buffer (NULL stays NULL). */
static const char *
col_text(struct store *s, sqlite3_stmt *q, int i, int k)
{
	if (sqlite3_column_type(q, i) == SQLITE_NULL)
		return NULL;
	const unsigned char *t = sqlite3_column_text(q, i);
	buf_reset(&s->str[k]);
	buf_add(&s->str[k], t, (size_t)sqlite3_column_bytes(q, i));
	return buf_str(&s->str[k]);
}

static int
exec(struct store *s, const char *sql, const char *what, struct buf *why)
{
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? 0 : fail_db(s, why, what, rc);
}

/* mkdir -p for the folder holding path; new folders get mode 0700. */
static int
make_parent(const char *path, struct buf *why)
{
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	int ret = 0;
	if (slash && slash != dir) {
		*slash = '\0';
		for (char *p = dir + 1;; p++) {
			if (*p == '/' || *p == '\0') {
				char c = *p;
				*p = '\0';
				if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
					ret = failf(why, "cannot create folder", dir,
						    strerror(errno));
					break;
				}
				*p = c;
				if (c == '\0')
					break;
			}
		}
	}
	free(dir);
	return ret;
}

char *
store_default_path(struct buf *why)
{
	const char *env = getenv("DOMSTAT_DB");
	if (env && *env)
		return xstrdup(env);
	struct buf p = BUF_INIT;
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	if (xdg && xdg[0] == '/')
		buf_addf(&p, "%s/domstat/domains.db", xdg);
	else if (home && *home)
		buf_addf(&p, "%s/.local/share/domstat/domains.db", home);
	else {
		if (why) {
			buf_reset(why);
			buf_adds(why,
				 "no store given and neither DOMSTAT_DB, XDG_DATA_HOME nor HOME "
				 "is set");
		}
		return NULL;
	}
	return p.s;
}

static bool
is_busy(int rc)
{
	return (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;
}

/* What the file is: its schema version, application id and number of tables, read by one
 * statement (one read transaction), so the three agree even while another process is creating
 * the schema. Reading changes nothing in the file. 0, 1 busy, -1 failed (why). */
static int
identity(struct store *s, int *version, int *appid, int *ntables, struct buf *why)
{
	static const char sql[] = "SELECT (SELECT user_version FROM pragma_user_version), "
				  "(SELECT application_id FROM pragma_application_id), "
				  "(SELECT count(*) FROM sqlite_schema)";
	sqlite3_stmt *q;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &q, NULL);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(q);
		if (rc == SQLITE_ROW) {
			*version = sqlite3_column_int(q, 0);
			*appid = sqlite3_column_int(q, 1);
			*ntables = sqlite3_column_int(q, 2);
			rc = SQLITE_OK;
		}
	}
	sqlite3_finalize(q);
	if (rc == SQLITE_OK)
		return 0;
	fail_db(s, why, "cannot open", rc);
	return is_busy(rc) ? 1 : -1;
}

static int
version_check(struct store *s, int version, int appid, int ntables, struct buf *why)
{
	char msg[160];
	if (appid != 0 && appid != STORE_APPLICATION_ID)
		return failf(why, "cannot open", s->path,
			     "not a domstat store (another program's database)");
	if (version == 0 && appid == 0 && ntables > 0)
		return failf(why, "cannot open", s->path,
			     "not a domstat store (it has other tables)");
	if (version > STORE_SCHEMA_VERSION) {
		snprintf(msg, sizeof msg,
			 "schema version %d is newer than this program knows (%d); upgrade domstat",
			 version, STORE_SCHEMA_VERSION);
		return failf(why, "cannot open", s->path, msg);
	}
	return 0;
}

/* One attempt at making the file a usable store: 0 done, -1 failed (why), 1 another process
 * holds a lock SQLite would not wait for (try again). Nothing is written to a file that is not
 * ours: the identity is checked first, then WAL mode is set and the schema created or upgraded
 * in one immediate transaction, whose second check sees what a racing creator committed. */
static int
prepare_file(struct store *s, struct buf *why)
{
	int version = 0, appid = 0, ntables = 0, rc;
	if ((rc = identity(s, &version, &appid, &ntables, why)) != 0)
		return rc;
	if (version_check(s, version, appid, ntables, why) < 0)
		return -1;
	bool ro = s->flags & STORE_READONLY;
	if (ro && version < STORE_SCHEMA_VERSION) {
		char msg[120];
		snprintf(msg, sizeof msg,
			 "schema version %d needs an upgrade to %d: open it read-write once",
			 version, STORE_SCHEMA_VERSION);
		return failf(why, "cannot open", s->path, msg);
	}
	if (ro)
		return 0;
	/* WAL lets readers (stats, export, browse) run beside writers; NORMAL sync keeps commits
	 * cheap: a process crash loses nothing committed, a power cut may lose the last commits
	 * but never corrupts. The mode is kept in the file, so set only when it is not yet. */
	sqlite3_stmt *q;
	rc = sqlite3_prepare_v2(s->db, "PRAGMA journal_mode", -1, &q, NULL);
	bool wal = false;
	if (rc == SQLITE_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		wal = !strcmp((const char *)sqlite3_column_text(q, 0), "wal");
		rc = SQLITE_OK;
	}
	sqlite3_finalize(q);
	if (rc == SQLITE_OK && !wal)
		rc = sqlite3_exec(s->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return is_busy(rc) ? 1 : fail_db(s, why, "cannot open", rc);
	if (exec(s, "PRAGMA synchronous = NORMAL", "cannot open", why) < 0)
		return -1;
	if (version == STORE_SCHEMA_VERSION)
		return 0;
	rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return is_busy(rc) ? 1 : fail_db(s, why, "cannot open", rc);
	if ((rc = identity(s, &version, &appid, &ntables, why)) != 0) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return rc;
	}
	if (version_check(s, version, appid, ntables, why) < 0)
		goto fail;
	if (version == STORE_SCHEMA_VERSION) { /* another process made it while we waited */
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return 0;
	}
	for (; version < STORE_SCHEMA_VERSION; version++) {
		if (exec(s, migrations[version], "cannot upgrade", why) < 0)
			goto fail;
	}
	char sql[96];
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d; PRAGMA application_id = %d",
		 STORE_SCHEMA_VERSION, STORE_APPLICATION_ID);
	if (exec(s, sql, "cannot upgrade", why) < 0)
		goto fail;
	rc = sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		return 0;
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return is_busy(rc) ? 1 : fail_db(s, why, "cannot upgrade", rc);
fail:
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/* prepare_file, trying again for as long as the busy timeout while others hold the lock (some
 * of SQLite's waits, such as changing the journal mode, do not call the busy handler). */
static int
prepare_file_waiting(struct store *s, struct buf *why)
{
	int64_t start = now_ms();
	for (;;) {
		int rc = prepare_file(s, why);
		if (rc <= 0)
			return rc;
		if (now_ms() - start >= s->busy_ms) {
			char msg[96];
			snprintf(msg, sizeof msg,
				 "database is locked by another process (gave up after %d ms)",
				 s->busy_ms);
			return failf(why, "cannot open", s->path, msg);
		}
		sqlite3_sleep(1);
	}
}

/* Create an absent store file ourselves, so it (and SQLite's -wal and -shm files, which copy
 * its mode) is private to the user whatever the umask. */
static int
create_private(const char *path, struct buf *why)
{
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			return 0;
		return failf(why, "cannot create", path, strerror(errno));
	}
	close(fd);
	return 0;
}

static int busy_wait(void *arg, int n);

struct store *
store_open(const char *path, int flags, struct buf *why)
{
	char *p = path ? xstrdup(path) : store_default_path(why);
	if (!p)
		return NULL;
	bool ro = flags & STORE_READONLY;
	struct stat st;
	if (ro && stat(p, &st) < 0) {
		failf(why, "cannot open", p, strerror(errno));
		free(p);
		return NULL;
	}
	if (!ro && (make_parent(p, why) < 0 || create_private(p, why) < 0)) {
		free(p);
		return NULL;
	}
	struct store *s = xcalloc(1, sizeof *s);
	s->path = p;
	s->flags = flags;
	s->busy_ms = STORE_BUSY_TIMEOUT_MS;
	s->batch_rows = STORE_BATCH_ROWS;
	s->batch_ms = STORE_BATCH_MS;
	s->hits_flushed_ms = now_ms();
	const char *env = getenv("DOMSTAT_BUSY_TIMEOUT");
	if (env && *env) {
		char *end;
		long v = strtol(env, &end, 10);
		if (*end == '\0' && v >= 0 && v <= INT_MAX)
			s->busy_ms = (int)v;
	}
	/* Smaller batches bound what a kill -9 can take with it, at the cost of more commits. */
	env = getenv("DOMSTAT_BATCH_ROWS");
	if (env && *env) {
		char *end;
		long v = strtol(env, &end, 10);
		if (*end == '\0' && v >= 1 && v <= STORE_BATCH_ROWS)
			s->batch_rows = v;
	}
	int oflags = ro ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
	int rc = sqlite3_open_v2(p, &s->db, oflags | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		if (s->db)
			fail_db(s, why, "cannot open", rc);
		else
			failf(why, "cannot open", p, "out of memory");
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_handler(s->db, busy_wait, s);
	if (!ro && sqlite3_db_readonly(s->db, "main") == 1) {
		failf(why, "cannot open", p, "the store is read-only (no write permission)");
		goto fail;
	}
	/* A warm store serves lookups from memory: a page cache big enough for a few million
	 * names (it only grows as pages are used), and reads through a memory map. */
	if (exec(s, "PRAGMA cache_size = -" STORE_CACHE_KIB, "cannot open", why) < 0 ||
	    exec(s, "PRAGMA mmap_size = " STORE_MMAP_BYTES, "cannot open", why) < 0)
		goto fail;
	if (prepare_file_waiting(s, why) < 0)
		goto fail;
	return s;
fail:
	sqlite3_close(s->db);
	free(s->path);
	free(s);
	return NULL;
}

static int
flush_deferred(struct store *s, struct buf *why)
{
	for (size_t i = 0; i < s->ndefer; i++) {
		if (s->defer[i].delta == 0)
			continue;
		sqlite3_stmt *q = stmt(s, ST_COUNTER_ADD, why);
		if (!q)
			return -1;
		sqlite3_bind_text(q, 1, s->defer[i].name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 2, s->defer[i].delta);
		int rc = sqlite3_step(q);
		sqlite3_reset(q);
		sqlite3_clear_bindings(q);
		if (rc != SQLITE_DONE)
			return fail_db(s, why, "cannot write to", rc);
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
static void
end_read(struct store *s)
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
	end_read(s);
	/* Fairness: SQLite's lock has no queue, and a writer that commits and begins again at once
	 * can starve the others for longer than their busy timeout. After a long batch, leave the
	 * lock free for a few milliseconds: waiters poll every millisecond (busy_wait). */
	if (s->last_batch_long) {
		int64_t gap = now_ms() - s->last_commit_ms;
		if (gap < STORE_YIELD_MS)
			sqlite3_sleep((int)(STORE_YIELD_MS - gap));
		s->last_batch_long = false;
	}
	if (exec(s, "BEGIN IMMEDIATE", "cannot write to", why) < 0)
		return -1;
	s->in_batch = true;
	s->rows = 0;
	s->batch_start_ms = now_ms();
	return 0;
}

/* Wait for another process's lock in steps of a millisecond, up to the busy timeout. */
static int
busy_wait(void *arg, int n)
{
	struct store *s = arg;
	int64_t t = now_ms();
	if (n == 0)
		s->busy_since_ms = t;
	/* Others want the lock too: keep batches short for a while. */
	s->contended_until_ms = t + STORE_CONTENDED_MS;
	if (t - s->busy_since_ms >= s->busy_ms)
		return 0;
	sqlite3_sleep(1);
	return 1;
}

/* Commit the open batch with the deferred counters (opening one if only counters wait). */
static int
commit_batch(struct store *s, struct buf *why)
{
	end_read(s);
	if (!s->in_batch) {
		bool pending = false;
		for (size_t i = 0; i < s->ndefer; i++)
			pending |= s->defer[i].delta != 0;
		if (!pending)
			return 0;
		if (store_begin(s, why) < 0)
			return -1;
	}
	if (flush_deferred(s, why) < 0 || exec(s, "COMMIT", "cannot write to", why) < 0) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		s->in_batch = false;
		return -1;
	}
	clear_deferred(s);
	s->in_batch = false;
	s->commits++;
	s->last_commit_ms = now_ms();
	s->last_batch_long = s->last_commit_ms - s->batch_start_ms >= STORE_YIELD_AFTER_MS;
	return 0;
}

static int write_hits(struct store *s, struct buf *why);

int
store_commit_batch(struct store *s, struct buf *why)
{
	return commit_batch(s, why);
}

int
store_commit(struct store *s, struct buf *why)
{
	if (s->ndirty && (store_begin(s, why) < 0 || write_hits(s, why) < 0)) {
		if (s->in_batch)
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		s->in_batch = false;
		return -1;
	}
	s->hits_flushed_ms = now_ms();
	return commit_batch(s, why);
}

int
store_maybe_commit(struct store *s, struct buf *why)
{
	int64_t t = now_ms();
	if (s->ndirty && t - s->hits_flushed_ms >= STORE_HITS_MS)
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

void
store_set_busy_timeout(struct store *s, int ms)
{
	s->busy_ms = ms;
}

const char *
store_path(const struct store *s)
{
	return s->path;
}

int
store_close(struct store *s, struct buf *why)
{
	if (!s)
		return 0;
	int ret = store_commit(s, why);
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(s->st[i]);
	if (sqlite3_close(s->db) != SQLITE_OK && ret == 0)
		ret = fail_db(s, why, "cannot close", SQLITE_ERROR);
	for (size_t i = 0; i < s->ndefer; i++)
		free(s->defer[i].name);
	free(s->defer);
	for (size_t i = 0; i < sizeof s->str / sizeof s->str[0]; i++)
		buf_free(&s->str[i]);
	free(s->known);
	free(s->slots);
	buf_free(&s->arena);
	for (size_t i = 0; i < s->ninterned; i++)
		free(s->interned[i]);
	free(s->interned);
	free(s->path);
	free(s);
	return ret;
}

/* Run a write statement inside the current batch, or in its own transaction. */
static int
write_begin(struct store *s, bool *own, struct buf *why)
{
	*own = !s->in_batch;
	if (*own && store_begin(s, why) < 0)
		return -1;
	s->rows++;
	return 0;
}

static int
write_end(struct store *s, bool own, int ret, struct buf *why)
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

/* Make a statement ready for its next use; passes ret through. */
static int
stmt_end(sqlite3_stmt *q, int ret)
{
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return ret;
}

/* Step a statement that returns no rows, then reset it. */
static int
step_done(struct store *s, sqlite3_stmt *q, struct buf *why)
{
	int rc = sqlite3_step(q);
	return stmt_end(q, rc == SQLITE_DONE ? 0 : fail_db(s, why, "cannot write to", rc));
}

/* Bind the key of a one-row lookup and step it: 1 with the row to read, 0 when there is none,
 * -1 on an error (in why). The caller reads the row, then ends with stmt_end(). */
static int
lookup_row(struct store *s, sqlite3_stmt *q, const char *key, struct buf *why)
{
	sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : fail_db(s, why, "cannot read", rc);
}

int
store_reg_get(struct store *s, const char *domain, struct reg_info *out, struct buf *why)
{
	sqlite3_stmt *q = stmt(s, ST_REG_GET, why);
	if (!q)
		return -1;
	int ret = lookup_row(s, q, domain, why);
	if (ret == 1) {
		out->created = col_time(q, 0);
		out->expires = col_time(q, 1);
		out->source = col_text(s, q, 2, 0);
		out->server = col_text(s, q, 3, 1);
		out->fetched = col_time(q, 4);
		out->error_code = col_text(s, q, 5, 2);
		out->error_msg = col_text(s, q, 6, 3);
		out->valid_until = col_time(q, 7);
		out->isc_seen = sqlite3_column_int64(q, 8);
		out->alerts = col_text(s, q, 9, 4);
	}
	return stmt_end(q, ret);
}

int
store_reg_put(struct store *s, const char *domain, const struct reg_info *in, struct buf *why)
{
	bool own;
	sqlite3_stmt *q = stmt(s, ST_REG_PUT, why);
	if (!q || write_begin(s, &own, why) < 0)
		return -1;
	sqlite3_bind_text(q, 1, domain, -1, SQLITE_STATIC);
	bind_time(q, 2, in->created);
	bind_time(q, 3, in->expires);
	bind_text(q, 4, in->source ? in->source : "");
	bind_text(q, 5, in->server);
	sqlite3_bind_int64(q, 6, in->fetched == DATE_UNKNOWN ? (int64_t)time(NULL) : in->fetched);
	bind_text(q, 7, in->error_code);
	bind_text(q, 8, in->error_msg);
	sqlite3_bind_int64(q, 9, in->valid_until == DATE_UNKNOWN ? 0 : in->valid_until);
	bind_time(q, 10, in->isc_seen ? in->isc_seen : DATE_UNKNOWN);
	bind_text(q, 11, in->alerts);
	return write_end(s, own, step_done(s, q, why), why);
}

int
store_counter_add(struct store *s, const char *name, int64_t delta, struct buf *why)
{
	bool own;
	sqlite3_stmt *q = stmt(s, ST_COUNTER_ADD, why);
	if (!q || write_begin(s, &own, why) < 0)
		return -1;
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, delta);
	return write_end(s, own, step_done(s, q, why), why);
}

int
store_counter_set(struct store *s, const char *name, int64_t value, struct buf *why)
{
	bool own;
	sqlite3_stmt *q = stmt(s, ST_COUNTER_SET, why);
	if (!q || write_begin(s, &own, why) < 0)
		return -1;
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, value);
	return write_end(s, own, step_done(s, q, why), why);
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
	sqlite3_stmt *q = stmt(s, ST_COUNTER_GET, why);
	if (!q)
		return -1;
	int ret = lookup_row(s, q, name, why);
	*v = ret == 1 ? sqlite3_column_int64(q, 0) : 0;
	return stmt_end(q, ret);
}

static void
read_seen(struct store *s, sqlite3_stmt *q, int col, struct seen_info *out)
{
	out->first_seen = sqlite3_column_int64(q, col);
	out->last_seen = sqlite3_column_int64(q, col + 1);
	out->times_seen = sqlite3_column_int64(q, col + 2);
	out->source = col_text(s, q, col + 3, 0);
	out->never_expire = sqlite3_column_int(q, col + 4) != 0;
	out->expires = col_time(q, col + 5);
}

/* Step a seen statement that may return the row: 1 row (read into out), 0 none, -1 error. */
static int
step_seen(struct store *s, sqlite3_stmt *q, struct seen_info *out, struct buf *why)
{
	int rc = sqlite3_step(q), ret = 0;
	if (rc == SQLITE_ROW) {
		read_seen(s, q, 0, out);
		ret = 1;
		rc = sqlite3_step(q); /* finish the statement so its change is complete */
	}
	if (rc != SQLITE_DONE)
		ret = fail_db(s, why, "cannot write to", rc);
	return stmt_end(q, ret);
}

int
store_seen_touch(struct store *s, const char *domain, int64_t now, const char *source,
		 struct seen_info *out, struct buf *why)
{
	bool own;
	sqlite3_stmt *upd = stmt(s, ST_SEEN_UPDATE, why), *ins = stmt(s, ST_SEEN_INSERT, why);
	if (!upd || !ins || write_begin(s, &own, why) < 0)
		return -1;
	int ret = -1;
	/* Under the batch's write lock no other process can change the row between the two
	 * statements; the loop only guards against the impossible. */
	for (int tries = 0; tries < 2; tries++) {
		sqlite3_bind_text(upd, 1, domain, -1, SQLITE_STATIC);
		sqlite3_bind_int64(upd, 2, now);
		int rc = step_seen(s, upd, out, why);
		if (rc != 0) {
			ret = rc < 0 ? -1 : 0;
			break;
		}
		sqlite3_bind_text(ins, 1, domain, -1, SQLITE_STATIC);
		sqlite3_bind_int64(ins, 2, now);
		sqlite3_bind_text(ins, 3, source, -1, SQLITE_STATIC);
		rc = step_seen(s, ins, out, why);
		if (rc != 0) {
			ret = rc;
			break;
		}
	}
	if (ret == -1 && why && why->len == 0)
		failf(why, "cannot write to", s->path, "a sighting could not be recorded");
	return write_end(s, own, ret, why);
}

/* ---- the sighting cache ---- */

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
	return s->arena.s + k->domain;
}

/* The slot for domain: holding its entry, or the empty one where it would go. */
static uint32_t *
known_slot(struct store *s, const char *domain, uint32_t h)
{
	if (!s->slots) {
		s->nslots = 2 * STORE_KNOWN_MAX;
		s->slots = xcalloc(s->nslots, sizeof *s->slots);
		s->known = xmalloc(STORE_KNOWN_MAX * sizeof *s->known);
	}
	for (size_t i = h & (s->nslots - 1);; i = (i + 1) & (s->nslots - 1)) {
		uint32_t *slot = &s->slots[i];
		if (*slot == 0)
			return slot;
		const struct known *k = &s->known[*slot - 1];
		if (k->hash == h && !strcmp(known_name(s, k), domain))
			return slot;
	}
}

static void
known_clear(struct store *s)
{
	if (s->slots)
		memset(s->slots, 0, s->nslots * sizeof *s->slots);
	s->nknown = 0;
	s->ndirty = 0;
	buf_reset(&s->arena);
}

static const char *
intern(struct store *s, const char *str)
{
	for (size_t i = 0; i < s->ninterned; i++)
		if (!strcmp(s->interned[i], str))
			return s->interned[i];
	s->interned = xrealloc(s->interned, (s->ninterned + 1) * sizeof *s->interned);
	return s->interned[s->ninterned++] = xstrdup(str);
}

static int
cmp_known(const void *a, const void *b, void *arg)
{
	const struct store *s = arg;
	return strcmp(known_name(s, *(struct known *const *)a),
		      known_name(s, *(struct known *const *)b));
}

/* Write the sightings counted in memory, in key order (inside the open batch). */
static int
write_hits(struct store *s, struct buf *why)
{
	sqlite3_stmt *q = stmt(s, ST_SEEN_ADD_HITS, why);
	if (!q)
		return -1;
	struct known **dirty = xmalloc((s->ndirty + 1) * sizeof *dirty);
	size_t n = 0;
	for (size_t i = 0; i < s->nknown; i++)
		if (s->known[i].delta)
			dirty[n++] = &s->known[i];
	qsort_r(dirty, n, sizeof *dirty, cmp_known, s);
	int ret = 0;
	for (size_t i = 0; i < n && ret == 0; i++) {
		struct known *k = dirty[i];
		sqlite3_bind_text(q, 1, known_name(s, k), -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 2, k->delta);
		sqlite3_bind_int64(q, 3, k->pending_last);
		if (step_done(s, q, why) < 0)
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
		s->ndirty = 0;
	return ret;
}

/* Read the row and its registration into k (not yet counting this sighting). 1, 0 none, -1. */
static int
look(struct store *s, const char *domain, struct known *k, struct buf *why)
{
	sqlite3_stmt *q = stmt(s, ST_SEEN_LOOK, why);
	if (!q)
		return -1;
	int ret = lookup_row(s, q, domain, why);
	if (ret == 1) {
		k->first_seen = sqlite3_column_int64(q, 0);
		k->last_seen = sqlite3_column_int64(q, 1);
		k->times_seen = sqlite3_column_int64(q, 2);
		k->source = intern(s, (const char *)sqlite3_column_text(q, 3));
		k->never_expire = sqlite3_column_int(q, 4) != 0;
		k->expires = col_time(q, 5);
		k->reg_known = sqlite3_column_int(q, 6) != 0;
		k->reg_created = col_time(q, 7);
		k->reg_expires = col_time(q, 8);
		k->reg_error = sqlite3_column_int(q, 9) != 0;
		/* The live rule of LIVE() above, as a time up to which the row stays live. */
		if (k->never_expire || k->expires == DATE_UNKNOWN)
			k->live_until = INT64_MAX;
		else {
			k->live_until = k->expires;
			if (k->reg_known && !k->reg_error && k->reg_expires != DATE_UNKNOWN &&
			    k->reg_expires > k->live_until)
				k->live_until = k->reg_expires;
		}
		k->delta = 0;
		k->pending_last = k->last_seen;
	}
	return stmt_end(q, ret);
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
	int64_t t = now_ms();
	if (s->in_read && t - s->read_start_ms < STORE_VERSION_CHECK_MS)
		return 0;
	end_read(s);
	sqlite3_stmt *q = stmt(s, ST_DATA_VERSION, why);
	if (!q)
		return -1;
	int rc = sqlite3_step(q);
	int64_t v = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : -1;
	sqlite3_reset(q);
	if (rc != SQLITE_ROW)
		return fail_db(s, why, "cannot read", rc);
	if (v != s->data_version) {
		if (s->ndirty && store_commit(s, why) < 0)
			return -1;
		known_clear(s);
		s->data_version = v;
	}
	if (exec(s, "BEGIN", "cannot read", why) < 0)
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
	struct known *k = *slot ? &s->known[*slot - 1] : NULL;
	if (k && now <= k->live_until) {
		if (k->delta++ == 0)
			s->ndirty++;
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
		sqlite3_stmt *ins = stmt(s, ST_SEEN_INSERT, why);
		if (!ins)
			return -1;
		sqlite3_bind_text(ins, 1, domain, -1, SQLITE_STATIC);
		sqlite3_bind_int64(ins, 2, now);
		sqlite3_bind_text(ins, 3, source, -1, SQLITE_STATIC);
		first = step_seen(s, ins, &si, why);
		if (first < 0)
			return -1;
		rc = look(s, domain, &tmp, why);
		if (rc <= 0) {
			if (rc == 0)
				failf(why, "cannot write to", s->path,
				      "a sighting could not be recorded");
			return -1;
		}
	}
	if (!first) {
		tmp.delta = 1;
		tmp.pending_last = now > tmp.last_seen ? now : tmp.last_seen;
	}
	/* Keep it in memory; a full cache is written out and started again. */
	if (!k && s->nknown >= STORE_KNOWN_MAX) {
		if (store_commit(s, why) < 0)
			return -1;
		known_clear(s);
		slot = known_slot(s, domain, h);
	}
	if (!k) {
		tmp.domain = s->arena.len;
		buf_add(&s->arena, domain, strlen(domain) + 1);
		tmp.hash = h;
		s->known[s->nknown] = tmp;
		*slot = (uint32_t)++s->nknown;
		k = &s->known[s->nknown - 1];
	} else {
		tmp.domain = k->domain;
		tmp.hash = h;
		*k = tmp;
	}
	if (k->delta)
		s->ndirty++;
	sighting_from(out, k);
	return first;
}

int
store_seen_get(struct store *s, const char *domain, struct seen_info *out, struct buf *why)
{
	sqlite3_stmt *q = stmt(s, ST_SEEN_GET, why);
	if (!q)
		return -1;
	int ret = lookup_row(s, q, domain, why);
	if (ret == 1)
		read_seen(s, q, 0, out);
	return stmt_end(q, ret);
}

int
store_seen_import(struct store *s, const char *domain, const struct seen_info *in, struct buf *why)
{
	bool own;
	sqlite3_stmt *q = stmt(s, ST_SEEN_IMPORT, why);
	if (!q || write_begin(s, &own, why) < 0)
		return -1;
	sqlite3_bind_text(q, 1, domain, -1, SQLITE_STATIC);
	bind_time(q, 2, in->first_seen);
	bind_time(q, 3, in->last_seen);
	sqlite3_bind_int64(q, 4, in->times_seen);
	sqlite3_bind_int64(q, 8, (int64_t)time(NULL));
	bind_text(q, 5, in->source ? in->source : "import");
	sqlite3_bind_int(q, 6, in->never_expire);
	bind_time(q, 7, in->expires);
	return write_end(s, own, step_done(s, q, why), why);
}

bool
store_seen_live(const struct seen_info *si, int64_t reg_expires, int64_t now)
{
	if (si->never_expire || si->expires == DATE_UNKNOWN || si->expires >= now)
		return true;
	return reg_expires != DATE_UNKNOWN && reg_expires >= now;
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
		return fail_db(s, why, "cannot read", rc);
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
		read_seen(s, q, 1, &si);
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
			ri = (struct reg_info){
			    col_time(q, 8), col_time(q, 9),  strs[0],
			    strs[1],	    col_time(q, 12), strs[2],
			    strs[3],	    col_time(q, 15), sqlite3_column_int64(q, 16),
			    strs[4]};
			rip = &ri;
		}
		ret = fn(arg, dom.s, &si, rip);
		if (ret != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE && rc != SQLITE_ROW)
		ret = fail_db(s, why, "cannot read", rc);
	sqlite3_finalize(q);
	buf_free(&dom);
	buf_free(&rsrc);
	buf_free(&rsrv);
	buf_free(&rcode);
	buf_free(&rmsg);
	buf_free(&ralerts);
	return ret;
}

static int
exec_count(struct store *s, const char *sql, int64_t now, int64_t *out, struct buf *why)
{
	sqlite3_stmt *q;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &q, NULL);
	if (rc != SQLITE_OK)
		return fail_db(s, why, "cannot read", rc);
	if (sqlite3_bind_parameter_count(q) >= 2)
		sqlite3_bind_int64(q, 2, now);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int64(q, 0);
		rc = sqlite3_step(q);
	} else if (rc == SQLITE_DONE)
		*out = sqlite3_changes64(s->db);
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return fail_db(s, why, "cannot read", rc);
	return 0;
}

/* The live rule for a whole-table scan: ?1 of the point form becomes the row's own domain. */
#define LIVE_SCAN                                                                                  \
	"(s.never_expire <> 0 OR s.expires IS NULL OR s.expires >= ?2 OR "                         \
	"coalesce((SELECT r.expires FROM registration r WHERE r.domain = s.domain AND "            \
	"r.error_code IS NULL), s.expires) >= ?2)"

int
store_expire(struct store *s, int64_t now, int64_t *nseen, int64_t *nreg, struct buf *why)
{
	bool own;
	if (write_begin(s, &own, why) < 0)
		return -1;
	int ret = exec_count(s, "DELETE FROM seen AS s WHERE NOT " LIVE_SCAN, now, nseen, why);
	if (ret == 0)
		ret =
		    exec_count(s,
			       "DELETE FROM registration AS g WHERE "
			       "(g.valid_until < ?2 AND (g.expires IS NULL OR g.expires < ?2) AND "
			       "NOT EXISTS (SELECT 1 FROM seen WHERE seen.domain = g.domain)) OR "
			       "g.valid_until = 9223372036854775806",
			       now, nreg, why);
	return write_end(s, own, ret, why);
}

int
store_vacuum(struct store *s, struct buf *why)
{
	if (store_commit(s, why) < 0)
		return -1;
	if (exec(s, "VACUUM", "cannot vacuum", why) < 0)
		return -1;
	return exec(s, "PRAGMA wal_checkpoint(TRUNCATE)", "cannot vacuum", why);
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
	end_read(s);
	/* One read transaction, so the counts agree with each other. */
	if (!s->in_batch && exec(s, "BEGIN", "cannot read", why) < 0)
		return -1;
	int ret = 0;
	if (exec_count(s, "SELECT count(*) FROM seen", now, &st->seen, why) < 0 ||
	    exec_count(s, "SELECT count(*) FROM seen s WHERE " LIVE_SCAN, now, &st->live, why) <
		0 ||
	    exec_count(s, "SELECT count(*) FROM seen WHERE never_expire <> 0", now,
		       &st->never_expire, why) < 0 ||
	    exec_count(s, "SELECT count(*) FROM registration", now, &st->registrations, why) < 0 ||
	    exec_count(s, "SELECT count(*) FROM registration WHERE error_code IS NOT NULL", now,
		       &st->reg_errors, why) < 0)
		ret = -1;
	if (!s->in_batch)
		sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	st->file_bytes = file_size(s->path, "") + file_size(s->path, "-wal");
	return ret;
}

int
store_check(struct store *s, struct buf *result, struct buf *why)
{
	sqlite3_stmt *q;
	int rc = sqlite3_prepare_v2(s->db, "PRAGMA quick_check", -1, &q, NULL);
	if (rc != SQLITE_OK)
		return fail_db(s, why, "cannot check", rc);
	buf_reset(result);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (result->len)
			buf_addc(result, '\n');
		buf_adds(result, (const char *)sqlite3_column_text(q, 0));
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return fail_db(s, why, "cannot check", rc);
	return 0;
}
