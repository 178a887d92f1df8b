/* SPDX-License-Identifier: ISC */
/* whois (RFC 3912, port 43) as a best-effort fallback for domains without RDAP: a non-blocking
 * client with a bounded read, and a parser for the common creation/expiry lines. The parser is a
 * pure function over bytes. */
#ifndef WHOIS_H
#define WHOIS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* Creation and expiry dates from whois text (labels such as "Creation Date:", "created:",
 * "Registered on:", "Registration Time:", "Registry Expiry Date:", "paid-till:", "Expiry
 * date:"; dates in ISO 8601, YYYY-MM-DD, YYYY.MM.DD, YYYY/MM/DD, DD-Mon-YYYY, DD.MM.YYYY, with
 * or without a time and a UTC/GMT suffix). The first creation and first expiry line that parse
 * win. Unknown stays DATE_UNKNOWN. Returns true when the text says the name is not registered
 * ("No match", "NOT FOUND", "No entries found", "Status: free", ...), else false. */
bool whois_parse(const char *text, size_t n, int64_t *created, int64_t *expires);
/* One whois date value (the part after the label), trimmed. 0 or -1. */
int whois_date(const char *s, size_t n, int64_t *t);
/* The whois server for a top-level label from the built-in table, or NULL (then the caller
 * may try whois.nic.<tld>). */
const char *whois_server_for(const char *tld);
/* The query line to send for a domain to host (some servers want extra words), into out. */
void whois_query(const char *host, const char *domain, struct buf *out);

enum whois_state { WHOIS_CONNECTING, WHOIS_SENDING, WHOIS_READING, WHOIS_DONE };

struct whois_conn {
	int fd;
	enum whois_state state;
	struct buf out; /* query still to send */
	size_t sent;
	struct buf in; /* answer read so far */
	size_t max;    /* stop reading after this many bytes (the read is bounded) */
	bool truncated;
	const char *code; /* NULL, or "network", "timeout" when done with an error */
	struct buf msg;
};

/* Start a non-blocking connection to host:port (resolved now, which may block on DNS) sending
 * query. Returns 0, or -1 with c->code/c->msg set and c->state WHOIS_DONE. */
int whois_start(struct whois_conn *c, const char *host, const char *port, const char *query,
		size_t max);
/* The poll events the connection waits for (POLLIN or POLLOUT). */
short whois_events(const struct whois_conn *c);
/* Move on after the descriptor was ready. Returns true once done (c->code NULL on success). */
bool whois_step(struct whois_conn *c);
/* Mark as timed out and close. */
void whois_timeout(struct whois_conn *c);
void whois_close(struct whois_conn *c);

#endif
