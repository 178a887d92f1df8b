/* SPDX-License-Identifier: ISC */
/* --history: a small SQLite file with each run's figures (never the records), so a report can
 * show its change against the previous run and a trend over all runs. */
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stats.h"
#include "tool.h"
#include "xalloc.h"

/* The schema version this program writes; a file with a higher one is refused, one with a
 * lower one is brought up to it when opened for writing. 2: runs keep the scan's coverage
 * (nonexistent, partial, failed), so a run with a broken resolver shows as such. */
#define HISTORY_SCHEMA	2
#define HISTORY_BUSY_MS 1000
/* "domh": new history files say whose they are; older ones have 0 */
#define HISTORY_APPLICATION_ID 0x646f6d68

struct history {
	sqlite3 *db;
	char *path;
	int version;   /* the file's schema version */
	bool in_store; /* history_store's transaction is open until history_close */
};

static void __attribute__((noreturn)) db_die(struct history *h, int rc, const char *what)
{
	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		tool_die("history file '%s' is locked by another process (%s)", h->path, what);
	if (rc == SQLITE_NOTADB)
		tool_die("'%s' is not a history file (not an SQLite database)", h->path);
	tool_die("history file '%s': cannot %s: %s", h->path, what, sqlite3_errmsg(h->db));
}

static void
exec(struct history *h, const char *sql, const char *what)
{
	int rc = sqlite3_exec(h->db, sql, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		db_die(h, rc, what);
}

static sqlite3_stmt *
prepare(struct history *h, const char *sql)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(h->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		db_die(h, rc, "read it");
	return st;
}

/* What the file is, in one statement (one read, so the parts agree): schema version,
 * application id, whether it has our tables, and how many tables it has. Reading changes
 * nothing: a file that is not ours is refused before anything is written to it. */
static void
identity(struct history *h, int *version, int *appid, int *ours, int *ntables)
{
	sqlite3_stmt *st = prepare(h, "SELECT (SELECT user_version FROM pragma_user_version), "
				      "(SELECT application_id FROM pragma_application_id), "
				      "(SELECT count(*) FROM sqlite_schema WHERE type = 'table' "
				      "AND name IN ('runs', 'figures')), "
				      "(SELECT count(*) FROM sqlite_schema)");
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW)
		db_die(h, rc, "read its version");
	*version = sqlite3_column_int(st, 0);
	*appid = sqlite3_column_int(st, 1);
	*ours = sqlite3_column_int(st, 2);
	*ntables = sqlite3_column_int(st, 3);
	sqlite3_finalize(st);
	if (*appid != 0 && *appid != HISTORY_APPLICATION_ID)
		tool_die("'%s' is not a history file (another program's database)", h->path);
	if (*version > HISTORY_SCHEMA)
		tool_die("history file '%s' has schema version %d, newer than this stats-report "
			 "reads (%d): use a newer stats-report",
			 h->path, *version, HISTORY_SCHEMA);
	if (*version == 0 ? *ntables > 0 : *ours != 2)
		tool_die("'%s' is not a history file (it has other tables)", h->path);
}

/* Schema 1 to 2, inside the caller's transaction: the coverage counts of each run, NULL for the
 * runs stored before (unknown, not zero). */
static void
migrate(struct history *h)
{
	exec(h,
	     "ALTER TABLE runs ADD COLUMN nonexistent INTEGER;"
	     "ALTER TABLE runs ADD COLUMN partial INTEGER;"
	     "ALTER TABLE runs ADD COLUMN failed INTEGER;"
	     "PRAGMA user_version = 2;",
	     "update its schema");
}

struct history *
history_open(const char *path, bool create)
{
	struct history *h = xcalloc(1, sizeof *h);
	h->path = xstrdup(path);
	/* A new file is ours (O_EXCL: not a symlink someone planted, nor a file made meanwhile);
	 * SQLite then opens only what exists. */
	if (create) {
		int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
		if (fd >= 0)
			close(fd);
		else if (errno != EEXIST)
			tool_die("cannot open history file '%s': %s", path, strerror(errno));
	}
	int flags = create ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY;
	int rc = sqlite3_open_v2(path, &h->db, flags, NULL);
	if (rc != SQLITE_OK)
		tool_die("cannot open history file '%s': %s", path,
			 h->db ? sqlite3_errmsg(h->db) : sqlite3_errstr(rc));
	sqlite3_busy_timeout(h->db, HISTORY_BUSY_MS);
	int version, appid, ours, ntables;
	identity(h, &version, &appid, &ours, &ntables);
	if (version == 0) {
		if (!create)
			tool_die("'%s' is not a history file (no stored runs)", path);
		exec(h, "BEGIN IMMEDIATE", "create its tables");
		/* another stats-report may have created them while we waited for the lock */
		identity(h, &version, &appid, &ours, &ntables);
		if (version == 0) {
			char sql[64];
			snprintf(sql, sizeof sql, "PRAGMA application_id = %d",
				 HISTORY_APPLICATION_ID);
			exec(h,
			     "CREATE TABLE runs(id INTEGER PRIMARY KEY AUTOINCREMENT,"
			     " date TEXT NOT NULL, records INTEGER NOT NULL, skipped INTEGER NOT "
			     "NULL, report TEXT NOT NULL);"
			     "CREATE TABLE figures(run_id INTEGER NOT NULL REFERENCES runs(id),"
			     " figure TEXT NOT NULL, item TEXT NOT NULL, count INTEGER NOT NULL,"
			     " denominator INTEGER NOT NULL, PRIMARY KEY(run_id, figure, item));"
			     "PRAGMA user_version = 1;",
			     "create its tables");
			exec(h, sql, "create its tables");
			version = 1;
		}
		if (version < HISTORY_SCHEMA)
			migrate(h);
		exec(h, "COMMIT", "create its tables");
	} else if (version < HISTORY_SCHEMA && create) {
		/* one transaction: another stats-report sees the old schema or the new one, and a
		 * failure halfway (a full disk) leaves the old one as it was */
		exec(h, "BEGIN IMMEDIATE", "update its schema");
		identity(h, &version, &appid, &ours, &ntables);
		if (version < HISTORY_SCHEMA)
			migrate(h);
		exec(h, "COMMIT", "update its schema");
	}
	identity(h, &h->version, &appid, &ours, &ntables);
	return h;
}

void
history_close(struct history *h)
{
	if (h->in_store) {
		/* The report is out (flushed and checked): now the run may be kept. A failure
		 * before this point (an unreadable earlier run, a write error) exits without the
		 * commit, so nothing of the run stays behind. */
		if (fflush(stdout) != 0)
			exit(tool_finish(EXIT_FATAL));
		exec(h, "COMMIT", "store the run");
		h->in_store = false;
	}
	sqlite3_close(h->db);
	free(h->path);
	free(h);
}

void
history_store(struct history *h, struct report *r)
{
	struct buf json = BUF_INIT;
	report_json(r, &json, false);
	exec(h, "BEGIN IMMEDIATE", "store the run");
	h->in_store = true;
	/* A run of a date already stored replaces it, under the same id. */
	sqlite3_stmt *st = prepare(h, "SELECT min(id) FROM runs WHERE date = ?");
	sqlite3_bind_text(st, 1, r->date, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW)
		db_die(h, rc, "store the run");
	bool again = sqlite3_column_type(st, 0) != SQLITE_NULL;
	sqlite3_int64 old = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (again) {
		st = prepare(h, "DELETE FROM figures WHERE run_id IN "
				"(SELECT id FROM runs WHERE date = ?)");
		sqlite3_bind_text(st, 1, r->date, -1, SQLITE_STATIC);
		if ((rc = sqlite3_step(st)) != SQLITE_DONE)
			db_die(h, rc, "replace the run");
		sqlite3_finalize(st);
		st = prepare(h, "DELETE FROM runs WHERE date = ?");
		sqlite3_bind_text(st, 1, r->date, -1, SQLITE_STATIC);
		if ((rc = sqlite3_step(st)) != SQLITE_DONE)
			db_die(h, rc, "replace the run");
		sqlite3_finalize(st);
	}
	st = prepare(h, "INSERT INTO runs(id, date, records, skipped, report, nonexistent, partial,"
			" failed) VALUES(?,?,?,?,?,?,?,?)");
	if (again)
		sqlite3_bind_int64(st, 1, old);
	sqlite3_bind_text(st, 2, r->date, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, r->records);
	sqlite3_bind_int64(st, 4, r->skipped);
	sqlite3_bind_text(st, 5, json.s, (int)json.len, SQLITE_STATIC);
	const struct figure *cov = report_find(r->figs, r->nfigs, "scan_status");
	static const char *const cov_item[] = {"nxdomain", "partial", "failed"};
	for (int i = 0; i < 3; i++) {
		const struct item *it = cov ? fig_find(cov, cov_item[i]) : NULL;
		if (it)
			sqlite3_bind_int64(st, 6 + i, it->count);
	}
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		db_die(h, rc, "store the run");
	sqlite3_finalize(st);
	r->run_id = sqlite3_last_insert_rowid(h->db);
	st = prepare(h, "INSERT INTO figures(run_id, figure, item, count, denominator) "
			"VALUES(?,?,?,?,?)");
	for (size_t i = 0; i < r->nfigs; i++) {
		const struct figure *f = &r->figs[i];
		for (size_t j = 0; j < f->nitems; j++) {
			sqlite3_reset(st);
			sqlite3_bind_int64(st, 1, r->run_id);
			sqlite3_bind_text(st, 2, f->key, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 3, f->items[j].key, -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 4, f->items[j].count);
			sqlite3_bind_int64(st, 5, f->denom);
			rc = sqlite3_step(st);
			if (rc != SQLITE_DONE)
				db_die(h, rc, "store the run's figures");
		}
	}
	sqlite3_finalize(st);
	buf_free(&json);
	/* still inside the transaction: history_close commits once the report is out */
	history_annotate(h, r);
}

static bool
load_report(struct history *h, sqlite3_stmt *st, struct report *r)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		return false;
	if (rc != SQLITE_ROW)
		db_die(h, rc, "read a stored run");
	const char *why;
	if (report_from_json(r, (const char *)sqlite3_column_text(st, 1),
			     (size_t)sqlite3_column_bytes(st, 1), &why) < 0)
		tool_die("history file '%s': run %lld cannot be read: %s", h->path,
			 (long long)sqlite3_column_int64(st, 0), why);
	r->run_id = sqlite3_column_int64(st, 0);
	return true;
}

bool
history_load(struct history *h, long long run_id, struct report *r)
{
	sqlite3_stmt *st = prepare(h, "SELECT id, report FROM runs WHERE id = ?");
	sqlite3_bind_int64(st, 1, run_id);
	bool ok = load_report(h, st, r);
	sqlite3_finalize(st);
	return ok;
}

static void
deltas(struct report *r, const struct report *prev)
{
	for (size_t i = 0; i < r->nfigs; i++) {
		struct figure *f = &r->figs[i];
		const struct figure *g = report_find(prev->figs, prev->nfigs, f->key);
		if (!g || !g->denom || !f->denom)
			continue;
		if (f->has_mean && g->has_mean) {
			f->has_mean_delta = true;
			f->mean_delta = f->mean - g->mean;
		}
		for (size_t j = 0; j < f->nitems; j++) {
			const struct item *pi = fig_find(g, f->items[j].key);
			if (!pi)
				continue;
			f->items[j].has_delta = true;
			f->items[j].delta =
			    pct(f->items[j].count, f->denom) - pct(pi->count, g->denom);
		}
	}
}

void
history_annotate(struct history *h, struct report *r)
{
	sqlite3_stmt *st =
	    prepare(h, "SELECT id, report, date FROM runs WHERE id < ? ORDER BY id DESC LIMIT 1");
	sqlite3_bind_int64(st, 1, r->run_id);
	struct report prev;
	if (load_report(h, st, &prev)) {
		r->prev_run = prev.run_id;
		free(r->prev_date);
		r->prev_date = xstrdup(prev.date);
		deltas(r, &prev);
		report_free(&prev);
	}
	sqlite3_finalize(st);

	st = prepare(h, "SELECT runs.id, runs.date, figures.count, figures.denominator "
			"FROM figures JOIN runs ON runs.id = figures.run_id "
			"WHERE figures.figure = ? AND figures.item = 'yes' AND runs.id <= ? "
			"ORDER BY runs.id");
	for (size_t i = 0; i < r->nfigs; i++) {
		struct figure *f = &r->figs[i];
		if (!fig_headline(f))
			continue;
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, f->key, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, r->run_id);
		int rc;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			f->trend = xrealloc(f->trend, (f->ntrend + 1) * sizeof *f->trend);
			struct trend_point *p = &f->trend[f->ntrend++];
			p->run_id = sqlite3_column_int64(st, 0);
			p->date = xstrdup((const char *)sqlite3_column_text(st, 1));
			p->pct = pct(sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3));
		}
		if (rc != SQLITE_DONE)
			db_die(h, rc, "read the trend");
		if (f->ntrend < 2) { /* one point is not a trend */
			for (size_t j = 0; j < f->ntrend; j++)
				free(f->trend[j].date);
			free(f->trend);
			f->trend = NULL;
			f->ntrend = 0;
		}
	}
	sqlite3_finalize(st);
}

void
history_list(struct history *h, struct buf *out)
{
	/* a file of schema 1 (read only here, so not migrated) has no coverage: empty cells */
	sqlite3_stmt *st = prepare(
	    h, h->version >= 2 ? "SELECT id, date, records, skipped, nonexistent, partial, failed "
				 "FROM runs ORDER BY id"
			       : "SELECT id, date, records, skipped, NULL, NULL, NULL "
				 "FROM runs ORDER BY id");
	buf_adds(out, "run\tdate\trecords\tskipped\tnonexistent\tpartial\tfailed\n");
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		buf_addf(out, "%lld\t%s\t%lld\t%lld", (long long)sqlite3_column_int64(st, 0),
			 (const char *)sqlite3_column_text(st, 1),
			 (long long)sqlite3_column_int64(st, 2),
			 (long long)sqlite3_column_int64(st, 3));
		for (int i = 4; i < 7; i++) {
			buf_addc(out, '\t');
			if (sqlite3_column_type(st, i) != SQLITE_NULL)
				buf_addf(out, "%lld", (long long)sqlite3_column_int64(st, i));
		}
		buf_addc(out, '\n');
	}
	if (rc != SQLITE_DONE)
		db_die(h, rc, "list the runs");
	sqlite3_finalize(st);
}
