/* SPDX-License-Identifier: ISC */
/* domain-born's scheduling and politeness: one job per domain in flight (the records waiting
 * for it), a queue per server with its own connection and rate limits, the retry policy
 * after 429/503, the order in which sources are tried, and the network loop (pump). */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "born.h"
#include "isc.h"
#include "xalloc.h"

static struct server *job_try(struct born *b, struct job *job);
static void server_start(struct born *b, struct server *s, int64_t t);

int64_t
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
now_s(struct born *b)
{
	return b->fixed_now >= 0 ? b->fixed_now : (int64_t)time(NULL);
}

void
sched_init(struct born *b)
{
	b->jobtab_cap = 4096;
	b->jobtab = xcalloc(b->jobtab_cap, sizeof *b->jobtab);
}

void
sched_free(struct born *b)
{
	for (struct server *s = b->servers, *n; s; s = n) {
		n = s->next;
		free(s->key);
		free(s);
	}
	b->servers = NULL;
	free(b->jobtab);
	b->jobtab = NULL;
}

static size_t
hash_str(const char *s)
{
	size_t h = 5381;
	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

struct job *
job_find(struct born *b, const char *domain)
{
	for (struct job *j = b->jobtab[hash_str(domain) % b->jobtab_cap]; j; j = j->hnext)
		if (!strcmp(j->domain, domain))
			return j;
	return NULL;
}

static void
job_unlink(struct born *b, struct job *job)
{
	struct job **pp = &b->jobtab[hash_str(job->domain) % b->jobtab_cap];
	while (*pp && *pp != job)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = job->hnext;
	b->njobs--;
}

char *
server_key(const char *url)
{
	const char *p = strstr(url, "://");
	p = p ? p + 3 : url;
	size_t n = strcspn(p, "/?#");
	size_t at = 0;
	for (size_t i = 0; i < n; i++)
		if (p[i] == '@')
			at = i + 1; /* drop user info */
	struct buf b = BUF_INIT;
	buf_add(&b, url, (size_t)(p - url));
	for (size_t i = at; i < n; i++)
		buf_addc(&b, (char)(p[i] >= 'A' && p[i] <= 'Z' ? p[i] + 32 : p[i]));
	return b.s;
}

static struct server *
server_get(struct born *b, const char *url)
{
	char *key = server_key(url);
	for (struct server *s = b->servers; s; s = s->next)
		if (!strcmp(s->key, key)) {
			free(key);
			return s;
		}
	struct server *s = xcalloc(1, sizeof *s);
	s->key = key;
	s->next = b->servers;
	b->servers = s;
	return s;
}

void
enqueue(struct job *job, bool front)
{
	struct server *s = job->srv;
	job->qnext = NULL;
	if (front) {
		job->qnext = s->qhead;
		s->qhead = job;
		if (!s->qtail)
			s->qtail = job;
	} else {
		if (s->qtail)
			s->qtail->qnext = job;
		else
			s->qhead = job;
		s->qtail = job;
	}
}

/* The last word on a domain: store it and hand it to the records waiting for it. */
static void
job_end(struct born *b, struct job *job)
{
	if (!job->local)
		cache_put(b, job->domain, &job->res, job->url);
	for (size_t i = 0; i < job->nwait; i++) {
		finish_slot(b, job->waiters[i], &job->res);
		/* the first contact is the first record's: the others shared its query */
		if (i == 0)
			drop_alert(&job->res.alerts, ISC_FIRST_CONTACT);
	}
	job_unlink(b, job);
	free(job->domain);
	free(job->base);
	free(job->url);
	free(job->waiters);
	result_free(&job->res);
	free(job);
}

void
set_url(struct born *b, struct job *job, const char *url)
{
	free(job->url);
	job->url = xstrdup(url);
	job->srv = server_get(b, url);
}

void
job_finish(struct born *b, struct job *job)
{
	if (!result_good(&job->res) && job->src + 1 < b->opt.nsources) {
		job->src++;
		job_try(b, job); /* queued: the next pump starts it */
		return;
	}
	job_end(b, job);
}

/* Queue the job on its current source, or on the next ones that can be asked; when none can,
 * the job ends with the last reason. Returns the server it is queued on, or NULL. */
static struct server *
job_try(struct born *b, struct job *job)
{
	for (; job->src < b->opt.nsources; job->src++) {
		result_clear(&job->res);
		job->attempts = 0;
		job->related_stage = false;
		job->via = b->opt.sources[job->src] == SRC_ISC ? &source_isc : &source_rdap;
		if (job->via->prepare(b, job)) {
			job->local = false;
			enqueue(job, false);
			return job->srv;
		}
		job->local = true;
	}
	job_end(b, job);
	return NULL;
}

void
job_new(struct born *b, const char *domain, size_t no)
{
	struct job *job = xcalloc(1, sizeof *job);
	result_init(&job->res);
	job->domain = xstrdup(domain);
	job->waiters = xgrow(NULL, &job->capwait, 1, sizeof *job->waiters);
	job->waiters[job->nwait++] = no;
	size_t h = hash_str(domain) % b->jobtab_cap;
	job->hnext = b->jobtab[h];
	b->jobtab[h] = job;
	b->njobs++;
	struct server *srv = job_try(b, job);
	if (srv)
		server_start(b, srv, now_ms());
}

bool
http_begin(struct born *b, struct job *job, char *post)
{
	struct http_req *r = http_req_new(job->url, job);
	r->guard_private = job->related_stage; /* a link found in an answer */
	r->post = post;
	if (http_start(b->http, r) < 0) {
		if (!job->related_stage)
			result_fail(&job->res, r->code, "%s", r->msg.s);
		job_finish(b, job);
		http_req_free(r);
		return false;
	}
	return true;
}

/* Start what the limits allow on one server. */
static void
server_start(struct born *b, struct server *s, int64_t t)
{
	int64_t interval = (int64_t)(1000.0 / b->opt.server_rate);
	while (s->qhead && b->total_active < b->opt.jobs && s->active < b->opt.server_conns &&
	       t >= s->paused_until_ms && t >= s->next_ms) {
		struct job *job = s->qhead;
		s->qhead = job->qnext;
		if (!s->qhead)
			s->qtail = NULL;
		job->attempts++;
		/* keep the average rate even when the loop wakes late, without bursts */
		if (s->next_ms < t - interval)
			s->next_ms = t - interval;
		s->next_ms += interval;
		if (!job->via->start(b, job, t))
			continue;
		s->active++;
		b->total_active++;
		b->progress.fetched++;
	}
}

/* Start what can start everywhere; return how long until something may (ms, -1 = nothing). */
static long
schedule(struct born *b)
{
	int64_t t = now_ms();
	long wait = -1;
	for (struct server *s = b->servers; s; s = s->next) {
		if (!s->qhead)
			continue;
		server_start(b, s, t);
		if (!s->qhead || b->total_active >= b->opt.jobs || s->active >= b->opt.server_conns)
			continue;
		int64_t at = s->paused_until_ms > s->next_ms ? s->paused_until_ms : s->next_ms;
		long w = at > t ? (long)(at - t) : 0;
		if (wait < 0 || w < wait)
			wait = w;
	}
	return wait;
}

bool
http_failed(struct job *job, struct http_req *r)
{
	const char *key = job->srv->key;
	long st = r->status;
	if (r->code)
		result_fail(&job->res, r->code, "%s: %s", r->url, r->msg.s);
	else if (st >= 200 && st <= 299)
		return false;
	else if (st == 429)
		result_fail(&job->res, "rate-limited", "HTTP 429 from %s", key);
	else if (st >= 500)
		result_fail(&job->res, "server-error", "HTTP %ld from %s", st, key);
	else if (st >= 300 && st <= 399)
		result_fail(&job->res, "too-many-redirects", "HTTP %ld from %s not followed", st,
			    key);
	else
		result_fail(&job->res, "http-error", "HTTP %ld from %s", st, key);
	return true;
}

/* An HTTP exchange finished: the retry policy, then the source makes it the job's result. */
static void
on_done(struct born *b, struct http_req *r)
{
	struct job *job = r->user;
	struct server *s = job->srv;
	s->active--;
	b->total_active--;
	long st = r->status;
	if (!r->code && (st == 429 || st == 503) && job->attempts <= b->opt.retries) {
		/* pause this server only; the others go on */
		int64_t wait = r->retry_after > 0 ? r->retry_after : 60;
		if (wait > b->opt.retry_wait_max)
			wait = b->opt.retry_wait_max;
		int64_t until = now_ms() + wait * 1000;
		if (until > s->paused_until_ms)
			s->paused_until_ms = until;
		enqueue(job, true);
		return;
	}
	job->via->done(b, job, r);
}

bool
pump(struct born *b, long max_wait, int fd)
{
	long w = schedule(b);
	if (w < 0 || w > max_wait)
		w = max_wait;
	if (progress_on() && w > 500)
		w = 500;
	int64_t t = now_ms();
	struct http_waitfd stackfds[32], *fds = stackfds;
	if (b->nwjobs + 1 > 32)
		fds = xcalloc(b->nwjobs + 1, sizeof *fds);
	unsigned nfds = 0;
	w = whois_wait_fds(b, fds, &nfds, w, t);
	unsigned nw = nfds;
	if (fd >= 0)
		fds[nfds++] = (struct http_waitfd){fd, POLLIN, 0};
	struct http_req *done = http_poll(b->http, (int)w, fds, nfds);
	bool ready = fd >= 0 && fds[nw].revents;
	whois_after_poll(b, fds, nw);
	if (fds != stackfds)
		free(fds);
	while (done) {
		struct http_req *next = done->next;
		on_done(b, done);
		http_req_free(done);
		done = next;
	}
	emit_ready(b);
	db_tick(b);
	return ready;
}

bool
work_pending(struct born *b)
{
	return b->njobs > 0;
}
