/* SPDX-License-Identifier: ISC */
/* dns-scan's HTTPS fetches: the MTA-STS policy (RFC 8461 3.3) and security.txt (RFC 9116 3).
 * The host's addresses are asked of the resolvers like every other question (so the scan sees
 * the names the tests' zones and a lab's resolvers give), then libcurl connects to the first
 * one while the certificate is checked against the host's name. The transfers run on libcurl's
 * multi interface, its sockets in an epoll descriptor that the DNS loop watches
 * (dns_engine_watch_aux): a fetch never blocks the questions, and --timeout bounds each one. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "jsonw.h"
#include "scan.h"
#include "tool.h"
#include "xalloc.h"

const char *const fetch_name[FETCH_COUNT] = {"mta-sts-policy", "security-txt"};

#define FETCH_MAX_BODY	    (64 * 1024) /* a policy is a few lines, a security.txt a page */
#define FETCH_MAX_REDIRECTS 3		/* security.txt only: an MTA-STS fetch follows none */
#define FETCH_MAX_ADDRS	    8		/* of each family */

static bool
allowed(void *arg, const struct sockaddr *sa)
{
	(void)arg;
	struct dns_addr a = {.len = sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
							      : sizeof(struct sockaddr_in)};
	memcpy(&a.ss, sa, a.len);
	return opt.nhttps_allow && dns_cidr_match(opt.https_allow, opt.nhttps_allow, &a);
}

bool
fetch_part(const char *name)
{
	for (int k = 0; k < FETCH_COUNT; k++)
		if (!strcasecmp(name, fetch_name[k])) {
			opt.fetches |= 1u << k;
			return true;
		}
	return false;
}

void
fetch_init(void)
{
	if (!opt.fetches)
		return;
	struct http_opts o = {
	    .connect_timeout_ms = opt.dns.timeout_ms,
	    .timeout_ms = opt.dns.timeout_ms,
	    .max_body = FETCH_MAX_BODY,
	    .max_redirects = FETCH_MAX_REDIRECTS,
	    /* up to two transfers a job in the window: libcurl's 16 KiB each would be most of
	     * the scan's memory, for answers of a few hundred bytes */
	    .buffer_size = 4096,
	    .cacert = opt.cacert,
	    .user_agent = "dns-scan/" VERSION " (domstat)",
	    .allow_addr = allowed,
	};
	struct buf why = BUF_INIT;
	https = http_new(&o, &why);
	if (!https)
		tool_die("%s", why.s);
	int fd = http_event_fd(https);
	if (fd < 0 || !dns_engine_watch_aux(engine, fd))
		tool_die("cannot watch the HTTPS transfers: %s", strerror(errno));
	buf_free(&why);
}

void
fetch_free(void)
{
	http_free(https);
	https = NULL;
}

void
fetch_reset(struct job *j)
{
	for (int k = 0; k < FETCH_COUNT; k++) {
		struct fetch *f = &j->fetch[k];
		f->job = j;
		f->kind = (uint8_t)k;
		f->naddrs[0] = f->naddrs[1] = 0;
		f->on = false;
		f->dns_pending = 0;
		f->dns_cause = -1;
		f->first[0] = '\0';
		f->first_v4 = false;
		buf_reset(&f->addrs[0]);
		buf_reset(&f->addrs[1]);
		buf_reset(&f->json);
	}
}

void
fetch_release(struct job *j)
{
	for (int k = 0; k < FETCH_COUNT; k++) {
		buf_free(&j->fetch[k].addrs[0]);
		buf_free(&j->fetch[k].addrs[1]);
		buf_free(&j->fetch[k].json);
	}
}

static const char *
host_of(const struct job *j, int k, struct buf *b)
{
	buf_reset(b);
	if (k == FETCH_MTASTS)
		buf_adds(b, "mta-sts.");
	buf_adds(b, j->domain);
	return b->s;
}

/* The object's opening members: {"why":..,"url":..,"host":..,"addresses":[..] */
static void
begin_json(struct job *j, int k, struct buf *url)
{
	struct fetch *f = &j->fetch[k];
	struct buf host = BUF_INIT;
	host_of(j, k, &host);
	buf_reset(url);
	buf_addf(url, "https://%s/.well-known/%s", host.s,
		 k == FETCH_MTASTS ? "mta-sts.txt" : "security.txt");
	struct buf *b = &f->json;
	buf_adds(b, "{\"why\":");
	jsonw_strz(b, fetch_name[k]);
	jsonw_key(b, "url");
	jsonw_str(b, url->s, url->len);
	jsonw_key(b, "host");
	jsonw_str(b, host.s, host.len);
	jsonw_key(b, "addresses");
	buf_addc(b, '[');
	for (int v6 = 0; v6 < 2; v6++) {
		if (!f->addrs[v6].len)
			continue;
		if (v6 && f->addrs[0].len)
			buf_addc(b, ',');
		buf_add(b, f->addrs[v6].s, f->addrs[v6].len);
	}
	buf_addc(b, ']');
	buf_free(&host);
}

static void
done_one(struct job *j)
{
	if (--j->outstanding == 0)
		job_finished(j);
}

/* Both address questions ended: fetch from the first address, or say why there is none. */
static void
addresses_known(struct job *j, int k)
{
	struct fetch *f = &j->fetch[k];
	struct buf url = BUF_INIT;
	begin_json(j, k, &url);
	struct buf *b = &f->json;
	if (!f->first[0]) {
		/* no address: absent when both questions were answered, unknown otherwise */
		jsonw_key(b, "error");
		jsonw_strz(b, f->dns_cause >= 0 ? "dns" : "no-address");
		jsonw_key(b, "detail");
		if (f->dns_cause >= 0)
			jsonw_strz(b, cause_name[f->dns_cause]);
		else
			jsonw_strz(b, "the host has no A or AAAA record");
		buf_addc(b, '}');
		buf_free(&url);
		return;
	}
	struct http_req *r = http_req_new(url.s, f);
	r->guard_private = true;	  /* the first address too: it came from the scanned zone */
	r->no_follow = k == FETCH_MTASTS; /* RFC 8461 3.3: redirects MUST NOT be followed */
	struct buf ct = BUF_INIT;
	struct buf host = BUF_INIT;
	host_of(j, k, &host);
	buf_addf(&ct, f->first_v4 ? "%s:443:%s:%u" : "%s:443:[%s]:%u", host.s, f->first,
		 (unsigned)opt.https_port);
	r->connect_to = xstrdup(ct.s);
	buf_free(&ct);
	buf_free(&host);
	buf_free(&url);
	j->outstanding++;
	if (http_start(https, r) < 0) {
		jsonw_key(b, "error");
		jsonw_strz(b, r->code);
		jsonw_key(b, "detail");
		jsonw_str(b, buf_str(&r->msg), r->msg.len);
		buf_addc(b, '}');
		http_req_free(r);
		done_one(j);
	}
}

static void
on_address(void *ctx, uint32_t tag, struct dns_result *res)
{
	struct job *j = ctx;
	int k = (int)(tag >> 1);
	struct fetch *f = &j->fetch[k];
	const ldns_pkt *p = res->pkt;
	int rcode = p ? (int)ldns_pkt_get_rcode(p) : -1;
	if (rcode == LDNS_RCODE_NOERROR) {
		ldns_rr_list *an = ldns_pkt_answer(p);
		for (size_t i = 0; i < ldns_rr_list_rr_count(an); i++) {
			ldns_rr *rr = ldns_rr_list_rr(an, i);
			ldns_rr_type t = ldns_rr_get_type(rr);
			if ((t != LDNS_RR_TYPE_A && t != LDNS_RR_TYPE_AAAA) || !ldns_rr_rdf(rr, 0))
				continue;
			char ip[INET6_ADDRSTRLEN];
			const ldns_rdf *d = ldns_rr_rdf(rr, 0);
			int fam = t == LDNS_RR_TYPE_A ? AF_INET : AF_INET6, v6 = fam == AF_INET6;
			if (f->naddrs[v6] >= FETCH_MAX_ADDRS ||
			    ldns_rdf_size(d) != (fam == AF_INET ? 4u : 16u) ||
			    !inet_ntop(fam, ldns_rdf_data(d), ip, sizeof ip))
				continue;
			if (f->addrs[v6].len)
				buf_addc(&f->addrs[v6], ',');
			jsonw_strz(&f->addrs[v6], ip);
			f->naddrs[v6]++;
			if (!f->first[0] || (fam == AF_INET && !f->first_v4)) {
				snprintf(f->first, sizeof f->first, "%s", ip);
				f->first_v4 = fam == AF_INET;
			}
		}
	} else if (rcode != LDNS_RCODE_NXDOMAIN) {
		f->dns_cause = rcode == LDNS_RCODE_SERVFAIL  ? DNS_C_SERVFAIL
			       : rcode == LDNS_RCODE_REFUSED ? DNS_C_REFUSED
			       : rcode >= 0		     ? CAUSE_OTHER
			       : res->err == DNS_ETIMEOUT    ? DNS_C_TIMEOUT
			       : res->err == DNS_EMALFORMED  ? DNS_C_MALFORMED
							     : DNS_C_NETWORK;
	}
	if (p)
		ldns_pkt_free(res->pkt);
	if (--f->dns_pending == 0)
		addresses_known(j, k);
	done_one(j);
}

void
fetch_start(struct job *j)
{
	struct buf host = BUF_INIT;
	for (int k = 0; k < FETCH_COUNT; k++) {
		if (!(opt.fetches & (1u << k)))
			continue;
		host_of(j, k, &host);
		if (host.len > 253)
			continue;
		struct fetch *f = &j->fetch[k];
		f->on = true;
		f->dns_pending = 2;
		j->outstanding += 2;
		dns_submit(engine, host.s, LDNS_RR_TYPE_A, 0, NULL, on_address, j,
			   (uint32_t)k << 1);
		dns_submit(engine, host.s, LDNS_RR_TYPE_AAAA, 0, NULL, on_address, j,
			   (uint32_t)k << 1 | 1);
	}
	buf_free(&host);
}

/* A finished transfer into its object: status, type, time and body, or why it failed. */
static void
transfer_done(struct http_req *r)
{
	struct fetch *f = r->user;
	struct job *j = f->job;
	struct buf *b = &f->json;
	if (r->status) {
		jsonw_key(b, "status");
		jsonw_int(b, r->status);
	}
	if (r->content_type) {
		jsonw_key(b, "content_type");
		jsonw_strz(b, r->content_type);
	}
	jsonw_key(b, "ms");
	jsonw_round(b, r->ms, 1);
	if (r->code) {
		jsonw_key(b, "error");
		jsonw_strz(b, r->code);
		jsonw_key(b, "detail");
		if (!strcmp(r->code, "private-address"))
			jsonw_strz(b, "refused to connect to a loopback or private address (see "
				      "--https-allow)");
		else
			jsonw_str(b, buf_str(&r->msg), r->msg.len);
	} else {
		if (r->effective_url && strcmp(r->effective_url, r->url)) {
			jsonw_key(b, "effective_url");
			jsonw_strz(b, r->effective_url);
		}
		if (r->status >= 200 && r->status <= 299) {
			jsonw_key(b, "body");
			jsonw_str(b, r->body.s ? r->body.s : "", r->body.len);
		}
	}
	buf_addc(b, '}');
	http_req_free(r);
	done_one(j);
}

void
fetch_step(void)
{
	if (!https || !http_active(https))
		return;
	(void)dns_engine_aux_ready(engine);
	struct http_req *r = http_step(https);
	while (r) {
		struct http_req *next = r->next;
		transfer_done(r);
		r = next;
	}
}

int
fetch_wait_ms(int wait)
{
	if (!https || !http_active(https))
		return wait;
	long t = http_next_ms(https);
	return t >= 0 && t < wait ? (int)t : wait;
}

void
fetch_json(struct job *j, struct buf *b)
{
	bool any = false;
	for (int k = 0; k < FETCH_COUNT; k++) {
		if (!j->fetch[k].on)
			continue;
		buf_adds(b, any ? "," : ",\"https\":[");
		any = true;
		buf_add(b, j->fetch[k].json.s, j->fetch[k].json.len);
	}
	if (any)
		buf_addc(b, ']');
}
