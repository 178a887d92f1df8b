/* SPDX-License-Identifier: ISC */
/* The ISC domain API's requests and answers (see isc.h); strict about what it accepts, since
 * the answers decide what is cached and for how long. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "date.h"
#include "isc.h"
#include "jscan.h"
#include "jsonw.h"

long
isc_version(const char *s, size_t n)
{
	long part[2] = {0, 0};
	size_t i = 0;
	for (int k = 0; k < 2; k++) {
		size_t start = i;
		while (i < n && i - start < 6 && isdigit((unsigned char)s[i]))
			part[k] = part[k] * 10 + (s[i++] - '0');
		if (i == start || i - start > 5)
			return -1;
		if (k == 0 && (i >= n || s[i++] != '.'))
			return -1;
	}
	return i == n ? part[0] * ISC_MINORS + part[1] : -1;
}

/* Validate one JSON object and list its members. */
static int
parse_object(const char *s, size_t n, struct jmembers *m, const char *what, struct buf *why)
{
	const char *err;
	size_t at;
	if (jscan_object(s, n, m, &err, &at) < 0) {
		buf_addf(why, "the %s answer is not a JSON object (%s at byte %zu)", what, err, at);
		return -1;
	}
	return 0;
}

static bool
member(const struct jmembers *m, const char *key, struct jspan *val)
{
	for (size_t i = 0; i < m->n; i++)
		if (jscan_key_eq(m->v[i].key, key, strlen(key))) {
			*val = m->v[i].val;
			return true;
		}
	return false;
}

static bool
is_null(struct jspan v)
{
	return v.n == 4 && !memcmp(v.p, "null", 4);
}

/* A string member decoded into out: 1, 0 when absent or null, -1 when of another type. */
static int
str_member(const struct jmembers *m, const char *key, struct buf *out)
{
	struct jspan v;
	buf_reset(out);
	if (!member(m, key, &v) || is_null(v))
		return 0;
	if (v.p[0] != '"')
		return -1;
	jscan_str_decode(v, out);
	return 1;
}

/* A JSON integer (no fraction or exponent) that fits a long: 0, or -1. */
static int
int_value(struct jspan v, long *out)
{
	size_t i = v.p[0] == '-' ? 1 : 0;
	if (i >= v.n || v.n - i > 12)
		return -1;
	long x = 0;
	for (; i < v.n; i++) {
		if (!isdigit((unsigned char)v.p[i]))
			return -1;
		x = x * 10 + (v.p[i] - '0');
	}
	*out = v.p[0] == '-' ? -x : x;
	return 0;
}

void
isc_config_init(struct isc_config *c)
{
	memset(c, 0, sizeof *c);
	c->min_software = c->min_database = -1;
}

void
isc_config_free(struct isc_config *c)
{
	buf_free(&c->prohibited);
}

static int
version_member(const struct jmembers *m, const char *key, long *out, struct buf *tmp,
	       struct buf *why)
{
	int rc = str_member(m, key, tmp);
	if (rc == 0)
		return 0;
	if (rc < 0 || (*out = isc_version(tmp->s, tmp->len)) < 0) {
		buf_addf(why, "the config answer's %s is not \"major.minor\"", key);
		return -1;
	}
	return 0;
}

int
isc_parse_config(const char *s, size_t n, struct isc_config *c, struct buf *why)
{
	struct jmembers m = {0};
	struct buf tmp = BUF_INIT;
	int ret = -1;
	buf_reset(&c->prohibited);
	if (parse_object(s, n, &m, "config", why) < 0 ||
	    version_member(&m, "min_software_version", &c->min_software, &tmp, why) < 0 ||
	    version_member(&m, "min_database_version", &c->min_database, &tmp, why) < 0)
		goto out;
	struct jspan arr, el;
	if (member(&m, "prohibited_tlds", &arr) && !is_null(arr)) {
		if (arr.p[0] != '[') {
			buf_adds(why, "the config answer's prohibited_tlds is not an array");
			goto out;
		}
		for (size_t it = 0; jscan_array_next(arr, &it, &el);) {
			if (el.p[0] != '"') {
				buf_adds(why,
					 "the config answer's prohibited_tlds holds a non-string");
				goto out;
			}
			buf_reset(&tmp);
			jscan_str_decode(el, &tmp);
			const char *t = tmp.s;
			size_t tl = tmp.len;
			while (tl && (*t == '.' || *t == ' '))
				t++, tl--;
			while (tl && (t[tl - 1] == '.' || t[tl - 1] == ' '))
				tl--;
			if (!tl || memchr(t, '\0', tl))
				continue;
			buf_addc(&c->prohibited, '.');
			for (size_t i = 0; i < tl; i++)
				buf_addc(&c->prohibited, (char)tolower((unsigned char)t[i]));
			buf_addc(&c->prohibited, '\0');
		}
	}
	ret = 0;
out:
	free(m.v);
	buf_free(&tmp);
	return ret;
}

bool
isc_prohibited(const struct isc_config *c, const char *name)
{
	size_t nl = strlen(name);
	while (nl && name[nl - 1] == '.')
		nl--;
	for (size_t off = 0; off < c->prohibited.len;) {
		const char *suf = c->prohibited.s + off;
		size_t sl = strlen(suf);
		off += sl + 1;
		/* ".local" matches "x.local" and "local" itself */
		if (nl >= sl && !strncasecmp(name + nl - sl, suf, sl))
			return true;
		if (nl == sl - 1 && !strncasecmp(name, suf + 1, nl))
			return true;
	}
	return false;
}

void
isc_status_init(struct isc_status *st)
{
	memset(st, 0, sizeof *st);
}

void
isc_status_free(struct isc_status *st)
{
	buf_free(&st->deny);
}

int
isc_parse_status(const char *s, size_t n, struct isc_status *st, struct buf *why)
{
	struct jmembers m = {0};
	int ret = -1;
	struct jspan v;
	st->interval = -1;
	if (parse_object(s, n, &m, "status", why) < 0)
		goto out;
	if (!member(&m, "interval", &v) || int_value(v, &st->interval) < 0 || st->interval < 0) {
		buf_adds(why, "the status answer has no interval in whole minutes");
		goto out;
	}
	if (str_member(&m, "deny_client", &st->deny) < 0) {
		buf_adds(why, "the status answer's deny_client is not a string");
		goto out;
	}
	ret = 0;
out:
	free(m.v);
	return ret;
}

void
isc_answer_init(struct isc_answer *a)
{
	memset(a, 0, sizeof *a);
	a->seen_by_web = a->expires = a->seen = DATE_UNKNOWN;
}

void
isc_answer_free(struct isc_answer *a)
{
	buf_free(&a->alerts);
}

/* A date member in the service's "%Y-%m-%d %H:%M:%S" (any RFC 3339 form is taken). */
static int
date_member(const struct jmembers *m, const char *key, bool required, int64_t *t, struct buf *tmp,
	    struct buf *why)
{
	int rc = str_member(m, key, tmp);
	if (rc == 0 || (rc > 0 && !tmp->len && !required)) {
		if (!required)
			return 0;
		buf_addf(why, "the query answer has no %s", key);
		return -1;
	}
	if (rc < 0 || date_parse_iso(tmp->s, tmp->len, t) < 0) {
		buf_addf(why, "the query answer's %s is not a date", key);
		return -1;
	}
	return 0;
}

int
isc_parse_answer(const char *s, size_t n, struct isc_answer *a, struct buf *why)
{
	struct jmembers m = {0};
	struct buf tmp = BUF_INIT;
	int ret = -1;
	struct jspan v, el;
	isc_answer_free(a);
	isc_answer_init(a);
	if (parse_object(s, n, &m, "query", why) < 0)
		goto out;
	if (member(&m, "alerts", &v) && !is_null(v)) {
		if (v.p[0] != '[') {
			buf_adds(why, "the query answer's alerts is not an array");
			goto out;
		}
		for (size_t it = 0; jscan_array_next(v, &it, &el);) {
			if (el.p[0] != '"') {
				buf_adds(why, "the query answer's alerts holds a non-string");
				goto out;
			}
			buf_reset(&tmp);
			jscan_str_decode(el, &tmp);
			if (!tmp.len || memchr(tmp.s, '\0', tmp.len))
				continue;
			if (!strcmp(tmp.s, ISC_FIRST_CONTACT))
				a->first_contact = true;
			else
				a->other_alerts = true;
			buf_add(&a->alerts, tmp.s, tmp.len + 1);
			a->nalerts++;
		}
	}
	if (str_member(&m, "seen_by_web", &tmp) < 0) {
		buf_adds(why, "the query answer's seen_by_web is not a string");
		goto out;
	}
	if (tmp.len == 5 && !memcmp(tmp.s, "ERROR", 5)) {
		a->error = true;
		if (!member(&m, "seen_by_isc", &v) || int_value(v, &a->ttl_hours) < 0 ||
		    a->ttl_hours < -2 || a->ttl_hours > 1000000) {
			buf_adds(why, "the query error's seen_by_isc is not a lifetime "
				      "(hours, 0, -1 or -2)");
			goto out;
		}
		ret = 0;
		goto out;
	}
	if (date_member(&m, "seen_by_web", true, &a->seen_by_web, &tmp, why) < 0 ||
	    date_member(&m, "expires", false, &a->expires, &tmp, why) < 0 ||
	    date_member(&m, "seen_by_isc", true, &a->seen, &tmp, why) < 0)
		goto out;
	ret = 0;
out:
	free(m.v);
	buf_free(&tmp);
	return ret;
}

void
isc_request_config(struct buf *out)
{
	buf_reset(out);
	buf_adds(out, "{\"command\":\"config\"}");
}

void
isc_request_status(struct buf *out, const char *client_version, const char *database_version,
		   const int64_t cache[3], const int64_t database[2])
{
	buf_reset(out);
	buf_adds(out, "{\"command\":\"status\",\"client_version\":");
	jsonw_strz(out, client_version);
	buf_adds(out, ",\"database_version\":");
	jsonw_strz(out, database_version);
	buf_addf(out, ",\"cache_efficiency\":[%lld,%lld,%lld]", (long long)cache[0],
		 (long long)cache[1], (long long)cache[2]);
	buf_addf(out, ",\"database_efficiency\":[%lld,%lld]}", (long long)database[0],
		 (long long)database[1]);
}

void
isc_request_query(struct buf *out, const char *domain)
{
	buf_reset(out);
	buf_adds(out, "{\"command\":\"query\",\"domain\":");
	jsonw_strz(out, domain);
	buf_addc(out, '}');
}
