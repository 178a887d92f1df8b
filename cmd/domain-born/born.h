/* domain-born's own pieces shared between its files. */
#ifndef BORN_H
#define BORN_H
#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
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

#endif
