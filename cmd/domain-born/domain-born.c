/* SPDX-License-Identifier: ISC */
/* domain-born: the registration and expiry dates of each record's registrable domain from RDAP
 * (RFC 9224 bootstrap, RFC 9083 events), the ISC service or whois, many lookups at once,
 * polite to each server, cached in the shared store, output in input order. This file: main,
 * the reorder window and admitting records; the parts are listed in born.h. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "born.h"
#include "buf.h"
#include "dname.h"
#include "http.h"
#include "idn.h"
#include "progress.h"
#include "record.h"
#include "store.h"
#include "tool.h"
#include "xalloc.h"

/* Bytes of input held in the window: reading pauses above WINDOW_BYTES, so long lines cannot
 * make the window big. */
#define WINDOW_BYTES (64 * 1024 * 1024)

/* Set by SIGINT/SIGTERM (lineio watches it too): a signal handler can reach nothing else. */
static volatile int stop_signal;
/* The run save_on_closed_pipe saves: tool.c calls it without an argument. */
static struct born *closed_pipe_run;

/* ---- the window ---- */

static struct slot *
slot_at(struct born *b, size_t no)
{
	return window_at(&b->win, no);
}

static void
show_progress(struct born *b, bool final)
{
	if (!progress_on() || (!final && !progress_due()))
		return;
	double secs = progress_seconds();
	progress_draw(final, "%lu done, %.0f/s, %lu fetched, %lu errors, %ld in flight",
		      b->progress.done, secs > 0 ? (double)b->progress.done / secs : 0.0,
		      b->progress.fetched, b->progress.errors, b->total_active);
}

static bool
slot_done(void *arg, void *slot)
{
	(void)arg;
	return ((struct slot *)slot)->done;
}

static void
emit_slot(void *arg, void *slot)
{
	struct born *b = arg;
	struct slot *s = slot;
	if (s->has_result) {
		apply(b, &s->rec, &s->res);
		if (!s->res.ok || s->res.created == DATE_UNKNOWN)
			b->progress.errors++;
	}
	rec_emit(&s->rec);
	b->window_bytes -= s->rec.text.len;
	/* keep memory flat: drop buffers an unusually long record left behind */
	if (s->rec.text.cap > 65536)
		rec_free(&s->rec);
	s->done = s->has_result = false;
	b->progress.done++;
}

void
emit_ready(struct born *b)
{
	window_drain(&b->win, slot_done, emit_slot, b);
	show_progress(b, false);
}

void
finish_slot(struct born *b, size_t no, const struct result *res)
{
	struct slot *s = slot_at(b, no);
	if (res) {
		result_copy(&s->res, res);
		s->has_result = true;
	}
	s->done = true;
}

static void
before_block(void *arg)
{
	struct born *b = arg;
	emit_ready(b);
	if (fflush(stdout) != 0)
		tool_out("", 0);
	/* answers go out as they come while the input is quiet */
	while (work_pending(b) && !stop_signal) {
		bool readable = pump(b, 1000, STDIN_FILENO);
		if (fflush(stdout) != 0)
			tool_out("", 0);
		if (readable)
			break;
	}
	/* never hold the store's write lock while waiting for input (tail -f | domain-born) */
	struct buf why = BUF_INIT;
	if (b->db && store_commit(b->db, &why) < 0)
		db_failed(b, &why);
	buf_free(&why);
}

static void
admit(struct born *b, size_t no)
{
	struct slot *s = slot_at(b, no);
	struct record *r = &s->rec;
	if (!rec_require_name(r)) {
		finish_slot(b, no, NULL);
		return;
	}
	struct result res;
	result_init(&res);
	if (dname_set(&b->dn, r->name.s, r->name.len) < 0) {
		result_fail(&res, "invalid-name", "invalid name: %s", b->dn.invalid);
		goto done;
	}
	if (!dname_registrable(&b->dn)) {
		result_fail(&res, "no-registrable-domain", "no registrable domain in '%s'",
			    b->dn.text.s);
		goto done;
	}
	idn_annotate(r, &b->dn);
	const char *domain = b->dn.reg_ascii;
	if (b->isc_on)
		isc_client_tick(&b->isc, now_s(b));
	int cached = cache_get(b, domain, &res);
	if (cached > 0 || (cached < 0 && b->opt.offline))
		goto done;
	if (b->opt.offline) {
		result_fail(&res, "offline", "'%s' is not in the store (--offline)", domain);
		goto done;
	}
	struct job *job = job_find(b, domain);
	if (job) {
		job->waiters =
		    xgrow(job->waiters, &job->capwait, job->nwait + 1, sizeof *job->waiters);
		job->waiters[job->nwait++] = no;
		result_free(&res);
		return;
	}
	result_free(&res);
	job_new(b, domain, no);
	return;
done:
	finish_slot(b, no, &res);
	result_free(&res);
}

/* SIGINT and SIGTERM stop admitting input; what the store learned so far is committed. */

static void
on_signal(int sig)
{
	stop_signal = sig;
}

/* A closed downstream pipe ends the run: keep the answers fetched so far. */
static void
save_on_closed_pipe(void)
{
	struct born *b = closed_pipe_run;
	struct buf why = BUF_INIT;
	if (b->db)
		store_close(b->db, &why);
	b->db = NULL;
	buf_free(&why);
}

int
main(int argc, char **argv)
{
	struct born run = {0}, *b = &run;
	tool_init("domain-born");
	born_parse_options(&b->opt, argc, argv);
	b->fixed_now = b->opt.fixed_now;

	struct buf why = BUF_INIT;
	b->run_started = now_s(b);
	b->db = store_open(b->opt.db, 0, &why);
	if (!b->db)
		tool_die("%s", why.s);
	b->http = http_new(&b->opt.http, &why);
	if (!b->http)
		tool_die("%s", why.s);
	if (b->opt.bs.file) {
		b->opt.bs.now = now_s(b);
		if (bootstrap_load(&b->boot, &b->opt.bs) < 0) {
			/* the run lives on main's stack: free what it holds before returning */
			store_close(b->db, &why);
			http_free(b->http);
			bootstrap_free(&b->boot);
			buf_free(&why);
			return tool_finish(EXIT_FATAL);
		}
	}
	for (int i = 0; i < b->opt.nsources; i++)
		b->isc_on |= b->opt.sources[i] == SRC_ISC && !b->opt.offline;
	if (b->isc_on) {
		int64_t seed_version = 0;
		if (store_counter_get(b->db, "import_version", &seed_version, &why) < 0)
			tool_die("%s", why.s);
		isc_client_start(&b->isc, b->opt.isc_url, &b->opt.http, (long)seed_version,
				 now_s(b));
	}
	sched_init(b);
	window_init(&b->win, (size_t)b->opt.window, sizeof(struct slot));
	for (size_t i = 0; i < b->win.cap; i++) {
		rec_init(&slot_at(b, i)->rec);
		result_init(&slot_at(b, i)->res);
	}
	dname_init(&b->dn);
	progress_init(b->opt.progress);
	tool_on_stop_signal(on_signal);
	closed_pipe_run = b;
	tool_on_closed_pipe(save_on_closed_pipe);

	struct rec_reader in;
	rec_reader_init(&in, STDIN_FILENO, b->opt.field, b->opt.max_line);
	in.lr.before_block = before_block;
	in.lr.arg = b;
	in.lr.stop = &stop_signal;
	bool eof = false;
	int rc = 0;
	unsigned n_since_pump = 0;
	for (;;) {
		if (stop_signal)
			break;
		while (!eof && !window_full(&b->win) && b->window_bytes < WINDOW_BYTES) {
			struct slot *next = window_next(&b->win);
			rc = rec_read(&in, &next->rec);
			if (rc <= 0) {
				eof = true;
				break;
			}
			b->window_bytes += next->rec.text.len;
			admit(b, window_push(&b->win));
			if (b->fixed_now >= 0)
				b->fixed_now += b->opt.now_step;
			emit_ready(b);
			if (++n_since_pump >= 64) {
				n_since_pump = 0;
				if (work_pending(b))
					pump(b, 0, -1);
				else
					db_tick(b);
			}
		}
		emit_ready(b);
		if (eof && window_empty(&b->win))
			break;
		pump(b, 1000, -1);
	}
	if (rc < 0)
		tool_die("cannot read input: %s", strerror(in.lr.error));
	show_progress(b, true);
	if (stop_signal) {
		int sig = stop_signal;
		if (store_close(b->db, &why) < 0)
			tool_warn("%s", why.s);
		fflush(stdout);
		signal(sig, SIG_DFL);
		raise(sig);
		return 128 + sig;
	}
	/* A store that fails at close still ends with everything freed (status 2). */
	int status = b->store_unreadable ? EXIT_FATAL : rec_status();
	if (store_close(b->db, &why) < 0) {
		tool_warn("%s", why.s);
		status = EXIT_FATAL;
	}
	b->db = NULL;

	for (size_t i = 0; i < b->win.cap; i++) {
		rec_free(&slot_at(b, i)->rec);
		result_free(&slot_at(b, i)->res);
	}
	window_free(&b->win);
	sched_free(b);
	whois_free(b);
	memo_free(b);
	dname_free(&b->dn);
	rec_reader_free(&in);
	bootstrap_free(&b->boot);
	isc_client_free(&b->isc);
	http_free(b->http);
	buf_free(&why);
	return tool_finish(status);
}
