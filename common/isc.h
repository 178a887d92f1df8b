/* SPDX-License-Identifier: ISC */
/* The SANS ISC domain API as domain_stats specified it: JSON commands config, status and query
 * POSTed to one URL. Building the requests and reading the answers, as pure functions over
 * bytes (no I/O), so the answer parsers can be fuzzed. */
#ifndef ISC_H
#define ISC_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* A "major.minor" version as one comparable number: major * ISC_MINORS + minor. */
#define ISC_MINORS 100000L

/* What `config` answers. Versions are -1 when the service names none. */
struct isc_config {
	long min_software, min_database;
	struct buf prohibited; /* lowercase suffixes, each with a leading dot, NUL-terminated */
};

/* What `status` answers. */
struct isc_status {
	long interval;	 /* minutes until the next report */
	struct buf deny; /* deny_client: empty when the client may go on */
};

/* What `query` answers. */
struct isc_answer {
	bool error;			    /* the error form: seen_by_web "ERROR" */
	int64_t seen_by_web, expires, seen; /* success; expires DATE_UNKNOWN when absent */
	long ttl_hours;	    /* error: > 0 hours, 0 no cache, -1 no expiry, -2 permanent */
	bool first_contact; /* ISC-FIRST-CONTACT was among the alerts */
	bool other_alerts;  /* some alert other than ISC-FIRST-CONTACT */
	struct buf alerts;  /* every alert, each NUL-terminated */
	size_t nalerts;
};

#define ISC_FIRST_CONTACT "ISC-FIRST-CONTACT"

/* "major.minor" (digits only, each part at most 5 digits) to a number, or -1. */
long isc_version(const char *s, size_t n);

void isc_config_init(struct isc_config *c);
void isc_config_free(struct isc_config *c);
/* Read a config answer. Returns 0, or -1 with why. */
int isc_parse_config(const char *s, size_t n, struct isc_config *c, struct buf *why);
/* Is the A-label name under a TLD (or suffix) the service refuses to be asked about? */
bool isc_prohibited(const struct isc_config *c, const char *name);

void isc_status_init(struct isc_status *st);
void isc_status_free(struct isc_status *st);
int isc_parse_status(const char *s, size_t n, struct isc_status *st, struct buf *why);

void isc_answer_init(struct isc_answer *a);
void isc_answer_free(struct isc_answer *a);
/* Read a query answer for name. Returns 0, or -1 with why (the answer is unusable). */
int isc_parse_answer(const char *s, size_t n, struct isc_answer *a, struct buf *why);

/* The request bodies. */
void isc_request_config(struct buf *out);
void isc_request_status(struct buf *out, const char *client_version, const char *database_version,
			const int64_t cache[3], const int64_t database[2]);
void isc_request_query(struct buf *out, const char *domain);

#endif
