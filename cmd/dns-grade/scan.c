/* Reading dns-scan's `dns` member with json-c, checking every member before use: hostile or
 * truncated scan data becomes a problem report, never a crash. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "grade.h"
#include "xalloc.h"

void
scan_init(struct scan *s)
{
	memset(s, 0, sizeof *s);
}

void
scan_clear(struct scan *s)
{
	if (s->root)
		json_object_put(s->root);
	s->root = NULL;
	s->domain = NULL;
	s->domainlen = 0;
	s->nq = 0;
	s->nproblems = 0;
	buf_reset(&s->problem);
}

void
scan_free(struct scan *s)
{
	scan_clear(s);
	free(s->qs);
	buf_free(&s->problem);
}

void
scan_problem(struct scan *s, const char *fmt, ...)
{
	if (s->nproblems++ == 0) {
		va_list ap;
		va_start(ap, fmt);
		buf_vaddf(&s->problem, fmt, ap);
		va_end(ap);
	}
}

static json_object *
member(json_object *o, const char *key, json_type t)
{
	json_object *v;
	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, t))
		return NULL;
	return v;
}

static const char *
str_member(json_object *o, const char *key, size_t *len)
{
	json_object *v = member(o, key, json_type_string);
	if (!v)
		return NULL;
	if (len)
		*len = (size_t)json_object_get_string_len(v);
	return json_object_get_string(v);
}

static bool
bool_member(json_object *o, const char *key)
{
	json_object *v = member(o, key, json_type_boolean);
	return v && json_object_get_boolean(v);
}

/* "2026-11-23T14:00:00Z" (seconds and zone optional) to a time. */
static bool
parse_iso(const char *t, time_t *out)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	const char *e = strptime(t, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!e)
		return false;
	if (*e == '.')
		while (*++e >= '0' && *e <= '9')
			;
	long off = 0;
	if ((*e == '+' || *e == '-') && strlen(e) >= 6) {
		off = ((e[1] - '0') * 10 + (e[2] - '0')) * 3600 +
		      ((e[4] - '0') * 10 + (e[5] - '0')) * 60;
		if (*e == '-')
			off = -off;
	}
	*out = timegm(&tm) - off;
	return true;
}

int
scan_load(struct scan *s, json_tokener *tok, const char *text, size_t n)
{
	scan_clear(s);
	json_tokener_reset(tok);
	s->root = json_tokener_parse_ex(tok, text, (int)n);
	if (!s->root || json_tokener_get_error(tok) != json_tokener_success) {
		scan_problem(s, "dns member unreadable: %s",
			     json_tokener_error_desc(json_tokener_get_error(tok)));
		return -1;
	}
	if (!json_object_is_type(s->root, json_type_object)) {
		scan_problem(s, "dns member is not an object");
		return -1;
	}
	json_object *v = member(s->root, "v", json_type_int);
	if (!v || json_object_get_int64(v) != 1) {
		scan_problem(s, "dns member: unsupported or missing version 'v'");
		return -1;
	}
	s->domain = str_member(s->root, "domain", &s->domainlen);
	if (!s->domain || s->domainlen == 0 || s->domainlen > 253 ||
	    !hostname_ok(s->domain, s->domainlen)) {
		scan_problem(s, "dns member: missing or invalid 'domain'");
		return -1;
	}
	const char *st = str_member(s->root, "started", NULL);
	if (!st || !parse_iso(st, &s->started))
		s->started = time(NULL);
	json_object *qs = member(s->root, "queries", json_type_array);
	if (!qs) {
		scan_problem(s, "dns member: no 'queries' array");
		return -1;
	}
	size_t nq = json_object_array_length(qs);
	for (size_t i = 0; i < nq; i++) {
		json_object *q = json_object_array_get_idx(qs, i);
		struct query x;
		memset(&x, 0, sizeof x);
		if (!json_object_is_type(q, json_type_object) ||
		    !(x.q = str_member(q, "q", &x.qlen)) ||
		    !(x.type = str_member(q, "type", NULL)) || x.qlen > 1024) {
			scan_problem(s, "query %zu lacks 'q' or 'type'", i + 1);
			continue;
		}
		while (x.qlen && x.q[x.qlen - 1] == '.')
			x.qlen--;
		x.why = str_member(q, "why", NULL);
		x.server = str_member(q, "server", NULL);
		x.rcode = str_member(q, "rcode", NULL);
		x.error = str_member(q, "error", NULL);
		x.direct = bool_member(q, "direct");
		x.aa = bool_member(q, "aa");
		x.answered = x.rcode != NULL;
		json_object *a;
		if (json_object_object_get_ex(q, "answer", &a)) {
			if (json_object_is_type(a, json_type_array))
				x.answer = a;
			else
				scan_problem(s, "query %zu: 'answer' is not an array", i + 1);
		}
		if (json_object_object_get_ex(q, "authority", &a) &&
		    json_object_is_type(a, json_type_array))
			x.authority = a;
		s->qs = xgrow(s->qs, &s->cap, s->nq + 1, sizeof *s->qs);
		s->qs[s->nq++] = x;
	}
	return 0;
}

bool
name_eq(const char *a, size_t an, const char *b, size_t bn)
{
	while (an && a[an - 1] == '.')
		an--;
	while (bn && b[bn - 1] == '.')
		bn--;
	return an == bn && !strncasecmp(a, b, an);
}

const struct query *
scan_find(const struct scan *s, const char *name, size_t n, const char *type)
{
	const struct query *best = NULL;
	for (size_t i = 0; i < s->nq; i++) {
		const struct query *q = &s->qs[i];
		if (q->direct || strcasecmp(q->type, type) || !name_eq(q->q, q->qlen, name, n))
			continue;
		if (q->answered)
			return q;
		if (!best)
			best = q;
	}
	return best;
}

json_object *
q_rr(const struct query *q, const char *type, size_t *i)
{
	if (!q || !q->answer)
		return NULL;
	size_t n = json_object_array_length(q->answer);
	while (*i < n) {
		json_object *rr = json_object_array_get_idx(q->answer, (*i)++);
		if (!json_object_is_type(rr, json_type_object))
			continue;
		const char *t = str_member(rr, "type", NULL);
		if (!t || (type && strcasecmp(t, type)))
			continue;
		return rr;
	}
	return NULL;
}

size_t
q_count(const struct query *q, const char *type)
{
	size_t i = 0, c = 0;
	while (q_rr(q, type, &i))
		c++;
	return c;
}

const char *
rr_str(json_object *rr, const char *key, size_t *len)
{
	size_t l;
	const char *s = str_member(rr, key, &l);
	if (len)
		*len = s ? l : 0;
	return s;
}

bool
rr_int(json_object *rr, const char *key, long long *v)
{
	json_object *o = member(rr, key, json_type_int);
	if (!o)
		return false;
	*v = (long long)json_object_get_int64(o);
	return true;
}

static bool
txt_strings(struct scan *s, json_object *rr, struct buf *out, const char *sep, bool quoted)
{
	buf_reset(out);
	json_object *a = member(rr, "txt", json_type_array);
	if (!a) {
		scan_problem(s, "TXT record without a 'txt' array");
		return false;
	}
	size_t n = json_object_array_length(a), total = 0;
	for (size_t i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(a, i);
		if (!json_object_is_type(e, json_type_string)) {
			scan_problem(s, "TXT record with a string that is not a string");
			return false;
		}
		size_t len = (size_t)json_object_get_string_len(e);
		total += len;
		if (len > 255 || total > 65535) {
			scan_problem(s, "TXT string of %zu bytes (DNS allows 255, 65535 in all)",
				     len);
			return false;
		}
		const char *p = json_object_get_string(e);
		if (i && sep)
			buf_adds(out, sep);
		if (!quoted) {
			buf_add(out, p, len);
			continue;
		}
		buf_addc(out, '"');
		for (size_t j = 0; j < len; j++) {
			unsigned char c = (unsigned char)p[j];
			if (c == '"' || c == '\\')
				buf_addc(out, '\\');
			if (c < 0x20 || c >= 0x7f)
				buf_addf(out, "\\%03u", c);
			else
				buf_addc(out, (char)c);
		}
		buf_addc(out, '"');
	}
	return true;
}

bool
rr_txt(struct scan *s, json_object *rr, struct buf *out, const char *sep)
{
	return txt_strings(s, rr, out, sep, false);
}

bool
rr_txt_quoted(struct scan *s, json_object *rr, struct buf *out)
{
	return txt_strings(s, rr, out, " ", true);
}
