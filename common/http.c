/* SPDX-License-Identifier: ISC */
/* A small libcurl multi wrapper: bounded GETs in parallel, errors as stable short codes. */
#include <arpa/inet.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "http.h"
#include "xalloc.h"

struct http {
	CURLM *multi;
	struct http_opts o;
	char *cacert, *user_agent, *accept;
	struct curl_slist *headers;
	size_t active;
	int ep;		 /* http_event_fd's epoll descriptor, -1 before */
	double timer_at; /* when libcurl's timer is due (ms, CLOCK_MONOTONIC), -1 none */
};

static double
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* libcurl's curl_global_init must run once per process, whichever of http_new and the blocking
 * requests comes first: that fact, not any one client's, is kept here. */
static bool curl_ready;

static void
fill_defaults(struct http_opts *o)
{
	if (o->connect_timeout_ms <= 0)
		o->connect_timeout_ms = 10000;
	if (o->timeout_ms <= 0)
		o->timeout_ms = 20000;
	if (o->max_body == 0)
		o->max_body = 1024 * 1024;
	if (o->max_redirects < 0)
		o->max_redirects = 0;
}

struct http *
http_new(const struct http_opts *o, struct buf *why)
{
	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
			buf_adds(why, "cannot initialise libcurl");
			return NULL;
		}
		curl_ready = true;
	}
	struct http *h = xcalloc(1, sizeof *h);
	h->ep = -1;
	h->timer_at = -1;
	h->o = *o;
	fill_defaults(&h->o);
	h->cacert = o->cacert ? xstrdup(o->cacert) : NULL;
	h->user_agent = o->user_agent ? xstrdup(o->user_agent) : NULL;
	if (o->accept) {
		struct buf b = BUF_INIT;
		buf_addf(&b, "Accept: %s", o->accept);
		h->headers = curl_slist_append(NULL, b.s);
		buf_free(&b);
	}
	h->multi = curl_multi_init();
	if (!h->multi) {
		buf_adds(why, "cannot create a libcurl multi handle");
		http_free(h);
		return NULL;
	}
	curl_multi_setopt(h->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
	return h;
}

void
http_free(struct http *h)
{
	if (!h)
		return;
	if (h->multi)
		curl_multi_cleanup(h->multi);
	if (h->ep >= 0)
		close(h->ep);
	curl_slist_free_all(h->headers);
	free(h->cacert);
	free(h->user_agent);
	free(h);
}

struct http_req *
http_req_new(const char *url, void *user)
{
	struct http_req *r = xcalloc(1, sizeof *r);
	r->url = xstrdup(url);
	r->user = user;
	r->retry_after = -1;
	return r;
}

void
http_req_free(struct http_req *r)
{
	if (!r)
		return;
	if (r->easy)
		curl_easy_cleanup(r->easy);
	curl_slist_free_all(r->headers);
	curl_slist_free_all(r->connect);
	free(r->connect_to);
	free(r->content_type);
	free(r->url);
	free(r->post);
	free(r->effective_url);
	buf_free(&r->body);
	buf_free(&r->msg);
	free(r);
}

static size_t
on_body(char *p, size_t size, size_t nmemb, void *arg)
{
	struct http_req *r = arg;
	size_t n = size * nmemb;
	if (r->body.len + n > r->max_body) {
		r->too_large = true;
		return 0; /* aborts the transfer with CURLE_WRITE_ERROR */
	}
	buf_add(&r->body, p, n);
	return n;
}

/* Is this address one an answer must not send us to (SSRF guard): loopback, private, shared,
 * link-local, unique-local, unspecified, multicast or reserved? */
static bool
private_address(const char *ip)
{
	unsigned char a[16];
	/* also the ranges no public server has: documentation (RFC 5737, RFC 3849), benchmarking
	 * (RFC 2544) and IETF protocol assignments (RFC 6890) */
	if (inet_pton(AF_INET, ip, a) == 1)
		return a[0] == 0 || a[0] == 10 || a[0] == 127 || (a[0] == 169 && a[1] == 254) ||
		       (a[0] == 172 && (a[1] & 0xF0) == 16) || (a[0] == 192 && a[1] == 168) ||
		       (a[0] == 100 && (a[1] & 0xC0) == 64) || a[0] >= 224 ||
		       (a[0] == 192 && a[1] == 0 && (a[2] == 0 || a[2] == 2)) ||
		       (a[0] == 198 && a[1] == 51 && a[2] == 100) ||
		       (a[0] == 203 && a[1] == 0 && a[2] == 113) ||
		       (a[0] == 198 && (a[1] & 0xFE) == 18);
	if (inet_pton(AF_INET6, ip, a) != 1)
		return true; /* not an address we understand: refuse */
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	if (!memcmp(a, mapped, 12)) {
		char v4[INET_ADDRSTRLEN];
		return !inet_ntop(AF_INET, a + 12, v4, sizeof v4) || private_address(v4);
	}
	static const unsigned char zero[15] = {0};
	if (!memcmp(a, zero, 15) && a[15] <= 1)
		return true; /* :: and ::1 */
	return (a[0] & 0xFE) == 0xFC || (a[0] == 0xFE && (a[1] & 0xC0) == 0x80) || a[0] == 0xFF ||
	       (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0d && a[3] == 0xb8);
}

/* Called before each request is sent, redirects included, with the address connected to. */
static int
on_prereq(void *arg, char *ip, char *local_ip, int port, int local_port)
{
	struct http_req *r = arg;
	(void)local_ip, (void)port, (void)local_port;
	bool guarded = r->guard_private || r->hops > 0;
	r->hops++;
	if (guarded && private_address(ip) && !r->allowed_ip) {
		r->private_refused = true;
		return CURL_PREREQFUNC_ABORT;
	}
	return CURL_PREREQFUNC_OK;
}

/* Called before each connection is opened: a refused address is never connected to (the
 * prerequest check above sees the address only once connected). */
static curl_socket_t
on_open(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct http_req *r = arg;
	(void)purpose;
	char ip[INET6_ADDRSTRLEN] = "";
	const struct sockaddr *sa = &a->addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, ip, sizeof ip);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, ip, sizeof ip);
	r->allowed_ip = r->allow_addr && r->allow_addr(r->allow_arg, sa);
	if ((r->guard_private || r->hops > 0) && private_address(ip) && !r->allowed_ip) {
		r->private_refused = true;
		return CURL_SOCKET_BAD;
	}
	return socket(a->family, a->socktype, a->protocol);
}

static void
setup_easy(const struct http_opts *o, CURL *e, struct http_req *r, const char *cacert,
	   const char *ua, struct curl_slist *headers)
{
	const char *protos = o->allow_http ? "http,https" : "https";
	curl_easy_setopt(e, CURLOPT_URL, r->url);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, protos);
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, protos);
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, o->max_redirects > 0 ? 1L : 0L);
	curl_easy_setopt(e, CURLOPT_MAXREDIRS, o->max_redirects);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, o->connect_timeout_ms);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, o->timeout_ms);
	curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_body);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_PRIVATE, r);
	if (cacert)
		curl_easy_setopt(e, CURLOPT_CAINFO, cacert);
	if (ua)
		curl_easy_setopt(e, CURLOPT_USERAGENT, ua);
	if (r->post) {
		/* a POST carries its own headers: the JSON type besides the shared Accept */
		struct curl_slist *own = curl_slist_append(NULL, "Content-Type: application/json");
		for (struct curl_slist *h = headers; h; h = h->next)
			own = curl_slist_append(own, h->data);
		r->headers = own;
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->post);
		/* a redirected POST stays a POST (libcurl would turn it into a GET) */
		curl_easy_setopt(e, CURLOPT_POSTREDIR, (long)CURL_REDIR_POST_ALL);
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(r->post));
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, own);
	} else if (headers) {
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);
	}
	r->max_body = o->max_body;
	if (o->buffer_size > 0)
		curl_easy_setopt(e, CURLOPT_BUFFERSIZE, o->buffer_size);
	if (r->no_follow)
		curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	if (r->connect_to) {
		r->connect = curl_slist_append(NULL, r->connect_to);
		curl_easy_setopt(e, CURLOPT_CONNECT_TO, r->connect);
	}
	if (!o->allow_private) {
		r->allow_addr = o->allow_addr;
		r->allow_arg = o->allow_arg;
		curl_easy_setopt(e, CURLOPT_PREREQFUNCTION, on_prereq);
		curl_easy_setopt(e, CURLOPT_PREREQDATA, r);
		curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, on_open);
		curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, r);
	}
}

int
http_start(struct http *h, struct http_req *r)
{
	CURL *e = curl_easy_init();
	if (!e) {
		r->code = "network";
		buf_adds(&r->msg, "cannot create a libcurl handle");
		return -1;
	}
	r->easy = e;
	setup_easy(&h->o, e, r, h->cacert, h->user_agent, h->headers);
	if (curl_multi_add_handle(h->multi, e) != CURLM_OK) {
		r->code = "network";
		buf_adds(&r->msg, "cannot start the transfer");
		return -1;
	}
	h->active++;
	return 0;
}

size_t
http_active(const struct http *h)
{
	return h->active;
}

/* Sort a libcurl result into our codes. */
static void
classify(struct http_req *r, CURLcode rc, const char *detail)
{
	if (r->private_refused && rc != CURLE_OK) {
		r->code = "private-address";
		buf_adds(&r->msg, "refused to follow a link to a loopback or private address "
				  "(see --allow-private)");
		return;
	}
	switch (rc) {
	case CURLE_OK:
		return;
	case CURLE_OPERATION_TIMEDOUT:
		r->code = "timeout";
		break;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_USE_SSL_FAILED:
		r->code = "tls";
		break;
	case CURLE_FILESIZE_EXCEEDED:
		r->code = "too-large";
		break;
	case CURLE_WRITE_ERROR:
		r->code = r->too_large ? "too-large" : "network";
		break;
	case CURLE_TOO_MANY_REDIRECTS:
		r->code = "too-many-redirects";
		break;
	case CURLE_UNSUPPORTED_PROTOCOL:
		/* a redirect to a scheme we refuse; with no redirect the answer was not HTTP at
		 * all (libcurl refuses HTTP/0.9 with the same code) */
		if (r->status < 300 || r->status > 399) {
			r->code = "network";
			buf_adds(&r->msg, "the answer is not HTTP");
			return;
		}
		r->code = "insecure-redirect";
		break;
	default:
		r->code = "network";
		break;
	}
	if (!strcmp(r->code, "too-large"))
		buf_addf(&r->msg, "answer larger than %zu bytes", r->max_body);
	else
		buf_addf(&r->msg, "%s", detail && *detail ? detail : curl_easy_strerror(rc));
}

static void
finish(struct http_req *r, CURLcode rc, const char *detail)
{
	CURL *e = r->easy;
	long status = 0;
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
	r->status = status;
	char *eff = NULL;
	if (curl_easy_getinfo(e, CURLINFO_EFFECTIVE_URL, &eff) == CURLE_OK && eff)
		r->effective_url = xstrdup(eff);
	curl_off_t ra = 0;
	if (curl_easy_getinfo(e, CURLINFO_RETRY_AFTER, &ra) == CURLE_OK && ra > 0)
		r->retry_after = (int64_t)ra;
	char *ct = NULL;
	if (curl_easy_getinfo(e, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct)
		r->content_type = xstrdup(ct);
	curl_off_t us = 0;
	if (curl_easy_getinfo(e, CURLINFO_TOTAL_TIME_T, &us) == CURLE_OK)
		r->ms = (double)us / 1000.0;
	classify(r, rc, detail);
}

/* The finished requests, linked by ->next. */
static struct http_req *
collect(struct http *h)
{
	struct http_req *done = NULL, **tail = &done;
	CURLMsg *m;
	int left;
	while ((m = curl_multi_info_read(h->multi, &left))) {
		if (m->msg != CURLMSG_DONE)
			continue;
		struct http_req *r = NULL;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&r);
		CURLcode rc = m->data.result;
		curl_multi_remove_handle(h->multi, m->easy_handle);
		finish(r, rc, NULL);
		h->active--;
		r->next = NULL;
		*tail = r;
		tail = &r->next;
	}
	return done;
}

struct http_req *
http_poll(struct http *h, int timeout_ms, struct http_waitfd *fds, unsigned nfds)
{
	for (unsigned i = 0; i < nfds; i++)
		fds[i].revents = 0;
	int running = 0;
	curl_multi_perform(h->multi, &running);
	struct http_req *done = collect(h);
	if (done)
		return done;
	struct curl_waitfd stackfds[16], *wfd = stackfds;
	if (nfds > 16)
		wfd = xcalloc(nfds, sizeof *wfd);
	for (unsigned i = 0; i < nfds; i++) {
		wfd[i].fd = fds[i].fd;
		wfd[i].events = (short)(((fds[i].events & POLLIN) ? CURL_WAIT_POLLIN : 0) |
					((fds[i].events & POLLOUT) ? CURL_WAIT_POLLOUT : 0));
		wfd[i].revents = 0;
	}
	curl_multi_poll(h->multi, wfd, nfds, timeout_ms, NULL);
	for (unsigned i = 0; i < nfds; i++)
		fds[i].revents = (short)(((wfd[i].revents & CURL_WAIT_POLLIN) ? POLLIN : 0) |
					 ((wfd[i].revents & CURL_WAIT_POLLOUT) ? POLLOUT : 0));
	if (wfd != stackfds)
		free(wfd);
	return NULL;
}

static int
on_socket(CURL *e, curl_socket_t fd, int what, void *arg, void *sockp)
{
	struct http *h = arg;
	(void)e, (void)sockp;
	if (what == CURL_POLL_REMOVE) {
		epoll_ctl(h->ep, EPOLL_CTL_DEL, fd, NULL);
		return 0;
	}
	struct epoll_event ev = {.events = ((what & CURL_POLL_IN) ? EPOLLIN : 0) |
					   ((what & CURL_POLL_OUT) ? EPOLLOUT : 0),
				 .data.fd = fd};
	if (epoll_ctl(h->ep, EPOLL_CTL_MOD, fd, &ev) < 0)
		epoll_ctl(h->ep, EPOLL_CTL_ADD, fd, &ev);
	return 0;
}

static int
on_timer(CURLM *m, long ms, void *arg)
{
	struct http *h = arg;
	(void)m;
	h->timer_at = ms < 0 ? -1 : now_ms() + (double)ms;
	return 0;
}

int
http_event_fd(struct http *h)
{
	if (h->ep >= 0)
		return h->ep;
	h->ep = epoll_create1(EPOLL_CLOEXEC);
	if (h->ep < 0)
		return -1;
	curl_multi_setopt(h->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
	curl_multi_setopt(h->multi, CURLMOPT_SOCKETDATA, h);
	curl_multi_setopt(h->multi, CURLMOPT_TIMERFUNCTION, on_timer);
	curl_multi_setopt(h->multi, CURLMOPT_TIMERDATA, h);
	return h->ep;
}

long
http_next_ms(const struct http *h)
{
	if (h->timer_at < 0)
		return -1;
	double d = h->timer_at - now_ms();
	return d <= 0 ? 0 : (long)d + 1;
}

struct http_req *
http_step(struct http *h)
{
	int running = 0;
	struct epoll_event evs[64];
	int n = epoll_wait(h->ep, evs, 64, 0);
	for (int i = 0; i < n; i++) {
		int flags = 0;
		if (evs[i].events & (EPOLLIN | EPOLLHUP))
			flags |= CURL_CSELECT_IN;
		if (evs[i].events & EPOLLOUT)
			flags |= CURL_CSELECT_OUT;
		if (evs[i].events & EPOLLERR)
			flags |= CURL_CSELECT_ERR;
		curl_multi_socket_action(h->multi, evs[i].data.fd, flags, &running);
	}
	if (h->timer_at >= 0 && now_ms() >= h->timer_at) {
		h->timer_at = -1;
		curl_multi_socket_action(h->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	}
	return collect(h);
}

/* One blocking request (a GET with If-Modified-Since when since > 0, or a POST of json). */
static long
request_once(const struct http_opts *o, const char *url, const char *json, int64_t since,
	     struct buf *body, struct buf *why)
{
	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
			buf_adds(why, "cannot initialise libcurl");
			return -1;
		}
		curl_ready = true;
	}
	struct http_opts oo = *o;
	fill_defaults(&oo);
	oo.max_body = o->max_body ? o->max_body : 16 * 1024 * 1024;
	struct http_req *r = http_req_new(url, NULL);
	if (json)
		r->post = xstrdup(json);
	CURL *e = curl_easy_init();
	if (!e) {
		buf_adds(why, "cannot create a libcurl handle");
		http_req_free(r);
		return -1;
	}
	r->easy = e;
	struct curl_slist *accept = NULL;
	if (json && o->accept) {
		struct buf b = BUF_INIT;
		buf_addf(&b, "Accept: %s", o->accept);
		accept = curl_slist_append(NULL, b.s);
		buf_free(&b);
	}
	setup_easy(&oo, e, r, o->cacert, o->user_agent, accept);
	if (since > 0) {
		curl_easy_setopt(e, CURLOPT_TIMECONDITION, (long)CURL_TIMECOND_IFMODSINCE);
		curl_easy_setopt(e, CURLOPT_TIMEVALUE_LARGE, (curl_off_t)since);
	}
	char err[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, err);
	CURLcode rc = curl_easy_perform(e);
	finish(r, rc, err);
	long status = -1;
	if (r->code) {
		buf_addf(why, "%s", r->msg.s);
	} else {
		status = r->status;
		long unmet = 0;
		curl_easy_getinfo(e, CURLINFO_CONDITION_UNMET, &unmet);
		if (unmet && status == 200)
			status = 304;
		buf_reset(body);
		buf_add(body, buf_str(&r->body), r->body.len);
	}
	http_req_free(r);
	curl_slist_free_all(accept);
	return status;
}

long
http_get_once(const struct http_opts *o, const char *url, int64_t since, struct buf *body,
	      struct buf *why)
{
	return request_once(o, url, NULL, since, body, why);
}

long
http_post_once(const struct http_opts *o, const char *url, const char *json, struct buf *body,
	       struct buf *why)
{
	return request_once(o, url, json, 0, body, why);
}
