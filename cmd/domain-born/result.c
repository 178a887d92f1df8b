/* SPDX-License-Identifier: ISC */
/* What became of one domain (struct result), and how it goes into the record's members. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "born.h"
#include "jsonw.h"

void
result_init(struct result *r)
{
	memset(r, 0, sizeof *r);
	r->created = r->expires = r->isc_seen = DATE_UNKNOWN;
}

void
result_free(struct result *r)
{
	buf_free(&r->msg);
	buf_free(&r->alerts);
	buf_free(&r->fallback);
}

static void
copy_buf(struct buf *dst, const struct buf *src)
{
	buf_reset(dst);
	buf_add(dst, buf_str(src), src->len);
}

void
result_copy(struct result *dst, const struct result *src)
{
	struct buf msg = dst->msg, alerts = dst->alerts, fallback = dst->fallback;
	*dst = *src;
	dst->msg = msg;
	dst->alerts = alerts;
	dst->fallback = fallback;
	copy_buf(&dst->msg, &src->msg);
	copy_buf(&dst->alerts, &src->alerts);
	copy_buf(&dst->fallback, &src->fallback);
}

void
result_clear(struct result *r)
{
	struct buf msg = r->msg, alerts = r->alerts, fallback = r->fallback;
	result_init(r);
	r->msg = msg;
	r->alerts = alerts;
	r->fallback = fallback;
	buf_reset(&r->msg);
	buf_reset(&r->alerts);
}

bool
result_good(const struct result *r)
{
	return r->ok && r->created != DATE_UNKNOWN;
}

void
result_fail(struct result *r, const char *code, const char *fmt, ...)
{
	r->ok = false;
	snprintf(r->code, sizeof r->code, "%s", code);
	buf_reset(&r->msg);
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(&r->msg, fmt, ap);
	va_end(ap);
}

static void
add_date(struct born *b, struct record *r, const char *key, int64_t t)
{
	struct buf *v = rec_set_begin(r, key);
	struct buf d = BUF_INIT;
	date_format(&d, t, b->opt.date_style);
	jsonw_str(v, d.s, d.len);
	buf_free(&d);
	rec_set_end(r);
}

/* The answer's alerts, and why the ISC service was not asked. */
static void
apply_notes(struct record *r, const struct result *res)
{
	for (size_t off = 0; off < res->alerts.len; off += strlen(res->alerts.s + off) + 1)
		rec_alert(r, res->alerts.s + off);
	if (res->fallback.len)
		rec_error_code(r, "isc-unavailable", "%s", res->fallback.s);
}

void
apply(struct born *b, struct record *r, const struct result *res)
{
	if (res->ok && res->created != DATE_UNKNOWN) {
		add_date(b, r, "seen_by_web", res->created);
		if (res->expires != DATE_UNKNOWN)
			add_date(b, r, "expires", res->expires);
		int64_t age = now_s(b) - res->created;
		rec_set_strz(r, "category",
			     age > (int64_t)b->opt.established_days * DAY ? "ESTABLISHED" : "NEW");
		if (res->isc_seen != DATE_UNKNOWN)
			add_date(b, r, "seen_by_isc", res->isc_seen);
		else
			rec_set_strz(r, "seen_by_isc", res->source);
		apply_notes(r, res);
		return;
	}
	apply_notes(r, res);
	const char *msg = res->msg.len ? res->msg.s : "no registration date";
	if (b->opt.compat) {
		/* domain_stats' reply to a failed lookup: the error text among the alerts */
		rec_alert(r, msg);
		rec_set_strz(r, "seen_by_web", "ERROR");
		if (res->expires != DATE_UNKNOWN)
			add_date(b, r, "expires", res->expires);
		rec_set_strz(r, "category", "ERROR");
		rec_set_strz(r, "seen_by_isc", "ERROR");
	} else if (res->expires != DATE_UNKNOWN) {
		add_date(b, r, "expires", res->expires);
	}
	rec_error_code(r, res->code[0] ? res->code : "no-events", "%s", msg);
}

void
drop_alert(struct buf *alerts, const char *which)
{
	size_t w = 0;
	for (size_t off = 0; off < alerts->len;) {
		size_t n = strlen(alerts->s + off) + 1;
		if (strcmp(alerts->s + off, which)) {
			memmove(alerts->s + w, alerts->s + off, n);
			w += n;
		}
		off += n;
	}
	buf_truncate(alerts, w);
}
