/* SPDX-License-Identifier: ISC */
/* The shared SQLite store, its frame: opening with schema checks and migrations, closing, and
 * the helpers the other parts (store_batch.c, store_seen.c, store_reg.c, store_cache.c) share.
 * Data only ever goes in through bound parameters. */
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
#include "settings.h"
#include "store.h"
#include "store_int.h"
#include "xalloc.h"

#define STORE_CACHE_KIB "131072"
/* A process that had to wait for the lock keeps its batches short (store_batch.c) for this
 * long, so the lock goes round several writers quickly. */
#define STORE_CONTENDED_MS 2000
#define STORE_MMAP_BYTES   "1073741824"

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

int64_t
store_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
store_failf(struct buf *why, const char *what, const char *path, const char *reason)
{
	if (why) {
		buf_reset(why);
		buf_addf(why, "%s '%s': %s", what, path, reason);
	}
	return -1;
}

/* A failure of the last SQLite call, in words a user can act on. */
int
store_fail_db(struct store *s, struct buf *why, const char *what, int rc)
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
	store_failf(why, what, s->path, reason.s);
	buf_free(&reason);
	return -1;
}

sqlite3_stmt *
store_stmt(struct store *s, enum stmt_id id, const char *sql, struct buf *why)
{
	if (!s->st[id]) {
		int rc =
		    sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->st[id], NULL);
		if (rc != SQLITE_OK) {
			store_fail_db(s, why, "cannot use store", rc);
			return NULL;
		}
	}
	return s->st[id];
}

void
store_bind_time(sqlite3_stmt *q, int i, int64_t t)
{
	if (t == DATE_UNKNOWN)
		sqlite3_bind_null(q, i);
	else
		sqlite3_bind_int64(q, i, t);
}

void
store_bind_text(sqlite3_stmt *q, int i, const char *str)
{
	if (str)
		sqlite3_bind_text(q, i, str, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(q, i);
}

int64_t
store_col_time(sqlite3_stmt *q, int i)
{
	return sqlite3_column_type(q, i) == SQLITE_NULL ? DATE_UNKNOWN : sqlite3_column_int64(q, i);
}

/* Copy a text column into the store's k-th string buffer (NULL stays NULL). */
const char *
store_col_text(struct store *s, sqlite3_stmt *q, int i, int k)
{
	if (sqlite3_column_type(q, i) == SQLITE_NULL)
		return NULL;
	const unsigned char *t = sqlite3_column_text(q, i);
	buf_reset(&s->str[k]);
	buf_add(&s->str[k], t, (size_t)sqlite3_column_bytes(q, i));
	return buf_str(&s->str[k]);
}

int
store_exec(struct store *s, const char *sql, const char *what, struct buf *why)
{
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? 0 : store_fail_db(s, why, what, rc);
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
					ret = store_failf(why, "cannot create folder", dir,
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

/* The store store_open(NULL, ...) opens: the settings' (settings.h: $DOMSTAT_DB, else the
 * settings file's db), else the default under XDG_DATA_HOME (*is_default: whose folders
 * store_open may create). malloc'd; NULL with why if there is none. */
static char *
store_resolve_path(bool *is_default, struct buf *why)
{
	*is_default = false;
	struct settings st;
	settings_init(&st);
	if (settings_load(&st, why) < 0) {
		settings_free(&st);
		return NULL;
	}
	char *db = st.db;
	st.db = NULL;
	settings_free(&st);
	if (db)
		return db;
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
			buf_adds(why, "no store given and neither DOMSTAT_DB, the settings' db, "
				      "XDG_DATA_HOME nor HOME is set");
		}
		return NULL;
	}
	*is_default = true;
	return p.s;
}

char *
store_default_path(struct buf *why)
{
	bool is_default;
	return store_resolve_path(&is_default, why);
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
	store_fail_db(s, why, "cannot open", rc);
	return is_busy(rc) ? 1 : -1;
}

static int
version_check(struct store *s, int version, int appid, int ntables, struct buf *why)
{
	char msg[160];
	/* Every store has had our application id since its schema was first made, in the same
	 * transaction as its version: a version without it is another program's. */
	if ((appid != 0 || version != 0) && appid != STORE_APPLICATION_ID)
		return store_failf(why, "cannot open", s->path,
				   "not a domstat store (another program's database)");
	if (version == 0 && appid == 0 && ntables > 0)
		return store_failf(why, "cannot open", s->path,
				   "not a domstat store (it has other tables)");
	if (version > STORE_SCHEMA_VERSION) {
		snprintf(msg, sizeof msg,
			 "schema version %d is newer than this program knows (%d); upgrade domstat",
			 version, STORE_SCHEMA_VERSION);
		return store_failf(why, "cannot open", s->path, msg);
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
		return store_failf(why, "cannot open", s->path, msg);
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
		return is_busy(rc) ? 1 : store_fail_db(s, why, "cannot open", rc);
	if (store_exec(s, "PRAGMA synchronous = NORMAL", "cannot open", why) < 0)
		return -1;
	if (version == STORE_SCHEMA_VERSION)
		return 0;
	rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return is_busy(rc) ? 1 : store_fail_db(s, why, "cannot open", rc);
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
		if (store_exec(s, migrations[version], "cannot upgrade", why) < 0)
			goto fail;
	}
	char sql[96];
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d; PRAGMA application_id = %d",
		 STORE_SCHEMA_VERSION, STORE_APPLICATION_ID);
	if (store_exec(s, sql, "cannot upgrade", why) < 0)
		goto fail;
	rc = sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		return 0;
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return is_busy(rc) ? 1 : store_fail_db(s, why, "cannot upgrade", rc);
fail:
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/* prepare_file, trying again for as long as the busy timeout while others hold the lock (some
 * of SQLite's waits, such as changing the journal mode, do not call the busy handler). */
static int
prepare_file_waiting(struct store *s, struct buf *why)
{
	int64_t start = store_now_ms();
	for (;;) {
		int rc = prepare_file(s, why);
		if (rc <= 0)
			return rc;
		if (store_now_ms() - start >= s->busy_ms) {
			char msg[96];
			snprintf(msg, sizeof msg,
				 "database is locked by another process (gave up after %d ms)",
				 s->busy_ms);
			return store_failf(why, "cannot open", s->path, msg);
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
		return store_failf(why, "cannot create", path, strerror(errno));
	}
	close(fd);
	return 0;
}

static int busy_wait(void *arg, int n);

/* "file:" URI of path with immutable=1: '%', '?' and '#' (and bytes that are not printable)
 * percent-escaped, as SQLite's URI rules want. */
static char *
immutable_uri(const char *path)
{
	struct buf u = BUF_INIT;
	buf_adds(&u, "file:");
	for (const unsigned char *c = (const unsigned char *)path; *c; c++) {
		if (*c == '%' || *c == '?' || *c == '#' || *c <= ' ' || *c >= 0x7f)
			buf_addf(&u, "%%%02X", *c);
		else
			buf_addc(&u, (char)*c);
	}
	buf_adds(&u, "?immutable=1");
	return u.s;
}

/* Open the connection (s->db) to name and make it ready: 0, or -1 with why (s->db may be left
 * open, for its error code). */
static int
connect_db(struct store *s, const char *name, bool immutable, struct buf *why)
{
	bool ro = s->flags & STORE_READONLY;
	int oflags = ro ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
	if (immutable)
		oflags |= SQLITE_OPEN_URI;
	int rc = sqlite3_open_v2(name, &s->db, oflags | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		if (s->db)
			return store_fail_db(s, why, "cannot open", rc);
		return store_failf(why, "cannot open", s->path, "out of memory");
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_handler(s->db, busy_wait, s);
	if (!ro && sqlite3_db_readonly(s->db, "main") == 1)
		return store_failf(why, "cannot open", s->path,
				   "the store is read-only (no write permission)");
	/* A warm store serves lookups from memory: a page cache big enough for a few million
	 * names (it only grows as pages are used), and reads through a memory map. */
	if (store_exec(s, "PRAGMA cache_size = -" STORE_CACHE_KIB, "cannot open", why) < 0 ||
	    store_exec(s, "PRAGMA mmap_size = " STORE_MMAP_BYTES, "cannot open", why) < 0)
		return -1;
	if (store_register_functions(s, why) < 0 || prepare_file_waiting(s, why) < 0)
		return -1;
	return 0;
}

/* Did a read-only connection fail only because SQLite could not make the WAL's side files
 * (-wal, -shm) beside a store in a folder the user cannot write? */
static bool
wal_files_refused(struct store *s)
{
	if (!(s->flags & STORE_READONLY) || !s->db)
		return false;
	int rc = sqlite3_extended_errcode(s->db);
	if ((rc & 0xff) != SQLITE_READONLY && (rc & 0xff) != SQLITE_CANTOPEN)
		return false;
	struct buf wal = BUF_INIT;
	buf_addf(&wal, "%s-wal", s->path);
	struct stat st;
	bool absent = stat(wal.s, &st) < 0 && errno == ENOENT;
	buf_free(&wal);
	return absent;
}

/* Open read-only a store whose WAL side files cannot be made. With no -wal file, no process
 * has the store open and the main file holds every commit: it is read as it is, without
 * locks (SQLite's immutable=1). A writer may start meanwhile; the main file changes only when
 * one checkpoints, so store_close compares the file with how it was (ro_stat) and reports a
 * read that may have been torn. */
static int
connect_immutable(struct store *s, struct buf *why)
{
	sqlite3_close(s->db);
	s->db = NULL;
	if (stat(s->path, &s->ro_stat) < 0)
		return store_failf(why, "cannot open", s->path, strerror(errno));
	char *uri = immutable_uri(s->path);
	int ret = connect_db(s, uri, true, why);
	free(uri);
	s->immutable = ret == 0;
	return ret;
}

/* Did the main file change since connect_immutable looked at it? */
static bool
changed_since_open(const struct store *s)
{
	struct stat st;
	const struct stat *o = &s->ro_stat;
	if (stat(s->path, &st) < 0)
		return true;
	return st.st_ino != o->st_ino || st.st_dev != o->st_dev || st.st_size != o->st_size ||
	       st.st_mtim.tv_sec != o->st_mtim.tv_sec || st.st_mtim.tv_nsec != o->st_mtim.tv_nsec ||
	       st.st_ctim.tv_sec != o->st_ctim.tv_sec || st.st_ctim.tv_nsec != o->st_ctim.tv_nsec;
}

/* The folder of path exists (a store is never made in a folder the user did not make, so a
 * mistyped --db cannot start an empty store); 0, or -1 with why. */
static int
parent_exists(const char *path, struct buf *why)
{
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	int ret = 0;
	if (slash) {
		if (slash == dir)
			slash[1] = '\0';
		else
			*slash = '\0';
		struct stat st;
		if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
			struct buf msg = BUF_INIT;
			buf_addf(&msg,
				 "no folder '%s' (only the default store's folders are created)",
				 dir);
			ret = store_failf(why, "cannot create", path, msg.s);
			buf_free(&msg);
		}
	}
	free(dir);
	return ret;
}

struct store *
store_open(const char *path, int flags, struct buf *why)
{
	bool is_default = false;
	char *p = path ? xstrdup(path) : store_resolve_path(&is_default, why);
	if (!p)
		return NULL;
	bool ro = flags & STORE_READONLY;
	struct stat st;
	if (ro && stat(p, &st) < 0) {
		store_failf(why, "cannot open", p, strerror(errno));
		free(p);
		return NULL;
	}
	if (!ro && ((is_default ? make_parent(p, why) : parent_exists(p, why)) < 0 ||
		    create_private(p, why) < 0)) {
		free(p);
		return NULL;
	}
	struct store *s = xcalloc(1, sizeof *s);
	s->path = p;
	s->flags = flags;
	s->busy_ms = STORE_BUSY_TIMEOUT_MS;
	s->batch_rows = STORE_BATCH_ROWS;
	s->batch_ms = STORE_BATCH_MS;
	s->cache.hits_flushed_ms = store_now_ms();
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
	if (connect_db(s, p, false, why) < 0) {
		if (!wal_files_refused(s) || connect_immutable(s, why) < 0)
			goto fail;
	}
	return s;
fail:
	sqlite3_close(s->db);
	free(s->path);
	free(s);
	return NULL;
}

/* Wait for another process's lock in steps of a millisecond, up to the busy timeout. */
static int
busy_wait(void *arg, int n)
{
	struct store *s = arg;
	int64_t t = store_now_ms();
	if (n == 0)
		s->busy_since_ms = t;
	/* Others want the lock too: keep batches short for a while. */
	s->contended_until_ms = t + STORE_CONTENDED_MS;
	if (t - s->busy_since_ms >= s->busy_ms)
		return 0;
	sqlite3_sleep(1);
	return 1;
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
	if (ret == 0 && s->immutable && changed_since_open(s))
		ret =
		    store_failf(why, "cannot read", s->path,
				"another process changed it while it was read without locks (the "
				"folder is not writable, so readers cannot take them): run again");
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(s->st[i]);
	if (sqlite3_close(s->db) != SQLITE_OK && ret == 0)
		ret = store_fail_db(s, why, "cannot close", SQLITE_ERROR);
	for (size_t i = 0; i < s->ndefer; i++)
		free(s->defer[i].name);
	free(s->defer);
	for (size_t i = 0; i < sizeof s->str / sizeof s->str[0]; i++)
		buf_free(&s->str[i]);
	store_cache_free(s);
	free(s->path);
	free(s);
	return ret;
}

/* Make a statement ready for its next use; passes ret through. */
int
store_stmt_end(sqlite3_stmt *q, int ret)
{
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return ret;
}

/* Step a statement that returns no rows, then reset it. */
int
store_step_done(struct store *s, sqlite3_stmt *q, struct buf *why)
{
	int rc = sqlite3_step(q);
	return store_stmt_end(q,
			      rc == SQLITE_DONE ? 0 : store_fail_db(s, why, "cannot write to", rc));
}

/* Bind the key of a one-row lookup and step it: 1 with the row to read, 0 when there is none,
 * -1 on an error (in why). The caller reads the row, then ends with store_stmt_end(). */
int
store_lookup_row(struct store *s, sqlite3_stmt *q, const char *key, struct buf *why)
{
	sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : store_fail_db(s, why, "cannot read", rc);
}

int
store_exec_count(struct store *s, const char *sql, int64_t now, int64_t *out, struct buf *why)
{
	sqlite3_stmt *q;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &q, NULL);
	if (rc != SQLITE_OK)
		return store_fail_db(s, why, "cannot read", rc);
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
		return store_fail_db(s, why, "cannot read", rc);
	return 0;
}

int
store_vacuum(struct store *s, struct buf *why)
{
	if (store_commit(s, why) < 0)
		return -1;
	if (store_exec(s, "VACUUM", "cannot vacuum", why) < 0)
		return -1;
	return store_exec(s, "PRAGMA wal_checkpoint(TRUNCATE)", "cannot vacuum", why);
}

int
store_check(struct store *s, struct buf *result, struct buf *why)
{
	sqlite3_stmt *q;
	int rc = sqlite3_prepare_v2(s->db, "PRAGMA quick_check", -1, &q, NULL);
	if (rc != SQLITE_OK)
		return store_fail_db(s, why, "cannot check", rc);
	buf_reset(result);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (result->len)
			buf_addc(result, '\n');
		buf_adds(result, (const char *)sqlite3_column_text(q, 0));
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return store_fail_db(s, why, "cannot check", rc);
	return 0;
}
