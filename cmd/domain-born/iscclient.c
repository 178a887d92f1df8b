/* SPDX-License-Identifier: ISC */
/* domain-born's side of the ISC service: the config asked once at start, the status report
 * sent at start and then every `interval` minutes, and the decision to stop using the service
 * (a client too old, or denied) so that records fall back to RDAP instead of failing. */
#include <stdio.h>
#include <string.h>

#include "born.h"
#include "isc.h"
#include "tool.h"

/* "major.minor" of our own version, VERSION being "major.minor.patch". */
static void
our_version(struct buf *out)
{
	const char *v = VERSION, *dot = strchr(v, '.');
	size_t n = dot ? strcspn(dot + 1, ".") + (size_t)(dot + 1 - v) : strlen(v);
	buf_add(out, v, n);
}

static void
version_text(struct buf *out, long v)
{
	buf_addf(out, "%ld.%ld", v / ISC_MINORS, v % ISC_MINORS);
}

static void
disable(struct isc_client *c, const char *fmt, const char *detail)
{
	c->usable = false;
	buf_reset(&c->why);
	buf_addf(&c->why, fmt, detail);
	tool_warn("the ISC service at '%s' is not used: %s; falling back to the next source",
		  c->url, c->why.s);
}

/* POST one command: 0 with the answer in body, or -1 with why. */
static int
command(struct isc_client *c, const char *json, struct buf *body, struct buf *why)
{
	struct buf err = BUF_INIT;
	long st = http_post_once(&c->http, c->url, json, body, &err);
	int ret = 0;
	if (st < 0) {
		buf_addf(why, "cannot reach it (%s)", err.s);
		ret = -1;
	} else if (st < 200 || st > 299) {
		buf_addf(why, "it answered HTTP %ld", st);
		ret = -1;
	}
	buf_free(&err);
	return ret;
}

static void
send_status(struct isc_client *c, int64_t now, bool first)
{
	struct buf req = BUF_INIT, body = BUF_INIT, why = BUF_INIT, ours = BUF_INIT, dbv = BUF_INIT;
	struct isc_status st;
	isc_status_init(&st);
	our_version(&ours);
	version_text(&dbv, c->db_version);
	isc_request_status(&req, ours.s, dbv.s, c->cache, c->database);
	/* a failed report is tried again after the interval last agreed (first: never used) */
	c->next_status = now + c->interval * 60;
	if (command(c, req.s, &body, &why) < 0 ||
	    isc_parse_status(buf_str(&body), body.len, &st, &why) < 0) {
		if (first)
			disable(c, "its status report failed: %s", why.s);
		else if (!c->status_warned)
			tool_warn("status report to the ISC service at '%s' failed: %s", c->url,
				  why.s);
		c->status_warned = !first;
		goto out;
	}
	if (st.deny.len) {
		disable(c, "it denies this client: %s", st.deny.s);
		goto out;
	}
	/* at least a minute apart, whatever it says */
	c->interval = st.interval > 0 ? st.interval : 1;
	c->next_status = now + c->interval * 60;
out:
	isc_status_free(&st);
	buf_free(&req);
	buf_free(&body);
	buf_free(&why);
	buf_free(&ours);
	buf_free(&dbv);
}

void
isc_client_start(struct isc_client *c, const char *url, const struct http_opts *http,
		 long db_version, int64_t now)
{
	memset(c, 0, sizeof *c);
	isc_config_init(&c->cfg);
	c->url = url;
	c->http = *http;
	c->http.accept = "application/json";
	c->http.max_redirects = 0; /* a POST is not replayed elsewhere */
	c->db_version = db_version;
	c->interval = 60;
	c->usable = true;
	struct buf req = BUF_INIT, body = BUF_INIT, why = BUF_INIT, ours = BUF_INIT,
		   need = BUF_INIT;
	isc_request_config(&req);
	if (command(c, req.s, &body, &why) < 0 ||
	    isc_parse_config(buf_str(&body), body.len, &c->cfg, &why) < 0) {
		disable(c, "its config could not be read: %s", why.s);
		goto out;
	}
	our_version(&ours);
	long mine = isc_version(ours.s, ours.len);
	if (c->cfg.min_software > mine) {
		version_text(&need, c->cfg.min_software);
		buf_addf(&why, "it needs client version %s or later, this is %s", need.s, ours.s);
		disable(c, "%s", why.s);
		goto out;
	}
	if (c->cfg.min_database > db_version) {
		buf_reset(&need);
		version_text(&need, c->cfg.min_database);
		buf_reset(&why);
		version_text(&why, db_version);
		tool_warn(
		    "the ISC service expects seed list version %s or later, the store has %s: "
		    "refresh the seed list (seen-db import --seed-version)",
		    need.s, why.s);
	}
	send_status(c, now, true);
out:
	buf_free(&req);
	buf_free(&body);
	buf_free(&why);
	buf_free(&ours);
	buf_free(&need);
}

void
isc_client_tick(struct isc_client *c, int64_t now)
{
	if (c->usable && now >= c->next_status)
		send_status(c, now, false);
}

void
isc_client_free(struct isc_client *c)
{
	isc_config_free(&c->cfg);
	buf_free(&c->why);
}
