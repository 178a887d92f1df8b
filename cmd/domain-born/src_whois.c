/* SPDX-License-Identifier: ISC */
/* The whois source (port 43), asked when a TLD has no RDAP service and --whois is given:
 * which server (--whois-server, --whois-map, the built-in table, whois.nic.TLD), the
 * queries in flight, polled beside the HTTP ones, and what their answers say. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "born.h"
#include "tool.h"
#include "xalloc.h"

/* Answers longer than this are cut (whois has no length; some servers talk a lot). */
#define WHOIS_MAX (256 * 1024)

static bool
map_lookup(struct born *b, const char *tld, struct buf *out)
{
	if (!b->whois_map_loaded) {
		b->whois_map_loaded = true;
		struct buf why = BUF_INIT;
		if (b->opt.whois_map &&
		    read_file(b->opt.whois_map, 1 << 20, &b->whois_map, &why) < 0)
			tool_die("%s", why.s);
		buf_free(&why);
	}
	const char *p = buf_str(&b->whois_map), *end = p + b->whois_map.len;
	size_t tl = strlen(tld);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;
		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		size_t w = strcspn(p, " \t\n");
		if (p + w <= e && w == tl && !strncasecmp(p, tld, tl) && *p != '#') {
			const char *h = p + w;
			while (h < e && (*h == ' ' || *h == '\t'))
				h++;
			size_t hl = strcspn(h, " \t\r\n");
			if (h + hl <= e && hl > 0) {
				buf_add(out, h, hl);
				return true;
			}
		}
		p = nl ? nl + 1 : end;
	}
	return false;
}

/* whois://host:port for a domain: --whois-server, the map, the built-in table, whois.nic.TLD */
static void
whois_url(struct born *b, const char *domain, struct buf *url)
{
	const char *dot = strrchr(domain, '.');
	const char *tld = dot ? dot + 1 : domain;
	struct buf hp = BUF_INIT;
	if (b->opt.whois_server)
		buf_adds(&hp, b->opt.whois_server);
	else if (!map_lookup(b, tld, &hp)) {
		const char *known = whois_server_for(tld);
		if (known)
			buf_adds(&hp, known);
		else
			buf_addf(&hp, "whois.nic.%s", tld);
	}
	const char *colon = strrchr(hp.s, ':');
	buf_addf(url, "whois://%s%s", hp.s, colon && !strchr(colon, ']') ? "" : ":43");
	buf_free(&hp);
}

static bool
whois_prepare(struct born *b, struct job *job)
{
	struct buf url = BUF_INIT;
	whois_url(b, job->domain, &url);
	set_url(b, job, url.s);
	buf_free(&url);
	return true;
}

static bool
whois_begin(struct born *b, struct job *job, int64_t t)
{
	const char *hostport = job->url + strlen("whois://");
	const char *colon = strrchr(hostport, ':');
	char *host = xstrndup(hostport, (size_t)(colon - hostport));
	struct buf q = BUF_INIT;
	whois_query(host, job->domain, &q);
	job->wc = xcalloc(1, sizeof *job->wc);
	job->deadline_ms = t + b->opt.http.timeout_ms;
	b->wjobs = xgrow(b->wjobs, &b->capwjobs, b->nwjobs + 1, sizeof *b->wjobs);
	b->wjobs[b->nwjobs++] = job;
	whois_start(job->wc, host, colon + 1, q.s, WHOIS_MAX);
	free(host);
	buf_free(&q);
	/* a failed start is finished in the next pump, like any other answer */
	return true;
}

static void
on_whois_done(struct born *b, struct job *job)
{
	struct whois_conn *c = job->wc;
	job->srv->active--;
	b->total_active--;
	for (size_t i = 0; i < b->nwjobs; i++)
		if (b->wjobs[i] == job) {
			b->wjobs[i] = b->wjobs[--b->nwjobs];
			break;
		}
	const char *hostport = job->url + strlen("whois://");
	if (c->code) {
		result_fail(&job->res, c->code, "%s (%s)", c->msg.s, hostport);
	} else {
		int64_t created, expires;
		bool free_name = whois_parse(buf_str(&c->in), c->in.len, &created, &expires);
		snprintf(job->res.source, sizeof job->res.source, "WHOIS");
		job->res.created = created;
		job->res.expires = expires;
		if (created != DATE_UNKNOWN) {
			job->res.ok = true;
		} else if (free_name) {
			result_fail(&job->res, "not-found", "not registered (whois %s)", hostport);
		} else {
			result_fail(&job->res, "no-events",
				    "the whois answer from %s has no creation date%s", hostport,
				    c->truncated ? " (answer cut)" : "");
		}
	}
	whois_close(c);
	buf_free(&c->in);
	buf_free(&c->out);
	buf_free(&c->msg);
	free(c);
	job->wc = NULL;
	job_finish(b, job);
}

long
whois_wait_fds(struct born *b, struct http_waitfd *fds, unsigned *nfds, long w, int64_t t)
{
	for (size_t i = 0; i < b->nwjobs; i++) {
		struct job *j = b->wjobs[i];
		if (j->wc->state == WHOIS_DONE) {
			w = 0;
			continue;
		}
		long left = j->deadline_ms > t ? (long)(j->deadline_ms - t) : 0;
		if (left < w)
			w = left;
	}
	for (size_t i = 0; i < b->nwjobs; i++)
		if (b->wjobs[i]->wc->state != WHOIS_DONE)
			fds[(*nfds)++] = (struct http_waitfd){b->wjobs[i]->wc->fd,
							      whois_events(b->wjobs[i]->wc), 0};
	return w;
}

/* Step the ready ones, time out the late ones, finish the done ones. */
void
whois_after_poll(struct born *b, const struct http_waitfd *fds, unsigned nw)
{
	for (unsigned k = 0; k < nw; k++)
		if (fds[k].revents)
			for (size_t i = 0; i < b->nwjobs; i++)
				if (b->wjobs[i]->wc->fd == fds[k].fd &&
				    b->wjobs[i]->wc->state != WHOIS_DONE) {
					whois_step(b->wjobs[i]->wc);
					break;
				}
	int64_t t = now_ms();
	for (size_t i = 0; i < b->nwjobs;) {
		struct job *j = b->wjobs[i];
		if (j->wc->state != WHOIS_DONE && t >= j->deadline_ms)
			whois_timeout(j->wc);
		if (j->wc->state == WHOIS_DONE)
			on_whois_done(b, j); /* removes it from wjobs */
		else
			i++;
	}
}

void
whois_free(struct born *b)
{
	free(b->wjobs);
	b->wjobs = NULL;
	buf_free(&b->whois_map);
}

const struct source source_whois = {"whois", whois_prepare, whois_begin, NULL};
