/* SPDX-License-Identifier: ISC */
/* Many HTTP GETs at once over libcurl's multi interface, each with a body cap, timeouts and a
 * bounded number of redirects, and transport failures sorted into stable short codes. The
 * caller decides what to start and when; this file only moves bytes. */
#ifndef HTTP_H
#define HTTP_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "buf.h"

struct http_opts {
	long connect_timeout_ms; /* default 10 s */
	long timeout_ms;	 /* whole transfer, default 20 s */
	size_t max_body;	 /* bytes; a larger answer fails with "too-large" (default 1 MiB) */
	long max_redirects;	 /* default 5; 0 = do not follow */
	bool allow_http;	 /* allow http:// (also for redirects); https only otherwise */
	bool
	    allow_private; /* let redirects and guarded requests reach loopback/private addresses */
	const char *cacert; /* CA bundle file, NULL for the system's */
	const char *user_agent;
	const char *accept; /* Accept header, NULL for none */
	long buffer_size;   /* libcurl's receive buffer per transfer (bytes), 0 for its 16 KiB */
	/* with allow_private off: a private address this says yes to may be reached all the
	 * same (dns-scan's --https-allow ranges); NULL for none */
	bool (*allow_addr)(void *arg, const struct sockaddr *sa);
	void *allow_arg;
};

struct http_req {
	/* set by the caller */
	char *url; /* malloc'd; freed by http_req_free */
	void *user;
	char *post; /* a JSON body to POST (malloc'd, freed by http_req_free); NULL for a GET */
	bool guard_private; /* refuse a private address even for the first hop (links found in
			       answers) */
	bool no_follow;	    /* do not follow redirects: a 3xx answer is the result */
	char *connect_to;   /* "HOST:PORT:ADDR:PORT" (CURLOPT_CONNECT_TO), malloc'd, or NULL */
	/* results, valid once the request is done */
	long status; /* HTTP status of the last answer, 0 if none */
	struct buf body;
	char *effective_url; /* after redirects, malloc'd */
	int64_t retry_after; /* seconds from a Retry-After header, -1 when absent */
	char *content_type;  /* of the last answer, malloc'd, NULL when none */
	double ms;	     /* the transfer's total time */
	const char *code;    /* NULL when an HTTP answer arrived; else "timeout", "tls",
				"network", "too-large", "too-many-redirects", "insecure-redirect",
				"private-address" */
	struct buf msg;	     /* the transport error in words */
	/* private */
	void *easy;
	void *headers; /* a POST's own header list */
	void *connect; /* the connect_to list */
	bool too_large;
	bool private_refused;
	bool allowed_ip; /* the address connected to is one allow_addr accepted */
	bool (*allow_addr)(void *arg, const struct sockaddr *sa);
	void *allow_arg;
	unsigned hops;
	size_t max_body;
	struct http_req *next;
};

struct http;

struct http *http_new(const struct http_opts *o, struct buf *why);
void http_free(struct http *h);
/* A new request for url (copied). */
struct http_req *http_req_new(const char *url, void *user);
void http_req_free(struct http_req *r);
/* Start r; it comes back from http_poll when done. Returns 0, or -1 if it could not start
 * (r->code and r->msg say why, and r is done at once: it is not returned by http_poll). */
int http_start(struct http *h, struct http_req *r);
/* Number of requests started and not yet returned. */
size_t http_active(const struct http *h);
/* Another descriptor to wait on with the transfers: events and revents use POLLIN/POLLOUT. */
struct http_waitfd {
	int fd;
	short events, revents;
};

/* Move transfers on, waiting up to timeout_ms for activity on them or on the extra
 * descriptors (their revents are set). Finished requests are returned as a list linked by
 * ->next (NULL when none); when some finished, no waiting is done. */
struct http_req *http_poll(struct http *h, int timeout_ms, struct http_waitfd *fds, unsigned nfds);

/* Or drive the transfers from the caller's own event loop (dns-scan's), not http_poll: the
 * sockets of libcurl are kept in an epoll descriptor, returned here (-1 on failure), that the
 * caller watches for input with its own; http_next_ms says how long the caller may wait before
 * http_step is due (-1: no timer); http_step moves the transfers on without waiting and
 * returns the finished ones as http_poll does. Call it before starting any request. */
int http_event_fd(struct http *h);
long http_next_ms(const struct http *h);
struct http_req *http_step(struct http *h);

/* One POST of a JSON body to url, blocking: the HTTP status with the answer in body, or -1 with
 * why. For the few control requests of a service (see isc.h). */
long http_post_once(const struct http_opts *o, const char *url, const char *json, struct buf *body,
		    struct buf *why);

/* One GET with If-Modified-Since: fetch url into body when it changed after since (Unix
 * seconds; 0 = unconditionally). Returns the HTTP status (304 = not modified) or -1 with why.
 * Blocking; for small files such as the RDAP bootstrap. */
long http_get_once(const struct http_opts *o, const char *url, int64_t since, struct buf *body,
		   struct buf *why);

#endif
