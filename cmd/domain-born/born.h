/* SPDX-License-Identifier: ISC */
/* domain-born's own pieces shared between its files: domain-born.c (main, the window, admitting
 * records), options.c, result.c, answers.c (the answer cache), sched.c (scheduling and
 * politeness), the sources src_rdap.c, src_isc.c, src_whois.c, bootstrap.c, iscclient.c. */
#ifndef BORN_H
#define BORN_H
#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "date.h"
#include "dname.h"
#include "progress.h"
#include "record.h"
#include "store.h"
#include "whois.h"
#include "window.h"
#include "http.h"
#include "isc.h"
#include "rdap.h"

struct bootstrap_opts {
	const char *file;      /* --bootstrap: use this file, never download */
	const char *url;       /* where IANA publishes it */
	const char *overrides; /* --overrides FILE, or NULL */
	bool no_shipped;       /* do not read the shipped overrides */
	struct http_opts http; /* for the download */
	int64_t now;
};

/* The IANA registry and the overrides, loaded (and downloaded, refreshed) on first use. */
struct bootstrap {
	struct rdap_bootstrap *iana, *over;
	bool tried, ok;
	struct buf why; /* when !ok */
};

/* Load what the options name. Returns 0, or -1 (b->why says why; messages already printed). */
int bootstrap_load(struct bootstrap *b, const struct bootstrap_opts *o);
void bootstrap_free(struct bootstrap *b);
enum rdap_match bootstrap_lookup(const struct bootstrap *b, const char *name, bool allow_http,
				 const char **base);
/* Read a whole file of at most max bytes. Returns 0 or -1 with why. */
int read_file(const char *path, size_t max, struct buf *out, struct buf *why);

/* The ISC service as one run uses it (iscclient.c): its config, the status reports, and
 * whether it may be asked at all. */
struct isc_client {
	const char *url;
	struct http_opts http;
	bool usable;	       /* config and status allowed it */
	struct buf why;	       /* when !usable: why, for the records that fall back */
	struct isc_config cfg; /* prohibited TLDs */
	long interval;	       /* minutes between status reports */
	int64_t next_status;   /* Unix time of the next one */
	bool status_warned;
	long db_version; /* the store's import version, ISC_MINORS-scaled */
	/* efficiency reported by status: memory cache hits, misses, expired; store hits, misses */
	int64_t cache[3], database[2];
};

/* Ask for the config and send the first status. Problems are printed and leave the client
 * unusable (the records fall back to the next source). db_version is the store's import
 * version (ISC_MINORS-scaled, 0 when none). */
void isc_client_start(struct isc_client *c, const char *url, const struct http_opts *http,
		      long db_version, int64_t now);
/* Send the status report when it is due. */
void isc_client_tick(struct isc_client *c, int64_t now);
void isc_client_free(struct isc_client *c);

#define DAY 86400

struct source;
struct options {
	const char *field;
	char **files; /* operands: the input files, none for standard input */
	int nfiles;
	bool pass; /* --pass-through */
	size_t max_line;
	long established_days;
	enum date_style date_style;
	bool compat;
	struct bootstrap_opts bs;
	struct http_opts http;
	long jobs;	     /* global transfers in flight */
	long server_conns;   /* per server */
	double server_rate;  /* requests per second per server */
	long retries;	     /* after 429/503 */
	long retry_wait_max; /* seconds */
	long window;	     /* records kept for reordering */
	bool no_related;
	enum progress_mode progress;
	const char *db;
	bool offline, refresh;
	long ttl_max, ttl_no_expiry, ttl_not_found, ttl_error;
	bool whois;
	const char *whois_server;			   /* HOST[:PORT] for every whois query */
	const char *whois_map;				   /* file of "tld host[:port]" lines */
	const char *isc_url;				   /* the ISC service */
	enum source_kind { SRC_RDAP, SRC_ISC } sources[2]; /* in order of preference */
	int nsources;
	int64_t now_step;  /* $DOMSTAT_NOW_STEP: the injected clock's move per record (tests) */
	int64_t fixed_now; /* $DOMSTAT_NOW: the injected clock's start (tests), or -1 */
};

/* What became of one domain. */
struct result {
	bool ok;		  /* dates came back (created may still be unknown) */
	int64_t created, expires; /* DATE_UNKNOWN when unknown */
	char source[16];	  /* "RDAP", "WHOIS", or an import tag */
	char code[24];		  /* error code when !ok */
	struct buf msg;
	int64_t isc_seen;    /* the ISC's first sight; DATE_UNKNOWN unless it answered */
	struct buf alerts;   /* the answer's alerts, each NUL-terminated */
	bool extra_alerts;   /* an alert besides ISC-FIRST-CONTACT: kept 24 hours only */
	int64_t keep_until;  /* 0: the usual lifetimes; -1: not kept; else this */
	struct buf fallback; /* why the preferred ISC service was not used */
};

struct job;

/* One record in the reorder window. */
struct slot {
	struct record rec;
	bool done, has_result;
	struct result res;
};

struct server {
	char *key; /* scheme://host[:port] */
	struct job *qhead, *qtail;
	long active;
	int64_t next_ms; /* earliest start of the next request (rate limit) */
	int64_t paused_until_ms;
	struct server *next;
};

struct job {
	char *domain;	    /* A-label registrable domain */
	char *base;	    /* the bootstrap service's base URL */
	struct server *srv; /* where the current request goes */
	char *url;
	int attempts;
	bool related_stage;	  /* fetching the registrar's copy */
	const struct source *via; /* where the current request goes: its kind */
	int src;		  /* the source being tried, an index into opt.sources */
	bool local;		  /* res failed here, without an answer from a server: not stored */
	struct whois_conn *wc;
	int64_t deadline_ms;
	struct result res; /* the registry's answer while the registrar's is fetched */
	size_t *waiters;   /* window positions (absolute record numbers) */
	size_t nwait, capwait;
	struct job *qnext, *hnext;
};

/* Recent answers in memory (answers.c). */
struct memo {
	char *domain;
	struct result res;
	int64_t valid_until;
};

/* One run of domain-born: everything its parts share, passed to each instead of file-scope
 * variables. */
struct born {
	struct options opt;
	const struct linereader *input; /* the records' reader, for its file descriptor */
	int64_t fixed_now;   /* the injected clock (DOMSTAT_NOW), moved on per record; -1: real */
	struct window win;   /* of struct slot, by absolute record number */
	size_t window_bytes; /* bytes of input held there */
	/* the network and its politeness (sched.c) */
	struct http *http;
	struct server *servers;
	struct job **jobtab;
	size_t jobtab_cap, njobs;
	long total_active;
	/* whois queries in progress (src_whois.c) */
	struct job **wjobs;
	size_t nwjobs, capwjobs;
	struct buf whois_map; /* "tld host[:port]" lines from --whois-map, loaded once */
	bool whois_map_loaded;
	/* the sources */
	struct bootstrap boot;
	struct isc_client isc;
	bool isc_on; /* the ISC service is among the sources and the network is used */
	/* the answer cache in front of the store (answers.c) */
	struct store *db;
	int64_t run_started;
	bool db_warned;
	/* a store read failed in --offline: the store is all there is, so the run ends with
	 * status 2 (as seen-db does), each record it could not answer carrying store-unreadable */
	bool store_unreadable;
	struct memo *memo;
	unsigned memo_victim;
	struct dname dn;
	struct {
		unsigned long done, errors, fetched;
	} progress;
};

/* A place to ask (src_rdap.c, src_isc.c, src_whois.c). Adding one is a new file with its
 * struct source, and its name in job_try (sched.c); the retry policy, which is the same for
 * all, is in sched.c. */
struct source {
	const char *name;
	/* Make the job ready to queue: its url and server (set_url), or false when this source
	 * cannot be asked for the domain (job->res says why). May hand the job to another
	 * source by setting job->via (RDAP to whois). */
	bool (*prepare)(struct born *b, struct job *job);
	/* Start the request the politeness limits allow now: false when it could not start (the
	 * job has been finished with the reason). */
	bool (*start)(struct born *b, struct job *job, int64_t t);
	/* An HTTP exchange finished and is not retried: make it the job's result and go on
	 * (job_finish, or queue a next stage). NULL for sources that do not use HTTP. */
	void (*done)(struct born *b, struct job *job, struct http_req *r);
};
extern const struct source source_rdap, source_isc, source_whois;

/* options.c */
void born_parse_options(struct options *o, int argc, char **argv);

/* domain-born.c: the window */
void finish_slot(struct born *b, size_t no, const struct result *res);
/* Write out every finished record at the head of the window. */
void emit_ready(struct born *b);

/* result.c: what became of a domain, and how it goes into a record */
void result_init(struct result *r);
void result_free(struct result *r);
void result_copy(struct result *dst, const struct result *src);
/* Forget an answer before the next source is asked; why the ISC was skipped stays. */
void result_clear(struct result *r);
bool result_good(const struct result *r);
void result_fail(struct result *r, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Put a result into the record's members. */
void apply(struct born *b, struct record *r, const struct result *res);
/* Remove one alert from a list of NUL-terminated ones. */
void drop_alert(struct buf *alerts, const char *which);

/* answers.c: the answer cache in front of the store */
/* A stored answer for domain: 1 and *r filled, 0 none, -1 the store could not be read (with
 * --offline, *r holds the store-unreadable error). */
int cache_get(struct born *b, const char *domain, struct result *r);
void cache_put(struct born *b, const char *domain, const struct result *r, const char *server);
void db_failed(struct born *b, struct buf *why);
/* Close the batch when it is big or old enough; a new one starts at the next write. */
void db_tick(struct born *b);
void memo_free(struct born *b);

/* sched.c: jobs, servers, politeness, retries, the network loop */
int64_t now_ms(void);
int64_t now_s(struct born *b);
void sched_init(struct born *b);
void sched_free(struct born *b);
struct job *job_find(struct born *b, const char *domain);
/* A new job for domain, its first waiter the record no, queued on the first source that can
 * be asked (or ended at once when none can). */
void job_new(struct born *b, const char *domain, size_t no);
/* A source answered (or failed): a failure moves on to the next source, if there is one. */
void job_finish(struct born *b, struct job *job);
void set_url(struct born *b, struct job *job, const char *url);
void enqueue(struct job *job, bool front);
/* scheme://host[:port] of a URL: the unit politeness limits apply to. */
char *server_key(const char *url);
/* Start an HTTP request for the job (post: a body to POST, handed over, or NULL). */
bool http_begin(struct born *b, struct job *job, char *post);
/* An HTTP exchange that is not a 2xx answer, made the job's failure: true; false for a 2xx
 * answer, left for the source to read. */
bool http_failed(struct job *job, struct http_req *r);
/* Move the network on: start what may start, wait at most max_wait ms (or until fd is
 * readable, if fd >= 0), handle what finished. Returns true when fd became readable. */
bool pump(struct born *b, long max_wait, int fd);
bool work_pending(struct born *b);

/* src_rdap.c */
/* Load the bootstrap registry on first use; false (res says why) when there is none. */
bool ensure_bootstrap(struct born *b, struct result *res);

/* src_whois.c: the whois queries in progress, polled by pump */
long whois_wait_fds(struct born *b, struct http_waitfd *fds, unsigned *nfds, long w, int64_t t);
void whois_after_poll(struct born *b, const struct http_waitfd *fds, unsigned nw);
void whois_free(struct born *b);

#endif
