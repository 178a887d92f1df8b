/* SPDX-License-Identifier: ISC */
/* The record contract: reading and classifying lines, adding members, writing them back. */
#include <assert.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dname.h"
#include "errcode.h"
#include "jsonw.h"
#include "record.h"
#include "tool.h"
#include "xalloc.h"

/* How much of an over-long line is kept in the "raw" member of its error record. */
#define RAW_KEEP_TOO_LONG 4096

/* Whether any record of the run carried an error, for rec_status: the run's exit status is
 * one per process, set from wherever a record is found bad. */
static int any_record_error;

static void
flush_stdout(void *arg)
{
	(void)arg;
	if (fflush(stdout) != 0)
		tool_out("", 0); /* reports the error the same way other writes do */
}

/* The field, its path, and the path as jscan follows it, together. */
static void
set_field(struct rec_reader *rr, const char *field)
{
	rr->field = field && *field ? field : "domain";
	const char *why;
	size_t at;
	if (jpath_parse(&rr->path, rr->field, strlen(rr->field), &why, &at) < 0)
		tool_die("invalid value for --field: '%s' (%s at byte %zu)", rr->field, why,
			 at + 1);
	const struct jpath *p = &rr->path;
	rr->nparts = 0;
	if (p->keys_only && p->n <= JSCAN_PATH_MAX_PARTS)
		for (size_t k = 0; k < p->n; k++) {
			rr->part[rr->nparts] = p->step[k].key;
			rr->partlen[rr->nparts++] = p->step[k].keylen;
		}
}

void
rec_reader_init(struct rec_reader *rr, int fd, const char *field, size_t max_line)
{
	lr_init(&rr->lr, fd, max_line);
	rr->lr.before_block = flush_stdout;
	set_field(rr, field);
	rr->defer = NULL;
	rr->pass = PASS_NONE;
	rr->check = NULL;
}

void
rec_reader_field(struct rec_reader *rr, const char *field)
{
	jpath_free(&rr->path);
	set_field(rr, field);
}

void
rec_reader_files(struct rec_reader *rr, char *const *names, int n)
{
	/* "-" alone is standard input as without operands */
	if (n > 1 || (n == 1 && strcmp(names[0], "-")))
		lr_files(&rr->lr, names, (size_t)n);
}

void
rec_reader_pass(struct rec_reader *rr, enum rec_pass_mode mode)
{
	rr->pass = mode;
	if (mode == PASS_NAMES && !rr->check) {
		rr->check = xmalloc(sizeof *rr->check);
		dname_init(rr->check);
	}
}

void
rec_reader_defer(struct rec_reader *rr, struct jscan_defer *defer)
{
	rr->defer = defer;
}

void
rec_reader_free(struct rec_reader *rr)
{
	lr_free(&rr->lr);
	jpath_free(&rr->path);
	if (rr->check) {
		dname_free(rr->check);
		free(rr->check);
		rr->check = NULL;
	}
}

void
rec_init(struct record *r)
{
	memset(r, 0, sizeof *r);
}

void
rec_free(struct record *r)
{
	buf_free(&r->text);
	buf_free(&r->raw);
	buf_free(&r->name);
	buf_free(&r->vals);
	buf_free(&r->alerts);
	buf_free(&r->errors);
	free(r->members.v);
	free(r->added);
	rec_init(r);
}

static void
rec_clear(struct record *r)
{
	buf_reset(&r->text);
	buf_reset(&r->raw);
	buf_reset(&r->name);
	buf_reset(&r->vals);
	buf_reset(&r->alerts);
	buf_reset(&r->errors);
	r->members.n = 0;
	r->nadded = 0;
	r->nerrors = 0;
	r->has_name = false;
	r->name_state = NAME_MISSING;
	r->rank = -1;
	r->name_off = 0;
	r->deferred = NULL;
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* A ranked list's header line ("rank,domain", as some Tranco downloads begin): no record. */
static bool
is_list_header(const char *s, size_t n)
{
	return n == 11 && !strncasecmp(s, "rank,domain", 11);
}

/* Turn r into a REC_PASS record holding the line as read. */
static void
pass_line(struct record *r, const char *line, size_t len)
{
	r->kind = REC_PASS;
	buf_reset(&r->text);
	buf_add(&r->text, line, len);
	r->members.n = 0;
	r->has_name = false;
}

/* PASS_NAMES: is the name of r no DNS name at all? */
static bool
not_a_name(struct rec_reader *rr, const struct record *r)
{
	return dname_set(rr->check, r->name.s, r->name.len) < 0;
}

int
rec_read(struct rec_reader *rr, struct record *r)
{
	const char *line;
	size_t len;
	bool too_long;
	int rc;
	do
		rc = lr_next(&rr->lr, &line, &len, &too_long);
	while (rc > 0 && rr->lr.lineno == 1 && !too_long && is_list_header(line, len));
	if (rc <= 0)
		return rc;
	rec_clear(r);
	r->lineno = rr->lr.lineno;
	r->file = rr->lr.name;
	if (too_long) {
		r->kind = REC_BAD;
		size_t keep = len < RAW_KEEP_TOO_LONG ? len : RAW_KEEP_TOO_LONG;
		buf_add(&r->text, line, keep);
		rec_error_code(
		    r, "line-too-long",
		    "line longer than %zu bytes (only its first %zu bytes are kept in raw)",
		    rr->lr.max, keep);
		return 1;
	}
	size_t b = 0, e = len;
	while (b < e && is_space(line[b]))
		b++;
	while (e > b && is_space(line[e - 1]))
		e--;
	if (b == e) {
		r->kind = REC_BLANK;
		return 1;
	}
	if (line[b] != '{') {
		r->kind = REC_NAME;
		/* "rank,domain" lines of Tranco, Umbrella and Alexa lists carry their rank along */
		size_t d = b;
		long rank = 0;
		while (d < e && d - b < 9 && line[d] >= '0' && line[d] <= '9')
			rank = rank * 10 + (line[d++] - '0');
		buf_add(&r->text, line + b, e - b);
		if (rr->pass != PASS_NONE && (b > 0 || e < len)) /* for rec_pass */
			buf_add(&r->raw, line, len);
		if (d > b && d + 1 < e && line[d] == ',') {
			r->rank = rank;
			r->name_off = d + 1 - b;
		}
		buf_add(&r->name, line + b + r->name_off, e - b - r->name_off);
		r->has_name = true;
		r->name_state = NAME_OK;
		if (rr->pass == PASS_NAMES && not_a_name(rr, r))
			pass_line(r, line, len);
		return 1;
	}
	buf_add(&r->text, line + b, e - b);
	/* the room jscan_object_parts_padded reads into, zeroed (defined bytes for valgrind) */
	buf_room(&r->text, JSCAN_PAD);
	memset(r->text.s + r->text.len, 0, JSCAN_PAD);
	if (rr->pass != PASS_NONE && (b > 0 || e < len)) /* for rec_pass */
		buf_add(&r->raw, line, len);
	const char *why;
	size_t at;
	struct jspan v;
	bool found;
	/* the name is found while the line is checked, or else by jpath_find */
	if (jscan_object_parts_padded(r->text.s, r->text.len, &r->members, rr->part, rr->partlen,
				      rr->nparts, &v, &found, rr->defer, &why, &at) < 0) {
		if (rr->pass != PASS_NONE) {
			pass_line(r, line, len);
			return 1;
		}
		r->kind = REC_BAD;
		buf_reset(&r->text);
		buf_add(&r->text, line, len);
		rec_error_code(r, "invalid-json", "invalid JSON: %s at byte %zu", why, at + b + 1);
		return 1;
	}
	r->kind = REC_JSON;
	r->deferred = rr->defer ? rr->defer->taken : NULL;
	if (!rr->nparts)
		found = jpath_find(&r->members, &rr->path, &v);
	if (!found) {
		r->name_state = rec_get(r, "errors", &v) ? NAME_UPSTREAM_ERROR : NAME_MISSING;
	} else if (v.p[0] != '"') {
		r->name_state = NAME_NOT_STRING;
	} else {
		jscan_str_decode(v, &r->name);
		r->has_name = true;
		r->name_state = NAME_OK;
	}
	r->field = rr->field;
	if (rr->pass == PASS_NAMES && (r->name_state != NAME_OK || not_a_name(rr, r)))
		pass_line(r, line, len);
	return 1;
}

void
rec_pass(struct record *r)
{
	if (r->kind == REC_JSON || r->kind == REC_NAME) {
		r->kind = REC_PASS;
		if (r->raw.len) {
			struct buf t = r->text;
			r->text = r->raw;
			r->raw = t;
		}
		r->members.n = 0;
		r->has_name = false;
	}
}

bool
rec_require_name(struct record *r)
{
	if (r->kind != REC_JSON && r->kind != REC_NAME)
		return false;
	switch (r->name_state) {
	case NAME_OK:
		return true;
	case NAME_MISSING:
		rec_error_code(r, "no-field", "no '%s' member", r->field);
		return false;
	case NAME_NOT_STRING:
		rec_error_code(r, "field-not-string", "member '%s' is not a string", r->field);
		return false;
	case NAME_UPSTREAM_ERROR:
	default:
		return false;
	}
}

bool
rec_get(const struct record *r, const char *path, struct jspan *val)
{
	return r->kind == REC_JSON && jscan_path(&r->members, path, val);
}

static void
copy_buf(struct buf *dst, const struct buf *src)
{
	buf_reset(dst);
	buf_add(dst, buf_str(src), src->len);
}

void
rec_copy(struct record *dst, const struct record *src)
{
	dst->kind = src->kind;
	dst->lineno = src->lineno;
	dst->has_name = src->has_name;
	dst->name_state = src->name_state;
	dst->field = src->field;
	dst->nerrors = src->nerrors;
	dst->rank = src->rank;
	dst->name_off = src->name_off;
	dst->file = src->file;
	dst->deferred = NULL; /* what the hook read belongs to the command, for this read only */
	copy_buf(&dst->text, &src->text);
	copy_buf(&dst->raw, &src->raw);
	copy_buf(&dst->name, &src->name);
	copy_buf(&dst->vals, &src->vals);
	copy_buf(&dst->alerts, &src->alerts);
	copy_buf(&dst->errors, &src->errors);
	dst->members.v =
	    xgrow(dst->members.v, &dst->members.cap, src->members.n, sizeof *src->members.v);
	dst->members.n = src->members.n;
	for (size_t i = 0; i < src->members.n; i++) {
		/* re-point the spans into the copied text */
		struct jmember m = src->members.v[i];
		m.key.p = dst->text.s + (m.key.p - src->text.s);
		m.val.p = dst->text.s + (m.val.p - src->text.s);
		dst->members.v[i] = m;
	}
	dst->added = xgrow(dst->added, &dst->capadded, src->nadded, sizeof *src->added);
	dst->nadded = src->nadded;
	if (src->nadded)
		memcpy(dst->added, src->added, src->nadded * sizeof *src->added);
}

static struct rec_added *
find_added(const struct record *r, const char *key, size_t keylen)
{
	for (size_t i = 0; i < r->nadded; i++) {
		struct rec_added *a = &r->added[i];
		if (a->keylen == keylen && !memcmp(r->vals.s + a->key, key, keylen))
			return a;
	}
	return NULL;
}

struct buf *
rec_set_begin(struct record *r, const char *key)
{
	size_t keylen = strlen(key);
	struct rec_added *a = find_added(r, key, keylen);
	if (!a) {
		r->added = xgrow(r->added, &r->capadded, r->nadded + 1, sizeof *r->added);
		a = &r->added[r->nadded++];
		a->key = r->vals.len;
		a->keylen = keylen;
		buf_add(&r->vals, key, keylen);
	}
	/* A replaced value's old bytes stay in vals unused; records are short-lived. */
	a->val = r->vals.len;
	a->vallen = (size_t)-1;
	return &r->vals;
}

void
rec_set_end(struct record *r)
{
	for (size_t i = r->nadded; i-- > 0;)
		if (r->added[i].vallen == (size_t)-1) {
			r->added[i].vallen = r->vals.len - r->added[i].val;
			return;
		}
}

void
rec_set_json(struct record *r, const char *key, const char *json, size_t n)
{
	buf_add(rec_set_begin(r, key), json, n);
	rec_set_end(r);
}

void
rec_set_str(struct record *r, const char *key, const char *s, size_t n)
{
	jsonw_str(rec_set_begin(r, key), s, n);
	rec_set_end(r);
}

void
rec_set_strz(struct record *r, const char *key, const char *s)
{
	rec_set_str(r, key, s, strlen(s));
}

void
rec_set_int(struct record *r, const char *key, long long v)
{
	jsonw_int(rec_set_begin(r, key), v);
	rec_set_end(r);
}

void
rec_set_bool(struct record *r, const char *key, bool v)
{
	buf_adds(rec_set_begin(r, key), v ? "true" : "false");
	rec_set_end(r);
}

static bool
alert_listed(const char *list, size_t len, const char *alert, size_t alen)
{
	for (size_t i = 0; i < len;) {
		size_t n = strlen(list + i);
		if (n == alen && !memcmp(list + i, alert, alen))
			return true;
		i += n + 1;
	}
	return false;
}

void
rec_alert(struct record *r, const char *alert)
{
	size_t alen = strlen(alert);
	if (alert_listed(r->alerts.s, r->alerts.len, alert, alen))
		return;
	buf_add(&r->alerts, alert, alen + 1);
}

void
rec_error_code(struct record *r, const char *code, const char *fmt, ...)
{
	assert(errcode_known(code)); /* a new code goes on the list in errcode.c and domstat(7) */
	struct buf msg = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	if (r->errors.len)
		buf_addc(&r->errors, ',');
	buf_adds(&r->errors, "{\"by\":");
	jsonw_strz(&r->errors, tool_name);
	buf_adds(&r->errors, ",\"code\":");
	jsonw_strz(&r->errors, code);
	buf_adds(&r->errors, ",\"msg\":");
	jsonw_str(&r->errors, msg.s, msg.len);
	buf_addc(&r->errors, '}');
	r->nerrors++;
	any_record_error = 1;
	if (r->file)
		tool_warn("%s:%lu: %s [%s]", r->file, r->lineno, msg.s, code);
	else
		tool_warn("line %lu: %s [%s]", r->lineno, msg.s, code);
	buf_free(&msg);
}

int
rec_status(void)
{
	return any_record_error ? EXIT_RECORD_ERRORS : 0;
}

/* Output. */

static void
sep(struct buf *out, bool *first)
{
	if (!*first)
		buf_addc_fast(out, ',');
	*first = false;
}

/* The alerts array: the input's own elements first (kept verbatim), then new ones not there. */
static void
put_alerts(const struct record *r, const struct jspan *old, struct buf *out)
{
	struct buf seen = BUF_INIT, tmp = BUF_INIT;
	buf_adds(out, "\"alerts\":[");
	bool first = true;
	if (old && old->p[0] == '[') {
		size_t it = 0;
		struct jspan e;
		while (jscan_array_next(*old, &it, &e)) {
			sep(out, &first);
			buf_add(out, e.p, e.n);
			if (e.p[0] == '"') {
				buf_reset(&tmp);
				jscan_str_decode(e, &tmp);
				buf_add(&seen, buf_str(&tmp), tmp.len + 1);
			}
		}
	}
	for (size_t i = 0; i < r->alerts.len;) {
		const char *a = r->alerts.s + i;
		size_t n = strlen(a);
		if (!alert_listed(seen.s, seen.len, a, n)) {
			sep(out, &first);
			jsonw_str(out, a, n);
		}
		i += n + 1;
	}
	buf_addc(out, ']');
	buf_free(&seen);
	buf_free(&tmp);
}

static void
put_errors(const struct record *r, const struct jspan *old, struct buf *out)
{
	buf_adds(out, "\"errors\":[");
	if (old && old->p[0] == '[' && old->n > 2) {
		/* the old array's elements, then ours */
		size_t it = 0;
		struct jspan e;
		bool first = true;
		while (jscan_array_next(*old, &it, &e)) {
			sep(out, &first);
			buf_add(out, e.p, e.n);
		}
		if (!first)
			buf_addc(out, ',');
	}
	buf_add(out, buf_str(&r->errors), r->errors.len);
	buf_addc(out, ']');
}

static void
put_added(const struct record *r, const struct rec_added *a, struct buf *out)
{
	jsonw_str(out, r->vals.s + a->key, a->keylen);
	buf_addc_fast(out, ':');
	buf_add(out, r->vals.s + a->val, a->vallen);
}

static void
put_new_members(const struct record *r, const bool *used, bool alerts_done, bool errors_done,
		struct buf *out, bool first)
{
	for (size_t i = 0; i < r->nadded; i++) {
		if (used && used[i])
			continue;
		sep(out, &first);
		put_added(r, &r->added[i], out);
	}
	if (r->alerts.len && !alerts_done) {
		sep(out, &first);
		put_alerts(r, NULL, out);
	}
	if (r->errors.len && !errors_done) {
		sep(out, &first);
		put_errors(r, NULL, out);
	}
}

/* jscan_key_eq, first ruling out most keys by their first byte: an ASCII byte that does not
 * start an escape stands for itself in the decoded key. */
static inline bool
key_is(struct jspan key, const char *k, size_t klen)
{
	unsigned char c = (unsigned char)key.p[1];
	if (klen && key.n > 2 && c < 0x80 && c != '\\' && c != (unsigned char)k[0])
		return false;
	return jscan_key_eq(key, k, klen);
}

static bool
clashes(const struct record *r, struct jspan key)
{
	if (r->alerts.len && key_is(key, "alerts", 6))
		return true;
	if (r->errors.len && key_is(key, "errors", 6))
		return true;
	for (size_t i = 0; i < r->nadded; i++)
		if (key_is(key, r->vals.s + r->added[i].key, r->added[i].keylen))
			return true;
	return false;
}

/* How many bytes of a JSON record's text its output line starts with: the input object up to
 * its closing brace when no added member replaces one of its own, else 0 (the line is rebuilt
 * member by member). */
static size_t
verbatim_head(const struct record *r)
{
	if (r->kind != REC_JSON)
		return 0;
	/* The first bytes of the keys an added member could replace (a bit a byte): a member
	 * whose key starts with an ASCII byte not among them, not an escape, clashes with none
	 * (as key_is rules out), one test instead of one a key. An empty key sets them all. The
	 * bytes key_is cannot rule out are set too, so that one bit test a member is all: the
	 * backslash, the non-ASCII bytes, and the quote (what follows the opening quote of an
	 * empty key). */
	uint64_t first[4] = {1ull << '"', 1ull << ('\\' & 63), ~0ull, ~0ull};
	if (r->alerts.len)
		first['a' >> 6] |= 1ull << ('a' & 63);
	if (r->errors.len)
		first['e' >> 6] |= 1ull << ('e' & 63);
	for (size_t i = 0; i < r->nadded; i++) {
		if (r->added[i].keylen) {
			unsigned char c = (unsigned char)r->vals.s[r->added[i].key];
			first[c >> 6] |= 1ull << (c & 63);
		} else {
			first[0] = first[1] = first[2] = first[3] = ~0ull;
		}
	}
	/* in locals: through r they would be loaded again each member (clashes may change r) */
	const struct jmember *mv = r->members.v;
	size_t n = r->members.n;
	for (size_t i = 0; i < n; i++) {
		struct jspan key = mv[i].key;
		unsigned char c = (unsigned char)key.p[1];
		if ((first[c >> 6] >> (c & 63) & 1) && clashes(r, key))
			return 0;
	}
	/* rec_read trimmed the line: the closing brace is its last byte */
	const char *close = r->text.s[r->text.len - 1] == '}'
				? r->text.s + r->text.len - 1
				: memrchr(r->text.s, '}', r->text.len);
	return (size_t)(close - r->text.s);
}

/* A JSON record's output line after its first `head` bytes (see verbatim_head). */
static void
format_json(const struct record *r, size_t head, struct buf *out)
{
	if (head) {
		put_new_members(r, NULL, false, false, out, r->members.n == 0);
		buf_addc_fast(out, '}');
		return;
	}
	bool *used = xcalloc(r->nadded + 1, sizeof *used);
	bool first = true, alerts_done = false, errors_done = false;
	buf_addc(out, '{');
	for (size_t i = 0; i < r->members.n; i++) {
		const struct jmember *m = &r->members.v[i];
		if (r->alerts.len && jscan_key_eq(m->key, "alerts", 6)) {
			if (!alerts_done) {
				sep(out, &first);
				put_alerts(r, &m->val, out);
			}
			alerts_done = true;
			continue;
		}
		if (r->errors.len && jscan_key_eq(m->key, "errors", 6)) {
			if (!errors_done) {
				sep(out, &first);
				put_errors(r, &m->val, out);
			}
			errors_done = true;
			continue;
		}
		size_t j;
		for (j = 0; j < r->nadded; j++)
			if (jscan_key_eq(m->key, r->vals.s + r->added[j].key, r->added[j].keylen))
				break;
		if (j < r->nadded) {
			if (!used[j]) {
				sep(out, &first);
				put_added(r, &r->added[j], out);
			}
			used[j] = true;
			continue;
		}
		sep(out, &first);
		buf_add(out, m->key.p, m->key.n);
		buf_addc(out, ':');
		buf_add(out, m->val.p, m->val.n);
	}
	put_new_members(r, used, alerts_done, errors_done, out, first);
	buf_addc(out, '}');
	free(used);
}

/* The output line (with its newline) after its first `head` bytes, which are r->text's. */
static void
format_rest(const struct record *r, size_t head, struct buf *out)
{
	switch (r->kind) {
	case REC_BLANK:
		break;
	case REC_PASS:
		buf_add(out, buf_str(&r->text), r->text.len);
		break;
	case REC_NAME:
		if (r->rank >= 0)
			buf_addf(out, "{\"rank\":%ld,\"domain\":", r->rank);
		else
			buf_adds(out, "{\"domain\":");
		jsonw_str(out, r->text.s + r->name_off, r->text.len - r->name_off);
		put_new_members(r, NULL, false, false, out, false);
		buf_addc(out, '}');
		break;
	case REC_BAD:
		buf_adds(out, "{\"raw\":");
		jsonw_str(out, buf_str(&r->text), r->text.len);
		put_new_members(r, NULL, false, false, out, false);
		buf_addc(out, '}');
		break;
	case REC_JSON:
		format_json(r, head, out);
		break;
	}
	buf_addc_fast(out, '\n');
}

void
rec_format(const struct record *r, struct buf *out)
{
	size_t head = verbatim_head(r);
	if (head)
		buf_add(out, r->text.s, head);
	format_rest(r, head, out);
}

void
rec_emit(const struct record *r)
{
	/* reused record to record so output allocates nothing per line; reset before each use */
	static struct buf out;
	buf_reset(&out);
	/* A line goes out in one write, its unchanged head copied here first: a second write of
	 * the head from where it is costs more in stdio's work a call than the copy of a log
	 * line. A long head (a scan record's, 10 to 20 KB, in dns-grade) goes out from where it
	 * is: that copy is then the dearer. */
	size_t head = verbatim_head(r);
	if (head >= 4096)
		tool_out(r->text.s, head);
	else
		buf_add(&out, r->text.s, head);
	format_rest(r, head, &out);
	tool_out(out.s, out.len);
}
